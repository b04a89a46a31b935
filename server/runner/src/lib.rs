//! Runs a project's own test runner for test generation: the probe that records what a function
//! returns, and the one run of the generated test before it is written.
//!
//! [`record`] takes an [`ide::TestPlan`] (pure data) and does the I/O the `ide` layer must not:
//! writes the scratch files the plan describes, starts the project's interpreter or runner
//! (the project's `.venv` Python, `node_modules/.bin/vitest` or `jest`, `node --test`, `go test`,
//! `cargo test` in a copy of the crate), waits with a timeout, honours cancellation, and removes
//! every scratch file whatever happens. Nothing here edits the user's files: the caller applies
//! the returned edits once the check has passed.
//!
//! Architecture invariant: no LSP, no analysis; processes and scratch files only.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ide::{AssertionPlan, FileEdit, Outcome, RenderedTest, Run, RunnerCommand, TestPlan};

/// Where the runners are and how long they may take.
#[derive(Clone, Debug)]
pub struct RunnerConfig {
    /// Each process is stopped after this long.
    pub timeout: Duration,
    /// The Python interpreter (default: `TESTLENS_PYTHON`, the project's `.venv` or `venv`, then
    /// `python3` on `PATH`).
    pub python: Option<PathBuf>,
    /// The Go tool (default: `TESTLENS_GO`, `go` on `PATH`, then the usual install places).
    pub go: Option<PathBuf>,
}

impl Default for RunnerConfig {
    fn default() -> RunnerConfig {
        let timeout = std::env::var("TESTLENS_RUNNER_TIMEOUT")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| *s > 0.0)
            .map_or(Duration::from_secs(60), Duration::from_secs_f64);
        RunnerConfig {
            timeout,
            python: None,
            go: None,
        }
    }
}

/// Cancels a recording from another thread: the running process is stopped and the scratch
/// files removed.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[derive(Debug)]
pub enum RecordError {
    Cancelled,
    /// The interpreter or runner is not there.
    RunnerMissing(String),
    TimedOut {
        command: String,
        timeout: Duration,
    },
    /// The probe did not run (an import error, a compile error): the runner's output.
    ProbeFailed {
        command: String,
        output: String,
    },
    /// No input gave a result that can be written down.
    NothingToAssert(String),
    /// The generated test failed to compile or run: the runner's output.
    CheckFailed {
        command: String,
        output: String,
    },
    Io(String),
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::Cancelled => write!(f, "recording cancelled; nothing was written"),
            RecordError::RunnerMissing(what) => write!(f, "{what}"),
            RecordError::TimedOut { command, timeout } => write!(
                f,
                "`{command}` did not finish within {} s and was stopped (set testlens.generate.timeout or TESTLENS_RUNNER_TIMEOUT)",
                timeout.as_secs_f64()
            ),
            RecordError::ProbeFailed { command, output } => {
                write!(f, "running the inputs failed (`{command}`):\n{output}")
            }
            RecordError::NothingToAssert(why) => write!(f, "{why}"),
            RecordError::CheckFailed { command, output } => write!(
                f,
                "the generated test did not pass (`{command}`), so it was not written:\n{output}"
            ),
            RecordError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RecordError {}

/// A recorded test: its edits (not applied) and what each input did.
#[derive(Debug)]
pub struct Recorded {
    pub test: RenderedTest,
    pub observed: Vec<Option<Outcome>>,
}

/// Runs the plan's inputs once through the project's runner, writes the observed results into
/// the test, runs the test once, and returns it. `progress` gets a short message per step.
pub fn record(
    plan: &TestPlan,
    config: &RunnerConfig,
    cancel: &Cancel,
    progress: &mut dyn FnMut(&str),
) -> Result<Recorded, RecordError> {
    let tag = tag();
    progress(&format!("running {} inputs", plan.inputs.len()));
    let out_dir = tempfile::Builder::new()
        .prefix("testlens-probe")
        .tempdir()
        .map_err(|e| RecordError::Io(format!("cannot create a temporary directory: {e}")))?;
    let out_file = out_dir.path().join("observed.jsonl");
    let probe = plan.probe(&tag);
    let result = execute(&probe, config, cancel, Some(&out_file))?;
    let observed_text = std::fs::read_to_string(&out_file).unwrap_or_default();
    if !result.success && observed_text.is_empty() {
        return Err(RecordError::ProbeFailed {
            command: result.command,
            output: tail(&result.output),
        });
    }
    let observed = plan.parse_observations(&observed_text);
    // What an example states wins over what was observed: the check run then shows whether the
    // example (or the function) is wrong.
    let merged: Vec<Option<Outcome>> = plan
        .inputs
        .iter()
        .zip(&observed)
        .map(|(i, o)| i.stated.clone().or_else(|| o.clone()))
        .collect();
    let test = plan
        .render(&merged, &tag)
        .map_err(RecordError::NothingToAssert)?;
    progress(&format!("checking the new test ({} cases)", test.cases));
    check(&test, config, cancel)?;
    Ok(Recorded { test, observed })
}

/// Records what a test that asserts nothing computes: each function it calls runs with the
/// test's own arguments through the project's runner (as [`record`] does, with its checking run
/// of a standalone test asserting the observed values), and the assertions are written where
/// the calls are. Returns the edit (not applied) and the number of assertions in it.
pub fn record_assertions(
    plan: &AssertionPlan,
    config: &RunnerConfig,
    cancel: &Cancel,
    progress: &mut dyn FnMut(&str),
) -> Result<(FileEdit, usize), RecordError> {
    let mut observed = Vec::new();
    for callee in &plan.callees {
        match record(&callee.plan, config, cancel, progress) {
            Ok(recorded) => observed.push(recorded.observed),
            // Nothing this function returned can be written; the others may be.
            Err(RecordError::NothingToAssert(why)) => {
                tracing::info!("record assertions: {why}");
                observed.push(vec![None; callee.plan.inputs.len()]);
            }
            Err(e) => return Err(e),
        }
    }
    plan.edits(&observed).map_err(RecordError::NothingToAssert)
}

/// Runs a rendered test's standalone copy once; `Ok` if it ran and passed.
pub fn check(
    test: &RenderedTest,
    config: &RunnerConfig,
    cancel: &Cancel,
) -> Result<(), RecordError> {
    let result = execute(&test.check, config, cancel, None)?;
    let ran = match &test.check.command {
        RunnerCommand::Pytest { .. } => result.output.contains(" passed"),
        RunnerCommand::Unittest { .. } => result.output.contains("OK"),
        RunnerCommand::GoTest { name, .. } => result.output.contains(&format!("--- PASS: {name}")),
        RunnerCommand::Cargo { .. } => result.output.contains("1 passed"),
        _ => true,
    };
    if result.success && ran {
        Ok(())
    } else {
        Err(RecordError::CheckFailed {
            command: result.command,
            output: tail(&result.output),
        })
    }
}

fn tag() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}x{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The last lines of a runner's output, for a message.
fn tail(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let from = lines.len().saturating_sub(40);
    lines[from..].join("\n")
}

struct Finished {
    success: bool,
    output: String,
    command: String,
}

/// Removes the files it holds when dropped: scratch files never outlive a run, whether it
/// passed, failed, timed out, was cancelled or panicked.
struct Scratch(Vec<PathBuf>);

impl Drop for Scratch {
    fn drop(&mut self) {
        for path in &self.0 {
            if let Err(e) = std::fs::remove_file(path)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(path = %path.display(), "cannot remove a scratch file: {e}");
            }
        }
    }
}

fn execute(
    run: &Run,
    config: &RunnerConfig,
    cancel: &Cancel,
    out_file: Option<&Path>,
) -> Result<Finished, RecordError> {
    if cancel.is_cancelled() {
        return Err(RecordError::Cancelled);
    }
    // Rust runs in a copy of the crate: the user's sources are never touched.
    let mut _copy: Option<tempfile::TempDir> = None;
    let mut scratch = Scratch(Vec::new());
    let (mut command, shown) = match &run.command {
        RunnerCommand::Cargo {
            crate_root,
            name,
            test_target,
        } => {
            let root = find_up(crate_root, &["Cargo.toml"]).ok_or_else(|| {
                RecordError::RunnerMissing(format!("no Cargo.toml above {}", crate_root.display()))
            })?;
            let dir = tempfile::Builder::new()
                .prefix("testlens-crate")
                .tempdir()
                .map_err(|e| {
                    RecordError::Io(format!("cannot create a temporary directory: {e}"))
                })?;
            copy_crate(&root, dir.path())
                .map_err(|e| RecordError::Io(format!("cannot copy the crate: {e}")))?;
            for f in &run.files {
                let rel = f.path.strip_prefix(&root).map_err(|_| {
                    RecordError::Io(format!("{} is outside the crate", f.path.display()))
                })?;
                std::fs::write(dir.path().join(rel), &f.text)
                    .map_err(|e| RecordError::Io(format!("cannot write {}: {e}", rel.display())))?;
            }
            let cargo = which("cargo")
                .ok_or_else(|| RecordError::RunnerMissing("cargo not found on PATH".to_owned()))?;
            let mut c = Command::new(cargo);
            c.current_dir(dir.path()).arg("test");
            let shown = match test_target {
                Some(target) => {
                    c.args(["--test", target.as_str(), name.as_str(), "--", "--exact"]);
                    format!("cargo test --test {target} {name} -- --exact")
                }
                None => {
                    if root.join("src/lib.rs").is_file() {
                        c.arg("--lib");
                    }
                    c.arg(name);
                    format!("cargo test {name}")
                }
            };
            c.env("CARGO_TARGET_DIR", root.join("target/testlens-generate"))
                .env("CARGO_TERM_COLOR", "never");
            _copy = Some(dir);
            (c, shown)
        }
        other => {
            for f in &run.files {
                if f.path.exists() {
                    return Err(RecordError::Io(format!(
                        "{} exists; not overwriting it",
                        f.path.display()
                    )));
                }
                // Registered before writing, so that a half-written file is removed too.
                scratch.0.push(f.path.clone());
                std::fs::write(&f.path, &f.text).map_err(|e| {
                    RecordError::Io(format!("cannot write {}: {e}", f.path.display()))
                })?;
            }
            command_for(other, config)?
        }
    };
    command
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "0")
        .env("CI", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(out) = out_file {
        command.env(ide::PROBE_OUT_VAR, out);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Its own process group, so that a timeout or a cancel stops the runner's workers too.
        command.process_group(0);
    }
    tracing::info!(command = %shown, "running");
    let mut child = command
        .spawn()
        .map_err(|e| RecordError::RunnerMissing(format!("cannot start `{shown}`: {e}")))?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = stdout.as_mut() {
            let _ = o.read_to_string(&mut s);
        }
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(o) = stderr.as_mut() {
            let _ = o.read_to_string(&mut s);
        }
        s
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => return Err(RecordError::Io(format!("waiting for `{shown}`: {e}"))),
        }
        let stop = if cancel.is_cancelled() {
            Some(RecordError::Cancelled)
        } else if started.elapsed() > config.timeout {
            Some(RecordError::TimedOut {
                command: shown.clone(),
                timeout: config.timeout,
            })
        } else {
            None
        };
        if let Some(err) = stop {
            kill_group(&mut child);
            let _ = child.wait();
            return Err(err);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut output = out_reader.join().unwrap_or_default();
    output.push_str(&err_reader.join().unwrap_or_default());
    tracing::info!(command = %shown, ?status, elapsed = ?started.elapsed(), "finished");
    Ok(Finished {
        success: status.success(),
        output,
        command: shown,
    })
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // The whole group (vitest and jest start workers): the child leads it (`process_group(0)`
        // above), so its pid is the group's id. A system call, never the `kill` program.
        let group = rustix::process::Pid::from_child(child);
        if let Err(e) = rustix::process::kill_process_group(group, rustix::process::Signal::KILL) {
            tracing::debug!("cannot signal the runner's process group: {e}");
        }
    }
    let _ = child.kill();
}

/// The command for a runner, with the program resolved.
fn command_for(
    run: &RunnerCommand,
    config: &RunnerConfig,
) -> Result<(Command, String), RecordError> {
    Ok(match run {
        RunnerCommand::PythonScript { root, script } => {
            let python = python(root, config)?;
            let mut c = Command::new(&python);
            c.current_dir(root)
                .arg(script)
                .env("PYTHONPATH", pythonpath(root));
            (c, format!("{} {}", python.display(), script.display()))
        }
        RunnerCommand::Pytest { root, node_id } => {
            let python = python(root, config)?;
            let mut c = Command::new(&python);
            c.current_dir(root)
                .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", node_id])
                .env("PYTHONPATH", pythonpath(root));
            (c, format!("{} -m pytest {node_id}", python.display()))
        }
        RunnerCommand::Unittest { root, test_id } => {
            let python = python(root, config)?;
            let rel = Path::new(test_id)
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| test_id.clone());
            let mut c = Command::new(&python);
            c.current_dir(root)
                .args(["-m", "unittest", "-v", &rel])
                .env("PYTHONPATH", pythonpath(root));
            (c, format!("{} -m unittest {rel}", python.display()))
        }
        RunnerCommand::Vitest { file } | RunnerCommand::Jest { file } => {
            let is_vitest = matches!(run, RunnerCommand::Vitest { .. });
            let tool = if is_vitest { "vitest" } else { "jest" };
            let root = find_up(file, &["package.json"]).ok_or_else(|| {
                RecordError::RunnerMissing(format!("no package.json above {}", file.display()))
            })?;
            let bin = root.join("node_modules/.bin").join(tool);
            if !bin.exists() {
                return Err(RecordError::RunnerMissing(format!(
                    "{tool} is not installed in {} (no node_modules/.bin/{tool}); run npm install",
                    root.display()
                )));
            }
            let rel = file
                .strip_prefix(&root)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| file.to_string_lossy().into_owned());
            let mut c = Command::new(&bin);
            c.current_dir(&root);
            if is_vitest {
                c.args(["run", &rel]);
            } else {
                c.args(["--ci", "--runTestsByPath", &rel]);
            }
            (c, format!("{tool} {rel}"))
        }
        RunnerCommand::NodeTest { file } => {
            let node = which("node")
                .ok_or_else(|| RecordError::RunnerMissing("node not found on PATH".to_owned()))?;
            let mut c = Command::new(node);
            c.current_dir(file.parent().unwrap_or(Path::new("/")))
                .arg("--test")
                .arg(file);
            (c, format!("node --test {}", file.display()))
        }
        RunnerCommand::GoTest { dir, name } => {
            let go = go(config)?;
            let mut c = Command::new(&go);
            c.current_dir(dir)
                .args(["test", "-count=1", "-v", "-run"])
                .arg(format!("^{name}$"))
                .arg(".");
            (c, format!("go test -run ^{name}$ ."))
        }
        RunnerCommand::Cargo { .. } => unreachable!("handled by execute"),
    })
}

fn pythonpath(root: &Path) -> std::ffi::OsString {
    let mut paths = vec![root.to_owned()];
    if let Some(existing) = std::env::var_os("PYTHONPATH") {
        paths.extend(std::env::split_paths(&existing));
    }
    std::env::join_paths(paths).unwrap_or_default()
}

/// The project's interpreter: the configured one, `TESTLENS_PYTHON`, a `.venv` or `venv` in the
/// project or above it, then `python3` on `PATH`.
fn python(root: &Path, config: &RunnerConfig) -> Result<PathBuf, RecordError> {
    if let Some(p) = config
        .python
        .clone()
        .or_else(|| std::env::var_os("TESTLENS_PYTHON").map(PathBuf::from))
    {
        return if p.exists() {
            Ok(p)
        } else {
            Err(RecordError::RunnerMissing(format!(
                "the configured Python {} does not exist",
                p.display()
            )))
        };
    }
    for dir in root.ancestors() {
        for venv in [".venv", "venv"] {
            let candidate = dir.join(venv).join("bin/python");
            if candidate.exists() {
                return Ok(candidate);
            }
        }
    }
    which("python3").ok_or_else(|| {
        RecordError::RunnerMissing(
            "no Python interpreter found (looked for .venv/bin/python and venv/bin/python in the project and above, and python3 on PATH); set TESTLENS_PYTHON".to_owned(),
        )
    })
}

fn go(config: &RunnerConfig) -> Result<PathBuf, RecordError> {
    if let Some(p) = config
        .go
        .clone()
        .or_else(|| std::env::var_os("TESTLENS_GO").map(PathBuf::from))
    {
        return Ok(p);
    }
    which("go")
        .or_else(|| {
            ["/usr/lib/go-1.23/bin/go", "/usr/local/go/bin/go"]
                .iter()
                .map(PathBuf::from)
                .find(|p| p.exists())
        })
        .ok_or_else(|| {
            RecordError::RunnerMissing(
                "the go tool was not found (on PATH, /usr/lib/go-1.23/bin or /usr/local/go/bin); set TESTLENS_GO".to_owned(),
            )
        })
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// The nearest directory at or above `from` holding one of `markers`.
fn find_up(from: &Path, markers: &[&str]) -> Option<PathBuf> {
    let start = if from.is_dir() {
        Some(from)
    } else {
        from.parent()
    };
    start?
        .ancestors()
        .find(|d| markers.iter().any(|m| d.join(m).is_file()))
        .map(Path::to_owned)
}

/// Copies a crate's sources (not `target`, `.git` or `node_modules`).
fn copy_crate(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name == ".git" || name == "node_modules" {
            continue;
        }
        let target = to.join(&name);
        let kind = entry.file_type()?;
        if kind.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_crate(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::print_stderr)] // A skipped test says why.
mod tests {
    use super::*;
    use ide::ScratchFile;

    #[test]
    fn a_hanging_runner_times_out_and_its_scratch_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("hang.py");
        let run = Run {
            files: vec![ScratchFile {
                path: script.clone(),
                text: "import time\ntime.sleep(30)\n".to_owned(),
            }],
            command: RunnerCommand::PythonScript {
                root: dir.path().to_owned(),
                script: script.clone(),
            },
        };
        let config = RunnerConfig {
            timeout: Duration::from_millis(300),
            python: which("python3"),
            go: None,
        };
        if config.python.is_none() {
            eprintln!("skipped: no python3 on PATH");
            return;
        }
        let started = Instant::now();
        let err = execute(&run, &config, &Cancel::default(), None)
            .err()
            .unwrap();
        assert!(matches!(err, RecordError::TimedOut { .. }), "{err}");
        assert!(
            err.to_string().contains("did not finish within 0.3 s"),
            "{err}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(!script.exists(), "the scratch file is removed");
    }

    #[test]
    fn a_cancelled_run_stops_and_leaves_no_scratch_file() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("hang.py");
        let run = Run {
            files: vec![ScratchFile {
                path: script.clone(),
                text: "import time\ntime.sleep(30)\n".to_owned(),
            }],
            command: RunnerCommand::PythonScript {
                root: dir.path().to_owned(),
                script: script.clone(),
            },
        };
        let config = RunnerConfig {
            python: which("python3"),
            ..RunnerConfig::default()
        };
        if config.python.is_none() {
            eprintln!("skipped: no python3 on PATH");
            return;
        }
        let cancel = Cancel::default();
        let c = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            c.cancel();
        });
        let err = execute(&run, &config, &cancel, None).err().unwrap();
        assert!(matches!(err, RecordError::Cancelled), "{err}");
        assert!(!script.exists());
    }

    #[test]
    fn a_missing_runner_is_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.test.ts");
        std::fs::write(dir.path().join("package.json"), "{}").unwrap();
        let run = Run {
            files: vec![ScratchFile {
                path: file.clone(),
                text: String::new(),
            }],
            command: RunnerCommand::Vitest { file: file.clone() },
        };
        let err = execute(&run, &RunnerConfig::default(), &Cancel::default(), None)
            .err()
            .unwrap();
        assert!(err.to_string().contains("vitest is not installed"), "{err}");
        assert!(!file.exists());
    }
}
