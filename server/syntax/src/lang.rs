//! What differs between languages and a query cannot say: naming, doc comments, which functions
//! are tests. Each rule is small; the queries do the finding.

use std::borrow::Cow;

use crate::Language;
use crate::extract::{FileContext, OutlineContainer, Scope, ScopeKind};
use crate::model::{
    Constructor, Framework, Function, FunctionKind, RecordKind, SuiteKind, TestKind,
};
use crate::text::{SourceText, TextRange};

/// Joins the parts of a qualified name.
pub(crate) fn separator(language: Language) -> &'static str {
    match language {
        Language::Rust => "::",
        _ => ".",
    }
}

/// Whether functions inside a container of this kind are named after it.
pub(crate) fn names_members(kind: SuiteKind) -> bool {
    !matches!(kind, SuiteKind::Describe)
}

/// The text of a string literal without its quotes and prefixes: `"a"`, `'a'`, `` `a` ``,
/// `r#"a"#`, `b"a"`, `f"a"`, `"""a"""`. Anything else comes back as it is.
pub fn unquote(text: &str) -> Cow<'_, str> {
    let t = text.trim();
    let t = t.trim_start_matches(['r', 'b', 'f', 'u', 'R', 'B', 'F', 'U']);
    let hashes = t.len() - t.trim_start_matches('#').len();
    let t = &t[hashes..];
    let t = &t[..t.len() - (t.len() - t.trim_end_matches('#').len()).min(hashes)];
    for quote in ["\"\"\"", "'''", "\"", "'", "`"] {
        if t.len() >= 2 * quote.len() && t.starts_with(quote) && t.ends_with(quote) {
            return Cow::Owned(t[quote.len()..t.len() - quote.len()].to_owned());
        }
    }
    Cow::Borrowed(text)
}

/// Whether a name node is a literal the reader can see (a string without interpolation, an
/// identifier), rather than an expression computed when the test runs.
pub(crate) fn is_literal_name(kind: &str, text: &str) -> bool {
    match kind {
        "identifier" | "property_identifier" | "field_identifier" | "type_identifier" => true,
        "string" | "string_literal" | "interpreted_string_literal" | "raw_string_literal" => {
            // Python f-strings interpolate.
            !(text.starts_with(['f', 'F']) && text.contains('{'))
        }
        "template_string" => !text.contains("${"),
        _ => false,
    }
}

/// A type as written, on one line, without the `:` or `->` that introduced it.
pub(crate) fn clean_type(_language: Language, text: &str) -> String {
    let t = text.trim();
    let t = t.strip_prefix("->").unwrap_or(t);
    let t = t.strip_prefix(':').unwrap_or(t).trim();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An expression as written (a default value), on one line where it spans several.
pub(crate) fn one_line(text: &str) -> String {
    let t = text.trim();
    if t.contains('\n') {
        t.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        t.to_owned()
    }
}

/// Whether a declaration is visible outside its module by its name alone: Go's capitalised
/// names, Python's names without a leading underscore. Elsewhere a keyword says (`pub`, `export`).
pub(crate) fn public_by_name(language: Language, name: &str) -> bool {
    match language {
        Language::Go => name.starts_with(|c: char| c.is_uppercase()),
        Language::Python => !name.starts_with('_'),
        _ => false,
    }
}

/// The constructor of the record `record` (its qualified name) among the file's functions:
/// Python's `__init__` and JavaScript's `constructor` (methods of the class), Rust's associated
/// `new` returning `Self` or the type. Go has none: its structs are built with literals.
pub(crate) fn constructor(
    language: Language,
    kind: RecordKind,
    record: &str,
    functions: &[Function],
) -> Option<Constructor> {
    let method = |name: &str| {
        let qualified = format!("{record}{}{name}", separator(language));
        functions
            .iter()
            .find(|f| f.kind == FunctionKind::Method && f.qualified_name == qualified)
    };
    match language {
        // A dataclass or named tuple builds itself from its fields.
        Language::Python if kind == RecordKind::Class => {
            let f = method("__init__")?;
            Some(Constructor {
                name: f.name.clone(),
                params: f.params.iter().skip(1).cloned().collect(),
                public: true,
            })
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx
            if kind == RecordKind::Class =>
        {
            let f = method("constructor")?;
            Some(Constructor {
                name: f.name.clone(),
                params: f.params.clone(),
                public: true,
            })
        }
        Language::Rust => {
            let f = method("new")?;
            let short = record.rsplit("::").next().unwrap_or(record);
            let returns_self =
                matches!(f.return_type.as_deref(), Some(t) if t == "Self" || t == short);
            let takes_self = f.params.iter().any(|p| p.name.contains("self"));
            (returns_self && !takes_self).then(|| Constructor {
                name: f.name.clone(),
                params: f.params.clone(),
                public: f.visibility.is_some(),
            })
        }
        _ => None,
    }
}

/// Go: the type of a method's receiver, without pointer or type parameters: `*Cart[T]` → `Cart`.
pub(crate) fn receiver_type(text: &str) -> String {
    let t = text.trim().trim_start_matches('*');
    t.split('[').next().unwrap_or(t).trim().to_owned()
}

/// A base class as written, without TypeScript's `extends` keyword or generic arguments.
pub(crate) fn base_name(text: &str) -> String {
    let t = text.trim();
    let t = t.strip_prefix("extends").map(str::trim_start).unwrap_or(t);
    t.split(['<', ' ', '(']).next().unwrap_or(t).to_owned()
}

/// The called name without path or receiver.
pub(crate) fn call_name(text: &str) -> String {
    let t = text.trim();
    let t = t.rsplit("::").next().unwrap_or(t);
    let t = t.rsplit('.').next().unwrap_or(t);
    t.to_owned()
}

/// A Python docstring, unquoted and dedented as `inspect.cleandoc` does.
pub(crate) fn docstring(text: &str) -> String {
    let body = unquote(text);
    cleandoc(&body)
}

fn cleandoc(text: &str) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("").trim().to_owned();
    let rest: Vec<&str> = lines.collect();
    let indent = rest
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = vec![first];
    out.extend(
        rest.iter()
            .map(|l| l.get(indent..).unwrap_or("").trim_end().to_owned()),
    );
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out.join("\n")
}

/// The doc comment of a function from the comments attached above it: Rust `///` and `/** */`,
/// Go `//` comments right above the declaration, JSDoc `/** */`. Comments separated from the
/// function by a blank line are not its doc.
pub(crate) fn doc_from_comments(
    language: Language,
    text: &SourceText,
    attached: &[TextRange],
    function_start: u32,
) -> Option<String> {
    let mut lines_out: Vec<String> = Vec::new();
    let mut next_row = text.point(function_start).0;
    // Walk upwards from the function; attributes between doc and function are skipped.
    for range in attached.iter().rev() {
        let comment = text.slice(*range);
        let end_row = text.point(range.end.saturating_sub(1).max(range.start)).0;
        if end_row + 1 < next_row {
            break;
        }
        next_row = text.point(range.start).0;
        let trimmed = comment.trim();
        let lines: Vec<String> = match language {
            Language::Rust if trimmed.starts_with("///") => {
                vec![strip_marker(trimmed, "///")]
            }
            Language::Rust if trimmed.starts_with("/**") => jsdoc_lines(trimmed),
            Language::Rust if trimmed.starts_with("#[") => continue,
            Language::Go if trimmed.starts_with("//") => vec![strip_marker(trimmed, "//")],
            Language::JavaScript | Language::TypeScript | Language::Tsx
                if trimmed.starts_with("/**") =>
            {
                jsdoc_lines(trimmed)
            }
            _ => {
                if lines_out.is_empty() {
                    // A plain comment right above: not a doc, and nothing above it is either.
                    return None;
                }
                break;
            }
        };
        for line in lines.into_iter().rev() {
            lines_out.push(line);
        }
    }
    lines_out.reverse();
    let doc = lines_out.join("\n").trim().to_owned();
    (!doc.is_empty()).then_some(doc)
}

/// The plain comment right above an item (attributes between them are skipped), as a skip
/// reason: `// reason: flaky on CI` gives `flaky on CI`. A comment with a blank line below it is
/// about something else.
pub(crate) fn reason_comment(
    text: &SourceText,
    attached: &[TextRange],
    item_start: u32,
) -> Option<String> {
    let mut next_row = text.point(item_start).0;
    for range in attached.iter().rev() {
        let (start_row, _) = text.point(range.start);
        let (end_row, _) = text.point(range.end.saturating_sub(1).max(range.start));
        if end_row + 1 < next_row {
            return None;
        }
        next_row = start_row;
        let comment = text.slice(*range);
        let trimmed = comment.trim();
        if trimmed.starts_with("#[") || trimmed.starts_with('@') {
            continue;
        }
        if trimmed.starts_with("///") || trimmed.starts_with("/**") {
            return None;
        }
        let body = trimmed
            .trim_start_matches(['/', '#', '*'])
            .trim_end_matches("*/")
            .trim();
        let body = body
            .strip_prefix("reason:")
            .or_else(|| body.strip_prefix("Reason:"))
            .unwrap_or(body)
            .trim();
        return (!body.is_empty()).then(|| body.to_owned());
    }
    None
}

fn strip_marker(line: &str, marker: &str) -> String {
    let rest = line.strip_prefix(marker).unwrap_or(line);
    rest.strip_prefix(' ').unwrap_or(rest).trim_end().to_owned()
}

fn jsdoc_lines(comment: &str) -> Vec<String> {
    let inner = comment.trim_start_matches("/**").trim_end_matches("*/");
    inner
        .lines()
        .map(|l| {
            let l = l.trim();
            let l = l.strip_prefix('*').unwrap_or(l);
            l.strip_prefix(' ').unwrap_or(l).trim_end().to_owned()
        })
        .skip_while(|l| l.is_empty())
        .collect()
}

/// The JavaScript runner a file's imports name, if any.
pub(crate) fn js_framework(imports: &[String]) -> Option<Framework> {
    imports.iter().find_map(|i| match i.as_str() {
        "vitest" => Some(Framework::Vitest),
        "node:test" | "test" => Some(Framework::NodeTest),
        "@jest/globals" => Some(Framework::Jest),
        "mocha" => Some(Framework::Mocha),
        _ => None,
    })
}

pub(crate) struct FunctionContext<'a> {
    pub scope: &'a Scope,
    /// The containers around the item, outermost first.
    pub containers: &'a [&'a OutlineContainer],
    /// The function sits inside another function.
    pub nested: bool,
    pub file: &'a FileContext,
}

/// Whether a function is a test, and of which framework and kind.
pub(crate) fn classify_function(
    language: Language,
    cx: &FunctionContext,
) -> Option<(Framework, TestKind)> {
    let mark = cx.scope.test_marks.first()?;
    if cx.nested || cx.scope.kind != ScopeKind::Function {
        return None;
    }
    match language {
        // `#[test]`, `#[tokio::test]`, `#[rstest]`...: the attribute says it all.
        Language::Rust => Some((mark.framework.unwrap_or(Framework::RustTest), mark.kind)),
        // pytest collects `test*` functions at module level and in `Test*` classes; unittest
        // collects `test*` methods of `TestCase` subclasses.
        Language::Python => match cx.containers.last() {
            None => Some((Framework::Pytest, TestKind::Test)),
            Some(class) if class.kind == SuiteKind::Class => {
                if is_unittest_class(class) {
                    Some((Framework::Unittest, TestKind::Test))
                } else if class.name.starts_with("Test") {
                    Some((Framework::Pytest, TestKind::Test))
                } else {
                    None
                }
            }
            Some(_) => None,
        },
        // `go test` runs `TestXxx(*testing.T)` and friends from `_test.go` files only.
        Language::Go => cx
            .file
            .file_name
            .ends_with("_test.go")
            .then_some((Framework::GoTest, mark.kind)),
        Language::JavaScript | Language::TypeScript | Language::Tsx => None,
    }
}

fn is_unittest_class(class: &OutlineContainer) -> bool {
    class.bases.iter().any(|b| b.ends_with("TestCase"))
}

/// Whether a container is a test suite even before any test is found in it.
pub(crate) fn is_test_container(language: Language, c: &OutlineContainer) -> bool {
    match language {
        Language::Rust => {
            c.kind == SuiteKind::Module
                && c.attributes
                    .iter()
                    .any(|a| a.replace(' ', "").contains("cfg(test)"))
        }
        Language::Python => c.kind == SuiteKind::Class && is_unittest_class(c),
        _ => c.kind == SuiteKind::Describe,
    }
}

/// The suite path of a test: the containers and enclosing scopes a runner names it by.
pub(crate) fn test_path(
    language: Language,
    containers: &[&OutlineContainer],
    enclosing: &[&Scope],
) -> Vec<String> {
    let mut path: Vec<String> = containers
        .iter()
        .filter(|c| match language {
            Language::Rust => c.kind == SuiteKind::Module,
            Language::Python => c.kind == SuiteKind::Class,
            _ => c.kind == SuiteKind::Describe,
        })
        .map(|c| c.name.clone())
        .collect();
    path.extend(
        enclosing
            .iter()
            .filter(|s| match s.kind {
                ScopeKind::Suite | ScopeKind::Test => true,
                // A Go subtest is named after the test function it runs in.
                ScopeKind::Function => language == Language::Go,
            })
            .map(|s| s.name.clone()),
    );
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_strips_every_literal_form() {
        for (raw, want) in [
            ("\"a b\"", "a b"),
            ("'a'", "a"),
            ("`a ${x}`", "a ${x}"),
            ("r#\"a\"#", "a"),
            ("b\"a\"", "a"),
            ("f'a{x}'", "a{x}"),
            ("\"\"\"doc\"\"\"", "doc"),
            ("name", "name"),
        ] {
            assert_eq!(unquote(raw), want, "{raw}");
        }
    }

    #[test]
    fn cleandoc_dedents_like_python() {
        assert_eq!(
            cleandoc("Sum.\n\n    More here.\n      Indented.\n    "),
            "Sum.\n\nMore here.\n  Indented."
        );
    }

    #[test]
    fn names_and_types_are_cleaned() {
        assert_eq!(call_name("std::thread::sleep"), "sleep");
        assert_eq!(call_name("self.cart.total"), "total");
        assert_eq!(receiver_type("*Cart[T]"), "Cart");
        assert_eq!(
            clean_type(Language::TypeScript, ": Array<\n  number>"),
            "Array< number>"
        );
    }
}
