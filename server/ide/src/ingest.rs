//! From runner reports to the history: which test of the code model each reported test is, where
//! a failure happened, which workspace file a coverage record is about. Editor-neutral glue
//! between `reports` (what the report says), the code model (what the workspace holds) and
//! `store` (what is kept).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use reports::{FileCoverage, Sink, SinkError, Status as ReportStatus, TestCase};
use store::{FileWriter, NewCoverage, NewResult, Status, TestIdentity};
use syntax::{Language, TestKind};
use xxhash_rust::xxh3::xxh3_128;

use crate::{Analysis, Cancellable};

/// A test of the code model, as reports name it.
#[derive(Clone, Debug)]
struct KnownTest {
    /// Workspace-relative path.
    file: String,
    language: Language,
    path: Vec<String>,
    name: String,
    kind: TestKind,
    line: u32,
    source_hash: String,
}

impl KnownTest {
    fn full_name(&self) -> String {
        let mut parts = self.path.clone();
        parts.push(self.name.clone());
        parts.join(" > ")
    }
}

/// Where each test of the workspace is, for matching report names to it.
pub struct TestIndex {
    root: PathBuf,
    by_file: HashMap<String, Vec<KnownTest>>,
    /// Go test functions by name.
    go_functions: HashMap<String, Vec<KnownTest>>,
    /// Rust tests by their path inside their crate target (`cart::tests::adds`, `it_works`).
    rust_paths: HashMap<String, Vec<KnownTest>>,
    /// Go module paths (from `go.mod`) and the directories they sit in.
    go_modules: Vec<(String, String)>,
    /// Whether a workspace-relative path is a file, as last looked up: a report asks about the
    /// same few paths for each of its thousands of tests. Bounded by [`EXISTS_CACHE_CAPACITY`].
    exists: Mutex<HashMap<String, bool>>,
    /// The workspace's files (relative paths) by file name, to place a path written on
    /// another machine without asking the disk: see [`TestIndex::foreign_path`].
    by_name: HashMap<String, Vec<String>>,
    /// [`TestIndex::python_module_file`] by class name, bounded like `exists`.
    python_modules: Mutex<HashMap<String, Option<(String, String)>>>,
}

const EXISTS_CACHE_CAPACITY: usize = 4096;

impl TestIndex {
    /// Indexes the tests of every file of `analysis`, with paths relative to `root`.
    pub fn new(analysis: &Analysis, root: &Path) -> Cancellable<TestIndex> {
        let mut index = TestIndex {
            root: root.to_owned(),
            by_file: HashMap::new(),
            go_functions: HashMap::new(),
            rust_paths: HashMap::new(),
            go_modules: go_modules(root),
            exists: Mutex::default(),
            python_modules: Mutex::default(),
            by_name: HashMap::new(),
        };
        for file in analysis.files() {
            let path = analysis.file_path(file);
            let Some(rel) = relative(root, &path) else {
                continue;
            };
            let name = rel.rsplit('/').next().unwrap_or(&rel).to_owned();
            index.by_name.entry(name).or_default().push(rel.clone());
            let model = analysis.file_model(file)?;
            if model.tests.is_empty() {
                continue;
            }
            let text = analysis.file_text(file);
            let language = analysis.file_language(file);
            let module = analysis.file_module(file);
            for test in &model.tests {
                let source = text.slice(test.range);
                let known = KnownTest {
                    file: rel.clone(),
                    language,
                    path: test.path.clone(),
                    name: test.name.clone(),
                    kind: test.kind,
                    line: text
                        .line_col(test.name_range.start, syntax::PositionEncoding::Utf16)
                        .line
                        + 1,
                    source_hash: format!("{:032x}", xxh3_128(source.as_bytes())),
                };
                match language {
                    Language::Go if test.kind != TestKind::Subtest => index
                        .go_functions
                        .entry(known.name.clone())
                        .or_default()
                        .push(known.clone()),
                    Language::Rust => {
                        let mut parts: Vec<&str> = Vec::new();
                        if !module.is_empty() {
                            parts.push(&module);
                        }
                        parts.extend(known.path.iter().map(String::as_str));
                        parts.push(&known.name);
                        index
                            .rust_paths
                            .entry(parts.join("::"))
                            .or_default()
                            .push(known.clone());
                    }
                    _ => {}
                }
                index.by_file.entry(rel.clone()).or_default().push(known);
            }
        }
        Ok(index)
    }

    /// The stable identity of a reported test, and where the code model has it.
    pub fn identify(&self, case: &TestCase, tool: Option<&str>) -> Identified {
        if is_go(case, tool) {
            return self.identify_go(case);
        }
        // nextest names a case by its binary (`shop`, `shop::integration`) and its Rust path;
        // the tool is only known once the report is read, so the shape decides, and a Rust
        // reading that finds nothing gives way to the others.
        if tool == Some("cargo-nextest") || looks_like_rust(case) {
            let rust = self.identify_rust(case);
            if rust.identity.unmapped_reason.is_none() || tool == Some("cargo-nextest") {
                return rust;
            }
        }
        let file = self.file_of(case);
        match file.as_deref().and_then(language_of_path) {
            Some(Language::Python) => self.identify_python(case, file.as_deref()),
            Some(language) if language.is_js_family() => {
                self.identify_js(case, file.as_deref().unwrap_or_default())
            }
            _ if tool == Some("pytest") || case.classname.as_deref().is_some_and(looks_dotted) => {
                self.identify_python(case, file.as_deref())
            }
            _ => {
                let key = format!("{}::{}", report_scope(case), case.name);
                Identified::unmapped(
                    key,
                    case.name.clone(),
                    "no test of that name in the code model",
                )
            }
        }
    }

    /// The file a report names for a case: its `file` attribute, or a classname that is a path.
    fn file_of(&self, case: &TestCase) -> Option<String> {
        if let Some(file) = &case.file {
            return Some(self.normalize(file));
        }
        let classname = case.classname.as_deref()?;
        language_of_path(classname).map(|_| self.normalize(classname))
    }

    fn normalize(&self, path: &str) -> String {
        let p = Path::new(path);
        if p.is_absolute() {
            relative(&self.root, p).unwrap_or_else(|| path.to_owned())
        } else {
            clean(path)
        }
    }

    fn identify_python(&self, case: &TestCase, file: Option<&str>) -> Identified {
        let base = case.name.split('[').next().unwrap_or(&case.name);
        // pytest's classname is the module and the classes, dotted: find the longest module
        // prefix that is a file of the workspace.
        let (file, classes) = match file {
            Some(file) => {
                let classes = case
                    .classname
                    .as_deref()
                    .map(|c| {
                        let module = file.trim_end_matches(".py").replace('/', ".");
                        c.strip_prefix(&module)
                            .map(|rest| rest.trim_start_matches('.').to_owned())
                            .unwrap_or_default()
                    })
                    .unwrap_or_default();
                (Some(file.to_owned()), classes)
            }
            None => match case
                .classname
                .as_deref()
                .and_then(|c| self.python_module_file(c))
            {
                Some((file, classes)) => (Some(file), classes),
                None => (None, String::new()),
            },
        };
        let class_path: Vec<String> = classes
            .split('.')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let Some(file) = file else {
            let key = format!("{}::{}", report_scope(case), case.name);
            return Identified::unmapped(
                key,
                case.name.clone(),
                "the report's classname names no file of the workspace",
            );
        };
        // pytest's node id: what `pytest` prints and what coverage.py's contexts are named by.
        let mut key_parts = vec![file.clone()];
        key_parts.extend(class_path.iter().cloned());
        key_parts.push(case.name.clone());
        let key = key_parts.join("::");
        let found = self.by_file.get(&file).and_then(|tests| {
            tests
                .iter()
                .find(|t| t.name == base && t.path == class_path)
        });
        match found {
            Some(test) => Identified::mapped(key, case.name.clone(), test),
            None => Identified::unmapped(
                key,
                case.name.clone(),
                &format!("no test `{}` in {file}", key_parts[1..].join("::")),
            ),
        }
    }

    /// Whether `rel` (relative to the root) is a file, looked up on disk once per path.
    fn is_file(&self, rel: &str) -> bool {
        let mut cache = self.exists.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&known) = cache.get(rel) {
            return known;
        }
        let known = self.root.join(rel).is_file();
        if cache.len() >= EXISTS_CACHE_CAPACITY {
            cache.clear();
        }
        cache.insert(rel.to_owned(), known);
        known
    }

    /// `tests.test_cart.TestCart` → (`tests/test_cart.py`, `TestCart`).
    fn python_module_file(&self, classname: &str) -> Option<(String, String)> {
        let mut cache = self
            .python_modules
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(known) = cache.get(classname) {
            return known.clone();
        }
        let found = self.find_python_module_file(classname);
        if cache.len() >= EXISTS_CACHE_CAPACITY {
            cache.clear();
        }
        cache.insert(classname.to_owned(), found.clone());
        found
    }

    fn find_python_module_file(&self, classname: &str) -> Option<(String, String)> {
        let parts: Vec<&str> = classname.split('.').collect();
        (1..=parts.len()).rev().find_map(|n| {
            let module = parts[..n].join("/");
            [format!("{module}.py"), format!("{module}/__init__.py")]
                .into_iter()
                .chain(["src/".to_owned() + &module + ".py"])
                .find(|f| self.by_file.contains_key(f) || self.is_file(f))
                .map(|f| (f, parts[n..].join(".")))
        })
    }

    fn identify_js(&self, case: &TestCase, file: &str) -> Identified {
        let key = format!("{file}::{}", case.name);
        let tests = self
            .by_file
            .get(file)
            .map(Vec::as_slice)
            .unwrap_or_default();
        // Vitest names a test `describe > it`; jest-junit joins the titles with spaces.
        let found = tests
            .iter()
            .find(|t| t.full_name() == case.name)
            .or_else(|| tests.iter().find(|t| spaced(t) == case.name))
            .or_else(|| {
                tests.iter().find(|t| {
                    name_pattern_matches(&t.full_name(), &case.name)
                        || name_pattern_matches(&spaced(t), &case.name)
                })
            });
        match found {
            Some(test) => Identified::mapped(key, case.name.clone(), test),
            None if tests.is_empty() => {
                Identified::unmapped(key, case.name.clone(), &format!("no tests found in {file}"))
            }
            None => Identified::unmapped(
                key,
                case.name.clone(),
                &format!("no test named `{}` in {file}", case.name),
            ),
        }
    }

    fn identify_go(&self, case: &TestCase) -> Identified {
        let package = case
            .suites
            .last()
            .cloned()
            .or_else(|| case.classname.clone())
            .unwrap_or_default();
        let key = format!("{package}::{}", case.name);
        let mut parts = case.name.split('/');
        let function = parts.next().unwrap_or_default();
        let subtests: Vec<&str> = parts.collect();
        let dir = self.go_package_dir(&package);
        let candidates = self
            .go_functions
            .get(function)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let parent = candidates
            .iter()
            .find(|t| dir.as_deref().is_some_and(|d| parent_dir(&t.file) == d))
            .or_else(|| (candidates.len() == 1).then(|| &candidates[0]));
        let Some(parent) = parent else {
            let reason = if case.name == "(package)" {
                "a package-level failure, not a test".to_owned()
            } else {
                format!("no Go test `{function}` in package {package}")
            };
            return Identified::unmapped(key, case.name.clone(), &reason);
        };
        if subtests.is_empty() {
            return Identified::mapped(key, case.name.clone(), parent);
        }
        // `go test` writes a subtest's spaces as underscores.
        let mut path = vec![parent.name.clone()];
        let mut found = parent;
        for sub in subtests {
            let next = self.by_file.get(&parent.file).and_then(|tests| {
                tests.iter().find(|t| {
                    t.kind == TestKind::Subtest && t.path == path && t.name.replace(' ', "_") == sub
                })
            });
            match next {
                Some(t) => {
                    path.push(t.name.clone());
                    found = t;
                }
                // A subtest named at run time (`t.Run(tc.name, ...)`): it is its parent's.
                None => break,
            }
        }
        let mut identified = Identified::mapped(key, case.name.clone(), found);
        identified.identity.qualified_name = Some(case.name.clone());
        identified
    }

    /// The workspace directory of a Go package import path, through the `go.mod` files.
    fn go_package_dir(&self, package: &str) -> Option<String> {
        self.go_modules.iter().find_map(|(module, dir)| {
            let rest = package.strip_prefix(module.as_str())?;
            if !(rest.is_empty() || rest.starts_with('/')) {
                return None;
            }
            Some(clean(&format!("{dir}/{}", rest.trim_start_matches('/'))))
        })
    }

    fn identify_rust(&self, case: &TestCase) -> Identified {
        let binary = case.classname.clone().unwrap_or_else(|| report_scope(case));
        let key = format!("{binary}::{}", case.name);
        // nextest's binary id: `crate` for the library's unit tests, `crate::target` for an
        // integration test file `tests/target.rs`, `crate::bin/name` for a binary's.
        let target = binary.split_once("::").map(|(_, t)| t);
        let candidates: Vec<&KnownTest> = match target {
            Some(target) if !target.starts_with("bin/") => {
                let wanted = format!("{target}::{}", case.name);
                self.rust_paths
                    .get(&wanted)
                    .map(|v| v.iter().collect())
                    .unwrap_or_default()
            }
            _ => self
                .rust_paths
                .get(&case.name)
                .map(|v| v.iter().collect())
                .unwrap_or_default(),
        };
        match candidates.as_slice() {
            [one] => Identified::mapped(key, case.name.clone(), one),
            [] => Identified::unmapped(
                key,
                case.name.clone(),
                &format!("no Rust test `{}` for {binary}", case.name),
            ),
            many => Identified::unmapped(
                key,
                case.name.clone(),
                &format!(
                    "{} Rust tests are called `{}`; cannot tell which",
                    many.len(),
                    case.name
                ),
            ),
        }
    }

    /// The workspace-relative file a report's path is about, if it is one of the workspace.
    pub fn resolve_source_path(&self, path: &str) -> Option<String> {
        let p = Path::new(path);
        if p.is_absolute()
            && let Some(rel) = relative(&self.root, p)
            && self.is_file(&rel)
        {
            return Some(rel);
        }
        let cleaned = clean(&path.replace('\\', "/"));
        if !p.is_absolute() && self.is_file(&cleaned) {
            return Some(cleaned);
        }
        // A Go import path: `example.com/shop/pricing.go`.
        if let Some((package, file)) = cleaned.rsplit_once('/')
            && let Some(dir) = self.go_package_dir(package)
        {
            let rel = clean(&format!("{dir}/{file}"));
            if self.is_file(&rel) {
                return Some(rel);
            }
        }
        self.foreign_path(&cleaned)
    }

    /// A path written on another machine or in another checkout (a CI container, a
    /// colleague's home): the workspace file that ends it with the most path components.
    fn foreign_path(&self, cleaned: &str) -> Option<String> {
        let name = cleaned.rsplit('/').next()?;
        self.by_name
            .get(name)?
            .iter()
            .filter(|rel| {
                cleaned == rel.as_str()
                    || cleaned
                        .strip_suffix(rel.as_str())
                        .is_some_and(|head| head.ends_with('/'))
            })
            .max_by_key(|rel| rel.matches('/').count())
            .cloned()
    }

    /// The failure location to keep, from the frames of a failure text: the first in the
    /// test's own file, else the first in the workspace, else the first.
    fn failure_location(&self, text: &str, test_file: Option<&str>) -> Option<(String, u32)> {
        let frames: Vec<(String, u32)> = reports::failure_locations(text)
            .into_iter()
            .map(|(file, line)| (self.resolve_source_path(&file).unwrap_or(file), line))
            .collect();
        if let Some(own) = test_file
            && let Some(frame) = frames
                .iter()
                .find(|(f, _)| f == own || own.ends_with(f.as_str()))
        {
            return Some((own.to_owned(), frame.1));
        }
        frames
            .iter()
            .find(|(f, _)| self.is_file(f))
            .or(frames.first())
            .cloned()
    }
}

fn spaced(test: &KnownTest) -> String {
    let mut parts = test.path.clone();
    parts.push(test.name.clone());
    parts.join(" ")
}

/// Whether a reported name fits a test's written name with `.each`/printf placeholders in it
/// (`adds %i`, `$a + $b`, `${name}`).
fn name_pattern_matches(pattern: &str, name: &str) -> bool {
    if !pattern.contains(['%', '$']) {
        return false;
    }
    // Split the pattern at its placeholders; the literal pieces must appear in order.
    let mut pieces: Vec<&str> = Vec::new();
    let mut rest = pattern;
    while let Some(at) = rest.find(['%', '$']) {
        pieces.push(&rest[..at]);
        let after = &rest[at + 1..];
        let skip = if let Some(inner) = after.strip_prefix('{') {
            inner.find('}').map_or(after.len(), |c| c + 2)
        } else {
            after
                .char_indices()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '#'))
                .map_or(after.len(), |(i, _)| i.max(1))
        };
        rest = &after[skip.min(after.len())..];
    }
    pieces.push(rest);
    let mut at = 0;
    for (i, piece) in pieces.iter().enumerate() {
        if i == 0 {
            if !name.starts_with(piece) {
                return false;
            }
            at = piece.len();
        } else if i == pieces.len() - 1 {
            return name.len() >= at + piece.len() && name.ends_with(piece);
        } else {
            match name[at..].find(piece) {
                Some(found) => at += found + piece.len(),
                None => return false,
            }
        }
    }
    true
}

fn is_go(case: &TestCase, tool: Option<&str>) -> bool {
    tool == Some("go test")
        || (case.suites.len() == 1
            && case.classname.is_none()
            && case.file.is_none()
            && (case.name.starts_with("Test")
                || case.name.starts_with("Benchmark")
                || case.name.starts_with("Fuzz")
                || case.name.starts_with("Example")
                || case.name == "(package)"))
}

/// A nextest case: the classname is a crate (and target) name, the name a Rust path.
fn looks_like_rust(case: &TestCase) -> bool {
    let Some(classname) = case.classname.as_deref() else {
        return false;
    };
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '/')
    };
    let (krate, target) = classname.split_once("::").unwrap_or((classname, "x"));
    ident(krate) && ident(target) && case.name.split("::").all(|p| !p.is_empty() && ident(p))
}

fn looks_dotted(classname: &str) -> bool {
    classname.contains('.') && !classname.contains(' ') && !classname.contains('/')
}

fn report_scope(case: &TestCase) -> String {
    case.classname
        .clone()
        .or_else(|| case.suites.last().cloned())
        .unwrap_or_default()
}

fn language_of_path(path: &str) -> Option<Language> {
    Language::from_path(Path::new(path))
}

fn parent_dir(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `./a/../b//c` → `b/c`, without touching the disk.
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    Some(parts.join("/"))
}

/// Every `go.mod` under `root`, as (module path, directory relative to root).
fn go_modules(root: &Path) -> Vec<(String, String)> {
    vfs::find_files_named(root, "go.mod")
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let module = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("module "))?
                .trim()
                .trim_matches('"')
                .to_owned();
            let dir = relative(root, path.parent()?)?;
            Some((module, dir))
        })
        .collect()
}

/// A reported test's identity, and what the code model says of it.
#[derive(Clone, Debug)]
pub struct Identified {
    pub identity: TestIdentity,
    pub source_hash: Option<String>,
}

impl Identified {
    fn mapped(key: String, name: String, test: &KnownTest) -> Identified {
        Identified {
            identity: TestIdentity {
                key,
                name,
                language: Some(test.language.name().to_owned()),
                file: Some(test.file.clone()),
                qualified_name: Some(test.full_name()),
                line: Some(test.line),
                unmapped_reason: None,
            },
            source_hash: Some(test.source_hash.clone()),
        }
    }

    fn unmapped(key: String, name: String, reason: &str) -> Identified {
        Identified {
            identity: TestIdentity {
                key,
                name,
                unmapped_reason: Some(reason.to_owned()),
                ..TestIdentity::default()
            },
            source_hash: None,
        }
    }
}

/// What one report file put in, for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IngestStats {
    pub passed: u64,
    pub failed: u64,
    pub errored: u64,
    pub skipped: u64,
    pub unmapped: u64,
    pub flaky_retries: u64,
    pub coverage_files: u64,
    pub per_test_coverage: u64,
    pub unresolved_coverage: u64,
}

/// Writes a parsed report into the store as it streams by.
pub struct IngestSink<'a, 'w> {
    pub writer: &'a mut FileWriter<'w>,
    pub index: &'a TestIndex,
    pub tool: Option<String>,
    pub stats: IngestStats,
    /// Content hashes of source files, computed once per ingest.
    hashes: HashMap<String, Option<String>>,
}

impl<'a, 'w> IngestSink<'a, 'w> {
    pub fn new(writer: &'a mut FileWriter<'w>, index: &'a TestIndex, tool: Option<String>) -> Self {
        IngestSink {
            writer,
            index,
            tool,
            stats: IngestStats::default(),
            hashes: HashMap::new(),
        }
    }

    /// The hash of a workspace file's content, read once per report; the first time, its text
    /// also goes into the history, for coverage to follow later edits of the file.
    fn content_hash(&mut self, rel: &str) -> Result<Option<String>, SinkError> {
        if let Some(known) = self.hashes.get(rel) {
            return Ok(known.clone());
        }
        let bytes = std::fs::read(self.index.root.join(rel)).ok();
        let hash = bytes
            .as_ref()
            .map(|bytes| format!("{:032x}", xxh3_128(bytes)));
        if let (Some(hash), Some(bytes)) = (&hash, &bytes)
            && bytes.len() <= MAX_SOURCE_TEXT
            && let Ok(text) = std::str::from_utf8(bytes)
        {
            self.writer.source(hash, text)?;
        }
        self.hashes.insert(rel.to_owned(), hash.clone());
        Ok(hash)
    }
}

/// Larger sources are not kept (the code model skips them too).
const MAX_SOURCE_TEXT: usize = 4 << 20;

impl Sink for IngestSink<'_, '_> {
    fn test(&mut self, case: TestCase) -> Result<(), SinkError> {
        let identified = self.index.identify(&case, self.tool.as_deref());
        let status = match case.status {
            ReportStatus::Passed => Status::Passed,
            ReportStatus::Failed => Status::Failed,
            ReportStatus::Errored => Status::Errored,
            ReportStatus::Skipped => Status::Skipped,
        };
        match status {
            Status::Passed => self.stats.passed += 1,
            Status::Failed => self.stats.failed += 1,
            Status::Errored => self.stats.errored += 1,
            Status::Skipped => self.stats.skipped += 1,
        }
        if identified.identity.unmapped_reason.is_some() {
            self.stats.unmapped += 1;
        }
        if status == Status::Passed && !case.failed_attempts.is_empty() {
            self.stats.flaky_retries += 1;
        }
        let failing = matches!(status, Status::Failed | Status::Errored);
        let location = if failing {
            let text = [
                case.details.as_deref(),
                case.message.as_deref(),
                case.output.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n");
            self.index
                .failure_location(&text, identified.identity.file.as_deref())
        } else {
            None
        };
        let message = match status {
            Status::Passed => case
                .failed_attempts
                .first()
                .and_then(|a| with_details(a.message.as_deref(), a.details.as_deref())),
            _ => with_details(case.message.as_deref(), case.details.as_deref()),
        }
        .map(|m| shorten(&m, 4096));
        self.writer.result(&NewResult {
            test: identified.identity,
            status,
            duration_ms: case.duration_s.map(|s| s * 1000.0),
            failed_attempts: case.failed_attempts.len() as u32,
            message,
            failure_file: location.as_ref().map(|(f, _)| f.clone()),
            failure_line: location.map(|(_, l)| l),
            source_hash: identified.source_hash,
        })?;
        Ok(())
    }

    fn coverage(&mut self, file: FileCoverage) -> Result<(), SinkError> {
        let resolved = self.index.resolve_source_path(&file.path);
        if resolved.is_none() {
            self.stats.unresolved_coverage += 1;
        }
        let path = resolved.clone().unwrap_or_else(|| file.path.clone());
        let content_hash = match &resolved {
            Some(rel) => self.content_hash(rel)?,
            None => None,
        };
        let test = file.test.as_deref().map(|context| {
            self.stats.per_test_coverage += 1;
            self.index.identify_context(context)
        });
        if test.is_none() {
            self.stats.coverage_files += 1;
        }
        self.writer.coverage(&NewCoverage {
            path,
            content_hash,
            lines: file.lines,
            test,
        })?;
        Ok(())
    }
}

impl TestIndex {
    /// A coverage context names a test by its pytest node id (`tests/test_x.py::TestA::test_b`).
    fn identify_context(&self, context: &str) -> TestIdentity {
        let mut parts = context.split("::");
        let file = parts.next().unwrap_or_default().to_owned();
        let rest: Vec<String> = parts.map(str::to_owned).collect();
        let case = TestCase {
            suites: Vec::new(),
            classname: Some(
                std::iter::once(file.trim_end_matches(".py").replace('/', "."))
                    .chain(rest[..rest.len().saturating_sub(1)].iter().cloned())
                    .collect::<Vec<_>>()
                    .join("."),
            ),
            name: rest.last().cloned().unwrap_or_default(),
            file: Some(file),
            line: None,
            status: ReportStatus::Passed,
            duration_s: None,
            message: None,
            details: None,
            output: None,
            failed_attempts: Vec::new(),
        };
        self.identify_python(&case, case.file.as_deref()).identity
    }
}

/// A failure's message with its details after it, where they add to it: the expected and
/// actual values are often only there (Rust's `left:`/`right:`, Jest's `Expected:`/`Received:`),
/// and the fixes that update an expected value read them from the history.
fn with_details(message: Option<&str>, details: Option<&str>) -> Option<String> {
    match (message, details) {
        // The message is the details' first line (taken from them when the report had none).
        (Some(m), Some(d)) if d.trim_start().starts_with(m.trim()) => Some(d.to_owned()),
        (Some(m), Some(d)) if !d.trim().is_empty() && !m.contains(d.trim()) => {
            Some(format!("{m}\n\n{d}"))
        }
        (Some(m), _) => Some(m.to_owned()),
        (None, d) => d.map(str::to_owned),
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_placeholders_match_the_names_they_produce() {
        assert!(name_pattern_matches("taxes %i", "taxes 2"));
        assert!(name_pattern_matches(
            "pricing > adds $a + $b",
            "pricing > adds 1 + 2"
        ));
        assert!(name_pattern_matches("case ${n} > loops", "case 1 > loops"));
        assert!(!name_pattern_matches("taxes %i", "untaxed 2"));
        assert!(!name_pattern_matches("no placeholders", "no placeholders"));
    }

    #[test]
    fn paths_from_another_checkout_resolve_to_their_longest_tail_in_the_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("__tests__")).unwrap();
        std::fs::create_dir_all(root.join("src/b")).unwrap();
        std::fs::write(root.join("__tests__/pricing.test.js"), "").unwrap();
        std::fs::write(root.join("src/b/app.py"), "").unwrap();
        std::fs::write(root.join("app.py"), "").unwrap();
        let mut host = crate::AnalysisHost::default();
        host.apply(crate::Change::SetRoots(vec![root.to_owned()]));
        host.apply(crate::Change::AddFiles(
            vfs::walk(&[root.to_owned()])
                .iter()
                .map(|p| vfs::load(p).unwrap())
                .collect(),
        ));
        let index = TestIndex::new(&host.analysis(), root).unwrap();
        let own = root.join("__tests__/pricing.test.js");
        assert_eq!(
            index.resolve_source_path(own.to_str().unwrap()).as_deref(),
            Some("__tests__/pricing.test.js")
        );
        assert_eq!(
            index
                .resolve_source_path("/home/ci/checkout/__tests__/pricing.test.js")
                .as_deref(),
            Some("__tests__/pricing.test.js")
        );
        // The longest tail wins over a shorter one that also exists.
        assert_eq!(
            index.resolve_source_path("/build/src/b/app.py").as_deref(),
            Some("src/b/app.py")
        );
        assert_eq!(
            index
                .resolve_source_path("C:\\agent\\work\\src\\b\\app.py")
                .as_deref(),
            Some("src/b/app.py")
        );
        assert_eq!(index.resolve_source_path("/elsewhere/missing.py"), None);
        assert_eq!(index.resolve_source_path("missing/dir"), None);
    }

    #[test]
    fn paths_are_cleaned_without_the_disk() {
        assert_eq!(clean("./a/../b//c.py"), "b/c.py");
        assert_eq!(parent_dir("shop/pricing_test.go"), "shop");
        assert_eq!(parent_dir("pricing_test.go"), "");
    }
}
