//! Replacing a fixed sleep with a wait for a condition: a quick fix on `fixed-sleep`.
//!
//! A wait needs a condition. The fix is offered only when the statement right after the sleep
//! is an assertion: that assertion becomes the condition, polled until it holds or a timeout
//! passes, and the sleep goes. Otherwise nothing is offered: what the sleep waits for is not
//! written anywhere a tool could read it.
//!
//! The timeout is [`TIMEOUT_FACTOR`] times the removed sleep, and at least [`MIN_TIMEOUT_MS`]
//! (docs/diagnostics/fixed-sleep.md says why); the poll interval is [`INTERVAL_MS`].

use std::collections::HashSet;

use db::{RootDatabase, SourceFile, Workspace};
use syntax::{Framework, Language, Sleep, Suite, SuiteKind, Test, TextRange};

use super::text::{
    defines, fresh_name, indent_at, indent_unit, insert, line_end, line_start, newline, next_code,
    project_file, python_add_import, python_import_alias, range, statement_end,
};
use crate::assists::Assist;
use crate::diagnostics::DiagnosticCode;

pub(crate) const TIMEOUT_FACTOR: u64 = 50;
pub(crate) const MIN_TIMEOUT_MS: u64 = 1000;
/// When the sleep's length cannot be read (a variable, a computed value).
pub(crate) const UNKNOWN_TIMEOUT_MS: u64 = 5000;
pub(crate) const INTERVAL_MS: u64 = 10;

/// The doc line every helper this adds carries, to find it again instead of adding another.
const HELPER_MARK: &str = "Added by testlens in place of a fixed sleep.";

pub(super) fn assists(
    db: &RootDatabase,
    _workspace: Workspace,
    file: SourceFile,
    range: TextRange,
) -> Vec<Assist> {
    let model = db::file_model(db, file);
    if model.has_syntax_errors {
        return Vec::new();
    }
    let path = file.path(db).clone();
    let language = file.language(db);
    let text = file.text(db).to_string();
    let mut project: Option<Project> = None;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for test in &model.tests {
        for sleep in &test.sleeps {
            if !touches(sleep.range, range) || !seen.insert(sleep.range) {
                continue;
            }
            // The innermost test holding the sleep (a subtest rather than its parent).
            let test = model
                .tests
                .iter()
                .filter(|t| t.range.contains_range(sleep.range))
                .min_by_key(|t| t.range.len())
                .unwrap_or(test);
            let project = project.get_or_insert_with(|| {
                Project::of(&path, &text, language, file.context(db).js_framework)
            });
            let fixes = sleep_fixes(&text, language, test, &model.suites, sleep, project);
            for (i, fix) in fixes.into_iter().enumerate() {
                let mut assist = Assist::quick_fix(
                    fix.title,
                    (DiagnosticCode::FixedSleep, sleep.range),
                    path.clone(),
                    fix.edits,
                );
                assist.preferred = i == 0;
                out.push(assist);
            }
        }
    }
    out
}

fn touches(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// What the project offers for waiting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Project {
    /// The JavaScript runner the project's `package.json` names.
    pub js_framework: Option<Framework>,
    /// The Testing Library package the project depends on (`@testing-library/react`, ...).
    pub testing_library: Option<String>,
    /// `go.mod` requires testify.
    pub testify: bool,
}

impl Project {
    fn of(
        path: &std::path::Path,
        _text: &str,
        language: Language,
        js_framework: Option<Framework>,
    ) -> Project {
        match language {
            Language::Go => Project {
                testify: project_file(path, &["go.mod"])
                    .iter()
                    .any(|m| m.contains("github.com/stretchr/testify")),
                ..Project::default()
            },
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                let manifests = project_file(path, &["package.json"]);
                let testing_library = [
                    "@testing-library/react",
                    "@testing-library/vue",
                    "@testing-library/svelte",
                    "@testing-library/preact",
                    "@testing-library/angular",
                    "@testing-library/dom",
                ]
                .into_iter()
                .find(|p| manifests.iter().any(|m| m.contains(&format!("\"{p}\""))))
                .map(str::to_owned);
                Project {
                    js_framework,
                    testing_library,
                    testify: false,
                }
            }
            _ => Project::default(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SleepFix {
    pub title: String,
    pub edits: Vec<(TextRange, String)>,
}

/// The statements around a sleep: the sleep's (with its line) and the assertion after it.
struct Around {
    /// The sleep statement's line(s), with the line break: what is deleted.
    sleep_lines: TextRange,
    /// The assertion statement, without the indentation before it.
    assertion: TextRange,
    /// The indentation of both.
    indent: String,
    /// What came before the sleep call in its statement (`await`).
    prefix: String,
}

fn around(text: &str, language: Language, test: &Test, sleep: &Sleep) -> Option<Around> {
    let start = sleep.range.start as usize;
    let line = line_start(text, start);
    let prefix = text[line..start].trim().to_owned();
    if !matches!(prefix.as_str(), "" | "await") {
        return None;
    }
    let stmt_start = line + (text[line..start].len() - text[line..start].trim_start().len());
    let stmt_end = statement_end(text, stmt_start, language)?;
    if stmt_end < sleep.range.end as usize {
        return None;
    }
    // Nothing else on the sleep's last line but a comment (which goes with it).
    let end_of_line = line_end(text, stmt_end);
    let rest = text[stmt_end..end_of_line].trim();
    let comment = if language == Language::Python {
        "#"
    } else {
        "//"
    };
    if !rest.is_empty() && !rest.starts_with(comment) {
        return None;
    }
    let next = next_code(text, stmt_end, language)?;
    let indent = indent_at(text, stmt_start).to_owned();
    if line_start(text, next) + indent.len() != next || indent_at(text, next) != indent {
        // Not the next statement of the same block.
        return None;
    }
    let next_end = statement_end(text, next, language)?;
    if next_end > test.range.end as usize
        || !test
            .assertions
            .iter()
            .any(|a| (next..next_end).contains(&(a.start as usize)))
    {
        return None;
    }
    let nl_len = newline(text).len();
    let sleep_lines_end = (end_of_line + nl_len).min(text.len());
    Some(Around {
        sleep_lines: range(line, sleep_lines_end),
        assertion: range(next, next_end),
        indent,
        prefix,
    })
}

/// How long the sleep waits, in milliseconds, where the call says it as a literal.
pub(crate) fn sleep_millis(call: &str, language: Language) -> Option<f64> {
    let number = |s: &str| -> Option<f64> {
        let digits: String = s
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '_')
            .filter(|c| *c != '_')
            .collect();
        digits.parse().ok()
    };
    let inside = |s: &str| -> Option<String> {
        let open = s.find('(')?;
        let close = s.rfind(')')?;
        (open < close).then(|| s[open + 1..close].to_owned())
    };
    match language {
        Language::Python => Some(number(&inside(call)?)? * 1000.0),
        Language::Go => {
            let arg = inside(call)?;
            let units = [
                ("time.Nanosecond", 1e-6),
                ("time.Microsecond", 1e-3),
                ("time.Millisecond", 1.0),
                ("time.Second", 1000.0),
                ("time.Minute", 60_000.0),
            ];
            let (unit, scale) = units.iter().find(|(u, _)| arg.contains(u))?;
            let n = arg.replace(unit, "").replace('*', "");
            let n = if n.trim().is_empty() {
                1.0
            } else {
                number(&n)?
            };
            Some(n * scale)
        }
        Language::Rust => {
            let units = [
                ("from_secs_f64(", 1000.0),
                ("from_secs_f32(", 1000.0),
                ("from_secs(", 1000.0),
                ("from_millis(", 1.0),
                ("from_micros(", 1e-3),
                ("from_nanos(", 1e-6),
            ];
            let (unit, scale) = units.iter().find(|(u, _)| call.contains(u))?;
            let at = call.find(unit)? + unit.len();
            Some(number(&call[at..])? * scale)
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            // The last argument of the innermost call: `setTimeout(r, 20)`, `sleep(20)`.
            let close = call.rfind(')')?;
            let open = call[..close].rfind('(')?;
            let last = call[open + 1..close].rsplit(',').next()?;
            number(last)
        }
    }
}

/// The timeout of the wait that replaces a sleep of `millis`.
pub(crate) fn timeout_millis(millis: Option<f64>) -> u64 {
    match millis {
        Some(ms) => ((ms * TIMEOUT_FACTOR as f64).ceil() as u64).max(MIN_TIMEOUT_MS),
        None => UNKNOWN_TIMEOUT_MS,
    }
}

fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

/// `text` (an assertion written at indentation `indent`) re-indented one `step` deeper, as
/// lines that each start with their indentation.
fn deeper(text: &str, indent: &str, step: &str, nl: &str) -> String {
    text.split('\n')
        .enumerate()
        .map(|(i, line)| {
            let line = line.trim_end_matches('\r');
            if i == 0 {
                format!("{indent}{step}{line}")
            } else if line.trim().is_empty() {
                String::new()
            } else {
                format!("{step}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join(nl)
}

/// The ways to replace `sleep` in `test` with a wait; none when the statement after it is not
/// an assertion or the code has a shape this does not rewrite.
pub(crate) fn sleep_fixes(
    text: &str,
    language: Language,
    test: &Test,
    suites: &[Suite],
    sleep: &Sleep,
    project: &Project,
) -> Vec<SleepFix> {
    let Some(at) = around(text, language, test, sleep) else {
        return Vec::new();
    };
    let call = &text[sleep.range.start as usize..sleep.range.end as usize];
    let millis = sleep_millis(call, language);
    let timeout = timeout_millis(millis);
    match language {
        Language::Python => python(text, test, &at, timeout).into_iter().collect(),
        Language::Rust => rust(text, test, suites, &at, timeout).into_iter().collect(),
        Language::Go => go(text, test, &at, timeout, project),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            js(text, language, test, &at, timeout, millis, project)
        }
    }
}

fn python(text: &str, test: &Test, at: &Around, timeout: u64) -> Option<SleepFix> {
    if !at.prefix.is_empty() {
        // `await asyncio.sleep(...)`: a blocking poll would stop the event loop.
        return None;
    }
    let nl = newline(text);
    let step = indent_unit(text);
    let indent = &at.indent;
    let mut edits = Vec::new();
    let time = python_import_alias(text, "time").unwrap_or_else(|| {
        edits.push(python_add_import(text, "time"));
        "time".to_owned()
    });
    let (helper, add_helper) = helper_name(text, "def ", "_wait_until");
    let test_text = &text[test.range.start as usize..test.range.end as usize];
    let check = fresh_name(test_text, "_check", |t, n| defines(t, "def ", n));
    let assertion = &text[at.assertion.start as usize..at.assertion.end as usize];
    edits.push((at.sleep_lines, String::new()));
    edits.push((
        at.assertion,
        format!(
            "def {check}():{nl}{}{nl}{indent}{helper}({check}, timeout={:.1})",
            deeper(assertion, indent, &step, nl),
            timeout as f64 / 1000.0
        ),
    ));
    if add_helper {
        let s = &step;
        let tail = if text.ends_with('\n') { "" } else { nl };
        edits.push(insert(
            text.len(),
            [
                tail.to_owned(),
                String::new(),
                format!("def {helper}(check, timeout):"),
                format!(
                    "{s}\"\"\"Polls `check` (which raises AssertionError until its condition holds) until it"
                ),
                format!("{s}passes or `timeout` seconds have gone by. {HELPER_MARK}\"\"\""),
                format!("{s}deadline = {time}.monotonic() + timeout"),
                format!("{s}while True:"),
                format!("{s}{s}try:"),
                format!("{s}{s}{s}return check()"),
                format!("{s}{s}except AssertionError:"),
                format!("{s}{s}{s}if {time}.monotonic() >= deadline:"),
                format!("{s}{s}{s}{s}raise"),
                format!("{s}{s}{s}{time}.sleep({:.2})", INTERVAL_MS as f64 / 1000.0),
                String::new(),
            ]
            .join(nl),
        ));
    }
    Some(SleepFix {
        title: format!(
            "Poll the assertion with `{helper}` (up to {}) instead of sleeping",
            seconds(timeout)
        ),
        edits,
    })
}

/// The helper's name: an existing helper this added before, else a name not defined yet.
/// Returns whether it has to be added.
fn helper_name(text: &str, keyword: &str, base: &str) -> (String, bool) {
    let ours = |name: &str| {
        text.match_indices(&format!("{keyword}{name}("))
            .any(|(at, _)| text[at..].lines().take(4).any(|l| l.contains(HELPER_MARK)))
    };
    if ours(base) {
        return (base.to_owned(), false);
    }
    let name = fresh_name(text, base, |t, n| defines(t, keyword, n));
    (name, true)
}

fn rust(text: &str, test: &Test, suites: &[Suite], at: &Around, timeout: u64) -> Option<SleepFix> {
    let sleep_stmt = &text[at.sleep_lines.start as usize..at.sleep_lines.end as usize];
    if !at.prefix.is_empty() || sleep_stmt.contains(".await") {
        // An async sleep: a blocking poll would stall the runtime.
        return None;
    }
    let nl = newline(text);
    let step = indent_unit(text);
    let indent = &at.indent;
    // The helper lives in the test's module: reuse one there, else add one after the test.
    let module = suites
        .iter()
        .filter(|s| s.kind == SuiteKind::Module && s.range.contains_range(test.range))
        .min_by_key(|s| s.range.len())
        .map_or(0..text.len(), |s| {
            s.range.start as usize..s.range.end as usize
        });
    let (helper, add_helper) = {
        let (name, add) = helper_name(&text[module.clone()], "fn ", "wait_until");
        if add {
            // A new name must not clash anywhere in the file.
            (
                fresh_name(text, "wait_until", |t, n| defines(t, "fn ", n)),
                true,
            )
        } else {
            (name, false)
        }
    };
    let duration = if text.contains("use std::time::Duration;") {
        "Duration"
    } else {
        "std::time::Duration"
    };
    let assertion = &text[at.assertion.start as usize..at.assertion.end as usize];
    let mut edits = vec![
        (at.sleep_lines, String::new()),
        (
            at.assertion,
            format!(
                "{helper}({duration}::from_millis({timeout}), || {{{nl}{}{nl}{indent}}});",
                deeper(assertion, indent, &step, nl)
            ),
        ),
    ];
    if add_helper {
        let fn_indent = indent_at(text, test.name_range.start as usize).to_owned();
        let i = &fn_indent;
        let s = &step;
        edits.push(insert(
            test.range.end as usize,
            [
                String::new(),
                String::new(),
                format!("{i}/// Polls `check` (which panics until its condition holds) until it passes or"),
                format!("{i}/// `timeout` has gone by. {HELPER_MARK}"),
                format!("{i}fn {helper}(timeout: std::time::Duration, check: impl Fn()) {{"),
                format!("{i}{s}let deadline = std::time::Instant::now() + timeout;"),
                format!("{i}{s}loop {{"),
                format!("{i}{s}{s}// The last try starts after the deadline, however slow a failed try is."),
                format!("{i}{s}{s}let last = std::time::Instant::now() >= deadline;"),
                format!(
                    "{i}{s}{s}match std::panic::catch_unwind(std::panic::AssertUnwindSafe(&check)) {{"
                ),
                format!("{i}{s}{s}{s}Ok(()) => return,"),
                format!("{i}{s}{s}{s}Err(panic) if last => std::panic::resume_unwind(panic),"),
                format!(
                    "{i}{s}{s}{s}Err(_) => std::thread::sleep(std::time::Duration::from_millis({INTERVAL_MS})),"
                ),
                format!("{i}{s}{s}}}"),
                format!("{i}{s}}}"),
                format!("{i}}}"),
            ]
            .join(nl),
        ));
    }
    Some(SleepFix {
        title: format!(
            "Poll the assertion with `{helper}` (up to {}) instead of sleeping",
            seconds(timeout)
        ),
        edits,
    })
}

/// Go: `if [init;] cond { body }` after the sleep, as (init, cond, body).
fn go_if(stmt: &str) -> Option<(Option<&str>, &str, &str)> {
    let rest = stmt.strip_prefix("if ")?;
    let bytes = rest.as_bytes();
    let mut depth = 0i32;
    let mut semicolon = None;
    let mut i = 0;
    let open = loop {
        let c = *bytes.get(i)?;
        match c {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b'"' | b'`' | b'\'' => {
                i += rest[i + 1..].find(c as char)? + 1;
            }
            b';' if depth == 0 => semicolon = Some(i),
            b'{' if depth == 0 => break i,
            _ => {}
        }
        i += 1;
    };
    let close = rest.rfind('}')?;
    // An `else` or anything after the block: not this shape.
    if close <= open || !rest[close + 1..].trim().is_empty() || rest[..close].contains("} else") {
        return None;
    }
    let header = &rest[..open];
    let (init, cond) = match semicolon {
        Some(at) => (Some(header[..at].trim()), header[at + 1..].trim()),
        None => (None, header.trim()),
    };
    let body = rest[open + 1..close]
        .trim_end()
        .trim_start_matches(['\n', '\r']);
    Some((init, cond, body))
}

fn go_duration(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} * time.Second", ms / 1000)
    } else {
        format!("{ms} * time.Millisecond")
    }
}

fn go(text: &str, test: &Test, at: &Around, timeout: u64, project: &Project) -> Vec<SleepFix> {
    let stmt = &text[at.assertion.start as usize..at.assertion.end as usize];
    let Some((init, cond, body)) = go_if(stmt) else {
        return Vec::new();
    };
    if !text.contains("\"time\"") {
        return Vec::new();
    }
    let nl = newline(text);
    let step = indent_unit(text);
    let indent = &at.indent;
    let test_text = &text[test.range.start as usize..test.range.end as usize];
    let identifier = |t: &str, n: &str| {
        t.match_indices(n).any(|(i, _)| {
            let before = t[..i].chars().next_back();
            let after = t[i + n.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    };
    let deadline = fresh_name(test_text, "deadline", identifier);
    let header = match init {
        Some(init) => format!("{init}; {cond}"),
        None => cond.to_owned(),
    };
    // The failure body one level deeper, inside the loop and the `if`.
    let body: String = body
        .split('\n')
        .map(|l| l.trim_end_matches('\r'))
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("{step}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join(nl);
    let (s, i) = (&step, indent);
    // The poll's pause is a receive, not `time.Sleep`: it is no fixed wait for the condition,
    // and the fix must not bring back the smell it removes.
    let interval = format!("{INTERVAL_MS} * time.Millisecond");
    let looped = [
        format!(
            "for {deadline} := time.Now().Add({}); ; <-time.After({interval}) {{",
            go_duration(timeout)
        ),
        format!("{i}{s}if {header} {{"),
        format!("{i}{s}{s}if time.Now().Before({deadline}) {{"),
        format!("{i}{s}{s}{s}continue"),
        format!("{i}{s}{s}}}"),
        body,
        format!("{i}{s}}}"),
        format!("{i}{s}break"),
        format!("{i}}}"),
    ]
    .join(nl);
    let mut fixes = Vec::new();
    if project.testify
        && let Some((param, _)) = super::quarantine::go_body(text, test)
    {
        let mut edits = vec![(at.sleep_lines, String::new())];
        let init_line = init
            .map(|i| format!("{indent}{step}{i}{nl}"))
            .unwrap_or_default();
        let message = super::text::quoted(&format!("still {cond}"));
        edits.push((
            at.assertion,
            format!(
                "require.Eventually({param}, func() bool {{{nl}{init_line}{indent}{step}return !({cond}){nl}{indent}}}, {}, {interval}, {message})",
                go_duration(timeout)
            ),
        ));
        if !text.contains("\"github.com/stretchr/testify/require\"") {
            match go_import_block_end(text) {
                Some(end) => edits.push(insert(
                    end,
                    format!("{step}\"github.com/stretchr/testify/require\"{nl}"),
                )),
                None => edits.clear(),
            }
        }
        if !edits.is_empty() {
            fixes.push(SleepFix {
                title: format!(
                    "Wait with testify's `require.Eventually` (up to {}) instead of sleeping",
                    seconds(timeout)
                ),
                edits,
            });
        }
    }
    fixes.push(SleepFix {
        title: format!(
            "Poll the condition with a deadline (up to {}) instead of sleeping",
            seconds(timeout)
        ),
        edits: vec![(at.sleep_lines, String::new()), (at.assertion, looped)],
    });
    fixes
}

/// The start of the line holding the `)` of a Go `import (...)` block.
fn go_import_block_end(text: &str) -> Option<usize> {
    let open = text.find("import (")?;
    let close = text[open..].find("\n)")? + open + 1;
    Some(close)
}

#[allow(clippy::too_many_arguments)]
fn js(
    text: &str,
    language: Language,
    test: &Test,
    at: &Around,
    timeout: u64,
    millis: Option<f64>,
    project: &Project,
) -> Vec<SleepFix> {
    let nl = newline(text);
    let step = indent_unit(text);
    let indent = &at.indent;
    let assertion = &text[at.assertion.start as usize..at.assertion.end as usize];
    let body = deeper(assertion, indent, &step, nl);
    let vitest =
        test.framework == Framework::Vitest || project.js_framework == Some(Framework::Vitest);
    let jest = test.framework == Framework::Jest || project.js_framework == Some(Framework::Jest);
    let make_async = make_async(text, test, at);
    let seconds_title = seconds(timeout);
    let mut fixes = Vec::new();
    let wait_with = |callee: &str, options: String, extra: Vec<(TextRange, String)>| {
        let mut edits = vec![
            (at.sleep_lines, String::new()),
            (
                at.assertion,
                format!("await {callee}(() => {{{nl}{body}{nl}{indent}}}{options});"),
            ),
        ];
        edits.extend(make_async.clone());
        edits.extend(extra);
        edits
    };
    // Time under fake timers only moves when told: advance it by the sleep instead. First, as
    // a wait would poll a clock that does not run.
    let fake = if vitest && text.contains("vi.useFakeTimers") {
        Some(("vi", "Vitest"))
    } else if jest && text.contains("jest.useFakeTimers") {
        Some(("jest", "Jest"))
    } else {
        None
    };
    if let Some((object, runner)) = fake
        && let Some(ms) = millis
        && at.prefix == "await"
    {
        let line = &text[at.sleep_lines.start as usize..at.sleep_lines.end as usize];
        let ending = if line.ends_with('\n') { nl } else { "" };
        fixes.push(SleepFix {
            title: format!("Advance {runner}'s fake timers instead of sleeping"),
            edits: vec![(
                at.sleep_lines,
                format!(
                    "{indent}{object}.advanceTimersByTime({});{ending}",
                    ms.ceil() as u64
                ),
            )],
        });
    }
    if vitest {
        let mut extra = Vec::new();
        if let Some(edit) = add_vitest_vi(text) {
            extra.push(edit);
        }
        fixes.push(SleepFix {
            title: format!("Wait for the assertion with `vi.waitFor` (up to {seconds_title}) instead of sleeping"),
            edits: wait_with(
                "vi.waitFor",
                format!(", {{ timeout: {timeout}, interval: {INTERVAL_MS} }}"),
                extra,
            ),
        });
    }
    if let Some(package) = &project.testing_library {
        let mut extra = Vec::new();
        if !js_imports(text, "waitFor") {
            extra.push(js_add_import(text, "waitFor", package));
        }
        fixes.push(SleepFix {
            title: format!(
                "Wait for the assertion with Testing Library's `waitFor` (up to {seconds_title}) instead of sleeping"
            ),
            edits: wait_with(
                "waitFor",
                format!(", {{ timeout: {timeout}, interval: {INTERVAL_MS} }}"),
                extra,
            ),
        });
    }
    if !vitest {
        let (helper, add_helper) = helper_name(text, "function ", "waitUntil");
        let mut extra = Vec::new();
        if add_helper {
            let typed = language != Language::JavaScript;
            let signature = if typed {
                format!(
                    "async function {helper}(check: () => unknown, timeout: number, interval = {INTERVAL_MS}): Promise<void> {{"
                )
            } else {
                format!("async function {helper}(check, timeout, interval = {INTERVAL_MS}) {{")
            };
            let s = &step;
            let tail = if text.ends_with('\n') { "" } else { nl };
            extra.push(insert(
                text.len(),
                [
                    tail.to_owned(),
                    "// Polls `check` (which throws until its condition holds) until it passes or `timeout`".to_owned(),
                    format!("// milliseconds have gone by. {HELPER_MARK}"),
                    signature,
                    format!("{s}const deadline = Date.now() + timeout;"),
                    format!("{s}for (;;) {{"),
                    format!("{s}{s}try {{"),
                    format!("{s}{s}{s}await check();"),
                    format!("{s}{s}{s}return;"),
                    format!("{s}{s}}} catch (error) {{"),
                    format!("{s}{s}{s}if (Date.now() >= deadline) throw error;"),
                    format!("{s}{s}}}"),
                    format!("{s}{s}await new Promise((resolve) => setTimeout(resolve, interval));"),
                    format!("{s}}}"),
                    "}".to_owned(),
                    String::new(),
                ]
                .join(nl),
            ));
        }
        fixes.push(SleepFix {
            title: format!(
                "Poll the assertion with a `{helper}` helper (up to {seconds_title}) instead of sleeping"
            ),
            edits: wait_with(&helper, format!(", {timeout}"), extra),
        });
    }
    fixes
}

/// The edit making the test's callback `async`, if it is not.
fn make_async(text: &str, test: &Test, at: &Around) -> Vec<(TextRange, String)> {
    let from = test.name_range.end as usize;
    let to = at.sleep_lines.start as usize;
    let Some(head) = text.get(from..to) else {
        return Vec::new();
    };
    let arrow = head.find("=>");
    let function = head.find("function");
    let start = match (arrow, function) {
        (_, Some(f)) if arrow.is_none_or(|a| f < a) => from + f,
        (Some(a), _) => {
            let params = head[..a].trim_end();
            if params.ends_with(')') {
                match params.rfind('(') {
                    Some(p) => from + p,
                    None => return Vec::new(),
                }
            } else {
                let ident =
                    params.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_' || c == '$');
                from + ident.len()
            }
        }
        _ => return Vec::new(),
    };
    if text[..start].trim_end().ends_with("async") {
        Vec::new()
    } else {
        vec![insert(start, "async ")]
    }
}

/// Vitest: `vi` added to the file's `import { ... } from "vitest"`, if it imports from it
/// without `vi` (with globals there is no import, and `vi` is a global).
fn add_vitest_vi(text: &str) -> Option<(TextRange, String)> {
    for quote in ["\"vitest\"", "'vitest'"] {
        let Some(from) = text.find(&format!("from {quote}")) else {
            continue;
        };
        let open = text[..from].rfind('{')?;
        let close = text[..from].rfind('}')?;
        let names = &text[open + 1..close];
        if names
            .split(',')
            .any(|n| n.trim() == "vi" || n.trim().ends_with(" vi"))
        {
            return None;
        }
        return Some(insert(open + 1, " vi,"));
    }
    None
}

fn js_imports(text: &str, name: &str) -> bool {
    text.lines()
        .any(|l| (l.starts_with("import ") || l.contains("require(")) && defines(l, "", name))
}

/// An import of `name` from `package` before the file's first import (or `require`).
fn js_add_import(text: &str, name: &str, package: &str) -> (TextRange, String) {
    let nl = newline(text);
    let mut offset = 0;
    let mut at = None;
    let mut after_directive = 0;
    let mut commonjs = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with("import ") && at.is_none() {
            at = Some(offset);
        }
        if trimmed.contains("require(") && at.is_none() {
            at = Some(offset);
            commonjs = true;
        }
        if trimmed == "\"use strict\";" || trimmed == "'use strict';" {
            after_directive = offset + line.len();
        }
        offset += line.len();
    }
    let statement = if commonjs {
        format!("const {{ {name} }} = require(\"{package}\");{nl}")
    } else {
        format!("import {{ {name} }} from \"{package}\";{nl}")
    };
    insert(at.unwrap_or(after_directive), statement)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assists::apply_edits;

    use super::super::text::model;

    /// Each fix of the first sleep in `text`: its title and the file after it.
    fn fixes(
        language: Language,
        file_name: &str,
        text: &str,
        project: &Project,
    ) -> Vec<(String, String)> {
        let model = model(language, file_name, text);
        let test = model
            .tests
            .iter()
            .filter(|t| !t.sleeps.is_empty())
            .min_by_key(|t| t.range.len())
            .expect("a test with a sleep");
        sleep_fixes(
            text,
            language,
            test,
            &model.suites,
            &test.sleeps[0],
            project,
        )
        .into_iter()
        .map(|f| (f.title, apply_edits(text, &f.edits)))
        .collect()
    }

    fn fixed(language: Language, file_name: &str, text: &str) -> String {
        let all = fixes(language, file_name, text, &Project::default());
        assert_eq!(all.len(), 1, "{all:#?}");
        all.into_iter().next().unwrap().1
    }

    #[test]
    fn the_timeout_is_fifty_times_the_sleep_and_at_least_a_second() {
        assert_eq!(
            sleep_millis("time.sleep(0.02)", Language::Python),
            Some(20.0)
        );
        assert_eq!(
            sleep_millis("time.Sleep(20 * time.Millisecond)", Language::Go),
            Some(20.0)
        );
        assert_eq!(
            sleep_millis("time.Sleep(time.Second)", Language::Go),
            Some(1000.0)
        );
        assert_eq!(
            sleep_millis(
                "std::thread::sleep(Duration::from_millis(20))",
                Language::Rust
            ),
            Some(20.0)
        );
        assert_eq!(
            sleep_millis("thread::sleep(Duration::from_secs(2))", Language::Rust),
            Some(2000.0)
        );
        assert_eq!(
            sleep_millis(
                "new Promise((r) => setTimeout(r, 250))",
                Language::JavaScript
            ),
            Some(250.0)
        );
        assert_eq!(sleep_millis("time.sleep(delay)", Language::Python), None);
        assert_eq!(timeout_millis(Some(20.0)), 1000);
        assert_eq!(timeout_millis(Some(250.0)), 12_500);
        assert_eq!(timeout_millis(None), UNKNOWN_TIMEOUT_MS);
    }

    #[test]
    fn python_polls_the_assertion_with_a_helper_added_once() {
        let text = "import time\n\n\ndef test_ready():\n    time.sleep(0.02)  # long enough?\n    assert ready() == 4\n";
        let out = fixed(Language::Python, "test_a.py", text);
        expect_test::expect![[r#"
            import time


            def test_ready():
                def _check():
                    assert ready() == 4
                _wait_until(_check, timeout=1.0)


            def _wait_until(check, timeout):
                """Polls `check` (which raises AssertionError until its condition holds) until it
                passes or `timeout` seconds have gone by. Added by testlens in place of a fixed sleep."""
                deadline = time.monotonic() + timeout
                while True:
                    try:
                        return check()
                    except AssertionError:
                        if time.monotonic() >= deadline:
                            raise
                        time.sleep(0.01)
        "#]]
        .assert_eq(&out);
        // A second sleep in the same file reuses the helper.
        let again = out.replace(
            "def test_ready():",
            "def test_other():\n    time.sleep(0.5)\n    assert other()\n\n\ndef test_ready():",
        );
        let twice = fixed(Language::Python, "test_a.py", &again);
        assert_eq!(twice.matches("def _wait_until(").count(), 1, "{twice}");
        assert!(
            twice.contains("    _wait_until(_check, timeout=25.0)"),
            "{twice}"
        );
    }

    #[test]
    fn python_helper_names_never_clash_and_imports_are_added() {
        let text = "from time import sleep\n\n\ndef _wait_until():\n    pass\n\n\nclass TestA:\n    def test_ready(self):\n        sleep(0.02)\n        self.assertEqual(ready(), 4)\n";
        let out = fixed(Language::Python, "test_a.py", text);
        assert!(
            out.starts_with("import time\nfrom time import sleep\n"),
            "{out}"
        );
        assert!(out.contains("        def _check():\n            self.assertEqual(ready(), 4)\n        _wait_until_2(_check, timeout=1.0)\n"), "{out}");
        assert!(
            out.contains("\ndef _wait_until_2(check, timeout):\n"),
            "{out}"
        );
        assert_eq!(out.matches("def _wait_until(").count(), 1);
    }

    #[test]
    fn no_fix_without_an_assertion_right_after_the_sleep() {
        let py = "import time\n\ndef test_a():\n    time.sleep(1)\n    x = ready()\n    assert x\n";
        assert!(fixes(Language::Python, "test_a.py", py, &Project::default()).is_empty());
        let asyncio = "import asyncio\n\nasync def test_a():\n    await asyncio.sleep(1)\n    assert ready()\n";
        assert!(fixes(Language::Python, "test_a.py", asyncio, &Project::default()).is_empty());
        let rust = "#[tokio::test]\nasync fn waits() {\n    tokio::time::sleep(Duration::from_millis(5)).await;\n    assert!(ready());\n}\n";
        assert!(fixes(Language::Rust, "lib.rs", rust, &Project::default()).is_empty());
        let go = "package a\n\nimport (\n\t\"testing\"\n\t\"time\"\n)\n\nfunc TestA(t *testing.T) {\n\ttime.Sleep(time.Second)\n\tcheck(t)\n}\n";
        assert!(fixes(Language::Go, "a_test.go", go, &Project::default()).is_empty());
    }

    #[test]
    fn rust_polls_with_a_helper_in_the_tests_module() {
        let text = "fn halvings(n: u32) -> u32 { n }\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use std::time::Duration;\n\n    #[test]\n    fn sleeps_briefly() {\n        std::thread::sleep(Duration::from_millis(20));\n        assert_eq!(halvings(8), 4);\n    }\n}\n";
        let out = fixed(Language::Rust, "lib.rs", text);
        expect_test::expect![[r#"
            fn halvings(n: u32) -> u32 { n }

            #[cfg(test)]
            mod tests {
                use super::*;
                use std::time::Duration;

                #[test]
                fn sleeps_briefly() {
                    wait_until(Duration::from_millis(1000), || {
                        assert_eq!(halvings(8), 4);
                    });
                }

                /// Polls `check` (which panics until its condition holds) until it passes or
                /// `timeout` has gone by. Added by testlens in place of a fixed sleep.
                fn wait_until(timeout: std::time::Duration, check: impl Fn()) {
                    let deadline = std::time::Instant::now() + timeout;
                    loop {
                        // The last try starts after the deadline, however slow a failed try is.
                        let last = std::time::Instant::now() >= deadline;
                        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(&check)) {
                            Ok(()) => return,
                            Err(panic) if last => std::panic::resume_unwind(panic),
                            Err(_) => std::thread::sleep(std::time::Duration::from_millis(10)),
                        }
                    }
                }
            }
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn go_polls_the_if_with_a_deadline_or_uses_testify() {
        let text = "package shop\n\nimport (\n\t\"testing\"\n\t\"time\"\n)\n\nfunc TestSleeps(t *testing.T) {\n\ttime.Sleep(20 * time.Millisecond)\n\tif got := Halvings(8); got != 4 {\n\t\tt.Fatalf(\"got %d\", got)\n\t}\n}\n";
        let all = fixes(Language::Go, "a_test.go", text, &Project::default());
        assert_eq!(all.len(), 1);
        expect_test::expect![[r#"
            package shop

            import (
            	"testing"
            	"time"
            )

            func TestSleeps(t *testing.T) {
            	for deadline := time.Now().Add(1 * time.Second); ; <-time.After(10 * time.Millisecond) {
            		if got := Halvings(8); got != 4 {
            			if time.Now().Before(deadline) {
            				continue
            			}
            			t.Fatalf("got %d", got)
            		}
            		break
            	}
            }
        "#]]
        .assert_eq(&all[0].1);
        let testify = Project {
            testify: true,
            ..Project::default()
        };
        let all = fixes(Language::Go, "a_test.go", text, &testify);
        assert_eq!(all.len(), 2);
        expect_test::expect![[r#"
            package shop

            import (
            	"testing"
            	"time"
            	"github.com/stretchr/testify/require"
            )

            func TestSleeps(t *testing.T) {
            	require.Eventually(t, func() bool {
            		got := Halvings(8)
            		return !(got != 4)
            	}, 1 * time.Second, 10 * time.Millisecond, "still got != 4")
            }
        "#]]
        .assert_eq(&all[0].1);
    }

    #[test]
    fn vitest_under_fake_timers_advances_them_first() {
        let text = "import { describe, expect, it, vi } from \"vitest\";\n\ndescribe(\"a\", () => {\n  it(\"waits\", async () => {\n    vi.useFakeTimers();\n    await new Promise((r) => setTimeout(r, 20));\n    expect(ready()).toBe(4);\n  });\n});\n";
        let project = Project {
            js_framework: Some(Framework::Vitest),
            ..Project::default()
        };
        let all = fixes(Language::TypeScript, "a.test.ts", text, &project);
        assert_eq!(all[0].0, "Advance Vitest's fake timers instead of sleeping");
        assert!(
            all[0]
                .1
                .contains("    vi.useFakeTimers();\n    vi.advanceTimersByTime(20);\n    expect(ready()).toBe(4);"),
            "{}",
            all[0].1
        );
        assert!(all[1].0.contains("`vi.waitFor`"), "{all:#?}");
    }

    #[test]
    fn vitest_waits_with_vi_wait_for_imports_vi_and_makes_the_callback_async() {
        let text = "import { describe, expect, it } from \"vitest\";\n\ndescribe(\"a\", () => {\n  it(\"waits\", () => {\n    await new Promise((r) => setTimeout(r, 20));\n    expect(ready()).toBe(4);\n  });\n});\n";
        let project = Project {
            js_framework: Some(Framework::Vitest),
            ..Project::default()
        };
        let all = fixes(Language::TypeScript, "a.test.ts", text, &project);
        assert_eq!(all.len(), 1, "{all:#?}");
        expect_test::expect![[r#"
            import { vi, describe, expect, it } from "vitest";

            describe("a", () => {
              it("waits", async () => {
                await vi.waitFor(() => {
                  expect(ready()).toBe(4);
                }, { timeout: 1000, interval: 10 });
              });
            });
        "#]]
        .assert_eq(&all[0].1);
    }

    #[test]
    fn jest_polls_with_a_helper_or_advances_fake_timers_or_uses_testing_library() {
        let text = "\"use strict\";\nconst { ready } = require(\"../src\");\n\ndescribe(\"a\", () => {\n  it(\"waits\", async () => {\n    await new Promise((r) => setTimeout(r, 20));\n    expect(ready()).toBe(4);\n  });\n});\n";
        let jest = Project {
            js_framework: Some(Framework::Jest),
            ..Project::default()
        };
        let all = fixes(Language::JavaScript, "a.test.js", text, &jest);
        assert_eq!(all.len(), 1);
        expect_test::expect![[r#"
            "use strict";
            const { ready } = require("../src");

            describe("a", () => {
              it("waits", async () => {
                await waitUntil(() => {
                  expect(ready()).toBe(4);
                }, 1000);
              });
            });

            // Polls `check` (which throws until its condition holds) until it passes or `timeout`
            // milliseconds have gone by. Added by testlens in place of a fixed sleep.
            async function waitUntil(check, timeout, interval = 10) {
              const deadline = Date.now() + timeout;
              for (;;) {
                try {
                  await check();
                  return;
                } catch (error) {
                  if (Date.now() >= deadline) throw error;
                }
                await new Promise((resolve) => setTimeout(resolve, interval));
              }
            }
        "#]]
        .assert_eq(&all[0].1);

        let fake = text.replace(
            "describe(\"a\", () => {\n",
            "describe(\"a\", () => {\n  beforeEach(() => jest.useFakeTimers());\n",
        );
        let all = fixes(Language::JavaScript, "a.test.js", &fake, &jest);
        assert_eq!(all[0].0, "Advance Jest's fake timers instead of sleeping");
        assert!(
            all[0]
                .1
                .contains("    jest.advanceTimersByTime(20);\n    expect(ready()).toBe(4);"),
            "{}",
            all[0].1
        );

        let library = Project {
            js_framework: Some(Framework::Jest),
            testing_library: Some("@testing-library/react".to_owned()),
            ..Project::default()
        };
        let all = fixes(Language::JavaScript, "a.test.js", text, &library);
        assert_eq!(all.len(), 2);
        assert!(
            all[0].1.contains(
                "const { waitFor } = require(\"@testing-library/react\");\nconst { ready }"
            ),
            "{}",
            all[0].1
        );
        assert!(all[0].1.contains("await waitFor(() => {\n      expect(ready()).toBe(4);\n    }, { timeout: 1000, interval: 10 });"), "{}", all[0].1);
    }

    #[test]
    fn typescript_helpers_are_typed_and_names_do_not_clash() {
        let text = "function waitUntil() {}\n\nit(\"waits\", async function () {\n  await new Promise((r) => setTimeout(r, 20));\n  expect(ready()).toBe(4);\n});\n";
        let all = fixes(Language::TypeScript, "a.test.ts", text, &Project::default());
        let out = &all[0].1;
        assert!(out.contains("async function waitUntil_2(check: () => unknown, timeout: number, interval = 10): Promise<void> {"), "{out}");
        assert!(
            out.contains("  await waitUntil_2(() => {\n    expect(ready()).toBe(4);\n  }, 1000);"),
            "{out}"
        );
    }

    #[test]
    fn a_file_with_syntax_errors_gets_no_fix_and_no_panic() {
        let mut host = crate::AnalysisHost::default();
        let path = std::path::PathBuf::from("/w/test_a.py");
        host.apply(crate::Change::SetRoots(vec![std::path::PathBuf::from(
            "/w",
        )]));
        host.apply(crate::Change::Open {
            path: path.clone(),
            language_id: None,
            text: "import time\n\ndef test_a():\n    time.sleep(1)\n    assert ready(\n\ndef (\n"
                .to_owned(),
        });
        let analysis = host.analysis();
        let file = analysis.file_id(&path).unwrap();
        let all = analysis.assists(file, TextRange::new(0, 80)).unwrap();
        assert!(all.is_empty(), "{all:#?}");
    }
}
