//! Every feature, on the real fixture projects.

use serde_json::{Value, json};

use crate::harness::{Server, client_capabilities, fixtures, uri, workspace};

#[test]
fn inlay_hints_give_each_functions_complexity() {
    let root = fixtures().join("python");
    let mut server = Server::start(&root, client_capabilities());
    let file = root.join("shop/pricing.py");
    server.open(&file, &std::fs::read_to_string(&file).unwrap());
    let hints = server.inlay_hints(&file);
    let labels: Vec<&str> = hints.iter().map(|h| h.2.as_str()).collect();
    // fixtures/python/README.md: line_total 1, discount_percent 5, shipping_cents 11,
    // halvings 2, receipt_header 1.
    assert_eq!(labels, ["cx 1", "cx 5", "cx 11", "cx 2", "cx 1"]);
    // Each hint sits at the end of the `def` line of its function (line 4 is `def line_total`).
    assert_eq!(hints[0].0, 3);
    let line = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .nth(3)
        .unwrap()
        .to_owned();
    assert_eq!(hints[0].1 as usize, line.encode_utf16().count());
}

#[test]
fn hover_names_the_tests_that_call_a_function_once_indexed() {
    let root = fixtures().join("python");
    let mut server = Server::start(&root, client_capabilities());
    server.wait_for_index();
    let file = root.join("shop/pricing.py");
    server.open(&file, &std::fs::read_to_string(&file).unwrap());
    let hover = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri(&file) }, "position": { "line": 20, "character": 6 } }),
        )
        .unwrap();
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(markdown.starts_with("**shipping_cents**"), "{markdown}");
    assert!(
        markdown.contains("Cyclomatic complexity **11**"),
        "{markdown}"
    );
    assert!(
        markdown.contains("Tests that call `shipping_cents`"),
        "{markdown}"
    );
    assert!(markdown.contains("test_pricing.py:"), "{markdown}");
    assert_eq!(
        hover["range"]["start"],
        json!({ "line": 20, "character": 4 })
    );
}

#[test]
fn document_symbols_nest_describe_blocks_and_tests() {
    let root = fixtures().join("typescript");
    let mut server = Server::start(&root, client_capabilities());
    let file = root.join("src/cart.test.ts");
    server.open(&file, &std::fs::read_to_string(&file).unwrap());
    let symbols = server.document_request("textDocument/documentSymbol", &file);
    let symbols = symbols.as_array().unwrap();
    let suite = symbols
        .iter()
        .find(|s| s["kind"] == 3 && !s["children"].as_array().unwrap().is_empty())
        .expect("a describe block (Namespace) with children");
    assert!(
        suite["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["detail"].as_str().is_some_and(|d| d.starts_with("test"))),
        "{suite:#}"
    );
}

#[test]
fn workspace_symbols_find_functions_across_languages() {
    let root = fixtures();
    let mut server = Server::start(&root, client_capabilities());
    server.wait_for_index();
    let found = server
        .request("workspace/symbol", json!({ "query": "shippingcents" }))
        .unwrap();
    let found = found.as_array().unwrap();
    let files: Vec<&str> = found
        .iter()
        .filter(|s| s["name"].as_str().unwrap().to_lowercase().replace('_', "") == "shippingcents")
        .map(|s| s["location"]["uri"].as_str().unwrap())
        .collect();
    for language in ["rust", "python", "go", "typescript", "javascript"] {
        assert!(
            files
                .iter()
                .any(|f| f.contains(&format!("/fixtures/{language}/"))),
            "no shipping_cents in {language}: {files:?}"
        );
    }
}

#[test]
fn smells_are_pushed_with_codes_severities_and_doc_links() {
    let root = fixtures().join("javascript");
    let mut server = Server::start(&root, client_capabilities());
    let file = root.join("__tests__/focused.test.js");
    server.open(&file, &std::fs::read_to_string(&file).unwrap());
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&file)
    });
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    for d in diagnostics {
        assert_eq!(d["code"], "focused-test");
        assert_eq!(d["severity"], 1, "focused tests are errors");
        assert_eq!(d["source"], "testlens");
        assert!(
            d["codeDescription"]["href"]
                .as_str()
                .unwrap()
                .ends_with("docs/diagnostics/focused-test.md")
        );
    }
    assert_eq!(published["version"], 1);
}

#[test]
fn every_smell_code_appears_on_the_fixtures_at_its_line() {
    let root = fixtures().join("python");
    let mut server = Server::start(&root, client_capabilities());
    let file = root.join("tests/test_pricing.py");
    server.open(&file, &std::fs::read_to_string(&file).unwrap());
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&file)
    });
    let found: Vec<(u64, String, u64)> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap() + 1,
                d["code"].as_str().unwrap().to_owned(),
                d["severity"].as_u64().unwrap(),
            )
        })
        .collect();
    // fixtures/python/README.md: the sleep at 37 (in the test at 36), no assertion at 41, the
    // skip without a reason at 45; the skip with a reason at 50 is not reported.
    assert_eq!(
        found,
        [
            (37, "fixed-sleep".to_owned(), 2),
            (41, "no-assertion".to_owned(), 2),
            (45, "skip-without-reason".to_owned(), 4),
        ]
    );
}

#[test]
fn clients_that_pull_diagnostics_get_them_by_request_and_none_are_pushed() {
    let root = fixtures().join("rust");
    let mut caps = client_capabilities();
    caps["textDocument"]["diagnostic"] = json!({ "dynamicRegistration": false });
    let mut server = Server::start(&root, caps);
    let file = root.join("src/lib.rs");
    server.open(&file, &std::fs::read_to_string(&file).unwrap());
    let report = server.document_request("textDocument/diagnostic", &file);
    assert_eq!(report["kind"], "full");
    let codes: Vec<&str> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["fixed-sleep", "no-assertion", "skip-without-reason"]
    );
    // Give a push a chance to (wrongly) happen, then check none did.
    std::thread::sleep(std::time::Duration::from_millis(400));
    server.drain_notifications();
    assert!(
        server
            .requests_seen("textDocument/publishDiagnostics")
            .is_empty()
    );
}

#[test]
fn closing_a_document_clears_its_pushed_diagnostics() {
    let dir = workspace(&[(
        "t_test.go",
        "package t\nimport \"testing\"\nfunc TestX(t *testing.T) {}\n",
    )]);
    let mut server = Server::start(dir.path(), client_capabilities());
    let file = dir.path().join("t_test.go");
    server.open(&file, &std::fs::read_to_string(&file).unwrap());
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&file)
    });
    assert_eq!(published["diagnostics"][0]["code"], "no-assertion");
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&file) } }),
    );
    let cleared = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&file) && p["diagnostics"].as_array().unwrap().is_empty()
    });
    assert!(cleared["diagnostics"].as_array().unwrap().is_empty());
}

#[test]
fn editing_a_function_updates_its_hint() {
    let dir = workspace(&[("cart.py", "def total(items):\n    return sum(items)\n")]);
    let mut server = Server::start(dir.path(), client_capabilities());
    let file = dir.path().join("cart.py");
    server.open(&file, "def total(items):\n    return sum(items)\n");
    assert_eq!(server.inlay_hints(&file)[0].2, "cx 1");
    server.change(
        &file,
        2,
        json!([{ "range": { "start": { "line": 1, "character": 4 }, "end": { "line": 1, "character": 4 } },
                 "text": "if not items:\n        return 0\n    " }]),
    );
    assert_eq!(server.inlay_hints(&file)[0].2, "cx 2");
}

#[test]
fn hints_resolve_to_a_tooltip_that_explains_them() {
    let dir = workspace(&[(
        "a.go",
        "package a\nfunc F(x int) int { if x > 0 { return 1 }; return 0 }\n",
    )]);
    let mut server = Server::start(dir.path(), client_capabilities());
    assert_eq!(
        server.initialized["capabilities"]["inlayHintProvider"]["resolveProvider"],
        true
    );
    let file = dir.path().join("a.go");
    server.open(&file, &std::fs::read_to_string(&file).unwrap());
    let hints = server
        .request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": uri(&file) },
                    "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 2, "character": 0 } } }),
        )
        .unwrap();
    let hint = hints[0].clone();
    assert_eq!(hint["label"], "cx 2");
    assert!(
        hint.get("tooltip").is_none(),
        "tooltips come on resolve, not in the list"
    );
    let resolved = server.request("inlayHint/resolve", hint).unwrap();
    assert!(
        resolved["tooltip"]
            .as_str()
            .unwrap()
            .starts_with("cyclomatic complexity")
    );
    assert_eq!(resolved["label"], "cx 2");
}

/// Applies LSP text edits (UTF-16 positions; the fixture lines are ASCII) to `text`.
pub(crate) fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |pos: &Value| {
        let line = pos["line"].as_u64().unwrap() as usize;
        let character = pos["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + character
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_owned();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

#[test]
fn each_focused_test_has_a_quick_fix_that_removes_the_focus() {
    let root = fixtures().join("javascript");
    let mut server = Server::start(&root, client_capabilities());
    let file = root.join("__tests__/focused.test.js");
    let mut text = std::fs::read_to_string(&file).unwrap();
    server.open(&file, &text);
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&file)
    });
    let diagnostics = published["diagnostics"].as_array().unwrap().clone();
    assert_eq!(
        diagnostics.len(),
        3,
        "it.only, fit, describe.only: {diagnostics:?}"
    );

    let mut titles = Vec::new();
    let mut edits = Vec::new();
    for d in &diagnostics {
        let actions = server
            .request(
                "textDocument/codeAction",
                json!({
                    "textDocument": { "uri": uri(&file) },
                    "range": d["range"],
                    "context": { "diagnostics": [d], "only": ["quickfix"] },
                }),
            )
            .unwrap();
        let actions = actions.as_array().unwrap();
        assert_eq!(actions.len(), 1, "one fix for {d}: {actions:?}");
        let action = &actions[0];
        assert_eq!(action["kind"], "quickfix");
        assert_eq!(action["isPreferred"], true);
        assert_eq!(
            action["diagnostics"][0], *d,
            "the fix names the diagnostic it fixes"
        );
        titles.push(action["title"].as_str().unwrap().to_owned());
        edits.extend(
            action["edit"]["changes"][uri(&file)]
                .as_array()
                .unwrap()
                .clone(),
        );
    }
    assert_eq!(
        titles,
        [
            "Remove `.only`",
            "Replace `fit` with `it`",
            "Remove `.only`"
        ]
    );

    // Applied together, the fixes leave a file with no focus, which still parses the same tests.
    text = apply_edits(&text, &edits);
    assert!(!text.contains(".only") && !text.contains("fit("), "{text}");
    server.change(&file, 2, json!([{ "text": text }]));
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri(&file) && p["version"] == 2
    });
    assert_eq!(published["diagnostics"], json!([]), "{text}");

    // Away from any marker, nothing is offered.
    let none = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri(&file) },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                "context": { "diagnostics": [] },
            }),
        )
        .unwrap();
    assert_eq!(none, json!([]));
}
