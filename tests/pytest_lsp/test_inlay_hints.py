"""Inlay hints: `cx N` at the end of each function's signature line, N as the fixture READMEs
give it; and an incremental edit that adds a branch moves a hint from `cx 1` to `cx 2`."""

from __future__ import annotations

from collections import defaultdict

import pytest
from lsprotocol import types as T

from helpers import (
    LANGUAGES,
    Setup,
    change_document,
    inlay_hints,
    label,
    open_document,
    readme_complexities,
    units,
)

# Source files that hold test code besides the functions of the README table: hints outside the
# table are allowed there from this line on (rust/src/lib.rs: `mod tests` starts at line 110;
# the README gives its helper `fn apple` at 114 complexity 1 in prose).
TEST_CODE_FROM = {("rust", "src/lib.rs"): 110}


def test_the_readme_tables_parse():
    # Rows of each README's complexity table, counted by hand: a guard on the parser.
    assert {lang: len(readme_complexities(lang)) for lang in LANGUAGES} == {
        "python": 12, "rust": 9, "go": 7, "typescript": 9, "javascript": 9,
    }
    rows = {(r.name, r.file, r.line, r.complexity) for r in readme_complexities("rust")}
    assert ("Item::new", "src/lib.rs", 21, 1) in rows
    assert ("shipping_cents", "src/lib.rs", 57, 11) in rows


@pytest.mark.parametrize(
    "shared", [Setup(lang) for lang in LANGUAGES], indirect=True, ids=str
)
async def test_every_function_of_the_readme_gets_its_complexity(shared):
    """fixtures/<language>/README.md, "Functions and expected cyclomatic complexity": for each
    row `name | file:line | N`, the hint on that line reads `cx N` and sits at the line's end."""
    client = shared
    language = client.setup.language
    root = client.setup.root
    by_file = defaultdict(list)
    for row in readme_complexities(language):
        by_file[row.file].append(row)

    failures = []
    for file, rows in sorted(by_file.items()):
        path = root / file
        text = open_document(client, path)
        lines = text.split("\n")
        hints = await inlay_hints(client, path, text)
        got = {}
        for h in hints:
            got.setdefault(h.position.line + 1, []).append(h)
        for row in rows:
            at_line = got.get(row.line, [])
            labels = [label(h) for h in at_line]
            if labels != [f"cx {row.complexity}"]:
                failures.append(f"{file}:{row.line} `{row.name}`: expected ['cx {row.complexity}'], got {labels}")
                continue
            line = lines[row.line - 1]
            assert row.short_name in line, f"README row {row} does not point at the function's line: {line!r}"
            # At the end of the line that names the function (UTF-16 columns: this client's).
            assert at_line[0].position.character == units(line, "utf-16"), (file, row, line)
        listed = {row.line for row in rows}
        extra_from = TEST_CODE_FROM.get((language, file))
        for line_no, hs in sorted(got.items()):
            if line_no in listed:
                continue
            if extra_from is not None and line_no >= extra_from:
                continue
            failures.append(f"{file}:{line_no}: a hint for no function of the README: {[label(h) for h in hs]}")
    assert not failures, "\n".join(failures)


# For each language: a function of complexity 1, and an `if` to insert as the first line of its
# body (line numbers 1-based, from the fixture READMEs).
ADD_AN_IF = {
    "python": ("shop/pricing.py", 4, 5, "    if qty < 0:\n        qty = 0\n"),
    "rust": ("src/lib.rs", 27, 28, "    if item.qty == 0 {\n        return 0;\n    }\n"),
    "go": ("pricing.go", 17, 18, "\tif it.Qty == 0 {\n\t\treturn 0\n\t}\n"),
    "typescript": ("src/pricing.ts", 11, 12, "  if (item.qty === 0) {\n    return 0;\n  }\n"),
    "javascript": ("src/pricing.js", 4, 5, "  if (item.qty === 0) {\n    return 0;\n  }\n"),
}


@pytest.mark.parametrize(
    "client", [Setup(lang) for lang in LANGUAGES], indirect=True, ids=str
)
async def test_an_incremental_edit_that_adds_an_if_raises_the_hint_to_cx_2(client):
    file, fn_line, body_line, snippet = ADD_AN_IF[client.setup.language]
    path = client.setup.root / file
    text = open_document(client, path)

    before = {h.position.line + 1: label(h) for h in await inlay_hints(client, path, text)}
    assert before[fn_line] == "cx 1"

    # An insertion (an empty range) at the start of the body: incremental sync, version 2.
    at = T.Position(line=body_line - 1, character=0)
    change_document(client, path, 2, [(T.Range(at, at), snippet)])
    new_text = "\n".join(
        text.split("\n")[: body_line - 1] + snippet.rstrip("\n").split("\n") + text.split("\n")[body_line - 1 :]
    )
    after = {h.position.line + 1: label(h) for h in await inlay_hints(client, path, new_text)}
    assert after[fn_line] == "cx 2"
    # Every other function keeps its complexity, as many lines further down as were inserted.
    added = snippet.count("\n")
    shifted = {(line + added if line > fn_line else line): cx for line, cx in before.items()}
    shifted[fn_line] = "cx 2"
    assert after == shifted

    # A second incremental change that deletes the inserted lines again: back to cx 1.
    end = T.Position(line=body_line - 1 + added, character=0)
    change_document(client, path, 3, [(T.Range(at, end), "")])
    again = {h.position.line + 1: label(h) for h in await inlay_hints(client, path, text)}
    assert again == before
