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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    /// The type as written; `None` where the language or the author left it out.
    pub ty: Option<String>,
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
