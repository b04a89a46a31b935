//! `testlens check`: the analysis of the editor, as a report for a terminal or for CI.
//! Exit code 1 when an error-level smell is found, 0 otherwise, 2 on bad usage.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ide::{AnalysisHost, Change, CheckReport, Severity};
use serde::Serialize;

use crate::{Color, Format};

pub fn run(path: &Path, format: Format, color: Color) -> ExitCode {
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
    let report = match host.analysis().check(threads) {
        Ok(report) => report,
        Err(cancelled) => {
            // Nothing edits the database here; this would be a bug.
            eprintln!("testlens: analysis was cancelled: {cancelled}");
            return ExitCode::FAILURE;
        }
    };
    let result = match format {
        Format::Human => print_human(&report, &root, skipped, use_color(color)),
        Format::Json => print_json(&report, &root, skipped),
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
    summary: Summary,
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
