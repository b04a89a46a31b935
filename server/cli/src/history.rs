//! `testlens history`: the runs in the history, one test's outcomes over time, and pruning.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use store::{OpenOptions, Store};

use crate::ingest::{db_path, workspace_root};
use crate::time::format_utc;

pub struct HistoryArgs {
    pub pattern: Option<String>,
    pub json: bool,
    pub db: Option<PathBuf>,
    pub root: Option<PathBuf>,
    pub prune: bool,
    pub keep: Option<usize>,
    pub limit: usize,
}

#[derive(Serialize)]
struct JsonRun<'a> {
    key: &'a str,
    created_at: String,
    commit: Option<&'a str>,
    branch: Option<&'a str>,
    dirty: Option<bool>,
    tools: Vec<&'a str>,
    results: u64,
    failed: u64,
    skipped: u64,
    coverage_files: u64,
    files: &'a [String],
}

#[derive(Serialize)]
struct JsonTest {
    key: String,
    name: String,
    file: Option<String>,
    line: Option<u32>,
    qualified_name: Option<String>,
    unmapped_reason: Option<String>,
    outcomes: Vec<JsonOutcome>,
}

#[derive(Serialize)]
struct JsonOutcome {
    run: String,
    at: String,
    commit: Option<String>,
    status: &'static str,
    duration_ms: Option<f64>,
    failed_attempts: u32,
    message: Option<String>,
    failure: Option<String>,
}

pub fn run(args: HistoryArgs) -> ExitCode {
    let root = workspace_root(args.root.as_deref());
    let db = db_path(args.db.as_deref(), &root);
    if !db.exists() {
        eprintln!(
            "testlens: no history at {} yet: `testlens ingest <reports>` makes one",
            db.display()
        );
        return ExitCode::from(1);
    }
    let options = OpenOptions {
        read_only: !args.prune,
        ..OpenOptions::default()
    };
    let mut store = match Store::open(&db, &options) {
        Ok(store) => store,
        Err(err) => {
            eprintln!("testlens: {err}");
            return ExitCode::from(1);
        }
    };
    let result = if args.prune {
        prune(&mut store, args.keep)
    } else if let Some(pattern) = &args.pattern {
        tests(&store, pattern, args.json, args.limit)
    } else {
        runs(&store, args.json)
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("testlens: {err}");
            ExitCode::from(1)
        }
    }
}

fn prune(store: &mut Store, keep: Option<usize>) -> store::Result<ExitCode> {
    let Some(keep) = keep else {
        eprintln!("testlens: --prune needs --keep N: how many of the newest runs to keep");
        return Ok(ExitCode::from(2));
    };
    let removed = store.prune(keep)?;
    println!("removed {removed} runs; kept the newest {keep}");
    Ok(ExitCode::SUCCESS)
}

fn runs(store: &Store, json: bool) -> store::Result<ExitCode> {
    let runs = store.runs()?;
    if json {
        let out: Vec<JsonRun> = runs
            .iter()
            .map(|r| JsonRun {
                key: &r.key,
                created_at: format_utc(r.created_at),
                commit: r.commit.as_deref(),
                branch: r.branch.as_deref(),
                dirty: r.dirty,
                tools: r
                    .tool
                    .as_deref()
                    .map(|t| t.split(',').collect())
                    .unwrap_or_default(),
                results: r.results,
                failed: r.failed,
                skipped: r.skipped,
                coverage_files: r.coverage_files,
                files: &r.files,
            })
            .collect();
        print_json(&out);
        return Ok(ExitCode::SUCCESS);
    }
    if runs.is_empty() {
        println!("the history is empty");
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} runs, newest first", runs.len());
    for r in &runs {
        let commit = r
            .commit
            .as_deref()
            .map(|c| {
                format!(
                    "{}{}",
                    &c[..c.len().min(7)],
                    if r.dirty == Some(true) { "*" } else { "" }
                )
            })
            .unwrap_or_else(|| "-".to_owned());
        println!(
            "{}  {:<9} {:<12} {:>5} results ({} failed, {} skipped)  {:>3} coverage files  {}  [{}]",
            format_utc(r.created_at),
            commit,
            r.branch.as_deref().unwrap_or("-"),
            r.results,
            r.failed,
            r.skipped,
            r.coverage_files,
            r.tool.as_deref().unwrap_or("-"),
            r.key
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn tests(store: &Store, pattern: &str, json: bool, limit: usize) -> store::Result<ExitCode> {
    let matches = store.tests_matching(pattern)?;
    if matches.is_empty() {
        if json {
            print_json(&Vec::<JsonTest>::new());
        } else {
            println!("no test in the history matches {pattern:?}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = Vec::new();
    for test in matches.iter().take(limit) {
        let outcomes = store.outcomes(test.id)?;
        let id = &test.identity;
        out.push(JsonTest {
            key: id.key.clone(),
            name: id.name.clone(),
            file: id.file.clone(),
            line: id.line,
            qualified_name: id.qualified_name.clone(),
            unmapped_reason: id.unmapped_reason.clone(),
            outcomes: outcomes
                .into_iter()
                .map(|o| JsonOutcome {
                    run: o.run_key,
                    at: format_utc(o.created_at),
                    commit: o.commit,
                    status: o.status.as_str(),
                    duration_ms: o.duration_ms,
                    failed_attempts: o.failed_attempts,
                    message: o.message,
                    failure: o
                        .failure_file
                        .map(|f| format!("{f}:{}", o.failure_line.unwrap_or(0))),
                })
                .collect(),
        });
    }
    if json {
        print_json(&out);
        return Ok(ExitCode::SUCCESS);
    }
    for test in &out {
        println!("{}", test.key);
        match (&test.file, test.line, &test.unmapped_reason) {
            (Some(file), Some(line), _) => println!("  at {file}:{line}"),
            (_, _, Some(reason)) => println!("  not found in the code model: {reason}"),
            _ => {}
        }
        let sparkline: String = test
            .outcomes
            .iter()
            .rev()
            .map(|o| match o.status {
                "passed" if o.failed_attempts > 0 => '~',
                "passed" => '✓',
                "skipped" => '-',
                _ => '✗',
            })
            .collect();
        println!(
            "  {} runs, oldest to newest: {sparkline}",
            test.outcomes.len()
        );
        for o in &test.outcomes {
            let commit = o
                .commit
                .as_deref()
                .map(|c| &c[..c.len().min(7)])
                .unwrap_or("-");
            let duration = o
                .duration_ms
                .map(|d| format!("{d:.0} ms"))
                .unwrap_or_default();
            print!("  {}  {commit:<7}  {:<7} {duration:>8}", o.at, o.status);
            if o.failed_attempts > 0 {
                print!("  after {} failed attempts", o.failed_attempts);
            }
            if let Some(failure) = &o.failure {
                print!("  at {failure}");
            }
            if let Some(message) = &o.message
                && o.status != "passed"
            {
                let first = message.lines().next().unwrap_or_default();
                print!("  {}", first.chars().take(100).collect::<String>());
            }
            println!();
        }
    }
    if matches.len() > limit {
        println!(
            "… and {} more tests match; narrow the pattern or raise --limit",
            matches.len() - limit
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_json<T: Serialize>(value: &T) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, value);
    let _ = std::io::Write::write_all(&mut out, b"\n");
}
