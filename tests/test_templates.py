"""The templates authors start from are valid items of their kind (cross-references aside)."""

from __future__ import annotations

import pytest

from imap.checking import rules
from imap.model.items import Kind
from imap.reading import frontmatter, item_file
from tests.conftest import ROOT


@pytest.mark.parametrize("kind", list(Kind))
def test_template_is_a_valid_item(kind: Kind) -> None:
    path = f"templates/{kind.value}.md"
    text = (ROOT / path).read_text(encoding="utf-8")
    split, problems = frontmatter.split(path, text)
    assert split is not None, problems
    node, problems = frontmatter.compose(path, split)
    assert node is not None, problems
    item, problems = item_file.read_item(
        f"manual/{kind.folder}/{kind.prefix}99.md", kind, node, 2, split.body, split.body_line
    )
    assert item is not None
    assert [p.format() for p in problems] == []
    assert [d.format() for d in rules.sections([item])] == []
