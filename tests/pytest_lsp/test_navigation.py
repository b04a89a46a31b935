"""Hover (complexity, parameters, and the tests that call a function, once the workspace is
indexed), document symbols (describe blocks nesting their tests), workspace symbols (fuzzy)."""

from __future__ import annotations

import re

import pytest
from lsprotocol import types as T

from helpers import (
    LANGUAGES,
    Setup,
    document_symbols,
    hover,
    hover_markdown,
    open_document,
    request,
    uri_of,
    wait_for_index,
)

# The shipping function of each fixture: file, 1-based line, name, complexity (README), and the
# tests that call it by name, as `file:line` of the test (read off the fixture's test files).
SHIPPING = {
    "python": ("shop/pricing.py", 21, "shipping_cents", 11, [
        # tests/test_pricing.py: class TestShipping, tests at 25, 28, 31.
        "test_pricing.py:25", "test_pricing.py:28", "test_pricing.py:31",
    ]),
    "rust": ("src/lib.rs", 57, "shipping_cents", 11, [
        # src/lib.rs `mod tests::shipping`, tests at 170, 175, 180; tests/integration.rs:31.
        "lib.rs:170", "lib.rs:175", "lib.rs:180", "integration.rs:31",
    ]),
    "go": ("pricing.go", 38, "ShippingCents", 11, [
        # pricing_test.go: TestShippingCents (35); the call sits in its `t.Run` subtest (49).
        "pricing_test.go:35", "pricing_test.go:49",
    ]),
    "typescript": ("src/pricing.ts", 27, "shippingCents", 10, [
        # src/pricing.test.ts: `pricing > shipping`, tests at 22, 26, 30.
        "pricing.test.ts:22", "pricing.test.ts:26", "pricing.test.ts:30",
    ]),
    "javascript": ("src/pricing.js", 20, "shippingCents", 10, [
        # __tests__/pricing.test.js: `pricing > shipping`, tests at 29, 33, 37.
        "pricing.test.js:29", "pricing.test.js:33", "pricing.test.js:37",
    ]),
}


@pytest.mark.parametrize("shared", [Setup(lang) for lang in LANGUAGES], indirect=True, ids=str)
async def test_hover_lists_the_tests_that_call_a_function_once_indexed(shared):
    client = shared
    file, line_no, name, cx, callers = SHIPPING[client.setup.language]
    path = client.setup.root / file
    text = open_document(client, path)
    line = text.split("\n")[line_no - 1]
    col = line.index(name)

    end = await wait_for_index(client)
    assert re.fullmatch(r"\d+ files", end.message or ""), end

    h = await hover(client, path, T.Position(line_no - 1, col + 1))
    markdown = hover_markdown(h)
    assert markdown.startswith(f"**{name}**"), markdown
    assert f"Cyclomatic complexity **{cx}**" in markdown, markdown
    assert "Parameters:" in markdown, markdown
    header = f"Tests that call `{name}` ({len(callers)}), by name:"
    assert header in markdown, markdown
    listed = re.findall(r"^- `[^`]+` — (\S+:\d+)$", markdown.split(header, 1)[1], re.M)
    assert listed == callers, markdown
    # The hover's range is the name under the cursor.
    assert h.range == T.Range(T.Position(line_no - 1, col), T.Position(line_no - 1, col + len(name)))


@pytest.mark.parametrize("shared", [Setup("python")], indirect=True, ids=str)
async def test_hover_says_when_no_test_calls_a_function(shared):
    client = shared
    # shop/cart.py:38, the inner `def field` of parse_item: no test calls it by name.
    path = client.setup.root / "shop/cart.py"
    text = open_document(client, path)
    await wait_for_index(client)
    line = text.split("\n")[37]
    markdown = hover_markdown(await hover(client, path, T.Position(37, line.index("field"))))
    assert markdown.startswith("**field**"), markdown
    assert "Cyclomatic complexity **2**" in markdown, markdown
    assert "No test in the workspace calls it by name." in markdown, markdown


@pytest.mark.parametrize("shared", [Setup("python")], indirect=True, ids=str)
async def test_hover_on_a_call_describes_the_function_it_calls(shared):
    client = shared
    # tests/test_pricing.py:26 `        assert shipping_cents([Item("apple", 50, 11)], "gold") == 0`
    path = client.setup.root / "tests/test_pricing.py"
    text = open_document(client, path)
    line = text.split("\n")[25]
    col = line.index("shipping_cents")
    h = await hover(client, path, T.Position(25, col + 3))
    markdown = hover_markdown(h)
    assert markdown.startswith("**shipping_cents**"), markdown
    assert "Cyclomatic complexity **11**" in markdown, markdown
    assert "Tests that call `shipping_cents` (3), by name:" in markdown, markdown
    assert h.range == T.Range(T.Position(25, col), T.Position(25, col + len("shipping_cents")))


def outline(symbols: list[T.DocumentSymbol]) -> list:
    return [
        (s.name, s.kind, s.selection_range.start.line + 1, outline(s.children or []))
        for s in symbols
    ]


NS, FN = T.SymbolKind.Namespace, T.SymbolKind.Function


@pytest.mark.parametrize(
    "shared", [Setup("typescript"), Setup("javascript")], indirect=True, ids=str
)
async def test_document_symbols_nest_tests_in_their_describe_blocks(shared):
    client = shared
    # fixtures/typescript/README.md: `pricing > shipping` (3 tests) at src/pricing.test.ts:21
    # (tests at 22, 26, 30; outer describe at 7); the JavaScript file is the same, 7 lines down.
    if client.setup.language == "typescript":
        file, d = "src/pricing.test.ts", 0
    else:
        file, d = "__tests__/pricing.test.js", 7
    path = client.setup.root / file
    open_document(client, path)
    symbols = await document_symbols(client, path)
    assert outline(symbols) == [
        ("apple", FN, 5 + d, []),
        ("pricing", NS, 7 + d, [
            ("multiplies price by quantity", FN, 8 + d, []),
            # it.each([...])("discountPercent(%s) is %i", ...): the name is on line 17.
            ("discountPercent(%s) is %i", FN, 17 + d, []),
            ("shipping", NS, 21 + d, [
                ("ships a heavy gold cart for free", FN, 22 + d, []),
                ("charges guests a surcharge", FN, 26 + d, []),
                ("charges express members", FN, 30 + d, []),
            ]),
            ("sleeps briefly", FN, 35 + d, []),
            ("calls without asserting", FN, 40 + d, []),
            ("is skipped without a reason", FN, 44 + d, []),
            ("is skipped with a reason comment", FN, 49 + d, []),
            ("fails only when FLAKY_FAIL=1", FN, 53 + d, []),
        ]),
    ]
    # Each symbol's range holds its selection range, and each child lies inside its parent.
    def inside(inner: T.Range, outer: T.Range) -> bool:
        return (outer.start.line, outer.start.character) <= (inner.start.line, inner.start.character) and (
            inner.end.line, inner.end.character) <= (outer.end.line, outer.end.character)

    def walk(s: T.DocumentSymbol) -> None:
        assert inside(s.selection_range, s.range), s
        for c in s.children or []:
            assert inside(c.range, s.range), (s.name, c.name)
            walk(c)

    for s in symbols:
        walk(s)


# A fuzzy query per language, and the function it must find (file, 1-based line).
FUZZY = {
    "python": ("shpcnt", "shipping_cents", "shop/pricing.py", 21),
    "rust": ("rcpthdr", "receipt_header", "src/lib.rs", 105),
    "go": ("prsitm", "ParseItem", "cart.go", 29),
    "typescript": ("dscntpct", "discountPercent", "src/pricing.ts", 16),
    "javascript": ("halvngs", "halvings", "src/pricing.js", 47),
}


@pytest.mark.parametrize("shared", [Setup(lang) for lang in LANGUAGES], indirect=True, ids=str)
async def test_workspace_symbol_finds_a_function_by_a_fuzzy_query(shared):
    client = shared
    query, name, file, line_no = FUZZY[client.setup.language]
    await wait_for_index(client)
    found = await request(client.workspace_symbol_async(T.WorkspaceSymbolParams(query=query)))
    assert found, f"nothing for {query!r}"
    hits = [
        s for s in found
        if s.name == name and isinstance(s.location, T.Location)
        and s.location.uri == uri_of(client.setup.root / file)
    ]
    assert len(hits) == 1, [(s.name, s.location) for s in found]
    assert hits[0].kind == T.SymbolKind.Function
    assert hits[0].location.range.start.line == line_no - 1
    # The best match comes first.
    assert found[0].name == name, [s.name for s in found]


@pytest.mark.parametrize("shared", [Setup("typescript")], indirect=True, ids=str)
async def test_workspace_symbol_finds_call_based_tests(shared):
    client = shared
    await wait_for_index(client)
    found = await request(client.workspace_symbol_async(T.WorkspaceSymbolParams(query="heavy gold")))
    names = [(s.name, s.location.uri.rsplit("/", 1)[-1], s.location.range.start.line + 1) for s in found]
    assert ("ships a heavy gold cart for free", "pricing.test.ts", 22) in names, names
