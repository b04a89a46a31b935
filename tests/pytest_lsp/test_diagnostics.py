"""Test smells as diagnostics, on the fixtures' special tests (fixtures/<language>/README.md,
"Special tests"): pushed after didOpen/didChange to a client that does not pull, answered to
textDocument/diagnostic for one that does."""

from __future__ import annotations

import pytest
from lsprotocol import types as T

from helpers import (
    Setup,
    change_document,
    open_document,
    pull_diagnostics,
    pushed_diagnostics,
    uri_of,
    wait_until,
)

SEVERITY = {
    "focused-test": T.DiagnosticSeverity.Error,
    "fixed-sleep": T.DiagnosticSeverity.Warning,
    "no-assertion": T.DiagnosticSeverity.Warning,
    "skip-without-reason": T.DiagnosticSeverity.Hint,
}

# (language, file) -> [(1-based line, code)], in order. From the READMEs' "Special tests":
# - fixed-sleep is reported on the sleep call inside the test,
# - no-assertion on the test's name,
# - skip-without-reason on the skip marker (decorator / attribute / `t.SkipNow()` / `it.skip`),
# - focused-test on the `.only` / `fit` / `describe.only`.
# Skips with a reason (a `reason=`, `#[ignore = "…"]`, `t.Skip("…")`, a `// reason:` comment)
# and files without special tests get nothing.
EXPECTED = {
    # tests/test_pricing.py: sleep at 37 in test_sleeps_briefly (36), test_calls_without_asserting
    # at 41, `@pytest.mark.skip` at 45 (test at 46); the skip with a reason (50) is fine.
    ("python", "tests/test_pricing.py"): [(37, "fixed-sleep"), (41, "no-assertion"), (45, "skip-without-reason")],
    ("python", "tests/test_cart.py"): [],
    ("python", "shop/pricing.py"): [],
    # src/lib.rs: sleep at 139, calls_without_asserting at 144, `#[ignore]` at 149.
    ("rust", "src/lib.rs"): [(139, "fixed-sleep"), (144, "no-assertion"), (149, "skip-without-reason")],
    ("rust", "tests/integration.rs"): [],
    # pricing_test.go: TestSleepsBriefly (57) sleeps at 58, TestCallsWithoutAsserting at 64,
    # TestSkippedWithoutReason (68) calls t.SkipNow() at 69.
    ("go", "pricing_test.go"): [(58, "fixed-sleep"), (64, "no-assertion"), (69, "skip-without-reason")],
    ("go", "cart_test.go"): [],
    # src/pricing.test.ts: `sleeps briefly` (35) waits at 36, `calls without asserting` at 40,
    # `it.skip` at 44; the skip at 49 has its `// reason:` comment on 48.
    ("typescript", "src/pricing.test.ts"): [(36, "fixed-sleep"), (40, "no-assertion"), (44, "skip-without-reason")],
    # src/focused.test.ts: `it.only` at 6, `test.only` at 10.
    ("typescript", "src/focused.test.ts"): [(6, "focused-test"), (10, "focused-test")],
    ("typescript", "src/cart.test.ts"): [],
    # __tests__/pricing.test.js: same shape, seven lines further down.
    ("javascript", "__tests__/pricing.test.js"): [(43, "fixed-sleep"), (47, "no-assertion"), (51, "skip-without-reason")],
    # __tests__/focused.test.js: `it.only` at 7, `fit` at 11, `describe.only` at 20.
    ("javascript", "__tests__/focused.test.js"): [(7, "focused-test"), (11, "focused-test"), (20, "focused-test")],
    ("javascript", "__tests__/cart.test.js"): [],
}


def check_fields(diagnostics: list[T.Diagnostic]) -> None:
    for d in diagnostics:
        assert d.code in SEVERITY, d
        assert d.severity == SEVERITY[d.code], d
        assert d.source == "testlens", d
        assert d.code_description is not None, d
        assert d.code_description.href.endswith(f"docs/diagnostics/{d.code}.md"), d
        assert d.message, d
        assert d.range.start.line == d.range.end.line, d
        assert d.range.start.character < d.range.end.character, d


def lines_and_codes(diagnostics: list[T.Diagnostic]) -> list[tuple[int, str]]:
    return sorted((d.range.start.line + 1, str(d.code)) for d in diagnostics)


@pytest.mark.parametrize(
    "shared, file",
    [pytest.param(Setup(lang), file, id=f"{lang}-{file}") for (lang, file) in EXPECTED],
    indirect=["shared"],
)
async def test_pushed_smells_sit_at_the_readme_lines(shared, file):
    client = shared
    path = client.setup.root / file
    open_document(client, path)
    diagnostics = await pushed_diagnostics(client, path, version=1)
    check_fields(diagnostics)
    assert lines_and_codes(diagnostics) == EXPECTED[(client.setup.language, file)]


@pytest.mark.parametrize("client", [Setup("typescript")], indirect=True, ids=str)
async def test_an_edit_republishes_with_its_version_and_closing_clears(client):
    path = client.setup.root / "src/pricing.test.ts"
    text = open_document(client, path)
    first = await pushed_diagnostics(client, path, version=1)
    assert lines_and_codes(first) == [(36, "fixed-sleep"), (40, "no-assertion"), (44, "skip-without-reason")]

    # Give `calls without asserting` (40-42) an assertion: replace line 41's statement.
    line41 = text.split("\n")[40]
    assert line41.strip() == 'receiptHeader("テスト商店 🏪");'
    start = T.Position(40, 0)
    end = T.Position(40, len(line41.encode("utf-16-le")) // 2)
    change_document(client, path, 2, [(T.Range(start, end), '    expect(receiptHeader("x")).toContain("x");')])
    second = await pushed_diagnostics(client, path, version=2)
    check_fields(second)
    assert lines_and_codes(second) == [(36, "fixed-sleep"), (44, "skip-without-reason")]

    # didClose: the server clears what it published for the document.
    client.text_document_did_close(
        T.DidCloseTextDocumentParams(text_document=T.TextDocumentIdentifier(uri=uri_of(path)))
    )
    n = len(client.published)
    cleared = await wait_until(
        client,
        T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
        lambda: next((p for p in client.published[n:] if p.uri == uri_of(path)), None),
        what="the publish that clears the closed document",
    )
    assert list(cleared.diagnostics) == []


@pytest.mark.parametrize(
    "client", [Setup("javascript", pull=True), Setup("rust", pull=True)], indirect=True, ids=str
)
async def test_a_client_that_pulls_gets_the_smells_by_request(client):
    caps = client.init_result.capabilities
    assert caps.diagnostic_provider is not None, "a pulling client must be offered textDocument/diagnostic"
    assert not caps.diagnostic_provider.inter_file_dependencies

    if client.setup.language == "javascript":
        file, expected = "__tests__/focused.test.js", EXPECTED[("javascript", "__tests__/focused.test.js")]
    else:
        file, expected = "src/lib.rs", EXPECTED[("rust", "src/lib.rs")]
    path = client.setup.root / file
    text = open_document(client, path)
    items = await pull_diagnostics(client, path)
    check_fields(items)
    assert lines_and_codes(items) == expected

    if client.setup.language == "javascript":
        # Unfocus `it.only` (line 7, `  it.only(`): delete the `.only`; the next pull follows.
        line7 = text.split("\n")[6]
        col = line7.index(".only")
        change_document(client, path, 2, [(T.Range(T.Position(6, col), T.Position(6, col + 5)), "")])
        items = await pull_diagnostics(client, path)
        assert lines_and_codes(items) == [(11, "focused-test"), (20, "focused-test")]

    # Nothing was pushed to a client that pulls.
    assert client.published == []
