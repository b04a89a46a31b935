//! The file system side of a workspace: which files are source files, and their text.
//!
//! The walk respects `.gitignore` (and `.ignore`, `.testlensignore`), skips hidden directories,
//! dependency and build directories (`node_modules`, virtual environments, any directory with a
//! `CACHEDIR.TAG` such as Cargo's `target/`), and only yields files in a language testlens models.
//! Reading refuses files over 4 MiB and binary files, and decodes invalid UTF-8 lossily; each of
//! these is said in a log line, never an error that stops anything.
//!
//! Architecture invariant: nothing here knows about analysis, salsa or editors.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};
use syntax::text::{Unreadable, decode};
use syntax::{Framework, Language};

/// A source file read from disk.
#[derive(Clone, Debug)]
pub struct LoadedFile {
    pub path: PathBuf,
    pub language: Language,
    pub text: String,
    /// The bytes were not valid UTF-8; bad sequences became U+FFFD.
    pub lossy: bool,
}

/// Why a file was not loaded.
#[derive(Debug)]
pub enum LoadError {
    Io(io::Error),
    Unreadable(Unreadable),
    /// Not a language testlens models.
    UnknownLanguage,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io(e) => write!(f, "cannot read: {e}"),
            LoadError::Unreadable(u) => write!(f, "skipped: {u}"),
            LoadError::UnknownLanguage => f.write_str("skipped: not a language testlens models"),
        }
    }
}

/// Reads one source file. Refusals (too large, binary, unknown language) are errors the caller
/// logs and goes on from.
pub fn load(path: &Path) -> Result<LoadedFile, LoadError> {
    let language = Language::from_path(path).ok_or(LoadError::UnknownLanguage)?;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.len() as usize > syntax::text::MAX_FILE_SIZE
    {
        // Refuse before reading 50 MB into memory.
        return Err(LoadError::Unreadable(Unreadable::TooLarge {
            size: meta.len() as usize,
        }));
    }
    let bytes = std::fs::read(path).map_err(LoadError::Io)?;
    let decoded = decode(&bytes).map_err(LoadError::Unreadable)?;
    if decoded.lossy {
        tracing::warn!(path = %path.display(), "invalid UTF-8, decoded lossily");
    }
    Ok(LoadedFile {
        path: path.to_owned(),
        language,
        text: decoded.text,
        lossy: decoded.lossy,
    })
}

/// Directories never walked, whatever the ignore files say.
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".mypy_cache",
    ".git",
];

fn walker(roots: &[PathBuf]) -> Option<WalkBuilder> {
    let (first, rest) = roots.split_first()?;
    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    builder
        .add_custom_ignore_filename(".testlensignore")
        // Respect .gitignore even outside a git repository (a fixture, an unpacked tarball).
        .require_git(false)
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if !is_dir {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            !SKIPPED_DIRS.contains(&name.as_ref()) && !entry.path().join("CACHEDIR.TAG").exists()
        });
    Some(builder)
}

/// Whether a path is in a language testlens models.
pub fn is_source_path(path: &Path) -> bool {
    Language::from_path(path).is_some()
}

/// Whether a path lies in a directory the walk never enters (`node_modules`, a virtualenv...).
pub fn is_skipped_path(path: &Path) -> bool {
    path.components().any(|c| match c {
        Component::Normal(name) => SKIPPED_DIRS.iter().any(|d| name == *d),
        _ => false,
    })
}

/// Files called `name` under `root`, by the same walk rules (ignore files, skipped directories).
pub fn find_files_named(root: &Path, name: &str) -> Vec<PathBuf> {
    let Some(builder) = walker(&[root.to_owned()]) else {
        return Vec::new();
    };
    builder
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()) && e.file_name() == name)
        .map(|e| e.into_path())
        .collect()
}

/// The source files under `roots`, in no particular order. Uses every core.
pub fn walk(roots: &[PathBuf]) -> Vec<PathBuf> {
    let Some(builder) = walker(roots) else {
        return Vec::new();
    };
    let found = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && Language::from_path(entry.path()).is_some() {
                        found
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(entry.into_path());
                    }
                }
                Err(err) => tracing::warn!("walk: {err}"),
            }
            WalkState::Continue
        })
    });
    found.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Walks `roots` and reads every source file, on every core, sending each result as soon as it
/// is read. Returns when the walk is done.
pub fn load_all(
    roots: &[PathBuf],
    sink: crossbeam_channel::Sender<Result<LoadedFile, (PathBuf, LoadError)>>,
) {
    let Some(builder) = walker(roots) else {
        return;
    };
    builder.build_parallel().run(|| {
        let sink = sink.clone();
        Box::new(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    tracing::warn!("walk: {err}");
                    return WalkState::Continue;
                }
            };
            let is_file = entry.file_type().is_some_and(|t| t.is_file());
            if !is_file || Language::from_path(entry.path()).is_none() {
                return WalkState::Continue;
            }
            let result = load(entry.path()).map_err(|e| (entry.path().to_owned(), e));
            if sink.send(result).is_err() {
                return WalkState::Quit;
            }
            WalkState::Continue
        })
    });
}

/// The module a file stands for, in its language's terms, from its path under `root`:
/// `shop/cart.py` → `shop.cart`, `src/pricing/mod.rs` → `pricing`, `tests/api.rs` → `api`,
/// `src/cart.ts` → `src/cart`, `shop/cart.go` → `shop`.
pub fn module_name(root: &Path, path: &Path, language: Language) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or("").to_owned();
    match language {
        Language::Python => {
            if parts.first().is_some_and(|p| p == "src") {
                parts.remove(0);
            }
            if stem != "__init__" {
                parts.push(stem);
            }
            parts.join(".")
        }
        Language::Rust => {
            // The module path inside its crate: after the last `src/`, or the test, bench or
            // example target named by the file under `tests/`, `benches/`, `examples/`.
            let anchor = parts
                .iter()
                .rposition(|p| matches!(p.as_str(), "src" | "tests" | "benches" | "examples"));
            let mut module: Vec<String> = match anchor {
                Some(i) => parts[i + 1..].to_vec(),
                None => parts.clone(),
            };
            if !matches!(stem.as_str(), "lib" | "main" | "mod") {
                module.push(stem);
            }
            module.join("::")
        }
        Language::Go => parts.last().cloned().unwrap_or_default(),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            parts.push(stem);
            parts.join("/")
        }
    }
}

/// Finds the JavaScript test runner a project uses from the nearest `package.json` above a file,
/// remembering what it read.
#[derive(Default)]
pub struct PackageJsonCache {
    by_dir: Mutex<HashMap<PathBuf, Option<Framework>>>,
}

impl PackageJsonCache {
    pub fn framework_for(&self, file: &Path) -> Option<Framework> {
        // Every directory passed on the way up gets the answer too, so each directory is
        // looked at once however many files it holds.
        let mut visited: Vec<&Path> = Vec::new();
        let mut found = None;
        let mut dir = file.parent();
        while let Some(d) = dir {
            if let Some(cached) = self.by_dir.lock().unwrap_or_else(|e| e.into_inner()).get(d) {
                found = *cached;
                break;
            }
            visited.push(d);
            let manifest = d.join("package.json");
            if manifest.is_file() {
                found = std::fs::read_to_string(&manifest)
                    .ok()
                    .and_then(|text| framework_from_package_json(&text));
                break;
            }
            dir = d.parent();
        }
        let mut cache = self.by_dir.lock().unwrap_or_else(|e| e.into_inner());
        for d in visited {
            cache.insert(d.to_owned(), found);
        }
        found
    }

    /// Forgets what was read, after a `package.json` changed.
    pub fn clear(&self) {
        self.by_dir
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// The Go import path of a file's package, from the nearest `go.mod` above it (its `module`
/// line and the directories between), remembering what it read.
#[derive(Default)]
pub struct GoModCache {
    /// For each directory looked at: the module's root and path, if any `go.mod` is above it.
    by_dir: Mutex<HashMap<PathBuf, Option<(PathBuf, String)>>>,
}

impl GoModCache {
    pub fn import_path_for(&self, file: &Path) -> Option<String> {
        let dir = file.parent()?;
        let (root, module) = self.module_of(dir)?;
        let rel: Vec<String> = dir
            .strip_prefix(&root)
            .ok()?
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(if rel.is_empty() {
            module
        } else {
            format!("{module}/{}", rel.join("/"))
        })
    }

    fn module_of(&self, start: &Path) -> Option<(PathBuf, String)> {
        let mut visited: Vec<&Path> = Vec::new();
        let mut found = None;
        let mut dir = Some(start);
        while let Some(d) = dir {
            if let Some(cached) = self.by_dir.lock().unwrap_or_else(|e| e.into_inner()).get(d) {
                found = cached.clone();
                break;
            }
            visited.push(d);
            let manifest = d.join("go.mod");
            if manifest.is_file() {
                found = std::fs::read_to_string(&manifest)
                    .ok()
                    .and_then(|text| go_module_path(&text))
                    .map(|m| (d.to_owned(), m));
                break;
            }
            dir = d.parent();
        }
        let mut cache = self.by_dir.lock().unwrap_or_else(|e| e.into_inner());
        for d in visited {
            cache.insert(d.to_owned(), found.clone());
        }
        found
    }

    /// Forgets what was read, after a `go.mod` changed.
    pub fn clear(&self) {
        self.by_dir
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// The module path a `go.mod` declares (`module example.com/shop`).
pub fn go_module_path(text: &str) -> Option<String> {
    let line = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("module "))?;
    let module = line.split("//").next()?.trim().trim_matches('"');
    (!module.is_empty()).then(|| module.to_owned())
}

/// The test runner a `package.json` depends on. Vitest wins over Jest where both are listed, as a
/// project moving to Vitest keeps Jest around for a while.
pub fn framework_from_package_json(text: &str) -> Option<Framework> {
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    let has = |name: &str| {
        ["dependencies", "devDependencies"]
            .iter()
            .any(|section| json.get(section).and_then(|s| s.get(name)).is_some())
    };
    if has("vitest") {
        Some(Framework::Vitest)
    } else if has("jest") {
        Some(Framework::Jest)
    } else if has("mocha") {
        Some(Framework::Mocha)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_follow_each_language() {
        let root = Path::new("/w");
        let cases = [
            ("/w/shop/cart.py", Language::Python, "shop.cart"),
            ("/w/src/shop/__init__.py", Language::Python, "shop"),
            ("/w/tests/test_cart.py", Language::Python, "tests.test_cart"),
            ("/w/src/lib.rs", Language::Rust, ""),
            ("/w/src/pricing/mod.rs", Language::Rust, "pricing"),
            ("/w/crates/a/src/cart/line.rs", Language::Rust, "cart::line"),
            ("/w/tests/api.rs", Language::Rust, "api"),
            ("/w/shop/cart_test.go", Language::Go, "shop"),
            ("/w/src/cart.test.ts", Language::TypeScript, "src/cart"),
        ];
        for (path, language, want) in cases {
            assert_eq!(module_name(root, Path::new(path), language), want, "{path}");
        }
    }

    #[test]
    fn package_json_names_the_runner() {
        assert_eq!(
            framework_from_package_json(r#"{"devDependencies": {"vitest": "3.2.4"}}"#),
            Some(Framework::Vitest)
        );
        assert_eq!(
            framework_from_package_json(r#"{"devDependencies": {"jest": "30", "ts-jest": "1"}}"#),
            Some(Framework::Jest)
        );
        assert_eq!(framework_from_package_json("{not json"), None);
    }

    #[test]
    fn go_mod_gives_the_import_path_of_each_package_directory() {
        assert_eq!(
            go_module_path("// c\nmodule \"example.com/shop\" // the shop\n\ngo 1.23\n").as_deref(),
            Some("example.com/shop")
        );
        assert_eq!(go_module_path("go 1.23\n"), None);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.mod"), "module example.com/shop\n").unwrap();
        std::fs::create_dir_all(dir.path().join("totals/inner")).unwrap();
        let cache = GoModCache::default();
        assert_eq!(
            cache
                .import_path_for(&dir.path().join("cart.go"))
                .as_deref(),
            Some("example.com/shop")
        );
        assert_eq!(
            cache
                .import_path_for(&dir.path().join("totals/inner/sum.go"))
                .as_deref(),
            Some("example.com/shop/totals/inner")
        );
    }

    #[test]
    fn walk_respects_gitignore_and_skips_dependencies_and_binaries() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |p: &str, bytes: &[u8]| {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        };
        write(".gitignore", b"generated/\n");
        write("src/a.py", b"def a(): pass\n");
        write("src/b.ts", b"export const b = 1;\n");
        write("generated/c.py", b"def c(): pass\n");
        write("node_modules/x/index.js", b"module.exports = 1;\n");
        write(
            "target/CACHEDIR.TAG",
            b"Signature: 8a477f597d28d172789f06886806bc55",
        );
        write("target/debug/build.rs", b"fn main() {}\n");
        write("notes.txt", b"not code");
        let mut found: Vec<String> = walk(&[root.to_owned()])
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        found.sort();
        assert_eq!(found, ["src/a.py", "src/b.ts"]);
    }

    #[test]
    fn load_refuses_binary_and_huge_files_and_repairs_bad_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("blob.py");
        std::fs::write(&bin, b"\x00\x01\x02def").unwrap();
        assert!(matches!(
            load(&bin),
            Err(LoadError::Unreadable(Unreadable::Binary))
        ));

        let big = dir.path().join("big.js");
        std::fs::write(&big, vec![b'a'; 50 * 1024 * 1024]).unwrap();
        assert!(matches!(
            load(&big),
            Err(LoadError::Unreadable(Unreadable::TooLarge { .. }))
        ));

        let bad = dir.path().join("bad.rs");
        std::fs::write(&bad, b"fn f() {}\n// \xff\n").unwrap();
        let loaded = load(&bad).unwrap();
        assert!(loaded.lossy);
        assert!(loaded.text.starts_with("fn f() {}"));

        assert!(matches!(
            load(&dir.path().join("x.java")),
            Err(LoadError::UnknownLanguage)
        ));
        assert!(matches!(
            load(&dir.path().join("missing.py")),
            Err(LoadError::Io(_))
        ));
    }
}
