"""The benchmark's parts that can be checked without timing anything: its arithmetic and verdicts, the synthetic
manuals it builds, and the page that shows its results."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

from imap.checking.project import load_project
from imap.model import text_bounds
from imap.reading import frontmatter
from imap.rendering import benchmarks
from imap.rendering.benchmarks import Figure, Results
from tests.conftest import imap_check
from tools import synth
from tools.bench import checks, common, hostile, stats


def test_median_ratio_and_overhead() -> None:
    assert stats.median([3.0, 1.0, 2.0, 100.0, 2.5]) == 2.5
    assert stats.median([1.0, 2.0]) == 1.5
    assert stats.ratio(6.0, 4.0) == 1.5
    assert stats.overhead_percent(11.5, 10.0) == pytest.approx(15.0)
    with pytest.raises(ValueError, match="no measurements"):
        stats.median([])
    with pytest.raises(ValueError, match="positive"):
        stats.ratio(1.0, 0.0)


def test_paired_overhead_is_judged_pair_by_pair() -> None:
    # The machine ran at full speed for two pairs and at half speed for three; each value is 10% over its pair's
    # baseline, but the fourth value was disturbed as well.
    values = [1.1, 2.2, 2.2, 6.0, 1.1]
    baselines = [1.0, 2.0, 2.0, 2.0, 1.0]
    assert stats.paired_overhead_percent(values, baselines) == pytest.approx(10.0)
    assert stats.paired_overhead_percent([1.0, 1.3], [1.0, 1.0]) == pytest.approx(15.0)
    with pytest.raises(ValueError, match="one baseline per value"):
        stats.paired_overhead_percent([1.0], [1.0, 2.0])


def test_targets_are_limits_that_a_value_meets_or_misses() -> None:
    assert stats.at_most(15.0, 15) == "PASS"
    assert stats.at_most(15.1, 15) == "FAIL"
    assert stats.at_most(0, 0) == "PASS"


def test_linear_growth_allows_twelve_times_the_time_for_ten_times_the_content() -> None:
    steps = stats.linear([1, 10, 100], [[2.0], [23.0], [400.0]])
    assert [(small, large) for small, large, _, _ in steps] == [(1, 10), (10, 100)]
    assert [verdict for *_, verdict in steps] == ["PASS", "FAIL"]  # 11.5x is linear enough; 17.4x is not
    assert steps[0][2] == pytest.approx(11.5)
    assert stats.linear([1, 10], [[1.0], [12.0]])[0][3] == "PASS"
    assert stats.linear([1, 10], [[1.0], [12.1]])[0][3] == "FAIL"


def test_a_large_build_is_compared_with_the_smaller_builds_made_either_side_of_it() -> None:
    # Rounds of a 10 s build, then a 100 s one; the machine slows during the second large build (the small build
    # after it takes 15 s). Each large build over the mean of the small builds either side: 100/10 and 150/12.5,
    # 10x and 12x, median 11x. Over the small build before it alone: 10x and 15x; the medians apart: 12.5x.
    assert stats.bracketed_ratio([10.0, 10.0, 15.0], [100.0, 150.0]) == pytest.approx(11.0)
    # The last large build, with no smaller build after it, is compared with the one before it.
    assert stats.bracketed_ratio([10.0, 20.0], [100.0, 300.0]) == pytest.approx((100 / 15 + 300 / 20) / 2)
    with pytest.raises(ValueError):
        stats.bracketed_ratio([], [1.0])


def test_a_synthetic_manual_is_valid_and_scales_items_references_and_terms(tmp_path: Path) -> None:
    """Four copies: more than 99 chapters, so IDs past 99 (C100) are exercised too."""
    real = load_project(synth.ROOT).manual
    project = synth.generate(tmp_path / "x4", 4)
    check = imap_check(project)
    assert check.returncode == 0, check.stderr
    manual = load_project(project).manual
    assert len(manual.items) == 4 * len(real.items)
    assert len(manual.references) == 4 * len(real.references)
    assert len(manual.glossary) == 4 * len(real.glossary)
    evidence = sum(len(i.all_evidence()) for i in manual.items)
    assert evidence == 4 * sum(len(i.all_evidence()) for i in real.items)
    assert "C100" in manual.by_id
    copy = manual.by_id["P15"]  # P03 of the second copy, citing the second copy's references
    assert copy.title == manual.by_id["P03"].title + " 1"
    assert all(link.source.endswith("x1") for link in copy.evidence)
    assert [h.id for h in copy.hypotheses] == ["H15a", "H15b"]
    assert all(ref.target in manual.by_id for item in manual.items for ref in item.theories + item.principles)
    # Each copy's references are other works (dated a year earlier per copy): works that share authors and a year,
    # which APA tells apart with year letters, stay as few as one author list's works, however many copies there are.
    first = next(iter(real.references.values()))
    assert manual.references[f"{first.key}x3"].fields.get("year") == str(int(first.fields["year"]) - 3)
    same_year = Counter(
        (r.authors, r.fields.get("year") or r.fields.get("date", "")[:4]) for r in manual.references.values()
    )
    assert max(same_year.values()) <= max(Counter(r.authors for r in real.references.values()).values())


def test_largest_finds_the_last_size_that_fits_up_to_the_cap() -> None:
    for limit in (1, 2, 3, 7, 8, 9, 1000, 1023, 1024):
        assert hostile.largest(lambda n, limit=limit: n <= limit, 100_000) == limit  # type: ignore[misc]
    assert hostile.largest(lambda n: n <= 50, 20) == 20
    assert hostile.largest(lambda n: False, 100) == 0
    assert hostile.largest(lambda n: True, 0) == 0


def _p03() -> str:
    return (synth.ROOT / "manual" / "principles" / "P03.md").read_text(encoding="utf-8")


def test_a_hostile_paragraph_goes_before_the_first_section_of_the_body() -> None:
    text = _p03()
    added = hostile.add_to_item(text, "\nHostile paragraph.\n")
    split, _ = frontmatter.split("P03.md", added)
    original, _ = frontmatter.split("P03.md", text)
    assert split is not None and original is not None
    assert split.yaml_text == original.yaml_text
    before, after = original.body.split("\n## ", 1)
    assert split.body == before.rstrip("\n") + "\n\nHostile paragraph.\n\n## " + after
    assert hostile.add_paragraph("No sections.\n", "x") == "No sections.\n\nx\n\n"
    with pytest.raises(ValueError, match="not an item file"):
        hostile.add_to_item("no front matter", "x")


def test_the_texts_inside_the_bounds_come_as_close_to_each_bound_as_the_body_allows() -> None:
    body = frontmatter.split("P03.md", _p03())[0].body  # type: ignore[union-attr]
    texts = hostile.inside_bounds(body)
    assert list(texts) == [*hostile.GROWING, hostile.TOGETHER]
    for name, text in texts.items():
        assert text_bounds.too_complex(hostile.add_paragraph(body, text)) is None, name
    for name, (make, cap) in hostile.GROWING.items():
        size = next(n for n in range(1, cap + 1) if make(n) == texts[name])
        if size < cap:  # one more '<', bracket, heading, definition or level is past the bound
            assert text_bounds.too_complex(hostile.add_paragraph(body, make(size + 1))) is not None, name
    every = hostile.texts_for(_p03())
    assert set(every) == {*hostile.ADVERSARIAL, *texts}


def test_the_worst_hostile_text_and_a_check_that_ran_to_the_end() -> None:
    times = {checks.ALONE: [9.0], "a": [1.0, 3.0, 2.0], "b": [2.5]}
    assert checks.worst_text(times) == ("b", 2.5)
    assert checks.check_finished("ok: 69 items, 179 references\n")
    assert checks.check_finished("P03.md:70: error: ... [text.too-complex]\n1 error, 0 warnings\n")
    assert not checks.check_finished('Traceback (most recent call last):\nNameError: name "x" is not defined\n')
    assert not checks.check_finished("")


def test_the_hostile_section_times_the_check_of_the_real_manual_and_restores_it(tmp_path: Path) -> None:
    """The section's path in `--quick` (one run), with two texts instead of them all: one the check renders, one
    past a bound that it refuses."""
    bench = common.Bench(work=tmp_path, repeats=1, quick=True, pairs=1)
    texts = {"plain": "A plain paragraph.", "past the '<' bound": "<a " * (text_bounds.MAX_ANGLE_BRACKETS + 1)}
    checks.bench_hostile(bench, texts)
    alone, worst = bench.figures
    assert (alone.id, alone.status, len(alone.runs)) == ("check.hostile.alone", "INFO", 1)
    assert (worst.id, worst.target, len(worst.runs)) == ("check.hostile", "under 2 s", 1)
    assert worst.status == stats.at_most(worst.value or 0.0, 2.0)
    assert "the worst of 2 texts" in worst.detail
    assert ("(refused before rendering)" in worst.detail) == ("past the '<' bound" in worst.detail)
    assert bench.notes and bench.notes[0].startswith(f"Hostile paragraphs in {checks.HOSTILE_FILE}")
    assert (tmp_path / "hostile" / checks.HOSTILE_FILE).read_text(encoding="utf-8") == _p03()


def _results(**changes: object) -> Results:
    figures = (
        Figure("build.plain", "Full build", "Plain build", 4.0, "s", "INFO", detail="the baseline", runs=(4.0, 4.2)),
        Figure("build.macros", "Full build", "With the macros", 5.0, "s", "FAIL", "at most 15% over plain", "+25%"),
        Figure("weight.third-party", "Page weight", "Requests to other hosts", 0.0, "requests", "PASS", "none"),
    )
    results = Results(
        date="2026-01-01 12:00 UTC",
        repeats=5,
        machine={"CPU": "Example CPU", "cores": "2"},
        commands=("make bench",),
        figures=figures,
        notes=("A note.",),
    )
    return dataclasses.replace(results, **changes)  # type: ignore[arg-type]


def _write(root: Path, text: str) -> None:
    path = root / benchmarks.RESULTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_results_written_by_the_bench_are_read_back_unchanged(tmp_path: Path) -> None:
    _write(tmp_path, benchmarks.to_json(_results()))
    assert benchmarks.load_results(tmp_path) == (_results(), [])


def test_the_page_shows_each_figure_its_target_and_verdict_the_machine_and_the_commands() -> None:
    page = benchmarks.results_page(_results())
    assert "| With the macros | 5.00 s | \\+25% | at most 15% over plain | **FAIL** |" in page
    assert "| Plain build | 4.00 s (2 runs) | the baseline | — | INFO |" in page
    assert "| Requests to other hosts | 0 requests | — | none | PASS |" in page
    assert '!!! warning "Targets not met"\n    With the macros (fail).' in page
    assert "| CPU | Example CPU |" in page
    assert "```sh\nmake bench\n```" in page
    assert page.count('<p class="imap-caption">') == 4  # every table has a caption


def test_a_missing_results_file_is_not_yet_measured(tmp_path: Path) -> None:
    assert benchmarks.load_results(tmp_path) == (None, [])
    assert "Not yet measured" in benchmarks.results_page(None)


def test_a_malformed_results_file_is_reported_with_its_line(tmp_path: Path) -> None:
    _write(tmp_path, '{\n  "date": "x",\n  "repeats": 5,\n  oops\n}\n')
    results, problems = benchmarks.load_results(tmp_path)
    assert results is None
    assert [p.format() for p in problems] == [
        "docs/benchmarks/results.json:4: error: the benchmark results are not valid JSON: Expecting property name "
        "enclosed in double quotes (run `make bench` again to rewrite the file) [benchmarks.malformed]"
    ]
    text = benchmarks.to_json(_results()).replace('"status": "FAIL"', '"status": "MAYBE"')
    _write(tmp_path, text)
    line = next(n for n, t in enumerate(text.splitlines(), start=1) if '"id": "build.macros"' in t)
    results, problems = benchmarks.load_results(tmp_path)
    assert results is None
    assert [p.format() for p in problems] == [
        f"docs/benchmarks/results.json:{line}: error: figure 2: 'status' is 'MAYBE', not one of PASS, FAIL, INFO, "
        "ERROR (run `make bench` again to rewrite the file) [benchmarks.malformed]"
    ]


def test_a_run_of_some_sections_keeps_the_other_sections_figures() -> None:
    """`--only test` replaces the test run's figures and keeps every other section's (each figure's section comes
    from its id)."""
    from tools.bench.__main__ import SECTIONS, section_of

    assert [
        section_of(i)
        for i in (
            "build.macros",
            "check.100x",
            "check.hostile.alone",
            "test.make",
            "zensical.same",
            "citeproc.growth.200-1000",
            "editions.manual_pdf.size",
        )
    ] == ["build", "check", "hostile", "test", "zensical", "citations", "editions"]
    assert all(section_of(f"{section}.error") == section for section in SECTIONS)  # a section that failed
