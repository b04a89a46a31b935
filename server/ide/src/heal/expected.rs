//! Update an expected value after an intended change. A broken test's recorded failure message
//! gives the expected and actual values (pytest's `assert 151 == 150`, unittest's `251 != 250`,
//! Rust's `left:`/`right:`, Go's `got`/`want` and testify's `expected:`/`actual:`, Jest's
//! `Expected:`/`Received:`, Vitest's `expected 151 to be 150`). When a function the test covers
//! changed since it last passed, the change was likely intended: the fix writes the actual value
//! where the assertion has the expected one. When nothing it covers changed, the fix is shown
//! disabled: the failure looks like a regression (or a flake), and the test is right.

use db::{RootDatabase, SourceFile, Workspace};
use syntax::{Language, SourceText, Test, TextRange, TextSize};

use crate::assists::{Assist, AssistKind, FileEdit};
use crate::diagnostics::DiagnosticCode;
use crate::history::{History, short};
use crate::insights;

/// The two values of a failed comparison, as the runner printed them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Values {
    pub first: String,
    pub second: String,
    /// Which of the two the runner says is the expected one, where it says.
    pub expected: Option<Which>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Which {
    First,
    Second,
}

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
    let Some(rel) = insights::rel(history, db, file) else {
        return Vec::new();
    };
    let model = db::file_model(db, file);
    let text = file.text(db);
    let language = file.language(db);
    let mut out = Vec::new();
    for test in &model.tests {
        if !(test.range.start <= range.end && range.start <= test.range.end) {
            continue;
        }
        if let Some(assist) = fix(
            db, workspace, history, file, &rel, text, language, test, range,
        ) {
            out.push(assist);
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn fix(
    db: &RootDatabase,
    workspace: Workspace,
    history: &History,
    file: SourceFile,
    rel: &str,
    text: &SourceText,
    language: Language,
    test: &Test,
    range: TextRange,
) -> Option<Assist> {
    let cases = history.tests_at(rel, &test.full_name());
    let (case, failure) = insights::newest_failure(history, cases)?;
    let at = insights::failing_line(failure, rel, text, test)?;
    // The fix is attached to the broken-test diagnostic, which sits on the failing line.
    if !(at.start <= range.end && range.start <= at.end) {
        return None;
    }
    let values = parse_values(failure.message.as_deref()?)?;
    let region = assertion_region(text, language, at);
    let edits = replacements(text, &region, &values)?;
    let (old, new) = (edits.expected.clone(), edits.actual.clone());
    let record = &history.recent.tests[case];
    let pass = history.last_pass(record.id)?;
    let commit = pass.commit.as_deref()?;
    // Still reading the workspace: whether anything changed cannot be told yet.
    let covered = insights::covered_functions(db, workspace, history, test, record.id)?;
    let changed = insights::changed_since(history, &covered, commit);
    let names: Vec<String> = changed.iter().map(|c| format!("`{}`", c.2)).collect();
    let (title, disabled) = if names.is_empty() {
        (
            format!("Update the expected value {old} to {new}"),
            Some(format!(
                "nothing `{}` covers changed since it last passed at {}: this looks like a \
                 regression, not an intended change",
                test.name,
                short(commit)
            )),
        )
    } else {
        (
            format!(
                "Update the expected value {old} to {new} ({} changed)",
                names.join(", ")
            ),
            None,
        )
    };
    Some(Assist {
        title,
        kind: AssistKind::QuickFix,
        fixes: Some((DiagnosticCode::BrokenTest, at)),
        edits: vec![FileEdit {
            path: file.path(db).clone(),
            create: false,
            edits: edits.edits,
        }],
        command: None,
        preferred: disabled.is_none(),
        disabled,
    })
}

/// The expected and actual values of a failed comparison in a runner's message.
pub(crate) fn parse_values(message: &str) -> Option<Values> {
    let lines: Vec<&str> = message.lines().map(str::trim_end).collect();
    let after = |prefix: &str| {
        lines
            .iter()
            .find_map(|l| l.trim_start().strip_prefix(prefix))
            .map(|v| v.trim().to_owned())
    };
    // Jest (and Vitest's details): `Expected: 150` / `Received: 151`.
    if let (Some(expected), Some(received)) = (after("Expected: "), after("Received: ")) {
        return Some(Values {
            first: received,
            second: expected,
            expected: Some(Which::Second),
        });
    }
    // testify: `expected: 150` / `actual  : 151`.
    if let (Some(expected), Some(actual)) = (after("expected: "), after("actual  : ")) {
        return Some(Values {
            first: actual,
            second: expected,
            expected: Some(Which::Second),
        });
    }
    // Rust's assert_eq!: `left: 151` / `right: 150`.
    if let (Some(left), Some(right)) = (after("left: "), after("right: ")) {
        return Some(Values {
            first: left,
            second: right,
            expected: None,
        });
    }
    for line in &lines {
        let line = line.trim();
        // Vitest: `expected 151 to be 150 // Object.is equality` (also `to equal`).
        if let Some(rest) = line.strip_prefix("expected ")
            && let Some((actual, tail)) = rest
                .split_once(" to be ")
                .or_else(|| rest.split_once(" to equal "))
                .or_else(|| rest.split_once(" to deeply equal "))
        {
            let expected = tail.split(" // ").next().unwrap_or(tail).trim();
            return Some(Values {
                first: actual.trim().to_owned(),
                second: expected.to_owned(),
                expected: Some(Which::Second),
            });
        }
        // pytest's rewritten assert: `assert 151 == 150`.
        if let Some(rest) = line.strip_prefix("assert ")
            && let Some((left, right)) = rest.split_once(" == ")
        {
            return Some(Values {
                first: left.trim().to_owned(),
                second: right.trim().to_owned(),
                expected: None,
            });
        }
        // unittest: `AssertionError: 251 != 250`.
        if let Some(rest) = line.strip_prefix("AssertionError: ")
            && let Some((left, right)) = rest.split_once(" != ")
        {
            return Some(Values {
                first: left.trim().to_owned(),
                second: right.trim().to_owned(),
                expected: None,
            });
        }
        // Go's convention: `got 151, want 150`, `F(x) = 151, want 150`.
        if let Some((head, want)) = line.rsplit_once(", want ") {
            let got = head
                .rsplit_once(" = ")
                .map(|(_, g)| g)
                .or_else(|| head.rsplit_once("got ").map(|(_, g)| g))
                .or_else(|| head.rsplit_once("got: ").map(|(_, g)| g));
            if let Some(got) = got {
                return Some(Values {
                    first: got.trim().to_owned(),
                    second: want.trim().to_owned(),
                    expected: Some(Which::Second),
                });
            }
        }
    }
    None
}

/// The lines an assertion spans around its failing line: the line itself, and for Go the `if`
/// whose condition holds the comparison when the failing line reports it (`t.Errorf(...)`).
fn assertion_region(text: &SourceText, language: Language, at: TextRange) -> Vec<TextRange> {
    let mut region = vec![at];
    if language == Language::Go {
        let line = text.point(at.start).0 as u32;
        if line > 0
            && let Some(above) = insights::line_range(text, line - 1)
        {
            let written = text.slice(above);
            if written.starts_with("if ") && written.ends_with('{') {
                region.insert(0, above);
            }
        }
    }
    region
}

struct Replacement {
    expected: String,
    actual: String,
    edits: Vec<(TextRange, String)>,
}

/// The edits that write the actual value where the region has the expected one: in each line
/// of the region, the last literal equal to the expected value. Which value is expected comes
/// from the runner where it says, otherwise from the source (the one written as a literal).
fn replacements(text: &SourceText, region: &[TextRange], values: &Values) -> Option<Replacement> {
    let order: Vec<Which> = match values.expected {
        Some(w) => vec![w],
        None => vec![Which::Second, Which::First],
    };
    for which in order {
        let (expected, actual) = match which {
            Which::First => (&values.first, &values.second),
            Which::Second => (&values.second, &values.first),
        };
        if expected == actual || !is_literal(actual) {
            continue;
        }
        let mut edits = Vec::new();
        for line in region {
            let written = text.slice(*line);
            if let Some((start, len, replacement)) = last_literal(&written, expected, actual) {
                let at = line.start + start as TextSize;
                edits.push((TextRange::new(at, at + len as TextSize), replacement));
            }
        }
        if !edits.is_empty() {
            return Some(Replacement {
                expected: expected.clone(),
                actual: actual.clone(),
                edits,
            });
        }
    }
    None
}

/// Whether a printed value can be written back as a literal: a number, a boolean, or a quoted
/// string. Objects, lists and anything multi-line are left alone.
fn is_literal(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() || v.contains('\n') {
        return false;
    }
    let number = v
        .strip_prefix('-')
        .unwrap_or(v)
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
        && v.chars().any(|c| c.is_ascii_digit());
    let quoted = v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')));
    number || quoted || matches!(v, "true" | "false" | "True" | "False")
}

/// The last occurrence in `line` of the literal `expected`, standing alone (not part of a
/// longer number or name), as (byte start, byte length, the text to write instead). A quoted
/// string matches whatever quotes the source uses, and the replacement keeps them.
fn last_literal(line: &str, expected: &str, actual: &str) -> Option<(usize, usize, String)> {
    let unquote = |v: &str| -> Option<String> {
        let q = v.chars().next()?;
        (matches!(q, '"' | '\'') && v.len() >= 2 && v.ends_with(q))
            .then(|| v[1..v.len() - 1].to_owned())
    };
    if let (Some(exp), Some(act)) = (unquote(expected), unquote(actual)) {
        for quote in ['"', '\''] {
            let needle = format!("{quote}{exp}{quote}");
            if let Some(start) = line.rfind(&needle) {
                let escaped = act.replace(quote, &format!("\\{quote}"));
                return Some((start, needle.len(), format!("{quote}{escaped}{quote}")));
            }
        }
        return None;
    }
    let bytes = line.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
    let mut found = None;
    let mut from = 0;
    while let Some(i) = line[from..].find(expected) {
        let start = from + i;
        let end = start + expected.len();
        let alone =
            (start == 0 || !word(bytes[start - 1])) && (end == bytes.len() || !word(bytes[end]));
        // Not inside a string literal other than a format string's words.
        if alone {
            found = Some(start);
        }
        from = start + expected.len().max(1);
    }
    found.map(|start| (start, expected.len(), actual.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Messages as the fixtures' real runners wrote them (fixtures/*/reports/regression).
    #[test]
    fn each_runner_s_message_gives_the_expected_and_actual_values() {
        let cases = [
            (
                "assert 151 == 150\n +  where 151 = line_total(50, 3)",
                ("151", "150", None),
            ),
            ("AssertionError: 251 != 250", ("251", "250", None)),
            (
                "thread 'tests::line_total_multiplies_price_by_qty' (23587) panicked at src/lib.rs:120:9\n\nthread 'tests::line_total_multiplies_price_by_qty' (23587) panicked at src/lib.rs:120:9:\nassertion `left == right` failed\n  left: 151\n right: 150\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
                ("151", "150", None),
            ),
            (
                "pricing_test.go:12: LineTotal = 151, want 150",
                ("151", "150", Some(Which::Second)),
            ),
            (
                "Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 150\nReceived: 151\n    at Object.toBe (/tmp/x/__tests__/pricing.test.js:16:33)",
                ("151", "150", Some(Which::Second)),
            ),
            (
                "expected 151 to be 150 // Object.is equality",
                ("151", "150", Some(Which::Second)),
            ),
            (
                "Error Trace:\tcart_test.go:11\n\tError:      \tNot equal: \n\t            \texpected: 100\n\t            \tactual  : 101",
                ("101", "100", Some(Which::Second)),
            ),
        ];
        for (message, (first, second, expected)) in cases {
            assert_eq!(
                parse_values(message),
                Some(Values {
                    first: first.to_owned(),
                    second: second.to_owned(),
                    expected,
                }),
                "{message}"
            );
        }
        assert_eq!(parse_values("TypeError: x is not a function"), None);
    }

    fn edit(line: &str, values: Values) -> Option<String> {
        let text = SourceText::from(line);
        let r = replacements(&text, &[TextRange::new(0, line.len() as TextSize)], &values)?;
        Some(crate::assists::apply_edits(line, &r.edits))
    }

    fn unordered(first: &str, second: &str) -> Values {
        Values {
            first: first.to_owned(),
            second: second.to_owned(),
            expected: None,
        }
    }

    #[test]
    fn the_literal_in_the_assertion_is_the_expected_one_and_gets_the_actual_value() {
        assert_eq!(
            edit("assert line_total(50, 3) == 150", unordered("151", "150")).as_deref(),
            Some("assert line_total(50, 3) == 151")
        );
        // The expected value written first (`assertEqual(250, x)`) is found too.
        assert_eq!(
            edit(
                "self.assertEqual(250, cart.total())",
                unordered("251", "250")
            )
            .as_deref(),
            Some("self.assertEqual(251, cart.total())")
        );
        // The last standalone occurrence: not the 150 inside 1500, not the argument.
        assert_eq!(
            edit("assert_eq!(f(150, 1500), 150);", unordered("151", "150")).as_deref(),
            Some("assert_eq!(f(150, 1500), 151);")
        );
        // Strings keep the source's quotes.
        assert_eq!(
            edit(r#"assert label() == "a""#, unordered("'b'", "'a'")).as_deref(),
            Some(r#"assert label() == "b""#)
        );
        // A value that cannot be written back as a literal is left alone.
        assert_eq!(
            edit("assert f() == 1", unordered("<Cart object>", "1")),
            None
        );
        // Nothing to replace: no edit.
        assert_eq!(edit("assert f() == g()", unordered("2", "1")), None);
    }
}
