//! Python: pytest functions with plain `assert`s and `pytest.raises`, or a `unittest.TestCase`
//! class; probes are scripts run by the project's interpreter.

use std::path::{Path, PathBuf};

use syntax::Framework;

use super::{
    ImportSource, Input, Outcome, RenderedTest, Run, RunnerCommand, ScratchFile, TestPlan, insert,
};
use crate::assists::FileEdit;

/// The directory the module's dotted name is relative to (`/p` for `/p/shop/pricing.py` as
/// `shop.pricing`): where imports resolve and runners start.
pub(crate) fn import_root(plan: &TestPlan) -> PathBuf {
    let depth = if plan.module.is_empty() {
        1
    } else {
        plan.module.split('.').count()
            + usize::from(
                plan.source_path
                    .file_name()
                    .is_some_and(|n| n == "__init__.py"),
            )
    };
    plan.source_path
        .ancestors()
        .nth(depth)
        .unwrap_or(Path::new("/"))
        .to_owned()
}

fn call(plan: &TestPlan, input: &Input) -> String {
    format!("{}({})", plan.callee(), input.args.join(", "))
}

pub(crate) fn probe(plan: &TestPlan, tag: &str) -> Run {
    let root = import_root(plan);
    let mut s = String::new();
    s.push_str(PROBE_PRELUDE);
    match &plan.receiver {
        // A method: called on a value of its class, built as the test builds it.
        Some(r) => s.push_str(&format!(
            "from {} import {}\n",
            module_path(plan),
            r.type_name
        )),
        None => s.push_str(&format!(
            "from {} import {} as _target\n",
            module_path(plan),
            plan.function.name
        )),
    }
    for (module, names) in import_groups(plan, &plan.inputs, &[]) {
        let names: Vec<&String> = names
            .iter()
            .filter(|n| **n != plan.import_name() || module != module_path(plan))
            .collect();
        if !names.is_empty() {
            let names: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
            s.push_str(&format!("from {module} import {}\n", names.join(", ")));
        }
    }
    s.push('\n');
    for (i, input) in plan.inputs.iter().enumerate() {
        let callee = if plan.receiver.is_some() {
            plan.callee()
        } else {
            "_target".to_owned()
        };
        s.push_str(&format!(
            "_case({i}, lambda: {callee}({}))\n",
            input.args.join(", ")
        ));
    }
    s.push_str(PROBE_END);
    let script = root.join(format!(".testlens_probe_{tag}.py"));
    Run {
        files: vec![ScratchFile {
            path: script.clone(),
            text: s,
        }],
        command: RunnerCommand::PythonScript { root, script },
    }
}

fn module_path(plan: &TestPlan) -> String {
    if plan.module.is_empty() {
        plan.source_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        plan.module.clone()
    }
}

const PROBE_PRELUDE: &str = r#"# Written by testlens to record what a function returns; removed after the run.
import ast as _ast
import json as _json
import math as _math
import os as _os

_out = []


def _literal(value):
    if isinstance(value, float) and (_math.isnan(value) or _math.isinf(value)):
        return None
    try:
        text = repr(value)
        back = _ast.literal_eval(text)
    except Exception:
        return None
    if type(back) is type(value) and back == value:
        return text
    return None


def _case(i, thunk):
    try:
        value = thunk()
    except Exception as err:
        kind = type(err).__name__
        if type(err).__module__ != "builtins":
            kind = type(err).__module__ + "." + kind
        _out.append({"i": i, "kind": "raises", "type": kind, "message": str(err)})
        return
    text = _literal(value)
    if text is None:
        _out.append({"i": i, "kind": "skip", "why": type(value).__name__})
    else:
        _out.append({"i": i, "kind": "value", "lit": text})


"#;

const PROBE_END: &str = r#"
with open(_os.environ["TESTLENS_PROBE_OUT"], "w", encoding="utf-8") as _f:
    for _o in _out:
        _f.write(_json.dumps(_o) + "\n")
"#;

/// The exception class to name in the test: builtins by name, the module's own by import,
/// anything else as `Exception`.
fn exception(plan: &TestPlan, kind: &str) -> (String, Option<String>) {
    match kind.rsplit_once('.') {
        None => (kind.to_owned(), None),
        Some((module, name)) if module == module_path(plan) => {
            (name.to_owned(), Some(name.to_owned()))
        }
        Some(_) => ("Exception".to_owned(), None),
    }
}

/// A regular expression matching `message` exactly as a substring, as a raw string literal;
/// `None` where the message is too long or awkward to quote.
fn match_pattern(message: &str) -> Option<String> {
    if message.len() > 120
        || message.contains(['\n', '\r', '\\', '"'])
        || message.contains("0x")
        || message.is_empty()
    {
        return None;
    }
    let mut out = String::from("r\"");
    for c in message.chars() {
        if ".^$*+?{}[]|()".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    Some(out)
}

/// The assertion that `call` gives `lit`: `assert f(1) == 2`, `self.assertEqual(f(1), 2)`.
pub(crate) fn value_assertion(unittest: bool, call: &str, lit: &str) -> String {
    match (unittest, lit) {
        (false, "None" | "True" | "False") => format!("assert {call} is {lit}"),
        (false, _) => format!("assert {call} == {lit}"),
        (true, "None") => format!("self.assertIsNone({call})"),
        (true, "True") => format!("self.assertIs({call}, True)"),
        (true, "False") => format!("self.assertIs({call}, False)"),
        (true, _) => format!("self.assertEqual({call}, {lit})"),
    }
}

pub(crate) fn render(
    plan: &TestPlan,
    cases: &[(&Input, &Outcome)],
    tag: &str,
) -> Result<RenderedTest, String> {
    let unittest = plan.framework == Framework::Unittest;
    let indent = if unittest { "        " } else { "    " };
    let mut body = String::new();
    let mut extra_imports: Vec<String> = Vec::new();
    let mut uses_pytest = false;
    for (input, outcome) in cases {
        let call = call(plan, input);
        match outcome {
            // Only Rust observes Debug texts.
            Outcome::Debug(_) => continue,
            Outcome::Value(lit) => {
                let line = value_assertion(unittest, &call, lit);
                body.push_str(&format!("{indent}{line}\n"));
            }
            Outcome::Raises { kind, message } => {
                let (class, import) = exception(plan, kind);
                extra_imports.extend(import);
                let pattern = message.as_deref().and_then(match_pattern);
                let with = match (unittest, pattern) {
                    (false, Some(p)) => format!("pytest.raises({class}, match={p})"),
                    (false, None) => format!("pytest.raises({class})"),
                    (true, Some(p)) => format!("self.assertRaisesRegex({class}, {p})"),
                    (true, None) => format!("self.assertRaises({class})"),
                };
                uses_pytest |= !unittest;
                body.push_str(&format!("{indent}with {with}:\n{indent}    {call}\n"));
            }
        }
    }
    let code = if unittest {
        format!(
            "class {}(unittest.TestCase):\n    def test_{}(self):\n{body}",
            plan.test_name, plan.function.name
        )
    } else {
        format!("def {}():\n{body}", plan.test_name)
    };
    let groups = import_groups(plan, cases.iter().map(|(i, _)| *i), &extra_imports);
    let framework_import = if unittest {
        Some("unittest")
    } else if uses_pytest {
        Some("pytest")
    } else {
        None
    };

    // The edit to the target file.
    let target = &plan.target;
    let mut edits = Vec::new();
    if target.exists {
        edits.extend(import_edits(&target.text, &groups, framework_import));
        let text = &target.text;
        let sep = if text.is_empty() || text.ends_with("\n\n\n") {
            ""
        } else if text.ends_with("\n\n") {
            "\n"
        } else if text.ends_with('\n') {
            "\n\n"
        } else {
            "\n\n\n"
        };
        edits.push(insert(text.len(), format!("{sep}{code}")));
    } else {
        edits.push(insert(0, standalone(&groups, framework_import, &code)));
    }

    // The standalone copy, beside the target so that the same conftest applies.
    let dir = target.path.parent().unwrap_or(Path::new("/"));
    let stem = plan
        .target
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let check_path = dir.join(format!(
        "{}_testlens_{tag}.py",
        if stem.starts_with("test_") {
            stem
        } else {
            format!("test_{stem}")
        }
    ));
    let root = import_root(plan);
    let command = if unittest {
        RunnerCommand::Unittest {
            root,
            test_id: check_path.to_string_lossy().into_owned(),
        }
    } else {
        RunnerCommand::Pytest {
            root,
            node_id: format!("{}::{}", check_path.to_string_lossy(), plan.test_name),
        }
    };
    Ok(RenderedTest {
        edits: vec![FileEdit {
            path: target.path.clone(),
            create: !target.exists,
            edits: super::merge_inserts(edits),
        }],
        check: Run {
            files: vec![ScratchFile {
                path: check_path,
                text: standalone(&groups, framework_import, &code),
            }],
            command,
        },
        code,
        cases: cases.len(),
    })
}

/// The names the test imports, by module: first the function's module (the function, the
/// module's own exceptions and records), then the other modules the inputs need, by name.
fn import_groups<'a>(
    plan: &TestPlan,
    inputs: impl IntoIterator<Item = &'a Input>,
    extra: &[String],
) -> Vec<(String, Vec<String>)> {
    let module = module_path(plan);
    let mut own = vec![plan.import_name().to_owned()];
    own.extend(extra.iter().cloned());
    let mut others: Vec<(String, Vec<String>)> = Vec::new();
    for import in plan.input_imports(inputs) {
        let ImportSource::Module(from) = &import.from else {
            continue;
        };
        if *from == module {
            own.push(import.name.clone());
            continue;
        }
        match others.iter_mut().find(|(m, _)| m == from) {
            Some((_, names)) => names.push(import.name.clone()),
            None => others.push((from.clone(), vec![import.name.clone()])),
        }
    }
    own.sort();
    own.dedup();
    let mut groups = vec![(module, own)];
    for (m, mut names) in others {
        names.sort();
        names.dedup();
        groups.push((m, names));
    }
    groups
}

fn standalone(groups: &[(String, Vec<String>)], framework: Option<&str>, code: &str) -> String {
    let mut s = String::new();
    if let Some(f) = framework {
        s.push_str(&format!("import {f}\n\n"));
    }
    for (module, names) in groups {
        s.push_str(&format!("from {module} import {}\n", names.join(", ")));
    }
    s.push_str(&format!("\n\n{code}"));
    s
}

/// Adds each group's names to the file's `from module import ...` (or a new import line after
/// the last top-level import), and `import framework` where missing. A name the file already
/// imports (from any module) is not imported again.
fn import_edits(
    text: &str,
    groups: &[(String, Vec<String>)],
    framework: Option<&str>,
) -> Vec<(syntax::TextRange, String)> {
    let mut edits = Vec::new();
    let mut offset = 0usize;
    let mut last_import_end: Option<usize> = None;
    // Each top-level import statement: its start, its first line, and its whole text.
    let mut statements: Vec<(usize, &str, String)> = Vec::new();
    let mut has_framework = framework.is_none();
    let mut in_parens = false;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if in_parens {
            if let Some((_, _, whole)) = statements.last_mut() {
                whole.push_str(line);
            }
            if line.contains(')') {
                in_parens = false;
                last_import_end = Some(offset);
            }
            continue;
        }
        if line.starts_with("import ") || line.starts_with("from ") {
            statements.push((start, line, line.to_owned()));
            if line.contains('(') && !line.contains(')') {
                in_parens = true;
                continue;
            }
            last_import_end = Some(offset);
            if let Some(f) = framework
                && (line.trim_end() == format!("import {f}")
                    || line.starts_with(&format!("import {f},"))
                    || line.starts_with(&format!("import {f} ")))
            {
                has_framework = true;
            }
        }
    }
    let bound: Vec<String> = statements
        .iter()
        .flat_map(|(_, _, whole)| bound_names(whole))
        .collect();
    for (module, names) in groups {
        let missing: Vec<&String> = names.iter().filter(|n| !bound.contains(n)).collect();
        if missing.is_empty() {
            continue;
        }
        let from_line = statements
            .iter()
            .find(|(_, line, _)| line.starts_with(&format!("from {module} import")));
        match from_line {
            Some((start, line, _)) => {
                if line.contains('(') {
                    // `from m import (` ... `)`: after the opening parenthesis.
                    let at = start + line.find('(').unwrap_or(0) + 1;
                    let add: String = missing.iter().map(|n| format!("{n}, ")).collect();
                    edits.push(insert(at, add));
                } else {
                    let add: String = missing.iter().map(|n| format!(", {n}")).collect();
                    let body = line.trim_end_matches(['\n', '\r']);
                    let body = body.split('#').next().unwrap_or(body).trim_end();
                    edits.push(insert(start + body.len(), add));
                }
            }
            None => {
                let at = last_import_end.unwrap_or_else(|| after_docstring(text));
                let names: Vec<&str> = missing.iter().map(|n| n.as_str()).collect();
                edits.push(insert(
                    at,
                    format!("from {module} import {}\n", names.join(", ")),
                ));
            }
        }
    }
    if !has_framework && let Some(f) = framework {
        let at = text
            .split_inclusive('\n')
            .scan(0usize, |o, l| {
                let s = *o;
                *o += l.len();
                Some((s, l))
            })
            .find(|(_, l)| l.starts_with("import ") || l.starts_with("from "))
            .map_or_else(|| after_docstring(text), |(s, _)| s);
        edits.push(insert(at, format!("import {f}\n")));
    }
    edits
}

/// The names an import statement binds: `from m import a, b as c` binds `a` and `c`,
/// `import x.y` binds `x`.
fn bound_names(statement: &str) -> Vec<String> {
    let code: String = statement
        .lines()
        .map(|l| l.split('#').next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join(" ");
    let (list, dotted) = match code.split_once(" import ") {
        Some((head, list)) if head.trim_start().starts_with("from ") => (list, false),
        _ => match code.trim_start().strip_prefix("import ") {
            Some(list) => (list, true),
            None => return Vec::new(),
        },
    };
    list.split(',')
        .map(|item| item.trim().trim_matches(['(', ')', '\\']).trim())
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once(" as ") {
            Some((_, alias)) => alias.trim().to_owned(),
            None if dotted => item.split('.').next().unwrap_or(item).to_owned(),
            None => item.to_owned(),
        })
        .collect()
}

/// The offset after a module docstring (and the blank line after it), or 0.
fn after_docstring(text: &str) -> usize {
    let trimmed = text.trim_start();
    let lead = text.len() - trimmed.len();
    for q in ["\"\"\"", "'''"] {
        if let Some(rest) = trimmed.strip_prefix(q)
            && let Some(end) = rest.find(q)
        {
            let mut at = lead + q.len() + end + q.len();
            if let Some(nl) = text[at..].find('\n') {
                at += nl + 1;
            }
            if text[at..].starts_with('\n') {
                at += 1;
            }
            return at;
        }
    }
    0
}
