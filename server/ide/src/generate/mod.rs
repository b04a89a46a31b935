//! Test generation: an idiomatic test for a function, in the project's own framework, where the
//! project keeps its tests (issue 7).
//!
//! Everything here is pure: a [`TestPlan`] says which function, which framework, which file
//! the test goes to and which inputs to try. Where an example states the result (a doctest, a
//! Rust doc `assert_eq!`, a JSDoc `@example ... // => 4`), the plan renders a test directly.
//! Otherwise the results must be observed: [`TestPlan::probe`] writes a small program for the
//! project's own runner that calls the function with each input and writes what it returned,
//! [`TestPlan::parse_observations`] reads that back, and [`TestPlan::render`] writes the test
//! and a standalone copy of it for one checking run. Running those programs is I/O and belongs
//! to the caller (the `runner` crate); nothing here starts a process or touches a file.

mod go;
mod inputs;
mod js;
mod place;
mod python;
mod receiver;
mod rust;
mod shapes;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use db::{RootDatabase, SourceFile, Workspace};
use serde_json::json;
use syntax::{Framework, FunctionKind, Language, Param, TextRange, TextSize};

use crate::assists::{Assist, AssistCommand, AssistKind, FileEdit};
use crate::history::History;

pub(crate) use go::import_edits as go_import_edits;
pub(crate) use inputs::call_end;
pub use inputs::{InputOrigin, call_arguments, is_literal};
pub(crate) use js::is_exported;
pub(crate) use place::{has_word, is_test_file as is_test_path, normalize};
pub use receiver::Receiver;

/// The command that records a test: `[{"path", "offset", "function", "framework"}]`.
pub const RECORD_COMMAND: &str = "testlens.generateAndRecord";

/// What the caller asks for.
#[derive(Clone, Debug, Default)]
pub struct GenerateConfig {
    /// Use this framework instead of the one detected (and where none is detected).
    pub framework: Option<Framework>,
    /// Look for calls of the function across the workspace (costs a scan; the code-action list
    /// leaves it to the recording).
    pub call_sites: bool,
}

/// Why no test can be generated for a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No function at the position (or only a test).
    NoFunction,
    /// The function is a test, or sits in a test file or test module.
    IsTest,
    /// The file does not parse; a test written against it could not be trusted.
    SyntaxErrors,
    /// The project's tests do not say which framework to use: choose one of these.
    NoFramework(Vec<Framework>),
    /// Not supported yet, with the reason.
    Unsupported(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NoFunction => write!(f, "no function here to generate a test for"),
            Refusal::IsTest => write!(
                f,
                "this is a test or test helper; tests are not generated for tests"
            ),
            Refusal::SyntaxErrors => write!(
                f,
                "the file has syntax errors; fix them before generating a test"
            ),
            Refusal::NoFramework(choices) => {
                let names: Vec<&str> = choices.iter().map(|c| c.name()).collect();
                write!(
                    f,
                    "no test framework detected in this project; choose one of: {}",
                    names.join(", ")
                )
            }
            Refusal::Unsupported(why) => write!(f, "{why}"),
        }
    }
}

/// The function a test is generated for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetFunction {
    pub name: String,
    pub params: Vec<Param>,
    /// Parameters that have a default value (Python, JavaScript): they may be left out.
    pub defaulted: Vec<String>,
    pub return_type: Option<String>,
    pub is_async: bool,
    pub range: TextRange,
}

/// The file the test goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestFile {
    pub path: Arc<Path>,
    /// The file exists (its text is `text`); otherwise it is created.
    pub exists: bool,
    pub text: String,
}

/// One input to try: the arguments as code of the language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub args: Vec<String>,
    pub origin: InputOrigin,
    /// The result an example states; `None` until observed.
    pub stated: Option<Outcome>,
    /// Names the arguments' code uses that the test must import (a Python class, `types`'s
    /// `SimpleNamespace`, a JavaScript class), without repeats.
    pub imports: Vec<Import>,
}

/// A name the code of an input needs, and where it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Import {
    pub name: String,
    pub from: ImportSource,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImportSource {
    /// A module by its name: Python `shop.cart`, `types`.
    Module(String),
    /// A source file, imported by its path relative to the test (JavaScript, TypeScript).
    File(Arc<Path>),
}

impl TestPlan {
    /// Every import the inputs need, without repeats, in a stable order.
    pub fn input_imports<'a>(&self, inputs: impl IntoIterator<Item = &'a Input>) -> Vec<Import> {
        let mut out: Vec<Import> = inputs
            .into_iter()
            .flat_map(|i| i.imports.iter().cloned())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// What a call did, as code of the language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Returned this value, written as a literal.
    Value(String),
    /// Rust: returned a value with no literal form (a struct with `String` fields, say), as its
    /// `{:?}` text; the test compares that text.
    Debug(String),
    /// Raised or threw (Python exception type, JavaScript error, Go non-nil error, Rust `Err`),
    /// with its message where there is one.
    Raises {
        kind: String,
        message: Option<String>,
    },
}

/// Everything needed to write a test for one function. Pure data, built from one snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestPlan {
    pub language: Language,
    pub framework: Framework,
    pub function: TargetFunction,
    pub source_path: Arc<Path>,
    /// The module the source file stands for (`shop.pricing`, `src/pricing`, `shop`).
    pub module: String,
    /// The source file's text (Rust tests go into it; Go and JavaScript read declarations).
    pub source_text: String,
    pub target: TestFile,
    /// The test's name, unique in the target file.
    pub test_name: String,
    pub inputs: Vec<Input>,
    /// Rust, for a test in the crate's `tests/` directory: the path the test imports the
    /// function's module by (`shop`, `shop::pricing`).
    pub rust_use: Option<String>,
    /// For a method: what the test calls it on.
    pub receiver: Option<Receiver>,
}

impl TestPlan {
    /// The function as a test calls it: `f`, or through its receiver (`Cart().total`,
    /// `Item::new`).
    pub(crate) fn callee(&self) -> String {
        match &self.receiver {
            Some(r) => r.callee(self.language, &self.function.name),
            None => self.function.name.clone(),
        }
    }

    /// The name a test imports: the function, or a method's type.
    pub(crate) fn import_name(&self) -> &str {
        match &self.receiver {
            Some(r) => &r.type_name,
            None => &self.function.name,
        }
    }
}

/// An assertion written into an existing test (the no-assertion heal): its lines, indented
/// relative to the statement it follows or replaces, and the imports it needs (Go `"reflect"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Assertion {
    pub lines: Vec<String>,
    pub imports: Vec<String>,
}

impl TestPlan {
    /// The assertion, in the plan's framework, that `subject` (a call of the function, or the
    /// variable a call was assigned to) gives `outcome`; `shown` is the call as written, for
    /// messages; `t` is a Go test's `*testing.T`. `None` where nothing can be written (a raise,
    /// an async JavaScript function, a Go value with its error).
    pub(crate) fn assertion(
        &self,
        subject: &str,
        shown: &str,
        outcome: &Outcome,
        t: &str,
    ) -> Option<Assertion> {
        let one = |line: String| Assertion {
            lines: vec![line],
            imports: Vec::new(),
        };
        match (self.language, outcome) {
            (Language::Python, Outcome::Value(lit)) => Some(one(python::value_assertion(
                self.framework == Framework::Unittest,
                subject,
                lit,
            ))),
            (Language::JavaScript | Language::TypeScript | Language::Tsx, Outcome::Value(lit))
                if !self.function.is_async =>
            {
                Some(one(js::value_assertion(
                    self.framework == Framework::NodeTest,
                    subject,
                    lit,
                )))
            }
            (Language::Rust, _) => {
                let kind = rust::returns(self).ok()?;
                rust::assertion(kind, subject, outcome).map(one)
            }
            (Language::Go, _) => go::assertion(self, subject, shown, outcome, t),
            _ => None,
        }
    }
}

/// A file written for a run and removed after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScratchFile {
    pub path: PathBuf,
    pub text: String,
}

/// How to run a probe or a check, in the project's own terms; the caller picks the programs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunnerCommand {
    /// `python script` from `root` (with `root` on `PYTHONPATH`).
    PythonScript { root: PathBuf, script: PathBuf },
    /// `python -m pytest file::test` from `root`.
    Pytest { root: PathBuf, node_id: String },
    /// `python -m unittest module.Class.test` from `root`.
    Unittest { root: PathBuf, test_id: String },
    /// `vitest run file` from the nearest `package.json` above `file`.
    Vitest { file: PathBuf },
    /// `jest --runTestsByPath file` from the nearest `package.json` above `file`.
    Jest { file: PathBuf },
    /// `node --test file`.
    NodeTest { file: PathBuf },
    /// `go test -run '^name$' .` in `dir`.
    GoTest { dir: PathBuf, name: String },
    /// `cargo test --lib name` in a copy of the crate at `crate_root`, where `files` are written
    /// (paths inside the crate) before running; with `test_target`, `cargo test --test
    /// test_target name -- --exact` (an integration test in `tests/`).
    Cargo {
        crate_root: PathBuf,
        name: String,
        test_target: Option<String>,
    },
}

/// A program to run: the files to write first and the command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub files: Vec<ScratchFile>,
    pub command: RunnerCommand,
}

/// The environment variable naming the file a probe writes its observations to.
pub const PROBE_OUT_VAR: &str = "TESTLENS_PROBE_OUT";

/// A rendered test: the edits that add it, and a run that checks it in isolation.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderedTest {
    pub edits: Vec<FileEdit>,
    pub check: Run,
    /// The test's code as inserted (without imports), for display.
    pub code: String,
    /// The number of inputs it asserts on.
    pub cases: usize,
}

impl TestPlan {
    /// The inputs whose results an example states.
    pub fn stated(&self) -> Vec<Option<Outcome>> {
        self.inputs.iter().map(|i| i.stated.clone()).collect()
    }

    /// A program that calls the function with every input and writes, to the file named by
    /// [`PROBE_OUT_VAR`], one JSON line per input: `{"i", "kind": "value"|"raises"|"skip", ...}`.
    /// `tag` makes the scratch files' names unique.
    pub fn probe(&self, tag: &str) -> Run {
        match self.language {
            Language::Python => python::probe(self, tag),
            Language::Go => go::probe(self, tag),
            Language::Rust => rust::probe(self, tag),
            Language::JavaScript | Language::TypeScript | Language::Tsx => js::probe(self, tag),
        }
    }

    /// Reads a probe's output: one outcome per input, `None` for inputs that gave nothing
    /// writable (a value with no literal, a crash, a raise where raises are not asserted).
    pub fn parse_observations(&self, output: &str) -> Vec<Option<Outcome>> {
        let mut out = vec![None; self.inputs.len()];
        for line in output.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let Some(i) = v.get("i").and_then(|i| i.as_u64()).map(|i| i as usize) else {
                continue;
            };
            let Some(slot) = out.get_mut(i) else { continue };
            let text = |k: &str| v.get(k).and_then(|s| s.as_str()).map(str::to_owned);
            *slot = match v.get("kind").and_then(|k| k.as_str()) {
                Some("value") => text("lit").and_then(|lit| {
                    if inputs::is_literal(self.language, &lit) {
                        Some(Outcome::Value(lit))
                    } else if self.language == Language::Rust && rust::debug_comparable(&lit) {
                        Some(Outcome::Debug(lit))
                    } else {
                        None
                    }
                }),
                Some("raises") => {
                    // A made-up value of the wrong kind raising a type error says nothing about
                    // the function; errors it returns or raises on purpose do.
                    let kind = text("type").unwrap_or_default();
                    let type_error = matches!(
                        kind.as_str(),
                        "TypeError" | "AttributeError" | "ReferenceError"
                    );
                    if self.inputs[i].origin == InputOrigin::Type && type_error {
                        None
                    } else {
                        Some(Outcome::Raises {
                            kind,
                            message: text("message").filter(|m| !m.is_empty()),
                        })
                    }
                }
                _ => None,
            };
        }
        out
    }

    /// The test asserting `outcomes` (one per input; `None` inputs are left out), the edits that
    /// add it to the target file, and a standalone copy to run once. `tag` names the copy.
    pub fn render(&self, outcomes: &[Option<Outcome>], tag: &str) -> Result<RenderedTest, String> {
        let cases: Vec<(&Input, &Outcome)> = self
            .inputs
            .iter()
            .zip(outcomes)
            .filter_map(|(i, o)| o.as_ref().map(|o| (i, o)))
            .collect();
        if cases.is_empty() {
            return Err(format!(
                "no input of `{}` gave a result that can be written as a literal ({} tried)",
                self.function.name,
                self.inputs.len()
            ));
        }
        match self.language {
            Language::Python => python::render(self, &cases, tag),
            Language::Go => go::render(self, &cases, tag),
            Language::Rust => rust::render(self, &cases, tag),
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                js::render(self, &cases, tag)
            }
        }
    }
}

/// The generation actions for the function under `range` of `file`: "Generate test" where
/// examples state results, "Generate and record test" otherwise (or as well), and one action per
/// framework where the project's framework is unknown. Listing runs nothing.
pub(crate) fn assists(
    db: &RootDatabase,
    workspace: Workspace,
    _history: Option<&History>,
    file: SourceFile,
    range: TextRange,
) -> Vec<Assist> {
    let model = db::file_model(db, file);
    let Some(index) = function_at_range(&model, range) else {
        return Vec::new();
    };
    let function = &model.functions[index];
    // Only on the signature line(s): offering a generation action everywhere inside a body is
    // noise in the menu.
    if range.start > function.name_line_end.max(function.name_range.end) {
        return Vec::new();
    }
    let config = GenerateConfig::default();
    match plan(db, workspace, file, range.start, &config) {
        Ok(plan) => actions_for(&plan, None),
        Err(Refusal::NoFramework(choices)) => choices
            .into_iter()
            .filter_map(|framework| {
                let config = GenerateConfig {
                    framework: Some(framework),
                    ..GenerateConfig::default()
                };
                plan(db, workspace, file, range.start, &config).ok()
            })
            .flat_map(|plan| {
                let framework = plan.framework;
                actions_for(&plan, Some(framework))
            })
            .collect(),
        // On a test there is nothing to offer; elsewhere the refusal is shown, disabled, with
        // its reason (no inputs, a method, syntax errors), rather than a silent menu.
        Err(Refusal::IsTest | Refusal::NoFunction) => Vec::new(),
        Err(refusal) => {
            tracing::debug!(function = %function.name, "no generation action: {refusal}");
            vec![Assist {
                title: format!("Generate test for `{}`", function.name),
                kind: AssistKind::Generate,
                fixes: None,
                edits: Vec::new(),
                command: None,
                preferred: false,
                disabled: Some(refusal.to_string()),
            }]
        }
    }
}

fn actions_for(plan: &TestPlan, chosen: Option<Framework>) -> Vec<Assist> {
    let name = &plan.function.name;
    let which = chosen.map_or(String::new(), |f| format!("{} ", framework_title(f)));
    let mut out = Vec::new();
    let stated = plan.stated();
    if stated.iter().any(Option::is_some)
        && let Ok(rendered) = plan.render(&stated, "check")
    {
        out.push(Assist {
            title: format!("Generate {which}test for `{name}`"),
            kind: AssistKind::Generate,
            fixes: None,
            edits: rendered.edits,
            command: None,
            preferred: false,
            disabled: None,
        });
    }
    out.push(Assist {
        title: format!("Generate and record {which}test for `{name}`"),
        kind: AssistKind::Generate,
        fixes: None,
        edits: Vec::new(),
        command: Some(AssistCommand {
            name: RECORD_COMMAND.to_owned(),
            arguments: vec![record_arguments(plan, chosen)],
        }),
        preferred: false,
        disabled: None,
    });
    out
}

/// What the record command needs to find the function again: its file, where it was and its
/// name (found again by name if edits moved it), and the chosen framework.
pub fn record_arguments(plan: &TestPlan, framework: Option<Framework>) -> serde_json::Value {
    json!({
        "path": plan.source_path.to_string_lossy(),
        "offset": plan.function.range.start,
        "function": plan.function.name,
        "framework": framework.map(|f| f.name()),
    })
}

/// A framework as the user calls it in a title.
pub fn framework_title(f: Framework) -> &'static str {
    match f {
        Framework::Pytest => "pytest",
        Framework::Unittest => "unittest",
        Framework::Vitest => "Vitest",
        Framework::Jest => "Jest",
        Framework::NodeTest => "node:test",
        other => other.name(),
    }
}

fn function_at_range(model: &syntax::FileModel, range: TextRange) -> Option<usize> {
    model
        .functions
        .iter()
        .enumerate()
        .filter(|(_, f)| f.range.contains_inclusive(range.start))
        .min_by_key(|(_, f)| f.range.len())
        .map(|(i, _)| i)
}

/// The function named `name` in `file` nearest to `offset`, else the one at `offset`.
pub(crate) fn find_function(
    model: &syntax::FileModel,
    name: Option<&str>,
    offset: TextSize,
) -> Option<usize> {
    if let Some(name) = name {
        let best = model
            .functions
            .iter()
            .enumerate()
            .filter(|(_, f)| f.name == name)
            .min_by_key(|(_, f)| f.range.start.abs_diff(offset))
            .map(|(i, _)| i);
        if best.is_some() {
            return best;
        }
    }
    function_at_range(model, TextRange::new(offset, offset))
}

/// The plan for a test of the function at `offset` of `file` (or named `name` near it).
pub(crate) fn plan_named(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    name: Option<&str>,
    offset: TextSize,
    config: &GenerateConfig,
) -> Result<TestPlan, Refusal> {
    let model = db::file_model(db, file);
    let index = find_function(&model, name, offset)
        .or_else(|| {
            // At the start of a line whose function starts later on it (`export function f`,
            // `pub fn f`, decorators aside): that function.
            let text = file.text(db).to_string();
            let line_end = text
                .get(offset as usize..)
                .and_then(|rest| rest.find('\n'))
                .map_or(text.len(), |i| offset as usize + i) as TextSize;
            model
                .functions
                .iter()
                .position(|f| f.range.start >= offset && f.range.start <= line_end)
        })
        .ok_or(Refusal::NoFunction)?;
    build(db, workspace, file, &model, index, config)
}

fn plan(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    offset: TextSize,
    config: &GenerateConfig,
) -> Result<TestPlan, Refusal> {
    plan_named(db, workspace, file, None, offset, config)
}

fn build(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    model: &syntax::FileModel,
    index: usize,
    config: &GenerateConfig,
) -> Result<TestPlan, Refusal> {
    build_with(db, workspace, file, model, index, config, None)
}

/// The plan for the function `index` of `file`, called with exactly the argument lists `given`
/// (the calls of an existing test), rather than the inputs generation would find.
pub(crate) fn plan_for_calls(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    index: usize,
    framework: Framework,
    given: Vec<Vec<String>>,
) -> Result<TestPlan, Refusal> {
    let model = db::file_model(db, file);
    let config = GenerateConfig {
        framework: Some(framework),
        call_sites: false,
    };
    build_with(db, workspace, file, &model, index, &config, Some(given))
}

fn build_with(
    db: &RootDatabase,
    workspace: Workspace,
    file: SourceFile,
    model: &syntax::FileModel,
    index: usize,
    config: &GenerateConfig,
    given: Option<Vec<Vec<String>>>,
) -> Result<TestPlan, Refusal> {
    let function = &model.functions[index];
    let language = file.language(db);
    let path = file.path(db).clone();
    if model.tests.iter().any(|t| t.function == Some(index))
        || place::is_test_file(language, &path)
        || model
            .suites
            .iter()
            .any(|s| s.is_test_suite && s.range.contains_inclusive(function.range.start))
    {
        return Err(Refusal::IsTest);
    }
    if model.has_syntax_errors {
        return Err(Refusal::SyntaxErrors);
    }
    let text = file.text(db).to_string();
    let shapes = shapes::Shapes::new(db, workspace, file, &text);
    let receiver = if function.kind == FunctionKind::Method {
        Some(receiver::receiver(&shapes, &text, model, function)?)
    } else {
        None
    };
    if receiver.is_none()
        && (function.qualified_name.contains('.') || function.qualified_name.contains("::"))
    {
        // A function nested in another one cannot be called from a test.
        return Err(Refusal::Unsupported(format!(
            "`{}` is not reachable from a test (nested function)",
            function.qualified_name
        )));
    }
    let header = header_text(&text, function.range, function.name_range);
    let target_fn = TargetFunction {
        name: function.name.clone(),
        params: function
            .params
            .iter()
            .filter(|p| !p.name.contains("self") && p.name != "cls")
            .cloned()
            .collect(),
        defaulted: inputs::defaulted_params(language, &header),
        return_type: function.return_type.clone(),
        is_async: header.trim_start().starts_with("async ")
            || header.contains(" async ")
            || header.contains("async function")
            || header.contains("= async"),
        range: function.range,
    };
    if target_fn.is_async && language == Language::Python {
        return Err(Refusal::Unsupported(
            "async Python functions are not supported yet".to_owned(),
        ));
    }
    let framework = match config.framework {
        Some(f) => f,
        None => place::detect_framework(db, workspace, file)?,
    };
    check_framework(language, framework)?;
    let exported = match &receiver {
        Some(r) => js::class_is_exported(&text, &r.type_name),
        None => js::is_exported(&text, &function.name, function.range),
    };
    if language.is_js_family() && !exported {
        return Err(Refusal::Unsupported(format!(
            "`{}` is not exported, so a test cannot import it",
            receiver.as_ref().map_or(&function.name, |r| &r.type_name)
        )));
    }
    let mut target = place::test_file(db, workspace, file, framework);
    let mut rust_use = None;
    if language == Language::Go {
        target = place::go_internal_target(db, workspace, file, target, &function.name);
    }
    if language == Language::Rust
        && let Some((integration, use_path)) = place::rust_integration_target(
            db,
            workspace,
            file,
            receiver.as_ref().map_or(&function.name, |r| &r.type_name),
            &header,
            rust::test_module(&text).is_some(),
        )
    {
        target = integration;
        rust_use = Some(use_path);
    }
    // A method's test is named after its type too: `test_cart_total`, `TestCartTotal`.
    let named = match &receiver {
        Some(r) if language.is_js_family() => format!("{}.{}", r.type_name, function.name),
        Some(r) if language == Language::Go => format!("{}_{}", r.type_name, function.name),
        Some(r) => format!("{}_{}", receiver::snake(&r.type_name), function.name),
        None => function.name.clone(),
    };
    let test_name = place::unique_name(db, workspace, language, framework, &target, &named);
    let inputs = match given {
        Some(given) => given
            .into_iter()
            .map(|args| Input {
                args,
                origin: InputOrigin::CallSite,
                stated: None,
                imports: Vec::new(),
            })
            .collect(),
        None => found_inputs(db, workspace, config, &shapes, &target_fn, function)?,
    };
    Ok(TestPlan {
        language,
        framework,
        function: target_fn,
        source_path: path,
        module: file.module(db).to_string(),
        source_text: text,
        target,
        test_name,
        inputs,
        rust_use,
        receiver,
    })
}

/// The inputs generation finds for `function`: its calls in the workspace (where asked for), its
/// doc examples, then values from its parameter types; refused where there are none.
fn found_inputs(
    db: &RootDatabase,
    workspace: Workspace,
    config: &GenerateConfig,
    shapes: &shapes::Shapes,
    target_fn: &TargetFunction,
    function: &syntax::Function,
) -> Result<Vec<Input>, Refusal> {
    let language = shapes.language();
    let mut found = Vec::new();
    if config.call_sites {
        found.extend(inputs::call_site_inputs(
            db,
            workspace,
            language,
            &function.name,
        ));
    }
    found.extend(inputs::doc_inputs(
        language,
        &function.name,
        function.doc.as_deref(),
    ));
    let why_none = match inputs::type_inputs(shapes, target_fn, function) {
        Ok(typed) => {
            found.extend(typed);
            None
        }
        Err(why) => why,
    };
    let inputs = inputs::dedup(found);
    if inputs.is_empty() {
        let why = why_none.map_or(String::new(), |w| format!(" ({w})"));
        return Err(Refusal::Unsupported(format!(
            "no inputs for `{}`: no calls with literal arguments, no examples, and parameter types that give no values{why}",
            function.name
        )));
    }
    Ok(inputs)
}

fn check_framework(language: Language, framework: Framework) -> Result<(), Refusal> {
    let ok = match language {
        Language::Python => matches!(framework, Framework::Pytest | Framework::Unittest),
        Language::Go => framework == Framework::GoTest,
        Language::Rust => framework == Framework::RustTest,
        Language::JavaScript | Language::TypeScript | Language::Tsx => matches!(
            framework,
            Framework::Vitest | Framework::Jest | Framework::NodeTest
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(Refusal::Unsupported(format!(
            "cannot write {} tests for {} code",
            framework.name(),
            language.name()
        )))
    }
}

/// The function's text from its start to the end of its signature (the first line break after
/// the name that closes the parameter list, or a bounded prefix).
fn header_text(text: &str, range: TextRange, name: TextRange) -> String {
    let start = range.start as usize;
    let from = name.end as usize;
    let end = (range.end as usize).min(text.len());
    let slice = text.get(from..end).unwrap_or("");
    // Up to the body's opening: `{` (C-like languages) or `:` at the end of a line (Python).
    let mut depth = 0i32;
    let mut stop = slice.len();
    for (i, c) in slice.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '{' if depth == 0 => {
                stop = i;
                break;
            }
            ':' if depth == 0 && slice[i + 1..].starts_with('\n') => {
                stop = i;
                break;
            }
            _ => {}
        }
    }
    text.get(start..from + stop).unwrap_or("").to_owned()
}

/// Splits `text` at `at` (a byte offset on a char boundary) for an insertion edit.
fn insert(at: usize, new: String) -> (TextRange, String) {
    (TextRange::new(at as TextSize, at as TextSize), new)
}

/// The relative path from directory `from` to `to`, with `/` separators.
pub(crate) fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to_c: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..from.len() {
        parts.push("..".to_owned());
    }
    for c in &to_c[common..] {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    let joined = parts.join("/");
    if joined.starts_with("..") {
        joined
    } else {
        format!("./{joined}")
    }
}

/// Joins insertions at the same offset into one, in order, so that every client applies them
/// in the same order.
fn merge_inserts(edits: Vec<(TextRange, String)>) -> Vec<(TextRange, String)> {
    let mut out: Vec<(TextRange, String)> = Vec::new();
    for (range, text) in edits {
        match out
            .iter_mut()
            .find(|(r, _)| r.is_empty() && range.is_empty() && r.start == range.start)
        {
            Some((_, existing)) => existing.push_str(&text),
            None => out.push((range, text)),
        }
    }
    out
}
