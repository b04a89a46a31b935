//! Document and workspace symbols: functions, classes, modules, describe blocks and tests.

use db::{RootDatabase, SourceFile, Workspace};
use syntax::{FunctionKind, SuiteKind, TestKind, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Function,
    Method,
    Class,
    /// A Rust `impl` block.
    Impl,
    Trait,
    Module,
    /// A describe block.
    Suite,
    /// A call-based test or a subtest (function-based tests are functions, marked in `detail`).
    Test,
}

/// A symbol in one file, nested as in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    /// `test · pytest`, `cx 4`, `impl Display`.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: TextRange,
    pub selection_range: TextRange,
    pub children: Vec<DocumentSymbol>,
}

pub(crate) fn document_symbols(db: &RootDatabase, file: SourceFile) -> Vec<DocumentSymbol> {
    let model = db::file_model(db, file);
    let mut flat: Vec<DocumentSymbol> = Vec::new();
    let test_of_function: std::collections::HashMap<usize, &syntax::Test> = model
        .tests
        .iter()
        .filter_map(|t| t.function.map(|f| (f, t)))
        .collect();
    for suite in &model.suites {
        flat.push(DocumentSymbol {
            name: suite.name.clone(),
            detail: match suite.kind {
                SuiteKind::Describe => Some("describe".to_owned()),
                SuiteKind::Module if suite.is_test_suite => Some("test module".to_owned()),
                SuiteKind::Class if suite.is_test_suite => Some("test class".to_owned()),
                _ => None,
            },
            kind: match suite.kind {
                SuiteKind::Class => SymbolKind::Class,
                SuiteKind::Impl => SymbolKind::Impl,
                SuiteKind::Trait => SymbolKind::Trait,
                SuiteKind::Module => SymbolKind::Module,
                SuiteKind::Describe => SymbolKind::Suite,
            },
            range: suite.range,
            selection_range: suite.name_range,
            children: Vec::new(),
        });
    }
    for (i, f) in model.functions.iter().enumerate() {
        let detail = match test_of_function.get(&i) {
            Some(t) => format!(
                "{} · {} · cx {}",
                kind_word(t.kind),
                t.framework.name(),
                f.complexity
            ),
            None => format!("cx {}", f.complexity),
        };
        flat.push(DocumentSymbol {
            name: f.name.clone(),
            detail: Some(detail),
            kind: match f.kind {
                FunctionKind::Function => SymbolKind::Function,
                FunctionKind::Method => SymbolKind::Method,
            },
            range: f.range,
            selection_range: f.name_range,
            children: Vec::new(),
        });
    }
    for t in model.tests.iter().filter(|t| t.function.is_none()) {
        flat.push(DocumentSymbol {
            name: t.name.clone(),
            detail: Some(format!("{} · {}", kind_word(t.kind), t.framework.name())),
            kind: SymbolKind::Test,
            range: t.range,
            selection_range: t.name_range,
            children: Vec::new(),
        });
    }
    nest(flat)
}

fn kind_word(kind: TestKind) -> &'static str {
    match kind {
        TestKind::Test => "test",
        TestKind::Subtest => "subtest",
        TestKind::Benchmark => "benchmark",
        TestKind::Fuzz => "fuzz test",
        TestKind::Example => "example",
    }
}

/// Nests symbols by range: each goes under the smallest symbol that holds it.
fn nest(mut flat: Vec<DocumentSymbol>) -> Vec<DocumentSymbol> {
    flat.sort_by_key(|s| (s.range.start, std::cmp::Reverse(s.range.end)));
    let mut roots: Vec<DocumentSymbol> = Vec::new();
    let mut stack: Vec<DocumentSymbol> = Vec::new();
    for symbol in flat {
        while let Some(top) = stack.last() {
            if top.range.contains_range(symbol.range) {
                break;
            }
            let done = stack.pop().expect("checked by last()");
            attach(&mut stack, &mut roots, done);
        }
        stack.push(symbol);
    }
    while let Some(done) = stack.pop() {
        attach(&mut stack, &mut roots, done);
    }
    roots
}

fn attach(stack: &mut [DocumentSymbol], roots: &mut Vec<DocumentSymbol>, done: DocumentSymbol) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(done),
        None => roots.push(done),
    }
}

/// A function or test found by name across the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    /// Where it sits: its module and class, or its describe path.
    pub container: String,
    pub kind: SymbolKind,
    pub file: SourceFile,
    pub range: TextRange,
}

pub(crate) fn workspace_symbols(
    db: &RootDatabase,
    workspace: Workspace,
    query: &str,
    limit: usize,
) -> Vec<WorkspaceSymbol> {
    let query = query.to_lowercase();
    let mut scored: Vec<(u32, WorkspaceSymbol)> = Vec::new();
    for file in workspace.files(db).iter() {
        let model = db::file_model(db, *file);
        let module: String = match file.module(db).as_ref() {
            // A crate root names no module: say which file it is.
            "" => file
                .path(db)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            m => m.to_owned(),
        };
        let sep = if file.language(db) == syntax::Language::Rust {
            "::"
        } else {
            "."
        };
        for f in &model.functions {
            if let Some(score) = fuzzy_score(&query, &f.name) {
                let container = match f.qualified_name.rsplit_once(sep) {
                    Some((parent, _)) => format!("{module}{sep}{parent}"),
                    None => module.clone(),
                };
                scored.push((
                    score,
                    WorkspaceSymbol {
                        name: f.name.clone(),
                        container,
                        kind: match f.kind {
                            FunctionKind::Function => SymbolKind::Function,
                            FunctionKind::Method => SymbolKind::Method,
                        },
                        file: *file,
                        range: f.name_range,
                    },
                ));
            }
        }
        for t in model.tests.iter().filter(|t| t.function.is_none()) {
            if let Some(score) = fuzzy_score(&query, &t.name) {
                scored.push((
                    score,
                    WorkspaceSymbol {
                        name: t.name.clone(),
                        container: if t.path.is_empty() {
                            module.clone()
                        } else {
                            t.path.join(" > ")
                        },
                        kind: SymbolKind::Test,
                        file: *file,
                        range: t.name_range,
                    },
                ));
            }
        }
    }
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    scored.into_iter().take(limit).map(|(_, s)| s).collect()
}

/// A lower score is a better match; `None` if the query's characters are not all in the name,
/// in order. An empty query matches everything.
fn fuzzy_score(query: &str, name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    if query.is_empty() {
        return Some(1000);
    }
    if lower == query {
        return Some(0);
    }
    if lower.starts_with(query) {
        return Some(1 + (lower.len() - query.len()) as u32);
    }
    if let Some(at) = lower.find(query) {
        return Some(100 + at as u32);
    }
    // Subsequence: every query char in order; gaps cost.
    let mut chars = lower.char_indices();
    let mut cost = 200u32;
    let mut last = 0usize;
    for q in query.chars() {
        let (at, _) = chars.by_ref().find(|(_, c)| *c == q)?;
        cost += (at - last) as u32;
        last = at;
    }
    Some(cost)
}

#[cfg(test)]
mod tests {
    use super::fuzzy_score;

    #[test]
    fn exact_beats_prefix_beats_substring_beats_subsequence() {
        let exact = fuzzy_score("total", "total").unwrap();
        let prefix = fuzzy_score("total", "total_price").unwrap();
        let inner = fuzzy_score("total", "get_total").unwrap();
        let subseq = fuzzy_score("ttl", "total").unwrap();
        assert!(exact < prefix && prefix < inner && inner < subseq);
        assert_eq!(fuzzy_score("xyz", "total"), None);
    }
}
