"""The downloads under site/data/: the JSON Schema and what it accepts and refuses, the CSV tables, the bibliography
as CSL-JSON and BibTeX, the data page's Python examples, and every output following an edit of the metadata."""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string

from imap.checking.project import load_project
from imap.model import vocab
from imap.model.diagnostics import has_errors
from imap.model.items import Kind
from imap.publishing import csv_tables, downloads, manual_json
from imap.publishing.manual_schema import SCHEMA_VERSION, manual_schema
from imap.rendering.site import SiteData
from tests.conftest import GOLDEN, ROOT, SITES, make_project, mkdocs_build
from tests.helpers import THEORY

SITE_URL = "https://imap-manual.example.org/"
VALIDATOR = jsonschema.Draft202012Validator


@pytest.fixture(scope="module")
def site() -> SiteData:
    project = load_project(SITES / "valid")
    assert not has_errors(project.diagnostics)
    return SiteData.create(project.manual, SITE_URL)


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


# ---------------------------------------------------------------------------------------------------------------
# The schema


def test_schema_is_a_valid_draft_2020_12_schema_and_matches_its_golden_copy(update_golden: bool) -> None:
    """The published schema; any change to it shows in review as a change of tests/golden/manual.schema.json."""
    schema = manual_schema(SITE_URL)
    VALIDATOR.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SITE_URL + "data/manual.schema.json"
    assert schema["x-schema-version"] == SCHEMA_VERSION
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    text = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    golden = GOLDEN / "manual.schema.json"
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), "schema changed: review, bump SCHEMA_VERSION, --update-golden"


def _enums(node: Any, path: str = "") -> Iterator[tuple[str, list[str]]]:
    if isinstance(node, dict):
        if "enum" in node:
            yield path, node["enum"]
        for key, value in node.items():
            yield from _enums(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _enums(value, f"{path}/{index}")


def test_schema_enumerations_are_the_vocabularies_of_the_content_model() -> None:
    enums = dict(_enums(manual_schema(SITE_URL)))
    expected = {
        "/$defs/evidence_link/properties/kind": vocab.EVIDENCE_KIND,
        "/$defs/evidence_link/properties/context": vocab.EVIDENCE_CONTEXT,
        "/$defs/evidence_link/properties/stance": vocab.EVIDENCE_STANCE,
        "/$defs/hypothesis/properties/status": vocab.HYPOTHESIS_STATUS,
        "/$defs/intervention/properties/phases/items": vocab.PHASE,
        "/$defs/chapter/properties/part": vocab.PART,
        "/$defs/session/properties/phase": vocab.SESSION_PHASE,
        "/$defs/form/properties/type": vocab.FORM_TYPE,
        "/$defs/principle/properties/certainty/oneOf/1/properties/rating": vocab.CERTAINTY,
        "/$defs/principle/properties/certainty/oneOf/1/properties/downgraded_for/items": vocab.CERTAINTY_DOMAINS,
        "/$defs/intervention/properties/certainty/oneOf/1/properties/rating": vocab.CERTAINTY,
        "/$defs/intervention/properties/certainty/oneOf/1/properties/downgraded_for/items": vocab.CERTAINTY_DOMAINS,
        "/$defs/principle/properties/fidelity/items/properties/unit": vocab.FIDELITY_UNIT,
    }
    assert enums == {path: list(vocabulary) for path, vocabulary in expected.items()}
    kinds = [ref["$ref"] for ref in manual_schema()["properties"]["items"]["items"]["oneOf"]]
    assert kinds == [f"#/$defs/{kind.value}" for kind in Kind]


def _errors(document: dict[str, Any]) -> list[str]:
    validator = VALIDATOR(manual_schema(SITE_URL))
    return sorted(error.json_path for error in validator.iter_errors(document))


def test_the_schema_accepts_the_export_and_refuses_what_a_consumer_could_not_rely_on(site: SiteData) -> None:
    document = manual_json.manual_json(site)
    assert _errors(document) == []
    principle = next(i for i, item in enumerate(document["items"]) if item["kind"] == "principle")

    def broken(change: str) -> dict[str, Any]:
        mutated = copy.deepcopy(document)
        item = mutated["items"][principle]
        if change == "context":
            item["evidence"][0]["context"] = "anecdote"
        elif change == "missing":
            del item["theories"]
        elif change == "extra":
            item["evidense"] = []
        elif change == "version":
            mutated["schema_version"] = "0.9.0"
        elif change == "kind":
            item["kind"] = "chapter"
        elif change == "status":
            item["hypotheses"][0]["status"] = "proven"
        elif change == "reference":
            del mutated["references"][0]["apa"]
        return mutated

    for change in ("context", "missing", "extra", "version", "kind", "status", "reference"):
        assert _errors(broken(change)), change


# ---------------------------------------------------------------------------------------------------------------
# The files, in memory


def test_the_documented_files_are_the_written_files(site: SiteData) -> None:
    assert [f.name for f in downloads.FILES] == list(downloads.data_files(site))


def test_csv_tables_have_their_declared_columns_and_one_row_per_thing(site: SiteData) -> None:
    files = downloads.data_files(site)
    manual = site.manual
    tables = {t.file: list(csv.DictReader(io.StringIO(files[t.file]))) for t in csv_tables.TABLES}
    for table in csv_tables.TABLES:
        assert files[table.file].splitlines()[0] == ",".join(c.name for c in table.columns)
        assert files[table.file].endswith("\r\n")
    assert [r["id"] for r in tables["items.csv"]] == sorted(i.id for i in manual.items)
    p01 = next(r for r in tables["items.csv"] if r["id"] == "P01")
    assert (p01["theories"], p01["interventions"], p01["hypotheses"]) == ("T01", "I01", "H01a")
    assert p01["permalink"] == SITE_URL + "id/P01/"
    edges = [(r["from"], r["source"], r["context"]) for r in tables["evidence.csv"]]
    expected = [
        (owner, link.source, link.context)
        for item in sorted(manual.items, key=lambda i: i.id)
        for owner, links in [(item.id, item.evidence), *((h.id, h.evidence) for h in item.hypotheses)]
        for link in links
    ]
    assert edges == expected
    assert [r["key"] for r in tables["references.csv"]] == list(site.formatted)
    assert [r["id"] for r in tables["hypotheses.csv"]] == ["H01a"]
    assert tables["hypotheses.csv"][0]["url"] == "manual/principles/P01/#h01a"


def test_text_with_commas_quotes_and_line_breaks_survives_the_csv(tmp_path: Path) -> None:
    project = make_project(tmp_path / "quoted", "valid")
    principle = project / "manual" / "principles" / "P01.md"
    claim = 'Arousal, "window" and; semicolons'
    principle.write_text(
        principle.read_text(encoding="utf-8").replace(
            "claim: An optimal zone of arousal for integration", f"claim: '{claim}'"
        ),
        encoding="utf-8",
    )
    loaded = load_project(project)
    text = csv_tables.table_csv(SiteData.create(loaded.manual), csv_tables.EVIDENCE)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert claim in [r["claim"] for r in rows]


def test_json_files_hold_one_record_per_line(site: SiteData) -> None:
    """A change to one item or reference shows as a change to one line of manual.json or references.csl.json."""
    files = downloads.data_files(site)
    document = json.loads(files["manual.json"])
    assert document == json.loads(json.dumps(manual_json.manual_json(site)))
    lines = files["manual.json"].splitlines()
    for key in ("items", "references"):
        start = lines.index(f'  "{key}": [')
        records = [json.loads(line.strip().rstrip(",")) for line in lines[start + 1 : start + 1 + len(document[key])]]
        assert records == document[key]
        assert lines[start + 1 + len(document[key])] in ("  ],", "  ]")
    csl_lines = files["references.csl.json"].splitlines()
    assert [json.loads(line.rstrip(",")) for line in csl_lines[1:-1]] == json.loads(files["references.csl.json"])


def test_the_bibtex_export_is_reused_until_a_reference_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Encoding every field as LaTeX is a good part of a rebuild's own work; a rebuild with the same references
    writes the same file without it, and a changed reference is written anew."""
    encodings: list[int] = []
    real = downloads._bibtex

    def counting(version: str, references: list[Any]) -> str:
        encodings.append(len(references))
        return real(version, references)

    monkeypatch.setattr(downloads, "_bibtex", counting)
    manual = load_project(SITES / "valid").manual

    def build(manual: Any) -> str:
        site = SiteData.create(manual, SITE_URL, cache_dir=tmp_path)
        text = downloads.bibtex(site)
        site.save_caches()
        return text

    first = build(manual)
    assert build(manual) == first
    assert len(encodings) == 1
    key = next(iter(manual.references))
    changed = dataclasses.replace(
        manual.references[key], raw={**manual.references[key].raw, "title": "A changed title"}
    )
    edited = build(dataclasses.replace(manual, references={**manual.references, key: changed}))
    assert len(encodings) == 2
    assert "A changed title" in edited
    assert edited != first


def test_csl_json_and_bibtex_hold_every_reference_and_read_back(site: SiteData) -> None:
    files = downloads.data_files(site)
    csl = json.loads(files["references.csl.json"])
    assert [entry["id"] for entry in csl] == list(site.formatted)
    library = parse_string(
        files["references.bib"],
        append_middleware=[
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.LatexDecodingMiddleware(),
        ],
    )
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == list(site.formatted)
    for entry in library.entries:
        reference = site.manual.references[entry.key]
        title = re.sub(r"[{}]", "", str(entry.fields_dict["title"].value))
        assert title == reference.title, entry.key
        assert entry.entry_type == reference.entry_type
        if reference.doi:
            assert entry.fields_dict["doi"].value == reference.doi
    siegel = next(e for e in library.entries if e.key == "siegel1999developing")
    assert [" ".join(n.last) for n in siegel.fields_dict["author"].value] == ["Siegel"]


def test_special_characters_and_incomplete_author_lists_in_the_bibliography_files(tmp_path: Path) -> None:
    project = make_project(tmp_path / "special", "valid")
    bib = project / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8") + '\n@article{muller2020,\n  author = {M{\\"u}ller, J{\\"o}rg and others},\n'
        "  title = {Fear \\& safety: 50\\% of {PTSD} cases},\n  journal = {J},\n  year = {2020}\n}\n",
        encoding="utf-8",
    )
    loaded = load_project(project)
    site = SiteData.create(loaded.manual)
    files = downloads.data_files(site)
    bibtex = files["references.bib"]
    entry = bibtex.split("@article{muller2020,", 1)[1].split("\n}", 1)[0]
    assert 'author = {M{\\"u}ller, J{\\"o}rg and others}' in entry  # as written
    assert "title = {Fear \\& safety: 50\\% of {PTSD} cases}" in entry
    assert bibtex.isascii()
    csl = next(e for e in json.loads(files["references.csl.json"]) if e["id"] == "muller2020")
    assert csl["author"] == [{"family": "Müller", "given": "Jörg"}, {"literal": "et al."}]
    row = next(r for r in csv.DictReader(io.StringIO(files["references.csv"])) if r["key"] == "muller2020")
    assert row["authors"] == "Müller, Jörg; et al."
    assert "ETALMARKER" not in "".join(files.values())


# ---------------------------------------------------------------------------------------------------------------
# The built sites


@pytest.mark.parametrize("fixture", ["built_site", "valid_site"])
def test_built_manual_json_validates_against_the_published_schema(fixture: str, request: pytest.FixtureRequest) -> None:
    built: Path = request.getfixturevalue(fixture)
    data, schema = _json(built / "data" / "manual.json"), _json(built / "data" / "manual.schema.json")
    VALIDATOR.check_schema(schema)
    assert sorted(e.json_path for e in VALIDATOR(schema).iter_errors(data)) == []
    # A plain build (no IMAP_SITE_URL) names the schema by its place beside manual.json, never by a made-up domain.
    assert data["$schema"] == schema["$id"] == "manual.schema.json"
    assert data["schema_version"] == schema["x-schema-version"] == SCHEMA_VERSION
    items = _csv(built / "data" / "items.csv")
    assert [r["id"] for r in items] == [i["id"] for i in data["items"]]
    evidence = _csv(built / "data" / "evidence.csv")
    own = sum(len(i["evidence"]) for i in data["items"])
    hypotheses = sum(len(h["evidence"]) for i in data["items"] for h in i.get("hypotheses", []))
    assert len(evidence) == own + hypotheses
    assert sorted(r["key"] for r in _csv(built / "data" / "references.csv")) == sorted(
        r["key"] for r in data["references"]
    )
    assert len(_json(built / "data" / "references.csl.json")) == len(data["references"])


def _python_examples() -> list[str]:
    page = (ROOT / "docs" / "reference" / "data.md").read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```$", page, re.MULTILINE | re.DOTALL)


def test_the_data_page_python_examples_run_against_a_built_site(built_site: Path) -> None:
    examples = _python_examples()
    assert len(examples) == 2
    outputs = []
    for example in examples:
        result = subprocess.run(
            [sys.executable, "-c", example], cwd=built_site.parent, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    version = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
    assert outputs[0].startswith(f"manual {version} data format {SCHEMA_VERSION}\n")
    assert re.search(r"^P03 \d+ sources .*Work within tolerable arousal$", outputs[0], re.MULTILINE)
    assert outputs[1] == f"valid against schema {SCHEMA_VERSION}\n"


def test_the_data_page_links_every_file(built_site: Path) -> None:
    page = (built_site / "reference" / "data" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="\.\./\.\./data/([^"]+)"', page)
    assert links == [f.name for f in downloads.FILES]
    for name in links:
        assert (built_site / "data" / name).stat().st_size > 100, name


# ---------------------------------------------------------------------------------------------------------------
# Editing the metadata changes every output


def _outputs(site_dir: Path) -> dict[str, str]:
    names = {
        "manual.json": "data/manual.json",
        "items.csv": "data/items.csv",
        "evidence.csv": "data/evidence.csv",
        "map": "overview/theory-map/index.html",
        "principle": "manual/principles/P01/index.html",
        "overview": "overview/index.html",
    }
    return {name: (site_dir / path).read_text(encoding="utf-8") for name, path in names.items()}


def _svg(page: str) -> str:
    start = page.index('<svg class="imap-map')
    return page[start : page.index("</svg>", start)]


def _rows(page: str, caption_start: str) -> dict[str, list[str]]:
    """A generated table's rows (first cell's text -> the other cells' text) after the caption starting so."""
    table = page.split(f'<p class="imap-caption">{caption_start}', 1)[1].split("</table>", 1)[0]
    rows: dict[str, list[str]] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)[1:]:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
        rows[cells[0]] = cells[1:]
    return rows


def test_editing_a_principle_changes_data_diagrams_and_figures_on_the_next_build(tmp_path: Path) -> None:
    project = make_project(tmp_path / "edit", "valid")
    assert mkdocs_build(project).returncode == 0
    before = _outputs(project / "site")
    # A new theory, and P01 rests on it and gains an evidence link from an MDMA-assisted therapy trial.
    (project / "manual" / "theories" / "T02.md").write_text(
        THEORY.replace("id: T01", "id: T02").replace("title: A theory", "title: Second theory"), encoding="utf-8"
    )
    principle = project / "manual" / "principles" / "P01.md"
    principle.write_text(
        principle.read_text(encoding="utf-8")
        .replace("theories: [T01]", "theories: [T01, T02]")
        .replace(
            "evidence:\n",
            "evidence:\n  - source: imap2026case\n    claim: An integrative model\n    kind: trial\n"
            "    context: mdma-therapy\n",
            1,
        ),
        encoding="utf-8",
    )
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    after = _outputs(project / "site")

    p01 = [next(i for i in json.loads(state["manual.json"])["items"] if i["id"] == "P01") for state in (before, after)]
    assert (p01[0]["theories"], p01[1]["theories"]) == (["T01"], ["T01", "T02"])
    assert next(e["source"] for e in p01[1]["evidence"]) == "imap2026case"
    rows = [{r["id"]: r for r in csv.DictReader(io.StringIO(state["items.csv"]))} for state in (before, after)]
    assert (rows[0]["P01"]["theories"], rows[1]["P01"]["theories"]) == ("T01", "T01;T02")
    assert rows[1]["T02"]["principles"] == "P01" and "T02" not in rows[0]
    edge = "P01,principle,P01,imap2026case,An integrative model,trial,mdma-therapy,supports"
    assert edge not in before["evidence.csv"] and edge in after["evidence.csv"]
    link = 'href="../../manual/theories/T02/"'
    assert link not in _svg(before["map"]) and link in _svg(after["map"])
    link = 'href="../../theories/T02/"'
    assert link not in _svg(before["principle"]) and link in _svg(after["principle"])
    theories = [_rows(state["overview"], "How many principles rest on each theory") for state in (before, after)]
    assert "T02 Second theory" not in theories[0] and theories[1]["T02 Second theory"][:2] == ["1", "P01"]
    contexts = [_rows(state["overview"], "Links of tested support in the manual") for state in (before, after)]
    mdma = "MDMA-assisted therapy"
    assert int(contexts[1][mdma][0]) == int(contexts[0][mdma][0]) + 1
    sources = [_rows(state["overview"], "Distinct sources") for state in (before, after)]
    label = "P01 Work within tolerable arousal"
    assert int(sources[1][label][0]) == int(sources[0][label][0]) + 1
