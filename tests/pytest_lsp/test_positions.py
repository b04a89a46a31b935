"""Positions on lines with non-ASCII text (CJK and emoji, as in the fixtures): columns are UTF-16
code units for a client that offers nothing else, UTF-8 bytes for one that offers "utf-8". Both
directions are checked: positions the server sends (hints, hover and symbol ranges, diagnostics)
and positions it receives (hover requests, incremental edits).

Non-ASCII characters used, with their widths (UTF-16 units / UTF-8 bytes):
  🧾 💶 🛒 ✅ (2/4, 2/4, 2/4, 1/3)   收 据 テ ス ト (1/3 each)   — (1/3)
"""

from __future__ import annotations

import pytest
from lsprotocol import types as T

from helpers import (
    Setup,
    change_document,
    column,
    document_symbols,
    hover,
    hover_markdown,
    inlay_hints,
    label,
    open_document,
    pull_diagnostics,
    pushed_diagnostics,
    units,
)

ENCODINGS = ("utf-16", "utf-8")


def find(symbols: list[T.DocumentSymbol], name: str) -> T.DocumentSymbol:
    for s in symbols:
        if s.name == name:
            return s
        try:
            return find(s.children or [], name)
        except LookupError:
            pass
    raise LookupError(name)


def replace_line(text: str, index: int, line: str) -> str:
    lines = text.split("\n")
    lines[index] = line
    return "\n".join(lines)


@pytest.mark.parametrize("client", [Setup("python", encoding=e) for e in ENCODINGS], indirect=True, ids=str)
async def test_the_negotiated_encoding_is_announced(client):
    assert client.init_result.capabilities.position_encoding == client.setup.encoding


@pytest.mark.parametrize("client", [Setup("python", encoding=e) for e in ENCODINGS], indirect=True, ids=str)
async def test_python_ranges_and_edits_after_emoji_and_cjk(client):
    enc = client.setup.encoding
    path = client.setup.root / "shop/pricing.py"
    text = open_document(client, path)
    lines = text.split("\n")
    # shop/pricing.py:51-52 (README: receipt_header, complexity 1, non-ASCII string on 52):
    #     def receipt_header(shop):
    #         return f"🧾 {shop} — 收据"
    body = lines[51]
    assert "🧾" in body and "收据" in body

    # The function's range ends at the end of line 52, after the emoji and the CJK.
    symbol = find(await document_symbols(client, path), "receipt_header")
    assert symbol.range.end == T.Position(51, units(body, enc))

    # Edit 1, received after the emoji: `{shop}` -> `{shop or "?"}` (an `or`: complexity 2).
    start = body.index("shop}")
    end = start + len("shop")
    change_document(client, path, 2, [(
        T.Range(T.Position(51, column(body, start, enc)), T.Position(51, column(body, end, enc))),
        'shop or "?"',
    )])
    body2 = body[:start] + 'shop or "?"' + body[end:]
    text2 = replace_line(text, 51, body2)
    hints = {h.position.line: h for h in await inlay_hints(client, path, text2)}
    assert label(hints[50]) == "cx 2", "the `or` did not land inside `{shop}`"
    symbol = find(await document_symbols(client, path), "receipt_header")
    assert symbol.range.end == T.Position(51, units(body2, enc))

    # Edit 2, at the very end of the line (after 收据 and the closing quote).
    change_document(client, path, 3, [(
        T.Range(T.Position(51, units(body2, enc)), T.Position(51, units(body2, enc))),
        ' if shop else ""',
    )])
    body3 = body2 + ' if shop else ""'
    text3 = replace_line(text2, 51, body3)
    hints = {h.position.line: h for h in await inlay_hints(client, path, text3)}
    assert label(hints[50]) == "cx 3", "the conditional expression did not land at the end of the line"
    symbol = find(await document_symbols(client, path), "receipt_header")
    assert symbol.range.end == T.Position(51, units(body3, enc))

    # Edit 3, on the `def` line: a default value with non-ASCII text; the hint moves to the new
    # end of that line.
    def_line = lines[50]
    at = def_line.index("shop") + len("shop")
    change_document(client, path, 4, [(T.Range(T.Position(50, at), T.Position(50, at)), '="收据 🧾"')])
    def_line2 = def_line[:at] + '="收据 🧾"' + def_line[at:]
    text4 = replace_line(text3, 50, def_line2)
    hints = {h.position.line: h for h in await inlay_hints(client, path, text4)}
    assert hints[50].position == T.Position(50, units(def_line2, enc))
    assert label(hints[50]) == "cx 3"


@pytest.mark.parametrize("client", [Setup("python", encoding=e) for e in ENCODINGS], indirect=True, ids=str)
async def test_python_unedited_fixture_ranges_end_after_non_ascii(client):
    # tests/test_cart.py ends with line 46, inside CartTestCase (40) / its last test (45):
    #         self.assertEqual(receipt_header("店"), "🧾 店 — 收据")
    enc = client.setup.encoding
    path = client.setup.root / "tests/test_cart.py"
    text = open_document(client, path)
    last = text.rstrip("\n").split("\n")[45]
    assert "🧾" in last
    symbols = await document_symbols(client, path)
    for name in ("CartTestCase", "test_receipt_header_keeps_unicode"):
        assert find(symbols, name).range.end == T.Position(45, units(last, enc)), name


# A function per language whose signature line gets a comment with CJK and an emoji in front
# (1-based line of the function, its name), from the fixture READMEs.
PREFIXED = {
    "rust": ("src/lib.rs", 105, "receipt_header"),
    "go": ("pricing.go", 76, "ReceiptHeader"),
    "typescript": ("src/pricing.ts", 63, "receiptHeader"),
    "javascript": ("src/pricing.js", 56, "receiptHeader"),
}
PREFIX = "/* 收据 🧾 */ "


@pytest.mark.parametrize(
    "client",
    [Setup(lang, encoding=e) for lang in PREFIXED for e in ENCODINGS],
    indirect=True,
    ids=str,
)
async def test_names_after_emoji_and_cjk_on_the_same_line(client):
    enc = client.setup.encoding
    file, line_no, name = PREFIXED[client.setup.language]
    path = client.setup.root / file
    text = open_document(client, path)
    i = line_no - 1
    line = PREFIX + text.split("\n")[i]
    change_document(client, path, 2, [(T.Range(T.Position(i, 0), T.Position(i, 0)), PREFIX)])
    text = replace_line(text, i, line)
    start, end = line.index(name), line.index(name) + len(name)
    name_range = T.Range(T.Position(i, column(line, start, enc)), T.Position(i, column(line, end, enc)))

    # Sent by the server: the hint at the end of the line, the symbol's selection range.
    hints = [h for h in await inlay_hints(client, path, text) if h.position.line == i]
    assert [label(h) for h in hints] == ["cx 1"]
    assert hints[0].position.character == units(line, enc)
    symbol = find(await document_symbols(client, path), name)
    assert symbol.selection_range == name_range

    # Received and sent: hover on the name's last character.
    h = await hover(client, path, T.Position(i, column(line, end - 1, enc)))
    assert hover_markdown(h).startswith(f"**{name}**")
    assert h.range == name_range

    # Received: an insertion right after the name renames the function.
    change_document(client, path, 3, [(T.Range(name_range.end, name_range.end), "X")])
    symbol = find(await document_symbols(client, path), name + "X")
    assert symbol.selection_range.start == name_range.start


@pytest.mark.parametrize(
    "client",
    [Setup("typescript", encoding="utf-16"), Setup("typescript", encoding="utf-8", pull=True)],
    indirect=True,
    ids=str,
)
async def test_diagnostic_ranges_after_emoji_and_cjk(client):
    enc = client.setup.encoding
    path = client.setup.root / "src/pricing.test.ts"
    text = open_document(client, path)
    # src/pricing.test.ts:36 `    await new Promise((r) => setTimeout(r, 20));`: fixed-sleep on
    # `new Promise(...)`. Put a statement with non-ASCII text in front of the `await`.
    prefix = 'void "テスト ✅ 🧾"; '
    line = text.split("\n")[35]
    at = line.index("await")
    change_document(client, path, 2, [(T.Range(T.Position(35, at), T.Position(35, at)), prefix)])
    line = line[:at] + prefix + line[at:]
    if client.setup.pull:
        diagnostics = await pull_diagnostics(client, path)
    else:
        diagnostics = await pushed_diagnostics(client, path, version=2)
    sleep = [d for d in diagnostics if d.code == "fixed-sleep"]
    assert len(sleep) == 1, diagnostics
    s, e = line.index("new Promise"), line.index("20))") + len("20))")
    assert sleep[0].range == T.Range(T.Position(35, column(line, s, enc)), T.Position(35, column(line, e, enc)))
