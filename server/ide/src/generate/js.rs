//! JavaScript and TypeScript: a `test(...)` with `expect` (Vitest, Jest) or `node:assert`
//! (node:test); probes are test files the project's own runner runs.

use std::path::Path;

use syntax::{Framework, Language, TextRange};

use super::{
    ImportSource, Input, Outcome, RenderedTest, Run, RunnerCommand, ScratchFile, TestPlan, insert,
    relative_path,
};
use crate::assists::FileEdit;

/// Whether `name` is exported from the module (ES `export`, CommonJS `module.exports`/`exports.`).
pub(crate) fn is_exported(text: &str, name: &str, range: TextRange) -> bool {
    let before = text.get(..range.start as usize).unwrap_or("");
    if before.trim_end().ends_with("export") || before.trim_end().ends_with("export default") {
        return true;
    }
    let own = text.get(range.as_usize()).unwrap_or("");
    if own.starts_with("export ") {
        return true;
    }
    for prefix in [
        "export function ",
        "export async function ",
        "export const ",
        "export let ",
    ] {
        if text.contains(&format!("{prefix}{name}")) {
            return true;
        }
    }
    if text.contains(&format!("exports.{name} ")) || text.contains(&format!("exports.{name}=")) {
        return true;
    }
    // `module.exports = { a, name, b }` and `export { a, name }`.
    for opener in ["module.exports = {", "module.exports={", "export {"] {
        if let Some(at) = text.find(opener) {
            let rest = &text[at + opener.len()..];
            let body = &rest[..rest.find('}').unwrap_or(rest.len())];
            if body
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .any(|w| w == name)
            {
                return true;
            }
        }
    }
    false
}

/// Whether the class `name` is exported (`export class`, `export default class`, an export list,
/// `module.exports`).
pub(crate) fn class_is_exported(text: &str, name: &str) -> bool {
    text.contains(&format!("export class {name}"))
        || text.contains(&format!("export default class {name}"))
        || text.contains(&format!("export abstract class {name}"))
        || is_exported(text, name, TextRange::new(0, 0))
}

/// CommonJS (`require`/`module.exports`) rather than ES modules.
fn is_commonjs(plan: &TestPlan) -> bool {
    if plan.language != Language::JavaScript {
        return false;
    }
    let ext = plan
        .source_path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    if ext == "cjs" {
        return true;
    }
    if ext == "mjs" {
        return false;
    }
    let t = &plan.source_text;
    (t.contains("module.exports") || t.contains("exports.") || t.contains("require("))
        && !t
            .lines()
            .any(|l| l.starts_with("export ") || l.starts_with("import "))
}

/// The specifier to import the source module from a file in `dir`.
fn specifier(plan: &TestPlan, dir: &Path) -> String {
    file_specifier(plan, dir, &plan.source_path)
}

/// The specifier to import the module at `path` from a file in `dir`, in the project's style.
fn file_specifier(plan: &TestPlan, dir: &Path, path: &Path) -> String {
    let rel = relative_path(dir, path);
    let keep_extension = plan.language == Language::JavaScript && !is_commonjs(plan);
    if keep_extension {
        return rel;
    }
    match rel.rsplit_once('.') {
        Some((stem, ext))
            if ["ts", "tsx", "js", "cjs", "jsx"].contains(&ext) && !stem.ends_with('.') =>
        {
            stem.to_owned()
        }
        _ => rel,
    }
}

/// The names a test in `dir` imports, by specifier: first the source module's (the function and
/// the classes of that module the inputs build), then the other modules the inputs need.
fn import_groups<'a>(
    plan: &TestPlan,
    dir: &Path,
    inputs: impl IntoIterator<Item = &'a Input>,
) -> Vec<(String, Vec<String>)> {
    let mut groups = vec![(specifier(plan, dir), vec![plan.import_name().to_owned()])];
    for import in plan.input_imports(inputs) {
        let ImportSource::File(path) = &import.from else {
            continue;
        };
        let spec = file_specifier(plan, dir, path);
        match groups.iter_mut().find(|(s, _)| *s == spec) {
            Some((_, names)) => {
                if !names.contains(&import.name) {
                    names.push(import.name.clone());
                }
            }
            None => groups.push((spec, vec![import.name.clone()])),
        }
    }
    groups
}

/// The import lines of a new file for `groups`.
fn import_lines(groups: &[(String, Vec<String>)], cjs: bool) -> String {
    groups
        .iter()
        .map(|(spec, names)| import_line(spec, names, cjs))
        .collect()
}

fn import_line(spec: &str, names: &[String], cjs: bool) -> String {
    let names = names.join(", ");
    if cjs {
        format!("const {{ {names} }} = require({});\n", quote(spec))
    } else {
        format!("import {{ {names} }} from {};\n", quote(spec))
    }
}

fn call(plan: &TestPlan, input: &Input) -> String {
    format!("{}({})", plan.callee(), input.args.join(", "))
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The scratch test file beside the target: named so that the project's test globs match it.
fn scratch_path(plan: &TestPlan, tag: &str) -> std::path::PathBuf {
    let dir = plan.target.path.parent().unwrap_or(Path::new("/"));
    let ext = plan
        .target
        .path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "js".to_owned());
    let stem = plan
        .source_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!("{stem}.testlens-{tag}.test.{ext}"))
}

fn command(plan: &TestPlan, file: std::path::PathBuf) -> RunnerCommand {
    match plan.framework {
        Framework::Vitest => RunnerCommand::Vitest { file },
        Framework::Jest => RunnerCommand::Jest { file },
        _ => RunnerCommand::NodeTest { file },
    }
}

fn framework_header(plan: &TestPlan, cjs: bool) -> String {
    match plan.framework {
        Framework::Vitest => "import { expect, test } from \"vitest\";\n".to_owned(),
        Framework::NodeTest if cjs => "const { test } = require(\"node:test\");\nconst assert = require(\"node:assert/strict\");\n".to_owned(),
        Framework::NodeTest => "import { test } from \"node:test\";\nimport assert from \"node:assert/strict\";\n".to_owned(),
        _ => String::new(),
    }
}

pub(crate) fn probe(plan: &TestPlan, tag: &str) -> Run {
    let path = scratch_path(plan, tag);
    let dir = path.parent().unwrap_or(Path::new("/")).to_owned();
    let cjs = is_commonjs(plan);
    let spec = quote(&specifier(plan, &dir));
    let mut s = String::from(
        "// @ts-nocheck\n// Written by testlens to record what a function returns; removed after the run.\n",
    );
    match plan.framework {
        Framework::Vitest => s.push_str("import { test } from \"vitest\";\n"),
        Framework::NodeTest if cjs => s.push_str("const { test } = require(\"node:test\");\n"),
        Framework::NodeTest => s.push_str("import { test } from \"node:test\";\n"),
        _ => {}
    }
    if cjs {
        s.push_str(&format!(
            "const {{ writeFileSync }} = require(\"node:fs\");\nconst target = require({spec});\n"
        ));
    } else {
        s.push_str(&format!(
            "import {{ writeFileSync }} from \"node:fs\";\nimport * as target from {spec};\n"
        ));
    }
    if let Some(r) = &plan.receiver {
        s.push_str(&format!("const {{ {} }} = target;\n", r.type_name));
    }
    // The classes the inputs build (`target` only holds the function's module).
    let groups = import_groups(plan, &dir, &plan.inputs);
    for (spec, names) in &groups {
        let names: Vec<String> = names
            .iter()
            .filter(|n| **n != plan.import_name())
            .cloned()
            .collect();
        if !names.is_empty() {
            s.push_str(&import_line(spec, &names, cjs));
        }
    }
    s.push_str(PROBE_LITERAL);
    s.push_str("test(\"testlens probe\", async () => {\n  const out = [];\n  const cases = [\n");
    for input in &plan.inputs {
        let callee = match &plan.receiver {
            Some(_) => plan.callee(),
            None => format!("target.{}", plan.function.name),
        };
        s.push_str(&format!("    () => {callee}({}),\n", input.args.join(", ")));
    }
    s.push_str(PROBE_END);
    Run {
        files: vec![ScratchFile {
            path: path.clone(),
            text: s,
        }],
        command: command(plan, path),
    }
}

const PROBE_LITERAL: &str = r#"
function literal(v, depth = 0) {
  if (depth > 8) return null;
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  const t = typeof v;
  if (t === "number") return Number.isFinite(v) ? (Object.is(v, -0) ? "-0" : String(v)) : null;
  if (t === "string") return JSON.stringify(v);
  if (t === "boolean") return String(v);
  if (Array.isArray(v)) {
    const parts = [];
    for (let i = 0; i < v.length; i++) {
      const l = literal(v[i], depth + 1);
      if (l === null) return null;
      parts.push(l);
    }
    return "[" + parts.join(", ") + "]";
  }
  const proto = t === "object" ? Object.getPrototypeOf(v) : undefined;
  if (t === "object" && (proto === Object.prototype || proto === null)) {
    const parts = [];
    for (const [k, x] of Object.entries(v)) {
      const l = literal(x, depth + 1);
      if (l === null) return null;
      parts.push((/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)) + ": " + l);
    }
    return parts.length ? "{ " + parts.join(", ") + " }" : "{}";
  }
  return null;
}

"#;

const PROBE_END: &str = r#"  ];
  for (let i = 0; i < cases.length; i++) {
    try {
      let v = cases[i]();
      let awaited = false;
      if (v && typeof v.then === "function") {
        v = await v;
        awaited = true;
      }
      const l = literal(v);
      out.push(l === null ? { i, kind: "skip" } : { i, kind: "value", lit: l, awaited });
    } catch (e) {
      const message = e && e.message !== undefined ? String(e.message) : String(e);
      out.push({ i, kind: "raises", type: (e && e.name) || "Error", message });
    }
  }
  writeFileSync(process.env.TESTLENS_PROBE_OUT, out.map((o) => JSON.stringify(o)).join("\n") + "\n");
});
"#;

fn is_primitive(lit: &str) -> bool {
    !(lit.starts_with('[') || lit.starts_with('{'))
}

/// The assertion that `call` gives `lit`: `expect(f(1)).toBe(2);` (Vitest, Jest), or
/// `assert.strictEqual(f(1), 2);` (node:test, `node:assert/strict`).
pub(crate) fn value_assertion(node: bool, call: &str, lit: &str) -> String {
    match (node, is_primitive(lit)) {
        (false, true) => format!("expect({call}).toBe({lit});"),
        (false, false) => format!("expect({call}).toEqual({lit});"),
        (true, true) => format!("assert.strictEqual({call}, {lit});"),
        (true, false) => format!("assert.deepStrictEqual({call}, {lit});"),
    }
}

pub(crate) fn render(
    plan: &TestPlan,
    cases: &[(&Input, &Outcome)],
    tag: &str,
) -> Result<RenderedTest, String> {
    let node = plan.framework == Framework::NodeTest;
    let is_async = plan.function.is_async;
    let mut body = String::new();
    for (input, outcome) in cases {
        let call = call(plan, input);
        let line = match (node, outcome, is_async) {
            // Only Rust observes Debug texts.
            (_, Outcome::Debug(_), _) => continue,
            (false, Outcome::Value(lit), false) => value_assertion(false, &call, lit),
            (false, Outcome::Value(lit), true) if is_primitive(lit) => {
                format!("await expect({call}).resolves.toBe({lit});")
            }
            (false, Outcome::Value(lit), true) => {
                format!("await expect({call}).resolves.toEqual({lit});")
            }
            (false, Outcome::Raises { message, .. }, false) => match message {
                Some(m) => format!("expect(() => {call}).toThrow({});", quote(m)),
                None => format!("expect(() => {call}).toThrow();"),
            },
            (false, Outcome::Raises { message, .. }, true) => match message {
                Some(m) => format!("await expect({call}).rejects.toThrow({});", quote(m)),
                None => format!("await expect({call}).rejects.toThrow();"),
            },
            (true, Outcome::Value(lit), a) => {
                let call = if a { format!("await {call}") } else { call };
                value_assertion(true, &call, lit)
            }
            (true, Outcome::Raises { message, .. }, a) => {
                let expected = match message {
                    Some(m) => format!(", {{ message: {} }}", quote(m)),
                    None => String::new(),
                };
                if a {
                    format!("await assert.rejects({call}{expected});")
                } else {
                    format!("assert.throws(() => {call}{expected});")
                }
            }
        };
        body.push_str(&format!("  {line}\n"));
    }
    let arrow = if is_async { "async () =>" } else { "() =>" };
    let code = format!("test({}, {arrow} {{\n{body}}});\n", quote(&plan.test_name));

    let cjs = is_commonjs(plan);
    let target = &plan.target;
    let dir = target.path.parent().unwrap_or(Path::new("/"));
    let inputs: Vec<&Input> = cases.iter().map(|(i, _)| *i).collect();
    let groups = import_groups(plan, dir, inputs.iter().copied());
    let header = framework_header(plan, cjs);
    let mut edits = Vec::new();
    if target.exists {
        edits.extend(import_edits(plan, &target.text, &groups, cjs));
        let text = &target.text;
        let sep = if text.is_empty() || text.ends_with("\n\n") {
            ""
        } else if text.ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        edits.push(insert(text.len(), format!("{sep}{code}")));
    } else {
        let strict = if cjs { "\"use strict\";\n\n" } else { "" };
        let lines = import_lines(&groups, cjs);
        edits.push(insert(0, format!("{strict}{header}{lines}\n{code}")));
    }
    let check_path = scratch_path(plan, tag);
    let check_groups = import_groups(
        plan,
        check_path.parent().unwrap_or(Path::new("/")),
        inputs.iter().copied(),
    );
    let check_import = import_lines(&check_groups, cjs);
    Ok(RenderedTest {
        edits: vec![FileEdit {
            path: target.path.clone(),
            create: !target.exists,
            edits: super::merge_inserts(edits),
        }],
        check: Run {
            files: vec![ScratchFile {
                path: check_path.clone(),
                text: format!("{header}{check_import}\n{code}"),
            }],
            command: command(plan, check_path),
        },
        code,
        cases: cases.len(),
    })
}

/// The import of the function (added to the existing import or require of the module, or a
/// new one after the last import), and the framework's own imports where missing.
fn import_edits(
    plan: &TestPlan,
    text: &str,
    groups: &[(String, Vec<String>)],
    cjs: bool,
) -> Vec<(TextRange, String)> {
    let mut edits = Vec::new();
    let mut after_imports = 0usize;
    let mut offset = 0usize;
    let mut pending_multiline = false;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        let t = line.trim_start();
        let starts = t.starts_with("import ")
            || (t.starts_with("const ") && t.contains("require("))
            || t.starts_with("\"use strict\"")
            || t.starts_with("'use strict'");
        if starts || pending_multiline {
            if (t.starts_with("import {") || t.starts_with("const {")) && !t.contains('}') {
                pending_multiline = true;
            } else if pending_multiline && t.contains('}') {
                pending_multiline = false;
            }
            after_imports = offset;
        } else if t.starts_with('}') && pending_multiline {
            pending_multiline = false;
            after_imports = offset;
        }
    }
    for (spec, names) in groups {
        // The existing import of the module.
        let mut imported = false;
        for quote_char in ['"', '\''] {
            let needle = format!("{quote_char}{spec}{quote_char}");
            let needle_ext = format!("{quote_char}{spec}.");
            let at = text.find(&needle).or_else(|| {
                text.find(&needle_ext)
                    .filter(|_| !spec.ends_with(".js") && !spec.ends_with(".ts"))
            });
            let Some(at) = at else { continue };
            // The braces before the specifier: `import { a } from "x"` / `const { a } = require("x")`.
            let before = &text[..at];
            let Some(close) = before.rfind('}') else {
                continue;
            };
            let Some(open) = before[..close].rfind('{') else {
                continue;
            };
            let between = &text[close + 1..at];
            if !(between.contains("from") || between.contains("require")) {
                continue;
            }
            imported = true;
            let inside = &text[open + 1..close];
            let missing: Vec<&str> = names
                .iter()
                .filter(|name| {
                    !inside
                        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                        .any(|w| w == name.as_str())
                })
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                edits.push(add_to_braces(text, open, close, &missing.join(", ")));
            }
            break;
        }
        if !imported {
            edits.push(insert(after_imports, import_line(spec, names, cjs)));
        }
    }
    match plan.framework {
        Framework::Vitest => {
            if let Some(at) = text
                .find("from \"vitest\"")
                .or_else(|| text.find("from 'vitest'"))
            {
                let before = &text[..at];
                if let (Some(close), Some(open)) = (before.rfind('}'), before.rfind('{')) {
                    let inside = &text[open + 1..close];
                    for wanted in ["expect", "test"] {
                        let present = inside
                            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .any(|w| w == wanted);
                        if !present {
                            edits.push(add_to_braces(text, open, close, wanted));
                        }
                    }
                }
            } else {
                edits.push(insert(
                    0,
                    "import { expect, test } from \"vitest\";\n".to_owned(),
                ));
            }
        }
        Framework::NodeTest => {
            if !text.contains("node:test") {
                edits.push(insert(0, framework_header(plan, cjs)));
            } else if !text.contains("node:assert") {
                let line = if cjs {
                    "const assert = require(\"node:assert/strict\");\n"
                } else {
                    "import assert from \"node:assert/strict\";\n"
                };
                edits.push(insert(after_imports, line.to_owned()));
            }
        }
        _ => {}
    }
    edits
}

/// Adds `name` to the list between the braces at `open` and `close`, in the list's own style
/// (one line, or one name per line with a trailing comma).
fn add_to_braces(text: &str, open: usize, close: usize, name: &str) -> (TextRange, String) {
    let inside = &text[open + 1..close];
    let trimmed = inside.trim_end();
    if trimmed.is_empty() {
        return insert(open + 1, format!(" {name} "));
    }
    let last = open + 1 + trimmed.len();
    if trimmed.ends_with(',') {
        // Multi-line with a trailing comma: a new line in the same indentation.
        let indent: String = inside
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .map(|l| l.chars().take_while(|c| c.is_whitespace()).collect())
            .unwrap_or_default();
        if inside.contains('\n') {
            return insert(last, format!("\n{indent}{name},"));
        }
        return insert(last, format!(" {name},"));
    }
    insert(last, format!(", {name}"))
}
