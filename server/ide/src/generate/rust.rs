//! Rust: a `#[test]` in the file's `#[cfg(test)] mod tests` (created if missing); probes are a
//! test module added to a copy of the crate and run by `cargo test`.

use super::{Input, Outcome, RenderedTest, Run, RunnerCommand, ScratchFile, TestPlan, insert};
use crate::assists::FileEdit;

/// What the function returns, as far as the test needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Returns {
    Plain,
    /// `Option<String>`: compared through `as_deref()`.
    OptionString,
    Result,
}

pub(crate) fn returns(plan: &TestPlan) -> Result<Returns, String> {
    let ret = plan
        .function
        .return_type
        .as_deref()
        .map(|r| r.replace(' ', ""))
        .unwrap_or_default();
    if ret.is_empty() || ret == "()" {
        return Err(format!(
            "`{}` returns nothing; a test of it would have nothing to assert",
            plan.function.name
        ));
    }
    if ret.starts_with("Result<") || ret.ends_with("Result") || ret.contains("::Result<") {
        return Ok(Returns::Result);
    }
    if ret == "Option<String>" {
        return Ok(Returns::OptionString);
    }
    Ok(Returns::Plain)
}

fn call(plan: &TestPlan, input: &Input) -> String {
    format!("{}({})", plan.callee(), input.args.join(", "))
}

/// Adds `module` to the end of the source text.
fn with_module(source: &str, module: &str) -> String {
    let mut s = source.to_owned();
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s.push('\n');
    s.push_str(module);
    s
}

pub(crate) fn probe(plan: &TestPlan, tag: &str) -> Run {
    let kind = returns(plan).unwrap_or(Returns::Plain);
    let module_name = format!("testlens_probe_{tag}");
    let mut m = format!(
        "#[cfg(test)]\n#[allow(unused_imports, clippy::all)]\nmod {module_name} {{\n    use super::*;\n\n"
    );
    m.push_str(PROBE_HELPERS);
    m.push_str("    #[test]\n    fn probe() {\n        std::panic::set_hook(Box::new(|_| {}));\n        let mut out = String::new();\n");
    for (i, input) in plan.inputs.iter().enumerate() {
        let call = call(plan, input);
        let body = match kind {
            Returns::Result => format!(
                "match {call} {{ Ok(v) => line({i}, \"value\", &format!(\"{{:?}}\", v), \"\"), Err(e) => line({i}, \"raises\", \"\", &format!(\"{{:?}}\", e)) }}"
            ),
            _ => format!("line({i}, \"value\", &format!(\"{{:?}}\", {call}), \"\")"),
        };
        m.push_str(&format!(
            "        out.push_str(&std::panic::catch_unwind(|| {body}).unwrap_or_else(|_| line({i}, \"skip\", \"\", \"panicked\")));\n"
        ));
    }
    m.push_str("        std::fs::write(std::env::var(\"TESTLENS_PROBE_OUT\").unwrap(), out).unwrap();\n    }\n}\n");
    let text = with_module(&plan.source_text, &m);
    Run {
        files: vec![ScratchFile {
            path: plan.source_path.to_path_buf(),
            text,
        }],
        command: RunnerCommand::Cargo {
            crate_root: plan.source_path.to_path_buf(),
            name: format!("{module_name}::probe"),
            test_target: None,
        },
    }
}

const PROBE_HELPERS: &str = r#"    fn esc(s: &str) -> String {
        let mut o = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => o.push_str("\\\""),
                '\\' => o.push_str("\\\\"),
                '\n' => o.push_str("\\n"),
                c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
                c => o.push(c),
            }
        }
        o.push('"');
        o
    }

    fn line(i: usize, kind: &str, lit: &str, message: &str) -> String {
        format!(
            "{{\"i\":{},\"kind\":{},\"lit\":{},\"type\":\"Err\",\"message\":{}}}\n",
            i,
            esc(kind),
            esc(lit),
            esc(message)
        )
    }

"#;

/// Whether a `{:?}` text can stand as a Debug comparison: one line, no addresses (a pointer's
/// `0x…` changes between runs), no floats that do not round-trip.
pub(crate) fn debug_comparable(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 500
        && !text.contains('\n')
        && !text.contains("0x")
        && usable(text)
}

/// `text` as a Rust string literal: raw (`r#"…"#`) where it has quotes or backslashes.
fn rust_str(text: &str) -> String {
    if !text.contains('"') && !text.contains('\\') {
        return format!("\"{text}\"");
    }
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
}

/// A Rust literal written by `{:?}` that a test can compare against: `Some("a")` for
/// `Option<String>` is compared through `as_deref()`; floats must print a finite value.
fn usable(lit: &str) -> bool {
    !(lit.contains("NaN") || lit.contains("inf"))
}

/// The assertion that `call` (returning `kind`) gives `outcome`, where one can be written.
pub(crate) fn assertion(kind: Returns, call: &str, outcome: &Outcome) -> Option<String> {
    let line = match (kind, outcome) {
        (Returns::Result, Outcome::Value(lit)) if usable(lit) => {
            format!("assert_eq!({call}.unwrap(), {lit});")
        }
        (Returns::Result, Outcome::Raises { message, .. }) => match message {
            Some(m) if super::inputs::is_literal(syntax::Language::Rust, m) => {
                format!("assert_eq!({call}.unwrap_err(), {m});")
            }
            _ => format!("assert!({call}.is_err());"),
        },
        (Returns::OptionString, Outcome::Value(lit)) => {
            format!("assert_eq!({call}.as_deref(), {lit});")
        }
        (_, Outcome::Value(lit)) if lit == "true" => format!("assert!({call});"),
        (_, Outcome::Value(lit)) if lit == "false" => format!("assert!(!{call});"),
        (_, Outcome::Value(lit)) if usable(lit) => format!("assert_eq!({call}, {lit});"),
        // No literal form: its `{:?}` text, which the probe printed.
        (Returns::Result, Outcome::Debug(text)) => {
            format!(
                "assert_eq!(format!(\"{{:?}}\", {call}.unwrap()), {});",
                rust_str(text)
            )
        }
        (_, Outcome::Debug(text)) => {
            format!(
                "assert_eq!(format!(\"{{:?}}\", {call}), {});",
                rust_str(text)
            )
        }
        _ => return None,
    };
    Some(line)
}

pub(crate) fn render(
    plan: &TestPlan,
    cases: &[(&Input, &Outcome)],
    tag: &str,
) -> Result<RenderedTest, String> {
    let kind = returns(plan)?;
    let mut lines: Vec<String> = Vec::new();
    for (input, outcome) in cases {
        let call = call(plan, input);
        let Some(line) = assertion(kind, &call, outcome) else {
            continue;
        };
        lines.push(line);
    }
    let count = lines.len();
    if count == 0 {
        return Err(format!(
            "no result of `{}` can be written as a literal",
            plan.function.name
        ));
    }
    if let Some(use_path) = &plan.rust_use {
        return Ok(render_integration(plan, cases, &lines, use_path));
    }
    let body: String = lines.iter().map(|l| format!("        {l}\n")).collect();
    let test = format!(
        "    #[test]\n    fn {}() {{\n{body}    }}\n",
        plan.test_name
    );
    let text = &plan.target.text;
    // The top-level `#[cfg(test)] mod tests`, if the file has one.
    let module = test_module(text);
    let edits = match module {
        Some((open_line_end, close, has_glob)) => {
            let mut e = Vec::new();
            if !has_glob {
                e.push(insert(open_line_end, "    use super::*;\n".to_owned()));
            }
            e.push(insert(close, format!("\n{test}")));
            e
        }
        None => {
            let sep = if text.ends_with('\n') { "\n" } else { "\n\n" };
            vec![insert(
                text.len(),
                format!("{sep}#[cfg(test)]\nmod tests {{\n    use super::*;\n\n{test}}}\n"),
            )]
        }
    };
    let edited = crate::assists::apply_edits(text, &edits);
    let filter = if plan.module.is_empty() {
        format!("tests::{}", plan.test_name)
    } else {
        format!("{}::tests::{}", plan.module, plan.test_name)
    };
    let _ = tag;
    Ok(RenderedTest {
        edits: vec![FileEdit {
            path: plan.target.path.clone(),
            create: false,
            edits: super::merge_inserts(edits),
        }],
        check: Run {
            files: vec![ScratchFile {
                path: plan.target.path.to_path_buf(),
                text: edited,
            }],
            command: RunnerCommand::Cargo {
                crate_root: plan.source_path.to_path_buf(),
                name: filter,
                test_target: None,
            },
        },
        code: test,
        cases: count,
    })
}

/// A test in the crate's `tests/` directory: a top-level `#[test]`, appended to the file (or a
/// new one), importing the function and the crate's types its values name where the file does
/// not already.
fn render_integration(
    plan: &TestPlan,
    cases: &[(&Input, &Outcome)],
    lines: &[String],
    use_path: &str,
) -> RenderedTest {
    let body: String = lines.iter().map(|l| format!("    {l}\n")).collect();
    let test = format!("#[test]\nfn {}() {{\n{body}}}\n", plan.test_name);
    let text = &plan.target.text;
    let crate_name = use_path.split("::").next().unwrap_or(use_path);
    let glob = format!("use {use_path}::*;");
    let imported = |name: &str| {
        text.lines().any(|l| {
            let l = l.trim();
            l == glob
                || (l.starts_with(&format!("use {crate_name}")) && super::place::has_word(l, name))
        })
    };
    let mut names = vec![plan.import_name().to_owned()];
    let mentioned = cases.iter().flat_map(|(input, outcome)| {
        let mut codes: Vec<&str> = input.args.iter().map(String::as_str).collect();
        if let Outcome::Value(lit) = outcome {
            codes.push(lit);
        }
        codes
    });
    for code in mentioned {
        for name in type_names(code) {
            let declared = ["pub struct ", "pub enum ", "pub type "]
                .iter()
                .any(|k| super::place::has_word(&plan.source_text, &format!("{k}{name}")));
            if declared && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    let missing: Vec<String> = names.into_iter().filter(|n| !imported(n)).collect();
    let mut edits = Vec::new();
    let use_line = match missing.as_slice() {
        [] => None,
        [one] => Some(format!("use {use_path}::{one};\n")),
        many => Some(format!("use {use_path}::{{{}}};\n", many.join(", "))),
    };
    if plan.target.exists {
        if let Some(line) = use_line {
            let (at, had_uses) = after_uses(text);
            let line = if had_uses { line } else { format!("{line}\n") };
            edits.push(insert(at, line));
        }
        let sep = if text.ends_with("\n\n") {
            ""
        } else if text.ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        edits.push(insert(text.len(), format!("{sep}{test}")));
    } else {
        let head = use_line.map(|l| format!("{l}\n")).unwrap_or_default();
        edits.push(insert(0, format!("{head}{test}")));
    }
    let edits = super::merge_inserts(edits);
    let edited = crate::assists::apply_edits(text, &edits);
    let target = plan
        .target
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    RenderedTest {
        edits: vec![FileEdit {
            path: plan.target.path.clone(),
            create: !plan.target.exists,
            edits,
        }],
        check: Run {
            files: vec![ScratchFile {
                path: plan.target.path.to_path_buf(),
                text: edited,
            }],
            command: RunnerCommand::Cargo {
                crate_root: plan.source_path.to_path_buf(),
                name: plan.test_name.clone(),
                test_target: Some(target),
            },
        },
        code: test,
        cases: lines.len(),
    }
}

/// The capitalised names a value's code uses as types (`Tier::Gold`, `Item { .. }`,
/// `Item::new(..)`), outside string literals.
fn type_names(code: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_str = false;
    let mut escaped = false;
    let mut word = String::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            let after_space = c == ' ' && chars.peek() == Some(&'{');
            let typed = c == ':' && chars.peek() == Some(&':') || c == '{' || after_space;
            if typed && word.starts_with(char::is_uppercase) && !out.contains(&word) {
                out.push(word.clone());
            }
            word.clear();
        }
        if c == '"' {
            in_str = true;
        }
    }
    out
}

/// The offset after the file's last top-level `use` line (and `true`), else after its leading
/// `//!` and `#![…]` lines.
fn after_uses(text: &str) -> (usize, bool) {
    let mut offset = 0;
    let mut after = None;
    let mut head_end = 0;
    let mut in_head = true;
    for line in text.split_inclusive('\n') {
        let t = line.trim_end();
        if t.starts_with("use ") && t.ends_with(';') {
            after = Some(offset + line.len());
        }
        if in_head && (t.starts_with("//!") || t.starts_with("#![")) {
            head_end = offset + line.len();
        } else if !t.is_empty() {
            in_head = false;
        }
        offset += line.len();
    }
    match after {
        Some(at) => (at, true),
        None => (head_end, false),
    }
}

/// The top-level `#[cfg(test)] mod tests { ... }`: the end of its opening line, the offset of
/// its closing brace, and whether it has `use super::*;`.
pub(crate) fn test_module(text: &str) -> Option<(usize, usize, bool)> {
    let mut search = 0;
    while let Some(rel) = text[search..].find("#[cfg(test)]") {
        let at = search + rel;
        search = at + 1;
        // Top level only: the attribute starts a line.
        if at > 0 && !text[..at].ends_with('\n') {
            continue;
        }
        let after = &text[at + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        let Some(rest) = trimmed.strip_prefix("mod ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name != "tests" {
            continue;
        }
        let open = at + "#[cfg(test)]".len() + (after.len() - trimmed.len()) + rest.find('{')? + 4;
        let open_line_end = open + text[open..].find('\n')? + 1;
        // The matching close, skipping strings and comments roughly.
        let mut depth = 0i32;
        let bytes = text.as_bytes();
        let mut i = open;
        let mut in_str = false;
        while i < bytes.len() {
            let b = bytes[i];
            if in_str {
                if b == b'\\' {
                    i += 2;
                    continue;
                }
                if b == b'"' {
                    in_str = false;
                }
            } else if b == b'"' {
                in_str = true;
            } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            } else if b == b'{' {
                depth += 1;
            } else if b == b'}' {
                depth -= 1;
                if depth == 0 {
                    let body = &text[open..i];
                    return Some((open_line_end, i, body.contains("use super::*;")));
                }
            }
            i += 1;
        }
        return None;
    }
    None
}
