//! `testlens generate FILE:LINE`: writes a test for the function at that line, in the project's
//! own framework and test file. With `--record`, the inputs are run once through the project's
//! runner to observe the results, and the new test is run once before it is written.
//! Exit code 0 when a test was written (or shown, with `--dry-run`), 1 when none could be,
//! 2 on bad usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use ide::{AnalysisHost, Change, GenerateConfig, LineCol, PositionEncoding, Refusal};
use syntax::Framework;

pub struct GenerateArgs {
    pub target: String,
    pub record: bool,
    pub dry_run: bool,
    pub framework: Option<String>,
    pub timeout: f64,
    pub root: Option<PathBuf>,
    pub json: bool,
}

/// Markers of a project's root, nearest first.
const ROOT_MARKERS: &[&str] = &[
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "package.json",
    "go.mod",
    "Cargo.toml",
    ".git",
];

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("testlens: {message}");
    ExitCode::from(1)
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("testlens: {message}");
    ExitCode::from(2)
}

pub fn run(args: GenerateArgs) -> ExitCode {
    let Some((file, line)) = args.target.rsplit_once(':') else {
        return usage(format!("expected FILE:LINE, got {:?}", args.target));
    };
    let Ok(line) = line.parse::<u32>() else {
        return usage(format!("expected a line number after ':', got {line:?}"));
    };
    if line == 0 {
        return usage("lines are numbered from 1");
    }
    let file = match std::fs::canonicalize(file) {
        Ok(f) if f.is_file() => f,
        Ok(f) => return usage(format!("{} is not a file", f.display())),
        Err(e) => return usage(format!("cannot read {file}: {e}")),
    };
    let framework = match args.framework.as_deref() {
        None => None,
        Some(name) => match framework_from_flag(name) {
            Some(f) => Some(f),
            None => {
                return usage(format!(
                    "unknown framework {name:?}; one of pytest, unittest, vitest, jest, node:test, go, rust"
                ));
            }
        },
    };
    let root = match &args.root {
        Some(r) => match std::fs::canonicalize(r) {
            Ok(r) => r,
            Err(e) => return usage(format!("cannot use --root {}: {e}", r.display())),
        },
        None => project_root(&file),
    };

    let mut host = AnalysisHost::default();
    host.apply(Change::SetRoots(vec![root.clone()]));
    host.apply(Change::AddFiles(load(&root)));
    let analysis = host.analysis();
    let Some(id) = analysis.file_id(&file) else {
        return fail(format!(
            "{} is not a source file testlens models (Python, Go, Rust, JavaScript, TypeScript)",
            file.display()
        ));
    };
    let text = analysis.file_text(id);
    let line_start = text.offset(
        LineCol {
            line: line - 1,
            col: 0,
        },
        PositionEncoding::Utf8,
    );
    // The first non-blank character of the line: an indented signature is still "at" it.
    let line_text: String = text
        .slice(ide::TextRange::new(line_start, text.len()))
        .chars()
        .take_while(|c| *c != '\n')
        .collect();
    let indent = line_text.len() - line_text.trim_start().len();
    let offset = line_start + indent as u32;
    let config = GenerateConfig {
        framework,
        call_sites: true,
    };
    let plan = match analysis.generation_plan(id, None, offset, &config) {
        Ok(Ok(plan)) => plan,
        Ok(Err(Refusal::NoFramework(choices))) => {
            let names: Vec<&str> = choices.iter().map(|f| flag_name(*f)).collect();
            return fail(format!(
                "no test framework detected in this project; choose one with --framework ({})",
                names.join(", ")
            ));
        }
        Ok(Err(refusal)) => return fail(refusal),
        Err(cancelled) => return fail(format!("analysis was cancelled: {cancelled}")),
    };

    let stated = plan.stated();
    let rendered = if args.record {
        let config = runner::RunnerConfig {
            timeout: Duration::from_secs_f64(args.timeout.max(0.1)),
            ..runner::RunnerConfig::default()
        };
        let cancel = runner::Cancel::default();
        let mut progress = |m: &str| eprintln!("testlens: {m}");
        match runner::record(&plan, &config, &cancel, &mut progress) {
            Ok(recorded) => recorded.test,
            Err(e) => return fail(e),
        }
    } else if stated.iter().any(Option::is_some) {
        match plan.render(&stated, "cli") {
            Ok(r) => r,
            Err(e) => return fail(e),
        }
    } else {
        return fail(format!(
            "no example states what `{}` returns; run with --record to observe it through the project's runner",
            plan.function.name
        ));
    };

    let target = &plan.target.path;
    let shown = target.strip_prefix(&root).unwrap_or(target);
    if args.json {
        let value = serde_json::json!({
            "function": plan.function.name,
            "framework": plan.framework.name(),
            "file": shown.to_string_lossy(),
            "create": !plan.target.exists,
            "test": plan.test_name,
            "cases": rendered.cases,
            "code": rendered.code,
            "written": !args.dry_run,
        });
        println!("{value}");
    }
    if args.dry_run {
        if !args.json {
            println!(
                "# {} {} ({} cases, {})",
                if plan.target.exists {
                    "append to"
                } else {
                    "create"
                },
                shown.display(),
                rendered.cases,
                plan.framework.name()
            );
            print!("{}", rendered.code);
        }
        return ExitCode::SUCCESS;
    }
    for edit in &rendered.edits {
        let result = if edit.create {
            if edit.path.exists() {
                Err(format!(
                    "{} appeared meanwhile; not overwriting it",
                    edit.path.display()
                ))
            } else {
                let text: String = edit.edits.iter().map(|(_, t)| t.as_str()).collect();
                edit.path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&edit.path, text))
                    .map_err(|e| format!("cannot write {}: {e}", edit.path.display()))
            }
        } else {
            match std::fs::read_to_string(&edit.path) {
                Ok(current) if current == plan.target.text || edit.path != plan.target.path => {
                    let new = ide::apply_edits(&current, &edit.edits);
                    std::fs::write(&edit.path, new)
                        .map_err(|e| format!("cannot write {}: {e}", edit.path.display()))
                }
                Ok(_) => Err(format!(
                    "{} changed while the test was generated; not written",
                    edit.path.display()
                )),
                Err(e) => Err(format!("cannot read {}: {e}", edit.path.display())),
            }
        };
        if let Err(e) = result {
            return fail(e);
        }
    }
    if !args.json {
        println!(
            "wrote {} ({} cases, {}) to {}",
            plan.test_name,
            rendered.cases,
            plan.framework.name(),
            shown.display()
        );
    }
    ExitCode::SUCCESS
}

fn framework_from_flag(name: &str) -> Option<Framework> {
    Some(match name.to_ascii_lowercase().as_str() {
        "pytest" => Framework::Pytest,
        "unittest" => Framework::Unittest,
        "vitest" => Framework::Vitest,
        "jest" => Framework::Jest,
        "node:test" | "node-test" | "node" => Framework::NodeTest,
        "go" | "go test" | "gotest" => Framework::GoTest,
        "rust" | "cargo" => Framework::RustTest,
        _ => return None,
    })
}

fn flag_name(f: Framework) -> &'static str {
    match f {
        Framework::NodeTest => "node:test",
        Framework::Vitest => "vitest",
        Framework::Jest => "jest",
        other => other.name(),
    }
}

/// The nearest directory above `file` with a project marker, else the file's directory.
fn project_root(file: &Path) -> PathBuf {
    let dir = file.parent().unwrap_or(Path::new("/"));
    dir.ancestors()
        .find(|d| ROOT_MARKERS.iter().any(|m| d.join(m).exists()))
        .unwrap_or(dir)
        .to_owned()
}

fn load(root: &Path) -> Vec<vfs::LoadedFile> {
    let (tx, rx) = crossbeam_channel::unbounded();
    let roots = vec![root.to_owned()];
    let walker = std::thread::spawn(move || vfs::load_all(&roots, tx));
    let files = rx.into_iter().filter_map(Result::ok).collect();
    let _ = walker.join();
    files
}
