//! tower-lsp-server runs handlers concurrently; edits must still apply in order, and a request
//! must see every edit sent before it.

use serde_json::json;

use crate::harness::{Server, client_capabilities, uri, workspace};

#[test]
fn five_hundred_rapid_edits_then_a_request_sees_the_final_text() {
    let dir = workspace(&[("counter.py", "def f():\n    return 0\n")]);
    let mut server = Server::start(dir.path(), client_capabilities());
    let file = dir.path().join("counter.py");
    server.open(&file, "def f():\n    return 0\n");
    // 500 edits, each appending one `if` on a new line inside `f`, sent without waiting. If any
    // were applied out of order, a position would point into the wrong text and the count or
    // the shape of the function would be off.
    for i in 0..500u32 {
        let line = 1 + i;
        server.change(
            &file,
            2 + i as i32,
            json!([{
                "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 0 } },
                "text": format!("    if x == {i}: pass\n"),
            }]),
        );
    }
    let hints = server.inlay_hints(&file);
    assert_eq!(hints, [(0, 8, "cx 501".to_owned())]);
    let symbols = server.document_request("textDocument/documentSymbol", &file);
    // The function now spans 502 lines: the def, 500 ifs and the return.
    assert_eq!(symbols[0]["range"]["end"]["line"], 501);
}

#[test]
fn interleaved_edits_and_requests_each_see_the_edits_before_them() {
    let dir = workspace(&[("a.go", "package a\n")]);
    let mut server = Server::start(dir.path(), client_capabilities());
    let file = dir.path().join("a.go");
    server.open(&file, "package a\n");
    let mut ids = Vec::new();
    for i in 0..50u32 {
        server.change(
            &file,
            2 + i as i32,
            json!([{
                "range": { "start": { "line": 1 + i, "character": 0 }, "end": { "line": 1 + i, "character": 0 } },
                "text": format!("func F{i}() {{}}\n"),
            }]),
        );
        // No waiting: the request is queued right behind the edit.
        ids.push(server.send_request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri(&file) } }),
        ));
    }
    // A request overtaken by a later edit may be answered `ContentModified` (LSP's way to say
    // "ask again"); any request that is answered must show exactly the edits sent before it.
    let mut answered = 0;
    for (i, id) in ids.iter().enumerate() {
        match server.response(*id) {
            Ok(symbols) => {
                assert_eq!(
                    symbols.as_array().unwrap().len(),
                    i + 1,
                    "request {i} saw the wrong text"
                );
                answered += 1;
            }
            Err(error) => assert_eq!(error["code"], -32801, "request {i}: {error}"),
        }
    }
    assert!(answered > 0);
    // The last one is overtaken by nothing.
    let last = server.document_request("textDocument/documentSymbol", &file);
    assert_eq!(last.as_array().unwrap().len(), 50);
}
