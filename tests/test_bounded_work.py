"""Work bounded by the input's size, and one defect, one finding: a figure stated by many rows
is judged by its group's extremes, and a finding names a few rows and a count."""

from __future__ import annotations

from pathlib import Path

from conftest import edit, line_of, located, read_rows, run, write_rows

OUTCOMES = "data/outcomes.csv"


def copy_rows(directory: Path, table: str, key: str, copies: int) -> list[int]:
    """Append copies of the row whose first column is key, each with its own id; their lines."""
    path = directory / "data" / f"{table}.csv"
    rows = read_rows(path)
    original = next(row for row in rows[1:] if row[0] == key)
    rows += [[f"{key}-copy-{n}", *original[1:]] for n in range(copies)]
    write_rows(path, rows)
    return list(range(len(rows) - copies + 1, len(rows) + 1))


def test_a_figure_copied_many_times_is_one_finding_naming_three_and_a_count(package: Path) -> None:
    # 1,665 exact, copied 50 times without a register entry: each copy contradicts the
    # headline's 1,600 (rounded to the hundred: 1,550 to 1,649) and nothing else.
    lines = copy_rows(package, "outcomes", "metro-l4-arrests", 50)
    headline = line_of(package, "outcomes", "metro-l1-arrests")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("figures-disagree", OUTCOMES, headline, "number")}
    message = next(f["message"] for f in report["findings"] if f["code"] == "figures-disagree")
    assert message == (
        "metro-l1-arrests says [1,550, 1,649] for arrests of ucol-2022-23, but "
        f"metro-l4-arrests-copy-0 (line {lines[0]}) says [1,665, 1,665]; "
        f"metro-l4-arrests-copy-1 (line {lines[1]}) says [1,665, 1,665]; "
        f"metro-l4-arrests-copy-2 (line {lines[2]}) says [1,665, 1,665], and 47 more figures; "
        "they cannot all be true and no register entry lists them"
    )


def test_the_figures_named_first_are_the_furthest_out(package: Path) -> None:
    # "several hundred" read as exactly 100 contradicts 660 twice (560 away) and the two
    # headline 600s (550 to 649: 450 away); the four agree with each other only by the register.
    line = edit(package, "outcomes", "ukwide-l12-arrests", "qualifier", "exact")
    edit(package, "outcomes", "ukwide-l12-arrests", "qualifier_text", "")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("figures-disagree", OUTCOMES, line, "number")}
    message = next(f["message"] for f in report["findings"] if f["code"] == "figures-disagree")
    l3, l8, l5 = (line_of(package, "outcomes", f"ukwide-l{n}-arrests") for n in (3, 8, 5))
    assert message == (
        "ukwide-l12-arrests says [100, 100] for arrests of nca-uk-wide-six-month, but "
        f"ukwide-l3-arrests (line {l3}) says [660, 660]; ukwide-l8-arrests (line {l8}) says [660, 660]; "
        f"ukwide-l5-arrests (line {l5}) says [550, 649], and 1 more figure; "
        "they cannot all be true and no register entry lists them"
    )


def test_copies_of_a_registered_figure_keep_its_entry_live_and_are_not_excused(package: Path) -> None:
    # The 600 headline copied: its entry still lists two figures that disagree (acknowledged),
    # and the copies, which no entry lists, contradict the two 660s it lists.
    copy_rows(package, "outcomes", "ukwide-l5-arrests", 5)
    code, report = run(package)
    assert code == 1
    l3, l8 = (line_of(package, "outcomes", f"ukwide-l{n}-arrests") for n in (3, 8))
    # Each 660 contradicts the five copies; the later row is blamed on a tie.
    assert located(report) == {("figures-disagree", OUTCOMES, max(l3, l8), "number")}
    acknowledged = {f["message"].split(":")[0] for f in report["findings"] if f["code"] == "discrepancy-acknowledged"}
    assert "arrests-nca-uk-wide-600-vs-660" in acknowledged


def test_a_renamed_source_is_one_foreign_key_finding_and_its_numbers_are_not_uncovered(package: Path) -> None:
    import json

    sources = read_rows(package / "data" / "sources.csv")
    renamed = sources[1][0]
    edit(package, "sources", renamed, "source_id", renamed + "-renamed")
    # The finding is at the first row citing the old id, in the descriptor's order of resources.
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    citing: list[tuple[str, int]] = []
    for resource in descriptor["resources"]:
        path = resource.get("path", "")
        if not path.endswith(".csv") or resource["name"] == "sources":
            continue
        rows = read_rows(package / path)
        if "source_id" in rows[0]:
            column = rows[0].index("source_id")
            citing += [(path, line) for line, row in enumerate(rows[1:], start=2) if row[column] == renamed]
    assert len(citing) > 6
    code, report = run(package)
    assert code == 1
    assert located(report) == {("foreign-key", citing[0][0], citing[0][1], "source_id")}
    message = next(f["message"] for f in report["findings"] if f["code"] == "foreign-key")
    named = ", ".join(f"{path} line {line}" for path, line in citing[1:6])
    assert message == (
        f"({renamed}) is not a source_id of sources; also cited at {named} and {len(citing) - 6} more rows"
    )


def test_a_numbers_sentence_is_found_from_its_lines_sentence_ends_found_once() -> None:
    # The coverage finding's sentence, from sentence ends found once per line, is the one
    # sentence_at finds by reading the line again for each number.
    import random

    from validate.checks.coverage import _Sentences
    from validate.printed import scan_line, sentence_at

    pieces = ["He said 5. ", "Then 6 more! ", "“Over 7.” ", "And (8) ", "so 9? ", "x10. Y 11 ", "Mr. 12 13. "]
    chooser = random.Random(1)
    for _ in range(500):
        line = "".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 8)))
        sentences = _Sentences()
        for number in scan_line(line, 1):
            assert sentences.of("s", number) == sentence_at(line, number.start, number.end)


def _entry_claims(package: Path, kind: str) -> tuple[str, list[str]]:
    """The first register entry of a kind, and the claims the link table lists for it."""
    entries = read_rows(package / "data" / "discrepancies.csv")
    entry = next(row for row in entries[1:] if row[1] == kind)
    links = read_rows(package / "data" / "discrepancy_outcomes.csv")
    return entry[0], [row[1] for row in links[1:] if row[0] == entry[0]]


def test_a_refused_number_never_makes_its_register_entry_stale(package: Path) -> None:
    _, claims = _entry_claims(package, "figures")
    lines = {edit(package, "outcomes", claim, "number", "NaN") for claim in claims}
    code, report = run(package)
    assert code == 1
    assert located(report) == {("type-error", OUTCOMES, line, "number") for line in lines}


def test_cut_rows_never_make_their_register_entry_stale_nor_leave_numbers_uncovered(package: Path) -> None:
    _, claims = _entry_claims(package, "figures")
    path = package / "data" / "outcomes.csv"
    rows = read_rows(path)
    lines = {line for line, row in enumerate(rows[1:], start=2) if row[0] in claims}
    for row in rows[1:]:
        if row[0] in claims:
            del row[5:]  # the row ends after its number: the reader refuses it whole
    write_rows(path, rows)
    code, report = run(package)
    assert code == 1
    assert located(report) == {("ragged-row", OUTCOMES, line, None) for line in lines}


def test_an_impossible_period_date_never_makes_a_periods_entry_stale(package: Path) -> None:
    entries = read_rows(package / "data" / "discrepancies.csv")
    entry = next(row for row in entries[1:] if row[1] == "periods")
    other = entry[entries[0].index("other_operation_id")]
    year = read_rows(package / "data" / "operations.csv")
    header = year[0]
    end = next(row for row in year[1:] if row[0] == other)[header.index("period_end")][:4]
    line = edit(package, "operations", other, "period_end", f"{end}-02-30")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("invalid-date", "data/operations.csv", line, "period_end")}


def test_an_unreadable_line_is_one_type_error_not_an_uncovered_number_too(package: Path) -> None:
    rows = read_rows(package / "data" / "outcomes.csv")
    header = rows[0]
    source, at, number = (header.index(name) for name in ("source_id", "line", "number"))
    places = [(row[source], row[at], row[number]) for row in rows[1:]]
    # A row alone in printing its value at its line: without it, that number is no row's figure.
    alone = next(row for row in rows[1:] if places.count((row[source], row[at], row[number])) == 1)
    line = edit(package, "outcomes", alone[0], "line", "x")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("type-error", OUTCOMES, line, "line")}


def test_a_row_citing_a_source_that_does_not_exist_leaves_no_number_uncovered(package: Path) -> None:
    rows = read_rows(package / "data" / "outcomes.csv")
    header = rows[0]
    source, at, number = (header.index(name) for name in ("source_id", "line", "number"))
    places = [(row[source], row[at], row[number]) for row in rows[1:]]
    # A row alone in printing its value at its line, in a source other rows cite too.
    alone = next(
        row
        for row in rows[1:]
        if places.count((row[source], row[at], row[number])) == 1
        and sum(1 for other in rows[1:] if other[source] == row[source]) > 1
    )
    line = edit(package, "outcomes", alone[0], "source_id", "no-such-source")
    code, report = run(package)
    assert code == 1
    assert located(report) == {("foreign-key", OUTCOMES, line, "source_id")}
