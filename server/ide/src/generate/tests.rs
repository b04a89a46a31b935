//! Unit tests of generation: detection, placement, naming, inputs and rendering per language.

use std::path::PathBuf;

use syntax::{Framework, Language};

use super::*;
use crate::{Analysis, AnalysisHost, Change, apply_edits};

/// Loads `//- /path` files under `/w`; `$0` marks the cursor.
fn load(fixture: &str) -> (AnalysisHost, PathBuf, TextSize) {
    let mut host = AnalysisHost::default();
    host.apply(Change::SetRoots(vec![PathBuf::from("/w")]));
    let mut cursor = None;
    let mut files = Vec::new();
    for chunk in fixture.split("//- ").filter(|c| !c.trim().is_empty()) {
        let (header, body) = chunk.split_once('\n').expect("a header line");
        let path = PathBuf::from(format!("/w{}", header.trim()));
        let text = match body.find("$0") {
            Some(at) => {
                cursor = Some((path.clone(), at as TextSize));
                body.replacen("$0", "", 1)
            }
            None => body.to_owned(),
        };
        files.push(vfs::LoadedFile {
            language: Language::from_path(&path).expect("a known extension"),
            path,
            text,
            lossy: false,
        });
    }
    host.apply(Change::AddFiles(files));
    let (path, offset) = cursor.expect("a $0 cursor");
    (host, path, offset)
}

fn plan_of(
    analysis: &Analysis,
    path: &Path,
    offset: TextSize,
    config: &GenerateConfig,
) -> Result<TestPlan, Refusal> {
    let file = analysis.file_id(path).expect("file");
    analysis
        .generation_plan(file, None, offset, config)
        .expect("not cancelled")
}

fn plan(fixture: &str) -> TestPlan {
    let (host, path, offset) = load(fixture);
    let config = GenerateConfig {
        call_sites: true,
        ..GenerateConfig::default()
    };
    plan_of(&host.analysis(), &path, offset, &config).expect("a plan")
}

/// The target file's text after the rendered edits, with the given outcomes.
fn rendered(plan: &TestPlan, outcomes: &[Option<Outcome>]) -> (String, RenderedTest) {
    let r = plan.render(outcomes, "t1").expect("renders");
    let edit = &r.edits[0];
    (apply_edits(&plan.target.text, &edit.edits), r)
}

fn value(s: &str) -> Option<Outcome> {
    Some(Outcome::Value(s.to_owned()))
}

const PY_SHOP: &str = r#"
//- /shop/pricing.py
def line_total(price_cents: int, qty: int) -> int:
    """Line total.

    >>> line_total(50, 3)
    150
    """
    return price_cents * qty


def discount_$0percent(code):
    return 10 if code == "SAVE10" else 0


def main():
    discount_percent("SAVE20")
    discount_percent(code_from_somewhere)
//- /tests/test_pricing.py
"""Tests for shop.pricing."""

import pytest

from shop.pricing import line_total


def test_line_total():
    assert line_total(50, 3) == 150


def test_discount_percent():
    assert discount_percent("SAVE10") == 10
"#;

#[test]
fn python_plan_detects_pytest_appends_to_the_module_test_file_and_avoids_taken_names() {
    let plan = plan(PY_SHOP);
    assert_eq!(plan.framework, Framework::Pytest);
    assert_eq!(&*plan.target.path, Path::new("/w/tests/test_pricing.py"));
    assert!(plan.target.exists);
    assert_eq!(plan.test_name, "test_discount_percent_2");
    // Call sites with literal arguments first, in workspace order (the non-literal call is left
    // out), then values from the parameter's name.
    let args: Vec<(String, InputOrigin)> = plan
        .inputs
        .iter()
        .map(|i| (i.args.join(", "), i.origin))
        .collect();
    assert_eq!(args[0], ("\"SAVE20\"".to_owned(), InputOrigin::CallSite));
    assert_eq!(args[1], ("\"SAVE10\"".to_owned(), InputOrigin::CallSite));
    assert!(
        args.iter()
            .any(|(a, o)| a == "\"\"" && *o == InputOrigin::Type)
    );
    assert!(!args.iter().any(|(a, _)| a.contains("code_from_somewhere")));
}

#[test]
fn python_render_adds_to_the_existing_import_and_asserts_each_outcome() {
    let plan = plan(PY_SHOP);
    let mut outcomes = vec![None; plan.inputs.len()];
    outcomes[0] = value("0");
    outcomes[1] = value("10");
    outcomes[2] = Some(Outcome::Raises {
        kind: "ValueError".to_owned(),
        message: Some("bad code (x)".to_owned()),
    });
    let (text, r) = rendered(&plan, &outcomes);
    assert!(
        text.contains("from shop.pricing import line_total, discount_percent\n"),
        "{text}"
    );
    assert!(text.ends_with(
        "\n\n\ndef test_discount_percent_2():\n    assert discount_percent(\"SAVE20\") == 0\n    assert discount_percent(\"SAVE10\") == 10\n    with pytest.raises(ValueError, match=r\"bad code \\(x\\)\"):\n        discount_percent(\"\")\n"
    ), "{text}");
    assert_eq!(r.cases, 3);
    // The standalone copy sits beside the target and is run by node id.
    assert_eq!(
        r.check.files[0].path,
        PathBuf::from("/w/tests/test_pricing_testlens_t1.py")
    );
    assert!(matches!(
        &r.check.command,
        RunnerCommand::Pytest { root, node_id }
            if root == Path::new("/w") && node_id.ends_with("test_pricing_testlens_t1.py::test_discount_percent_2")
    ));
}

#[test]
fn python_doctest_states_results_so_the_plain_action_writes_a_test_without_running_anything() {
    let fixture = PY_SHOP
        .replace("def discount_$0percent", "def discount_percent")
        .replace("def line_total(", "def line_$0total(");
    let (host, path, offset) = load(&fixture);
    let a = host.analysis();
    let file = a.file_id(&path).unwrap();
    let assists = a.assists(file, TextRange::new(offset, offset)).unwrap();
    let titles: Vec<&str> = assists.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Generate test for `line_total`",
            "Generate and record test for `line_total`"
        ]
    );
    let plain = &assists[0];
    assert!(plain.command.is_none());
    let target = Path::new("/w/tests/test_pricing.py");
    let text = apply_edits(
        &a.file_text(a.file_id(target).unwrap()).to_string(),
        plain.edits_in(target),
    );
    assert!(
        text.ends_with("def test_line_total_2():\n    assert line_total(50, 3) == 150\n"),
        "{text}"
    );
    let record = &assists[1];
    let command = record.command.as_ref().unwrap();
    assert_eq!(command.name, RECORD_COMMAND);
    assert_eq!(command.arguments[0]["function"], "line_total");
    assert!(
        record.edits.is_empty(),
        "recording edits come from the command"
    );
}

#[test]
fn python_unittest_projects_get_a_testcase_class_in_a_new_file_in_tests() {
    let plan = plan(
        r#"
//- /shop/cart.py
def label(count: int) -> str:$0
    return "empty" if count == 0 else f"{count} items"
//- /tests/test_other.py
import unittest


class OtherTest(unittest.TestCase):
    def test_x(self):
        self.assertEqual(1, 1)
"#,
    );
    assert_eq!(plan.framework, Framework::Unittest);
    assert_eq!(&*plan.target.path, Path::new("/w/tests/test_cart.py"));
    assert!(!plan.target.exists);
    let outcomes: Vec<Option<Outcome>> = plan
        .inputs
        .iter()
        .map(|i| {
            value(if i.args[0] == "0" {
                "'empty'"
            } else {
                "'n items'"
            })
        })
        .collect();
    let (text, r) = rendered(&plan, &outcomes);
    assert!(r.edits[0].create);
    assert!(
        text.starts_with("import unittest\n\nfrom shop.cart import label\n\n\nclass TestLabel(unittest.TestCase):\n    def test_label(self):\n        self.assertEqual(label(0), 'empty')\n"),
        "{text}"
    );
}

#[test]
fn python_without_tests_offers_a_choice_of_framework() {
    let (host, path, offset) = load(
        r#"
//- /calc.py
def double(n: int) -> int:$0
    return 2 * n
"#,
    );
    let a = host.analysis();
    assert_eq!(
        plan_of(&a, &path, offset, &GenerateConfig::default()),
        Err(Refusal::NoFramework(vec![
            Framework::Pytest,
            Framework::Unittest
        ]))
    );
    let file = a.file_id(&path).unwrap();
    let titles: Vec<String> = a
        .assists(file, TextRange::new(offset, offset))
        .unwrap()
        .into_iter()
        .map(|a| a.title)
        .collect();
    assert_eq!(
        titles,
        [
            "Generate and record pytest test for `double`",
            "Generate and record unittest test for `double`"
        ]
    );
    // Chosen: a test beside the module (no tests/ directory).
    let plan = plan_of(
        &a,
        &path,
        offset,
        &GenerateConfig {
            framework: Some(Framework::Pytest),
            call_sites: false,
        },
    )
    .unwrap();
    assert_eq!(&*plan.target.path, Path::new("/w/test_calc.py"));
}

#[test]
fn refusals_for_tests_syntax_errors_methods_and_nothing_at_the_cursor() {
    let cases = [
        (
            "//- /tests/test_a.py\ndef test_$0a():\n    assert 1\n",
            Refusal::IsTest,
        ),
        (
            "//- /a.py\ndef f$0(x: int) -> int:\n    return (x\n\ndef g(:\n",
            Refusal::SyntaxErrors,
        ),
        ("//- /a.py\n$0\nX = 1\n", Refusal::NoFunction),
    ];
    for (fixture, want) in cases {
        let (host, path, offset) = load(fixture);
        let got = plan_of(&host.analysis(), &path, offset, &GenerateConfig::default());
        assert_eq!(got, Err(want), "{fixture}");
    }
    // A method of a class that cannot be built: refused with the reason.
    let (host, path, offset) = load(
        "//- /tests/test_a.py\nimport pytest\n//- /a.py\nclass C:\n    def __init__(self, thing):\n        self.thing = thing\n\n    def m$0(self, x: int):\n        return x\n",
    );
    let got = plan_of(&host.analysis(), &path, offset, &GenerateConfig::default());
    assert!(
        matches!(&got, Err(Refusal::Unsupported(m)) if m.contains("no values for the parameters of `C`'s constructor")),
        "{got:?}"
    );
}

#[test]
fn python_methods_are_called_on_an_instance_built_with_its_constructor() {
    let plan = plan(
        "//- /tests/test_a.py\nimport pytest\n\n\ndef test_x():\n    assert True\n//- /shop/cart.py\nclass Cart:\n    def __init__(self, limit: int = 3):\n        self.limit = limit\n\n    def fits$0(self, n: int) -> bool:\n        return n <= self.limit\n\n    @staticmethod\n    def of(n: int):\n        return Cart(n)\n",
    );
    assert_eq!(plan.test_name, "test_cart_fits");
    let outcomes: Vec<Option<Outcome>> = plan.inputs.iter().map(|_| value("True")).collect();
    let (text, r) = rendered(&plan, &outcomes);
    assert!(
        text.starts_with("from shop.cart import Cart\n"),
        "the class is imported: {text}"
    );
    assert!(
        text.contains("    assert Cart(0).fits(0) is True\n"),
        "{text}"
    );
    let probe = &plan.probe("t").files[0].text;
    assert!(
        probe.contains("from shop.cart import Cart\n\n_case(0, lambda: Cart(0).fits(0))"),
        "{probe}"
    );
    assert!(matches!(&r.check.command, RunnerCommand::Pytest { .. }));
}

#[test]
fn methods_in_typescript_go_and_rust() {
    // TypeScript: `new` with the constructor's values; static methods on the class.
    let ts = plan(
        "//- /src/other.test.ts\nimport { expect, test } from \"vitest\";\ntest(\"x\", () => {\n  expect(1).toBe(1);\n});\n//- /src/cart.ts\nexport class Cart {\n  constructor(private limit: number) {}\n  fits$0(n: number): boolean {\n    return n <= this.limit;\n  }\n}\n",
    );
    assert_eq!(ts.test_name, "Cart.fits");
    assert_eq!(ts.callee(), "new Cart(0).fits");
    assert_eq!(ts.import_name(), "Cart");
    // Go: the zero value, by pointer for a pointer receiver, in parentheses.
    let go = plan(
        "//- /shop/cart.go\npackage shop\n\ntype Cart struct {\n\tN int\n}\n\nfunc (c *Cart) Tot$0al(k int) int {\n\treturn c.N * k\n}\n",
    );
    assert_eq!(go.test_name, "TestCartTotal");
    let outcomes: Vec<Option<Outcome>> = go.inputs.iter().map(|_| value("0")).collect();
    let (text, _) = rendered(&go, &outcomes);
    assert!(
        text.contains("if got := (&Cart{}).Total(tt.k); got != tt.want {"),
        "{text}"
    );
    // Rust: associated functions on the type; methods on a value from its constructor.
    let rust_src = "//- /src/lib.rs\npub struct Item { pub qty: u32 }\n\nimpl Item {\n    pub fn new(qty: u32) -> Self {\n        Item { qty }\n    }\n\n    pub fn double(&self, k: u32) -> u32 {\n        self.qty * k\n    }\n}\n";
    let assoc = plan(&rust_src.replace("pub fn new(", "pub fn n$0ew("));
    assert_eq!(assoc.callee(), "Item::new");
    assert_eq!(assoc.test_name, "item_new_examples");
    let method = plan(&rust_src.replace("pub fn double(", "pub fn dou$0ble("));
    assert_eq!(method.callee(), "Item::new(0).double");
    assert_eq!(
        method
            .function
            .params
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["k"],
        "`&self` is not an argument"
    );
}

#[test]
fn literals_per_language() {
    let yes = [
        (Language::Python, "-1.5"),
        (Language::Python, "'a:b'"),
        (Language::Python, "[1, (2, 'x'), {'k': None}]"),
        (Language::Python, "express=True"),
        (Language::TypeScript, "{ name: \"a\", qty: [1, 2] }"),
        (Language::TypeScript, "`plain`"),
        (Language::Go, "Item{\"apple\", 50, 3}"),
        (Language::Go, "[]Item{{Name: \"a\"}, {Qty: 2}}"),
        (Language::Rust, "&[1, 2]"),
        (Language::Rust, "Tier::Gold"),
        (Language::Rust, "Some(\"x\")"),
    ];
    for (l, code) in yes {
        assert!(is_literal(l, code), "{l:?} {code}");
    }
    let no = [
        (Language::Python, "Item('a', 1, 2)"),
        (Language::Python, "x"),
        (Language::Python, "f'{x}'"),
        (Language::TypeScript, "`${x}`"),
        (Language::TypeScript, "apple(3)"),
        (Language::Go, "make([]int, 3)"),
        (Language::Rust, "apple(3)"),
        (Language::Rust, "&items"),
        (Language::Python, "'a' + b"),
    ];
    for (l, code) in no {
        assert!(!is_literal(l, code), "{l:?} {code}");
    }
}

#[test]
fn call_arguments_split_at_top_level_commas_only() {
    let text = "f(\"a, b\", [1, 2], {\"k\": (3, 4)}) + 1";
    assert_eq!(
        call_arguments(text, 1).unwrap(),
        ["\"a, b\"", "[1, 2]", "{\"k\": (3, 4)}"]
    );
    assert_eq!(call_arguments("f()", 1).unwrap(), Vec::<String>::new());
    assert_eq!(call_arguments("f(1,", 1), None);
}

#[test]
fn probe_outputs_are_read_back_and_type_errors_of_made_up_values_dropped() {
    let plan = plan(PY_SHOP);
    let type_input = plan
        .inputs
        .iter()
        .position(|i| i.origin == InputOrigin::Type)
        .unwrap();
    let output = format!(
        "{{\"i\": 0, \"kind\": \"value\", \"lit\": \"10\"}}\n{{\"i\": 1, \"kind\": \"value\", \"lit\": \"Item(name='a')\"}}\n{{\"i\": {type_input}, \"kind\": \"raises\", \"type\": \"TypeError\", \"message\": \"x\"}}\nnot json\n"
    );
    let got = plan.parse_observations(&output);
    assert_eq!(got[0], value("10"));
    assert_eq!(got[1], None, "a repr that is not a literal is skipped");
    assert_eq!(got[type_input], None);
}

#[test]
fn a_test_with_no_assertable_outcome_is_refused() {
    let plan = plan(PY_SHOP);
    let none = vec![None; plan.inputs.len()];
    let err = plan.render(&none, "t").unwrap_err();
    assert!(err.contains("no input"), "{err}");
}

#[test]
fn typescript_vitest_test_is_appended_with_imports_extended_and_union_members_as_inputs() {
    let plan = plan(
        r#"
//- /src/pricing.ts
export type Tier = "guest" | "gold";
export function lineTotal(n: number): number { return n; }
export function ship$0(tier: Tier, express = false): number {
  return tier === "gold" ? 0 : 600;
}
//- /src/pricing.test.ts
import { describe, expect, it } from "vitest";
import { lineTotal } from "./pricing";

describe("pricing", () => {
  it("works", () => {
    expect(lineTotal(1)).toBe(1);
  });
});
"#,
    );
    // Vitest is named by package.json in real projects; here the existing test's import says it.
    assert_eq!(plan.framework, Framework::Vitest);
    assert_eq!(&*plan.target.path, Path::new("/w/src/pricing.test.ts"));
    let args: Vec<String> = plan.inputs.iter().map(|i| i.args.join(", ")).collect();
    assert_eq!(
        args,
        ["\"guest\"", "\"gold\"", "\"guest\", true"],
        "the union's members, and the defaulted parameter through the values of its default's \
         type (left out where it is its default)"
    );
    let (text, r) = rendered(
        &plan,
        &[
            value("600"),
            Some(Outcome::Raises {
                kind: "Error".into(),
                message: Some("no \"gold\"".into()),
            }),
            None,
        ],
    );
    assert!(text.starts_with("import { describe, expect, it, test } from \"vitest\";\nimport { lineTotal, ship } from \"./pricing\";\n"), "{text}");
    assert!(text.ends_with("});\n\ntest(\"ship\", () => {\n  expect(ship(\"guest\")).toBe(600);\n  expect(() => ship(\"gold\")).toThrow(\"no \\\"gold\\\"\");\n});\n"), "{text}");
    assert!(
        matches!(&r.check.command, RunnerCommand::Vitest { file } if file == Path::new("/w/src/pricing.testlens-t1.test.ts"))
    );
}

#[test]
fn javascript_jest_project_with_tests_dir_gets_a_new_file_there_with_require() {
    // Jest's globals do not name the runner (package.json does, outside this layer): chosen.
    let (host, path, offset) = load(
        r#"
//- /src/cart.js
"use strict";
function total$0(items) {
  return items.length;
}
module.exports = { total };
//- /__tests__/other.test.js
const { other } = require("../src/other");
test("x", () => { expect(other()).toBe(1); });
"#,
    );
    let config = GenerateConfig {
        framework: None,
        call_sites: true,
    };
    assert!(matches!(
        plan_of(&host.analysis(), &path, offset, &config),
        Err(Refusal::NoFramework(_))
    ));
    let config = GenerateConfig {
        framework: Some(Framework::Jest),
        call_sites: true,
    };
    let plan = plan_of(&host.analysis(), &path, offset, &config).unwrap();
    assert_eq!(&*plan.target.path, Path::new("/w/__tests__/cart.test.js"));
    assert!(!plan.target.exists);
    let (text, _) = rendered(&plan, &[value("0")]);
    assert_eq!(
        text,
        "\"use strict\";\n\nconst { total } = require(\"../src/cart\");\n\ntest(\"total\", () => {\n  expect(total([])).toBe(0);\n});\n"
    );
}

#[test]
fn go_table_driven_test_with_t_run_error_results_and_a_package_wide_unique_name() {
    let plan = plan(
        r#"
//- /shop/cart.go
package shop

import "fmt"

type Item struct {
	Name string
}

func Parse$0Item(line string) (Item, error) {
	if line == "" {
		return Item{}, fmt.Errorf("empty")
	}
	return Item{Name: line}, nil
}
//- /shop/other_test.go
package shop

import "testing"

func TestParseItem(t *testing.T) {}
"#,
    );
    assert_eq!(plan.framework, Framework::GoTest);
    assert_eq!(&*plan.target.path, Path::new("/w/shop/cart_test.go"));
    assert_eq!(
        plan.test_name, "TestParseItem_2",
        "unique in the package, not only the file"
    );
    let outcomes: Vec<Option<Outcome>> = plan
        .inputs
        .iter()
        .map(|i| {
            if i.args[0] == "\"\"" {
                Some(Outcome::Raises {
                    kind: "error".into(),
                    message: Some("empty".into()),
                })
            } else {
                value(&format!("shop.Item{{Name:{}}}", i.args[0]))
            }
        })
        .collect();
    let (text, r) = rendered(&plan, &outcomes);
    assert!(text.starts_with("package shop\n\nimport (\n\t\"reflect\"\n\t\"testing\"\n)\n\nfunc TestParseItem_2(t *testing.T) {\n\ttests := []struct {\n\t\tname    string\n\t\tline    string\n\t\twant    Item\n\t\twantErr string\n\t}{\n\t\t{name: \"empty\", line: \"\", wantErr: \"empty\"},\n\t\t{name: \"a\", line: \"a\", want: Item{Name:\"a\"}},\n"), "{text}");
    assert!(
        text.contains(
            "\t\tt.Run(tt.name, func(t *testing.T) {\n\t\t\tgot, err := ParseItem(tt.line)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("if !reflect.DeepEqual(got, tt.want) {"),
        "{text}"
    );
    assert!(
        matches!(&r.check.command, RunnerCommand::GoTest { name, .. } if name == "TestParseItem_2")
    );
}

#[test]
fn rust_test_goes_into_the_existing_test_module_or_a_new_one() {
    let fixture = r#"
//- /src/lib.rs
pub enum Tier { Guest, Gold }

pub fn fee$0(tier: Tier, heavy: bool) -> u32 {
    match tier { Tier::Gold if heavy => 0, _ => 600 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_works() {
        assert_eq!(fee(Tier::Guest, false), 600);
    }
}
"#;
    let plan = plan(fixture);
    assert_eq!(plan.framework, Framework::RustTest);
    assert_eq!(&*plan.target.path, Path::new("/w/src/lib.rs"));
    let args: Vec<String> = plan.inputs.iter().map(|i| i.args.join(", ")).collect();
    assert_eq!(
        args[0], "Tier::Guest, false",
        "the call in the test comes first"
    );
    assert!(
        args.contains(&"Tier::Gold, true".to_owned())
            || args.contains(&"Tier::Gold, false".to_owned())
    );
    let outcomes: Vec<Option<Outcome>> = plan.inputs.iter().map(|_| value("600")).collect();
    let (text, _) = rendered(&plan, &outcomes);
    assert!(
        text.contains("    fn fee_works() {\n        assert_eq!(fee(Tier::Guest, false), 600);\n    }\n\n    #[test]\n    fn fee_examples() {\n        assert_eq!(fee(Tier::Guest, false), 600);\n"),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("    }\n}"),
        "inside the module: {text}"
    );
    // Without a test module, one is created.
    let bare = fixture[..fixture.find("#[cfg(test)]").unwrap()].to_owned();
    let plan = self::plan(&bare);
    let (text, _) = rendered(&plan, &vec![value("600"); plan.inputs.len()]);
    assert!(text.contains("\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn fee_examples() {\n"), "{text}");
}

const GO_EXTERNAL: &str = r#"
//- /shop/cart.go
package shop

type Tier int

type Item struct {
	Name string
	Qty  int
}

func Shipping$0(items []Item, tier Tier) int64 {
	return int64(len(items)) + int64(tier)
}

func weight(items []Item) int {
	return len(items)
}
//- /shop/cart_test.go
package shop_test

import (
	"testing"

	s "example.com/shop"
)

func TestWeightless(t *testing.T) {
	if s.Shipping(nil, 0) != 0 {
		t.Fatal("x")
	}
}
"#;

#[test]
fn go_external_test_package_qualifies_the_package_and_keeps_its_import_alias() {
    let plan = plan(GO_EXTERNAL);
    assert_eq!(&*plan.target.path, Path::new("/w/shop/cart_test.go"));
    let outcomes: Vec<Option<Outcome>> = plan.inputs.iter().map(|_| value("int64(1)")).collect();
    let (text, r) = rendered(&plan, &outcomes);
    assert!(
        text.contains("\t\titems []s.Item\n\t\ttier  s.Tier\n"),
        "the table's types are qualified: {text}"
    );
    assert!(text.contains("tier: s.Tier(1)"), "{text}");
    assert!(
        text.contains("if got := s.Shipping(tt.items, tt.tier); got != tt.want {"),
        "{text}"
    );
    assert!(
        text.starts_with(
            "package shop_test\n\nimport (\n\t\"testing\"\n\n\ts \"example.com/shop\"\n)\n"
        ),
        "the file's imports are kept as they are: {text}"
    );
    let check = &r.check.files[0].text;
    assert!(
        check.starts_with(
            "package shop_test\n\nimport (\n\ts \"example.com/shop\"\n\t\"testing\"\n)\n"
        ),
        "{check}"
    );
}

#[test]
fn go_unexported_function_of_an_external_test_package_goes_to_an_internal_test_file() {
    let fixture = GO_EXTERNAL
        .replace("Shipping$0(", "Shipping(")
        .replace("func weight(", "func wei$0ght(");
    let plan = plan(&fixture);
    assert_eq!(
        &*plan.target.path,
        Path::new("/w/shop/cart_internal_test.go")
    );
    assert!(!plan.target.exists);
    let outcomes: Vec<Option<Outcome>> = plan.inputs.iter().map(|_| value("0")).collect();
    let (text, _) = rendered(&plan, &outcomes);
    assert!(
        text.starts_with("package shop\n\nimport \"testing\"\n"),
        "{text}"
    );
    assert!(
        text.contains("if got := weight(tt.items); got != tt.want {"),
        "{text}"
    );
}

#[test]
fn go_external_test_file_without_an_import_of_the_package_is_refused_with_the_reason() {
    let fixture = GO_EXTERNAL.replace("\ts \"example.com/shop\"\n", "");
    let plan = plan(&fixture);
    let err = plan.render(&[value("int64(1)")], "t1").unwrap_err();
    assert_eq!(
        err,
        "cart_test.go is in package shop_test but does not import package shop; import it there first"
    );
}

#[test]
fn go_qualify_leaves_keys_selectors_strings_and_lowercase_names() {
    assert_eq!(
        go::qualify(
            r#"[]Item{{Name: "Item", Qty: max(1, N)}, x.Y}"#,
            Some("shop")
        ),
        r#"[]shop.Item{{Name: "Item", Qty: max(1, shop.N)}, x.Y}"#
    );
    assert_eq!(go::qualify("Tier(2)", None), "Tier(2)");
}

const RUST_API: &str = r#"
//- /shop/src/lib.rs
//! A shop.
pub mod pricing;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tier { Guest, Gold }

pub fn fee$0(tier: Tier, heavy: bool) -> u32 {
    if heavy { 5 } else { 1 }
}

fn private_fee(heavy: bool) -> u32 {
    if heavy { 5 } else { 1 }
}
//- /shop/src/pricing.rs
pub fn halve(n: u32) -> u32 {
    n / 2
}
//- /shop/tests/api.rs
//! The public API.
use shop::{fee, Tier};

#[test]
fn gold_is_cheap() {
    assert_eq!(fee(Tier::Gold, false), 1);
}
"#;

#[test]
fn rust_public_function_tested_from_tests_dir_gets_its_test_there() {
    let plan = plan(RUST_API);
    assert_eq!(&*plan.target.path, Path::new("/w/shop/tests/api.rs"));
    assert_eq!(plan.rust_use.as_deref(), Some("shop"));
    let outcomes: Vec<Option<Outcome>> = plan.inputs.iter().map(|_| value("1")).collect();
    let (text, r) = rendered(&plan, &outcomes);
    assert!(
        text.starts_with(
            "//! The public API.\nuse shop::{fee, Tier};\n\n#[test]\nfn gold_is_cheap()"
        ),
        "nothing to import: {text}"
    );
    assert!(
        text.contains("}\n\n#[test]\nfn fee_examples() {\n    assert_eq!(fee(Tier::Gold, false), 1);\n    assert_eq!(fee(Tier::Guest, false), 1);\n"),
        "a top-level test after the file's tests, the call site's input first: {text}"
    );
    assert!(matches!(
        &r.check.command,
        RunnerCommand::Cargo { name, test_target: Some(t), .. } if name == "fee_examples" && t == "api"
    ));
}

#[test]
fn rust_test_module_or_private_function_keeps_the_test_in_the_file() {
    // Not yet tested from tests/, and the file has a test module: there.
    let with_module = RUST_API.replace("pub fn fee$0(", "pub fn fee2$0(")
        + "\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n";
    let with_module = with_module.replace(
        "//- /shop/src/pricing.rs",
        "#[cfg(test)]\nmod tests {\n    use super::*;\n}\n//- /shop/src/pricing.rs",
    );
    let plan_a = plan(&with_module);
    assert_eq!(&*plan_a.target.path, Path::new("/w/shop/src/lib.rs"));
    assert_eq!(plan_a.rust_use, None);
    // A private function stays in its file even without a test module.
    let private = RUST_API
        .replace("pub fn fee$0(", "pub fn fee(")
        .replace("fn private_fee(", "fn private_$0fee(");
    let plan_b = plan(&private);
    assert_eq!(&*plan_b.target.path, Path::new("/w/shop/src/lib.rs"));
}

#[test]
fn rust_public_function_of_a_public_module_gets_a_new_tests_file_importing_it() {
    let fixture = RUST_API
        .replace("pub fn halve(", "pub fn ha$0lve(")
        .replace("pub fn fee$0(", "pub fn fee(");
    let plan = plan(&fixture);
    assert_eq!(&*plan.target.path, Path::new("/w/shop/tests/pricing.rs"));
    assert!(!plan.target.exists);
    assert_eq!(plan.rust_use.as_deref(), Some("shop::pricing"));
    let outcomes: Vec<Option<Outcome>> = plan.inputs.iter().map(|_| value("0")).collect();
    let (text, r) = rendered(&plan, &outcomes);
    assert!(
        text.starts_with("use shop::pricing::halve;\n\n#[test]\nfn halve_examples() {\n    assert_eq!(halve(0), 0);\n"),
        "{text}"
    );
    assert!(r.edits[0].create);
}

#[test]
fn rust_values_naming_crate_types_import_them_in_tests_files() {
    let fixture = RUST_API.replace("use shop::{fee, Tier};", "use shop::fee;");
    let plan = plan(&fixture);
    let outcomes: Vec<Option<Outcome>> = plan.inputs.iter().map(|_| value("1")).collect();
    let (text, _) = rendered(&plan, &outcomes);
    assert!(
        text.starts_with("//! The public API.\nuse shop::fee;\nuse shop::Tier;\n\n#[test]"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Objects: records declared in the workspace, and shapes read from untyped parameters.

/// Each input's arguments, joined.
fn args_of(plan: &TestPlan) -> Vec<String> {
    plan.inputs.iter().map(|i| i.args.join(", ")).collect()
}

fn refusal(fixture: &str) -> String {
    let (host, path, offset) = load(fixture);
    let config = GenerateConfig {
        call_sites: true,
        ..GenerateConfig::default()
    };
    match plan_of(&host.analysis(), &path, offset, &config) {
        Err(Refusal::Unsupported(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

const TS_SHOP: &str = r#"
//- /src/pricing.ts
export interface Item {
  name: string;
  priceCents: number;
  qty: number;
}

export function line$0Total(item: Item): number {
  return item.priceCents * item.qty;
}
//- /src/pricing.test.ts
import { expect, test } from "vitest";
import { type Item } from "./pricing";

test("other", () => {});
"#;

#[test]
fn typescript_interface_parameter_gets_object_literals_from_a_non_trivial_base_one_field_at_a_time()
{
    let plan = plan(TS_SHOP);
    assert_eq!(
        args_of(&plan),
        [
            "{ name: \"a\", priceCents: 1, qty: 1 }",
            "{ name: \"\", priceCents: 1, qty: 1 }",
            "{ name: \"a\", priceCents: 0, qty: 1 }",
            "{ name: \"a\", priceCents: 1, qty: 0 }",
            "{ name: \"SAVE10\", priceCents: 1, qty: 1 }",
            "{ name: \"a\", priceCents: -1, qty: 1 }",
            "{ name: \"a\", priceCents: 1, qty: -1 }",
            "{ name: \"a:b:c\", priceCents: 1, qty: 1 }",
            "{ name: \"a\", priceCents: 100, qty: 1 }",
            "{ name: \"a\", priceCents: 1, qty: 100 }",
        ],
        "a base of non-trivial values, then each field through its other values, ten at most"
    );
    assert!(
        plan.inputs.iter().all(|i| i.imports.is_empty()),
        "an object literal needs no import"
    );
}

#[test]
fn typescript_record_is_found_in_the_imported_module_and_lists_of_it_get_none_one_and_two() {
    let plan = plan(
        r#"
//- /src/pricing.ts
export interface Item {
  name?: string;
  qty: number;
}
//- /src/other/item.ts
export interface Item {
  label: string;
}
//- /src/cart.ts
import { type Item } from "./pricing";

export function cart$0Total(items: Item[], coupon: Item | undefined): number {
  return items.length;
}
//- /src/cart.test.ts
import { expect, test } from "vitest";

test("other", () => {});
"#,
    );
    assert_eq!(
        args_of(&plan),
        [
            "[{ name: \"a\", qty: 1 }], { name: \"a\", qty: 1 }",
            "[], { name: \"a\", qty: 1 }",
            "[{ name: \"a\", qty: 1 }], undefined",
            "[{ name: \"a\", qty: 1 }, { name: \"a:b:c\", qty: 100 }], { name: \"a\", qty: 1 }",
            "[{ name: \"a\", qty: 1 }], { name: \"\", qty: 1 }",
            "[{ name: \"a\", qty: 1 }], { name: \"a\", qty: 0 }",
            "[{ name: \"a\", qty: 1 }], { name: \"SAVE10\", qty: 1 }",
            "[{ name: \"a\", qty: 1 }], { name: \"a\", qty: -1 }",
            "[{ name: \"a\", qty: 1 }], { name: \"a:b:c\", qty: 1 }",
            "[{ name: \"a\", qty: 1 }], { name: \"a\", qty: 100 }",
        ],
        "the Item of ./pricing (imported), not the one of ./other/item; one element, none, two; \
         the optional one's base, `undefined`, then one field at a time"
    );
}

#[test]
fn typescript_class_parameter_is_built_with_new_and_imported_in_test_check_and_probe() {
    let plan = plan(
        r#"
//- /src/money.ts
export class Money {
  constructor(public cents: number, public currency = "EUR") {}
}
//- /src/pricing.ts
import { Money } from "./money";

export function dou$0ble(m: Money): number {
  return m.cents * 2;
}
//- /src/pricing.test.ts
import { expect, test } from "vitest";
import { other } from "./pricing";

test("other", () => expect(other()).toBe(1));
"#,
    );
    assert_eq!(
        args_of(&plan),
        [
            "new Money(1)",
            "new Money(0)",
            "new Money(-1)",
            "new Money(100)"
        ],
        "the constructor's parameters, the defaulted one left out"
    );
    let money = Import {
        name: "Money".to_owned(),
        from: ImportSource::File(Arc::from(Path::new("/w/src/money.ts"))),
    };
    assert_eq!(plan.inputs[0].imports, [money]);
    let (text, r) = rendered(&plan, &vec![value("2"); plan.inputs.len()]);
    assert!(
        text.starts_with("import { expect, test } from \"vitest\";\nimport { other, double } from \"./pricing\";\nimport { Money } from \"./money\";\n"),
        "{text}"
    );
    assert!(
        text.contains("  expect(double(new Money(1))).toBe(2);\n"),
        "{text}"
    );
    assert!(
        r.check.files[0].text.contains(
            "import { double } from \"./pricing\";\nimport { Money } from \"./money\";\n"
        ),
        "{}",
        r.check.files[0].text
    );
    let probe = plan.probe("p");
    assert!(
        probe.files[0].text.contains(
            "import * as target from \"./pricing\";\nimport { Money } from \"./money\";\n"
        ),
        "{}",
        probe.files[0].text
    );
}

#[test]
fn typescript_class_that_is_not_exported_is_refused_with_the_reason() {
    let why = refusal(
        r#"
//- /src/pricing.ts
class Secret {
  constructor(public key: string) {}
}

export function re$0veal(s: Secret): string {
  return s.key;
}
//- /src/pricing.test.ts
import { expect, test } from "vitest";

test("other", () => {});
"#,
    );
    assert!(
        why.contains("`s: Secret`: `Secret` is not exported from /w/src/pricing.ts"),
        "{why}"
    );
}

#[test]
fn a_parameter_whose_default_is_a_literal_takes_the_values_of_its_type_default_first() {
    let plan = plan(
        r#"
//- /shop/ship.py
def ship$0(weight: int, express=False, greeting="x", rate=0.5, hook=make_hook()):
    return weight
//- /tests/test_ship.py
def test_other():
    assert True
"#,
    );
    let args = args_of(&plan);
    assert_eq!(
        args[..5],
        [
            "0",
            "1",
            "0, True",
            "0, False, \"\"",
            "0, False, \"x\", 0.0",
        ],
        "trailing arguments equal to their defaults are left out; `hook`'s default is no \
         literal: it is always left out, as before"
    );
}

#[test]
fn javascript_untyped_parameters_take_the_shape_the_function_reads() {
    let fixture = r#"
//- /src/cart.js
$0"use strict";
const isFree = (item) => item.priceCents === 0 || item.qty === 0;

function cartTotal(items) {
  return items
    .filter((i) => i.qty > 0 && i.priceCents > 0)
    .reduce((sum, i) => sum + i.qty, 0);
}

module.exports = { isFree, cartTotal };
//- /__tests__/cart.test.js
const { other } = require("../src/cart");
"#;
    let config = GenerateConfig {
        framework: Some(Framework::Jest),
        call_sites: true,
    };
    let (host, path, _) = load(fixture);
    let analysis = host.analysis();
    let text = analysis
        .file_text(analysis.file_id(&path).unwrap())
        .to_string();
    let at = |name: &str| text.find(name).unwrap() as TextSize;
    let is_free = plan_of(&analysis, &path, at("isFree"), &config).unwrap();
    assert_eq!(
        args_of(&is_free),
        [
            "{ priceCents: 1, qty: 1 }",
            "{ priceCents: 0, qty: 1 }",
            "{ priceCents: 1, qty: 0 }",
            "{ priceCents: -1, qty: 1 }",
            "{ priceCents: 1, qty: -1 }",
            "{ priceCents: 100, qty: 1 }",
            "{ priceCents: 1, qty: 100 }",
        ]
    );
    let total = plan_of(&analysis, &path, at("function cartTotal"), &config).unwrap();
    assert_eq!(
        args_of(&total),
        [
            "[{ qty: 1, priceCents: 1 }]",
            "[]",
            "[{ qty: 1, priceCents: 1 }, { qty: 100, priceCents: 100 }]",
        ],
        "the filter callback's parameter is an element: one element, none, two that differ"
    );
}

const PY_CART: &str = r#"
//- /shop/__init__.py
//- /shop/cart.py
from dataclasses import dataclass


@dataclass
class Item:
    name: str
    price_cents: int
    qty: int = 0


class Cart:
    def __init__(self):
        self.items = []
//- /shop/pricing.py
def shipping$0(items, tier):
    weight = 0
    for item in items:
        weight += item.qty
    return weight if tier == "gold" else weight + 1
//- /tests/test_pricing.py
import pytest

from shop.pricing import shipping


def test_other():
    assert True
"#;

#[test]
fn python_untyped_list_uses_the_one_class_covering_what_is_read_and_imports_it() {
    let plan = plan(PY_CART);
    let args = args_of(&plan);
    assert_eq!(
        args[..3],
        [
            "[Item(name=\"a\", price_cents=1, qty=1)], \"\"",
            "[], \"\"",
            "[Item(name=\"a\", price_cents=1, qty=1)], \"a\"",
        ]
    );
    assert!(
        args.contains(
            &"[Item(name=\"a\", price_cents=1, qty=1), Item(name=\"a:b:c\", price_cents=100, qty=100)], \"\""
                .to_owned()
        ),
        "{args:?}"
    );
    let item = Import {
        name: "Item".to_owned(),
        from: ImportSource::Module("shop.cart".to_owned()),
    };
    assert_eq!(plan.inputs[0].imports, [item]);
    assert!(plan.inputs[1].imports.is_empty(), "`[]` needs nothing");
    let (text, r) = rendered(&plan, &vec![value("2"); plan.inputs.len()]);
    assert!(
        text.starts_with(
            "import pytest\n\nfrom shop.pricing import shipping\nfrom shop.cart import Item\n"
        ),
        "{text}"
    );
    assert!(
        r.check.files[0].text.starts_with(
            "from shop.pricing import shipping\nfrom shop.cart import Item\n\n\ndef test_shipping():\n"
        ),
        "{}",
        r.check.files[0].text
    );
    let probe = plan.probe("p");
    assert!(
        probe.files[0]
            .text
            .contains("from shop.pricing import shipping as _target\nfrom shop.cart import Item\n"),
        "{}",
        probe.files[0].text
    );
    // A test file that already imports the class does not import it again.
    let fixture = PY_CART.replace(
        "from shop.pricing import shipping\n",
        "from shop.cart import Item\nfrom shop.pricing import shipping\n",
    );
    let plan = self::plan(&fixture);
    let (text, _) = rendered(&plan, &vec![value("2"); plan.inputs.len()]);
    assert_eq!(text.matches("import Item").count(), 1, "{text}");
}

#[test]
fn python_object_without_exactly_one_covering_class_is_a_simple_namespace() {
    let fixture = PY_CART.replace(
        "class Cart:\n    def __init__(self):",
        "class Stock:\n    def __init__(self, qty):",
    );
    let plan = plan(&fixture);
    assert_eq!(
        args_of(&plan)[..3],
        [
            "[SimpleNamespace(qty=1)], \"\"",
            "[], \"\"",
            "[SimpleNamespace(qty=1)], \"a\"",
        ],
        "Item and Stock both have `qty`: neither is chosen"
    );
    let (text, _) = rendered(&plan, &vec![value("2"); plan.inputs.len()]);
    assert!(
        text.contains("from shop.pricing import shipping\nfrom types import SimpleNamespace\n"),
        "{text}"
    );
}

#[test]
fn python_untyped_object_parameter_is_built_from_the_members_read_on_it() {
    let plan = plan(
        r#"
//- /shop/stock.py
class Stock:
    def __init__(self, sku: str, qty: int, reserved: int = 0):
        self.sku = sku
        self.qty = qty


def avail$0able(stock, reserve=False):
    return stock.qty - (stock.reserved if reserve else 0)
//- /tests/test_stock.py
def test_other():
    assert True
"#,
    );
    let args = args_of(&plan);
    assert_eq!(
        args[..4],
        [
            "Stock(sku=\"a\", qty=1, reserved=1)",
            "Stock(sku=\"\", qty=1, reserved=1)",
            "Stock(sku=\"a\", qty=1, reserved=1), True",
            "Stock(sku=\"a\", qty=0, reserved=1)",
        ],
        "`qty` and `reserved` are read: the one class whose `__init__` takes both, by keyword"
    );
    let (text, _) = rendered(&plan, &vec![value("1"); plan.inputs.len()]);
    assert!(
        text.contains("from shop.stock import Stock, available\n"),
        "{text}"
    );
}

#[test]
fn python_typed_dataclass_named_tuple_and_optional_parameters() {
    let plan = plan(
        r#"
//- /shop/geo.py
from typing import NamedTuple, Optional


class Point(NamedTuple):
    x: int
    y: float


def dist$0(p: Optional[Point], scale: float = 1.0) -> float:
    return p.x if p else 0
//- /tests/test_geo.py
def test_other():
    assert True
"#,
    );
    assert_eq!(
        args_of(&plan),
        [
            "Point(x=1, y=1.5), 0.0",
            "None, 0.0",
            "Point(x=1, y=1.5), 1.5",
            "Point(x=0, y=1.5), 0.0",
            "Point(x=1, y=1.5), -2.5",
            "Point(x=1, y=0.0), 0.0",
            "Point(x=-1, y=1.5), 0.0",
            "Point(x=1, y=-2.5), 0.0",
            "Point(x=100, y=1.5), 0.0",
        ],
        "the base, None, then one field at a time; parameters take turns"
    );
    let (text, _) = rendered(&plan, &vec![value("1"); plan.inputs.len()]);
    assert!(
        text.contains("from shop.geo import Point, dist\n"),
        "{text}"
    );
}

#[test]
fn python_record_whose_field_has_no_value_is_refused_with_the_reason() {
    let why = refusal(
        r#"
//- /shop/cart.py
from dataclasses import dataclass


@dataclass
class Item:
    name: str
    maker: Factory


def la$0bel(item: Item) -> str:
    return item.name
//- /tests/test_cart.py
def test_other():
    assert True
"#,
    );
    assert!(
        why.ends_with("(`item: Item`: no value for the field `Item.maker: Factory`)"),
        "{why}"
    );
}

#[test]
fn go_struct_from_another_file_of_the_package_and_slices_of_it() {
    let plan = plan(
        r#"
//- /shop/cart.go
package shop

type Item struct {
	Name       string
	PriceCents int64
	Qty        int
}
//- /other/item.go
package other

type Item struct {
	Label string
}
//- /shop/pricing.go
package shop

func Cart$0Total(items []Item, best *Item) int64 {
	return 0
}
"#,
    );
    let args = args_of(&plan);
    assert_eq!(
        args[..4],
        [
            "[]Item{Item{Name: \"a\", PriceCents: 1, Qty: 1}}, &Item{Name: \"a\", PriceCents: 1, Qty: 1}",
            "nil, &Item{Name: \"a\", PriceCents: 1, Qty: 1}",
            "[]Item{Item{Name: \"a\", PriceCents: 1, Qty: 1}}, nil",
            "[]Item{Item{Name: \"a\", PriceCents: 1, Qty: 1}, Item{Name: \"a:b:c\", PriceCents: 100, Qty: 100}}, &Item{Name: \"a\", PriceCents: 1, Qty: 1}",
        ],
        "the package's Item (cart.go), not other's; a pointer is nil second"
    );
    assert_eq!(args.len(), 10);
    // Declared in the function's own file, too.
    let plan_here = self::plan(
        r#"
//- /shop/cart.go
package shop

type Item struct {
	Qty int
}

func Cart$0Total(items []Item) int {
	return 0
}
"#,
    );
    assert_eq!(
        args_of(&plan_here),
        [
            "[]Item{Item{Qty: 1}}",
            "nil",
            "[]Item{Item{Qty: 1}, Item{Qty: 100}}"
        ]
    );
    let (text, _) = rendered(&plan, &vec![value("1"); plan.inputs.len()]);
    assert!(
        text.contains("\t\t{name: \"[]Item{Item{a,1,1}},&Item{a,1,1}\", items: []Item{Item{Name: \"a\", PriceCents: 1, Qty: 1}}, best: &Item{Name: \"a\", PriceCents: 1, Qty: 1}, want: 1},\n"),
        "case names leave out field names, quotes and spaces: {text}"
    );
}

#[test]
fn rust_values_without_a_literal_form_are_compared_by_their_debug_text() {
    let plan = plan(
        "//- /src/lib.rs\n#[derive(Debug)]\npub struct Item {\n    pub name: String,\n}\n\npub fn ma$0ke(n: u32) -> Item {\n    Item { name: n.to_string() }\n}\n",
    );
    let observed = plan.parse_observations(
        "{\"i\":0,\"kind\":\"value\",\"lit\":\"Item { name: \\\"0\\\" }\",\"type\":\"Err\",\"message\":\"\"}\n{\"i\":1,\"kind\":\"value\",\"lit\":\"Node(0x7f00aa)\",\"type\":\"Err\",\"message\":\"\"}\n",
    );
    assert_eq!(
        observed[0],
        Some(Outcome::Debug("Item { name: \"0\" }".into()))
    );
    assert_eq!(observed[1], None, "an address changes between runs");
    let (text, _) = rendered(&plan, &observed);
    assert!(
        text.contains(
            "        assert_eq!(format!(\"{:?}\", make(0)), r#\"Item { name: \"0\" }\"#);\n"
        ),
        "{text}"
    );
}

#[test]
fn go_struct_of_another_package_gives_no_inputs() {
    let why = refusal(
        r#"
//- /other/item.go
package other

type Item struct {
	Label string
}
//- /shop/pricing.go
package shop

import "example.com/other"

func La$0bel(it other.Item) string {
	return it.Label
}
"#,
    );
    assert!(why.starts_with("no inputs for `Label`"), "{why}");
}

#[test]
fn rust_struct_literal_in_its_own_file_new_outside_it_and_refusal_without_a_public_new() {
    // In the defining file, the test module sees private fields: a literal.
    let plan = plan(
        r#"
//- /src/lib.rs
pub struct Item {
    name: String,
    qty: u32,
}

pub fn to$0tal(items: &[Item], best: Option<&Item>) -> u32 {
    0
}
"#,
    );
    let args = args_of(&plan);
    assert_eq!(
        args[..3],
        [
            "&[Item { name: \"a\".to_string(), qty: 1 }], Some(&Item { name: \"a\".to_string(), qty: 1 })",
            "&[], Some(&Item { name: \"a\".to_string(), qty: 1 })",
            "&[Item { name: \"a\".to_string(), qty: 1 }], None",
        ]
    );
    assert!(
        args.contains(&"&[Item { name: \"a\".to_string(), qty: 1 }, Item { name: \"a:b:c\".to_string(), qty: 100 }], Some(&Item { name: \"a\".to_string(), qty: 1 })".to_owned()),
        "{args:?}"
    );
    // Outside it, private fields need the public constructor.
    let model = r#"
//- /src/model.rs
pub struct Item {
    pub name: String,
    qty: u32,
}

impl Item {
    pub fn new(name: &str, qty: u32) -> Self {
        Item { name: name.to_owned(), qty }
    }
}
//- /src/lib.rs
mod model;
use model::Item;

pub fn to$0tal(item: &Item) -> u32 {
    0
}
"#;
    let plan = self::plan(model);
    assert_eq!(
        args_of(&plan),
        [
            "&Item::new(\"a\", 1)",
            "&Item::new(\"\", 1)",
            "&Item::new(\"a\", 0)",
            "&Item::new(\"SAVE10\", 1)",
            "&Item::new(\"a\", 100)",
            "&Item::new(\"a:b:c\", 1)",
        ]
    );
    // Without a public one, nothing can build it, and the refusal says why.
    let why = refusal(&model.replace("pub fn new", "fn new"));
    assert!(
        why.ends_with("(`item: &Item`: `Item` is declared in /w/src/model.rs with private fields (qty) and has no public `new`)"),
        "{why}"
    );
}

// ---------------------------------------------------------------------------------------------
// Assertions recorded into a test that has none (the no-assertion fix), written with the same
// per-language assertions as generated tests.

#[test]
fn go_assertions_use_the_tests_t_compare_slices_with_deep_equal_and_import_reflect() {
    let (host, path, offset) = load(
        "//- /shop/cart.go\npackage shop\n\nfunc Names(n int) []string { return nil }\n\nfunc Count(n int) int { return n }\n//- /shop/cart_test.go\npackage shop\n\nimport \"testing\"\n\nfunc TestSmo$0ke(tt *testing.T) {\n\tNames(2)\n\tc := Count(3)\n\t_ = c\n\tCount(4) // not alone on its line: left as it is\n}\n",
    );
    let analysis = host.analysis();
    let file = analysis.file_id(&path).unwrap();
    let plan = analysis
        .assertion_plan(file, Some("TestSmoke"), offset)
        .unwrap()
        .expect("a plan");
    assert_eq!(plan.calls(), 2);
    let (edit, written) = plan
        .edits(&[vec![value("[]string{\"a\"}")], vec![value("3")]])
        .expect("edits");
    assert_eq!(written, 2);
    let text = apply_edits(&plan.callees[0].plan.target.text, &edit.edits);
    assert_eq!(
        text,
        "package shop\n\nimport \"testing\"\nimport \"reflect\"\n\nfunc TestSmoke(tt *testing.T) {\n\tif got := Names(2); !reflect.DeepEqual(got, []string{\"a\"}) {\n\t\ttt.Errorf(\"Names(2) = %#v, want %#v\", got, []string{\"a\"})\n\t}\n\tc := Count(3)\n\tif c != 3 {\n\t\ttt.Errorf(\"Count(3) = %#v, want %#v\", c, 3)\n\t}\n\t_ = c\n\tCount(4) // not alone on its line: left as it is\n}\n"
    );
    // Nothing observed that can be written: an error, and no edit.
    let err = plan.edits(&[vec![None], vec![None]]).unwrap_err();
    assert_eq!(
        err,
        "no call in `TestSmoke` returned a value that can be written as a literal"
    );
}

#[test]
fn unittest_assertions_use_self_assert_methods_and_a_test_that_asserts_is_refused() {
    let fixture = "//- /shop/pricing.py\ndef fee(n):\n    return n\n//- /tests/test_fee.py\nimport unittest\n\nfrom shop.pricing import fee\n\n\nclass FeeTest(unittest.TestCase):\n    def test_sm$0oke(self):\n        fee(None)\n        paid = fee(True)\n\n    def test_checked(self):\n        self.assertEqual(fee(1), 1)\n";
    let (host, path, offset) = load(fixture);
    let analysis = host.analysis();
    let file = analysis.file_id(&path).unwrap();
    let plan = analysis
        .assertion_plan(file, Some("test_smoke"), offset)
        .unwrap()
        .expect("a plan");
    let (edit, _) = plan
        .edits(&[vec![value("None"), value("True")]])
        .expect("edits");
    let text = apply_edits(&fixture_text(fixture, "/tests/test_fee.py"), &edit.edits);
    assert!(
        text.contains("    def test_smoke(self):\n        self.assertIsNone(fee(None))\n        paid = fee(True)\n        self.assertIs(paid, True)\n"),
        "{text}"
    );
    let refused = analysis
        .assertion_plan(file, Some("test_checked"), 0)
        .unwrap()
        .unwrap_err();
    assert_eq!(refused, "`test_checked` already asserts something");
}

/// The text of `path` in a `//- /path` fixture, without its cursor.
fn fixture_text(fixture: &str, path: &str) -> String {
    let start = fixture.find(&format!("//- {path}\n")).unwrap() + path.len() + 5;
    let end = fixture[start..]
        .find("//- ")
        .map_or(fixture.len(), |e| start + e);
    fixture[start..end].replacen("$0", "", 1)
}
