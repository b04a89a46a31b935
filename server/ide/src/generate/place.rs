//! Which framework a project tests with, where it keeps the tests of a module, and a test name
//! that is not taken.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use db::{RootDatabase, SourceFile, Workspace};
use syntax::{Framework, Language};

use super::{Refusal, TestFile};

/// Test files by the conventions of each language's runners.
pub(crate) fn is_test_file(language: Language, path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let in_dir = |d: &str| path.components().any(|c| c.as_os_str() == d);
    match language {
        Language::Python => {
            name.starts_with("test_") || name.ends_with("_test.py") || name == "conftest.py"
        }
        Language::Go => name.ends_with("_test.go"),
        Language::Rust => in_dir("tests") || in_dir("benches"),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            name.contains(".test.") || name.contains(".spec.") || in_dir("__tests__")
        }
    }
}

/// The framework the project's own tests use.
pub(crate) fn detect_framework(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
) -> Result<Framework, Refusal> {
    let language = file.language(db);
    match language {
        Language::Go => return Ok(Framework::GoTest),
        Language::Rust => return Ok(Framework::RustTest),
        _ => {}
    }
    if language.is_js_family()
        && let Some(f) = file.context(db).js_framework
        && matches!(f, Framework::Vitest | Framework::Jest)
    {
        return Ok(f);
    }
    // The tests of the module first (a file of unittest classes gets a unittest class), then
    // the whole workspace.
    let existing = existing_test_file(db, workspace, file);
    let mut seen: Vec<Framework> = Vec::new();
    let mut has_conftest = false;
    let files: Vec<SourceFile> = existing
        .into_iter()
        .chain(workspace.files(db).iter().copied())
        .collect();
    for (n, f) in files.iter().enumerate() {
        let same = f.language(db) == language
            || (f.language(db).is_js_family() && language.is_js_family());
        if !same {
            continue;
        }
        if f.path(db).file_name().is_some_and(|n| n == "conftest.py") {
            has_conftest = true;
        }
        let model = db::file_model(db, *f);
        let frameworks: HashSet<Framework> = model.tests.iter().map(|t| t.framework).collect();
        let pick = match language {
            Language::Python => {
                if frameworks.contains(&Framework::Pytest) {
                    Some(Framework::Pytest)
                } else if frameworks.contains(&Framework::Unittest) {
                    Some(Framework::Unittest)
                } else {
                    None
                }
            }
            _ => [Framework::Vitest, Framework::Jest, Framework::NodeTest]
                .into_iter()
                .find(|f| frameworks.contains(f)),
        };
        if let Some(p) = pick {
            if n == 0 && files.len() > workspace.files(db).len() {
                // The module's own test file decides.
                return Ok(p);
            }
            seen.push(p);
        }
    }
    if language == Language::Python {
        if seen.contains(&Framework::Pytest) || has_conftest {
            return Ok(Framework::Pytest);
        }
        if seen.contains(&Framework::Unittest) {
            return Ok(Framework::Unittest);
        }
        return Err(Refusal::NoFramework(vec![
            Framework::Pytest,
            Framework::Unittest,
        ]));
    }
    if let Some(f) = seen.first() {
        return Ok(*f);
    }
    Err(Refusal::NoFramework(vec![
        Framework::Vitest,
        Framework::Jest,
        Framework::NodeTest,
    ]))
}

fn stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.split('.').next().unwrap_or("").to_owned()
}

/// The existing test file for the module of `file`, if the project has one.
pub(crate) fn existing_test_file(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
) -> Option<SourceFile> {
    let language = file.language(db);
    let path = file.path(db).clone();
    let stem = stem(&path);
    let module = file.module(db).to_string();
    let mut best: Option<(u8, SourceFile)> = None;
    for f in workspace.files(db).iter() {
        let fl = f.language(db);
        let fpath = f.path(db);
        if *fpath == path {
            continue;
        }
        let rank = match language {
            Language::Python if fl == Language::Python && is_test_file(fl, fpath) => {
                let named = fpath
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy() == format!("test_{stem}.py"));
                let text = f.text(db).to_string();
                let imports = !module.is_empty()
                    && (text.contains(&format!("from {module} import"))
                        || text.contains(&format!("import {module}\n")));
                match (named, imports) {
                    (true, true) => 3,
                    (false, true) => 2,
                    (true, false) => 1,
                    _ => 0,
                }
            }
            Language::Go if fl == Language::Go => {
                let wanted = path.with_file_name(format!("{stem}_test.go"));
                u8::from(**fpath == *wanted) * 3
            }
            l if l.is_js_family() && fl.is_js_family() && is_test_file(fl, fpath) => {
                let named = stem_of_test(fpath) == stem;
                let imports = imports_source(&f.text(db).to_string(), fpath, &path);
                match (named, imports) {
                    (true, true) => 3,
                    (false, true) => 2,
                    // A same-named test file that imports something else is another module's.
                    _ => 0,
                }
            }
            _ => 0,
        };
        if rank > 0 && best.is_none_or(|(r, _)| rank > r) {
            best = Some((rank, *f));
        }
    }
    best.map(|(_, f)| f)
}

/// `cart` for `cart.test.ts` and `__tests__/cart.test.js`.
fn stem_of_test(path: &Path) -> String {
    stem(path)
}

/// Whether the JavaScript text of the file at `test` imports `source` by a relative specifier.
pub(crate) fn imports_source(text: &str, test: &Path, source: &Path) -> bool {
    let Some(dir) = test.parent() else {
        return false;
    };
    let wanted = source.with_extension("");
    for quote in ['"', '\''] {
        for piece in text.split(quote).skip(1).step_by(2) {
            if !(piece.starts_with("./") || piece.starts_with("../")) {
                continue;
            }
            let resolved = normalize(&dir.join(piece));
            let resolved = match resolved.extension().and_then(|e| e.to_str()) {
                Some("js" | "ts" | "mjs" | "cjs" | "tsx" | "jsx") => resolved.with_extension(""),
                _ => resolved,
            };
            if resolved == wanted {
                return true;
            }
        }
    }
    false
}

/// `path` with its `.` and `..` components resolved, without touching the disk.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Where the test goes: the module's existing test file, else a new one where the project keeps
/// its tests (a `tests/` directory, a `__tests__/` directory), else beside the module.
pub(crate) fn test_file(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    framework: Framework,
) -> TestFile {
    let language = file.language(db);
    let path = file.path(db).clone();
    if language == Language::Rust {
        return TestFile {
            path: path.clone(),
            exists: true,
            text: file.text(db).to_string(),
        };
    }
    if let Some(existing) = existing_test_file(db, workspace, file) {
        // A JavaScript test file of another runner (a Jest file when generating for node:test)
        // is not one to append to.
        let model = db::file_model(db, existing);
        let other_runner = language.is_js_family()
            && model
                .tests
                .iter()
                .any(|t| t.framework != framework && t.framework != Framework::JsGlobals);
        if !other_runner {
            return TestFile {
                path: existing.path(db).clone(),
                exists: true,
                text: existing.text(db).to_string(),
            };
        }
    }
    let stem = stem(&path);
    let dir = path.parent().unwrap_or(Path::new("/")).to_owned();
    let new_path: PathBuf = match language {
        Language::Python => {
            let name = format!("test_{stem}.py");
            match nearest_dir_named(db, workspace, &path, "tests", Language::Python) {
                Some(tests) => tests.join(name),
                None => dir.join(name),
            }
        }
        Language::Go => dir.join(format!("{stem}_test.go")),
        _ => {
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_else(|| "js".to_owned());
            let name = format!("{stem}.test.{ext}");
            match nearest_dir_named(db, workspace, &path, "__tests__", language) {
                Some(tests) => tests.join(name),
                None => dir.join(name),
            }
        }
    };
    // The file may exist without being modelled (an unknown language id, say): it is then
    // neither created nor appended to blindly.
    let known = workspace
        .files(db)
        .iter()
        .find(|f| **f.path(db) == *new_path)
        .copied();
    match known {
        Some(f) => TestFile {
            path: f.path(db).clone(),
            exists: true,
            text: f.text(db).to_string(),
        },
        None => TestFile {
            path: Arc::from(new_path.as_path()),
            exists: false,
            text: String::new(),
        },
    }
}

/// Go: an unexported function cannot be called from an external test package (`package
/// shop_test`), so when the module's test file is one, its test goes to
/// `<file>_internal_test.go`, in the package itself.
pub(crate) fn go_internal_target(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    target: TestFile,
    function: &str,
) -> TestFile {
    let external = target.exists
        && target
            .text
            .lines()
            .find_map(|l| l.trim().strip_prefix("package "))
            .is_some_and(|p| p.trim().ends_with("_test"));
    if !external || function.starts_with(char::is_uppercase) {
        return target;
    }
    let path = file.path(db);
    let internal = path.with_file_name(format!("{}_internal_test.go", stem(path)));
    match workspace
        .files(db)
        .iter()
        .find(|f| **f.path(db) == *internal)
    {
        Some(f) => TestFile {
            path: f.path(db).clone(),
            exists: true,
            text: f.text(db).to_string(),
        },
        None => TestFile {
            path: Arc::from(internal.as_path()),
            exists: false,
            text: String::new(),
        },
    }
}

/// The directory called `name` holding test files of `language` whose parent is the deepest
/// ancestor of `source`.
fn nearest_dir_named(
    db: &RootDatabase,
    workspace: Workspace,
    source: &Path,
    name: &str,
    language: Language,
) -> Option<PathBuf> {
    let mut best: Option<PathBuf> = None;
    for f in workspace.files(db).iter() {
        let fl = f.language(db);
        if !(fl == language || (fl.is_js_family() && language.is_js_family())) {
            continue;
        }
        let fpath = f.path(db);
        if !is_test_file(fl, fpath) {
            continue;
        }
        // The directory named `name` on the test file's path.
        let mut dir = fpath.parent();
        while let Some(d) = dir {
            if d.file_name().is_some_and(|n| n == name) {
                let base = d.parent().unwrap_or(Path::new("/"));
                if source.starts_with(base)
                    && best
                        .as_ref()
                        .is_none_or(|b| b.as_os_str().len() < d.as_os_str().len())
                {
                    best = Some(d.to_owned());
                }
                break;
            }
            dir = d.parent();
        }
    }
    best
}

/// A name for the test that nothing in the target (or, for Go, the package) already uses:
/// `test_f`, `test_f_2`, ...; for JavaScript a title `f`, `f (2)`.
pub(crate) fn unique_name(
    db: &RootDatabase,
    workspace: Workspace,
    language: Language,
    framework: Framework,
    target: &TestFile,
    function: &str,
) -> String {
    let mut taken: HashSet<String> = HashSet::new();
    let scope: Vec<SourceFile> = workspace
        .files(db)
        .iter()
        .copied()
        .filter(|f| {
            let p = f.path(db);
            if language == Language::Go {
                p.parent() == target.path.parent() && f.language(db) == Language::Go
            } else {
                **p == *target.path
            }
        })
        .collect();
    for f in scope {
        let model = db::file_model(db, f);
        taken.extend(model.functions.iter().map(|f| f.name.clone()));
        taken.extend(model.suites.iter().map(|s| s.name.clone()));
        taken.extend(model.tests.iter().map(|t| t.name.clone()));
    }
    let base = match (language, framework) {
        (Language::Python, Framework::Unittest) => format!("Test{}", camel(function)),
        (Language::Python, _) => format!("test_{function}"),
        (Language::Go, _) => format!("Test{}", camel(function)),
        (Language::Rust, _) => format!("{function}_examples"),
        _ => function.to_owned(),
    };
    let js = language.is_js_family();
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = if js {
            format!("{base} ({n})")
        } else {
            format!("{base}_{n}")
        };
        n += 1;
    }
    name
}

/// `line_total` → `LineTotal`, `lineTotal` → `LineTotal`.
pub(crate) fn camel(name: &str) -> String {
    name.split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// Rust: the integration test file (in the crate's `tests/` directory) for a public function of
/// a library, where the project tests its public API there, and the path a test there imports
/// the function's module by (`shop`, `shop::pricing`). A file in `tests/` that already imports
/// or calls the function comes first; otherwise, where the source file has no test module of
/// its own, `tests/<file stem>.rs` (`tests/<crate>.rs` for `lib.rs`). `None` keeps the test in
/// the file's `#[cfg(test)] mod tests`: a private function, a binary, a module the crate does
/// not make public, or a crate whose name its integration tests do not show.
pub(crate) fn rust_integration_target(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    function: &str,
    header: &str,
    has_test_module: bool,
) -> Option<(TestFile, String)> {
    let head = header.trim_start();
    let public = [
        "pub fn ",
        "pub const fn ",
        "pub async fn ",
        "pub unsafe fn ",
    ]
    .iter()
    .any(|p| head.starts_with(p));
    if !public {
        return None;
    }
    let path = file.path(db).clone();
    let src = path
        .ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "src"))?;
    let crate_root = src.parent()?;
    let tests_dir = crate_root.join("tests");
    let mut integration: Vec<SourceFile> = workspace
        .files(db)
        .iter()
        .copied()
        .filter(|f| f.language(db) == Language::Rust && f.path(db).parent() == Some(&*tests_dir))
        .collect();
    if integration.is_empty() {
        return None;
    }
    integration.sort_by_key(|f| f.path(db).clone());
    let lib = src.join("lib.rs");
    let lib_text = workspace
        .files(db)
        .iter()
        .find(|f| **f.path(db) == *lib)
        .map(|f| f.text(db).to_string())?;
    let texts: Vec<String> = integration.iter().map(|f| f.text(db).to_string()).collect();
    let crate_name = crate_name_in(&texts)?;
    // The function's module, as the library makes it visible.
    let rel = path.strip_prefix(src).ok()?.with_extension("");
    let mut segments: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if segments.last().is_some_and(|s| s == "mod") {
        segments.pop();
    }
    let use_path = match segments.as_slice() {
        [only] if only == "lib" => crate_name.clone(),
        [module] if reexports(&lib_text, module, function) => crate_name.clone(),
        [module]
            if lib_text
                .lines()
                .any(|l| l.trim() == format!("pub mod {module};")) =>
        {
            format!("{crate_name}::{module}")
        }
        _ => return None,
    };
    let mentions = |text: &str| {
        text.lines().any(|l| {
            let l = l.trim();
            l.starts_with(&format!("use {crate_name}")) && has_word(l, function)
        }) || text.contains(&format!("{use_path}::{function}("))
    };
    let chosen = match integration.iter().zip(&texts).find(|(_, t)| mentions(t)) {
        Some((f, t)) => TestFile {
            path: f.path(db).clone(),
            exists: true,
            text: t.clone(),
        },
        None if has_test_module => return None,
        None => {
            let stem = match segments.as_slice() {
                [only] if only == "lib" => crate_name.clone(),
                _ => segments.join("_"),
            };
            let wanted = tests_dir.join(format!("{stem}.rs"));
            match integration
                .iter()
                .zip(&texts)
                .find(|(f, _)| **f.path(db) == *wanted)
            {
                Some((f, t)) => TestFile {
                    path: f.path(db).clone(),
                    exists: true,
                    text: t.clone(),
                },
                None => TestFile {
                    path: Arc::from(wanted.as_path()),
                    exists: false,
                    text: String::new(),
                },
            }
        }
    };
    Some((chosen, use_path))
}

/// The crate's name as its integration tests write it: the first segment of their `use` paths
/// that is not the standard library's, most often.
fn crate_name_in(texts: &[String]) -> Option<String> {
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for text in texts {
        for line in text.lines() {
            let Some(rest) = line.trim().strip_prefix("use ") else {
                continue;
            };
            let first: String = rest
                .trim_start_matches("::")
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if first.is_empty()
                || ["std", "core", "alloc", "crate", "self", "super"].contains(&first.as_str())
            {
                continue;
            }
            *counts.entry(first).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(name, _)| name)
}

/// Whether `lib.rs` re-exports `function` of `module` at the crate's root.
fn reexports(lib: &str, module: &str, function: &str) -> bool {
    lib.lines().any(|l| {
        let l = l.trim();
        l.starts_with(&format!("pub use {module}::"))
            && (l.ends_with("::*;") || has_word(l, function))
    })
}

/// Whether `word` stands alone in `text` (not part of a longer identifier).
pub(crate) fn has_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(ident)
            && !text[i + word.len()..].chars().next().is_some_and(ident)
    })
}
