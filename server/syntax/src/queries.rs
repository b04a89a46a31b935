//! The tree-sitter queries, embedded from `queries/<language>/*.scm` and compiled once.
//!
//! Each language has two queries:
//! - `outline.scm`, run at depth 0 on each top-level node (and on each node of a container's body)
//!   to tell items, containers and attached comments apart;
//! - the item query, `functions.scm` + `complexity.scm` + `calls.scm` + `tests.scm`, run over one
//!   item at a time.
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
    embed!("python", "outline.scm"),
    embed!("python", "functions.scm"),
    embed!("python", "complexity.scm"),
    embed!("python", "calls.scm"),
    embed!("python", "tests.scm"),
    embed!("go", "outline.scm"),
    embed!("go", "functions.scm"),
    embed!("go", "complexity.scm"),
    embed!("go", "calls.scm"),
    embed!("go", "tests.scm"),
    embed!("ecma", "outline.scm"),
    embed!("ecma", "functions.scm"),
    embed!("ecma", "complexity.scm"),
    embed!("ecma", "calls.scm"),
    embed!("ecma", "tests.scm"),
    embed!("javascript", "outline.scm"),
    embed!("javascript", "functions.scm"),
    embed!("javascript", "complexity.scm"),
    embed!("javascript", "calls.scm"),
    embed!("javascript", "tests.scm"),
    embed!("typescript", "outline.scm"),
    embed!("typescript", "functions.scm"),
    embed!("typescript", "complexity.scm"),
    embed!("typescript", "calls.scm"),
    embed!("typescript", "tests.scm"),
];

/// The item query is these files, concatenated.
pub const ITEM_FILES: [&str; 4] = ["functions.scm", "complexity.scm", "calls.scm", "tests.scm"];

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
    let outline = compile(language, &source(dir, "outline.scm"), "outline.scm");
    let item_text: String = ITEM_FILES
        .iter()
        .map(|f| source(dir, f))
        .collect::<Vec<_>>()
        .join("\n");
    let item = compile(
        language,
        &item_text,
        "{functions,complexity,calls,tests}.scm",
    );
    LanguageQueries { outline, item }
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
    fn javascript_and_typescript_inherit_ecma() {
        let ecma = source("ecma", "tests.scm");
        assert!(source("typescript", "tests.scm").starts_with(&ecma));
        assert!(source("javascript", "tests.scm").starts_with(&ecma));
    }
}
