//! The editor features, one data-driven helper per feature.

mod common;

use common::load;
use expect_test::{Expect, expect};
use ide::{Change, DocumentSymbol, LineCol, PositionEncoding, TextEdit};

fn check_symbols(fixture: &str, path: &str, expect: Expect) {
    let f = load(fixture);
    let file = f.file(path);
    let symbols = f.analysis().document_symbols(file).unwrap();
    let mut out = String::new();
    fn render(
        f: &common::Fixture,
        file: ide::FileId,
        s: &[DocumentSymbol],
        depth: usize,
        out: &mut String,
    ) {
        for sym in s {
            out.push_str(&format!(
                "{}{:?} {} @{}{}\n",
                "  ".repeat(depth),
                sym.kind,
                sym.name,
                f.pos(file, sym.selection_range.start),
                sym.detail
                    .as_ref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            ));
            render(f, file, &sym.children, depth + 1, out);
        }
    }
    render(&f, file, &symbols, 0, &mut out);
    expect.assert_eq(&out);
}

fn check_hints(fixture: &str, path: &str, expect: Expect) {
    let f = load(fixture);
    let file = f.file(path);
    let hints = f
        .analysis()
        .inlay_hints(file, None, &ide::HintsShown::default())
        .unwrap();
    let out: String = hints
        .iter()
        .map(|h| format!("{} {}\n", f.pos(file, h.offset), h.label))
        .collect();
    expect.assert_eq(&out);
}

fn check_hover(fixture: &str, expect: Expect) {
    let f = load(fixture);
    let (file, offset) = f.cursor();
    let hover = f.analysis().hover(file, offset).unwrap();
    let out = match hover {
        Some(h) => format!("@{}\n{}", f.pos(file, h.range.start), h.markdown),
        None => "no hover".to_owned(),
    };
    expect.assert_eq(&out);
}

fn check_diagnostics(fixture: &str, path: &str, expect: Expect) {
    let f = load(fixture);
    let file = f.file(path);
    let out: String = f
        .analysis()
        .diagnostics(file)
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}: {}\n",
                f.pos(file, d.range.start),
                d.severity.as_str(),
                d.code.as_str(),
                d.message
            )
        })
        .collect();
    expect.assert_eq(&out);
}

#[test]
fn document_symbols_nest_classes_describes_and_tests() {
    check_symbols(
        r#"
//- /src/cart.test.ts
import { describe, it, expect } from 'vitest';
describe('Cart', () => {
  describe('total', () => {
    it('adds', () => { expect(1).toBe(1); });
  });
  it('is empty', () => { expect(0).toBe(0); });
});
export function helper(a: number) { return a > 0 ? a : 0; }
"#,
        "/src/cart.test.ts",
        expect![[r#"
            Suite Cart @2:10 (describe)
              Suite total @3:12 (describe)
                Test adds @4:8 (test · vitest)
              Test is empty @6:6 (test · vitest)
            Function helper @8:17 (cx 2)
        "#]],
    );
    check_symbols(
        r#"
//- /tests/test_cart.py
class TestCart:
    def test_add(self):
        assert True

    def helper(self):
        pass

def test_top():
    assert True
"#,
        "/tests/test_cart.py",
        expect![[r#"
            Class TestCart @1:7 (test class)
              Method test_add @2:9 (test · pytest · cx 1)
              Method helper @5:9 (cx 1)
            Function test_top @8:5 (test · pytest · cx 1)
        "#]],
    );
    check_symbols(
        r#"
//- /src/lib.rs
pub struct Cart;
impl Cart { pub fn total(&self) -> u32 { 0 } }
#[cfg(test)]
mod tests {
    #[test]
    fn totals() { assert_eq!(super::Cart.total(), 0); }
}
"#,
        "/src/lib.rs",
        expect![[r#"
            Impl Cart @2:6
              Method total @2:20 (cx 1)
            Module tests @4:5 (test module)
              Function totals @6:8 (test · rust test · cx 1)
        "#]],
    );
}

#[test]
fn inlay_hints_show_complexity_at_the_end_of_the_signature_line() {
    check_hints(
        r#"
//- /shop/pricing.py
def flat():
    return 1

def tiered(total, member):
    if total > 100 and member:
        return 0.2
    elif total > 50:
        return 0.1
    return 0
"#,
        "/shop/pricing.py",
        expect![[r#"
            1:12 cx 1
            4:27 cx 4
        "#]],
    );
    check_hints(
        r#"
//- /pricing.go
package shop

// 漢字 and 😀 before the function do not shift the hint.
func Rate(kind string) float64 { switch kind { case "a": return 1; case "b": return 2; default: return 0 } }
"#,
        "/pricing.go",
        expect![[r#"
            4:109 cx 3
        "#]],
    );
}

#[test]
fn hover_lists_complexity_signature_doc_and_calling_tests() {
    check_hover(
        r#"
//- /shop/cart.py
def total(items: list[int], tax: float = 0.0) -> float:
    """Sum of the items, with tax."""
    if not items:
        return 0.0
    return sum(items) * (1 + tax)

def to$0tal_with_discount(items, discount):
    return total(items) - discount
//- /tests/test_cart.py
from shop.cart import total, total_with_discount

def test_total():
    assert total([1, 2]) == 3

def test_discount():
    assert total_with_discount([10], 1) == 9
"#,
        expect![[r#"
            @7:5
            **total_with_discount** · `shop.cart.total_with_discount`

            Cyclomatic complexity **1** (1 + 0 decision points)

            Parameters: `items`, `discount`

            ---

            Tests that call `total_with_discount` (1), by name:

            - `test_discount` — test_cart.py:6
        "#]],
    );
    // On a call, the hover describes the function called.
    check_hover(
        r#"
//- /tests/test_cart.py
from shop.cart import total

def test_total():
    assert to$0tal([1, 2]) == 3
//- /shop/cart.py
def total(items: list[int], tax: float = 0.0) -> float:
    """Sum of the items, with tax."""
    return sum(items) * (1 + tax)
"#,
        expect![[r#"
            @4:12
            **total** · `shop.cart.total`

            Cyclomatic complexity **1** (1 + 0 decision points)

            Parameters: `items: list[int]`, `tax: float`

            Returns: `float`

            Sum of the items, with tax.

            ---

            Tests that call `total` (1), by name:

            - `test_total` — test_cart.py:3
        "#]],
    );
    check_hover(
        r#"
//- /shop/cart.py
x = 1$0
"#,
        expect![[r#"no hover"#]],
    );
}

#[test]
fn diagnostics_for_each_smell_in_each_language() {
    check_diagnostics(
        r#"
//- /tests/test_shop.py
import time
import pytest

def test_sleeps():
    time.sleep(0.1)
    assert True

def test_checks_nothing():
    print("hi")

@pytest.mark.skip
def test_skipped():
    pass

@pytest.mark.skip(reason="waits for the new API")
def test_skipped_with_reason():
    pass
"#,
        "/tests/test_shop.py",
        expect![[r#"
            5:5 warning fixed-sleep: fixed sleep in test `test_sleeps`: `time.sleep` makes it slow, and flaky when the wait is too short; wait for the condition instead
            8:5 warning no-assertion: test `test_checks_nothing` asserts nothing: it passes whatever the code returns, unless it throws
            11:1 hint skip-without-reason: test `test_skipped` is skipped without a reason: write `@pytest.mark.skip(reason="...")`
        "#]],
    );
    check_diagnostics(
        r#"
//- /src/lib.rs
#[cfg(test)]
mod tests {
    #[test]
    fn sleeps() {
        std::thread::sleep(std::time::Duration::from_millis(10));
        assert!(true);
    }
    #[test]
    fn nothing() { let _ = 1 + 1; }
    #[test]
    #[should_panic]
    fn panics() { panic!(); }
    #[test]
    #[ignore]
    fn ignored() {}
}
"#,
        "/src/lib.rs",
        expect![[r#"
            5:9 warning fixed-sleep: fixed sleep in test `tests > sleeps`: `std::thread::sleep` makes it slow, and flaky when the wait is too short; wait for the condition instead
            9:8 warning no-assertion: test `tests > nothing` asserts nothing: it passes whatever the code returns, unless it throws
            14:5 hint skip-without-reason: test `tests > ignored` is skipped without a reason: write `#[ignore = "..."]`
        "#]],
    );
    check_diagnostics(
        r#"
//- /shop_test.go
package shop

import ("testing"; "time")

func TestSleeps(t *testing.T) { time.Sleep(time.Millisecond); if 1 != 1 { t.Fatal("x") } }
func TestNothing(t *testing.T) { _ = 1 }
func TestSkipped(t *testing.T) { t.SkipNow() }
func BenchmarkX(b *testing.B) {}
"#,
        "/shop_test.go",
        expect![[r#"
            5:33 warning fixed-sleep: fixed sleep in test `TestSleeps`: `time.Sleep` makes it slow, and flaky when the wait is too short; wait for the condition instead
            6:6 warning no-assertion: test `TestNothing` asserts nothing: it passes whatever the code returns, unless it throws
            7:34 hint skip-without-reason: test `TestSkipped` is skipped without a reason: write `t.Skip("...")`
        "#]],
    );
    check_diagnostics(
        r#"
//- /src/a.test.js
describe.only('suite', () => {
  it('waits', async () => {
    await new Promise(r => setTimeout(r, 10));
    expect(1).toBe(1);
  });
  it.only('only me', () => { expect(1).toBe(1); });
  it('nothing', () => {});
  it.skip('later', () => {});
  it.todo('some day');
});
"#,
        "/src/a.test.js",
        expect![[r#"
            1:10 error focused-test: focused suite `suite`: the runner skips every test outside it; remove the focus before committing
            3:11 warning fixed-sleep: fixed sleep in test `suite > waits`: `setTimeout` makes it slow, and flaky when the wait is too short; wait for the condition instead
            6:6 error focused-test: focused test `suite > only me`: the runner skips every other test in the file; remove the focus before committing
            7:6 warning no-assertion: test `suite > nothing` asserts nothing: it passes whatever the code returns, unless it throws
            8:6 hint skip-without-reason: test `suite > later` is skipped without a reason: add a `// reason: ...` comment on the line above
        "#]],
    );
}

#[test]
fn workspace_symbols_find_functions_and_tests_by_fuzzy_name() {
    let f = load(
        r#"
//- /shop/cart.py
class Cart:
    def total(self): return 0
def total_price(): return 0
//- /src/cart.test.ts
import { it, expect } from 'vitest';
it('totals the cart', () => { expect(1).toBe(1); });
//- /src/lib.rs
pub fn subtotal() -> u32 { 0 }
"#,
    );
    let found: Vec<String> = f
        .analysis()
        .workspace_symbols("total", 10)
        .unwrap()
        .iter()
        .map(|s| format!("{:?} {} in {}", s.kind, s.name, s.container))
        .collect();
    expect![[r#"
        [
            "Method total in shop.cart.Cart",
            "Function total_price in shop.cart",
            "Test totals the cart in src/cart",
            "Function subtotal in lib.rs",
        ]
    "#]]
    .assert_debug_eq(&found);
}

#[test]
fn edits_to_an_open_file_update_every_feature() {
    let mut f = load(
        r#"
//- /shop/cart.py open
def total(items):
    return sum(items)
"#,
    );
    let path = std::path::PathBuf::from("/w/shop/cart.py");
    f.host.apply(Change::Edit {
        path: path.clone(),
        edits: vec![TextEdit {
            range: Some(ide::EditRange::LineCol {
                start: LineCol { line: 1, col: 4 },
                end: LineCol { line: 1, col: 4 },
                encoding: PositionEncoding::Utf16,
            }),
            text: "if not items:\n        return 0\n    ".to_owned(),
        }],
    });
    let file = f.file("/shop/cart.py");
    let hints = f
        .analysis()
        .inlay_hints(file, None, &ide::HintsShown::default())
        .unwrap();
    assert_eq!(hints.len(), 1);
    assert_eq!(hints[0].label, "cx 2");
    // A file loaded from disk later does not replace what the editor has.
    f.host.apply(Change::AddFiles(vec![vfs::LoadedFile {
        path: path.clone(),
        language: syntax::Language::Python,
        text: "def other(): pass\n".to_owned(),
        lossy: false,
    }]));
    let model = f.analysis().file_model(file).unwrap();
    assert_eq!(model.functions[0].name, "total");
    // Closing returns the file to its disk text.
    f.host.apply(Change::Close {
        path: path.clone(),
        disk: Some(vfs::LoadedFile {
            path,
            language: syntax::Language::Python,
            text: "def other(): pass\n".to_owned(),
            lossy: false,
        }),
    });
    let model = f.analysis().file_model(file).unwrap();
    assert_eq!(model.functions[0].name, "other");
}

#[test]
fn deleted_files_leave_the_workspace_and_unknown_languages_are_ignored() {
    let mut f = load(
        r#"
//- /a.py
def a(): pass
//- /b.py
def b(): pass
"#,
    );
    assert_eq!(f.analysis().file_count(), 2);
    f.host.apply(Change::DiskChanged {
        path: "/w/a.py".into(),
        file: None,
    });
    assert_eq!(f.analysis().file_count(), 1);
    f.host.apply(Change::Open {
        path: "/w/notes.txt".into(),
        language_id: Some("plaintext".into()),
        text: "hello".into(),
    });
    assert_eq!(f.analysis().file_count(), 1);
    // A file without a known extension, opened with a known language id, is modelled.
    f.host.apply(Change::Open {
        path: "/w/script".into(),
        language_id: Some("python".into()),
        text: "def s(): pass\n".into(),
    });
    let file = f
        .analysis()
        .file_id(std::path::Path::new("/w/script"))
        .unwrap();
    assert_eq!(f.analysis().file_model(file).unwrap().functions.len(), 1);
}

#[test]
fn check_counts_per_language_and_lists_smells() {
    let f = load(
        r#"
//- /shop/cart.py
def total(items): return sum(items)
//- /tests/test_cart.py
def test_total():
    assert True
def test_nothing():
    pass
//- /src/a.test.ts
import { it, expect } from 'vitest';
it.only('x', () => { expect(1).toBe(1); });
"#,
    );
    let report = f.analysis().check(2).unwrap();
    let out = serde_json::to_string_pretty(&report.languages).unwrap();
    expect![[r#"
        {
          "Python": {
            "files": 2,
            "functions": 3,
            "tests": 2
          },
          "TypeScript": {
            "files": 1,
            "functions": 0,
            "tests": 1
          }
        }"#]]
    .assert_eq(&out);
    let diags: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {}",
                d.path.display(),
                d.line,
                d.column,
                d.severity,
                d.code
            )
        })
        .collect();
    expect![[r#"
        [
            "/w/src/a.test.ts:2:4 error focused-test",
            "/w/tests/test_cart.py:3:5 warning no-assertion",
        ]
    "#]]
    .assert_debug_eq(&diags);
    assert!(report.has_errors());
}
