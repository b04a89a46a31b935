//! Test generation end to end: code actions on fixture functions through the real binary, the
//! recording command with progress, cancellation and timeouts, and (with
//! `TESTLENS_RUNNER_TESTS=1`) the recorded edit applied to a temporary copy of each fixture and
//! run with the fixture's real runner (pytest, Vitest, Jest, go test, cargo test).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{Server, client_capabilities, fixtures, uri, workspace};

fn runner_tests() -> bool {
    let on = std::env::var("TESTLENS_RUNNER_TESTS").is_ok_and(|v| v == "1");
    if !on {
        eprintln!("note: runner part skipped; set TESTLENS_RUNNER_TESTS=1 to run the real runners");
    }
    on
}

fn python() -> PathBuf {
    fixtures().join(".venv/bin/python")
}

/// A client that can create files through document changes.
fn capabilities() -> Value {
    let mut caps = client_capabilities();
    caps["workspace"]["workspaceEdit"] = json!({
        "documentChanges": true,
        "resourceOperations": ["create"],
    });
    caps
}

/// A copy of a fixture project; its installed `node_modules` is linked, not copied.
fn project(language: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = fixtures().join(language);
    copy_dir(&from, dir.path());
    let modules = from.join("node_modules");
    if modules.is_dir() {
        std::os::unix::fs::symlink(&modules, dir.path().join("node_modules")).unwrap();
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if ["node_modules", ".venv", "__pycache__", "target", "reports"]
            .iter()
            .any(|n| name == *n)
        {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` (not following links), for "nothing was written".
fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// The LSP position (UTF-16) of `needle`'s first occurrence, moved `skip` bytes in.
fn position(text: &str, needle: &str, skip: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found"))
        + skip;
    let line = text[..at].matches('\n').count();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[line_start..at].encode_utf16().count();
    json!({ "line": line, "character": character })
}

fn code_actions(server: &mut Server, path: &Path, pos: Value) -> Vec<Value> {
    server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri(path) },
                "range": { "start": pos, "end": pos },
                "context": { "diagnostics": [], "only": ["refactor.generate"] },
            }),
        )
        .expect("codeAction")
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn titles(actions: &[Value]) -> Vec<String> {
    actions
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect()
}

/// Byte offset of an LSP position (UTF-16 columns) in `text`.
fn offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let character = pos["character"].as_u64().unwrap() as usize;
    let mut start = 0;
    for _ in 0..line {
        start += text[start..]
            .find('\n')
            .map_or(text.len() - start, |i| i + 1);
    }
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn apply_text_edits(path: &Path, edits: &[Value]) {
    let mut text = std::fs::read_to_string(path).unwrap_or_default();
    let mut ranged: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&text, &e["range"]["start"]),
                offset(&text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    ranged.sort_by_key(|(s, _, _)| std::cmp::Reverse(*s));
    for (s, e, t) in ranged {
        text.replace_range(s..e, &t);
    }
    std::fs::write(path, text).unwrap();
}

fn path_of(uri: &str) -> PathBuf {
    let raw = uri.strip_prefix("file://").unwrap();
    let mut bytes = Vec::new();
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            bytes.push(u8::from_str_radix(&raw[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            bytes.push(b[i]);
            i += 1;
        }
    }
    PathBuf::from(String::from_utf8(bytes).unwrap())
}

/// Applies a WorkspaceEdit to disk as an editor would: created files, then text edits.
fn apply_workspace_edit(edit: &Value) {
    if let Some(changes) = edit["changes"].as_object() {
        for (u, edits) in changes {
            apply_text_edits(&path_of(u), edits.as_array().unwrap());
        }
    }
    for change in edit["documentChanges"].as_array().into_iter().flatten() {
        if change["kind"] == "create" {
            let p = path_of(change["uri"].as_str().unwrap());
            if !p.exists() {
                std::fs::write(p, "").unwrap();
            }
        } else {
            let p = path_of(change["textDocument"]["uri"].as_str().unwrap());
            apply_text_edits(&p, change["edits"].as_array().unwrap());
        }
    }
}

/// The fixture function each language's tests use: (source file, definition text, name offset
/// in it, name).
const FUNCTIONS: &[(&str, &str, &str, usize, &str)] = &[
    (
        "python",
        "shop/pricing.py",
        "def discount_percent",
        4,
        "discount_percent",
    ),
    (
        "typescript",
        "src/pricing.ts",
        "export function discountPercent",
        16,
        "discountPercent",
    ),
    (
        "javascript",
        "src/pricing.js",
        "function discountPercent",
        9,
        "discountPercent",
    ),
    (
        "go",
        "pricing.go",
        "func DiscountPercent",
        5,
        "DiscountPercent",
    ),
    (
        "rust",
        "src/lib.rs",
        "pub fn discount_percent",
        7,
        "discount_percent",
    ),
];

#[test]
fn every_language_lists_generate_and_record_on_a_function_without_running_anything() {
    for (language, file, def, skip, name) in FUNCTIONS {
        let dir = project(language);
        let before = listing(dir.path());
        let mut server = Server::start(dir.path(), capabilities());
        server.wait_for_index();
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        server.open(&path, &text);
        let actions = code_actions(&mut server, &path, position(&text, def, *skip));
        assert_eq!(
            titles(&actions),
            [format!("Generate and record test for `{name}`")],
            "{language}"
        );
        let action = &actions[0];
        assert_eq!(action["kind"], "refactor.generate");
        assert_eq!(action["command"]["command"], "testlens.generateAndRecord");
        assert_eq!(action["command"]["arguments"][0]["function"], *name);
        assert_eq!(
            listing(dir.path()),
            before,
            "{language}: listing actions wrote nothing"
        );
        // Inside a body, well below the signature, no generation is offered.
        let body = position(&text, def, 0);
        let deeper = json!({ "line": body["line"].as_u64().unwrap() + 3, "character": 4 });
        let inside = code_actions(&mut server, &path, deeper);
        assert!(inside.is_empty(), "{language}: {:?}", titles(&inside));
        drop(server);
    }
}

#[test]
fn a_doctest_gives_a_plain_generate_action_whose_edit_is_the_finished_test() {
    let dir = workspace(&[
        (
            "calc/ops.py",
            "def double(n: int) -> int:\n    \"\"\"Twice n.\n\n    >>> double(2)\n    4\n    >>> double(-3)\n    -6\n    \"\"\"\n    return 2 * n\n",
        ),
        (
            "tests/test_ops.py",
            "from calc.ops import double\n\n\ndef test_double():\n    assert double(1) == 2\n",
        ),
    ]);
    let mut server = Server::start(dir.path(), capabilities());
    server.wait_for_index();
    let path = dir.path().join("calc/ops.py");
    let text = std::fs::read_to_string(&path).unwrap();
    server.open(&path, &text);
    let actions = code_actions(&mut server, &path, position(&text, "def double", 4));
    assert_eq!(
        titles(&actions),
        [
            "Generate test for `double`",
            "Generate and record test for `double`"
        ]
    );
    assert!(actions[0].get("command").is_none());
    apply_workspace_edit(&actions[0]["edit"]);
    let test = std::fs::read_to_string(dir.path().join("tests/test_ops.py")).unwrap();
    assert_eq!(
        test,
        "from calc.ops import double\n\n\ndef test_double():\n    assert double(1) == 2\n\n\ndef test_double_2():\n    assert double(2) == 4\n    assert double(-3) == -6\n"
    );
    if runner_tests() {
        let out = Command::new(python())
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
            .current_dir(dir.path())
            .env("PYTHONPATH", dir.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert!(stdout.contains("2 passed"), "{stdout}");
    }
}

#[test]
fn a_project_without_tests_offers_a_choice_of_framework_and_broken_code_none() {
    let dir = workspace(&[
        ("calc.py", "def double(n: int) -> int:\n    return 2 * n\n"),
        (
            "broken.py",
            "def half(n: int) -> int:\n    return n // 2\n\ndef oops(:\n",
        ),
    ]);
    let mut server = Server::start(dir.path(), capabilities());
    let path = dir.path().join("calc.py");
    let text = std::fs::read_to_string(&path).unwrap();
    server.open(&path, &text);
    let actions = code_actions(&mut server, &path, position(&text, "double", 0));
    assert_eq!(
        titles(&actions),
        [
            "Generate and record pytest test for `double`",
            "Generate and record unittest test for `double`"
        ]
    );
    assert_eq!(
        actions[1]["command"]["arguments"][0]["framework"],
        "unittest"
    );
    let broken = dir.path().join("broken.py");
    let text = std::fs::read_to_string(&broken).unwrap();
    server.open(&broken, &text);
    // Broken code: the action is shown disabled, with the reason.
    let actions = code_actions(&mut server, &broken, position(&text, "half", 0));
    assert_eq!(titles(&actions), ["Generate test for `half`"]);
    assert!(
        actions[0]["disabled"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("syntax errors")),
        "{:?}",
        actions[0]
    );
    // Asked for anyway (a stale action), the command refuses with a message.
    let response = server
        .request(
            "workspace/executeCommand",
            json!({
                "command": "testlens.generateAndRecord",
                "arguments": [{ "path": broken.to_string_lossy(), "offset": 0, "function": "half" }],
            }),
        )
        .unwrap();
    assert_eq!(response["applied"], false);
    let shown = server.notification("window/showMessage", |p| p["type"] == 1);
    assert!(
        shown["message"].as_str().unwrap().contains("syntax errors"),
        "{shown}"
    );
}

/// A project whose function never returns, with a pytest test so that the framework is known.
fn slow_project() -> tempfile::TempDir {
    workspace(&[
        (
            "slow.py",
            "import time\n\n\ndef wait(n: int) -> int:\n    time.sleep(60)\n    return n\n",
        ),
        (
            "tests/test_slow.py",
            "def test_nothing():\n    assert True\n",
        ),
    ])
}

fn record_request(server: &mut Server, path: &Path, function: &str) -> i64 {
    server.send_request(
        "workspace/executeCommand",
        json!({
            "command": "testlens.generateAndRecord",
            "arguments": [{ "path": path.to_string_lossy(), "offset": 0, "function": function }],
        }),
    )
}

fn scratch_files(dir: &Path) -> Vec<PathBuf> {
    listing(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("testlens_"))
        .collect()
}

fn wait_until(what: &str, f: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn cancelling_the_progress_stops_the_runner_and_leaves_no_edit_and_no_scratch_file() {
    let dir = slow_project();
    let before = listing(dir.path());
    let mut server = Server::start_with_env(
        dir.path(),
        capabilities(),
        &[("TESTLENS_PYTHON", "/usr/bin/python3")],
    );
    server.wait_for_index();
    let id = record_request(&mut server, &dir.path().join("slow.py"), "wait");
    let begin = server.notification("$/progress", |p| {
        p["token"]
            .as_str()
            .is_some_and(|t| t.starts_with("testlens/generate/"))
            && p["value"]["kind"] == "begin"
    });
    assert_eq!(begin["value"]["cancellable"], true);
    wait_until("the probe to be written", || {
        !scratch_files(dir.path()).is_empty()
    });
    server.notify(
        "window/workDoneProgress/cancel",
        json!({ "token": begin["token"] }),
    );
    let started = Instant::now();
    let response = server.response(id).unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(response["applied"], false);
    assert!(
        response["error"].as_str().unwrap().contains("cancelled"),
        "{response}"
    );
    server.notification("$/progress", |p| {
        p["token"] == begin["token"] && p["value"]["kind"] == "end"
    });
    assert!(server.requests_seen("workspace/applyEdit").is_empty());
    assert_eq!(
        listing(dir.path()),
        before,
        "no partial edit, no scratch file"
    );
}

#[test]
fn cancelling_the_request_stops_the_runner_and_removes_the_scratch_file() {
    let dir = slow_project();
    let mut server = Server::start_with_env(
        dir.path(),
        capabilities(),
        &[("TESTLENS_PYTHON", "/usr/bin/python3")],
    );
    server.wait_for_index();
    let id = record_request(&mut server, &dir.path().join("slow.py"), "wait");
    server.notification("$/progress", |p| p["value"]["kind"] == "begin");
    wait_until("the probe to be written", || {
        !scratch_files(dir.path()).is_empty()
    });
    server.notify("$/cancelRequest", json!({ "id": id }));
    let error = server.response(id).unwrap_err();
    assert_eq!(error["code"], -32800, "{error}");
    wait_until("the scratch file to be removed", || {
        scratch_files(dir.path()).is_empty()
    });
    assert!(server.requests_seen("workspace/applyEdit").is_empty());
}

#[test]
fn a_hanging_runner_times_out_with_a_message() {
    let dir = slow_project();
    let mut server = Server::start_with(
        dir.path(),
        capabilities(),
        &[],
        &[("TESTLENS_PYTHON", "/usr/bin/python3")],
    );
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "testlens": { "generate": { "timeout": 0.5 } } } }),
    );
    server.wait_for_index();
    let id = record_request(&mut server, &dir.path().join("slow.py"), "wait");
    let response = server.response(id).unwrap();
    let error = response["error"].as_str().unwrap();
    assert!(error.contains("did not finish within 0.5 s"), "{error}");
    let shown = server.notification("window/showMessage", |p| p["type"] == 1);
    assert!(shown["message"].as_str().unwrap().contains("was stopped"));
    assert!(scratch_files(dir.path()).is_empty());
}

#[test]
fn a_missing_runner_is_reported_and_nothing_is_written() {
    // The TypeScript fixture without its node_modules: Vitest is not installed.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("typescript"), dir.path());
    let before = listing(dir.path());
    let mut server = Server::start(dir.path(), capabilities());
    server.wait_for_index();
    let id = record_request(&mut server, &dir.path().join("src/pricing.ts"), "halvings");
    let response = server.response(id).unwrap();
    assert_eq!(response["applied"], false);
    let shown = server.notification("window/showMessage", |p| p["type"] == 1);
    assert!(
        shown["message"]
            .as_str()
            .unwrap()
            .contains("vitest is not installed"),
        "{shown}"
    );
    assert_eq!(listing(dir.path()), before);
}

/// Records a test for `function` of `file` through the server, applies the edit the server
/// sent, and returns the project (for the runner) and the test file's text.
fn record_and_apply(language: &str, file: &str, function: &str) -> (tempfile::TempDir, String) {
    let dir = project(language);
    let py = python();
    let env: Vec<(&str, &str)> = vec![("TESTLENS_PYTHON", py.to_str().unwrap())];
    let mut server = Server::start_with_env(dir.path(), capabilities(), &env);
    server.wait_for_index();
    let path = dir.path().join(file);
    let id = record_request(&mut server, &path, function);
    // The runner may take a while (cargo builds the crate).
    let response = server.response_within(id, Duration::from_secs(240));
    let response = response.unwrap();
    assert_eq!(response["applied"], true, "{language}: {response}");
    let edits = server.requests_seen("workspace/applyEdit");
    assert_eq!(edits.len(), 1);
    apply_workspace_edit(&edits[0]["params"]["edit"]);
    let shown = server.notification("window/showMessage", |p| p["type"] == 3);
    assert!(shown["message"].as_str().unwrap().contains("recorded"));
    let target = dir.path().join(response["path"].as_str().unwrap());
    let text = std::fs::read_to_string(target).unwrap();
    assert!(
        scratch_files(dir.path()).is_empty(),
        "{language}: scratch files left"
    );
    drop(server);
    (dir, text)
}

fn run_ok(dir: &Path, program: &Path, args: &[&str]) -> String {
    let (ok, text) = run(dir, program, args);
    assert!(ok, "{program:?} {args:?} failed:\n{text}");
    text
}

#[test]
fn python_recorded_test_is_applied_and_passes_under_pytest() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_and_apply("python", "shop/pricing.py", "discount_percent");
    assert!(text.contains("def test_discount_percent_2():"), "{text}");
    assert!(
        text.contains("    assert discount_percent(\"SAVE10\") == 10\n"),
        "{text}"
    );
    let out = run_ok(
        &dir.path().join(""),
        &fixtures().join(".venv/bin/pytest"),
        &["-q", "tests/test_pricing.py::test_discount_percent_2"],
    );
    assert!(out.contains("1 passed"), "{out}");
    // The raise of a real call is asserted idiomatically.
    let (dir, text) = record_and_apply("python", "shop/cart.py", "parse_item");
    assert!(
        text.contains("with pytest.raises(ValueError, match="),
        "{text}"
    );
    let out = run_ok(dir.path(), &fixtures().join(".venv/bin/pytest"), &["-q"]);
    assert!(out.contains("passed"), "{out}");
}

#[test]
fn typescript_recorded_test_passes_under_vitest() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_and_apply("typescript", "src/pricing.ts", "shippingCents");
    assert!(
        text.contains("import { discountPercent, halvings, lineTotal, receiptHeader, shippingCents, type Item } from \"./pricing\";"),
        "{text}"
    );
    assert!(text.contains("test(\"shippingCents\", () => {"), "{text}");
    assert!(
        text.contains("\"gold\""),
        "the union type gives its members: {text}"
    );
    let out = run_ok(
        dir.path(),
        &dir.path().join("node_modules/.bin/vitest"),
        &["run", "src/pricing.test.ts", "-t", "shippingCents"],
    );
    assert!(out.contains("passed"), "{out}");
}

#[test]
fn javascript_recorded_test_passes_under_jest() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_and_apply("javascript", "src/cart.js", "parseItem");
    assert!(
        text.contains("parseItem,\n} = require(\"../src/cart\")") || text.contains("parseItem"),
        "{text}"
    );
    assert!(text.contains("toThrow("), "{text}");
    let out = run_ok(
        dir.path(),
        &dir.path().join("node_modules/.bin/jest"),
        &["--ci", "__tests__/cart.test.js"],
    );
    assert!(out.contains("passed"), "{out}");
}

#[test]
fn go_recorded_table_test_passes_under_go_test() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_and_apply("go", "cart.go", "ParseItem");
    assert!(
        text.contains("func TestParseItem(t *testing.T) {"),
        "{text}"
    );
    assert!(
        text.contains("t.Run(tt.name, func(t *testing.T) {"),
        "{text}"
    );
    assert!(text.contains("wantErr: \"want 3 fields, got 1\""), "{text}");
    let go = PathBuf::from("/usr/lib/go-1.23/bin/go");
    let out = run_ok(
        dir.path(),
        &go,
        &["test", "-count=1", "-run", "TestParseItem", "."],
    );
    assert!(out.contains("ok"), "{out}");
}

/// A function the crate's integration tests already import gets its test in `tests/` (with the
/// crate's types it needs imported); one they do not, in the file's test module.
#[test]
fn rust_recorded_tests_go_where_the_crate_tests_them_and_pass_under_cargo_test() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_and_apply("rust", "src/lib.rs", "halvings");
    let added = &text[text.find("fn halvings_counts_steps").unwrap()..];
    assert!(
        added.contains("\n#[test]\nfn halvings_examples() {\n"),
        "into tests/integration.rs, which imports halvings: {text}"
    );
    assert!(
        added.contains("    assert_eq!(halvings(8), 4);\n"),
        "{text}"
    );
    let out = run_ok(
        dir.path(),
        Path::new("cargo"),
        &["test", "--test", "integration", "halvings_examples"],
    );
    assert!(out.contains("1 passed"), "{out}");

    let (dir, text) = record_and_apply("rust", "src/lib.rs", "discount_percent");
    let module = &text[text.find("mod tests {").unwrap()..];
    assert!(
        module.contains("    #[test]\n    fn discount_percent_examples() {\n"),
        "{text}"
    );
    let out = run_ok(
        dir.path(),
        Path::new("cargo"),
        &["test", "--lib", "discount_percent_examples"],
    );
    assert!(out.contains("1 passed"), "{out}");
}

// Functions taking objects: the inputs are records the fixture declares (or, untyped, the shape
// the function reads), and the recorded test passes under the real runner.

#[test]
fn typescript_interface_parameter_recorded_test_passes_under_vitest() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_and_apply("typescript", "src/pricing.ts", "lineTotal");
    assert!(
        text.contains("  expect(lineTotal({ name: \"a\", priceCents: 1, qty: 1 })).toBe(1);\n"),
        "{text}"
    );
    assert!(
        text.contains("  expect(lineTotal({ name: \"a\", priceCents: 1, qty: 100 })).toBe(100);\n"),
        "{text}"
    );
    let out = run_ok(
        dir.path(),
        &dir.path().join("node_modules/.bin/vitest"),
        &["run", "src/pricing.test.ts", "-t", "lineTotal"],
    );
    assert!(out.contains("passed"), "{out}");
    // `isFree` in cart.ts takes the Item it imports from ./pricing.
    let (dir, text) = record_and_apply("typescript", "src/cart.ts", "isFree");
    assert!(
        text.contains("  expect(isFree({ name: \"a\", priceCents: 0, qty: 1 })).toBe(true);\n"),
        "{text}"
    );
    let out = run_ok(
        dir.path(),
        &dir.path().join("node_modules/.bin/vitest"),
        &["run", "src/cart.test.ts", "-t", "isFree"],
    );
    assert!(out.contains("passed"), "{out}");
}

#[test]
fn javascript_untyped_object_parameter_recorded_test_passes_under_jest() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_and_apply("javascript", "src/pricing.js", "lineTotal");
    assert!(
        text.contains("  expect(lineTotal({ qty: 1, priceCents: 1 })).toBe(1);\n"),
        "the shape is what lineTotal reads: {text}"
    );
    let out = run_ok(
        dir.path(),
        &dir.path().join("node_modules/.bin/jest"),
        &["--ci", "__tests__/pricing.test.js", "-t", "lineTotal"],
    );
    assert!(out.contains("passed"), "{out}");
}

#[test]
fn go_struct_parameter_recorded_table_test_passes_under_go_test() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_and_apply("go", "pricing.go", "LineTotal");
    assert!(
        text.contains("it: Item{Name: \"a\", PriceCents: 1, Qty: 1}, want: 1},"),
        "{text}"
    );
    let go = PathBuf::from("/usr/lib/go-1.23/bin/go");
    let out = run_ok(
        dir.path(),
        &go,
        &["test", "-count=1", "-run", "TestLineTotal", "."],
    );
    assert!(out.contains("ok"), "{out}");
}

#[test]
fn rust_struct_parameter_recorded_test_passes_under_cargo_test() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_and_apply("rust", "src/lib.rs", "line_total");
    let module = &text[text.find("mod tests {").unwrap()..];
    assert!(
        module.contains(
            "        assert_eq!(line_total(&Item { name: \"a\".to_string(), price_cents: 1, qty: 1 }), 1);\n"
        ),
        "{text}"
    );
    let out = run_ok(
        dir.path(),
        Path::new("cargo"),
        &["test", "--lib", "line_total_examples"],
    );
    assert!(out.contains("1 passed"), "{out}");
}

#[test]
fn python_untyped_list_of_items_recorded_test_imports_the_dataclass_and_passes_under_pytest() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_and_apply("python", "shop/pricing.py", "shipping_cents");
    assert!(
        text.contains(
            "    assert shipping_cents([Item(name=\"a\", price_cents=1, qty=1), Item(name=\"a:b:c\", price_cents=100, qty=100)], \"\") == 1100\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("    assert shipping_cents([Item(name=\"a\", price_cents=1, qty=1)], \"\", True) == 1600\n"),
        "express=False gives True to try: {text}"
    );
    assert_eq!(
        text.matches("from shop.cart import Item").count(),
        1,
        "the test file already imports Item: {text}"
    );
    let out = run_ok(
        dir.path(),
        &fixtures().join(".venv/bin/pytest"),
        &["-q", "tests/test_pricing.py", "-k", "shipping_cents"],
    );
    assert!(out.contains("passed"), "{out}");
}

// Recording assertions into a test that asserts nothing (the `no-assertion` quick fix): the
// test's own calls are run through the project's runner, their results written as assertions,
// and the healed test passes under the real runner, and fails once the function changes.

/// Appends `test` to `test_file` of a copy of the fixture, asks for the fix on the test named
/// at `name`, runs its command, applies the edit and returns the project and the healed text.
fn record_assertions_and_apply(
    language: &str,
    test_file: &str,
    test: &str,
    name: &str,
) -> (tempfile::TempDir, String) {
    let dir = project(language);
    let path = dir.path().join(test_file);
    let mut text = std::fs::read_to_string(&path).unwrap();
    if let Some(at) = test.strip_prefix("INSIDE:") {
        // Rust: into the file's test module, before its closing brace.
        let close = text.trim_end().rfind('}').unwrap();
        text.insert_str(close, at);
    } else {
        text.push_str(test);
    }
    std::fs::write(&path, &text).unwrap();
    let py = python();
    let env: Vec<(&str, &str)> = vec![("TESTLENS_PYTHON", py.to_str().unwrap())];
    let mut server = Server::start_with_env(dir.path(), capabilities(), &env);
    server.wait_for_index();
    let actions: Vec<Value> = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri(&path) },
                "range": { "start": position(&text, name, name.len() - 1), "end": position(&text, name, name.len() - 1) },
                "context": { "diagnostics": [], "only": ["quickfix"] },
            }),
        )
        .expect("codeAction")
        .as_array()
        .cloned()
        .unwrap_or_default();
    let action = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Record assertions for")
        })
        .unwrap_or_else(|| panic!("{language}: no fix in {:?}", titles(&actions)));
    assert!(action.get("disabled").is_none(), "{language}: {action}");
    let command = &action["command"];
    assert_eq!(command["command"], "testlens.recordAssertions");
    let id = server.send_request(
        "workspace/executeCommand",
        json!({ "command": command["command"], "arguments": command["arguments"] }),
    );
    let response = server
        .response_within(id, Duration::from_secs(240))
        .unwrap();
    assert_eq!(response["applied"], true, "{language}: {response}");
    let edits = server.requests_seen("workspace/applyEdit");
    assert_eq!(edits.len(), 1);
    apply_workspace_edit(&edits[0]["params"]["edit"]);
    let shown = server.notification("window/showMessage", |p| p["type"] == 3);
    assert!(
        shown["message"]
            .as_str()
            .unwrap()
            .contains("recorded 2 assertions"),
        "{shown}"
    );
    assert!(
        scratch_files(dir.path()).is_empty(),
        "{language}: scratch files left"
    );
    drop(server);
    let text = std::fs::read_to_string(&path).unwrap();
    (dir, text)
}

/// Runs `program args` in `dir`; whether it passed, and its output.
fn run(dir: &Path, program: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("CI", "1")
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The healed test passes, and fails once `source`'s `SAVE10` code is renamed (so it asserts
/// what the function returns).
fn passes_then_catches_a_change(dir: &Path, source: &str, program: &Path, args: &[&str]) {
    let (ok, out) = run(dir, program, args);
    assert!(ok, "the healed test fails:\n{out}");
    let path = dir.join(source);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("\"SAVE10\"", "\"SAVE11\"", 1)).unwrap();
    let (ok, out) = run(dir, program, args);
    assert!(!ok, "the healed test passes on changed code:\n{out}");
}

#[test]
fn python_test_without_assertions_gets_recorded_ones_that_pass_under_pytest() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_assertions_and_apply(
        "python",
        "tests/test_pricing.py",
        "\n\ndef test_smoke():\n    discount_percent(\"SAVE10\")\n    header = receipt_header(\"Shop\")\n",
        "def test_smoke",
    );
    assert!(
        text.ends_with("def test_smoke():\n    assert discount_percent(\"SAVE10\") == 10\n    header = receipt_header(\"Shop\")\n    assert header == '🧾 Shop — 收据'\n"),
        "{text}"
    );
    passes_then_catches_a_change(
        dir.path(),
        "shop/pricing.py",
        &fixtures().join(".venv/bin/pytest"),
        &["-q", "tests/test_pricing.py::test_smoke"],
    );
}

#[test]
fn typescript_and_javascript_tests_without_assertions_get_expect_calls_that_pass() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_assertions_and_apply(
        "typescript",
        "src/pricing.test.ts",
        "\nit(\"smoke\", () => {\n  discountPercent(\"SAVE10\");\n  const header = receiptHeader(\"Shop\");\n});\n",
        "it(\"smoke",
    );
    assert!(
        text.ends_with("it(\"smoke\", () => {\n  expect(discountPercent(\"SAVE10\")).toBe(10);\n  const header = receiptHeader(\"Shop\");\n  expect(header).toBe(\"🧾 Shop — 收据\");\n});\n"),
        "{text}"
    );
    passes_then_catches_a_change(
        dir.path(),
        "src/pricing.ts",
        &dir.path().join("node_modules/.bin/vitest"),
        &["run", "src/pricing.test.ts", "-t", "smoke"],
    );

    let (dir, text) = record_assertions_and_apply(
        "javascript",
        "__tests__/pricing.test.js",
        "\ntest(\"smoke\", () => {\n  discountPercent(\"SAVE10\");\n  let header = receiptHeader(\"Shop\");\n});\n",
        "test(\"smoke",
    );
    assert!(
        text.contains("  expect(discountPercent(\"SAVE10\")).toBe(10);\n  let header = receiptHeader(\"Shop\");\n  expect(header).toBe(\"🧾 Shop — 收据\");\n"),
        "{text}"
    );
    passes_then_catches_a_change(
        dir.path(),
        "src/pricing.js",
        &dir.path().join("node_modules/.bin/jest"),
        &["--ci", "__tests__/pricing.test.js", "-t", "smoke"],
    );
}

#[test]
fn go_test_without_assertions_gets_recorded_checks_that_pass_under_go_test() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_assertions_and_apply(
        "go",
        "pricing_test.go",
        "\nfunc TestSmoke(t *testing.T) {\n\tDiscountPercent(\"SAVE10\")\n\theader := ReceiptHeader(\"Shop\")\n\t_ = header\n}\n",
        "func TestSmoke",
    );
    assert!(
        text.contains("\tif got := DiscountPercent(\"SAVE10\"); got != 10 {\n\t\tt.Errorf(\"DiscountPercent(\\\"SAVE10\\\") = %#v, want %#v\", got, 10)\n\t}\n\theader := ReceiptHeader(\"Shop\")\n\tif header != \"🧾 Shop — 收据\" {\n"),
        "{text}"
    );
    passes_then_catches_a_change(
        dir.path(),
        "pricing.go",
        Path::new("/usr/lib/go-1.23/bin/go"),
        &["test", "-run", "^TestSmoke$", "."],
    );
}

#[test]
fn rust_test_without_assertions_gets_recorded_assert_eqs_that_pass_under_cargo_test() {
    if !runner_tests() {
        return;
    }
    let (dir, text) = record_assertions_and_apply(
        "rust",
        "src/lib.rs",
        "INSIDE:\n    #[test]\n    fn smoke() {\n        discount_percent(\"SAVE10\");\n        let header = receipt_header(\"Shop\");\n    }\n",
        "fn smoke",
    );
    assert!(
        text.contains("    fn smoke() {\n        assert_eq!(discount_percent(\"SAVE10\"), 10);\n        let header = receipt_header(\"Shop\");\n        assert_eq!(header, "),
        "{text}"
    );
    passes_then_catches_a_change(
        dir.path(),
        "src/lib.rs",
        Path::new("cargo"),
        &["test", "--lib", "tests::smoke"],
    );
}

#[test]
fn a_test_calling_nothing_recordable_gets_the_fix_disabled_with_the_reason() {
    let dir = project("python");
    let path = dir.path().join("tests/test_pricing.py");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n\ndef test_prints():\n    print(\"hi\")\n");
    std::fs::write(&path, &text).unwrap();
    let mut server = Server::start(dir.path(), capabilities());
    server.wait_for_index();
    let at = position(&text, "def test_prints", "def test_prints".len() - 1);
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri(&path) },
                "range": { "start": at, "end": at },
                "context": { "diagnostics": [], "only": ["quickfix"] },
            }),
        )
        .expect("codeAction");
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Record assertions for `test_prints`")
        .unwrap_or_else(|| panic!("{actions}"));
    assert_eq!(
        fix["disabled"]["reason"],
        "`test_prints` calls no function of the workspace with literal arguments whose result could be recorded"
    );
    assert!(fix.get("command").is_none(), "{fix}");
}

#[test]
fn record_assertions_with_bad_arguments_is_an_error_and_writes_nothing() {
    let dir = project("python");
    let mut server = Server::start(dir.path(), capabilities());
    server.wait_for_index();
    let err = server
        .request(
            "workspace/executeCommand",
            json!({ "command": "testlens.recordAssertions", "arguments": [] }),
        )
        .unwrap_err();
    assert_eq!(err["code"], -32602, "{err}");
    let missing = dir.path().join("tests/test_nowhere.py");
    let reply = server
        .request(
            "workspace/executeCommand",
            json!({
                "command": "testlens.recordAssertions",
                "arguments": [{ "path": missing.to_string_lossy(), "offset": 0, "test": "test_x" }],
            }),
        )
        .unwrap();
    assert_eq!(reply["applied"], false, "{reply}");
    assert!(
        reply["error"]
            .as_str()
            .unwrap()
            .contains("is not in the workspace"),
        "{reply}"
    );
    // A test that asserts already: refused with the reason, nothing applied.
    let path = dir.path().join("tests/test_pricing.py");
    let reply = server
        .request(
            "workspace/executeCommand",
            json!({
                "command": "testlens.recordAssertions",
                "arguments": [{ "path": path.to_string_lossy(), "offset": 0, "test": "test_line_total" }],
            }),
        )
        .unwrap();
    assert_eq!(
        reply["error"],
        "`test_line_total` already asserts something"
    );
    assert!(server.requests_seen("workspace/applyEdit").is_empty());
}
