//! The background index: progress, open files answered while it runs, files changed on disk.

use serde_json::json;

use crate::harness::{Server, client_capabilities, uri, workspace, write};

/// The names `workspace/symbol` finds. A request overtaken by a change the server applies
/// meanwhile answers `ContentModified` (-32801); it is asked again, as clients do.
fn symbol_names(server: &mut Server, query: &str) -> Vec<String> {
    let mut answer = server.request("workspace/symbol", json!({ "query": query }));
    for _ in 0..20 {
        match &answer {
            Err(e) if e["code"] == -32801 => {
                answer = server.request("workspace/symbol", json!({ "query": query }));
            }
            _ => break,
        }
    }
    answer
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn indexing_reports_work_done_progress_from_begin_to_end() {
    let dir = workspace(&[
        ("a.py", "def a(): pass\n"),
        ("b/c.rs", "fn c() {}\n"),
        (".gitignore", "ignored/\n"),
        ("ignored/d.py", "def d(): pass\n"),
    ]);
    let mut server = Server::start(dir.path(), client_capabilities());
    let begin = server.notification("$/progress", |p| p["value"]["kind"] == "begin");
    assert_eq!(begin["token"], "testlens/index");
    let end = server.notification("$/progress", |p| p["value"]["kind"] == "end");
    assert_eq!(end["value"]["message"], "2 files");
    assert_eq!(symbol_names(&mut server, "a"), ["a"]);
    assert!(
        symbol_names(&mut server, "d").is_empty(),
        ".gitignore is respected"
    );
}

#[test]
fn an_open_file_is_answered_while_a_large_workspace_is_indexed() {
    // Enough code that the index takes a while even on a fast machine.
    let body: String = (0..150)
        .map(|i| format!("def f{i}(a, b):\n    if a and b:\n        return {i}\n    return 0\n\n"))
        .collect();
    let dir = workspace(&[]);
    for i in 0..800 {
        write(
            dir.path(),
            &format!("pkg{}/m{i}.py", i % 30),
            body.as_bytes(),
        );
    }
    let mut server = Server::start(dir.path(), client_capabilities());
    let file = dir.path().join("editing.py");
    server.open(&file, "def edited(x):\n    return x or 1\n");
    let hints = server.inlay_hints(&file);
    assert_eq!(hints[0].2, "cx 2");
    let ended_before = server
        .drained_notifications()
        .iter()
        .any(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    assert!(
        !ended_before,
        "the index finished before the open file was answered"
    );
    // A debug build on a busy machine takes a while over 600,000 lines.
    server.wait_for_index_within(std::time::Duration::from_secs(180));
}

#[test]
fn files_changed_on_disk_are_re_read_through_client_watching() {
    let dir = workspace(&[("a.py", "def first(): pass\n")]);
    let mut server = Server::start(dir.path(), client_capabilities());
    server.wait_for_index();
    let registrations = server.requests_seen("client/registerCapability");
    assert_eq!(
        registrations[0]["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    write(dir.path(), "a.py", b"def renamed(): pass\n");
    write(dir.path(), "new.go", b"package x\nfunc Created() {}\n");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [
            { "uri": uri(&dir.path().join("a.py")), "type": 2 },
            { "uri": uri(&dir.path().join("new.go")), "type": 1 },
        ]}),
    );
    assert_eq!(symbol_names(&mut server, "renamed"), ["renamed"]);
    assert!(symbol_names(&mut server, "first").is_empty());
    assert_eq!(symbol_names(&mut server, "Created"), ["Created"]);
    std::fs::remove_file(dir.path().join("new.go")).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&dir.path().join("new.go")), "type": 3 }] }),
    );
    assert!(symbol_names(&mut server, "Created").is_empty());
}

#[test]
fn without_client_watching_the_server_watches_the_disk_itself() {
    let dir = workspace(&[("a.py", "def first(): pass\n")]);
    let mut caps = client_capabilities();
    caps["workspace"]["didChangeWatchedFiles"] = json!({ "dynamicRegistration": false });
    let mut server = Server::start(dir.path(), caps);
    server.wait_for_index();
    write(dir.path(), "later.ts", b"export function appeared() {}\n");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while symbol_names(&mut server, "appeared").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the new file was never seen"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(server.requests_seen("client/registerCapability").is_empty());
}

#[test]
fn an_open_document_keeps_the_editor_text_when_the_disk_changes() {
    let dir = workspace(&[("a.py", "def on_disk(): pass\n")]);
    let mut server = Server::start(dir.path(), client_capabilities());
    server.wait_for_index();
    let file = dir.path().join("a.py");
    server.open(&file, "def in_editor(): pass\n");
    write(dir.path(), "a.py", b"def changed_on_disk(): pass\n");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&file), "type": 2 }] }),
    );
    assert_eq!(symbol_names(&mut server, "in_editor"), ["in_editor"]);
    // Closing it brings the disk text back.
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&file) } }),
    );
    assert_eq!(
        symbol_names(&mut server, "changed_on_disk"),
        ["changed_on_disk"]
    );
}
