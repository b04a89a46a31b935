//! Bad input never stops the server: each case gets an empty answer or a clear error, and a log
//! line on stderr, and the server goes on answering.

use serde_json::json;

use crate::harness::{Server, client_capabilities, uri, workspace, write};

fn symbols(server: &mut Server, query: &str) -> Vec<String> {
    server
        .request("workspace/symbol", json!({ "query": query }))
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn invalid_utf8_binary_and_huge_files_on_disk_are_decoded_or_skipped_with_a_log_line() {
    let dir = workspace(&[("good.py", "def good(): pass\n")]);
    write(
        dir.path(),
        "latin1.py",
        b"# caf\xe9\ndef still_modelled():\n    return 1\n",
    );
    write(
        dir.path(),
        "blob.py",
        b"\x00\x01\x02\x03def hidden(): pass\n",
    );
    let mut huge = b"function huge() {}\n".to_vec();
    huge.resize(50 * 1024 * 1024, b' ');
    write(dir.path(), "huge.js", &huge);
    let mut server = Server::start(dir.path(), client_capabilities());
    server.wait_for_index();
    assert_eq!(symbols(&mut server, "still_modelled"), ["still_modelled"]);
    assert!(symbols(&mut server, "hidden").is_empty());
    assert!(symbols(&mut server, "huge").is_empty());
    server.wait_for_log("invalid UTF-8, decoded lossily");
    server.wait_for_log("skipped: file looks binary");
    server.wait_for_log("over the 4 MiB limit");
}

#[test]
fn unknown_languages_and_unknown_uris_get_empty_answers() {
    let dir = workspace(&[]);
    let mut server = Server::start(dir.path(), client_capabilities());
    let notes = dir.path().join("notes.txt");
    server.open(&notes, "just text");
    let hints = server
        .request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": uri(&notes) },
                    "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 1, "character": 0 } } }),
        )
        .unwrap();
    assert!(hints.is_null());
    let missing = dir.path().join("never/opened.py");
    for (method, params) in [
        (
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri(&missing) }, "position": { "line": 0, "character": 0 } }),
        ),
        (
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri(&missing) } }),
        ),
        (
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": uri(&missing) },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 1, "character": 0 } } }),
        ),
        (
            "textDocument/hover",
            json!({ "textDocument": { "uri": "untitled:Untitled-1" }, "position": { "line": 0, "character": 0 } }),
        ),
    ] {
        let answer = server.request(method, params).unwrap();
        assert!(answer.is_null(), "{method}: {answer}");
    }
    // An edit to a document that was never opened is ignored, with a log line.
    server.change(&missing, 2, json!([{ "text": "def x(): pass\n" }]));
    assert!(server.inlay_hints(&missing).is_empty());
}

#[test]
fn syntax_errors_still_model_the_valid_parts() {
    let text = "fn ok(a: i32) -> i32 { if a > 0 { 1 } else { 2 } }\n\nfn broken(a: i32 {\n    let x = ;\n}\n\n#[test]\nfn after() { assert!(ok(1) == 1); }\n";
    let dir = workspace(&[("lib.rs", text)]);
    let mut server = Server::start(dir.path(), client_capabilities());
    let file = dir.path().join("lib.rs");
    server.open(&file, text);
    let labels: Vec<String> = server.inlay_hints(&file).into_iter().map(|h| h.2).collect();
    assert_eq!(labels, ["cx 2", "cx 1", "cx 1"]);
}

#[test]
fn a_cancelled_request_is_answered_request_cancelled() {
    let dir = workspace(&[]);
    let mut server = Server::start(dir.path(), client_capabilities());
    let id = server.send_request(
        "workspace/executeCommand",
        json!({ "command": "testlens.internal.sleep", "arguments": [10000] }),
    );
    std::thread::sleep(std::time::Duration::from_millis(100));
    server.notify("$/cancelRequest", json!({ "id": id }));
    let started = std::time::Instant::now();
    let error = server.response(id).unwrap_err();
    assert_eq!(error["code"], -32800, "{error}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // And the server goes on.
    assert!(
        server
            .request("workspace/symbol", json!({ "query": "" }))
            .is_ok()
    );
}

#[test]
fn a_panic_in_a_handler_is_an_internal_error_and_a_log_line_and_the_server_goes_on() {
    let dir = workspace(&[("a.py", "def a(): pass\n")]);
    let mut server = Server::start(dir.path(), client_capabilities());
    let error = server
        .request(
            "workspace/executeCommand",
            json!({ "command": "testlens.internal.panic", "arguments": [] }),
        )
        .unwrap_err();
    assert_eq!(error["code"], -32603, "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("deliberate panic")
    );
    server.wait_for_log("request handler panicked");
    // Twice, to be sure nothing was left poisoned.
    assert!(
        server
            .request(
                "workspace/executeCommand",
                json!({ "command": "testlens.internal.panic" })
            )
            .is_err()
    );
    let file = dir.path().join("a.py");
    server.open(&file, "def a(): pass\n");
    assert_eq!(server.inlay_hints(&file)[0].2, "cx 1");
}

#[test]
fn malformed_messages_are_dropped_with_a_log_line_and_the_server_goes_on() {
    let dir = workspace(&[("a.py", "def a(): pass\n")]);
    let mut server = Server::start(dir.path(), client_capabilities());
    server.send_raw(b"Content-Length: 9\r\n\r\n{\"oops\": ");
    server.wait_for_log("dropped a malformed message (9 bytes)");
    server.send_raw(b"garbage without headers\r\n\r\n");
    server.wait_for_log("skipped a line that is not an LSP header");
    server.send_raw(b"Content-Length: twelve\r\n\r\n");
    server.wait_for_log("bad Content-Length");
    let file = dir.path().join("a.py");
    server.open(&file, "def a(): pass\n");
    assert_eq!(server.inlay_hints(&file)[0].2, "cx 1");
}

#[test]
fn a_document_over_4_mib_is_not_modelled_and_said_so() {
    let dir = workspace(&[]);
    let mut server = Server::start(dir.path(), client_capabilities());
    let file = dir.path().join("big.ts");
    let mut text = String::from("export function big() { return 1; }\n");
    text.push_str(&"// filler line to pass the four mebibyte limit of the server\n".repeat(80_000));
    server.open(&file, &text);
    assert!(server.inlay_hints(&file).is_empty());
    server.wait_for_log("document over 4 MiB; not modelled");
}

#[test]
fn logs_go_to_the_log_file_when_asked_and_stdout_stays_protocol_only() {
    let dir = workspace(&[("blob.py", "")]);
    write(dir.path(), "blob.py", b"\x00binary");
    let log = dir.path().join("testlens.log");
    let mut server = Server::start_with(
        dir.path(),
        client_capabilities(),
        &["--log-file", log.to_str().unwrap()],
        &[],
    );
    server.wait_for_index();
    server.shutdown();
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(written.contains("skipped: file looks binary"), "{written}");
    assert!(!written.contains('\x1b'), "no colour codes in a log file");
    assert!(
        !server.stderr().contains("file looks binary"),
        "logs went to the file, not stderr"
    );
    // Dropping the server checks that stdout carried protocol only.
}
