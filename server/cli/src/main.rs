//! The `testlens` binary: parses flags and wires the layers together. Nothing else.

mod check;
mod logging;

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
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lsp { log_file, stdio: _ } => {
            if let Err(err) = logging::init(log_file.as_deref(), "info") {
                eprintln!("testlens: {err:#}");
                return ExitCode::from(2);
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
            };
            runtime.block_on(lsp::run_stdio(options));
            // The index and watcher threads do not outlive the session.
            runtime.shutdown_background();
            ExitCode::SUCCESS
        }
        Command::Check {
            path,
            format,
            color,
        } => {
            if let Err(err) = logging::init(None, "warn") {
                eprintln!("testlens: {err:#}");
                return ExitCode::from(2);
            }
            check::run(&path, format, color)
        }
    }
}
