//! The "renamed callee" fix, end to end in every fixture language: the line total is renamed in
//! the code (not in the tests), as an editor's rename in the code's own files would leave it; the
//! test that calls the old name gets a quick fix that rewrites the call and the import. With
//! `TESTLENS_RUNNER_TESTS=1`, the fixture's real runner then passes the test.

use std::path::Path;

use serde_json::{Value, json};

use crate::features::apply_edits;
use crate::harness::{Server, fixtures, uri};
use crate::history::{capabilities, open, project};
use crate::runners;

struct Case {
    language: &'static str,
    old: &'static str,
    new: &'static str,
    /// The code files renamed in (for Rust: above the test module only).
    code: &'static [&'static str],
    test_file: &'static str,
    /// A line of the test that calls the old name, as the fixture writes it.
    call_line: &'static str,
    /// The test, as its runner names it (see `runners::one_test`).
    test: &'static str,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            language: "python",
            old: "line_total",
            new: "line_subtotal",
            code: &["shop/pricing.py", "shop/cart.py"],
            test_file: "tests/test_pricing.py",
            call_line: "    assert line_total(50, 3) == 150",
            test: "tests/test_pricing.py::test_line_total",
        },
        Case {
            language: "typescript",
            old: "lineTotal",
            new: "lineSubtotal",
            code: &["src/pricing.ts", "src/cart.ts"],
            test_file: "src/pricing.test.ts",
            call_line: "    expect(lineTotal(apple(3))).toBe(150);",
            test: "multiplies price by quantity",
        },
        Case {
            language: "javascript",
            old: "lineTotal",
            new: "lineSubtotal",
            code: &["src/pricing.js", "src/cart.js"],
            test_file: "__tests__/pricing.test.js",
            call_line: "    expect(lineTotal(apple(3))).toBe(150);",
            test: "multiplies price by quantity",
        },
        Case {
            language: "go",
            old: "LineTotal",
            new: "LineSubtotal",
            code: &["pricing.go", "cart.go"],
            test_file: "pricing_test.go",
            call_line: "\tif got := LineTotal(Item{\"apple\", 50, 3}); got != 150 {",
            test: "TestLineTotal",
        },
        Case {
            language: "rust",
            old: "line_total",
            new: "line_subtotal",
            code: &["src/lib.rs"],
            test_file: "src/lib.rs",
            call_line: "        assert_eq!(line_total(&apple(3)), 150);",
            test: "line_total_multiplies_price_by_qty",
        },
    ]
}

/// `old` written `new` where it stands alone as a name.
fn rename_word(text: &str, old: &str, new: &str) -> String {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(old) {
        let before = rest[..i].chars().next_back().or(out.chars().next_back());
        let after = rest[i + old.len()..].chars().next();
        out.push_str(&rest[..i]);
        if before.is_some_and(ident) || after.is_some_and(ident) {
            out.push_str(old);
        } else {
            out.push_str(new);
        }
        rest = &rest[i + old.len()..];
    }
    out.push_str(rest);
    out
}

fn rename_in_code(root: &Path, case: &Case) {
    for file in case.code {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let renamed = match text.find("#[cfg(test)]") {
            // Rust keeps its unit tests in the same file: rename above them only.
            Some(at) if case.language == "rust" => {
                format!(
                    "{}{}",
                    rename_word(&text[..at], case.old, case.new),
                    &text[at..]
                )
            }
            _ => rename_word(&text, case.old, case.new),
        };
        assert_ne!(renamed, text, "{file}: nothing renamed");
        std::fs::write(&path, renamed).unwrap();
    }
}

fn rename_action(server: &mut Server, path: &Path, line: u64, character: u64) -> Option<Value> {
    quick_fix_titled(server, path, line, character, "Rename `")
}

#[test]
fn a_test_calling_a_renamed_function_gets_a_fix_that_follows_the_rename() {
    for case in cases() {
        let dir = project(case.language);
        let root = dir.path();
        let modules = fixtures().join(case.language).join("node_modules");
        if modules.is_dir() {
            std::os::unix::fs::symlink(&modules, root.join("node_modules")).unwrap();
        }
        let mut server = Server::start(root, capabilities());
        server.wait_for_index();
        let path = root.join(case.test_file);
        let text = open(&mut server, &path);
        let line = text
            .lines()
            .position(|l| l == case.call_line)
            .unwrap_or_else(|| panic!("{}: no {:?}", case.language, case.call_line));
        let character = case.call_line.find(case.old).unwrap() as u64 + 2;
        assert!(
            rename_action(&mut server, &path, line as u64, character).is_none(),
            "{}: the name still resolves: no fix",
            case.language
        );

        // The rename in the code, as the disk and the server see it.
        rename_in_code(root, &case);
        for file in case.code {
            let p = root.join(file);
            let now = std::fs::read_to_string(&p).unwrap();
            if p == path {
                server.change(&path, 2, json!([{ "text": now }]));
            } else {
                server.notify(
                    "workspace/didChangeWatchedFiles",
                    json!({ "changes": [{ "uri": uri(&p), "type": 2 }] }),
                );
            }
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // The server reads the changed files in order; ask until the index has caught up.
        let action = (0..50)
            .find_map(|_| {
                let found = rename_action(&mut server, &path, line as u64, character);
                if found.is_none() {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                found
            })
            .unwrap_or_else(|| panic!("{}: no rename fix", case.language));
        let title = action["title"].as_str().unwrap();
        assert!(
            title.starts_with(&format!(
                "Rename `{}` to `{}` (renamed in",
                case.old, case.new
            )),
            "{}: {title}",
            case.language
        );
        assert_eq!(action["isPreferred"], true);
        let edits = action["edit"]["changes"][uri(&path)].as_array().unwrap();
        let fixed = apply_edits(&text, edits);
        let fixed_line = case.call_line.replace(case.old, case.new);
        assert!(
            fixed.lines().any(|l| l == fixed_line),
            "{}: the call is rewritten:\n{fixed}",
            case.language
        );
        // The import (Python's `from ... import`, the ES import, the destructured `require`)
        // and every other use follow: the old name is left only inside longer names.
        assert_eq!(
            rename_word(&fixed, case.old, "<gone>"),
            fixed,
            "{}: the old name is still used:\n{fixed}",
            case.language
        );
        server.shutdown();
        if runners::enabled() {
            std::fs::write(&path, &fixed).unwrap();
            runners::assert_passes(case.language, root, case.test_file, case.test);
        } else {
            eprintln!("TESTLENS_RUNNER_TESTS is not 1: {} not run", case.language);
        }
    }
}

/// A function moved to a new module (`totals`), as a refactoring that updated the code but not
/// the tests leaves it: the test's import no longer resolves, and its fix imports the function
/// from where it lives now. With `TESTLENS_RUNNER_TESTS=1` the runner then passes the test.
struct Move {
    language: &'static str,
    name: &'static str,
    /// The function's text in the old module, up to (not including) this marker after it.
    from: &'static str,
    until: &'static str,
    to: &'static str,
    /// What the new module says around the function (its own imports, its exports).
    head: &'static str,
    tail: &'static str,
    /// The code files' imports rewritten by hand (old, new).
    code: &'static [(&'static str, &'static str, &'static str)],
    test_file: &'static str,
    call_line: &'static str,
    test: &'static str,
    /// The import the fix writes.
    fixed_import: &'static str,
}

fn moves() -> Vec<Move> {
    vec![
        Move {
            language: "python",
            name: "line_total",
            from: "shop/pricing.py",
            until: "\n\n\ndef discount_percent",
            to: "shop/totals.py",
            head: "",
            tail: "",
            code: &[(
                "shop/cart.py",
                "from shop.pricing import line_total",
                "from shop.totals import line_total",
            )],
            test_file: "tests/test_pricing.py",
            call_line: "    assert line_total(50, 3) == 150",
            test: "tests/test_pricing.py::test_line_total",
            fixed_import: "from shop.totals import line_total\n",
        },
        Move {
            language: "typescript",
            name: "lineTotal",
            from: "src/pricing.ts",
            until: "\n\nexport function discountPercent",
            to: "src/totals.ts",
            head: "import type { Item } from \"./pricing\";\n\n",
            tail: "",
            code: &[(
                "src/cart.ts",
                "import { lineTotal, type Item } from \"./pricing\";",
                "import { type Item } from \"./pricing\";\nimport { lineTotal } from \"./totals\";",
            )],
            test_file: "src/pricing.test.ts",
            call_line: "    expect(lineTotal(apple(3))).toBe(150);",
            test: "multiplies price by quantity",
            fixed_import: "import { lineTotal } from \"./totals\";\n",
        },
        Move {
            language: "javascript",
            name: "lineTotal",
            from: "src/pricing.js",
            until: "\n\nfunction discountPercent",
            to: "src/totals.js",
            head: "\"use strict\";\n\n",
            tail: "\n\nmodule.exports = { lineTotal };\n",
            code: &[
                (
                    "src/cart.js",
                    "const { lineTotal } = require(\"./pricing\");",
                    "const { lineTotal } = require(\"./totals\");",
                ),
                (
                    "src/pricing.js",
                    "module.exports = { lineTotal, discountPercent,",
                    "module.exports = { discountPercent,",
                ),
            ],
            test_file: "__tests__/pricing.test.js",
            call_line: "    expect(lineTotal(apple(3))).toBe(150);",
            test: "multiplies price by quantity",
            fixed_import: "const { lineTotal } = require(\"../src/totals\");\n",
        },
        Move {
            language: "rust",
            name: "line_total",
            from: "src/lib.rs",
            until: "\n\n/// The closure's",
            to: "src/totals.rs",
            head: "use crate::Item;\n\n",
            tail: "",
            code: &[
                ("src/lib.rs", ".map(line_total)", ".map(totals::line_total)"),
                (
                    "src/lib.rs",
                    "/// One line of a shopping cart.",
                    "pub mod totals;\n\n/// One line of a shopping cart.",
                ),
            ],
            test_file: "src/lib.rs",
            call_line: "        assert_eq!(line_total(&apple(3)), 150);",
            test: "tests::line_total_multiplies_price_by_qty",
            fixed_import: "    use super::*;\n    use crate::totals::line_total;\n",
        },
    ]
}

fn quick_fix_titled(
    server: &mut Server,
    path: &Path,
    line: u64,
    character: u64,
    prefix: &str,
) -> Option<Value> {
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri(path) },
                "range": { "start": { "line": line, "character": character },
                           "end": { "line": line, "character": character } },
                "context": { "diagnostics": [], "only": ["quickfix"] },
            }),
        )
        .unwrap();
    actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
        .cloned()
}

/// Moves the function out of its module into the new one, and rewrites the code's imports.
fn move_in_code(root: &Path, m: &Move) -> Vec<std::path::PathBuf> {
    let from = root.join(m.from);
    let text = std::fs::read_to_string(&from).unwrap();
    let keyword = match m.language {
        "python" => "def",
        "rust" => "pub fn",
        _ => "function",
    };
    let needle = format!("{keyword} {}(", m.name);
    let start = text
        .find(&needle)
        .unwrap_or_else(|| panic!("{}: no {needle}", m.language));
    let start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let end = start + text[start..].find(m.until).unwrap();
    let function = text[start..end].to_owned();
    let rest = format!("{}{}", &text[..start], text[end..].trim_start_matches('\n'));
    std::fs::write(&from, rest).unwrap();
    std::fs::write(
        root.join(m.to),
        format!("{}{}\n{}", m.head, function.trim_end(), m.tail),
    )
    .unwrap();
    let mut changed = vec![from, root.join(m.to)];
    for (file, old, new) in m.code {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(old), "{file}: no {old:?}");
        std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
        changed.push(path);
    }
    changed
}

#[test]
fn a_test_importing_a_moved_function_gets_a_fix_that_imports_it_from_its_new_module() {
    for m in moves() {
        let dir = project(m.language);
        let root = dir.path();
        let modules = fixtures().join(m.language).join("node_modules");
        if modules.is_dir() {
            std::os::unix::fs::symlink(&modules, root.join("node_modules")).unwrap();
        }
        let mut server = Server::start(root, capabilities());
        server.wait_for_index();
        let path = root.join(m.test_file);
        let text = open(&mut server, &path);
        let line = text.lines().position(|l| l == m.call_line).unwrap() as u64;
        let character = m.call_line.find(m.name).unwrap() as u64 + 2;
        assert!(
            quick_fix_titled(&mut server, &path, line, character, "Import `").is_none(),
            "{}: the import still resolves: no fix",
            m.language
        );
        let mut text = text;
        for p in move_in_code(root, &m) {
            if p == path {
                // The test's own file (Rust): the editor's buffer changes.
                text = std::fs::read_to_string(&p).unwrap();
                server.change(&path, 2, json!([{ "text": text }]));
                continue;
            }
            let kind = if p.ends_with(m.to) { 1 } else { 2 };
            server.notify(
                "workspace/didChangeWatchedFiles",
                json!({ "changes": [{ "uri": uri(&p), "type": kind }] }),
            );
        }
        let line = text.lines().position(|l| l == m.call_line).unwrap() as u64;
        let action = (0..50)
            .find_map(|_| {
                let found = quick_fix_titled(&mut server, &path, line, character, "Import `");
                if found.is_none() {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                found
            })
            .unwrap_or_else(|| panic!("{}: no fix for the moved function", m.language));
        let title = action["title"].as_str().unwrap();
        assert!(
            title.starts_with(&format!("Import `{}` from `", m.name)) && title.contains("(moved"),
            "{}: {title}",
            m.language
        );
        let edits = action["edit"]["changes"][uri(&path)].as_array().unwrap();
        let fixed = apply_edits(&text, edits);
        assert!(
            fixed.contains(m.fixed_import),
            "{}: the new import:\n{fixed}",
            m.language
        );
        assert!(
            fixed.lines().any(|l| l == m.call_line),
            "{}: the calls stay as they are:\n{fixed}",
            m.language
        );
        server.shutdown();
        if runners::enabled() {
            std::fs::write(&path, &fixed).unwrap();
            runners::assert_passes(m.language, root, m.test_file, m.test);
        } else {
            eprintln!("TESTLENS_RUNNER_TESTS is not 1: {} not run", m.language);
        }
    }
}

/// Renamed and moved at once: the rename fix also imports the new name from its new module.
#[test]
fn a_function_renamed_into_another_module_is_followed_there() {
    let dir = project("python");
    let root = dir.path();
    let mut server = Server::start(root, capabilities());
    server.wait_for_index();
    let path = root.join("tests/test_pricing.py");
    let text = open(&mut server, &path);
    let call_line = "    assert line_total(50, 3) == 150";
    let line = text.lines().position(|l| l == call_line).unwrap() as u64;
    let m = &moves()[0];
    let changed = move_in_code(root, m);
    for p in &changed {
        let now = std::fs::read_to_string(p).unwrap();
        std::fs::write(p, rename_word(&now, "line_total", "line_subtotal")).unwrap();
        let kind = if p.ends_with(m.to) { 1 } else { 2 };
        server.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": uri(p), "type": kind }] }),
        );
    }
    let action = (0..50)
        .find_map(|_| {
            let found = rename_action(&mut server, &path, line, 13);
            if found.is_none() {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            found
        })
        .expect("a rename fix");
    let title = action["title"].as_str().unwrap();
    assert!(
        title.starts_with("Rename `line_total` to `line_subtotal` (renamed in shop/totals.py), imported from `shop.totals`"),
        "{title}"
    );
    let edits = action["edit"]["changes"][uri(&path)].as_array().unwrap();
    let fixed = apply_edits(&text, edits);
    assert!(
        fixed.contains("from shop.totals import line_subtotal\n"),
        "{fixed}"
    );
    assert!(
        fixed.contains(
            "from shop.pricing import discount_percent, halvings, receipt_header, shipping_cents\n"
        ),
        "{fixed}"
    );
    assert!(
        fixed
            .lines()
            .any(|l| l == "    assert line_subtotal(50, 3) == 150"),
        "{fixed}"
    );
    server.shutdown();
    if runners::enabled() {
        std::fs::write(&path, &fixed).unwrap();
        runners::assert_passes(
            "python",
            root,
            "tests/test_pricing.py",
            "tests/test_pricing.py::test_line_total",
        );
    }
}

/// Go: a function moved into another package of the module. The test's unqualified calls get
/// the package's name and the file imports the package by its path under `go.mod`'s module.
#[test]
fn a_go_test_calling_a_function_moved_to_another_package_gets_the_qualified_call_and_import() {
    let dir = project("go");
    let root = dir.path();
    let mut server = Server::start(root, capabilities());
    server.wait_for_index();
    let path = root.join("pricing_test.go");
    let text = open(&mut server, &path);
    let call_line = "\tif Halvings(8) != 4 {";
    let line = text.lines().position(|l| l == call_line).unwrap() as u64;
    let character = call_line.find("Halvings").unwrap() as u64 + 2;
    assert!(
        quick_fix_titled(&mut server, &path, line, character, "Call `").is_none(),
        "Halvings is still in the package: no fix"
    );
    // Move it: out of pricing.go, into totals/totals.go (package totals).
    let source = root.join("pricing.go");
    let code = std::fs::read_to_string(&source).unwrap();
    let start = code.find("// Halvings counts").unwrap();
    let end = code.find("// ReceiptHeader returns").unwrap();
    std::fs::write(&source, format!("{}{}", &code[..start], &code[end..])).unwrap();
    std::fs::create_dir(root.join("totals")).unwrap();
    let moved = root.join("totals/totals.go");
    std::fs::write(&moved, format!("package totals\n\n{}", &code[start..end])).unwrap();
    for (p, kind) in [(&source, 2), (&moved, 1)] {
        server.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": uri(p), "type": kind }] }),
        );
    }
    let action = (0..50)
        .find_map(|_| {
            let found = quick_fix_titled(&mut server, &path, line, character, "Call `");
            if found.is_none() {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            found
        })
        .expect("a fix for the moved function");
    assert_eq!(
        action["title"],
        "Call `totals.Halvings` (moved to package `example.com/shop/totals`)"
    );
    let edits = action["edit"]["changes"][uri(&path)].as_array().unwrap();
    let fixed = apply_edits(&text, edits);
    assert!(
        fixed.contains("\tif totals.Halvings(8) != 4 {\n\t\tt.Fatal(\"Halvings(8) != 4\")"),
        "the call, and not the message, is qualified:\n{fixed}"
    );
    assert!(
        fixed.contains("\t\"time\"\n\n\t\"example.com/shop/totals\"\n)")
            || fixed.contains("\"example.com/shop/totals\"\n"),
        "the import:\n{fixed}"
    );
    server.shutdown();
    if runners::enabled() {
        std::fs::write(&path, &fixed).unwrap();
        runners::assert_passes("go", root, "pricing_test.go", "TestSleepsBriefly");
    } else {
        eprintln!("TESTLENS_RUNNER_TESTS is not 1: go not run");
    }
}
