//! Logs go to stderr or a file, never stdout: in LSP mode stdout carries the protocol only.
//! The level comes from `TESTLENS_LOG`, else `RUST_LOG`, else the command's default.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;

use anyhow::Context;
use tracing_subscriber::EnvFilter;

pub fn init(log_file: Option<&Path>, default_level: &str) -> anyhow::Result<()> {
    // Salsa logs every query it runs at `info`: too much for a default.
    let filter = std::env::var("TESTLENS_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| format!("{default_level},salsa=warn"));
    let filter = EnvFilter::try_new(&filter)
        .with_context(|| format!("bad log filter {filter:?} in TESTLENS_LOG or RUST_LOG"))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal());
    match log_file {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open the log file {}", path.display()))?;
            builder
                .with_ansi(false)
                .with_writer(Mutex::new(file))
                .try_init()
                .map_err(|e| anyhow::anyhow!("cannot set up logging: {e}"))
        }
        None => builder
            .with_writer(std::io::stderr)
            .try_init()
            .map_err(|e| anyhow::anyhow!("cannot set up logging: {e}")),
    }
}
