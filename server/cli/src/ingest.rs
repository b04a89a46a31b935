//! `testlens ingest`: runner reports and coverage into the local history. Each file goes in
//! whole or not at all; a bad file is reported (with its line and column when malformed) and
//! the others still go in.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use ide::ingest::{IngestSink, IngestStats, TestIndex};
use ide::{AnalysisHost, Change};
use reports::{Format, ParseError};
use store::{OpenOptions, ReportFile, RunMeta, Store, StoreError, WriteError};
use xxhash_rust::xxh3::Xxh3;

use crate::git;

pub struct IngestArgs {
    pub paths: Vec<PathBuf>,
    pub format: Option<Format>,
    pub db: Option<PathBuf>,
    pub root: Option<PathBuf>,
    pub run_id: Option<String>,
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub dirty: Option<bool>,
    pub busy_timeout: Duration,
}

/// The workspace root: `--root`, else the git repository around the current directory, else
/// the current directory.
pub fn workspace_root(root: Option<&Path>) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let root = root
        .map(Path::to_path_buf)
        .or_else(|| git::toplevel(&cwd))
        .unwrap_or(cwd);
    std::fs::canonicalize(&root).unwrap_or(root)
}

/// The history file: `--db`, else `TESTLENS_DB`, else `.testlens/history.db` at the root.
pub fn db_path(db: Option<&Path>, root: &Path) -> PathBuf {
    db.map(Path::to_path_buf)
        .or_else(|| std::env::var_os("TESTLENS_DB").map(PathBuf::from))
        .unwrap_or_else(|| root.join(store::DEFAULT_PATH))
}

/// Report files found for the paths given: files as they are, directories walked.
fn expand(paths: &[PathBuf], failures: &mut usize) -> Vec<(PathBuf, bool)> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(path)
                .hidden(false)
                .build()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                .map(|e| e.into_path())
                .filter(|p| looks_like_a_report(p))
                .collect();
            found.sort();
            if found.is_empty() {
                eprintln!(
                    "{}: no test or coverage reports in this directory (testlens reads {})",
                    path.display(),
                    supported()
                );
                *failures += 1;
            }
            files.extend(found.into_iter().map(|p| (p, false)));
        } else if path.exists() {
            files.push((path.clone(), true));
        } else {
            eprintln!("{}: no such file or directory", path.display());
            *failures += 1;
        }
    }
    files
}

/// Inside a directory, only files whose name a report could have are read.
fn looks_like_a_report(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    [
        ".xml",
        ".json",
        ".jsonl",
        ".info",
        ".lcov",
        ".out",
        ".coverprofile",
        ".cov",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
        && !name.ends_with("package.json")
        && !name.ends_with("tsconfig.json")
}

fn supported() -> String {
    Format::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first bytes of a file, for detection, and a hash of all of it.
fn head_and_hash(path: &Path) -> std::io::Result<(Vec<u8>, String, u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Xxh3::new();
    let mut head = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        if head.len() < 1 << 16 {
            let take = n.min((1 << 16) - head.len());
            head.extend_from_slice(&buf[..take]);
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((head, format!("{:032x}", hasher.digest128()), size))
}

struct Workspace {
    index: TestIndex,
}

fn load_workspace(root: &Path) -> Workspace {
    let (tx, rx) = crossbeam_channel::unbounded();
    let roots = vec![root.to_owned()];
    let walker = std::thread::spawn(move || vfs::load_all(&roots, tx));
    let files: Vec<vfs::LoadedFile> = rx.into_iter().filter_map(Result::ok).collect();
    let _ = walker.join();
    let mut host = AnalysisHost::default();
    host.apply(Change::SetRoots(vec![root.to_owned()]));
    host.apply(Change::AddFiles(files));
    let analysis = host.analysis();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    // Nothing edits this database: analysis is never cancelled here.
    let index = analysis
        .prime(threads, &|_, _| {})
        .and_then(|()| TestIndex::new(&analysis, root))
        .expect("an unshared database is never cancelled");
    Workspace { index }
}

pub fn run(args: IngestArgs) -> ExitCode {
    let root = workspace_root(args.root.as_deref());
    let db = db_path(args.db.as_deref(), &root);
    let mut failures = 0usize;
    let inputs = expand(&args.paths, &mut failures);
    if inputs.is_empty() {
        return ExitCode::from(1);
    }
    // Readers (the language server) wait for the end of the whole ingest, not of each file.
    let _ingesting = store::IngestGuard::acquire(&db);
    let mut store = match Store::open(
        &db,
        &OpenOptions {
            busy_timeout: args.busy_timeout,
            read_only: false,
        },
    ) {
        Ok(store) => store,
        Err(err) => {
            eprintln!("testlens: {err}");
            return ExitCode::from(1);
        }
    };
    let git = git::state(&root);
    let run = RunMeta {
        key: args.run_id.clone().unwrap_or_else(fresh_run_key),
        created_at: crate::time::now(),
        commit: args.commit.clone().or(git.commit),
        branch: args.branch.clone().or(git.branch),
        dirty: args.dirty.or(git.dirty),
    };
    let mut workspace: Option<Workspace> = None;
    let mut stored = 0usize;

    for (path, explicit) in inputs {
        let shown = path.display().to_string();
        let (head, content_hash, size) = match head_and_hash(&path) {
            Ok(read) => read,
            Err(err) => {
                eprintln!("{shown}: cannot read: {err}");
                failures += 1;
                continue;
            }
        };
        let format = match args.format {
            Some(format) => format,
            None => match reports::detect(&head) {
                Ok(format) => format,
                Err(err) => {
                    if explicit || !matches!(err, reports::DetectError::Unknown) {
                        eprintln!("{shown}: {err}");
                        failures += 1;
                    } else {
                        tracing::info!(path = %shown, "not a report; skipped");
                    }
                    continue;
                }
            },
        };
        let workspace = workspace.get_or_insert_with(|| load_workspace(&root));
        let file = ReportFile {
            path: shown.clone(),
            format: format.name().to_owned(),
            tool: None,
            size,
            content_hash,
        };
        let reader = match File::open(&path) {
            Ok(f) => BufReader::with_capacity(1 << 20, f),
            Err(err) => {
                eprintln!("{shown}: cannot read: {err}");
                failures += 1;
                continue;
            }
        };
        let mut stats = IngestStats::default();
        let mut tool = None;
        let outcome = store.write_file(&run, &file, |writer| {
            let mut sink = IngestSink::new(writer, &workspace.index, None);
            let summary = reports::parse(format, reader, &mut sink);
            stats = sink.stats;
            let summary = summary?;
            tool = summary.tool.clone();
            if let Some(tool) = &summary.tool {
                writer
                    .set_tool(tool)
                    .map_err(|e| ParseError::Sink(Box::new(e)))?;
            }
            Ok::<_, ParseError>(())
        });
        match outcome {
            Ok(_) => {
                stored += 1;
                println!(
                    "{shown}: {}{}",
                    format.name(),
                    tool.map(|t| format!(" ({t})")).unwrap_or_default()
                );
                println!("  {}", describe(&stats, format));
            }
            Err(WriteError::Body(ParseError::Malformed {
                line,
                column,
                message,
            })) => {
                eprintln!(
                    "{shown}:{line}:{column}: malformed {} report: {message}; nothing from this file was stored",
                    format.name()
                );
                failures += 1;
            }
            Err(WriteError::Body(ParseError::Io(err))) => {
                eprintln!("{shown}: cannot read: {err}; nothing from this file was stored");
                failures += 1;
            }
            Err(WriteError::Body(ParseError::Sink(err))) => {
                eprintln!("{shown}: cannot store: {err}; nothing from this file was stored");
                failures += 1;
            }
            Err(WriteError::Store(err)) => {
                eprintln!("{shown}: {err}; nothing from this file was stored");
                failures += 1;
                if matches!(err, StoreError::Locked { .. }) {
                    // The next file would wait as long again.
                    break;
                }
            }
        }
    }
    if stored > 0 {
        println!("run {} in {}", run.key, db.display());
    }
    if failures > 0 {
        eprintln!("testlens: {failures} of the inputs could not be ingested");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn describe(stats: &IngestStats, format: Format) -> String {
    if format.is_coverage() {
        let mut out = format!("coverage of {} files", stats.coverage_files);
        if stats.per_test_coverage > 0 {
            out.push_str(&format!(
                ", and per test: {} records",
                stats.per_test_coverage
            ));
        }
        if stats.unresolved_coverage > 0 {
            out.push_str(&format!(
                " ({} paths are not files of this workspace; kept as written)",
                stats.unresolved_coverage
            ));
        }
        return out;
    }
    let total = stats.passed + stats.failed + stats.errored + stats.skipped;
    let mut out = format!(
        "{total} tests: {} passed, {} failed, {} errored, {} skipped",
        stats.passed, stats.failed, stats.errored, stats.skipped
    );
    if stats.flaky_retries > 0 {
        out.push_str(&format!("; {} passed only on a retry", stats.flaky_retries));
    }
    if stats.unmapped > 0 {
        out.push_str(&format!(
            "; {} not found in the code model (kept, with the reason: `testlens history` shows it)",
            stats.unmapped
        ));
    }
    out
}

/// A run key for a run without `--run-id`: the time, and the process, so two ingests started
/// in the same second stay two runs.
fn fresh_run_key() -> String {
    format!("run-{}-{}", crate::time::now(), std::process::id())
}
