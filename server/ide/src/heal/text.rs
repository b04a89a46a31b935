//! Text helpers shared by the healing fixes: lines and indentation, where a statement ends,
//! string literals, imports, and the few project files a fix looks at to choose its form.

use std::path::Path;

use syntax::{Language, TextRange, TextSize};

pub(super) fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(start as TextSize, end as TextSize)
}

pub(super) fn insert(at: usize, text: impl Into<String>) -> (TextRange, String) {
    (range(at, at), text.into())
}

/// The offset of the start of the line holding `offset`.
pub(super) fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// The offset of the end of the line holding `offset`, before its line break.
pub(super) fn line_end(text: &str, offset: usize) -> usize {
    let end = text[offset.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| offset + i);
    if end > 0 && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The leading whitespace of the line holding `offset`.
pub(super) fn indent_at(text: &str, offset: usize) -> &str {
    let start = line_start(text, offset);
    let line = &text[start..line_end(text, start)];
    &line[..line.len() - line.trim_start().len()]
}

/// The line break the file uses.
pub(super) fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// One indentation step in the file's style: a tab where lines start with tabs, else as many
/// spaces as the smallest indentation found (4 when there is none).
pub(super) fn indent_unit(text: &str) -> String {
    let mut smallest = usize::MAX;
    for line in text.lines() {
        if line.starts_with('\t') {
            return "\t".to_owned();
        }
        let spaces = line.len() - line.trim_start_matches(' ').len();
        if spaces > 0 && spaces < line.len() {
            smallest = smallest.min(spaces);
        }
    }
    if smallest == usize::MAX {
        smallest = 4;
    }
    " ".repeat(smallest)
}

/// A double-quoted string literal of `s` that Python, Rust, Go, JavaScript and TypeScript all
/// read back as `s`.
pub(super) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` on one line, safe in a line comment.
pub(super) fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Where the statement starting at `start` ends (exclusive): at a `;` outside brackets
/// (included), else at the end of the line where every bracket is closed and the line does not
/// go on. Strings and comments are skipped. `None` when the text ends inside a bracket.
pub(super) fn statement_end(text: &str, start: usize, language: Language) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth: i32 = 0;
    let mut i = start;
    let hash_comments = language == Language::Python;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth < 0 {
                    // The block around the statement closes: the statement ended before.
                    return Some(trim_end(text, start, i));
                }
            }
            b'"' | b'\'' | b'`' => {
                if c == b'\'' && language == Language::Rust && is_rust_lifetime(bytes, i) {
                    i += 1;
                    continue;
                }
                i = string_end(text, i, language)?;
                continue;
            }
            b'#' if hash_comments => {
                i = line_end(text, i);
                continue;
            }
            b'/' if !hash_comments && bytes.get(i + 1) == Some(&b'/') => {
                i = line_end(text, i);
                continue;
            }
            b'/' if !hash_comments && bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map(|e| i + 2 + e + 2)?;
                continue;
            }
            // Go writes `;` only in headers (`if x := f(); x > 0 {`), where it ends nothing.
            b';' if depth == 0 && !matches!(language, Language::Python | Language::Go) => {
                return Some(i + 1);
            }
            b'\n' if depth == 0 => {
                let line = text[line_start(text, i)..i].trim_end();
                let continues = line.ends_with('\\')
                    || (language != Language::Python
                        && [".", ",", "&&", "||", "+", "-", "=", "=>"]
                            .iter()
                            .any(|op| line.ends_with(op)));
                let next = text[i + 1..].trim_start();
                let chained = language != Language::Python && next.starts_with('.');
                if !continues && !chained {
                    return Some(trim_end(text, start, i));
                }
            }
            _ => {}
        }
        i += 1;
    }
    (depth == 0).then(|| trim_end(text, start, text.len()))
}

fn trim_end(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end().len()
}

fn is_rust_lifetime(bytes: &[u8], i: usize) -> bool {
    // `'a` not followed by a closing quote within two characters (`'a'`, `'\n'` are chars).
    bytes.get(i + 2) != Some(&b'\'') && bytes.get(i + 1) != Some(&b'\\')
}

/// The offset after the string literal opening at `open`.
fn string_end(text: &str, open: usize, language: Language) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = bytes[open];
    let triple = language == Language::Python
        && bytes.get(open + 1) == Some(&quote)
        && bytes.get(open + 2) == Some(&quote);
    if triple {
        let delim = &text[open..open + 3];
        return text[open + 3..].find(delim).map(|e| open + 3 + e + 3);
    }
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return Some(i + 1),
            b'\n' if quote != b'`' => return None,
            _ => i += 1,
        }
    }
    None
}

/// The start of the next statement after `offset`: the first character that is not
/// whitespace or in a comment.
pub(super) fn next_code(text: &str, mut offset: usize, language: Language) -> Option<usize> {
    loop {
        let rest = &text[offset..];
        let trimmed = rest.trim_start();
        offset += rest.len() - trimmed.len();
        let comment = if language == Language::Python {
            trimmed.starts_with('#')
        } else {
            trimmed.starts_with("//")
        };
        if comment {
            offset = line_end(text, offset);
            continue;
        }
        return (!trimmed.is_empty()).then_some(offset);
    }
}

/// The text of the nearest of `names` in the directory of `file` or one above it, stopping at
/// a repository root (`.git`). Each file is read only up to 1 MiB.
pub(super) fn project_file(file: &Path, names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut dir = file.parent();
    let mut depth = 0;
    while let Some(d) = dir {
        for name in names {
            let path = d.join(name);
            if let Ok(meta) = std::fs::metadata(&path)
                && meta.is_file()
                && meta.len() <= 1 << 20
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                out.push(text);
            }
        }
        depth += 1;
        if !out.is_empty() || d.join(".git").exists() || depth > 8 {
            break;
        }
        dir = d.parent();
    }
    out
}

/// A name not yet defined in `text`: `base`, else `base_2`, `base_3`, ...
pub(super) fn fresh_name(text: &str, base: &str, defined: impl Fn(&str, &str) -> bool) -> String {
    if !defined(text, base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|name| !defined(text, name))
        .unwrap_or_else(|| base.to_owned())
}

/// Whether `word` occurs in `text` as a whole identifier right after `prefix`
/// (`def `, `fn `, `function `).
pub(super) fn defines(text: &str, prefix: &str, word: &str) -> bool {
    let needle = format!("{prefix}{word}");
    text.match_indices(&needle).any(|(at, _)| {
        let after = text[at + needle.len()..].chars().next();
        let before = text[..at].chars().next_back();
        !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Python: the name under which module `module` is imported at the top level (`import x`,
/// `import x as y`), if it is.
pub(super) fn python_import_alias(text: &str, module: &str) -> Option<String> {
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("import ") else {
            continue;
        };
        let rest = rest.split('#').next().unwrap_or("");
        for part in rest.split(',') {
            let mut words = part.split_whitespace();
            if words.next() == Some(module) {
                return match (words.next(), words.next()) {
                    (Some("as"), Some(alias)) => Some(alias.to_owned()),
                    _ => Some(module.to_owned()),
                };
            }
        }
    }
    None
}

/// Python: an edit adding `import <module>` with the module's other imports (after any
/// `from __future__` import and the module docstring).
pub(super) fn python_add_import(text: &str, module: &str) -> (TextRange, String) {
    let nl = newline(text);
    let mut offset = 0;
    let mut first_import = None;
    let mut after_future = None;
    let mut after_docstring = None;
    let mut seen_code = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed.starts_with("from __future__") {
            after_future = Some(offset + line.len());
        } else if (trimmed.starts_with("import ") || trimmed.starts_with("from "))
            && first_import.is_none()
        {
            first_import = Some(offset);
        } else if !seen_code
            && (trimmed.starts_with("\"\"\"") || trimmed.starts_with("'''"))
            && after_docstring.is_none()
        {
            let quote = &trimmed[..3];
            let docstring_end = text[offset + 3..]
                .find(quote)
                .map(|e| offset + 3 + e + 3)
                .map(|e| line_end(text, e))
                .map(|e| (e + nl.len()).min(text.len()));
            after_docstring = docstring_end;
        }
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            seen_code = true;
        }
        offset += line.len();
    }
    let at = first_import
        .filter(|&i| after_future.is_none_or(|f| i >= f))
        .or(after_future)
        .or(after_docstring)
        .unwrap_or(0);
    insert(at, format!("import {module}{nl}"))
}

/// The code model of `text`, parsed alone, for the fixes' unit tests.
#[cfg(test)]
pub(super) fn model(language: syntax::Language, file_name: &str, text: &str) -> syntax::FileModel {
    let source = syntax::SourceText::from(text.to_owned());
    let tree = syntax::parse(language, &source, None);
    let context = syntax::FileContext {
        file_name: file_name.to_owned(),
        js_framework: None,
        go_import_path: None,
    };
    syntax::analyze_file(language, &tree, &source, &context)
}

/// The name of a Go test's `*testing.T` (or `*testing.B`, ...) parameter, and the offset of the
/// `*testing.` in `text`.
pub(super) fn go_testing_param(text: &str, test: &syntax::Test) -> Option<(String, usize)> {
    let from = test.name_range.end as usize;
    let signature = text.get(from..test.range.end as usize)?;
    let at = signature.find("*testing.")?;
    let before = signature[..at].trim_end();
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map(|(i, _)| i)?;
    Some((before[start..].to_owned(), from + at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_end_at_semicolons_or_at_a_line_with_every_bracket_closed() {
        let text = "assert_eq!(\n    f(1),\n    2\n);\nnext();";
        assert_eq!(
            &text[..statement_end(text, 0, Language::Rust).unwrap()],
            "assert_eq!(\n    f(1),\n    2\n);"
        );
        let go = "if f(8) != 4 {\n\tt.Fatal(\"x }\")\n}\nnext()";
        assert_eq!(
            &go[..statement_end(go, 0, Language::Go).unwrap()],
            "if f(8) != 4 {\n\tt.Fatal(\"x }\")\n}"
        );
        let py = "assert f(\n  1) == 2  # ok\nx = 1";
        assert_eq!(
            &py[..statement_end(py, 0, Language::Python).unwrap()],
            "assert f(\n  1) == 2  # ok"
        );
        let js = "expect(a)\n  .toBe(1)\nfoo()";
        assert_eq!(
            &js[..statement_end(js, 0, Language::JavaScript).unwrap()],
            "expect(a)\n  .toBe(1)"
        );
        assert_eq!(statement_end("f(1", 0, Language::Rust), None);
    }

    #[test]
    fn quoted_strings_escape_quotes_and_backslashes() {
        assert_eq!(quoted("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c d\"");
    }

    #[test]
    fn python_imports_go_after_future_imports_and_docstrings() {
        let add = |text: &str| {
            let (r, t) = python_add_import(text, "pytest");
            crate::assists::apply_edits(text, &[(r, t)])
        };
        assert_eq!(add("import os\n"), "import pytest\nimport os\n");
        assert_eq!(
            add("\"\"\"Doc.\"\"\"\n\nimport os\n"),
            "\"\"\"Doc.\"\"\"\n\nimport pytest\nimport os\n"
        );
        assert_eq!(
            add("from __future__ import annotations\nimport os\n"),
            "from __future__ import annotations\nimport pytest\nimport os\n"
        );
        assert_eq!(
            add("\"\"\"Doc\nmore.\"\"\"\ndef f(): pass\n"),
            "\"\"\"Doc\nmore.\"\"\"\nimport pytest\ndef f(): pass\n"
        );
        assert_eq!(add("def f(): pass\n"), "import pytest\ndef f(): pass\n");
        assert_eq!(
            python_import_alias("import os, pytest as pt\n", "pytest").as_deref(),
            Some("pt")
        );
        assert_eq!(
            python_import_alias("from pytest import mark\n", "pytest"),
            None
        );
    }

    #[test]
    fn fresh_names_avoid_every_existing_definition() {
        let text = "def _wait_until():\n    pass\ndef _wait_until_2(): pass\n";
        let defined = |t: &str, n: &str| defines(t, "def ", n);
        assert_eq!(fresh_name(text, "_wait_until", defined), "_wait_until_3");
        assert_eq!(fresh_name(text, "_check", defined), "_check");
        assert!(!defines("def _wait_untilx(): pass", "def ", "_wait_until"));
    }
}
