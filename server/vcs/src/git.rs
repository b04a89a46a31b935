//! Running the `git` binary, and decoding what it prints.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A `git` command run in `root`, insulated from the settings that would change what it prints:
/// the user's configuration (colours, prefixes, quoting, signatures, external diff drivers) and
/// the variables that would point it at another repository. It never takes optional locks, so
/// it does not contend with the user's own git commands.
pub(crate) fn command(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(root);
    // Unknown keys are ignored by older gits, unlike unknown flags.
    for config in [
        "core.quotePath=false",
        "color.ui=false",
        "diff.noprefix=false",
        "diff.mnemonicPrefix=false",
        "diff.relative=false",
        "diff.interHunkContext=0",
        "diff.external=",
        "log.showSignature=false",
        "log.showRoot=true",
    ] {
        cmd.arg("-c").arg(config);
    }
    cmd.env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::null());
    cmd
}

/// Runs `cmd` and returns its stdout when it exits successfully; logs why not otherwise.
pub(crate) fn run(mut cmd: Command) -> Option<Vec<u8>> {
    let output = output(&mut cmd)?;
    if output.status.success() {
        Some(output.stdout)
    } else {
        tracing::debug!(
            command = ?cmd,
            status = %output.status,
            stderr = %String::from_utf8_lossy(&output.stderr).trim(),
            "git failed"
        );
        None
    }
}

/// Runs `cmd` and returns whether it exited with status 0, or None when it failed otherwise
/// than with status 1 (for `git merge-base --is-ancestor` and the like).
pub(crate) fn run_status(mut cmd: Command) -> Option<bool> {
    let output = output(&mut cmd)?;
    match output.status.code() {
        Some(0) => Some(true),
        Some(1) => Some(false),
        _ => {
            tracing::debug!(
                command = ?cmd,
                status = %output.status,
                stderr = %String::from_utf8_lossy(&output.stderr).trim(),
                "git failed"
            );
            None
        }
    }
}

fn output(cmd: &mut Command) -> Option<Output> {
    match cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).output() {
        Ok(output) => Some(output),
        Err(err) => {
            tracing::warn!(command = ?cmd, %err, "cannot run git");
            None
        }
    }
}

/// Runs `cmd`, handing each line of its stdout (with its `\n`) to `on_line`; true when it exits
/// successfully. Its stderr is read on another thread, so a chatty git cannot block.
pub(crate) fn stream_lines(mut cmd: Command, mut on_line: impl FnMut(&[u8])) -> bool {
    let mut child = match cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(child) => child,
        Err(err) => {
            tracing::warn!(command = ?cmd, %err, "cannot run git");
            return false;
        }
    };
    let stderr = child.stderr.take().map(|mut stderr| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = stderr.read_to_end(&mut text);
            text
        })
    });
    let mut ok = true;
    if let Some(stdout) = child.stdout.take() {
        let mut reader = BufReader::with_capacity(64 * 1024, stdout);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => on_line(&line),
                Err(err) => {
                    tracing::warn!(command = ?cmd, %err, "cannot read git's output");
                    ok = false;
                    break;
                }
            }
        }
    }
    let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    match child.wait() {
        Ok(status) if status.success() && ok => true,
        Ok(status) => {
            tracing::debug!(
                command = ?cmd,
                %status,
                stderr = %String::from_utf8_lossy(&stderr).trim(),
                "git failed"
            );
            false
        }
        Err(err) => {
            tracing::warn!(command = ?cmd, %err, "cannot wait for git");
            false
        }
    }
}

/// The texts of many blobs in one `git cat-file --batch` process: `rev:path` for each path.
/// A path missing at `rev`, or whose blob is not text, maps to None; so does every path when
/// git cannot run.
pub(crate) fn read_blobs(
    root: &Path,
    rev: &str,
    paths: &[&str],
) -> HashMap<String, Option<String>> {
    let mut texts: HashMap<String, Option<String>> =
        paths.iter().map(|p| ((*p).to_owned(), None)).collect();
    // The batch protocol is one name per line.
    let asked: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|p| !p.contains('\n') && !rev.contains('\n'))
        .collect();
    if asked.is_empty() {
        return texts;
    }
    let mut cmd = command(root);
    cmd.args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(err) => {
            tracing::warn!(%err, "cannot run git cat-file");
            return texts;
        }
    };
    // Written on another thread: git answers while it reads, and a full pipe either way would
    // block both of us.
    let writer = child.stdin.take().map(|mut stdin| {
        let input: String = asked.iter().map(|p| format!("{rev}:{p}\n")).collect();
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        })
    });
    if let Some(stdout) = child.stdout.take() {
        let mut reader = BufReader::new(stdout);
        for path in &asked {
            let mut header = Vec::new();
            if reader.read_until(b'\n', &mut header).unwrap_or(0) == 0 {
                break;
            }
            let header = String::from_utf8_lossy(&header);
            let fields: Vec<&str> = header.trim_end().split(' ').collect();
            // "<oid> <type> <size>", or "<name> missing" / "<name> ambiguous".
            let (kind, size) = match fields.as_slice() {
                [_, kind, size] if *kind != "missing" => match size.parse::<usize>() {
                    Ok(size) => (*kind, size),
                    Err(_) => break,
                },
                _ => {
                    tracing::debug!(rev, path, "no such file at this revision");
                    continue;
                }
            };
            let mut content = vec![0; size + 1];
            if reader.read_exact(&mut content).is_err() {
                break;
            }
            content.pop();
            if kind == "blob" {
                texts.insert((*path).to_owned(), decode_text(content, path));
            }
        }
    }
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    let _ = child.wait();
    texts
}

/// The text of a file's bytes, or None (with a debug line) when they are binary (hold a NUL, as
/// git judges) or not UTF-8. A lossy decoding would put characters in the text that are not in
/// the file, and shift every column after them.
pub(crate) fn decode_text(bytes: Vec<u8>, what: &str) -> Option<String> {
    if bytes.contains(&0) {
        tracing::debug!(file = what, "binary content");
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(err) => {
            tracing::debug!(file = what, %err, "not UTF-8");
            None
        }
    }
}

/// Undoes git's C-style quoting of a path (`"a\tb"`, `"\303\251"`); paths that need none are
/// returned as they are. None when the quoting is malformed.
pub(crate) fn unquote(raw: &[u8]) -> Option<Vec<u8>> {
    let Some(inner) = raw.strip_prefix(b"\"") else {
        return Some(raw.to_vec());
    };
    let inner = inner.strip_suffix(b"\"")?;
    let mut out = Vec::with_capacity(inner.len());
    let mut bytes = inner.iter().copied();
    while let Some(b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let escaped = bytes.next()?;
        let decoded = match escaped {
            b'a' => 0x07,
            b'b' => 0x08,
            b't' => b'\t',
            b'n' => b'\n',
            b'v' => 0x0b,
            b'f' => 0x0c,
            b'r' => b'\r',
            b'"' => b'"',
            b'\\' => b'\\',
            b'0'..=b'3' => {
                let mut value = u32::from(escaped - b'0');
                for _ in 0..2 {
                    let digit = bytes.next()?;
                    if !(b'0'..=b'7').contains(&digit) {
                        return None;
                    }
                    value = value * 8 + u32::from(digit - b'0');
                }
                u8::try_from(value).ok()?
            }
            _ => return None,
        };
        out.push(decoded);
    }
    Some(out)
}

/// Whether `rev` is safe to hand to git as a revision: not empty, not an option, one line.
pub(crate) fn is_plain_rev(rev: &str) -> bool {
    !rev.is_empty()
        && !rev.starts_with('-')
        && !rev.contains(['\n', '\r', '\0'])
        && !rev.contains(':')
}

/// Whether `rev` is a full object name (SHA-1 or SHA-256), which never changes meaning.
pub(crate) fn is_full_sha(rev: &str) -> bool {
    (rev.len() == 40 || rev.len() == 64) && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_decodes_c_escapes() {
        assert_eq!(unquote(b"plain name").unwrap(), b"plain name");
        assert_eq!(unquote(br#""a\tb""#).unwrap(), b"a\tb");
        assert_eq!(unquote(br#""q\"\\""#).unwrap(), b"q\"\\");
        assert_eq!(
            unquote(br#""\303\251t\303\251""#).unwrap(),
            "été".as_bytes()
        );
        assert_eq!(unquote(br#""bad\9""#), None);
        assert_eq!(unquote(br#""unterminated"#), None);
    }
}
