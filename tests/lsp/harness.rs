//! A JSON-RPC client that drives the real `testlens lsp` binary over stdio.
//!
//! It checks that stdout carries nothing but framed protocol messages, answers the server's own
//! requests (progress tokens, capability registration), keeps notifications for the test to
//! wait on, and collects stderr so tests can assert on log lines. Dropping a `Server` shuts it
//! down cleanly and fails the test if the server wrote anything but protocol to stdout, or if a
//! response was left unread.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications and server requests seen while waiting for something else.
    pending: VecDeque<Value>,
    stderr: Arc<Mutex<String>>,
    protocol_errors: Arc<Mutex<Vec<String>>>,
    next_id: i64,
    pub root: PathBuf,
    /// What `initialize` answered.
    pub initialized: Value,
    shut_down: bool,
}

/// Capabilities a modern client sends; tests switch parts off to see the fallbacks.
pub fn client_capabilities() -> Value {
    json!({
        "general": { "positionEncodings": ["utf-16"] },
        "window": { "workDoneProgress": true },
        "workspace": {
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "symbol": {},
        },
        "textDocument": {
            "synchronization": { "dynamicRegistration": false },
            "inlayHint": {},
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "documentSymbol": { "hierarchicalDocumentSymbolSupport": true },
            "publishDiagnostics": { "versionSupport": true },
        },
    })
}

impl Server {
    /// Starts the server with `root` as its workspace folder and initializes it.
    pub fn start(root: &Path, capabilities: Value) -> Server {
        Server::start_with_env(root, capabilities, &[])
    }

    pub fn start_with_env(root: &Path, capabilities: Value, env: &[(&str, &str)]) -> Server {
        Server::start_with(root, capabilities, &[], env)
    }

    /// Starts `testlens lsp <args>` with `env` added.
    pub fn start_with(
        root: &Path,
        capabilities: Value,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_testlens"));
        command
            .arg("lsp")
            .args(args)
            .env("TESTLENS_TEST_HOOKS", "1")
            .env("TESTLENS_LOG", "info,salsa=warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("spawn testlens lsp");
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let stdin = child.stdin.take().expect("stdin");
        let (tx, incoming) = channel();
        let protocol_errors = Arc::new(Mutex::new(Vec::new()));
        let errors = protocol_errors.clone();
        std::thread::spawn(move || read_messages(stdout, tx, errors));
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stderr);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let mut server = Server {
            child,
            stdin,
            incoming,
            pending: VecDeque::new(),
            stderr: log,
            protocol_errors,
            next_id: 1,
            root: root.to_owned(),
            initialized: Value::Null,
            shut_down: false,
        };
        let result = server.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "workspaceFolders": [{ "uri": uri(root), "name": "root" }],
                "capabilities": capabilities,
            }),
        );
        server.initialized = result.unwrap_or_else(|e| panic!("initialize failed: {e}"));
        server.notify("initialized", json!({}));
        server
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Sends a request and waits for its response: `Ok(result)` or `Err(error object)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// A request whose only parameter is the document (`textDocument/codeLens`, `.../diagnostic`,
    /// ...); its result, or a panic with the error.
    pub fn document_request(&mut self, method: &str, path: &Path) -> Value {
        self.request(method, json!({ "textDocument": { "uri": uri(path) } }))
            .unwrap_or_else(|e| panic!("{method} failed: {e}"))
    }

    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        self.response_within(id, TIMEOUT)
    }

    /// The response to `id`, waiting up to `timeout` (for requests that run a test runner).
    pub fn response_within(&mut self, id: i64, timeout: Duration) -> Result<Value, Value> {
        let message =
            self.wait_for_within(&format!("the response to request {id}"), timeout, |m| {
                m.get("id") == Some(&json!(id)) && m.get("method").is_none()
            });
        match message.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    /// Waits for a notification `method` whose params satisfy `pred`.
    pub fn notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let message = self.wait_for(&format!("a {method} notification"), |m| {
            m.get("method") == Some(&json!(method))
                && m.get("id").is_none()
                && pred(m.get("params").unwrap_or(&Value::Null))
        });
        message["params"].clone()
    }

    /// Waits for the background index to finish (the `end` of its progress).
    pub fn wait_for_index(&mut self) {
        self.wait_for_index_within(TIMEOUT);
    }

    pub fn wait_for_index_within(&mut self, timeout: Duration) {
        self.wait_for_within("the end of indexing", timeout, |m| {
            m.get("method") == Some(&json!("$/progress"))
                && m["params"]["token"] == "testlens/index"
                && m["params"]["value"]["kind"] == "end"
        });
    }

    /// Everything received so far that is not a response, without waiting.
    pub fn drained_notifications(&mut self) -> Vec<Value> {
        while let Ok(message) = self.incoming.try_recv() {
            self.handle_incoming(message);
        }
        self.pending
            .iter()
            .filter(|m| m.get("method").is_some())
            .cloned()
            .collect()
    }

    /// Drops everything received so far that is not a response.
    pub fn drain_notifications(&mut self) {
        let deadline = Instant::now() + Duration::from_millis(50);
        while Instant::now() < deadline {
            match self.incoming.recv_timeout(Duration::from_millis(10)) {
                Ok(m) => self.handle_incoming(m),
                Err(_) => break,
            }
        }
        self.pending.retain(|m| m.get("method").is_none());
    }

    fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.wait_for_within(what, TIMEOUT, pred)
    }

    fn wait_for_within(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        if let Some(i) = self.pending.iter().position(&pred) {
            return self.pending.remove(i).expect("index is valid");
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) => {
                    if pred(&message) {
                        return message;
                    }
                    self.handle_incoming(message);
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "timed out waiting for {what}; pending: {:#?}\nstderr:\n{}",
                    self.pending,
                    self.stderr()
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the server closed stdout while we waited for {what}\nstderr:\n{}",
                    self.stderr()
                ),
            }
        }
    }

    /// Answers the server's requests (progress tokens, registrations); keeps the rest.
    fn handle_incoming(&mut self, message: Value) {
        if let (Some(id), Some(method)) = (message.get("id"), message.get("method")) {
            let id = id.clone();
            match method.as_str() {
                Some("window/workDoneProgress/create")
                | Some("client/registerCapability")
                | Some("workspace/inlayHint/refresh")
                | Some("workspace/codeLens/refresh")
                | Some("workspace/diagnostic/refresh") => {
                    self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null }));
                }
                // The edit is kept (below) for the test to apply and inspect.
                Some("workspace/applyEdit") => {
                    self.send(json!({ "jsonrpc": "2.0", "id": id, "result": { "applied": true } }));
                }
                _ => {}
            }
        }
        self.pending.push_back(message);
    }

    pub fn requests_seen(&self, method: &str) -> Vec<Value> {
        self.pending
            .iter()
            .filter(|m| m.get("method") == Some(&json!(method)) && m.get("id").is_some())
            .cloned()
            .collect()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stderr holds a line containing `needle`.
    pub fn wait_for_log(&mut self, needle: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while !self.stderr().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "no log line with {needle:?}; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).expect("json");
        let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        framed.extend(body);
        self.stdin.write_all(&framed).expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    /// Sends raw bytes, for malformed-input tests.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write");
        self.stdin.flush().expect("flush");
    }

    pub fn open(&mut self, path: &Path, text: &str) {
        let language = match path.extension().and_then(|e| e.to_str()) {
            Some("rs") => "rust",
            Some("py") => "python",
            Some("go") => "go",
            Some("ts") => "typescript",
            Some("tsx") => "typescriptreact",
            Some("js") | Some("mjs") | Some("cjs") => "javascript",
            _ => "plaintext",
        };
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri(path), "languageId": language, "version": 1, "text": text,
            }}),
        );
    }

    pub fn change(&mut self, path: &Path, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri(path), "version": version },
                "contentChanges": changes,
            }),
        );
    }

    pub fn inlay_hints(&mut self, path: &Path) -> Vec<(u64, u64, String)> {
        let result = self
            .request(
                "textDocument/inlayHint",
                json!({
                    "textDocument": { "uri": uri(path) },
                    "range": { "start": { "line": 0, "character": 0 },
                               "end": { "line": 100000, "character": 0 } },
                }),
            )
            .expect("inlayHint");
        result
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|h| {
                (
                    h["position"]["line"].as_u64().unwrap(),
                    h["position"]["character"].as_u64().unwrap(),
                    h["label"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    pub fn shutdown(&mut self) {
        if self.shut_down {
            return;
        }
        self.shut_down = true;
        let result = self.request("shutdown", Value::Null);
        assert!(result.is_ok(), "shutdown failed: {result:?}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    assert!(status.success(), "server exited with {status}");
                    break;
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                _ => {
                    let _ = self.child.kill();
                    panic!("server did not exit after `exit`");
                }
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = self.child.kill();
            return;
        }
        self.shutdown();
        // Let the reader see the end of stdout.
        std::thread::sleep(Duration::from_millis(20));
        while let Ok(message) = self.incoming.try_recv() {
            self.pending.push_back(message);
        }
        let errors = self.protocol_errors.lock().unwrap().clone();
        assert!(
            errors.is_empty(),
            "stdout carried something other than protocol: {errors:?}"
        );
        let unread: Vec<&Value> = self
            .pending
            .iter()
            .filter(|m| m.get("method").is_none())
            .collect();
        assert!(unread.is_empty(), "responses left unread: {unread:#?}");
    }
}

/// Reads framed messages; anything that is not a `Content-Length` framed JSON message is a
/// protocol error (a stray `println!` would be one).
fn read_messages(
    stdout: impl Read,
    tx: std::sync::mpsc::Sender<Value>,
    errors: Arc<Mutex<Vec<String>>>,
) {
    let mut reader = BufReader::new(stdout);
    loop {
        let mut length: Option<usize> = None;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) => {
                    errors
                        .lock()
                        .unwrap()
                        .push(format!("stdout is not UTF-8 headers: {e}"));
                    return;
                }
            }
            if line == "\r\n" {
                break;
            }
            match line.split_once(':') {
                Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                    length = value.trim().parse().ok();
                }
                Some((name, _)) if name.eq_ignore_ascii_case("content-type") => {}
                _ => errors
                    .lock()
                    .unwrap()
                    .push(format!("not a header: {line:?}")),
            }
        }
        let Some(length) = length else {
            errors
                .lock()
                .unwrap()
                .push("a message without Content-Length".to_owned());
            return;
        };
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        match serde_json::from_slice::<Value>(&body) {
            Ok(message) => {
                if tx.send(message).is_err() {
                    return;
                }
            }
            Err(e) => errors.lock().unwrap().push(format!("not JSON: {e}")),
        }
    }
}

pub fn uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A temporary workspace with the given files.
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        write(dir.path(), path, text.as_bytes());
    }
    dir
}

pub fn write(root: &Path, path: &str, bytes: &[u8]) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, bytes).unwrap();
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}
