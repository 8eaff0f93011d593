"""Pages that call macros are data too: they may call the site's macros, by name, with literal arguments, and
nothing else.

A page under docs/ whose front matter sets `render_macros: true` calls the site's macros (`{{ cite('key') }}`,
`{{ item_list('principle') }}`), written in Jinja's syntax. Jinja itself reaches far beyond the macros
(`{{ cycler.__init__.__globals__.os.popen('id').read() }}` runs a command), so no page is ever rendered as a template:
every such page is parsed here with Jinja's own parser, its syntax tree may hold only text, literal strings and
numbers, and calls of a name in MACROS whose arguments are literal strings or numbers, and imap.publishing.generate
makes each call itself with those literals. Checking a page runs nothing. The manual's own pages never call macros
(render_macros is not one of their keys), and mkdocs.yml may not turn on a plugin that renders pages as templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from imap.model.diagnostics import Diagnostic, Location, did_you_mean, error
from imap.reading import frontmatter, inputs, symlinks

DOCS_DIR = "docs"
CONFIG_FILE = "mkdocs.yml"
# The file names MkDocs reads as Markdown pages (mkdocs.utils.markdown_extensions).
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")

# The macros a page may call (imap.publishing.generate.Pages.functions makes exactly these; a test holds the two equal).
MACROS: tuple[str, ...] = (
    "cite",
    "xref",
    "principle_evidence_table",
    "evidence_principles_table",
    "theory_map_table",
    "intervention_matrix",
    "session_table",
    "principle_sessions_table",
    "off_course_list",
    "form_table",
    "certainty_table",
    "evidence_profiles",
    "fidelity_form",
    "item_list",
    "bibliography",
    "vocabulary_tables",
    "required_sections_table",
    "fields_table",
    "diagnostic_codes_table",
    "hypotheses_registry",
    "fidelity_scale",
    "gap_map",
    "principle_cards",
    "glossary",
    "item_changes",
    "manual_map",
    "coverage_figures",
    "data_files_table",
    "data_link",
    "data_columns",
    "data_versions",
    "editions",
    "benchmarks",
    "markup_allowlist",
)

_PLUGIN = "macros"
# How MkDocs finds a page's YAML front matter (mkdocs.utils.meta.YAML_RE); pages without it have no render_macros.
# The project's own front matter parser (imap.reading.frontmatter) differs in corner cases, and what decides whether a
# page renders is what MkDocs reads. (imap.publishing.generate checks each page again, as it evaluates it.)
PAGE_META = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)

_RULE = "such a page may only call the site's macros, with literal strings or numbers as arguments"
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml, when PyYAML has it
_LONGEST = 80  # characters of an expression shown in a message
_STATEMENTS = {
    "For": "for",
    "If": "if",
    "Macro": "macro",
    "CallBlock": "call",
    "FilterBlock": "filter",
    "With": "with",
    "Block": "block",
    "Extends": "extends",
    "Include": "include",
    "Import": "import",
    "FromImport": "from ... import",
    "Assign": "set",
    "AssignBlock": "set",
    "ExprStmt": "do",
    "Continue": "continue",
    "Break": "break",
    "Scope": "scope",
    "OverlayScope": "overlay scope",
    "EvalContextModifier": "autoescape",
    "ScopedEvalContextModifier": "autoescape",
}


def check_project(root: Path) -> list[Diagnostic]:
    """mkdocs.yml (no template engine for pages) and every page under docs/ that calls macros."""
    return [*check_config(root), *check_pages(root)]


def check_pages(root: Path) -> list[Diagnostic]:
    """Every Markdown page under docs/ that renders macros, checked. Symbolic links are not followed (the manual,
    reached through docs/manual, never renders; any other link is an error of imap.reading.symlinks)."""
    problems: list[Diagnostic] = []
    for relative, linked in symlinks.walk(root, DOCS_DIR):
        if not linked and relative.endswith(MARKDOWN_SUFFIXES):
            data, unreadable = inputs.read_input(root, relative)  # a named pipe is not waited on
            problems.extend(check_page(relative, data) if data is not None else unreadable)
    return problems


def check_page(path: str, data: bytes) -> list[Diagnostic]:
    """A page's problems as a template, if its front matter says it calls macros (as the generator reads it)."""
    text, _ = frontmatter.decode(path, data)  # as MkDocs reads a page: UTF-8, any newlines
    found = PAGE_META.match(text or "")
    if text is None or found is None:
        return []  # no YAML front matter for MkDocs, so no render_macros: true
    try:
        node = yaml.compose(found.group(1), Loader=_LOADER)
    except (yaml.YAMLError, RecursionError):
        return []  # MkDocs gives the page no metadata
    if not isinstance(node, yaml.MappingNode):
        return []  # MkDocs gives the page no metadata
    meta = _construct(node)
    # The generator tests `render_macros == True` (imap.publishing.generate), so 1 and 1.0 count as well.
    if not isinstance(meta, dict) or meta.get("render_macros") != True:  # noqa: E712
        return []
    body = text[found.end() :].lstrip("\n")  # the text after the front matter, as MkDocs and the generator take it
    problems = check_template(path, body, text[: len(text) - len(body)].count("\n") + 1)
    title = meta.get("title")
    if isinstance(title, str):  # the generator makes the calls in a page's title too
        problems.extend(check_template(path, title, _line_of(node, "title", 2)))
    elif "title" not in meta and any(start in Path(path).stem for start in ("{{", "{%", "{#")):
        # Without a title, MkDocs may make one from the file name.
        problems.append(
            error(
                Location(path),
                "template.unsafe",
                "the file name of a page that renders macros has template syntax",
                _RULE,
            )
        )
    return problems


def renders(text: str) -> bool:
    """Whether a page with this text calls macros (its front matter sets render_macros, as the generator tests it)."""
    found = PAGE_META.match(text)
    if found is None:
        return False
    try:
        node = yaml.compose(found.group(1), Loader=_LOADER)
    except (yaml.YAMLError, RecursionError):
        return False
    meta = _construct(node) if isinstance(node, yaml.MappingNode) else None
    return isinstance(meta, dict) and meta.get("render_macros") == True  # noqa: E712 -- as the generator tests it


def without_macros(text: str) -> str:
    """A page's text as Markdown will see it apart from what its macros make: on a page that renders macros, every
    Jinja tag and expression is blanked out, keeping its line breaks, and raw blocks keep their text. A page that does
    not render macros, or does not parse (template.syntax says so), is returned as it is."""
    if not renders(text) or not any(start in text for start in ("{{", "{%", "{#")):
        return text
    import jinja2  # as in check_template: only pages that render macros pay for importing Jinja

    try:
        tokens = list(jinja2.Environment().lex(text))
    except jinja2.TemplateSyntaxError:
        return text
    return "".join(value if kind == "data" else "\n" * value.count("\n") for _, kind, value in tokens)


def check_template(path: str, source: str, first_line: int) -> list[Diagnostic]:
    """The problems of Jinja template text that starts at `first_line` of the file `path`."""
    import jinja2  # only a run that meets a page that renders macros pays for importing Jinja

    def at(lineno: int | None) -> Location:
        return Location(path, max(first_line + (lineno or 1) - 1, 0))

    try:
        tree = jinja2.Environment().parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return [
            error(
                at(exc.lineno),
                "template.syntax",
                f"the page renders macros and is not a valid template: {exc.message}",
                "write {{ '{{' }} for a literal {{",
            )
        ]
    except RecursionError:
        return [error(at(1), "template.syntax", "the page renders macros and is nested too deeply to parse")]
    return [error(at(lineno), "template.unsafe", message, hint) for lineno, message, hint in _unsafe(tree.body)]


def _unsafe(body: list[Any]) -> Iterator[tuple[int, str, str]]:
    """What in a template's top-level nodes is not text or a macro call with literal arguments: (line, message,
    hint). A node that is not allowed is reported once, without what it holds."""
    from jinja2 import nodes

    for statement in body:
        if not isinstance(statement, nodes.Output):
            tag = _STATEMENTS.get(type(statement).__name__, type(statement).__name__.lower())
            yield statement.lineno, f"a {{% {tag} %}} tag in a page that renders macros", _RULE
            continue
        for node in statement.nodes:
            if isinstance(node, nodes.TemplateData) or _literal(node):
                continue
            if isinstance(node, nodes.Name):
                yield node.lineno, f"the variable '{node.name}' in a page that renders macros", _RULE
            elif not isinstance(node, nodes.Call) or not isinstance(node.node, nodes.Name):
                yield node.lineno, f"the expression {{{{ {_describe(node)} }}}} in a page that renders macros", _RULE
            elif node.node.name not in MACROS:
                name = node.node.name
                hint = did_you_mean(name, MACROS) or "the macros are listed in imap/checking/page_templates.py"
                yield node.lineno, f"a call to '{name}', which is not one of the site's macros", hint
            elif node.dyn_args is not None or node.dyn_kwargs is not None:
                yield node.lineno, f"the arguments of {node.node.name}() are unpacked with * or **", _RULE
            else:
                for argument in [*node.args, *(keyword.value for keyword in node.kwargs)]:
                    if not _literal(argument):
                        message = f"the argument {_describe(argument)} of {node.node.name}() is not a literal"
                        yield argument.lineno, message, "write a string in quotes, or a number"


def _literal(node: Any) -> bool:
    from jinja2 import nodes

    return isinstance(node, nodes.Const) and type(node.value) in (str, int, float)


def _describe(node: Any) -> str:
    """Template code of an expression, roughly as written, for a message."""
    text = _unparse(node, 0)
    return text if len(text) <= _LONGEST else text[: _LONGEST - 3] + "..."


def _unparse(node: Any, depth: int) -> str:
    from jinja2 import nodes

    if depth > 12:
        return "..."
    depth += 1
    if isinstance(node, nodes.Name):
        return str(node.name)
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Getattr):
        return f"{_unparse(node.node, depth)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_unparse(node.node, depth)}[{_unparse(node.arg, depth)}]"
    if isinstance(node, nodes.Call):
        arguments = [_unparse(a, depth) for a in node.args]
        arguments += [f"{k.key}={_unparse(k.value, depth)}" for k in node.kwargs]
        arguments += [f"*{_unparse(node.dyn_args, depth)}"] if node.dyn_args is not None else []
        arguments += [f"**{_unparse(node.dyn_kwargs, depth)}"] if node.dyn_kwargs is not None else []
        return f"{_unparse(node.node, depth)}({', '.join(arguments)})"
    if isinstance(node, nodes.Filter | nodes.Test):
        joint = "|" if isinstance(node, nodes.Filter) else " is "
        return f"{_unparse(node.node, depth) if node.node is not None else ''}{joint}{node.name}"
    if isinstance(node, nodes.Concat):
        return " ~ ".join(_unparse(n, depth) for n in node.nodes)
    if isinstance(node, nodes.BinExpr):
        return f"{_unparse(node.left, depth)} {node.operator} {_unparse(node.right, depth)}"
    if isinstance(node, nodes.UnaryExpr):
        return f"{node.operator} {_unparse(node.node, depth)}"
    return f"<{type(node).__name__.lower()}>"


def _construct(node: yaml.Node) -> object:
    """The front matter as Python values, as MkDocs reads it (merge keys included)."""
    try:
        return yaml.SafeLoader("").construct_document(node)
    except (yaml.YAMLError, RecursionError):
        return None  # MkDocs cannot read it either, and gives the page no metadata


def _line_of(mapping: yaml.MappingNode, key: str, first_line: int) -> int:
    for key_node, value_node in reversed(mapping.value):
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return first_line + int(value_node.start_mark.line)
    return first_line


def check_config(root: Path) -> list[Diagnostic]:
    """mkdocs.yml turns on no template engine for pages: the site's pages call macros only through
    imap.publishing.generate, which evaluates literal calls and runs nothing else, so the mkdocs-macros plugin (which
    renders a page as a Jinja template) may not be listed; and the configuration does not inherit plugins from a file
    this check does not read. A project without mkdocs.yml (a fixture manual) has nothing to check."""
    path = root / CONFIG_FILE
    if not path.is_file() or path.is_symlink():
        return []  # a link is an error of imap.reading.symlinks
    try:
        document = yaml.compose(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return []  # MkDocs refuses to build with it
    if not isinstance(document, yaml.MappingNode):
        return []
    problems: list[Diagnostic] = []
    for key, value in document.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "INHERIT":
            problems.append(
                error(
                    _at(key),
                    "template.config",
                    "the configuration inherits from another file, whose plugin settings are not checked",
                    "write the settings into mkdocs.yml itself",
                )
            )
        if isinstance(key, yaml.ScalarNode) and key.value == "plugins":
            problems.extend(
                error(
                    _at(options),
                    "template.config",
                    "mkdocs.yml turns on the macros plugin, which renders pages as Jinja templates",
                    "pages call the site's macros through the engine (imap/publishing/generate.py); remove the plugin",
                )
                for options in _macros_options(value)
            )
    return problems


def _at(node: yaml.Node) -> Location:
    return Location(CONFIG_FILE, int(node.start_mark.line) + 1)


def _macros_options(plugins: yaml.Node) -> Iterator[yaml.Node]:
    """The name node of every mkdocs-macros entry in the plugins list (or mapping)."""
    entries: list[tuple[yaml.Node, yaml.Node | None]] = []
    if isinstance(plugins, yaml.SequenceNode):
        for entry in plugins.value:
            if isinstance(entry, yaml.ScalarNode):
                entries.append((entry, None))
            elif isinstance(entry, yaml.MappingNode):
                entries.extend(entry.value)
    elif isinstance(plugins, yaml.MappingNode):
        entries.extend(plugins.value)
    for name, _ in entries:
        if isinstance(name, yaml.ScalarNode) and name.value.split(" #")[0].strip() == _PLUGIN:
            yield name
