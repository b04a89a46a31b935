//! Positions: UTF-16 by default, UTF-8 when the client offers it; emoji, CJK and CRLF text.

use serde_json::json;

use crate::harness::{Server, client_capabilities, uri, workspace};

/// `😀` is 2 UTF-16 units and 4 UTF-8 bytes; `漢字` is 2 units and 6 bytes.
const SOURCE: &str = "/* 😀 漢字 */ function total(a) { return a ? 1 : 2; }\r\n\r\n// 😀\r\nfunction f(b) { return b; }\r\n";

fn hover_range_start(
    server: &mut Server,
    path: &std::path::Path,
    line: u32,
    character: u32,
) -> serde_json::Value {
    let hover = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri(path) }, "position": { "line": line, "character": character } }),
        )
        .unwrap();
    hover["range"]["start"].clone()
}

#[test]
fn utf16_columns_count_an_emoji_as_two_units_and_cjk_as_one() {
    let dir = workspace(&[("a.js", SOURCE)]);
    let mut server = Server::start(dir.path(), client_capabilities());
    assert_eq!(
        server.initialized["capabilities"]["positionEncoding"],
        "utf-16"
    );
    let file = dir.path().join("a.js");
    server.open(&file, SOURCE);
    // `total` starts after "/* 😀 漢字 */ function " = 3 + 2 + 1 + 2 + 4 + 9 = 21 UTF-16 units.
    assert_eq!(
        hover_range_start(&mut server, &file, 0, 22),
        json!({ "line": 0, "character": 21 })
    );
    let hints = server.inlay_hints(&file);
    // Line 0 is 51 UTF-16 units long, the CRLF not included; line 3 holds `f`.
    assert_eq!(
        hints,
        [(0, 51, "cx 2".to_owned()), (3, 27, "cx 1".to_owned())]
    );
}

#[test]
fn edits_after_emoji_land_where_the_client_means() {
    let dir = workspace(&[("a.js", SOURCE)]);
    let mut server = Server::start(dir.path(), client_capabilities());
    let file = dir.path().join("a.js");
    server.open(&file, SOURCE);
    // Rename `total` to `sum`: UTF-16 columns 21..26 on line 0.
    server.change(
        &file,
        2,
        json!([{ "range": { "start": { "line": 0, "character": 21 }, "end": { "line": 0, "character": 26 } }, "text": "sum" }]),
    );
    let symbols = server.document_request("textDocument/documentSymbol", &file);
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sum", "f"]);
    assert_eq!(
        symbols[0]["selectionRange"]["start"],
        json!({ "line": 0, "character": 21 })
    );
    assert_eq!(
        symbols[0]["selectionRange"]["end"],
        json!({ "line": 0, "character": 24 })
    );
}

#[test]
fn crlf_and_lone_cr_end_lines_as_in_lsp() {
    let text = "def a():\r\n    return 1\rdef b():\n    return 2\r\n";
    let dir = workspace(&[("m.py", text)]);
    let mut server = Server::start(dir.path(), client_capabilities());
    let file = dir.path().join("m.py");
    server.open(&file, text);
    let hints = server.inlay_hints(&file);
    assert_eq!(
        hints,
        [(0, 8, "cx 1".to_owned()), (2, 8, "cx 1".to_owned())]
    );
}

#[test]
fn utf8_is_negotiated_when_offered_and_columns_are_bytes() {
    let dir = workspace(&[("a.js", SOURCE)]);
    let mut caps = client_capabilities();
    caps["general"]["positionEncodings"] = json!(["utf-8", "utf-16"]);
    let mut server = Server::start(dir.path(), caps);
    assert_eq!(
        server.initialized["capabilities"]["positionEncoding"],
        "utf-8"
    );
    let file = dir.path().join("a.js");
    server.open(&file, SOURCE);
    // `total` starts after 3 + 4 + 1 + 6 + 4 + 9 = 27 bytes.
    assert_eq!(
        hover_range_start(&mut server, &file, 0, 28),
        json!({ "line": 0, "character": 27 })
    );
    server.change(
        &file,
        2,
        json!([{ "range": { "start": { "line": 0, "character": 27 }, "end": { "line": 0, "character": 32 } }, "text": "sum" }]),
    );
    let symbols = server.document_request("textDocument/documentSymbol", &file);
    assert_eq!(symbols[0]["name"], "sum");
}
