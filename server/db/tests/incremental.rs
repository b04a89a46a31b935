//! Proves that an edit recomputes only what depends on it, by counting query executions (salsa's
//! `WillExecute` events) after edits to one function of a multi-file workspace, and by counting
//! item analyses (the item cache's misses): only the edited function is analysed again.

use std::path::Path;
use std::sync::Arc;

use db::Db as _;
use db::*;
use syntax::{FileContext, Language, LineCol, PositionEncoding, SourceText};

const CART: &str = "\
def total(items):
    return sum(items)


def discount(price, member):
    if member:
        return price * 0.9
    return price
";

const TEST_CART: &str = "\
from shop.cart import total, discount


def test_total():
    assert total([1, 2]) == 3


def test_discount():
    assert discount(10, True) == 9
";

const PRICE_RS: &str = "\
pub fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[test]
fn rounds() {
    assert_eq!(round(1.234), 1.23);
}
";

struct Fixture {
    db: RootDatabase,
    log: ExecutionLog,
    workspace: Workspace,
    files: Vec<SourceFile>,
}

fn file(db: &RootDatabase, path: &str, language: Language, text: &str) -> SourceFile {
    SourceFile::new(
        db,
        Arc::from(Path::new(path)),
        language,
        Arc::from(""),
        SourceText::from(text),
        None,
        FileContext {
            file_name: path.rsplit('/').next().unwrap().to_owned(),
            js_framework: None,
            go_import_path: None,
        },
    )
}

fn fixture() -> Fixture {
    let (mut db, log) = RootDatabase::with_execution_log();
    let files = vec![
        file(&db, "/w/shop/cart.py", Language::Python, CART),
        file(&db, "/w/tests/test_cart.py", Language::Python, TEST_CART),
        file(&db, "/w/src/price.rs", Language::Rust, PRICE_RS),
    ];
    let workspace = Workspace::new(&db, Arc::new(files.clone()));
    // The user has the two Python files open; the Rust file stays closed.
    db.open_file(files[0], SourceText::from(CART));
    db.open_file(files[1], SourceText::from(TEST_CART));
    let fixture = Fixture {
        db,
        log,
        workspace,
        files,
    };
    fixture.compute_everything();
    fixture
}

impl Fixture {
    /// What the server computes for a workspace: every file's model and the call index.
    fn compute_everything(&self) {
        for f in &self.files {
            file_model(&self.db, *f);
        }
        test_call_index(&self.db, self.workspace);
    }

    /// Edits `file`, recomputes everything, and returns the queries that ran (each with the path
    /// of the file it ran for) and how many items were analysed.
    fn edit_and_recompute(&mut self, file: usize, edits: &[TextEdit]) -> (Vec<String>, u64) {
        self.db.edit_file(self.files[file], edits);
        let analysed_before = self.db.item_cache().analyses();
        self.log.start();
        self.compute_everything();
        let ran = self.log.take();
        let analysed = self.db.item_cache().analyses() - analysed_before;
        (
            ran.into_iter().map(|entry| self.describe(&entry)).collect(),
            analysed,
        )
    }

    /// `file_model(Id(1))` → `file_model(cart.py)`; items are named by the file they are in.
    fn describe(&self, entry: &str) -> String {
        let name = entry.split('(').next().unwrap();
        let id = entry.trim_start_matches(name);
        let on = self
            .files
            .iter()
            .find(|f| id == format!("({:?})", salsa_id(**f)))
            .map(|f| {
                f.path(&self.db)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            });
        match on {
            Some(path) => format!("{name}({path})"),
            None => format!("{name}(…)"),
        }
    }
}

fn salsa_id(file: SourceFile) -> salsa::Id {
    salsa::plumbing::AsId::as_id(&file)
}

fn replace(line: u32, from: u32, to: u32, text: &str) -> TextEdit {
    TextEdit {
        range: Some(EditRange::LineCol {
            start: LineCol { line, col: from },
            end: LineCol { line, col: to },
            encoding: PositionEncoding::Utf16,
        }),
        text: text.to_owned(),
    }
}

#[test]
fn editing_one_function_body_reanalyses_only_that_function() {
    let mut f = fixture();
    // `return price * 0.9` → `return price * 0.8`, inside `discount`.
    let (ran, analysed) = f.edit_and_recompute(0, &[replace(6, 25, 26, "8")]);
    assert_eq!(
        ran,
        ["file_model(cart.py)", "file_items(cart.py)"],
        "only cart.py's queries ran; the test file, the Rust file and the workspace call index \
         were reused; and since the model came out equal, nothing that depends on it ran either"
    );
    assert_eq!(
        analysed, 1,
        "one item (the edited function) was analysed again"
    );
    assert!(f.files[0].text(&f.db).to_string().contains("price * 0.8"));
    let model = file_model(&f.db, f.files[0]);
    assert_eq!(model.functions[1].name, "discount");
    assert_eq!(model.functions[1].complexity, 2);
}

#[test]
fn moving_functions_down_reanalyses_no_item() {
    let mut f = fixture();
    // Two blank lines at the top shift every function but change none.
    let (ran, analysed) = f.edit_and_recompute(0, &[replace(0, 0, 0, "\n\n")]);
    assert_eq!(
        ran,
        [
            "file_model(cart.py)",
            "file_items(cart.py)",
            "file_test_calls(cart.py)",
        ]
    );
    assert_eq!(
        analysed, 0,
        "every function only moved: none is analysed again"
    );
    let model = file_model(&f.db, f.files[0]);
    assert_eq!(f.db_line_of(&model.functions[0].name_range), 2);
}

#[test]
fn a_test_that_starts_calling_a_new_name_rebuilds_the_call_index() {
    let mut f = fixture();
    // `assert total([1, 2]) == 3` → `assert round(total([1, 2])) == 3` in test_total.
    // Two edits in one change: the second one's position counts the first one's text.
    let (ran, analysed) =
        f.edit_and_recompute(1, &[replace(4, 11, 11, "round("), replace(4, 30, 30, ")")]);
    assert_eq!(analysed, 1);
    assert!(
        f.files[1]
            .text(&f.db)
            .to_string()
            .contains("assert round(total([1, 2])) == 3")
    );
    assert!(ran.contains(&"test_call_index(…)".to_owned()), "{ran:?}");
    let index = test_call_index(&f.db, f.workspace);
    let callers: Vec<&str> = index
        .tests_calling("round")
        .iter()
        .map(|t| t.full_name.as_str())
        .collect();
    assert_eq!(callers, ["test_total", "rounds"]);
}

#[test]
fn editing_a_closed_file_from_disk_reanalyses_that_file_only() {
    let mut f = fixture();
    let rust = f.files[2];
    rust.set_text(&mut f.db).to(SourceText::from(
        PRICE_RS.replace("100.0", "1000.0").as_str(),
    ));
    f.log.start();
    f.compute_everything();
    let ran: Vec<String> = f.log.take().iter().map(|e| f.describe(e)).collect();
    assert_eq!(ran, ["file_model(price.rs)", "file_test_calls(price.rs)"]);
}

impl Fixture {
    fn db_line_of(&self, range: &syntax::TextRange) -> u32 {
        self.files[0]
            .text(&self.db)
            .line_col(range.start, PositionEncoding::Utf16)
            .line
    }
}

#[test]
fn a_change_to_complexity_stops_at_the_file_and_leaves_the_call_index() {
    let mut f = fixture();
    // `if member:` → `if member and price > 0:` adds a decision point to `discount`.
    let (ran, analysed) = f.edit_and_recompute(0, &[replace(5, 13, 13, " and price > 0")]);
    assert_eq!(analysed, 1);
    assert_eq!(
        ran,
        [
            "file_model(cart.py)",
            "file_items(cart.py)",
            "file_test_calls(cart.py)",
        ],
        "the model changed, so the per-file call summary ran, but it came out equal and the \
         workspace index did not"
    );
    let model = file_model(&f.db, f.files[0]);
    assert_eq!(model.functions[1].complexity, 3);
}

#[test]
fn the_record_index_follows_a_new_record_and_stays_while_code_moves() {
    let mut f = fixture();
    assert!(record_index(&f.db, f.workspace).by_name.is_empty());
    // A dataclass appended to cart.py (after its last line, line 8).
    f.db.edit_file(
        f.files[0],
        &[replace(
            8,
            0,
            0,
            "\n\n@dataclass\nclass Item:\n    qty: int\n",
        )],
    );
    f.log.start();
    let index = record_index(&f.db, f.workspace);
    let ran: Vec<String> = f.log.take().iter().map(|e| f.describe(e)).collect();
    assert!(ran.contains(&"record_index(…)".to_owned()), "{ran:?}");
    assert_eq!(index.files_declaring("Item"), [f.files[0]]);
    assert_eq!(index.all[0].1.fields, ["qty"]);
    // Two blank lines at the top move every function and the record: the per-file shapes run
    // again and come out equal, so the workspace index is not rebuilt.
    f.db.edit_file(f.files[0], &[replace(0, 0, 0, "\n\n")]);
    f.log.start();
    record_index(&f.db, f.workspace);
    let ran: Vec<String> = f.log.take().iter().map(|e| f.describe(e)).collect();
    assert_eq!(
        ran,
        [
            "file_model(cart.py)",
            "file_items(cart.py)",
            "file_record_shapes(cart.py)",
        ]
    );
}
