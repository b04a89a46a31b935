//! Asserting what a test that asserts nothing computes: a quick fix on `no-assertion`.
//!
//! A test that only calls the code (`total([1, 2])`, `let t = total(&[1, 2]);`) passes whatever
//! the code returns. Where such a statement calls a function of the workspace with literal
//! arguments, its result can be recorded and written into the test as an assertion: the same
//! "record" path as test generation. Each called function gets a [`TestPlan`] whose inputs are
//! exactly the test's calls; the runner crate runs the plan's probe through the project's own
//! runner, checks a standalone test asserting the observed values, and only then are the
//! assertions written where the calls are ([`AssertionPlan::edits`]).
//!
//! A bare call becomes the assertion (`assert total([1, 2]) == 3`); a call assigned to a name
//! keeps its statement and is followed by an assertion on the name. Results with no literal
//! form, raises, and async JavaScript functions are left as they were.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use db::{RootDatabase, SourceFile, Workspace};
use serde_json::json;
use syntax::{FunctionKind, Language, Test, TextRange, TextSize};

use super::text::{insert, line_end, line_start, newline, range};
use crate::assists::{Assist, AssistCommand, FileEdit};
use crate::diagnostics::{DiagnosticCode, asserts_nothing};
use crate::generate::{
    self, Outcome, TestFile, TestPlan, call_arguments, call_end, is_literal, is_test_path,
};

/// The command that records assertions: `[{"path", "offset", "test"}]`.
pub const RECORD_ASSERTIONS: &str = "testlens.recordAssertions";

/// A statement of the test that calls a workspace function with literal arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Site {
    /// The called function's name, and the call as written (`shop.Total(2)`).
    name: String,
    call: Range<usize>,
    args: Vec<String>,
    /// The variable the result is assigned to; `None` for a bare call (or one assigned to `_`).
    bound: Option<String>,
    /// From the statement's first character to its end (with its `;`).
    statement: Range<usize>,
    indent: String,
}

/// The calls of one function in the test, and the plan that records them (its inputs are the
/// calls' arguments, in order).
#[derive(Clone, Debug)]
pub struct CalleeCalls {
    pub plan: TestPlan,
    sites: Vec<Site>,
}

/// Everything needed to record assertions into one test. Pure data, built from one snapshot.
#[derive(Clone, Debug)]
pub struct AssertionPlan {
    pub test_path: Arc<Path>,
    pub test_name: String,
    pub callees: Vec<CalleeCalls>,
    language: Language,
    text: String,
    /// A Go test's `*testing.T`.
    t: String,
}

impl AssertionPlan {
    /// The number of statements whose results are recorded.
    pub fn calls(&self) -> usize {
        self.callees.iter().map(|c| c.sites.len()).sum()
    }

    /// The edits writing the assertions for `observed` (one list per callee, one outcome per
    /// call), and how many were written. `Err` when no call gave a result that can be asserted.
    pub fn edits(&self, observed: &[Vec<Option<Outcome>>]) -> Result<(FileEdit, usize), String> {
        let nl = newline(&self.text);
        let mut edits: Vec<(TextRange, String)> = Vec::new();
        let mut imports: Vec<String> = Vec::new();
        let mut written = 0;
        for (callee, outcomes) in self.callees.iter().zip(observed) {
            for (site, outcome) in callee.sites.iter().zip(outcomes) {
                let Some(outcome) = outcome else { continue };
                let shown = &self.text[site.call.clone()];
                let subject = site.bound.as_deref().unwrap_or(shown);
                let Some(assertion) = callee.plan.assertion(subject, shown, outcome, &self.t)
                else {
                    continue;
                };
                let code = assertion.lines.join(&format!("{nl}{}", site.indent));
                match &site.bound {
                    None => edits.push((range(site.statement.start, site.statement.end), code)),
                    Some(_) => {
                        let end = line_end(&self.text, site.statement.end);
                        edits.push(insert(end, format!("{nl}{}{code}", site.indent)));
                    }
                }
                imports.extend(assertion.imports);
                written += 1;
            }
        }
        if written == 0 {
            return Err(format!(
                "no call in `{}` returned a value that can be written as a literal",
                self.test_name
            ));
        }
        imports.sort();
        imports.dedup();
        if self.language == Language::Go && !imports.is_empty() {
            edits.extend(generate::go_import_edits(&self.text, &imports));
        }
        edits.sort_by_key(|(r, _)| r.start);
        Ok((
            FileEdit {
                path: self.test_path.clone(),
                create: false,
                edits,
            },
            written,
        ))
    }
}

/// The fix on each `no-assertion` diagnostic that `range` touches: a command that records
/// assertions, or the fix shown disabled with the reason where the test calls nothing it can
/// record. Listing runs nothing and builds no plan.
pub(super) fn assists(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    range: TextRange,
) -> Vec<Assist> {
    let model = db::file_model(db, file);
    if model.has_syntax_errors {
        return Vec::new();
    }
    let mut out = Vec::new();
    let path = file.path(db).clone();
    let text = file.text(db).to_string();
    let language = file.language(db);
    for test in &model.tests {
        let touched = test.name_range.start <= range.end && range.start <= test.name_range.end;
        if !(touched && asserts_nothing(test)) {
            continue;
        }
        let sites = resolved_sites(db, workspace, file, language, &text, test);
        let calls = sites.len();
        let title = format!("Record assertions for `{}`", test.name);
        let mut assist = Assist::quick_fix(
            title,
            (DiagnosticCode::NoAssertion, test.name_range),
            path.clone(),
            Vec::new(),
        );
        if calls == 0 {
            assist.disabled = Some(format!(
                "`{}` calls no function of the workspace with literal arguments whose result could be recorded",
                test.name
            ));
        } else {
            assist.title = format!(
                "Record assertions for `{}` ({calls} call{})",
                test.name,
                if calls == 1 { "" } else { "s" }
            );
            assist.command = Some(AssistCommand {
                name: RECORD_ASSERTIONS.to_owned(),
                arguments: vec![json!({
                    "path": path.to_string_lossy(),
                    "offset": test.range.start,
                    "test": test.name,
                })],
            });
        }
        out.push(assist);
    }
    out
}

/// The plan recording assertions for the test named `name` (or, failing that, the one at
/// `offset`) in `file`.
pub fn assertion_plan(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    name: Option<&str>,
    offset: TextSize,
) -> Result<AssertionPlan, String> {
    let model = db::file_model(db, file);
    if model.has_syntax_errors {
        return Err("the test file has syntax errors; fix them first".to_owned());
    }
    let test = name
        .and_then(|n| {
            let named: Vec<&Test> = model.tests.iter().filter(|t| t.name == n).collect();
            match named.as_slice() {
                [one] => Some(*one),
                _ => named
                    .into_iter()
                    .min_by_key(|t| t.range.start.abs_diff(offset)),
            }
        })
        .or_else(|| {
            model
                .tests
                .iter()
                .filter(|t| t.range.contains_inclusive(offset))
                .min_by_key(|t| t.range.len())
        })
        .ok_or_else(|| "no test here".to_owned())?;
    if !asserts_nothing(test) {
        return Err(format!("`{}` already asserts something", test.name));
    }
    let language = file.language(db);
    let path = file.path(db).clone();
    let text = file.text(db).to_string();
    let mut callees: Vec<(SourceFile, usize, Vec<Site>)> = Vec::new();
    for (site, def) in resolved_sites(db, workspace, file, language, &text, test) {
        match callees
            .iter_mut()
            .find(|(f, i, _)| (*f, *i) == (def.0, def.1))
        {
            Some((_, _, sites)) => sites.push(site),
            None => callees.push((def.0, def.1, vec![site])),
        }
    }
    if callees.is_empty() {
        return Err(format!(
            "`{}` calls no function of the workspace with literal arguments whose result could be recorded",
            test.name
        ));
    }
    let mut planned = Vec::new();
    let mut refusals = Vec::new();
    for (def_file, index, sites) in callees {
        let given = sites.iter().map(|s| s.args.clone()).collect();
        match generate::plan_for_calls(db, workspace, def_file, index, test.framework, given) {
            Ok(mut plan) => {
                if language == Language::Go {
                    // The assertions go into this file: its package decides the qualifier.
                    plan.target = TestFile {
                        path: path.clone(),
                        exists: true,
                        text: text.clone(),
                    };
                }
                planned.push(CalleeCalls { plan, sites });
            }
            Err(refusal) => refusals.push(format!("`{}`: {refusal}", sites[0].name)),
        }
    }
    if planned.is_empty() {
        return Err(format!(
            "cannot record what `{}` calls: {}",
            test.name,
            refusals.join("; ")
        ));
    }
    Ok(AssertionPlan {
        test_path: path,
        test_name: test.name.clone(),
        callees: planned,
        language,
        t: go_t(&text, test).unwrap_or_else(|| "t".to_owned()),
        text,
    })
}

/// The test's statements that call a workspace function with literal arguments, each with the
/// function's file and index.
fn resolved_sites(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    language: Language,
    text: &str,
    test: &Test,
) -> Vec<(Site, (SourceFile, usize))> {
    let sites = sites(language, text, test);
    if sites.is_empty() {
        return Vec::new();
    }
    let here = file.path(db).clone();
    sites
        .into_iter()
        .filter_map(|site| {
            let def = definition(db, workspace, &here, language, &site.name)?;
            Some((site, def))
        })
        .collect()
}

/// The function named `name` that a test at `test_path` calls: a top-level function outside
/// tests, in a file of the same language family; of several, the one nearest the test.
fn definition(
    db: &RootDatabase,
    workspace: Workspace,
    test_path: &Path,
    language: Language,
    name: &str,
) -> Option<(SourceFile, usize)> {
    let mut best: Option<(usize, SourceFile, usize)> = None;
    for file in workspace.files(db).iter() {
        let l = file.language(db);
        if !(l == language || (l.is_js_family() && language.is_js_family())) {
            continue;
        }
        let path = file.path(db).clone();
        if is_test_path(l, &path) {
            continue;
        }
        let model = db::file_model(db, *file);
        let Some(index) = model.functions.iter().position(|f| {
            f.name == name && f.kind == FunctionKind::Function && f.qualified_name == name
        }) else {
            continue;
        };
        if model.tests.iter().any(|t| t.function == Some(index)) {
            continue;
        }
        let shared = path
            .components()
            .zip(test_path.components())
            .take_while(|(a, b)| a == b)
            .count();
        if best.is_none_or(|(s, _, _)| shared > s) {
            best = Some((shared, *file, index));
        }
    }
    best.map(|(_, f, i)| (f, i))
}

/// The statements of `test` that call a function by name with literal arguments: bare, assigned
/// to `_`, or assigned to one new variable.
fn sites(language: Language, text: &str, test: &Test) -> Vec<Site> {
    let mut out: Vec<Site> = Vec::new();
    for call in &test.calls {
        let (name_start, name_end) = (call.range.start as usize, call.range.end as usize);
        if text.get(name_start..name_end) != Some(call.name.as_str()) {
            continue;
        }
        let Some(start) = callee_start(language, text, name_start) else {
            continue;
        };
        let Some(args) = call_arguments(text, name_end) else {
            continue;
        };
        if !args.iter().all(|a| is_literal(language, a)) {
            continue;
        }
        let Some(end) = call_end(text, name_end) else {
            continue;
        };
        let ls = line_start(text, start);
        let head = &text[ls..start];
        let indent_len = head.len() - head.trim_start().len();
        let indent = head[..indent_len].to_owned();
        // Only the statement's own line: `total(1)` alone, with at most a `;` after it.
        let le = line_end(text, end);
        let tail = text[end..le].trim_end();
        let statement_end = match tail {
            "" => end,
            ";" if matches!(
                language,
                Language::Rust | Language::JavaScript | Language::TypeScript | Language::Tsx
            ) =>
            {
                end + text[end..le].find(';').unwrap_or(0) + 1
            }
            _ => continue,
        };
        let Some(bound) = binding(language, head.trim_start()) else {
            continue;
        };
        // A Rust result moved into the assertion (`x.unwrap()`) cannot be used after it.
        if language == Language::Rust
            && let Some(var) = &bound
            && generate::has_word(&text[statement_end..test.range.end as usize], var)
        {
            continue;
        }
        if out.iter().any(|s| s.statement.start == ls + indent_len) {
            continue;
        }
        out.push(Site {
            name: call.name.clone(),
            call: start..end,
            args,
            bound,
            statement: ls + indent_len..statement_end,
            indent,
        });
    }
    out
}

/// Where the call's callee starts: the name, or a Go package or Rust path before it. `None` for
/// a method call on a value (`cart.total()`), whose receiver the test built.
fn callee_start(language: Language, text: &str, name_start: usize) -> Option<usize> {
    let before = &text[..name_start];
    let word_start = |end: usize| {
        let w = text[..end]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
            .last()
            .map_or(end, |(i, _)| i);
        (w < end).then_some(w)
    };
    match language {
        Language::Go if before.ends_with('.') => {
            // `shop.Total(...)`: a package the file imports (not a value, `c.Total()`).
            let w = word_start(name_start - 1)?;
            let word = &text[w..name_start - 1];
            let imported = [
                format!("/{word}\""),
                format!("\"{word}\""),
                format!("{word} \""),
            ]
            .iter()
            .any(|p| text.contains(p.as_str()));
            imported.then_some(w)
        }
        Language::Rust if before.ends_with("::") => {
            // `shop::pricing::total(...)`, `super::total(...)`.
            let mut at = name_start;
            while text[..at].ends_with("::") {
                at = word_start(at - 2)?;
            }
            Some(at)
        }
        _ if before.ends_with('.') || before.ends_with("::") => None,
        _ => Some(name_start),
    }
}

/// What the statement's text before the call says about its result: `Some(None)` for a bare
/// call (or `_ =`), `Some(Some(name))` for an assignment to one new name, `None` otherwise.
fn binding(language: Language, head: &str) -> Option<Option<String>> {
    let head = head.trim_end();
    if head.is_empty() {
        return Some(None);
    }
    let lhs = match language {
        Language::Python => head.strip_suffix('=')?.trim_end(),
        Language::Go => head
            .strip_suffix(":=")
            .or_else(|| head.strip_suffix('='))?
            .trim_end(),
        Language::Rust => {
            let lhs = head.strip_suffix('=')?.trim_end().strip_prefix("let ")?;
            let lhs = lhs.trim_start().trim_start_matches("mut ").trim_start();
            // `let x: u32 = ...`
            lhs.split(':').next()?.trim_end()
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            let lhs = head.strip_suffix('=')?.trim_end();
            let lhs = ["const ", "let ", "var "]
                .iter()
                .find_map(|k| lhs.strip_prefix(k))?;
            lhs.split(':').next()?.trim()
        }
    };
    if lhs == "_" {
        return Some(None);
    }
    let identifier = !lhs.is_empty()
        && !lhs.starts_with(|c: char| c.is_ascii_digit())
        && lhs
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    identifier.then(|| Some(lhs.to_owned()))
}

/// The name of a Go test's `*testing.T` parameter.
fn go_t(text: &str, test: &Test) -> Option<String> {
    super::text::go_testing_param(text, test)
        .map(|(name, _)| name)
        .filter(|n| n != "_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heal::text::model;

    fn sites_of(language: Language, file: &str, text: &str) -> Vec<(String, Option<String>)> {
        let m = model(language, file, text);
        m.tests
            .iter()
            .flat_map(|t| sites(language, text, t))
            .map(|s| (text[s.call.clone()].to_owned(), s.bound))
            .collect()
    }

    #[test]
    fn bare_and_bound_calls_with_literal_arguments_are_sites_and_others_are_not() {
        let text = "from shop import total\n\ndef test_x():\n    total([1, 2])\n    t = total([3])\n    _ = total([])\n    cart.total([4])\n    total(items)\n    print(total([5]))\n";
        assert_eq!(
            sites_of(Language::Python, "/w/tests/test_x.py", text),
            vec![
                ("total([1, 2])".to_owned(), None),
                ("total([3])".to_owned(), Some("t".to_owned())),
                ("total([])".to_owned(), None),
            ]
        );
        let text = "import { total } from \"./total\";\ntest(\"x\", () => {\n  total([1]);\n  const t: number = total([2]);\n  expect;\n  await total([3]);\n});\n";
        assert_eq!(
            sites_of(Language::TypeScript, "/w/src/x.test.ts", text),
            vec![
                ("total([1])".to_owned(), None),
                ("total([2])".to_owned(), Some("t".to_owned())),
            ]
        );
        let text = "package shop_test\n\nimport (\n\t\"testing\"\n\t\"example.com/shop\"\n)\n\nfunc TestX(tt *testing.T) {\n\tshop.Total(2)\n\tv := Fee(1)\n\tc.Total(3)\n}\n";
        let m = model(Language::Go, "/w/x_test.go", text);
        assert_eq!(go_t(text, &m.tests[0]).as_deref(), Some("tt"));
        assert_eq!(
            sites_of(Language::Go, "/w/x_test.go", text),
            vec![
                ("shop.Total(2)".to_owned(), None),
                ("Fee(1)".to_owned(), Some("v".to_owned())),
            ]
        );
        let text = "#[cfg(test)]\nmod tests {\n    #[test]\n    fn x() {\n        let _ = super::fee(1);\n        let mut a: u32 = fee(2);\n        let b = fee(3);\n        drop(b);\n    }\n}\n";
        assert_eq!(
            sites_of(Language::Rust, "/w/src/lib.rs", text),
            vec![
                ("super::fee(1)".to_owned(), None),
                ("fee(2)".to_owned(), Some("a".to_owned())),
            ],
            "`b` is used after the call, so an assertion moving it is not written"
        );
    }
}
