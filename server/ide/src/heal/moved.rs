//! Follow a moved callee. A test imports a function from a module of the workspace that no
//! longer defines it (nor re-exports it), and exactly one other module defines it now: the fix
//! takes the name out of the old import and imports it from its new module (into an import of
//! that module the file already has, else a new one in the old one's place). Python
//! (`from shop.pricing import line_total`) and JavaScript/TypeScript (`import { lineTotal } from
//! "./pricing"`, `const { lineTotal } = require("../src/pricing")`). The rename fix uses the same
//! rewrite when the renamed function also changed module.

use std::path::{Path, PathBuf};

use db::{RootDatabase, SourceFile, Workspace};
use syntax::{Language, TextRange, TextSize};

use crate::assists::{Assist, AssistKind, FileEdit};
use crate::diagnostics::DiagnosticCode;

/// One `from … import …`, `import {…} from …` or `const {…} = require(…)` statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Import {
    /// The statement, from its first byte to the end of its line.
    pub span: std::ops::Range<usize>,
    /// The module as written: `shop.pricing`, `./pricing`.
    pub module: String,
    /// The names it binds, each with where it is written (`a as b` / `a: b` whole).
    pub names: Vec<(String, std::ops::Range<usize>)>,
    /// Where another name would go: after the last one.
    pub insert_at: usize,
}

/// The imports of `text` that bind names from a module.
pub(super) fn imports(language: Language, text: &str) -> Vec<Import> {
    let mut out = Vec::new();
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let start = offset;
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let opener = match language {
            Language::Python => t.starts_with("from ") && t.contains(" import "),
            _ => {
                (t.starts_with("import ") && t.contains('{'))
                    || ["const {", "let {", "var {"]
                        .iter()
                        .any(|p| t.starts_with(p))
            }
        };
        if !opener || indent > 0 {
            offset += line.len();
            i += 1;
            continue;
        }
        // The statement runs to its closing bracket (or the line's end, without one).
        let mut end_line = i;
        let mut stmt = line.to_owned();
        let needs_close = match language {
            Language::Python => t.contains('(') && !t.contains(')'),
            _ => !t.contains('}'),
        };
        if needs_close {
            let close = if language == Language::Python {
                ')'
            } else {
                '}'
            };
            while end_line + 1 < lines.len() && !lines[end_line].contains(close) {
                end_line += 1;
                stmt.push_str(lines[end_line]);
            }
        }
        let span = start..start + stmt.len();
        if let Some(import) = parse(language, &stmt, start) {
            out.push(Import { span, ..import });
        }
        for l in &lines[i..=end_line] {
            offset += l.len();
        }
        i = end_line + 1;
    }
    out
}

fn parse(language: Language, stmt: &str, at: usize) -> Option<Import> {
    let (module, names_from, names_to) = match language {
        Language::Python => {
            let rest = stmt.trim_start().strip_prefix("from ")?;
            let (module, _) = rest.split_once(" import ")?;
            let from = stmt.find(" import ")? + " import ".len();
            let to = stmt.find('#').unwrap_or(stmt.trim_end().len());
            (module.trim().to_owned(), from, to)
        }
        _ => {
            let open = stmt.find('{')? + 1;
            let close = stmt[open..].find('}')? + open;
            let quoted = stmt[close..]
                .split(['"', '\''])
                .nth(1)
                .filter(|_| stmt[close..].contains("from") || stmt[close..].contains("require("))?;
            (quoted.to_owned(), open, close)
        }
    };
    let region = &stmt[names_from..names_to];
    let mut names = Vec::new();
    let mut pos = names_from;
    for piece in region.split(',') {
        let lead = piece.len() - piece.trim_start().len();
        let item = piece.trim().trim_matches(['(', ')']).trim();
        if !item.is_empty() {
            let item_start = pos + lead + piece.trim_start().find(item).unwrap_or(0);
            let name = item
                .trim_start_matches("type ")
                .split([' ', ':'])
                .next()
                .unwrap_or(item)
                .to_owned();
            names.push((name, at + item_start..at + item_start + item.len()));
        }
        pos += piece.len() + 1;
    }
    let insert_at = names.last().map(|(_, r)| r.end)?;
    Some(Import {
        span: 0..0,
        module,
        names,
        insert_at,
    })
}

/// The workspace file an import's module names, seen from the test file at `from`.
fn resolve(
    db: &RootDatabase,
    workspace: Workspace,
    language: Language,
    from: &Path,
    module: &str,
) -> Option<SourceFile> {
    let files = workspace.files(db);
    if language == Language::Python {
        if module.starts_with('.') {
            let dots = module.len() - module.trim_start_matches('.').len();
            let mut dir = from.parent()?.to_owned();
            for _ in 1..dots {
                dir = dir.parent()?.to_owned();
            }
            let rel = module.trim_start_matches('.').replace('.', "/");
            let candidates = [
                dir.join(format!("{rel}.py")),
                dir.join(&rel).join("__init__.py"),
            ];
            return files
                .iter()
                .find(|f| candidates.iter().any(|c| **f.path(db) == **c))
                .copied();
        }
        return files
            .iter()
            .find(|f| f.language(db) == Language::Python && &**f.module(db) == module)
            .copied();
    }
    if !(module.starts_with("./") || module.starts_with("../")) {
        return None;
    }
    let base = crate::generate::normalize(&from.parent()?.join(module));
    let stem = base.with_extension("");
    let mut candidates: Vec<PathBuf> = vec![base.clone()];
    for ext in ["ts", "tsx", "js", "mjs", "cjs", "jsx"] {
        candidates.push(PathBuf::from(format!("{}.{ext}", base.display())));
        candidates.push(stem.with_extension(ext));
        candidates.push(base.join(format!("index.{ext}")));
    }
    files
        .iter()
        .find(|f| f.language(db).is_js_family() && candidates.iter().any(|c| **f.path(db) == **c))
        .copied()
}

/// Whether `file` defines `name` at its top level, or passes it on (a re-export, an import of
/// it, an assignment): then an import of it from there still resolves.
fn provides(db: &RootDatabase, file: SourceFile, name: &str) -> bool {
    let model = db::file_model(db, file);
    if model
        .functions
        .iter()
        .any(|f| f.name == name && f.qualified_name == name)
    {
        return true;
    }
    let text = file.text(db).to_string();
    text.lines().any(|l| {
        let l = l.trim_start();
        let binds = l.starts_with("from ")
            || l.starts_with("import ")
            || l.starts_with("export ")
            || l.starts_with(&format!("{name} ="))
            || l.starts_with(&format!("{name}="))
            || l.starts_with("class ")
            || l.starts_with("const ")
            || l.starts_with("let ")
            || l.starts_with("var ");
        binds && crate::generate::has_word(l, name)
    })
}

/// The one module (not a test file) that defines `name` at its top level now.
fn defined_in(
    db: &RootDatabase,
    workspace: Workspace,
    language: Language,
    name: &str,
) -> Option<SourceFile> {
    let mut found = workspace.files(db).iter().copied().filter(|f| {
        let fl = f.language(db);
        let same = fl == language || (fl.is_js_family() && language.is_js_family());
        if !same || crate::generate::is_test_path(fl, f.path(db)) {
            return false;
        }
        let model = db::file_model(db, *f);
        model.functions.iter().any(|g| {
            g.name == name
                && g.qualified_name == name
                && (!fl.is_js_family()
                    || crate::generate::is_exported(&f.text(db).to_string(), name, g.range))
        })
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// How the test file names `to`'s module in an import, in the style of `old` (`./pricing`,
/// `../src/cart.js`, `shop.cart`).
fn module_name(
    db: &RootDatabase,
    language: Language,
    test: &Path,
    to: SourceFile,
    old: &str,
) -> Option<String> {
    if language == Language::Python {
        let module = to.module(db).to_string();
        return (!module.is_empty()).then_some(module);
    }
    let dir = test.parent()?;
    let rel = crate::generate::relative_path(dir, to.path(db));
    let old_has_ext = Path::new(old)
        .extension()
        .is_some_and(|e| ["js", "ts", "mjs", "cjs", "jsx", "tsx"].contains(&&*e.to_string_lossy()));
    if old_has_ext {
        // Keep the written extension (`./x.js` for a TypeScript `x.ts` under NodeNext).
        let written = Path::new(old).extension()?.to_string_lossy().into_owned();
        return Some(format!("{}.{written}", strip_ext(&rel)));
    }
    Some(strip_ext(&rel).to_owned())
}

fn strip_ext(spec: &str) -> &str {
    match spec.rsplit_once('.') {
        Some((stem, ext))
            if ["ts", "tsx", "js", "mjs", "cjs", "jsx"].contains(&ext) && !stem.ends_with('.') =>
        {
            stem
        }
        _ => spec,
    }
}

/// `text` with `name` imported from `module` instead of from `old` (its import statement).
pub(super) fn rewrite(
    language: Language,
    text: &str,
    old: &Import,
    name: &str,
    module: &str,
) -> String {
    let Some(idx) = old.names.iter().position(|(n, _)| n == name) else {
        return text.to_owned();
    };
    let item = text[old.names[idx].1.clone()].to_owned();
    let existing = imports(language, text)
        .into_iter()
        .find(|i| i.module == module && i.span != old.span);
    // Edits from the end of the text backwards, so earlier offsets stay valid.
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    if old.names.len() == 1 {
        let replacement = match &existing {
            Some(_) => String::new(),
            None => new_statement(language, text, old, &item, module),
        };
        edits.push((old.span.clone(), replacement));
    } else {
        // The item and the comma that joins it to its neighbour.
        let r = old.names[idx].1.clone();
        let removal = if idx + 1 < old.names.len() {
            r.start..old.names[idx + 1].1.start
        } else {
            old.names[idx - 1].1.end..r.end
        };
        edits.push((removal, String::new()));
        if existing.is_none() {
            let line = new_statement(language, text, old, &item, module);
            edits.push((old.span.end..old.span.end, line));
        }
    }
    if let Some(e) = existing {
        edits.push((e.insert_at..e.insert_at, format!(", {item}")));
    }
    edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = text.to_owned();
    for (r, new) in edits {
        out.replace_range(r, &new);
    }
    out
}

/// A statement importing `item` from `module`, shaped like `old`.
fn new_statement(language: Language, text: &str, old: &Import, item: &str, module: &str) -> String {
    let stmt = &text[old.span.clone()];
    let newline = if stmt.ends_with('\n') { "\n" } else { "" };
    match language {
        Language::Python => format!("from {module} import {item}{newline}"),
        _ => {
            let quote = if stmt.contains('\'') && !stmt.contains('"') {
                '\''
            } else {
                '"'
            };
            let semi = if stmt.trim_end().ends_with(';') {
                ";"
            } else {
                ""
            };
            if stmt.contains("require(") {
                let kw = stmt.split_whitespace().next().unwrap_or("const");
                format!("{kw} {{ {item} }} = require({quote}{module}{quote}){semi}{newline}")
            } else {
                let type_only = if stmt.trim_start().starts_with("import type ") {
                    "type "
                } else {
                    ""
                };
                format!("import {type_only}{{ {item} }} from {quote}{module}{quote}{semi}{newline}")
            }
        }
    }
}

/// One edit turning `old` into `new`: the differing middle.
pub(super) fn minimal_edit(old: &str, new: &str) -> (TextRange, String) {
    let prefix = old
        .char_indices()
        .zip(new.chars())
        .take_while(|((_, a), b)| a == b)
        .last()
        .map_or(0, |((i, a), _)| i + a.len_utf8());
    let (o, n) = (&old[prefix..], &new[prefix..]);
    let suffix = o
        .chars()
        .rev()
        .zip(n.chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>()
        .min(o.len())
        .min(n.len());
    (
        TextRange::new(prefix as TextSize, (old.len() - suffix) as TextSize),
        n[..n.len() - suffix].to_owned(),
    )
}

/// Where the test file imports `name` from a module that no longer provides it, and the module
/// that does now: the statement, and the new module as the file would write it.
pub(super) fn moved_import(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    text: &str,
    name: &str,
    now_in: Option<SourceFile>,
) -> Option<(Import, String)> {
    let language = file.language(db);
    if !(language == Language::Python || language.is_js_family()) {
        return None;
    }
    let path = file.path(db).clone();
    let import = imports(language, text)
        .into_iter()
        .find(|i| i.names.iter().any(|(n, _)| n == name))?;
    let old_file = resolve(db, workspace, language, &path, &import.module)?;
    if provides(db, old_file, name) {
        return None;
    }
    let now = match now_in {
        Some(f) => f,
        None => defined_in(db, workspace, language, name)?,
    };
    if now == old_file {
        return None;
    }
    let module = module_name(db, language, &path, now, &import.module)?;
    Some((import, module))
}

pub(super) fn assists(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    range: TextRange,
) -> Vec<Assist> {
    let language = file.language(db);
    if language == Language::Rust {
        return rust_assists(db, workspace, file, range);
    }
    if language == Language::Go {
        return go_assists(db, workspace, file, range);
    }
    if !(language == Language::Python || language.is_js_family()) {
        return Vec::new();
    }
    let model = db::file_model(db, file);
    let touching = |r: TextRange| r.start <= range.end && range.start <= r.end;
    let text = file.text(db).to_string();
    let mut names: Vec<(String, TextRange)> = Vec::new();
    for test in model.tests.iter().filter(|t| touching(t.range)) {
        for call in test.calls.iter().filter(|c| touching(c.range)) {
            if !names.iter().any(|(n, _)| *n == call.name) {
                names.push((call.name.clone(), call.range));
            }
        }
    }
    // On the import statement itself: each name it binds.
    for import in imports(language, &text) {
        let span = TextRange::new(import.span.start as TextSize, import.span.end as TextSize);
        if touching(span) {
            for (n, r) in &import.names {
                if !names.iter().any(|(m, _)| m == n) {
                    names.push((
                        n.clone(),
                        TextRange::new(r.start as TextSize, r.end as TextSize),
                    ));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (name, at) in names {
        let Some((import, module)) = moved_import(db, workspace, file, &text, &name, None) else {
            continue;
        };
        let healed = rewrite(language, &text, &import, &name, &module);
        if healed == text {
            continue;
        }
        out.push(Assist {
            title: format!(
                "Import `{name}` from `{module}` (moved from `{}`)",
                import.module
            ),
            kind: AssistKind::QuickFix,
            fixes: Some((DiagnosticCode::BrokenTest, at)),
            edits: vec![FileEdit {
                path: file.path(db).clone(),
                create: false,
                edits: vec![minimal_edit(&text, &healed)],
            }],
            command: None,
            preferred: true,
            disabled: None,
        });
    }
    out
}

/// Rust: a test calls a function its file neither defines nor imports any more, and one other
/// module of the crate defines it now. In a `#[cfg(test)] mod tests` of the file, a `use
/// crate::<module>::f;` is added after the module's `use super::*;`; in an integration test of
/// `tests/`, the name leaves the file's `use <crate>::{…}` and gets its own `use
/// <crate>::<module>::f;`.
fn rust_assists(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    range: TextRange,
) -> Vec<Assist> {
    let model = db::file_model(db, file);
    let touching = |r: TextRange| r.start <= range.end && range.start <= r.end;
    let text = file.text(db).to_string();
    let path = file.path(db).clone();
    let integration = path
        .parent()
        .is_some_and(|d| d.file_name().is_some_and(|n| n == "tests"));
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for test in model.tests.iter().filter(|t| touching(t.range)) {
        for call in test.calls.iter().filter(|c| touching(c.range)) {
            let name = &call.name;
            if seen.contains(name) || text.contains(&format!("::{name}(")) {
                continue;
            }
            seen.push(name.clone());
            // Still in scope: defined in the file, or imported by one of its `use` lines.
            let defined_here = model
                .functions
                .iter()
                .any(|f| f.name == *name && f.qualified_name == *name);
            let imported = text.lines().any(|l| {
                let l = l.trim_start();
                (l.starts_with("use ") || l.starts_with("pub use "))
                    && crate::generate::has_word(l, name)
            });
            let Some(now) = rust_defined_in(db, workspace, &path, name) else {
                continue;
            };
            let Some(module) = rust_module_path(db, &path, now) else {
                continue;
            };
            let healed = if integration {
                let Some((line_range, crate_name)) = rust_use_of(&text, name) else {
                    continue;
                };
                if module.is_empty() || rust_root_reexports(db, workspace, &path, name) {
                    continue;
                }
                let line = &text[line_range.clone()];
                let Some(without) = remove_use_item(line, name) else {
                    continue;
                };
                let added = format!("use {crate_name}::{module}::{name};\n");
                let mut t = text.clone();
                t.replace_range(line_range, &format!("{without}{added}"));
                t
            } else {
                if defined_here || imported || module.is_empty() {
                    continue;
                }
                let Some(at) = rust_test_module_use(&text, test.range) else {
                    continue;
                };
                let indent = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
                let indent: String = indent.chars().take_while(|c| c.is_whitespace()).collect();
                let line_end = at + text[at..].find('\n').map_or(text.len() - at, |i| i + 1);
                let mut t = text.clone();
                t.insert_str(line_end, &format!("{indent}use crate::{module}::{name};\n"));
                t
            };
            if healed == text {
                continue;
            }
            out.push(Assist {
                title: format!("Import `{name}` from `crate::{module}` (moved)"),
                kind: AssistKind::QuickFix,
                fixes: Some((DiagnosticCode::BrokenTest, call.range)),
                edits: vec![FileEdit {
                    path: path.clone(),
                    create: false,
                    edits: vec![minimal_edit(&text, &healed)],
                }],
                command: None,
                preferred: true,
                disabled: None,
            });
        }
    }
    out
}

/// Go: a test calls a function its package no longer defines, and one other package of the
/// module defines it now (exported). Every unqualified call of it in the file gets the package's
/// name (`Total(` → `totals.Total(`), and the package's import path (from `go.mod`) is added.
fn go_assists(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    range: TextRange,
) -> Vec<Assist> {
    let model = db::file_model(db, file);
    if model.has_syntax_errors {
        return Vec::new();
    }
    let touching = |r: TextRange| r.start <= range.end && range.start <= r.end;
    let text = file.text(db).to_string();
    let path = file.path(db).clone();
    let Some(dir) = path.parent() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for test in model.tests.iter().filter(|t| touching(t.range)) {
        for call in test.calls.iter().filter(|c| touching(c.range)) {
            let name = &call.name;
            let unqualified = !text[..call.range.start as usize].ends_with('.');
            if !unqualified || seen.contains(name) || !name.starts_with(|c: char| c.is_uppercase())
            {
                continue;
            }
            seen.push(name.clone());
            let Some((package, import_path)) = go_moved_to(db, workspace, dir, name) else {
                continue;
            };
            let mut edits: Vec<(TextRange, String)> = go_unqualified_calls(&model, &text, name)
                .into_iter()
                .map(|at| (TextRange::new(at, at), format!("{package}.")))
                .collect();
            edits.extend(crate::generate::go_import_edits(
                &text,
                &[format!("\"{import_path}\"")],
            ));
            edits.sort_by_key(|(r, _)| r.start);
            out.push(Assist {
                title: format!("Call `{package}.{name}` (moved to package `{import_path}`)"),
                kind: AssistKind::QuickFix,
                fixes: Some((DiagnosticCode::BrokenTest, call.range)),
                edits: vec![FileEdit {
                    path: path.clone(),
                    create: false,
                    edits,
                }],
                command: None,
                preferred: true,
                disabled: None,
            });
        }
    }
    out
}

/// Where `name` went, if the package in `dir` no longer defines it: the package name and import
/// path of the one other package of the module that defines it at its top level.
fn go_moved_to(
    db: &RootDatabase,
    workspace: Workspace,
    dir: &Path,
    name: &str,
) -> Option<(String, String)> {
    let mut found: Option<(String, String)> = None;
    for f in workspace.files(db).iter() {
        if f.language(db) != Language::Go {
            continue;
        }
        let fpath = f.path(db).clone();
        let defines = db::file_model(db, *f)
            .functions
            .iter()
            .any(|g| g.name == name && g.qualified_name == name);
        if !defines {
            continue;
        }
        if fpath.parent() == Some(dir) {
            // Still defined in the test's own package (a test helper included).
            return None;
        }
        if crate::generate::is_test_path(Language::Go, &fpath) {
            continue;
        }
        let import_path = f.context(db).go_import_path.clone()?;
        let text = f.text(db).to_string();
        let package = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("package "))?
            .split_whitespace()
            .next()?
            .to_owned();
        match &found {
            Some((_, p)) if *p != import_path => return None,
            _ => found = Some((package, import_path)),
        }
    }
    found
}

/// The offsets of every call of `name` in the file that no package or value qualifies.
fn go_unqualified_calls(model: &syntax::FileModel, text: &str, name: &str) -> Vec<TextSize> {
    let mut at: Vec<TextSize> = model
        .tests
        .iter()
        .flat_map(|t| &t.calls)
        .chain(model.functions.iter().flat_map(|f| &f.calls))
        .filter(|c| c.name == name && !text[..c.range.start as usize].ends_with('.'))
        .map(|c| c.range.start)
        .collect();
    at.sort();
    at.dedup();
    at
}

/// The one non-test file of the crate (the same `src/`) that defines `name` at its top level.
fn rust_defined_in(
    db: &RootDatabase,
    workspace: Workspace,
    test: &Path,
    name: &str,
) -> Option<SourceFile> {
    let src = rust_src_dir(test)?;
    let mut found = workspace.files(db).iter().copied().filter(|f| {
        let p = f.path(db);
        f.language(db) == Language::Rust
            && p.starts_with(&src)
            && **p != *test
            && db::file_model(db, *f)
                .functions
                .iter()
                .any(|g| g.name == name && g.qualified_name == name)
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// Whether the crate's `lib.rs` re-exports `name` (`pub use m::name;`, `pub use m::*;`), so that
/// `use <crate>::name` still resolves.
fn rust_root_reexports(db: &RootDatabase, workspace: Workspace, test: &Path, name: &str) -> bool {
    let Some(lib) = rust_src_dir(test).map(|s| s.join("lib.rs")) else {
        return false;
    };
    workspace
        .files(db)
        .iter()
        .find(|f| **f.path(db) == *lib)
        .is_some_and(|f| {
            f.text(db).to_string().lines().any(|l| {
                let l = l.trim();
                l.starts_with("pub use ")
                    && (l.ends_with("::*;") || crate::generate::has_word(l, name))
            })
        })
}

/// The crate's `src/` directory for a file in it or in its `tests/`.
fn rust_src_dir(path: &Path) -> Option<PathBuf> {
    for dir in path.ancestors().skip(1) {
        if dir.file_name().is_some_and(|n| n == "src") {
            return Some(dir.to_owned());
        }
        if dir.file_name().is_some_and(|n| n == "tests") {
            return Some(dir.parent()?.join("src"));
        }
    }
    None
}

/// The module path of `file` in its crate (`pricing`, `shop::money`; empty for the root).
fn rust_module_path(db: &RootDatabase, test: &Path, file: SourceFile) -> Option<String> {
    let src = rust_src_dir(test)?;
    let rel = file.path(db).strip_prefix(&src).ok()?.with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts.as_slice() == ["lib"] || parts.as_slice() == ["main"] {
        return Some(String::new());
    }
    Some(parts.join("::"))
}

/// The `use <crate>::…` line (with its line break) of an integration test that imports `name`,
/// and the crate's name.
fn rust_use_of(text: &str, name: &str) -> Option<(std::ops::Range<usize>, String)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("use ")
            && crate::generate::has_word(t, name)
        {
            let first: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !["std", "core", "alloc", "crate", "self", "super"].contains(&first.as_str()) {
                return Some((offset..offset + line.len(), first));
            }
        }
        offset += line.len();
    }
    None
}

/// A `use` line without `name`: `use shop::{a, name, b};` → `use shop::{a, b};`; empty where
/// `name` was all it imported.
fn remove_use_item(line: &str, name: &str) -> Option<String> {
    let t = line.trim_end();
    if let (Some(open), Some(close)) = (t.find('{'), t.rfind('}')) {
        let items: Vec<&str> = t[open + 1..close]
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .collect();
        let kept: Vec<&str> = items.iter().copied().filter(|i| *i != name).collect();
        if kept.len() == items.len() {
            return None;
        }
        if kept.is_empty() {
            return Some(String::new());
        }
        let nl = &line[t.len()..];
        return Some(format!(
            "{}{}{}{nl}",
            &t[..open + 1],
            kept.join(", "),
            &t[close..]
        ));
    }
    t.ends_with(&format!("::{name};")).then(String::new)
}

/// Where a `use crate::…` goes for the test at `test`: the `use super::*;` of the module around it.
fn rust_test_module_use(text: &str, test: TextRange) -> Option<usize> {
    let before = &text[..test.start as usize];
    let module = before.rfind("mod ")?;
    let after = &text[module..test.start as usize];
    after.find("use super::*;").map(|i| module + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_imports_with_several_names_and_parentheses() {
        let text = "import os\nfrom shop.pricing import halvings, line_total as lt\nfrom shop.cart import (\n    Cart,\n    parse_item,\n)\n";
        let found = imports(Language::Python, text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].module, "shop.pricing");
        let names: Vec<&str> = found[0].names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["halvings", "line_total"]);
        assert_eq!(&text[found[0].names[1].1.clone()], "line_total as lt");
        assert_eq!(found[1].module, "shop.cart");
        assert_eq!(
            &text[found[1].span.clone()],
            "from shop.cart import (\n    Cart,\n    parse_item,\n)\n"
        );
    }

    #[test]
    fn python_rewrite_moves_the_name_to_an_existing_import_or_a_new_line() {
        let text = "from shop.pricing import halvings, line_total\nfrom shop.cart import Cart\n\n\ndef test_x():\n    assert line_total(1, 2) == 2\n";
        let old = &imports(Language::Python, text)[0];
        assert_eq!(
            rewrite(Language::Python, text, old, "line_total", "shop.cart"),
            "from shop.pricing import halvings\nfrom shop.cart import Cart, line_total\n\n\ndef test_x():\n    assert line_total(1, 2) == 2\n"
        );
        assert_eq!(
            rewrite(Language::Python, text, old, "halvings", "shop.maths"),
            "from shop.pricing import line_total\nfrom shop.maths import halvings\nfrom shop.cart import Cart\n\n\ndef test_x():\n    assert line_total(1, 2) == 2\n"
        );
        let single = "from shop.pricing import line_total\n\nx = 1\n";
        let old = &imports(Language::Python, single)[0];
        assert_eq!(
            rewrite(Language::Python, single, old, "line_total", "shop.cart"),
            "from shop.cart import line_total\n\nx = 1\n"
        );
    }

    #[test]
    fn javascript_rewrite_keeps_the_statement_style() {
        let text = "import { describe, expect, test } from \"vitest\";\nimport { halvings, lineTotal, type Item } from \"./pricing\";\n";
        let old = imports(Language::TypeScript, text)
            .into_iter()
            .find(|i| i.module == "./pricing")
            .unwrap();
        assert_eq!(
            rewrite(Language::TypeScript, text, &old, "lineTotal", "./cart"),
            "import { describe, expect, test } from \"vitest\";\nimport { halvings, type Item } from \"./pricing\";\nimport { lineTotal } from \"./cart\";\n"
        );
        let cjs = "const {\n  lineTotal,\n} = require(\"../src/pricing\");\n";
        let old = &imports(Language::JavaScript, cjs)[0];
        assert_eq!(old.module, "../src/pricing");
        assert_eq!(
            rewrite(Language::JavaScript, cjs, old, "lineTotal", "../src/cart"),
            "const { lineTotal } = require(\"../src/cart\");\n"
        );
    }

    #[test]
    fn rust_use_lines_lose_the_moved_name() {
        assert_eq!(
            remove_use_item("use shop::{halvings, line_total, Tier};\n", "line_total").as_deref(),
            Some("use shop::{halvings, Tier};\n")
        );
        assert_eq!(
            remove_use_item("use shop::{line_total};\n", "line_total").as_deref(),
            Some("")
        );
        assert_eq!(
            remove_use_item("use shop::line_total;\n", "line_total").as_deref(),
            Some("")
        );
        assert_eq!(
            remove_use_item("use shop::{halvings};\n", "line_total"),
            None
        );
    }

    #[test]
    fn minimal_edit_replaces_only_the_middle() {
        let (r, s) = minimal_edit("from a import x\n", "from b import x\n");
        assert_eq!((r.start, r.end, s.as_str()), (5, 6, "b"));
        let (r, s) = minimal_edit("aé", "aé!");
        assert_eq!((r.start, r.end, s.as_str()), (3, 3, "!"));
    }
}
