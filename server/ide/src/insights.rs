//! What the history says about the code in front of the user: coverage and risk per function,
//! the tests covering a function, broken and flaky tests with a regression-or-flake verdict.
//! Computed per request from the file's model (salsa) and the loaded [`History`].

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use db::{RootDatabase, SourceFile, Workspace};
use syntax::{
    FileModel, Function, LineCol, PositionEncoding, SourceText, Test, TextRange, TextSize,
};

use crate::diagnostics::{Diagnostic, DiagnosticCode, Related, Severity};
use crate::history::{self, History, SpanCoverage, TestStats, ago, short};

/// How the tests covering a function were found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoverSource {
    /// The coverage tool recorded which lines each test ran.
    PerTest,
    /// Guessed: tests that call the function by name, directly or through one function.
    CallGraph,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CoveringTest {
    pub name: String,
    /// Where the test is in the workspace, if it is found there.
    pub location: Option<(Arc<Path>, TextRange)>,
    pub stats: Option<TestStats>,
    pub last_failure: Option<String>,
    /// The function through which it reaches this one (call graph, one step).
    pub via: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Covering {
    pub source: CoverSource,
    pub tests: Vec<CoveringTest>,
}

impl Covering {
    pub fn flaky(&self) -> usize {
        self.tests
            .iter()
            .filter(|t| t.stats.as_ref().is_some_and(|s| s.flaky.is_some()))
            .count()
    }
}

/// A function's risk and its parts, each in 0..=1.
#[derive(Clone, Debug, PartialEq)]
pub struct Risk {
    pub score: f64,
    pub complexity: u32,
    /// Commits that touched its lines in the churn window.
    pub churn: Option<u32>,
    /// The uncovered share of its executable lines.
    pub uncovered: Option<f64>,
    /// The mean failure rate on unchanged code of the tests covering it.
    pub flake_rate: Option<f64>,
}

/// The weights of [`Risk`]'s parts; see docs/risk.md.
pub const RISK_WEIGHTS: [(&str, f64); 4] = [
    ("complexity", 0.35),
    ("churn", 0.25),
    ("uncovered", 0.30),
    ("flakiness", 0.10),
];

pub fn risk_score(
    complexity: u32,
    churn: Option<u32>,
    uncovered: Option<f64>,
    flake_rate: Option<f64>,
) -> f64 {
    let parts = [
        Some((f64::from(complexity.saturating_sub(1)) / 14.0).min(1.0)),
        churn.map(|c| (f64::from(c) / 10.0).min(1.0)),
        uncovered,
        flake_rate.map(|f| (f * 4.0).min(1.0)),
    ];
    let (sum, weight) = parts
        .iter()
        .zip(RISK_WEIGHTS)
        .filter_map(|(p, (_, w))| p.map(|p| (p * w, w)))
        .fold((0.0, 0.0), |acc, (v, w)| (acc.0 + v, acc.1 + w));
    if weight == 0.0 { 0.0 } else { sum / weight }
}

/// Where a file is, relative to the history's root.
pub(crate) fn rel(history: &History, db: &RootDatabase, file: SourceFile) -> Option<String> {
    history.relative(file.path(db))
}

fn line_of(text: &SourceText, offset: TextSize) -> u32 {
    text.point(offset).0 as u32
}

/// The range of 0-based `line` of `text` without its indentation and line break.
pub(crate) fn line_range(text: &SourceText, line: u32) -> Option<TextRange> {
    if line >= text.line_count() {
        return None;
    }
    let start = text.offset(LineCol { line, col: 0 }, PositionEncoding::Utf8);
    let rope = text.rope();
    let content = rope.line(line as usize).to_string();
    let trimmed = content.trim_end_matches(['\n', '\r']);
    let indent = trimmed.len() - trimmed.trim_start().len();
    Some(TextRange::new(
        start + indent as u32,
        start + trimmed.len() as u32,
    ))
}

/// The 0-based lines of a function whose coverage is its own.
pub(crate) fn function_span(
    text: &SourceText,
    language: syntax::Language,
    f: &Function,
) -> Range<u32> {
    history::function_lines(
        language,
        line_of(text, f.name_range.start),
        line_of(text, f.range.end.saturating_sub(1).max(f.range.start)),
    )
}

/// Coverage of each function of `file`, by index in its model.
pub(crate) fn function_coverage(
    db: &RootDatabase,
    history: &History,
    file: SourceFile,
    model: &FileModel,
) -> Vec<Option<SpanCoverage>> {
    let text = file.text(db);
    let mapped = rel(history, db, file).and_then(|rel| history.coverage(&rel, text));
    let language = file.language(db);
    model
        .functions
        .iter()
        .map(|f| {
            let mapped = mapped.as_ref()?;
            let c = history::span_coverage(mapped, function_span(text, language, f));
            (c.executable > 0 || c.unknown > 0).then_some(c)
        })
        .collect()
}

/// Coverage of the whole file as it is now.
pub(crate) fn file_coverage(
    db: &RootDatabase,
    history: &History,
    file: SourceFile,
) -> Option<SpanCoverage> {
    let rel = rel(history, db, file)?;
    let text = file.text(db);
    let mapped = history.coverage(&rel, text)?;
    Some(history::span_coverage(
        &mapped,
        0..mapped.lines.len() as u32,
    ))
}

/// The history of a test of the workspace, by its file and model.
pub(crate) fn test_history<'h>(
    history: &'h History,
    db: &RootDatabase,
    file: SourceFile,
    test: &Test,
) -> &'h [usize] {
    match rel(history, db, file) {
        Some(rel) => history.tests_at(&rel, &test.full_name()),
        None => &[],
    }
}

/// The tests covering function `f` of `file`.
pub(crate) fn covering_tests(
    db: &RootDatabase,
    workspace: Workspace,
    history: Option<&History>,
    file: SourceFile,
    f: &Function,
) -> Covering {
    let text = file.text(db);
    if let Some(history) = history
        && let Some(rel) = rel(history, db, file)
        && let Some(found) =
            history.tests_covering(&rel, text, function_span(text, file.language(db), f))
    {
        let tests = found
            .into_iter()
            .map(|i| {
                let t = &history.recent.tests[i];
                let location = t.file.as_ref().and_then(|tf| {
                    let path = history.root.join(tf);
                    locate_test(db, workspace, &path, t.qualified_name.as_deref()?)
                });
                CoveringTest {
                    name: t.qualified_name.clone().unwrap_or_else(|| t.name.clone()),
                    location,
                    stats: Some(history.stats[i].clone()),
                    last_failure: t.last_failure.as_ref().and_then(|f| f.message.clone()),
                    via: None,
                }
            })
            .collect();
        return Covering {
            source: CoverSource::PerTest,
            tests,
        };
    }
    let refs = call_graph_refs(db, workspace, &f.name);
    let tests = refs
        .into_iter()
        .map(|(r, via)| {
            let model = db::file_model(db, r.file);
            let test = model.tests.iter().find(|t| t.full_name() == r.full_name);
            let (stats, last_failure) = match (history, test) {
                (Some(h), Some(test)) => {
                    let cases = test_history(h, db, r.file, test);
                    (
                        h.combined(cases),
                        cases.iter().find_map(|&i| {
                            h.recent.tests[i]
                                .last_failure
                                .as_ref()
                                .and_then(|f| f.message.clone())
                        }),
                    )
                }
                _ => (None, None),
            };
            CoveringTest {
                name: r.full_name.clone(),
                location: test.map(|t| (r.file.path(db).clone(), t.name_range)),
                stats,
                last_failure,
                via,
            }
        })
        .collect();
    Covering {
        source: CoverSource::CallGraph,
        tests,
    }
}

/// The tests calling function `name`, and those calling a function that calls it (with that
/// function's name).
fn call_graph_refs(
    db: &RootDatabase,
    workspace: Workspace,
    name: &str,
) -> Vec<(db::TestRef, Option<String>)> {
    let calls = db::test_call_index(db, workspace);
    let callers = db::function_call_index(db, workspace);
    let mut refs: Vec<(db::TestRef, Option<String>)> = calls
        .tests_calling(name)
        .iter()
        .map(|t| (t.clone(), None))
        .collect();
    for caller in callers.get(name).map_or(&[][..], Vec::as_slice) {
        for t in calls.tests_calling(caller) {
            if !refs.iter().any(|(r, _)| r == t) {
                refs.push((t.clone(), Some(caller.clone())));
            }
        }
    }
    refs
}

fn locate_test(
    db: &RootDatabase,
    workspace: Workspace,
    path: &Path,
    full_name: &str,
) -> Option<(Arc<Path>, TextRange)> {
    let file = workspace
        .files(db)
        .iter()
        .find(|f| &**f.path(db) == path)
        .copied()?;
    let model = db::file_model(db, file);
    let test = model.tests.iter().find(|t| t.full_name() == full_name)?;
    Some((file.path(db).clone(), test.name_range))
}

/// Coverage and risk of every function of a file's model, by index.
#[derive(Debug)]
pub(crate) struct FileInsights {
    pub coverage: Vec<Option<SpanCoverage>>,
    pub risks: Vec<Risk>,
}

/// [`FileInsights`] of `file` as its text is now, from the history's cache when this text was
/// seen before.
pub(crate) fn file_insights(
    db: &RootDatabase,
    workspace: Workspace,
    history: &History,
    file: SourceFile,
    model: &FileModel,
) -> Arc<FileInsights> {
    let key = rel(history, db, file).map(|rel| {
        let hash = xxhash_rust::xxh3::xxh3_128(file.text(db).to_string().as_bytes());
        (rel, hash)
    });
    if let Some(key) = &key
        && let Some(known) = history
            .insights
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
    {
        return known.clone();
    }
    let coverage = function_coverage(db, history, file, model);
    let all: Vec<usize> = (0..model.functions.len()).collect();
    let risks = function_risks(db, workspace, history, file, model, &coverage, &all);
    let computed = Arc::new(FileInsights { coverage, risks });
    if let Some(key) = key {
        let mut cache = history.insights.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= 64 {
            cache.clear();
        }
        cache.insert(key, computed.clone());
    }
    computed
}

/// The risk of the functions `which` (indices into the model) of `file`, given their coverage
/// (from [`function_coverage`], by index in the model). The churn map onto the current text is
/// built once for all of them.
pub(crate) fn function_risks(
    db: &RootDatabase,
    workspace: Workspace,
    history: &History,
    file: SourceFile,
    model: &FileModel,
    coverage: &[Option<SpanCoverage>],
    which: &[usize],
) -> Vec<Risk> {
    let text = file.text(db);
    let language = file.language(db);
    let mut memo = HashMap::new();
    let rel = rel(history, db, file);
    let churn = match (&history.churn, &rel) {
        (Some(churn), Some(rel)) => Some(churn.in_text(rel, &text.to_string())),
        _ => None,
    };
    let spans: Vec<Range<u32>> = which
        .iter()
        .map(|&i| function_span(text, language, &model.functions[i]))
        .collect();
    let per_test = rel
        .as_deref()
        .and_then(|rel| history.tests_covering_each(rel, text, &spans));
    which
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let f = &model.functions[i];
            let cov = coverage.get(i).copied().flatten();
            let whole = line_of(text, f.range.start)..spans[n].end;
            let churn = churn.as_ref().map(|c| c.commits_touching(whole));
            let uncovered = cov.and_then(|c| c.percent()).map(|p| 1.0 - p / 100.0);
            let per_test = per_test.as_ref().map(|each| each[n].as_slice());
            let flake_rate = covering_flake_rate(db, workspace, history, f, per_test, &mut memo);
            Risk {
                score: risk_score(f.complexity, churn, uncovered, flake_rate),
                complexity: f.complexity,
                churn,
                uncovered,
                flake_rate,
            }
        })
        .collect()
}

/// The failure rate on unchanged code of one test's history (0 when it is not flaky); `None`
/// when it never ran.
fn flake_rate(stats: &TestStats) -> Option<f64> {
    (stats.ran > 0).then(|| match &stats.flaky {
        Some(flake) if flake.runs > 0 => f64::from(flake.failures) / f64::from(flake.runs),
        _ => 0.0,
    })
}

/// The mean failure rate on unchanged code of the tests covering `f` that have a history: the
/// same tests as [`covering_tests`], without assembling their names and locations: `per_test`
/// when per-test coverage covers the file, the call graph otherwise. The rates of call-graph
/// tests are memoized in `memo`, shared by the functions of one request.
fn covering_flake_rate(
    db: &RootDatabase,
    workspace: Workspace,
    history: &History,
    f: &Function,
    per_test: Option<&[usize]>,
    memo: &mut HashMap<db::TestRef, Option<f64>>,
) -> Option<f64> {
    let rates: Vec<f64> = if let Some(found) = per_test {
        found
            .iter()
            .filter_map(|&i| flake_rate(&history.stats[i]))
            .collect()
    } else {
        let mut rels: HashMap<SourceFile, Option<String>> = HashMap::new();
        call_graph_refs(db, workspace, &f.name)
            .into_iter()
            .filter_map(|(r, _)| {
                if let Some(&known) = memo.get(&r) {
                    return known;
                }
                let model = db::file_model(db, r.file);
                let rel = rels
                    .entry(r.file)
                    .or_insert_with(|| rel(history, db, r.file))
                    .as_deref();
                let rate = model
                    .tests
                    .iter()
                    .find(|t| t.full_name() == r.full_name)
                    .zip(rel)
                    .and_then(|(_, rel)| history.combined(history.tests_at(rel, &r.full_name)))
                    .and_then(|stats| flake_rate(&stats));
                memo.insert(r, rate);
                rate
            })
            .collect()
    };
    (!rates.is_empty()).then(|| rates.iter().sum::<f64>() / rates.len() as f64)
}

/// What a risk hint's tooltip and the hover say of its parts.
pub fn explain_risk(risk: &Risk) -> String {
    let mut parts = vec![format!("complexity {}", risk.complexity)];
    parts.push(match risk.churn {
        Some(c) => format!("{c} commit{} in 90 days", if c == 1 { "" } else { "s" }),
        None => "churn unknown (no git)".to_owned(),
    });
    parts.push(match risk.uncovered {
        Some(u) => format!("{:.0}% uncovered", u * 100.0),
        None => "coverage unknown".to_owned(),
    });
    parts.push(match risk.flake_rate {
        Some(f) => format!(
            "covering tests fail {:.0}% of runs on unchanged code",
            f * 100.0
        ),
        None => "no covering test with history".to_owned(),
    });
    format!("risk {:.2}: {}", risk.score, parts.join(" · "))
}

/// The evidence sentence of a flaky test.
pub fn flake_evidence(history: &History, cases: &[usize], stats: &TestStats) -> Option<String> {
    let flake = stats.flaky.as_ref()?;
    let mut out = if flake.failures > 0 {
        format!(
            "failed {} of {} runs on unchanged code",
            flake.failures, flake.runs
        )
    } else {
        String::new()
    };
    if flake.retries > 0 {
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(&format!(
            "passed on a retry in {} of {} runs",
            flake.retries, stats.ran
        ));
    }
    let newest = cases
        .iter()
        .filter_map(|&i| history.recent.tests[i].last_failure.as_ref())
        .min_by_key(|f| f.run);
    if let Some(failure) = newest
        && let Some(run) = history.run(failure.run)
    {
        out.push_str(&format!("; last failure {}", ago(run.created_at)));
        if let Some(message) = &failure.message {
            out.push_str(&format!(": {}", first_line(message, 120)));
        }
    }
    Some(out)
}

/// The first non-empty line of a message, at most `max` characters.
pub fn first_line(message: &str, max: usize) -> String {
    let line = message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() > max {
        let cut: String = line.chars().take(max - 1).collect();
        format!("{cut}…")
    } else {
        line.to_owned()
    }
}

/// Broken and flaky tests of `file`, and the flake evidence added to smells in flaky tests.
pub(crate) fn history_diagnostics(
    db: &RootDatabase,
    workspace: Workspace,
    history: &History,
    file: SourceFile,
    smells: &mut [Diagnostic],
) -> Vec<Diagnostic> {
    let model = db::file_model(db, file);
    let text = file.text(db);
    let Some(rel) = rel(history, db, file) else {
        return Vec::new();
    };
    let path = file.path(db).clone();
    let mut out = Vec::new();
    for test in &model.tests {
        let cases = history.tests_at(&rel, &test.full_name());
        let Some(stats) = history.combined(cases) else {
            continue;
        };
        if stats.broken()
            && let Some(d) = broken(db, workspace, history, &rel, &path, text, test, cases)
        {
            out.push(d);
        }
        if let Some(evidence) = flake_evidence(history, cases, &stats) {
            out.push(Diagnostic {
                code: DiagnosticCode::FlakyTest,
                severity: DiagnosticCode::FlakyTest.severity(),
                range: test.name_range,
                message: format!("flaky test `{}`: {evidence}", test.full_name()),
                related: Vec::new(),
            });
            // Smells that cause flakiness, inside a flaky test: ranked up, with the evidence.
            for smell in smells.iter_mut() {
                if test.range.contains_range(smell.range)
                    && matches!(
                        smell.code,
                        DiagnosticCode::FixedSleep | DiagnosticCode::NoAssertion
                    )
                {
                    smell.severity = smell.severity.min(Severity::Warning);
                    smell.message = format!("{}. This test is flaky: {evidence}", smell.message);
                }
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn broken(
    db: &RootDatabase,
    workspace: Workspace,
    history: &History,
    rel: &str,
    path: &Arc<Path>,
    text: &SourceText,
    test: &Test,
    cases: &[usize],
) -> Option<Diagnostic> {
    let (case, failure) = newest_failure(history, cases)?;
    let run = history.run(failure.run)?;
    let record = &history.recent.tests[case];
    let at_line = failing_line(failure, rel, text, test);
    let range = at_line.unwrap_or(test.name_range);
    let message = failure
        .message
        .as_deref()
        .map(|m| first_line(m, 200))
        .unwrap_or_else(|| "no message recorded".to_owned());

    // What changed since the failing run, and since the last pass.
    let source_now = xxhash_rust::xxh3::xxh3_128(text.slice(test.range).as_bytes());
    let recorded_source = record_source_hash(history, case, failure.run);
    let test_changed = recorded_source.is_some_and(|h| h != source_now);
    let covered = covered_functions(db, workspace, history, test, record.id);
    let changed_since =
        |commit: &str| changed_since(history, covered.as_deref().unwrap_or_default(), commit);
    let fail_commit = run.commit.as_deref();
    let changed_after_failure =
        test_changed || fail_commit.is_some_and(|c| !changed_since(c).is_empty());

    let mut text_out = String::new();
    if changed_after_failure {
        text_out.push_str(&format!(
            "failed at {}; changed since: ",
            fail_commit.map_or("the last run", short)
        ));
    } else {
        text_out.push_str(&format!(
            "failed in the last run ({}{}): ",
            ago(run.created_at),
            fail_commit
                .map(|c| format!(", {}", short(c)))
                .unwrap_or_default()
        ));
    }
    text_out.push_str(&message);
    // The verdict: regression or flake, from what changed since it last passed.
    let verdict = match history.last_pass(record.id) {
        Some(pass) => match pass.commit.as_deref() {
            Some(commit) if history.repo.is_some() && covered.is_none() => format!(
                "it last passed at {}; what it covers is still being read",
                short(commit)
            ),
            Some(commit) if history.repo.is_some() => {
                let changed = changed_since(commit);
                if changed.is_empty() {
                    format!(
                        "likely flaky: nothing it covers changed since it last passed at {}",
                        short(commit)
                    )
                } else {
                    let names: Vec<String> = changed
                        .iter()
                        .take(3)
                        .map(|(f_rel, f_text, name, lines)| {
                            match changed_in(history, f_rel, f_text, lines.clone(), commit) {
                                Some(ChangedIn::Commit(sha)) => {
                                    format!("`{name}` changed in {}", short(&sha))
                                }
                                Some(ChangedIn::WorkTree) => {
                                    format!("`{name}` changed (uncommitted)")
                                }
                                None => format!("`{name}` changed"),
                            }
                        })
                        .collect();
                    format!(
                        "likely regression: {} since it last passed at {}",
                        names.join(", "),
                        short(commit)
                    )
                }
            }
            _ => format!("it last passed {}", ago(pass.created_at)),
        },
        None => "it has not passed in the recorded history".to_owned(),
    };
    text_out.push_str(&format!("\n{verdict}"));

    let mut related = Vec::new();
    if let Some(r) = at_line {
        related.push(Related {
            path: path.clone(),
            range: r,
            message: "the failing line".to_owned(),
        });
    }
    related.push(Related {
        path: path.clone(),
        range: test.name_range,
        message: format!("the test `{}`", test.full_name()),
    });
    Some(Diagnostic {
        code: DiagnosticCode::BrokenTest,
        severity: if changed_after_failure {
            Severity::Hint
        } else {
            DiagnosticCode::BrokenTest.severity()
        },
        range,
        message: text_out,
        related,
    })
}

/// The source hash recorded with a test's result in run `run`.
fn record_source_hash(history: &History, case: usize, run: u32) -> Option<u128> {
    history.recent.tests[case]
        .results
        .iter()
        .find(|r| r.run == run)
        .and_then(|r| r.source_hash)
}

/// The case of a broken test that failed most recently, and that failure.
pub(crate) fn newest_failure<'h>(
    history: &'h History,
    cases: &[usize],
) -> Option<(usize, &'h store::RecentFailure)> {
    cases
        .iter()
        .filter(|&&i| history.stats[i].broken())
        .filter_map(|&i| Some((i, history.recent.tests[i].last_failure.as_ref()?)))
        .min_by_key(|(_, f)| f.run)
}

/// The range of the recorded failing line of `failure` in `text` (the file `rel` now), when it
/// lies in `test`.
pub(crate) fn failing_line(
    failure: &store::RecentFailure,
    rel: &str,
    text: &SourceText,
    test: &Test,
) -> Option<TextRange> {
    failure
        .failure_line
        .filter(|_| failure.failure_file.as_deref() == Some(rel))
        .and_then(|line| line_range(text, line.saturating_sub(1)))
        .filter(|r| test.range.contains_range(*r) || test.range.intersects(*r))
}

/// A function a test covers: (file, its text now, name, 0-based lines now).
pub(crate) type Covered = (String, SourceText, String, Range<u32>);

/// The functions among `covered` that changed since `commit` (its text then, by `git show`,
/// against its text now), once each by name. Empty without git.
pub(crate) fn changed_since<'c>(
    history: &History,
    covered: &'c [Covered],
    commit: &str,
) -> Vec<&'c Covered> {
    let Some(repo) = &history.repo else {
        return Vec::new();
    };
    let mut changed: Vec<&Covered> = Vec::new();
    for entry in covered {
        let (f_rel, f_text, name, lines) = entry;
        let Some(old) = repo.show(commit, f_rel) else {
            continue;
        };
        let current = f_text.to_string();
        if vcs::LineMap::new(&old, &current).changed_within(lines.clone())
            && !changed.iter().any(|e| e.2 == *name)
        {
            changed.push(entry);
        }
    }
    changed
}

enum ChangedIn {
    Commit(String),
    WorkTree,
}

/// Where the lines `lines` of `f_rel` (its text now: `f_text`) changed after `since` (the
/// commit of the last pass): the newest commit touching them in the churn window, or edits not
/// committed yet. `None` without churn (no git, or not computed yet).
fn changed_in(
    history: &History,
    f_rel: &str,
    f_text: &SourceText,
    lines: Range<u32>,
    since: &str,
) -> Option<ChangedIn> {
    let churn = history.churn.as_ref()?;
    let in_text = churn.in_text(f_rel, &f_text.to_string());
    let newest = in_text
        .commits_touching_list(lines)
        .into_iter()
        .find(|c| !c.sha.starts_with(since) && !since.starts_with(&c.sha));
    // Lines edited in the work tree have no commits; a change with no commit after the last
    // pass is one not committed yet.
    Some(match newest {
        Some(c) if c.time >= commit_time(history, since).unwrap_or(i64::MIN) => {
            ChangedIn::Commit(c.sha.clone())
        }
        _ => ChangedIn::WorkTree,
    })
}

/// The committer time of `commit`, from the repository.
fn commit_time(history: &History, commit: &str) -> Option<i64> {
    history.repo.as_ref()?.commit_info(commit).map(|c| c.time)
}

/// The functions a test covers, as (file, its text, name, 0-based lines now): from per-test
/// coverage where it was recorded, otherwise the functions it calls and the ones they call.
///
/// `None` when per-test coverage names a file that is on disk but not read into the workspace
/// yet (the server is still indexing): what changed cannot be told, and no verdict is given.
pub(crate) fn covered_functions(
    db: &RootDatabase,
    workspace: Workspace,
    history: &History,
    test: &Test,
    test_id: store::TestId,
) -> Option<Vec<Covered>> {
    let mut out = Vec::new();
    let mut add = |f_file: SourceFile, f: &Function| {
        let Some(f_rel) = rel(history, db, f_file) else {
            return;
        };
        let text = f_file.text(db).clone();
        let first = line_of(&text, f.range.start);
        let last = line_of(&text, f.range.end.saturating_sub(1).max(f.range.start));
        let entry = (f_rel, text, f.name.clone(), first..last + 1);
        if !out
            .iter()
            .any(|e: &Covered| e.0 == entry.0 && e.2 == entry.2 && e.3 == entry.3)
        {
            out.push(entry);
        }
    };
    let per_test = history.lines_run_by(test_id);
    if !per_test.is_empty() {
        for (path, lines) in per_test {
            let Some(f_file) = workspace
                .files(db)
                .iter()
                .find(|f| history.relative(f.path(db)).as_deref() == Some(path.as_str()))
                .copied()
            else {
                if history.root.join(&path).is_file() {
                    return None;
                }
                continue;
            };
            let model = db::file_model(db, f_file);
            let text = f_file.text(db);
            for f in &model.functions {
                let first = line_of(text, f.range.start);
                let last = line_of(text, f.range.end.saturating_sub(1).max(f.range.start));
                if lines.iter().any(|&l| (first..=last).contains(&(l - 1))) {
                    add(f_file, f);
                }
            }
        }
        return Some(out);
    }
    let mut names: Vec<String> = test.calls.iter().map(|c| c.name.clone()).collect();
    let direct = names.clone();
    for name in &direct {
        for f_file in workspace.files(db).iter() {
            for (caller, calls) in db::file_function_calls(db, *f_file).iter() {
                if caller == name {
                    names.extend(calls.iter().cloned());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    for f_file in workspace.files(db).iter() {
        let model = db::file_model(db, *f_file);
        for f in &model.functions {
            if names.binary_search(&f.name).is_ok() {
                add(*f_file, f);
            }
        }
    }
    Some(out)
}
