//! `testlens check`: the analysis of the editor, as a report for a terminal or for CI.
//! Exit code 1 when an error-level smell is found, 0 otherwise, 2 on bad usage.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ide::{AnalysisHost, Change, CheckReport, Severity};
use serde::Serialize;

use crate::{Color, Format};

pub fn run(path: &Path, format: Format, color: Color, db: Option<&Path>) -> ExitCode {
    let root = match std::fs::canonicalize(path) {
        Ok(root) if root.is_dir() => root,
        Ok(root) => {
            eprintln!("testlens: {} is not a directory", root.display());
            return ExitCode::from(2);
        }
        Err(err) => {
            eprintln!("testlens: cannot check {}: {err}", path.display());
            return ExitCode::from(2);
        }
    };
    let (files, skipped) = load(&root);
    let mut host = AnalysisHost::default();
    host.apply(Change::SetRoots(vec![root.clone()]));
    host.apply(Change::AddFiles(files));
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let analysis = host.analysis();
    let mut report = match analysis.check(threads) {
        Ok(report) => report,
        Err(cancelled) => {
            // Nothing edits the database here; this would be a bug.
            eprintln!("testlens: analysis was cancelled: {cancelled}");
            return ExitCode::FAILURE;
        }
    };
    let records = quarantine_records(&crate::ingest::db_path(db, &root));
    match analysis.quarantined(&root, records) {
        Ok(found) => report.quarantined = found,
        Err(cancelled) => eprintln!("testlens: analysis was cancelled: {cancelled}"),
    }
    let result = match format {
        Format::Human => print_human(&report, &root, skipped, use_color(color)),
        Format::Json => print_json(&report, &root, skipped),
        Format::Sarif => print_sarif(&report, &root),
    };
    if let Err(err) = result {
        // A closed pipe (`testlens check | head`) is not worth a panic.
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("testlens: cannot write the report: {err}");
        }
    }
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The quarantined tests recorded in the history at `db`; none when there is no history, and
/// none (with a note on stderr) when it cannot be read.
fn quarantine_records(db: &Path) -> Vec<store::Quarantine> {
    if !db.exists() {
        return Vec::new();
    }
    match store::Store::open_reader(db, std::time::Duration::from_secs(2))
        .and_then(|store| store.quarantined())
    {
        Ok(records) => records,
        Err(err) => {
            eprintln!("testlens: quarantined tests not listed: {err}");
            Vec::new()
        }
    }
}

/// Reads every source file under `root` on every core. Returns the files and how many were
/// skipped (too large, binary, unreadable), each skip logged at info level.
fn load(root: &Path) -> (Vec<vfs::LoadedFile>, usize) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let roots = vec![root.to_owned()];
    let walker = std::thread::spawn(move || vfs::load_all(&roots, tx));
    let mut files = Vec::new();
    let mut skipped = 0;
    for result in rx {
        match result {
            Ok(file) => files.push(file),
            Err((path, err)) => {
                skipped += 1;
                tracing::info!(path = %path.display(), "{err}");
            }
        }
    }
    let _ = walker.join();
    (files, skipped)
}

fn use_color(color: Color) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    }
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_owned()
}

fn print_human(
    report: &CheckReport,
    root: &Path,
    skipped: usize,
    color: bool,
) -> std::io::Result<()> {
    let paint = |code: &str, text: &str| -> String {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}",
        paint("1", &format!("testlens check {}", root.display()))
    )?;
    writeln!(out)?;
    if report.languages.is_empty() {
        writeln!(
            out,
            "  no Rust, Python, Go, JavaScript or TypeScript files found"
        )?;
    }
    for (language, counts) in &report.languages {
        writeln!(
            out,
            "  {language:<11} {:>6} files {:>7} functions {:>6} tests",
            counts.files, counts.functions, counts.tests
        )?;
    }
    if skipped > 0 {
        writeln!(
            out,
            "  ({skipped} files skipped: too large, binary or unreadable; TESTLENS_LOG=info lists them)"
        )?;
    }
    writeln!(out)?;
    for d in &report.diagnostics {
        let (code, label) = match d.severity {
            "error" => ("31;1", "error"),
            "warning" => ("33;1", "warning"),
            "hint" => ("36", "hint"),
            _ => ("34", "info"),
        };
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            relative(root, &d.path).display(),
            d.line,
            d.column,
            paint(code, label),
            d.code,
            d.message
        )?;
    }
    for path in &report.files_with_syntax_errors {
        writeln!(
            out,
            "{}: {} syntax errors; the rest of the file was still analysed",
            relative(root, path).display(),
            paint("2", "note:")
        )?;
    }
    if !report.quarantined.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            paint(
                "1",
                &format!(
                    "{} in quarantine:",
                    plural(report.quarantined.len(), "test")
                )
            )
        )?;
        let now = crate::time::now();
        for q in &report.quarantined {
            let place = match (q.line, q.column) {
                (Some(line), Some(column)) => format!("{}:{line}:{column}", q.file),
                _ => q.file.clone(),
            };
            let state = match q.skipped {
                Some(true) => "",
                Some(false) => " (no longer skipped in the code)",
                None => " (not found in the code)",
            };
            writeln!(
                out,
                "{place}: {}[quarantined] `{}` since {} ({}): {}{state}",
                paint("36", "note"),
                q.name,
                &crate::time::format_utc(q.since)[..10],
                days_ago(now, q.since),
                q.reason,
            )?;
        }
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let hints = report.count(Severity::Hint);
    writeln!(out)?;
    if report.diagnostics.is_empty() {
        writeln!(out, "{}", paint("32", "no test smells found"))?;
    } else {
        writeln!(
            out,
            "{} found: {errors} {}, {warnings} {}, {hints} {}",
            plural(report.diagnostics.len(), "smell"),
            if errors == 1 { "error" } else { "errors" },
            if warnings == 1 { "warning" } else { "warnings" },
            if hints == 1 { "hint" } else { "hints" },
        )?;
    }
    Ok(())
}

fn days_ago(now: i64, then: i64) -> String {
    match (now - then).max(0) / 86_400 {
        0 => "today".to_owned(),
        1 => "1 day ago".to_owned(),
        n => format!("{n} days ago"),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    root: &'a Path,
    languages: &'a std::collections::BTreeMap<&'static str, ide::LanguageCounts>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    files_with_syntax_errors: Vec<PathBuf>,
    skipped_files: usize,
    /// Tests in quarantine, from the history: which, since when (UTC), why.
    quarantined: Vec<JsonQuarantined<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonQuarantined<'a> {
    path: &'a str,
    name: &'a str,
    reason: &'a str,
    since: String,
    line: Option<u32>,
    column: Option<u32>,
    /// Whether the code still skips it; null when the test is no longer found.
    skipped: Option<bool>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: PathBuf,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    code: &'a str,
    severity: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    hints: usize,
}

fn print_json(report: &CheckReport, root: &Path, skipped: usize) -> std::io::Result<()> {
    let json = JsonReport {
        version: 1,
        root,
        languages: &report.languages,
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                path: relative(root, &d.path),
                line: d.line,
                column: d.column,
                end_line: d.end_line,
                end_column: d.end_column,
                code: d.code,
                severity: d.severity,
                message: &d.message,
            })
            .collect(),
        files_with_syntax_errors: report
            .files_with_syntax_errors
            .iter()
            .map(|p| relative(root, p))
            .collect(),
        skipped_files: skipped,
        quarantined: report
            .quarantined
            .iter()
            .map(|q| JsonQuarantined {
                path: &q.file,
                name: &q.name,
                reason: &q.reason,
                since: crate::time::format_utc(q.since),
                line: q.line,
                column: q.column,
                skipped: q.skipped,
            })
            .collect(),
        summary: Summary {
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            hints: report.count(Severity::Hint),
        },
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &json)?;
    writeln!(out)
}

/// SARIF 2.1.0: one result per smell, and one `note` per quarantined test (rule
/// `quarantined-test`), with its reason and date in the message and in `properties`.
fn print_sarif(report: &CheckReport, root: &Path) -> std::io::Result<()> {
    use serde_json::json;
    let uri = |p: &Path| relative(root, p).to_string_lossy().replace('\\', "/");
    let mut rules: Vec<serde_json::Value> = ide::DiagnosticCode::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "helpUri": format!("https://github.com/testlens/testlens/blob/main/docs/diagnostics/{}.md", code.as_str()),
                "defaultConfiguration": { "level": sarif_level(code.severity().as_str()) },
            })
        })
        .collect();
    rules.push(json!({
        "id": "quarantined-test",
        "shortDescription": { "text": "a flaky test skipped on purpose, recorded in the history" },
        "helpUri": "https://github.com/testlens/testlens/blob/main/docs/cli/check.md#quarantined-tests",
        "defaultConfiguration": { "level": "note" },
    }));
    let mut results: Vec<serde_json::Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&d.path), "uriBaseId": "SRCROOT" },
                        "region": {
                            "startLine": d.line, "startColumn": d.column,
                            "endLine": d.end_line, "endColumn": d.end_column,
                        },
                    },
                }],
            })
        })
        .collect();
    for q in &report.quarantined {
        let mut location = json!({
            "artifactLocation": { "uri": q.file, "uriBaseId": "SRCROOT" },
        });
        if let (Some(line), Some(column)) = (q.line, q.column) {
            location["region"] = json!({ "startLine": line, "startColumn": column });
        }
        results.push(json!({
            "ruleId": "quarantined-test",
            "level": "note",
            "message": {
                "text": format!(
                    "test `{}` is in quarantine since {}: {}",
                    q.name,
                    crate::time::format_utc(q.since),
                    q.reason
                ),
            },
            "locations": [{ "physicalLocation": location }],
            "properties": {
                "name": q.name,
                "reason": q.reason,
                "since": crate::time::format_utc(q.since),
                "skipped": q.skipped,
            },
        }));
    }
    let sarif = json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "testlens",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/testlens/testlens",
                    "rules": rules,
                },
            },
            "originalUriBaseIds": {
                "SRCROOT": { "uri": format!("file://{}/", root.display()) },
            },
            "results": results,
        }],
    });
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &sarif)?;
    writeln!(out)
}

fn sarif_level(severity: &str) -> &'static str {
    match severity {
        "error" => "error",
        "warning" => "warning",
        _ => "note",
    }
}
