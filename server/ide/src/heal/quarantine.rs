//! Quarantining a flaky test: a quick fix on `flaky-test` (and on `broken-test` when its verdict
//! is "likely flaky") that skips the test the way its framework spells it, with a reason that
//! names the evidence, and a follow-up command that records the quarantine in the history so
//! that `testlens check` keeps listing it.

use std::path::Path;

use db::{RootDatabase, SourceFile, Workspace};
use syntax::{Framework, Language, MarkerKind, Test, TestKind, TextRange};

use super::text::{
    indent_at, insert, line_start, newline, project_file, python_add_import, python_import_alias,
    quoted,
};
use crate::assists::{Assist, AssistCommand, AssistKind, FileEdit};
use crate::diagnostics::DiagnosticCode;
use crate::history::History;
use crate::insights::{self, flake_evidence};

/// The command the client runs after applying the edit: `[file, name, reason]`, the file
/// relative to the workspace root and the test's full name.
pub const RECORD_QUARANTINE: &str = "testlens.recordQuarantine";

/// How many reruns `@pytest.mark.flaky` gets.
const RERUNS: u32 = 3;

/// The longest reason written into the code.
const MAX_REASON: usize = 100;

pub(super) fn assists(
    db: &RootDatabase,
    workspace: Workspace,
    history: Option<&History>,
    file: SourceFile,
    range: TextRange,
) -> Vec<Assist> {
    let Some(history) = history else {
        return Vec::new();
    };
    let model = db::file_model(db, file);
    if model.has_syntax_errors {
        // Edits placed by reading around a broken tree could land anywhere.
        return Vec::new();
    }
    let path = file.path(db).clone();
    let Some(rel) = history.relative(&path) else {
        return Vec::new();
    };
    let text = file.text(db).to_string();
    let language = file.language(db);
    let mut broken: Option<Vec<crate::diagnostics::Diagnostic>> = None;
    let mut out = Vec::new();
    for test in &model.tests {
        if test.markers.iter().any(|m| m.kind == MarkerKind::Skip) {
            continue;
        }
        let name = test.full_name();
        let cases = history.tests_at(&rel, &name);
        let Some(stats) = history.combined(cases) else {
            continue;
        };
        let evidence = flake_evidence(history, cases, &stats);
        let (reason, target) = match evidence {
            Some(evidence) if touches(test.name_range, range) => (
                reason_from(&evidence),
                (DiagnosticCode::FlakyTest, test.name_range),
            ),
            _ if stats.broken() => {
                let found = broken.get_or_insert_with(|| {
                    insights::history_diagnostics(db, workspace, history, file, &mut [])
                });
                let Some((verdict, at)) = found.iter().find_map(|d| {
                    let verdict = d.message.lines().find(|l| l.starts_with("likely flaky"))?;
                    (d.code == DiagnosticCode::BrokenTest
                        && (test.range.contains_range(d.range) || d.range == test.name_range)
                        && touches(d.range, range))
                    .then(|| (verdict.to_owned(), d.range))
                }) else {
                    continue;
                };
                (reason_from(&verdict), (DiagnosticCode::BrokenTest, at))
            }
            _ => continue,
        };
        let project = Project::of(&path, &text, language);
        for fix in quarantine_fixes(&text, language, test, &reason, &project) {
            out.push(Assist {
                title: fix.title,
                kind: AssistKind::QuickFix,
                fixes: Some(target),
                edits: vec![FileEdit {
                    path: path.clone(),
                    create: false,
                    edits: fix.edits,
                }],
                command: Some(AssistCommand {
                    name: RECORD_QUARANTINE.to_owned(),
                    arguments: vec![
                        serde_json::Value::from(rel.clone()),
                        serde_json::Value::from(name.clone()),
                        serde_json::Value::from(reason.clone()),
                    ],
                }),
                preferred: fix.preferred,
                disabled: None,
            });
        }
    }
    out
}

/// Records the quarantine of test `name` of `file` (relative to the workspace root) in the
/// history at `store_path`, opened for writing just for this. A history locked by another
/// writer is waited for up to `busy_timeout`, then reported as [`store::StoreError::Locked`].
pub fn record_quarantine(
    store_path: &Path,
    file: &str,
    name: &str,
    reason: &str,
    busy_timeout: std::time::Duration,
) -> Result<store::Quarantine, store::StoreError> {
    let mut store = store::Store::open(
        store_path,
        &store::OpenOptions {
            busy_timeout,
            read_only: false,
        },
    )?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    store.quarantine(file, name, reason, now)
}

fn touches(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The reason written into the code: the evidence without what goes stale (how long ago the
/// last failure was, its message), at most [`MAX_REASON`] characters.
pub(crate) fn reason_from(evidence: &str) -> String {
    let kept = evidence.split("; last failure").next().unwrap_or(evidence);
    let kept = kept.trim();
    let reason = if kept.starts_with("likely flaky") {
        kept.to_owned()
    } else {
        format!("flaky: {kept}")
    };
    if reason.chars().count() > MAX_REASON {
        let cut: String = reason.chars().take(MAX_REASON - 1).collect();
        format!("{cut}…")
    } else {
        reason
    }
}

/// What the project offers beyond the file: the pytest plugins it uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Project {
    /// pytest-rerunfailures (`@pytest.mark.flaky(reruns=...)`).
    pub rerunfailures: bool,
}

impl Project {
    fn of(path: &Path, text: &str, language: Language) -> Project {
        if language != Language::Python {
            return Project::default();
        }
        let manifests = project_file(
            path,
            &[
                "requirements.txt",
                "requirements-dev.txt",
                "requirements-test.txt",
                "pyproject.toml",
                "setup.cfg",
                "Pipfile",
            ],
        );
        Project {
            rerunfailures: text.contains("pytest.mark.flaky")
                || manifests
                    .iter()
                    .any(|m| m.to_ascii_lowercase().contains("pytest-rerunfailures")),
        }
    }
}

/// One way to quarantine a test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct QuarantineFix {
    pub title: String,
    pub edits: Vec<(TextRange, String)>,
    pub preferred: bool,
}

/// The ways to quarantine `test` of `text`, the preferred one first; none when the test's
/// shape is not one this knows how to edit.
pub(crate) fn quarantine_fixes(
    text: &str,
    language: Language,
    test: &Test,
    reason: &str,
    project: &Project,
) -> Vec<QuarantineFix> {
    let name = test.full_name();
    let fix = |how: &str, edits: Vec<(TextRange, String)>, preferred| QuarantineFix {
        title: format!("Quarantine `{name}`: {how}"),
        edits,
        preferred,
    };
    match language {
        Language::Python => {
            let Some(def_line) = python_def_line(text, test) else {
                return Vec::new();
            };
            let indent = indent_at(text, def_line).to_owned();
            let nl = newline(text);
            let decorate = |module: &str, decorator: String| {
                let mut edits = Vec::new();
                let alias = python_import_alias(text, module).unwrap_or_else(|| {
                    edits.push(python_add_import(text, module));
                    module.to_owned()
                });
                edits.push(insert(
                    def_line,
                    format!("{indent}@{alias}.{decorator}{nl}"),
                ));
                edits
            };
            let reason = quoted(reason);
            if test.framework == Framework::Unittest {
                return vec![fix(
                    "skip it with `@unittest.skip`",
                    decorate("unittest", format!("skip({reason})")),
                    true,
                )];
            }
            let mut fixes = vec![fix(
                "skip it with `@pytest.mark.skip`",
                decorate("pytest", format!("mark.skip(reason={reason})")),
                true,
            )];
            if project.rerunfailures {
                fixes.push(fix(
                    &format!("rerun it with `@pytest.mark.flaky(reruns={RERUNS})`"),
                    decorate("pytest", format!("mark.flaky(reruns={RERUNS})")),
                    false,
                ));
            }
            fixes.push(fix(
                "mark it `@pytest.mark.xfail(strict=False)`",
                decorate(
                    "pytest",
                    format!("mark.xfail(strict=False, reason={reason})"),
                ),
                false,
            ));
            fixes
        }
        Language::Rust => {
            let at = line_start(text, test.name_range.start as usize);
            let indent = indent_at(text, at);
            let nl = newline(text);
            vec![fix(
                "ignore it with `#[ignore]`",
                vec![insert(
                    at,
                    format!("{indent}#[ignore = {}]{nl}", quoted(reason)),
                )],
                true,
            )]
        }
        Language::Go => go_skip(text, test, reason)
            .map(|(param, edit)| {
                vec![fix(
                    &format!("skip it with `{param}.Skip`"),
                    vec![edit],
                    true,
                )]
            })
            .unwrap_or_default(),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            if test.framework == Framework::NodeTest {
                return node_test_skip(text, test, reason)
                    .map(|edit| vec![fix("skip it with `{ skip }`", vec![edit], true)])
                    .unwrap_or_default();
            }
            js_skip(text, test, reason)
                .map(|(callee, edits)| {
                    vec![fix(&format!("skip it with `{callee}.skip`"), edits, true)]
                })
                .unwrap_or_default()
        }
    }
}

/// The start of the line of a Python test's `def` (below its decorators).
fn python_def_line(text: &str, test: &Test) -> Option<usize> {
    let at = line_start(text, test.name_range.start as usize);
    let line = text[at..].trim_start();
    (line.starts_with("def ") || line.starts_with("async def ")).then_some(at)
}

/// Go: `t.Skip("...")` as the first statement of the test's (or subtest's) body.
fn go_skip(text: &str, test: &Test, reason: &str) -> Option<(String, (TextRange, String))> {
    let (param, open) = go_body(text, test)?;
    let indent = indent_at(text, open).to_owned();
    let step = super::text::indent_unit(text);
    let nl = newline(text);
    Some((
        param.clone(),
        insert(
            open + 1,
            format!("{nl}{indent}{step}{param}.Skip({})", quoted(reason)),
        ),
    ))
}

/// Go: the name of a test function's `*testing.T` (`B`, `F`) parameter and the offset of its
/// body's `{`.
pub(super) fn go_body(text: &str, test: &Test) -> Option<(String, usize)> {
    let (param, at) = super::text::go_testing_param(text, test)?;
    if param == "_" {
        return None;
    }
    let open = at + text[at..test.range.end as usize].find('{')?;
    Some((param, open))
}

/// Jest, Vitest, Mocha: `it(` → `it.skip(`, with the reason in a `// reason:` comment above.
fn js_skip(text: &str, test: &Test, reason: &str) -> Option<(String, Vec<(TextRange, String)>)> {
    if matches!(test.kind, TestKind::Subtest) {
        return None;
    }
    let start = test.range.start as usize;
    let callee: String = text[start..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
        .collect();
    if !matches!(callee.as_str(), "it" | "test" | "specify") {
        return None;
    }
    let after = &text[start + callee.len()..];
    if !(after.starts_with('(') || after.starts_with(".each")) {
        // `.only`, `.concurrent`, `.todo`: a form this does not rewrite.
        return None;
    }
    let at = line_start(text, start);
    let indent = indent_at(text, start);
    let nl = newline(text);
    Some((
        callee.clone(),
        vec![
            insert(
                at,
                format!("{indent}// reason: {}{nl}", super::text::one_line(reason)),
            ),
            insert(start + callee.len(), ".skip"),
        ],
    ))
}

/// node:test: the `{ skip: "..." }` option after the test's name.
fn node_test_skip(text: &str, test: &Test, reason: &str) -> Option<(TextRange, String)> {
    let after_name = test.name_range.end as usize;
    let rest = &text[after_name..];
    let comma = rest.trim_start().strip_prefix(',')?;
    let at = after_name + rest.len() - comma.len();
    let options = comma.trim_start();
    let options_at = at + comma.len() - options.len();
    if options.starts_with('{') {
        Some(insert(
            options_at + 1,
            format!(" skip: {},", quoted(reason)),
        ))
    } else {
        Some(insert(
            options_at,
            format!("{{ skip: {} }}, ", quoted(reason)),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assists::apply_edits;

    use super::super::text::model;

    /// The file after each quarantine fix of the test named `name`, with the fix's title.
    fn fixes(
        language: Language,
        file_name: &str,
        text: &str,
        name: &str,
        project: &Project,
    ) -> Vec<(String, String)> {
        let model = model(language, file_name, text);
        let test = model
            .tests
            .iter()
            .find(|t| t.full_name() == name)
            .unwrap_or_else(|| panic!("no test {name} in {:?}", model.tests));
        quarantine_fixes(text, language, test, "flaky: failed 2 of 4 runs", project)
            .into_iter()
            .map(|f| (f.title, apply_edits(text, &f.edits)))
            .collect()
    }

    fn only(fixes: Vec<(String, String)>) -> String {
        assert_eq!(fixes.len(), 1, "{fixes:?}");
        fixes.into_iter().next().unwrap().1
    }

    #[test]
    fn pytest_skip_goes_below_existing_decorators_with_the_test_indentation() {
        let text = "import pytest\n\n\nclass TestCart:\n    @pytest.mark.parametrize(\"n\", [1, 2])\n    def test_flips(self, n):\n        assert n\n";
        let out = fixes(
            Language::Python,
            "test_cart.py",
            text,
            "TestCart > test_flips",
            &Project::default(),
        );
        let titles: Vec<&str> = out.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Quarantine `TestCart > test_flips`: skip it with `@pytest.mark.skip`",
                "Quarantine `TestCart > test_flips`: mark it `@pytest.mark.xfail(strict=False)`"
            ]
        );
        assert_eq!(
            out[0].1,
            "import pytest\n\n\nclass TestCart:\n    @pytest.mark.parametrize(\"n\", [1, 2])\n    @pytest.mark.skip(reason=\"flaky: failed 2 of 4 runs\")\n    def test_flips(self, n):\n        assert n\n"
        );
        assert!(out[1].1.contains(
            "    @pytest.mark.xfail(strict=False, reason=\"flaky: failed 2 of 4 runs\")\n    def test_flips"
        ));
    }

    #[test]
    fn pytest_import_is_added_when_missing_and_an_alias_is_used_when_present() {
        let text = "\"\"\"Tests.\"\"\"\n\nimport os\n\n\ndef test_env():\n    assert os.environ\n";
        let out = fixes(
            Language::Python,
            "test_env.py",
            text,
            "test_env",
            &Project::default(),
        );
        assert_eq!(
            out[0].1,
            "\"\"\"Tests.\"\"\"\n\nimport pytest\nimport os\n\n\n@pytest.mark.skip(reason=\"flaky: failed 2 of 4 runs\")\ndef test_env():\n    assert os.environ\n"
        );
        let aliased = "import pytest as pt\n\ndef test_env():\n    assert 1\n";
        let out = fixes(
            Language::Python,
            "test_env.py",
            aliased,
            "test_env",
            &Project::default(),
        );
        assert_eq!(
            out[0].1,
            "import pytest as pt\n\n@pt.mark.skip(reason=\"flaky: failed 2 of 4 runs\")\ndef test_env():\n    assert 1\n"
        );
    }

    #[test]
    fn pytest_rerunfailures_projects_are_offered_reruns() {
        let text = "import pytest\n\ndef test_net():\n    assert 1\n";
        let project = Project {
            rerunfailures: true,
        };
        let out = fixes(Language::Python, "test_net.py", text, "test_net", &project);
        assert_eq!(out.len(), 3);
        assert_eq!(
            out[1].0,
            "Quarantine `test_net`: rerun it with `@pytest.mark.flaky(reruns=3)`"
        );
        assert_eq!(
            out[1].1,
            "import pytest\n\n@pytest.mark.flaky(reruns=3)\ndef test_net():\n    assert 1\n"
        );
    }

    #[test]
    fn unittest_tests_get_unittest_skip() {
        let text = "from unittest import TestCase\n\n\nclass CartTestCase(TestCase):\n    def test_total(self):\n        self.assertEqual(1, 1)\n";
        let out = only(fixes(
            Language::Python,
            "test_cart.py",
            text,
            "CartTestCase > test_total",
            &Project::default(),
        ));
        assert_eq!(
            out,
            "import unittest\nfrom unittest import TestCase\n\n\nclass CartTestCase(TestCase):\n    @unittest.skip(\"flaky: failed 2 of 4 runs\")\n    def test_total(self):\n        self.assertEqual(1, 1)\n"
        );
    }

    #[test]
    fn rust_tests_get_an_ignore_attribute_in_their_module() {
        let text = "#[cfg(test)]\nmod tests {\n    #[test]\n    fn flips() {\n        assert!(true);\n    }\n}\n";
        let out = only(fixes(
            Language::Rust,
            "lib.rs",
            text,
            "tests > flips",
            &Project::default(),
        ));
        assert_eq!(
            out,
            "#[cfg(test)]\nmod tests {\n    #[test]\n    #[ignore = \"flaky: failed 2 of 4 runs\"]\n    fn flips() {\n        assert!(true);\n    }\n}\n"
        );
    }

    #[test]
    fn go_tests_and_subtests_skip_first_thing_in_their_body() {
        let text = "package shop\n\nimport \"testing\"\n\nfunc TestFlips(tt *testing.T) {\n\tif 1 != 1 {\n\t\ttt.Fatal(\"no\")\n\t}\n}\n";
        let out = only(fixes(
            Language::Go,
            "shop_test.go",
            text,
            "TestFlips",
            &Project::default(),
        ));
        assert_eq!(
            out,
            "package shop\n\nimport \"testing\"\n\nfunc TestFlips(tt *testing.T) {\n\ttt.Skip(\"flaky: failed 2 of 4 runs\")\n\tif 1 != 1 {\n\t\ttt.Fatal(\"no\")\n\t}\n}\n"
        );
        let sub = "package shop\n\nimport \"testing\"\n\nfunc TestAll(t *testing.T) {\n\tt.Run(\"valid\", func(t *testing.T) {\n\t\tt.Log(\"x\")\n\t})\n}\n";
        let out = only(fixes(
            Language::Go,
            "shop_test.go",
            sub,
            "TestAll > valid",
            &Project::default(),
        ));
        assert_eq!(
            out,
            "package shop\n\nimport \"testing\"\n\nfunc TestAll(t *testing.T) {\n\tt.Run(\"valid\", func(t *testing.T) {\n\t\tt.Skip(\"flaky: failed 2 of 4 runs\")\n\t\tt.Log(\"x\")\n\t})\n}\n"
        );
    }

    #[test]
    fn jest_and_vitest_tests_become_skip_with_the_reason_in_a_comment() {
        let text = "describe(\"cart\", () => {\n  it(\"flips\", () => {\n    expect(1).toBe(1);\n  });\n  test.each([1])(\"case %i\", (n) => {});\n});\n";
        let out = only(fixes(
            Language::JavaScript,
            "cart.test.js",
            text,
            "cart > flips",
            &Project::default(),
        ));
        assert_eq!(
            out,
            "describe(\"cart\", () => {\n  // reason: flaky: failed 2 of 4 runs\n  it.skip(\"flips\", () => {\n    expect(1).toBe(1);\n  });\n  test.each([1])(\"case %i\", (n) => {});\n});\n"
        );
        let out = only(fixes(
            Language::TypeScript,
            "cart.test.ts",
            text,
            "cart > case %i",
            &Project::default(),
        ));
        assert!(out.contains("  test.skip.each([1])(\"case %i\""), "{out}");
    }

    #[test]
    fn node_test_gets_the_skip_option() {
        let text = "import test from \"node:test\";\n\ntest(\"flips\", () => {});\ntest(\"timed\", { timeout: 5 }, () => {});\n";
        let out = only(fixes(
            Language::JavaScript,
            "a.test.js",
            text,
            "flips",
            &Project::default(),
        ));
        assert!(
            out.contains("test(\"flips\", { skip: \"flaky: failed 2 of 4 runs\" }, () => {});"),
            "{out}"
        );
        let out = only(fixes(
            Language::JavaScript,
            "a.test.js",
            text,
            "timed",
            &Project::default(),
        ));
        assert!(
            out.contains(
                "test(\"timed\", { skip: \"flaky: failed 2 of 4 runs\", timeout: 5 }, () => {});"
            ),
            "{out}"
        );
    }

    #[test]
    fn reasons_drop_what_goes_stale_and_stay_short() {
        assert_eq!(
            reason_from(
                "failed 2 of 4 runs on unchanged code; last failure 3 days ago: AssertionError: boom"
            ),
            "flaky: failed 2 of 4 runs on unchanged code"
        );
        assert_eq!(
            reason_from("likely flaky: nothing it covers changed since it last passed at abc1234"),
            "likely flaky: nothing it covers changed since it last passed at abc1234"
        );
        assert_eq!(reason_from(&"x".repeat(300)).chars().count(), MAX_REASON);
    }
}
