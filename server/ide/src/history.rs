//! The test history brought to the code: which tests are broken or flaky, how well each function
//! is covered now (coverage follows edits made since it was recorded), how risky a function is,
//! and which tests cover it. Loaded once from the store into a compact, immutable [`History`];
//! a new ingest gives a new one. Editor-neutral: `lsp` turns the results into protocol types.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use store::{LastPass, LatestCoverage, Recent, Status, Store, StoreError, TestCoverage, TestId};
use syntax::{Language, SourceText};
use xxhash_rust::xxh3::xxh3_128;

/// The rules' knobs (`testlens.toml` and the editor's settings).
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryConfig {
    /// How many recent runs the flaky rule looks at.
    pub flaky_window: usize,
    /// A test that has had the same outcome this many runs in a row since its last flip is no
    /// longer flaky.
    pub stable_runs: usize,
    /// Churn counts commits of the last this many days.
    pub churn_days: u32,
}

impl Default for HistoryConfig {
    fn default() -> HistoryConfig {
        HistoryConfig {
            flaky_window: 30,
            stable_runs: 30,
            churn_days: 90,
        }
    }
}

/// Evidence that a test is flaky.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flake {
    /// Failures among `runs` runs of the same test source.
    pub failures: u32,
    pub runs: u32,
    /// Runs in which it passed only on a retry.
    pub retries: u32,
}

/// What the recent runs say of one test (as the history names it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TestStats {
    /// Runs in the window in which it ran (not skipped), and failed.
    pub ran: u32,
    pub failed: u32,
    /// Its outcome in the newest run that ran it.
    pub last_status: Option<Status>,
    /// Index of that run in `Recent::runs`.
    pub last_run: Option<u32>,
    pub mean_ms: Option<f32>,
    pub flaky: Option<Flake>,
    /// Outcomes, oldest to newest: `✓` passed, `✗` failed, `↻` passed on a retry.
    pub sparkline: String,
}

impl TestStats {
    pub fn broken(&self) -> bool {
        matches!(self.last_status, Some(Status::Failed | Status::Errored))
    }
}

/// Coverage of one line of a file as it is now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineCoverage {
    /// Not executable, per the recorded coverage.
    NotExecutable,
    Hits(u64),
    /// Added or changed since the coverage was recorded.
    Unknown,
}

/// A file's recorded coverage mapped onto its current text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappedCoverage {
    /// Per 0-based line of the current text.
    pub lines: Vec<LineCoverage>,
    pub commit: Option<String>,
    pub recorded_at: i64,
}

/// Coverage of a span of lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpanCoverage {
    pub executable: u32,
    pub covered: u32,
    /// Lines added or changed since the coverage was recorded.
    pub unknown: u32,
}

impl SpanCoverage {
    /// Covered share of the executable lines whose coverage is known, in percent.
    pub fn percent(&self) -> Option<f64> {
        (self.executable > 0).then(|| f64::from(self.covered) * 100.0 / f64::from(self.executable))
    }
}

/// Coverage mapped onto a file's text, by (file, hash of the text).
type MappedCache = HashMap<(String, u128), Option<Arc<MappedCoverage>>>;

/// The loaded history of one workspace root.
pub struct History {
    pub root: PathBuf,
    pub store_path: PathBuf,
    pub config: HistoryConfig,
    pub recent: Recent,
    pub stats: Vec<TestStats>,
    by_location: HashMap<(String, String), Vec<usize>>,
    by_id: HashMap<TestId, usize>,
    coverage: HashMap<String, LatestCoverage>,
    test_coverage: HashMap<String, Vec<TestCoverage>>,
    store: Mutex<Option<Store>>,
    sources: Mutex<HashMap<String, Option<Arc<str>>>>,
    last_passes: Mutex<HashMap<TestId, Option<LastPass>>>,
    mapped: Mutex<MappedCache>,
    /// Coverage and risk of every function of a file, by (file, hash of its text): computed
    /// once per text and history, then served to every hint and hover request on that text.
    pub(crate) insights: Mutex<HashMap<(String, u128), Arc<crate::insights::FileInsights>>>,
    pub repo: Option<Arc<vcs::Repo>>,
    pub churn: Option<Arc<vcs::Churn>>,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History")
            .field("store", &self.store_path)
            .field("runs", &self.recent.runs.len())
            .field("tests", &self.recent.tests.len())
            .field("coverage_files", &self.coverage.len())
            .finish()
    }
}

pub use store::DEFAULT_PATH as DEFAULT_DB;
/// Whether a `testlens ingest` into the history at a path is under way.
pub use store::ingest_running;

/// The newest report file id in the history at `path`: a cheap check for "anything new?".
pub fn probe(path: &Path) -> Result<i64, String> {
    Store::open_reader(path, READ_BUSY)
        .and_then(|s| s.last_report_file())
        .map_err(|e| e.to_string())
}

/// How many recent runs are read: enough for the flaky rule's window and its stable runs.
fn window(config: &HistoryConfig) -> usize {
    config.flaky_window.max(config.stable_runs + 1).max(1)
}

fn by_path(entries: Vec<TestCoverage>) -> HashMap<String, Vec<TestCoverage>> {
    let mut out: HashMap<String, Vec<TestCoverage>> = HashMap::new();
    for c in entries {
        out.entry(c.path.clone()).or_default().push(c);
    }
    out
}

/// How long a reader waits for an ingest's transaction; reads go through WAL snapshots, so
/// this is only hit while the file is being created or upgraded.
const READ_BUSY: Duration = Duration::from_millis(500);

impl History {
    /// Loads the history at `store_path` for the workspace at `root`.
    pub fn load(
        root: &Path,
        store_path: &Path,
        config: HistoryConfig,
        repo: Option<Arc<vcs::Repo>>,
        churn: Option<Arc<vcs::Churn>>,
    ) -> Result<History, StoreError> {
        let store = Store::open_reader(store_path, READ_BUSY)?;
        let recent = store.recent(window(&config))?;
        let coverage = store
            .latest_coverage()?
            .into_iter()
            .map(|c| (c.path.clone(), c))
            .collect();
        let test_coverage = by_path(store.latest_test_coverage()?);
        Ok(History::from_parts(
            root,
            store_path,
            config,
            recent,
            coverage,
            test_coverage,
            store,
            repo,
            churn,
        ))
    }

    /// The history after an ingest: `self` with only the report files ingested since it was
    /// loaded read in (a full [`History::load`] when that cannot be done: runs pruned, other
    /// settings). What an open editor does after each ingest.
    pub fn reload(
        &self,
        config: HistoryConfig,
        churn: Option<Arc<vcs::Churn>>,
    ) -> Result<History, StoreError> {
        let full = || {
            History::load(
                &self.root,
                &self.store_path,
                config.clone(),
                self.repo.clone(),
                churn.clone(),
            )
        };
        if config != self.config {
            return full();
        }
        let store = Store::open_reader(&self.store_path, READ_BUSY)?;
        let Some(recent) = store.recent_since(&self.recent, window(&config))? else {
            tracing::debug!("the history changed other than by ingests: loading it whole");
            return full();
        };
        let since = self.recent.last_report_file;
        let mut coverage = self.coverage.clone();
        for c in store.latest_coverage_since(since)? {
            coverage.insert(c.path.clone(), c);
        }
        let test_coverage = if store.test_coverage_since(since)? {
            by_path(store.latest_test_coverage()?)
        } else {
            self.test_coverage.clone()
        };
        let history = History::from_parts(
            &self.root,
            &self.store_path,
            config,
            recent,
            coverage,
            test_coverage,
            store,
            self.repo.clone(),
            churn,
        );
        // Recorded texts never change: keep those already read.
        *history.sources.lock().unwrap_or_else(|e| e.into_inner()) = self
            .sources
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        Ok(history)
    }

    #[allow(clippy::too_many_arguments)]
    fn from_parts(
        root: &Path,
        store_path: &Path,
        config: HistoryConfig,
        recent: Recent,
        coverage: HashMap<String, LatestCoverage>,
        test_coverage: HashMap<String, Vec<TestCoverage>>,
        store: Store,
        repo: Option<Arc<vcs::Repo>>,
        churn: Option<Arc<vcs::Churn>>,
    ) -> History {
        let stats = recent
            .tests
            .iter()
            .map(|t| stats(&t.results, &config))
            .collect();
        let mut by_location: HashMap<(String, String), Vec<usize>> = HashMap::new();
        let mut by_id = HashMap::new();
        for (i, t) in recent.tests.iter().enumerate() {
            by_id.insert(t.id, i);
            if let (Some(file), Some(name)) = (&t.file, &t.qualified_name) {
                by_location
                    .entry((file.clone(), name.clone()))
                    .or_default()
                    .push(i);
            }
        }
        History {
            root: root.to_owned(),
            store_path: store_path.to_owned(),
            config,
            recent,
            stats,
            by_location,
            by_id,
            coverage,
            test_coverage,
            store: Mutex::new(Some(store)),
            sources: Mutex::default(),
            last_passes: Mutex::default(),
            mapped: Mutex::default(),
            insights: Mutex::default(),
            repo,
            churn,
        }
    }

    /// The newest report file the loaded view has seen.
    pub fn last_report_file(&self) -> i64 {
        self.recent.last_report_file
    }

    /// The path of `path` relative to the workspace root, `/`-separated, if it is inside it.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        Some(
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
        )
    }

    /// The history's tests that are the test `full_name` of file `rel` (several for a
    /// parametrized test: one per case).
    pub fn tests_at(&self, rel: &str, full_name: &str) -> &[usize] {
        self.by_location
            .get(&(rel.to_owned(), full_name.to_owned()))
            .map_or(&[], Vec::as_slice)
    }

    pub fn test_index(&self, id: TestId) -> Option<usize> {
        self.by_id.get(&id).copied()
    }

    /// The stats of several history tests (the cases of one test) taken together.
    pub fn combined(&self, tests: &[usize]) -> Option<TestStats> {
        let mut all = tests.iter().map(|&i| &self.stats[i]);
        let first = all.next()?.clone();
        Some(all.fold(first, |mut acc, s| {
            acc.ran += s.ran;
            acc.failed += s.failed;
            if s.broken() && !acc.broken() || acc.last_run.is_none() {
                acc.last_status = s.last_status;
                acc.last_run = s.last_run;
            }
            acc.mean_ms = match (acc.mean_ms, s.mean_ms) {
                (Some(a), Some(b)) => Some((a + b) / 2.0),
                (a, b) => a.or(b),
            };
            acc.flaky = match (acc.flaky.take(), &s.flaky) {
                (Some(a), Some(b)) => Some(Flake {
                    failures: a.failures + b.failures,
                    runs: a.runs + b.runs,
                    retries: a.retries + b.retries,
                }),
                (a, b) => a.or_else(|| b.clone()),
            };
            acc
        }))
    }

    /// The run at `index` of the recent runs.
    pub fn run(&self, index: u32) -> Option<&store::RecentRun> {
        self.recent.runs.get(index as usize)
    }

    /// When `test` last passed (cleanly), looked up once.
    pub fn last_pass(&self, test: TestId) -> Option<LastPass> {
        let mut cache = self.last_passes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = cache.get(&test) {
            return known.clone();
        }
        let found = self.with_store(|s| s.last_pass(test)).flatten();
        cache.insert(test, found.clone());
        found
    }

    fn with_store<T>(&self, f: impl FnOnce(&Store) -> store::Result<T>) -> Option<T> {
        let guard = self.store.lock().unwrap_or_else(|e| e.into_inner());
        let store = guard.as_ref()?;
        match f(store) {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::warn!("reading the history: {e}");
                None
            }
        }
    }

    fn recorded_text(&self, hash: &str) -> Option<Arc<str>> {
        let mut cache = self.sources.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = cache.get(hash) {
            return known.clone();
        }
        let text = self
            .with_store(|s| s.source_text(hash))
            .flatten()
            .map(Arc::from);
        cache.insert(hash.to_owned(), text.clone());
        text
    }

    /// The lines (1-based, as recorded) each file had run by `test`, from per-test coverage.
    pub fn lines_run_by(&self, test: TestId) -> Vec<(String, Vec<u32>)> {
        self.test_coverage
            .iter()
            .flat_map(|(path, entries)| {
                entries
                    .iter()
                    .filter(move |e| e.test == test)
                    .map(move |e| (path.clone(), e.lines.clone()))
            })
            .collect()
    }

    /// Whether coverage was recorded for `rel`.
    pub fn has_coverage(&self, rel: &str) -> bool {
        self.coverage.contains_key(rel)
    }

    /// The newest coverage of `rel`, mapped onto `text` (its current content): lines added or
    /// changed since it was recorded are [`LineCoverage::Unknown`]. `None` when no coverage was
    /// recorded, or the file changed and the text it was recorded against is not kept.
    pub fn coverage(&self, rel: &str, text: &SourceText) -> Option<Arc<MappedCoverage>> {
        let recorded = self.coverage.get(rel)?;
        let current = text.to_string();
        let hash = xxh3_128(current.as_bytes());
        let key = (rel.to_owned(), hash);
        if let Some(known) = self
            .mapped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return known.clone();
        }
        let mapped = self.map_coverage(recorded, &current, hash).map(Arc::new);
        let mut cache = self.mapped.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() > 256 {
            cache.clear();
        }
        cache.insert(key, mapped.clone());
        mapped
    }

    fn map_coverage(
        &self,
        recorded: &LatestCoverage,
        current: &str,
        hash: u128,
    ) -> Option<MappedCoverage> {
        let line_count = current.lines().count().max(1);
        let hits: HashMap<u32, u64> = recorded.lines.iter().copied().collect();
        let at_recorded = |old: u32| match hits.get(&(old + 1)) {
            Some(&h) => LineCoverage::Hits(h),
            None => LineCoverage::NotExecutable,
        };
        let same = match &recorded.content_hash {
            Some(h) => u128::from_str_radix(h, 16).ok() == Some(hash),
            // Not resolved to a workspace file at ingest: nothing to compare with.
            None => true,
        };
        let lines = if same {
            (0..line_count as u32).map(at_recorded).collect()
        } else {
            let old = self.recorded_text(recorded.content_hash.as_deref()?)?;
            let map = vcs::LineMap::new(&old, current);
            (0..line_count as u32)
                .map(|line| match map.new_to_old(line) {
                    Some(old) => at_recorded(old),
                    None => LineCoverage::Unknown,
                })
                .collect()
        };
        Some(MappedCoverage {
            lines,
            commit: recorded.commit.clone(),
            recorded_at: recorded.created_at,
        })
    }

    /// The tests whose per-test coverage ran any of the 0-based `lines` of `rel` as it is now
    /// (`text`), as history test indices; `None` when no per-test coverage covers the file.
    pub fn tests_covering(
        &self,
        rel: &str,
        text: &SourceText,
        lines: Range<u32>,
    ) -> Option<Vec<usize>> {
        self.tests_covering_each(rel, text, std::slice::from_ref(&lines))
            .and_then(|mut each| each.pop())
    }

    /// [`History::tests_covering`] for several spans of one text at once (the text is hashed
    /// and mapped once): one list per span, in order.
    pub fn tests_covering_each(
        &self,
        rel: &str,
        text: &SourceText,
        spans: &[Range<u32>],
    ) -> Option<Vec<Vec<usize>>> {
        let entries = self.test_coverage.get(rel)?;
        let current = text.to_string();
        let hash = xxh3_128(current.as_bytes());
        let mut maps: HashMap<&str, Option<vcs::LineMap>> = HashMap::new();
        let mut out = vec![Vec::new(); spans.len()];
        for entry in entries {
            let same = entry
                .content_hash
                .as_deref()
                .is_none_or(|h| u128::from_str_radix(h, 16).ok() == Some(hash));
            let lines: Vec<u32> = if same {
                entry.lines.iter().map(|&l| l - 1).collect()
            } else {
                let Some(h) = entry.content_hash.as_deref() else {
                    continue;
                };
                let map = maps.entry(h).or_insert_with(|| {
                    self.recorded_text(h)
                        .map(|old| vcs::LineMap::new(&old, &current))
                });
                let Some(map) = map else { continue };
                entry
                    .lines
                    .iter()
                    .filter_map(|&l| map.old_to_new(l - 1))
                    .collect()
            };
            let Some(i) = self.test_index(entry.test) else {
                continue;
            };
            for (span, found) in spans.iter().zip(&mut out) {
                if lines.iter().any(|l| span.contains(l)) {
                    found.push(i);
                }
            }
        }
        for found in &mut out {
            found.sort_unstable();
            found.dedup();
        }
        Some(out)
    }
}

/// Coverage of the 0-based lines `span`, counting where the function's code is: for Python and
/// JavaScript the line that defines a function runs when the module loads, so it says nothing
/// of the function and is left out when the body has lines of its own.
pub fn span_coverage(mapped: &MappedCoverage, span: Range<u32>) -> SpanCoverage {
    let mut out = SpanCoverage::default();
    for line in span {
        match mapped.lines.get(line as usize) {
            Some(LineCoverage::Hits(h)) => {
                out.executable += 1;
                if *h > 0 {
                    out.covered += 1;
                }
            }
            Some(LineCoverage::Unknown) => out.unknown += 1,
            _ => {}
        }
    }
    out
}

/// The lines whose coverage is a function's: see [`span_coverage`].
pub fn function_lines(language: Language, name_line: u32, end_line: u32) -> Range<u32> {
    let skip_definition = matches!(
        language,
        Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx
    ) && end_line > name_line;
    (name_line + u32::from(skip_definition))..(end_line + 1)
}

/// The flaky rule and the counts, over results newest first.
fn stats(results: &[store::RecentResult], config: &HistoryConfig) -> TestStats {
    let ran: Vec<&store::RecentResult> = results
        .iter()
        .filter(|r| r.status != Status::Skipped)
        .collect();
    let mut out = TestStats::default();
    if let Some(newest) = ran.first() {
        out.last_status = Some(newest.status);
        out.last_run = Some(newest.run);
    }
    let window: Vec<&&store::RecentResult> = ran
        .iter()
        .filter(|r| (r.run as usize) < config.flaky_window)
        .collect();
    let failed = |r: &store::RecentResult| matches!(r.status, Status::Failed | Status::Errored);
    out.ran = window.len() as u32;
    out.failed = window.iter().filter(|r| failed(r)).count() as u32;
    let durations: Vec<f32> = window.iter().filter_map(|r| r.duration_ms).collect();
    out.mean_ms =
        (!durations.is_empty()).then(|| durations.iter().sum::<f32>() / durations.len() as f32);
    out.sparkline = window
        .iter()
        .take(20)
        .rev()
        .map(|r| {
            if failed(r) {
                '✗'
            } else if r.failed_attempts > 0 {
                '↻'
            } else {
                '✓'
            }
        })
        .collect();

    // Flaky: both outcomes on one test source, or a pass on a retry, within the window...
    let retries = window
        .iter()
        .filter(|r| r.status == Status::Passed && r.failed_attempts > 0)
        .count() as u32;
    let mut by_source: HashMap<Option<u128>, (u32, u32)> = HashMap::new();
    for r in &window {
        let entry = by_source.entry(r.source_hash).or_default();
        entry.0 += 1;
        if failed(r) {
            entry.1 += 1;
        }
    }
    let flipped = by_source
        .values()
        .filter(|(runs, fails)| *fails > 0 && fails < runs)
        .fold((0, 0), |acc, (runs, fails)| (acc.0 + runs, acc.1 + fails));
    // ... unless it has kept one outcome, without retries, for `stable_runs` runs since.
    let newest_failed = ran.first().map(|r| failed(r));
    let streak = ran
        .iter()
        .take_while(|r| Some(failed(r)) == newest_failed && r.failed_attempts == 0)
        .count();
    let stable = streak >= config.stable_runs;
    if (flipped.0 > 0 || retries > 0) && !stable {
        out.flaky = Some(Flake {
            failures: if flipped.0 > 0 { flipped.1 } else { out.failed },
            runs: if flipped.0 > 0 { flipped.0 } else { out.ran },
            retries,
        });
    }
    out
}

/// "3 minutes ago", "2 days ago".
pub fn ago(then: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let secs = (now - then).max(0);
    let (n, unit) = match secs {
        0..60 => return "just now".to_owned(),
        60..3600 => (secs / 60, "minute"),
        3600..86_400 => (secs / 3600, "hour"),
        86_400..2_592_000 => (secs / 86_400, "day"),
        2_592_000..31_536_000 => (secs / 2_592_000, "month"),
        _ => (secs / 31_536_000, "year"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// A commit as people write it: its first 7 characters.
pub fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::RecentResult;

    fn r(run: u32, status: Status, hash: u128) -> RecentResult {
        RecentResult {
            run,
            status,
            duration_ms: Some(10.0),
            failed_attempts: 0,
            source_hash: Some(hash),
        }
    }

    #[test]
    fn both_outcomes_on_one_source_is_flaky_with_the_counts() {
        use Status::*;
        let results = [
            r(0, Failed, 1),
            r(1, Passed, 1),
            r(2, Passed, 1),
            r(3, Failed, 1),
        ];
        let s = stats(&results, &HistoryConfig::default());
        assert_eq!(
            s.flaky,
            Some(Flake {
                failures: 2,
                runs: 4,
                retries: 0
            })
        );
        assert!(s.broken());
        assert_eq!(s.sparkline, "✗✓✓✗");
    }

    #[test]
    fn a_failure_after_the_source_changed_is_not_flaky() {
        use Status::*;
        let results = [r(0, Failed, 2), r(1, Passed, 1), r(2, Passed, 1)];
        let s = stats(&results, &HistoryConfig::default());
        assert_eq!(s.flaky, None);
        assert!(s.broken());
    }

    #[test]
    fn a_pass_on_a_retry_is_flaky() {
        let mut retried = r(0, Status::Passed, 1);
        retried.failed_attempts = 2;
        let s = stats(
            &[retried, r(1, Status::Passed, 1)],
            &HistoryConfig::default(),
        );
        assert_eq!(s.flaky.as_ref().map(|f| f.retries), Some(1));
        assert!(!s.broken());
        assert_eq!(s.sparkline, "✓↻");
    }

    #[test]
    fn stable_for_enough_runs_since_the_last_flip_is_no_longer_flaky() {
        use Status::*;
        let config = HistoryConfig {
            flaky_window: 10,
            stable_runs: 3,
            ..HistoryConfig::default()
        };
        let mut results: Vec<RecentResult> = (0..3).map(|i| r(i, Passed, 1)).collect();
        results.push(r(3, Failed, 1));
        assert_eq!(
            stats(&results, &config).flaky,
            None,
            "3 passes since the flip"
        );
        results.remove(0);
        assert!(
            stats(&results, &config).flaky.is_some(),
            "2 passes are not enough"
        );
    }

    #[test]
    fn skipped_runs_and_runs_outside_the_window_do_not_count() {
        use Status::*;
        let config = HistoryConfig {
            flaky_window: 2,
            stable_runs: 30,
            ..HistoryConfig::default()
        };
        let results = [r(0, Passed, 1), r(1, Skipped, 1), r(2, Failed, 1)];
        let s = stats(&results, &config);
        assert_eq!((s.ran, s.failed, s.flaky), (1, 0, None));
    }

    #[test]
    fn python_and_javascript_leave_the_definition_line_out_of_a_function_s_lines() {
        assert_eq!(function_lines(Language::Python, 4, 9), 5..10);
        assert_eq!(
            function_lines(Language::Python, 4, 4),
            4..5,
            "a one-line function"
        );
        assert_eq!(function_lines(Language::Go, 4, 9), 4..10);
        assert_eq!(function_lines(Language::Rust, 4, 9), 4..10);
    }

    #[test]
    fn unknown_lines_are_neither_covered_nor_executable() {
        use LineCoverage::*;
        let mapped = MappedCoverage {
            lines: vec![NotExecutable, Hits(1), Hits(0), Unknown, Hits(3)],
            commit: None,
            recorded_at: 0,
        };
        let c = span_coverage(&mapped, 0..5);
        assert_eq!(
            c,
            SpanCoverage {
                executable: 3,
                covered: 2,
                unknown: 1
            }
        );
        assert_eq!(c.percent().map(|p| p.round()), Some(67.0));
    }

    fn ingest(store: &mut Store, run: &str, at: i64, failing: bool, hits: u64) {
        let meta = store::RunMeta {
            key: run.to_owned(),
            created_at: at,
            commit: Some(format!("c-{run}")),
            branch: None,
            dirty: Some(false),
        };
        let file = store::ReportFile {
            path: "report.xml".to_owned(),
            format: "junit".to_owned(),
            tool: None,
            size: 1,
            content_hash: run.to_owned(),
        };
        store
            .write_file(&meta, &file, |w| {
                for (name, status) in [
                    (
                        "t::flips",
                        if failing {
                            Status::Failed
                        } else {
                            Status::Passed
                        },
                    ),
                    ("t::steady", Status::Passed),
                ] {
                    w.result(&store::NewResult {
                        test: store::TestIdentity {
                            key: name.to_owned(),
                            name: name.to_owned(),
                            language: None,
                            file: Some("tests/test_a.py".to_owned()),
                            qualified_name: Some(name.to_owned()),
                            line: Some(1),
                            unmapped_reason: None,
                        },
                        status,
                        duration_ms: Some(1.0),
                        failed_attempts: 0,
                        message: failing.then(|| format!("failed in {run}")),
                        failure_file: None,
                        failure_line: None,
                        source_hash: Some("ab".to_owned()),
                    })
                    .map_err(|e| e.to_string())?;
                }
                w.coverage(&store::NewCoverage {
                    path: format!("a/{}.py", hits % 2),
                    content_hash: None,
                    lines: vec![(1, hits)],
                    test: None,
                })
                .map_err(|e| e.to_string())?;
                Ok::<_, String>(())
            })
            .unwrap();
    }

    #[test]
    fn reloading_after_an_ingest_equals_loading_anew() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        let mut store = Store::open(&path, &store::OpenOptions::default()).unwrap();
        let config = HistoryConfig {
            flaky_window: 3,
            stable_runs: 2,
            churn_days: 90,
        };
        ingest(&mut store, "r0", 10, false, 1);
        ingest(&mut store, "r1", 11, true, 2);
        let mut history = History::load(dir.path(), &path, config.clone(), None, None).unwrap();
        for (i, failing) in [false, true, false, true].into_iter().enumerate() {
            ingest(
                &mut store,
                &format!("r{}", i + 2),
                12 + i as i64,
                failing,
                3 + i as u64,
            );
            let reloaded = history.reload(config.clone(), None).unwrap();
            let fresh = History::load(dir.path(), &path, config.clone(), None, None).unwrap();
            assert_eq!(reloaded.recent, fresh.recent, "after run {}", i + 2);
            assert_eq!(reloaded.stats, fresh.stats);
            assert_eq!(reloaded.coverage, fresh.coverage);
            assert_eq!(reloaded.by_location, fresh.by_location);
            history = reloaded;
        }
        let flips = history.tests_at("tests/test_a.py", "t::flips");
        assert!(
            history.stats[flips[0]].flaky.is_some(),
            "the reloaded history still sees the flips"
        );
    }
}
