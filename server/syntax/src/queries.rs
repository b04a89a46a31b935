//! The tree-sitter queries, embedded from `queries/<language>/*.scm` and compiled once.
//!
//! Each language has three queries:
//! - `outline.scm`, run at depth 0 on each top-level node (and on each node of a container's body)
//!   to tell items, containers, records and attached comments apart;
//! - the item query, `functions.scm` + `complexity.scm` + `calls.scm` + `tests.scm` +
//!   `reads.scm`, run over one item at a time;
//! - `fields.scm`, run on the body of each record the outline finds.
//!
//! A file that starts with `; inherits: <dir>` gets that directory's file of the same name put in
//! front of it: JavaScript and TypeScript both build on `queries/ecma/`, which holds what they
//! share. The capture names are the
//! vocabulary documented in `queries/README.md`.

use std::sync::OnceLock;

use tree_sitter::Query;

use crate::Language;

macro_rules! embed {
    ($lang:literal, $file:literal) => {
        (
            $lang,
            $file,
            include_str!(concat!("../../../queries/", $lang, "/", $file)),
        )
    };
}

const FILES: &[(&str, &str, &str)] = &[
    embed!("rust", "outline.scm"),
    embed!("rust", "functions.scm"),
    embed!("rust", "complexity.scm"),
    embed!("rust", "calls.scm"),
    embed!("rust", "tests.scm"),
    embed!("rust", "reads.scm"),
    embed!("rust", "fields.scm"),
    embed!("python", "outline.scm"),
    embed!("python", "functions.scm"),
    embed!("python", "complexity.scm"),
    embed!("python", "calls.scm"),
    embed!("python", "tests.scm"),
    embed!("python", "reads.scm"),
    embed!("python", "fields.scm"),
    embed!("go", "outline.scm"),
    embed!("go", "functions.scm"),
    embed!("go", "complexity.scm"),
    embed!("go", "calls.scm"),
    embed!("go", "tests.scm"),
    embed!("go", "reads.scm"),
    embed!("go", "fields.scm"),
    embed!("ecma", "outline.scm"),
    embed!("ecma", "functions.scm"),
    embed!("ecma", "complexity.scm"),
    embed!("ecma", "calls.scm"),
    embed!("ecma", "tests.scm"),
    embed!("ecma", "reads.scm"),
    embed!("ecma", "fields.scm"),
    embed!("javascript", "outline.scm"),
    embed!("javascript", "functions.scm"),
    embed!("javascript", "complexity.scm"),
    embed!("javascript", "calls.scm"),
    embed!("javascript", "tests.scm"),
    embed!("javascript", "reads.scm"),
    embed!("javascript", "fields.scm"),
    embed!("typescript", "outline.scm"),
    embed!("typescript", "functions.scm"),
    embed!("typescript", "complexity.scm"),
    embed!("typescript", "calls.scm"),
    embed!("typescript", "tests.scm"),
    embed!("typescript", "reads.scm"),
    embed!("typescript", "fields.scm"),
];

/// The item query is these files, concatenated.
pub const ITEM_FILES: [&str; 5] = [
    "functions.scm",
    "complexity.scm",
    "calls.scm",
    "tests.scm",
    "reads.scm",
];

/// The source of one query file, with what it inherits put in front.
pub fn source(dir: &str, file: &str) -> String {
    let own = FILES
        .iter()
        .find(|(d, f, _)| *d == dir && *f == file)
        .map(|(_, _, text)| *text)
        .unwrap_or_else(|| panic!("no embedded query {dir}/{file}"));
    match own
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("; inherits: "))
    {
        Some(parent) => format!("{}\n{own}", source(parent.trim(), file)),
        None => own.to_owned(),
    }
}

pub struct LanguageQueries {
    pub outline: Query,
    pub item: Query,
    /// `fields.scm`: the fields of a record, matched on the direct children of its body.
    pub fields: Query,
    /// For each node kind id: the outline role when the kind's only pattern is a bare
    /// `(kind) @attach` or `(kind) @item`, so the walk can skip the query for it.
    pub outline_by_kind: Vec<Option<SimpleRole>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimpleRole {
    Attach,
    Item,
}

/// Reads the outline query's patterns: bare `(kind) @attach` / `(kind) @item` patterns give their
/// kind a role that needs no matching, unless another pattern also starts at that kind.
fn simple_roles(language: Language, query: &Query, text: &str) -> Vec<Option<SimpleRole>> {
    let mut simple: Vec<(String, SimpleRole)> = Vec::new();
    let mut complex_roots: Vec<String> = Vec::new();
    for i in 0..query.pattern_count() {
        // A pattern's span runs to the next pattern: drop the comments in between.
        let span = &text[query.start_byte_for_pattern(i)..query.end_byte_for_pattern(i)];
        let lines: Vec<&str> = span
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with(';'))
            .collect();
        let joined = lines.join(" ");
        let pattern = joined.as_str();
        let bare = pattern
            .strip_prefix('(')
            .and_then(|rest| rest.split_once(')'))
            .filter(|(kind, _)| kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .and_then(|(kind, rest)| match rest.trim() {
                "@attach" => Some((kind.to_owned(), SimpleRole::Attach)),
                "@item" => Some((kind.to_owned(), SimpleRole::Item)),
                _ => None,
            });
        match bare {
            Some(entry) => simple.push(entry),
            None => {
                let root = pattern.trim_start_matches(['(', ' ', '\n']);
                let end = root
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(root.len());
                complex_roots.push(root[..end].to_owned());
            }
        }
    }
    let grammar = language.grammar();
    (0..grammar.node_kind_count() as u16)
        .map(|id| {
            let name = grammar.node_kind_for_id(id)?;
            if !grammar.node_kind_is_named(id) || complex_roots.iter().any(|r| r == name) {
                return None;
            }
            simple
                .iter()
                .find(|(kind, _)| *kind == name)
                .map(|(_, role)| *role)
        })
        .collect()
}

fn compile(language: Language, text: &str, what: &str) -> Query {
    Query::new(&language.grammar(), text).unwrap_or_else(|e| {
        panic!(
            "queries/{}/{what} does not compile for {language:?}: {e}",
            language.query_dir()
        )
    })
}

fn build(language: Language) -> LanguageQueries {
    let dir = language.query_dir();
    let outline_text = source(dir, "outline.scm");
    let outline = compile(language, &outline_text, "outline.scm");
    let outline_by_kind = simple_roles(language, &outline, &outline_text);
    let item_text: String = ITEM_FILES
        .iter()
        .map(|f| source(dir, f))
        .collect::<Vec<_>>()
        .join("\n");
    let item = compile(
        language,
        &item_text,
        "{functions,complexity,calls,tests,reads}.scm",
    );
    let fields = compile(language, &source(dir, "fields.scm"), "fields.scm");
    LanguageQueries {
        outline,
        item,
        fields,
        outline_by_kind,
    }
}

/// The compiled queries of `language`. The first call compiles them (a few milliseconds).
pub fn get(language: Language) -> &'static LanguageQueries {
    static CELLS: [OnceLock<LanguageQueries>; 6] = [const { OnceLock::new() }; 6];
    let index = Language::ALL
        .iter()
        .position(|l| *l == language)
        .expect("every language is in ALL");
    CELLS[index].get_or_init(|| build(language))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_compiles_against_its_grammar() {
        for language in Language::ALL {
            let queries = get(language);
            assert!(queries.outline.pattern_count() > 0, "{language:?}");
            assert!(queries.item.pattern_count() > 0, "{language:?}");
        }
    }

    #[test]
    fn bare_outline_patterns_skip_the_query_unless_another_pattern_starts_there() {
        let roles = |language: Language, kind: &str| {
            let grammar = language.grammar();
            let id = grammar.id_for_node_kind(kind, true);
            get(language).outline_by_kind[id as usize]
        };
        assert_eq!(
            roles(Language::Rust, "function_item"),
            Some(SimpleRole::Item)
        );
        assert_eq!(
            roles(Language::Rust, "attribute_item"),
            Some(SimpleRole::Attach)
        );
        assert_eq!(
            roles(Language::Python, "function_definition"),
            Some(SimpleRole::Item)
        );
        // `decorated_definition` is an item or a container: the query decides.
        assert_eq!(roles(Language::Python, "decorated_definition"), None);
        // An expression statement may be a describe block.
        assert_eq!(roles(Language::TypeScript, "expression_statement"), None);
        assert_eq!(
            roles(Language::Go, "method_declaration"),
            Some(SimpleRole::Item)
        );
    }

    #[test]
    fn javascript_and_typescript_inherit_ecma() {
        let ecma = source("ecma", "tests.scm");
        assert!(source("typescript", "tests.scm").starts_with(&ecma));
        assert!(source("javascript", "tests.scm").starts_with(&ecma));
    }
}
