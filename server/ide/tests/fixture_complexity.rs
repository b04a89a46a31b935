//! Cross-checks the complexity testlens computes against the figures in each fixture's README,
//! which were counted by hand and with each language's own AST (Python `ast`, `go/ast`, the
//! TypeScript compiler API) when the fixtures were written. The README is the expected value:
//! this test reads it and never the other way round.

use std::path::{Path, PathBuf};

use ide::{AnalysisHost, Change, PositionEncoding};

struct Expected {
    function: String,
    file: String,
    line: u32,
    complexity: u32,
}

/// Rows of the form `` | `name` ... | path:line | N | ... ``.
fn expected(readme: &Path) -> Vec<Expected> {
    let text = std::fs::read_to_string(readme).unwrap();
    text.lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let function = cells.get(1)?.split('`').nth(1)?.to_owned();
            let (file, line) = cells.get(2)?.rsplit_once(':')?;
            let line = line.parse().ok()?;
            let complexity = cells.get(3)?.parse().ok()?;
            Some(Expected {
                function,
                file: file.to_owned(),
                line,
                complexity,
            })
        })
        .collect()
}

fn check_fixture(language_dir: &str) {
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(language_dir)
        .canonicalize()
        .unwrap();
    let rows = expected(&root.join("README.md"));
    assert!(
        rows.len() >= 5,
        "{language_dir}: too few rows read from the README"
    );
    let mut host = AnalysisHost::default();
    host.apply(Change::SetRoots(vec![root.clone()]));
    let files: Vec<vfs::LoadedFile> = vfs::walk(std::slice::from_ref(&root))
        .iter()
        .map(|p| vfs::load(p).unwrap())
        .collect();
    host.apply(Change::AddFiles(files));
    let analysis = host.analysis();
    let mut mismatches = Vec::new();
    for row in &rows {
        let file = analysis
            .file_id(&root.join(&row.file))
            .unwrap_or_else(|| panic!("{language_dir}: no file {}", row.file));
        let text = analysis.file_text(file);
        let model = analysis.file_model(file).unwrap();
        let short = row.function.rsplit(['.', ':']).next().unwrap();
        let found = model.functions.iter().find(|f| {
            f.name == short
                && text
                    .line_col(f.name_range.start, PositionEncoding::Utf16)
                    .line
                    + 1
                    == row.line
        });
        match found {
            Some(f) if f.complexity == row.complexity => {}
            Some(f) => mismatches.push(format!(
                "{}:{} `{}`: README says {}, testlens says {}",
                row.file, row.line, row.function, row.complexity, f.complexity
            )),
            None => mismatches.push(format!(
                "{}:{} `{}`: no such function found",
                row.file, row.line, row.function
            )),
        }
    }
    assert!(
        mismatches.is_empty(),
        "{language_dir}:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn python_fixture() {
    check_fixture("python");
}

#[test]
fn rust_fixture() {
    check_fixture("rust");
}

#[test]
fn go_fixture() {
    check_fixture("go");
}

#[test]
fn typescript_fixture() {
    check_fixture("typescript");
}

#[test]
fn javascript_fixture() {
    check_fixture("javascript");
}
