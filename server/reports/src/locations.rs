//! Where a failure happened, read from its text: stack frames and `file:line:` prefixes as
//! Python, pytest, Rust, Go, Node (Jest), Vitest and Java print them.

/// Failure locations found in a failure text or test output, in the order they appear, as
/// (file, line), each once. Files are as written (relative or absolute); Node's internal
/// frames (`node:internal/...`) and `<anonymous>` are not files.
pub fn failure_locations(text: &str) -> Vec<(String, u32)> {
    let mut found: Vec<(String, u32)> = Vec::new();
    for line in text.lines() {
        if let Some((file, line)) = location_in_line(line)
            && !found.iter().any(|(f, l)| *l == line && f == file)
        {
            found.push((file.to_owned(), line));
        }
    }
    found
}

fn location_in_line(line: &str) -> Option<(&str, u32)> {
    // Python: `  File "shop/pricing.py", line 12, in f`.
    if let Some(i) = line.find("File \"") {
        let rest = &line[i + 6..];
        let end = rest.find('"')?;
        let number = rest[end + 1..].strip_prefix(", line ")?;
        let digits = number
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(number.len());
        return file_line(&rest[..end], &number[..digits]);
    }
    // Rust: `thread 't' (123) panicked at src/lib.rs:163:9:`, and before Rust 1.73
    // `panicked at 'message', src/lib.rs:163:9`.
    if let Some(i) = line.find("panicked at ") {
        let rest = line[i + 12..].trim_end().trim_end_matches(':');
        return location(rest).or_else(|| location(rest.rsplit_once(", ")?.1));
    }
    let trimmed = line.trim();
    // Node and Java frames: `at fn (/abs/x.js:12:5)`, `at /abs/x.js:3:7`,
    // `at com.x.Test.f(Test.java:31)`; Rust backtraces: `at ./src/lib.rs:12:5`.
    if let Some(frame) = trimmed.strip_prefix("at ") {
        if let Some(inner) = frame.strip_suffix(')') {
            let open = inner.rfind('(')?;
            return location(&inner[open + 1..]);
        }
        return location(frame);
    }
    // Vitest: ` ❯ src/pricing.test.ts:54:77`.
    if let Some(frame) = trimmed.strip_prefix("❯ ") {
        return location(frame.split_whitespace().next()?);
    }
    // Go goroutine traces: `\t/abs/pricing_test.go:65 +0x25`.
    if let Some(i) = trimmed.find(" +0x") {
        return location(&trimmed[..i]);
    }
    // `path:line: message` and `path:line:col: message`: pytest's
    // `tests/test_x.py:12: AssertionError`, Go's `    x_test.go:31: got 3`, compilers.
    let token = trimmed.split_whitespace().next()?;
    location(token.strip_suffix(':')?)
}

/// `path:line` or `path:line:column`, with an optional `file://`.
fn location(s: &str) -> Option<(&str, u32)> {
    let s = s.trim();
    let s = s.strip_prefix("file://").unwrap_or(s);
    let (rest, last) = s.rsplit_once(':')?;
    match rest.rsplit_once(':') {
        Some((path, line)) if is_number(line) && is_number(last) => file_line(path, line),
        _ => file_line(rest, last),
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn file_line<'a>(path: &'a str, line: &str) -> Option<(&'a str, u32)> {
    if !is_number(line) || !looks_like_file(path) {
        return None;
    }
    let line: u32 = line.parse().ok()?;
    (line > 0).then_some((path, line))
}

/// A path whose last component has an extension, and not a Node internal module or a
/// placeholder such as `<anonymous>`.
fn looks_like_file(path: &str) -> bool {
    if path.is_empty()
        || path.starts_with("node:")
        || path.contains(['<', '>', '"', '\''])
        || path.contains("://")
        || path.starts_with(char::is_whitespace)
    {
        return false;
    }
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty() && !ext.is_empty() && ext.bytes().all(|b| b.is_ascii_alphanumeric())
        }
        None => false,
    }
}
