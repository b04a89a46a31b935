//! The code model of one file: its functions, tests and suites, as plain data.
//!
//! Ranges are byte ranges into the file's text. Everything here is derived from the syntax tree by
//! the queries in `queries/<language>/`; nothing here knows about history, salsa or editors.

use crate::Language;
use crate::text::{TextRange, TextSize};

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FileModel {
    pub language: Option<Language>,
    pub functions: Vec<Function>,
    pub tests: Vec<Test>,
    pub suites: Vec<Suite>,
    /// Declared types with named fields: structs, interfaces, object types, classes.
    pub records: Vec<Record>,
    /// Modules the file imports, as written (`./pricing`, `shop.cart`, `vitest`).
    pub imports: Vec<String>,
    /// The parse had errors; what could be recovered is still modelled.
    pub has_syntax_errors: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FunctionKind {
    Function,
    Method,
}

/// A named function or method. Closures and callbacks are part of the function they sit in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    /// The path of the function inside its file: `Cart.total` (Python, Go, JavaScript),
    /// `Cart::total` or `tests::adds` (Rust). The module the file stands for is added above.
    pub qualified_name: String,
    pub kind: FunctionKind,
    pub range: TextRange,
    pub name_range: TextRange,
    /// The end of the line the name is on, before its line break.
    pub name_line_end: TextSize,
    pub params: Vec<Param>,
    pub return_type: Option<String>,
    pub doc: Option<String>,
    /// McCabe's cyclomatic complexity: one plus the decision points (see docs/complexity.md).
    pub complexity: u32,
    /// The names it calls, in order, with where (nested named functions excluded).
    pub calls: Vec<Call>,
    /// Rust: the visibility as written (`pub`, `pub(crate)`); `None` where there is none, and in
    /// other languages.
    pub visibility: Option<String>,
    /// What it reads of its parameters and of the elements it takes from them: `item.qty`, in
    /// order of first use, without method calls (`items.filter(...)`). Only plain names whose
    /// shape the language leaves unwritten are followed (Python, JavaScript, TypeScript).
    pub reads: Vec<MemberRead>,
    /// Names bound to each element of a collection: `for item in items`,
    /// `for (const item of items)`, `items.filter((i) => ...)`.
    pub elements: Vec<ElementBinding>,
}

/// `object.member`, where `object` is a plain name (a parameter or an element binding).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MemberRead {
    pub object: String,
    pub member: String,
}

/// `name` stands for each element of the collection `collection` in turn.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ElementBinding {
    pub name: String,
    pub collection: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    /// The type as written; `None` where the language or the author left it out.
    pub ty: Option<String>,
    /// The default value as written (Python, JavaScript, TypeScript): the parameter may be left
    /// out.
    pub default: Option<String>,
}

/// The kind of a declared record type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// Rust `struct X { ... }`, Go `type X struct { ... }`: built with a literal of its fields.
    Struct,
    /// TypeScript `interface X { ... }`: an object literal of its properties.
    Interface,
    /// TypeScript `type X = { ... }`: an object literal of its properties.
    ObjectType,
    /// A class: built through its constructor (Python `__init__`, JavaScript `constructor`).
    Class,
    /// Python `@dataclass`: its annotated fields are the constructor's keyword parameters.
    Dataclass,
    /// Python `class X(NamedTuple)`: as a dataclass.
    NamedTuple,
}

/// A declared type whose values are built from named fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub name: String,
    /// Inside containers: `tests::Fixture` (Rust), `Outer.Inner` (Python); else the name.
    pub qualified_name: String,
    pub kind: RecordKind,
    pub range: TextRange,
    pub name_range: TextRange,
    /// Visible outside its module: Rust `pub`, Go capitalised, `export`ed (ES modules), Python
    /// not `_`-prefixed.
    pub public: bool,
    /// In declaration order.
    pub fields: Vec<Field>,
    /// The constructor, where the type has one: Python `__init__` and JavaScript `constructor`
    /// (without `self`), Rust `X::new` returning `Self` or `X`.
    pub constructor: Option<Constructor>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// The type as written; `None` where it is left out.
    pub ty: Option<String>,
    /// Visible where the record is: Rust fields with a visibility, TypeScript fields that are
    /// not `private`/`protected`; always in the other languages.
    pub public: bool,
    /// TypeScript `name?: T`: may be left out.
    pub optional: bool,
    /// The default value as written (Python dataclass fields, class field initialisers).
    pub default: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constructor {
    /// The function as named in its container: `new`, `__init__`, `constructor`.
    pub name: String,
    pub params: Vec<Param>,
    /// Rust: `new` has a visibility; elsewhere always.
    pub public: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The called name without its path or receiver: `sleep` for `time.sleep(1)`.
    pub name: String,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Framework {
    Pytest,
    Unittest,
    /// `#[test]` of the standard harness.
    RustTest,
    Tokio,
    AsyncStd,
    Rstest,
    /// The `test-case` crate's `#[test_case(...)]`.
    TestCase,
    GoTest,
    Jest,
    Vitest,
    Mocha,
    NodeTest,
    /// `describe`/`it`/`test` globals whose runner the file does not say (Jest, Vitest with
    /// globals, Mocha and Jasmine share them).
    JsGlobals,
}

impl Framework {
    pub fn name(self) -> &'static str {
        match self {
            Framework::Pytest => "pytest",
            Framework::Unittest => "unittest",
            Framework::RustTest => "rust test",
            Framework::Tokio => "tokio",
            Framework::AsyncStd => "async-std",
            Framework::Rstest => "rstest",
            Framework::TestCase => "test-case",
            Framework::GoTest => "go test",
            Framework::Jest => "jest",
            Framework::Vitest => "vitest",
            Framework::Mocha => "mocha",
            Framework::NodeTest => "node:test",
            Framework::JsGlobals => "describe/it",
        }
    }

    pub fn from_name(name: &str) -> Option<Framework> {
        [
            Framework::Pytest,
            Framework::Unittest,
            Framework::RustTest,
            Framework::Tokio,
            Framework::AsyncStd,
            Framework::Rstest,
            Framework::TestCase,
            Framework::GoTest,
            Framework::Jest,
            Framework::Vitest,
            Framework::Mocha,
            Framework::NodeTest,
            Framework::JsGlobals,
        ]
        .into_iter()
        .find(|f| f.name() == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TestKind {
    Test,
    /// A named case inside a test: Go's `t.Run`, node:test's `t.test`.
    Subtest,
    Benchmark,
    Fuzz,
    /// Go's `ExampleXxx`, checked against its `// Output:` comment.
    Example,
}

/// A test the runner would run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Test {
    /// As the runner names it: `test_total`, `adds two numbers`, `TestAdd`.
    pub name: String,
    /// The enclosing suites, outermost first: describe blocks, test classes, Rust modules,
    /// and a Go subtest's parent tests.
    pub path: Vec<String>,
    pub framework: Framework,
    pub kind: TestKind,
    /// Runs once per case: `@pytest.mark.parametrize`, `it.each`, `#[rstest]` with cases.
    pub parametrized: bool,
    /// The name is computed at run time (`t.Run(tc.name, ...)`, a template string).
    pub dynamic_name: bool,
    pub range: TextRange,
    pub name_range: TextRange,
    /// The function that is the test (Python, Rust, Go); `None` for call-based tests.
    pub function: Option<usize>,
    pub assertions: Vec<TextRange>,
    pub sleeps: Vec<Sleep>,
    /// Focus and skip markers on the test itself (those on enclosing suites are on the suite).
    pub markers: Vec<Marker>,
    /// The test passes by failing or panicking: `#[should_panic]`, `pytest.raises`,
    /// `assertRaises`, `expect(...).toThrow()`, `assert.Panics`.
    pub expects_failure: bool,
    pub calls: Vec<Call>,
    /// The test has no body to run (`it.todo("...")`).
    pub has_body: bool,
}

impl Test {
    /// The full name: the suite path and the name, joined by ` > `.
    pub fn full_name(&self) -> String {
        let mut parts = self.path.clone();
        parts.push(self.name.clone());
        parts.join(" > ")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sleep {
    /// The call as written: `time.sleep`, `std::thread::sleep`, `setTimeout`.
    pub callee: String,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MarkerKind {
    /// Only this runs: `.only`, `fit`, `fdescribe`.
    Focus,
    /// Not run: `.skip`, `xit`, `#[ignore]`, `@pytest.mark.skip`, `t.Skip()`.
    Skip,
    /// A placeholder: `it.todo`.
    Todo,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub kind: MarkerKind,
    pub range: TextRange,
    /// Why, where the marker says: `#[ignore = "slow"]`, `skip(reason="...")`, `t.Skip("...")`.
    pub reason: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SuiteKind {
    /// A class (Python, JavaScript); a test class when it holds tests.
    Class,
    /// A Rust `impl` block.
    Impl,
    /// A Rust trait.
    Trait,
    /// A Rust `mod` with a body.
    Module,
    /// `describe`, `context`, `suite`.
    Describe,
}

/// A named block that holds functions or tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suite {
    pub name: String,
    pub kind: SuiteKind,
    pub path: Vec<String>,
    pub range: TextRange,
    pub name_range: TextRange,
    pub markers: Vec<Marker>,
    pub parametrized: bool,
    /// Holds tests (a `#[cfg(test)]` module, a `Test*` or `TestCase` class, any describe block).
    pub is_test_suite: bool,
}
