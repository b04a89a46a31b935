//! The `testlens` binary: parses flags and wires the layers together. Nothing else.

mod check;
mod generate;
mod git;
mod history;
mod ingest;
mod logging;
mod time;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

// Tree-sitter allocates a node at a time; mimalloc (which also takes over the C code's malloc,
// with the `override` feature) makes parsing and freeing trees cheaper than glibc's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "testlens",
    version,
    about = "Test intelligence for your editor and your CI"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Language Server Protocol over stdin and stdout.
    Lsp {
        /// Write logs to this file instead of stderr.
        #[arg(long, value_name = "PATH")]
        log_file: Option<PathBuf>,
        /// Accepted for clients that pass it (vscode-languageclient does); stdio is the only
        /// transport.
        #[arg(long, hide = true)]
        stdio: bool,
        /// The history file (default: .testlens/history.db at the workspace root, or TESTLENS_DB;
        /// the editor's `testlens.database` setting overrides it).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Read test reports and coverage into the local history (.testlens/history.db).
    ///
    /// Formats are told from content: JUnit XML (pytest, Jest, Vitest, cargo-nextest,
    /// gotestsum, Surefire), `go test -json`, lcov, Cobertura XML, coverage.py JSON (with test
    /// contexts) and Go coverprofiles. All the files of one ingest form one run.
    Ingest {
        /// Report files, or directories to search for them.
        #[arg(required = true, value_name = "FILES|DIRS")]
        paths: Vec<PathBuf>,
        /// Read every file as this format instead of detecting it.
        #[arg(long, value_parser = parse_format)]
        format: Option<reports::Format>,
        /// The history file (default: .testlens/history.db at the workspace root, or TESTLENS_DB).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
        /// The workspace the reports are about (default: the git repository here, or here).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Put these files in the run with this id, with other ingests of the same id (a CI job's
        /// JUnit and coverage files, ingested apart).
        #[arg(long, value_name = "ID")]
        run_id: Option<String>,
        /// The commit the reports are from (default: git's HEAD, or GITHUB_SHA / CI_COMMIT_SHA).
        #[arg(long, value_name = "SHA")]
        commit: Option<String>,
        /// The branch (default: git's, or GITHUB_REF_NAME / CI_COMMIT_REF_NAME).
        #[arg(long, value_name = "NAME")]
        branch: Option<String>,
        /// Record the checkout as having uncommitted changes (default: what git says).
        #[arg(long, conflicts_with = "clean")]
        dirty: bool,
        /// Record the checkout as clean.
        #[arg(long)]
        clean: bool,
        /// How long to wait for another process writing the history, in seconds.
        #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
        busy_timeout: f64,
    },
    /// Show the history: its runs, or one test's outcomes over time; or prune it.
    History {
        /// Show the tests whose id or name contains this, with their outcomes run by run.
        pattern: Option<String>,
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Delete old runs, keeping the newest --keep.
        #[arg(long, requires = "keep")]
        prune: bool,
        #[arg(long, value_name = "N")]
        keep: Option<usize>,
        /// Show at most this many tests.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Write a test for the function at FILE:LINE, in the project's own framework and test file.
    ///
    /// Without --record, only results that examples state (doctests, Rust doc `assert_eq!`,
    /// JSDoc `// => value`) are used. With --record, the inputs (literal calls found in the
    /// workspace, doc examples, values of the parameters' types) run once through the
    /// project's runner, the observed results are written into the test, and the test is run
    /// once before it is written.
    Generate {
        /// The function: a file and a line of its signature or body (1-based).
        #[arg(value_name = "FILE:LINE")]
        target: String,
        /// Observe the results by running the inputs through the project's runner.
        #[arg(long)]
        record: bool,
        /// Print the test instead of writing it.
        #[arg(long)]
        dry_run: bool,
        /// The framework, where the project does not tell (pytest, unittest, vitest, jest,
        /// node:test).
        #[arg(long, value_name = "NAME")]
        framework: Option<String>,
        /// Stop a runner after this many seconds.
        #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
        timeout: f64,
        /// The project (default: the nearest directory above FILE with a project file).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Print what was generated as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Analyse a project: functions, tests and test smells, per language.
    Check {
        /// The project to check.
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Colour the human output: by default only on a terminal, and never with NO_COLOR set.
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
        /// The history whose quarantined tests are listed (default: .testlens/history.db in
        /// PATH, or TESTLENS_DB).
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
}

fn parse_format(name: &str) -> Result<reports::Format, String> {
    reports::Format::from_name(name).ok_or_else(|| {
        let known: Vec<&str> = reports::Format::ALL.iter().map(|f| f.name()).collect();
        format!(
            "unknown format {name:?}; testlens reads {}",
            known.join(", ")
        )
    })
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Sets up logging; on failure, says why and gives the exit code for bad usage.
fn init_logging(file: Option<&std::path::Path>, level: &str) -> Option<ExitCode> {
    let err = logging::init(file, level).err()?;
    eprintln!("testlens: {err:#}");
    Some(ExitCode::from(2))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lsp {
            log_file,
            stdio: _,
            db,
        } => {
            if let Some(code) = init_logging(log_file.as_deref(), "info") {
                return code;
            }
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(err) => {
                    eprintln!("testlens: cannot start the async runtime: {err}");
                    return ExitCode::FAILURE;
                }
            };
            let options = lsp::Options {
                test_hooks: std::env::var("TESTLENS_TEST_HOOKS").is_ok_and(|v| v == "1"),
                db,
            };
            runtime.block_on(lsp::run_stdio(options));
            // The index and watcher threads do not outlive the session.
            runtime.shutdown_background();
            ExitCode::SUCCESS
        }
        Command::Ingest {
            paths,
            format,
            db,
            root,
            run_id,
            commit,
            branch,
            dirty,
            clean,
            busy_timeout,
        } => {
            if let Some(code) = init_logging(None, "warn") {
                return code;
            }
            ingest::run(ingest::IngestArgs {
                paths,
                format,
                db,
                root,
                run_id,
                commit,
                branch,
                dirty: if dirty {
                    Some(true)
                } else if clean {
                    Some(false)
                } else {
                    None
                },
                busy_timeout: std::time::Duration::from_secs_f64(busy_timeout.max(0.0)),
            })
        }
        Command::History {
            pattern,
            json,
            db,
            root,
            prune,
            keep,
            limit,
        } => {
            if let Some(code) = init_logging(None, "warn") {
                return code;
            }
            history::run(history::HistoryArgs {
                pattern,
                json,
                db,
                root,
                prune,
                keep,
                limit,
            })
        }
        Command::Generate {
            target,
            record,
            dry_run,
            framework,
            timeout,
            root,
            json,
        } => {
            if let Some(code) = init_logging(None, "warn") {
                return code;
            }
            generate::run(generate::GenerateArgs {
                target,
                record,
                dry_run,
                framework,
                timeout,
                root,
                json,
            })
        }
        Command::Check {
            path,
            format,
            color,
            db,
        } => {
            if let Some(code) = init_logging(None, "warn") {
                return code;
            }
            check::run(&path, format, color, db.as_deref())
        }
    }
}
