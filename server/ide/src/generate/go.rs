//! Go: a table-driven test with `t.Run` per case in `<file>_test.go`; probes are tests of the
//! same package run by `go test`.

use std::path::Path;

use super::inputs::{is_identifier, split_top};
use super::{Input, Outcome, RenderedTest, Run, RunnerCommand, ScratchFile, TestPlan, insert};
use crate::assists::FileEdit;

/// The package clause of Go source.
fn package(text: &str) -> String {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("package "))
        .map(|p| p.trim().to_owned())
        .unwrap_or_else(|| "main".to_owned())
}

/// How the test file refers to the package under test: its own package (`package shop`), or an
/// external test package (`package shop_test`) that imports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TestPackage {
    /// The test file's package clause.
    pub clause: String,
    /// The name that qualifies the package's identifiers (`shop`, or the import's alias);
    /// `None` in the package itself or through a dot import.
    pub qualifier: Option<String>,
    /// The import spec of the package under test (`"example.com/shop"`, `s "example.com/shop"`),
    /// for an external test package.
    pub import: Option<String>,
}

/// The package of the target test file: an existing `<file>_test.go` in `package <pkg>_test`
/// makes the test external; its import of the package (the path ending in the package's
/// directory name, or imported under an alias that is the package name) says how to qualify.
pub(crate) fn test_package(plan: &TestPlan) -> Result<TestPackage, String> {
    let pkg = package(&plan.source_text);
    let internal = TestPackage {
        clause: pkg.clone(),
        qualifier: None,
        import: None,
    };
    if !plan.target.exists {
        return Ok(internal);
    }
    let clause = package(&plan.target.text);
    if clause != format!("{pkg}_test") {
        return Ok(internal);
    }
    let dir_name = plan
        .source_path
        .parent()
        .and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for spec in import_specs(&plan.target.text) {
        let (alias, path) = match spec.split_once(char::is_whitespace) {
            Some((alias, path)) => (Some(alias.trim()), path.trim()),
            None => (None, spec.as_str()),
        };
        let path = path.trim_matches('"');
        let last = path.rsplit('/').next().unwrap_or(path);
        let named = alias.is_some_and(|a| a == pkg) || last == pkg || last == dir_name;
        if !named || alias == Some("_") {
            continue;
        }
        let qualifier = match alias {
            Some(".") => None,
            Some(a) => Some(a.to_owned()),
            None => Some(pkg.clone()),
        };
        return Ok(TestPackage {
            clause,
            qualifier,
            import: Some(spec.clone()),
        });
    }
    Err(format!(
        "{} is in package {clause} but does not import package {pkg}; import it there first",
        plan.target
            .path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ))
}

/// The import specs of Go source (`"fmt"`, `s "example.com/shop"`), from single imports and
/// import blocks.
fn import_specs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        if in_block {
            if line.starts_with(')') {
                in_block = false;
            } else if !line.is_empty() {
                out.push(line.to_owned());
            }
        } else if line == "import (" {
            in_block = true;
        } else if let Some(spec) = line.strip_prefix("import ") {
            out.push(spec.trim().to_owned());
        }
    }
    out
}

/// `code` with the package's exported identifiers qualified (`Item{Name: "a"}` →
/// `shop.Item{Name: "a"}`): every capitalised identifier that is not already a selector
/// (`x.Name`) or a composite literal's key (`Name:`), outside string literals.
pub(crate) fn qualify(code: &str, qualifier: Option<&str>) -> String {
    let Some(q) = qualifier else {
        return code.to_owned();
    };
    let mut out = String::with_capacity(code.len() + 8);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let chars: Vec<(usize, char)> = code.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        if let Some(open) = quote {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' && open != '`' {
                escaped = true;
            } else if c == open {
                quote = None;
            }
            k += 1;
            continue;
        }
        if c == '"' || c == '`' || c == '\'' {
            quote = Some(c);
            out.push(c);
            k += 1;
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            let mut end = k;
            while end < chars.len() && (chars[end].1.is_alphanumeric() || chars[end].1 == '_') {
                end += 1;
            }
            let stop = chars.get(end).map_or(code.len(), |(j, _)| *j);
            let word = &code[start..stop];
            let selector = code[..start].trim_end().ends_with('.');
            let rest = code[stop..].trim_start();
            let key = rest.starts_with(':') && !rest.starts_with(":=");
            if c.is_uppercase() && !selector && !key {
                out.push_str(q);
                out.push('.');
            }
            out.push_str(word);
            k = end;
            continue;
        }
        out.push(c);
        k += 1;
    }
    out
}

/// The function's results: the value type (if any) and whether the last result is an `error`.
pub(crate) fn results(ret: Option<&str>) -> Result<(Option<String>, bool), String> {
    let Some(ret) = ret.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok((None, false));
    };
    let inner = ret
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(ret);
    let types: Vec<String> = split_top(inner, ',')
        .into_iter()
        .map(|t| {
            let t = t.trim();
            // Named results: `n int`.
            match t.split_once(' ') {
                Some((name, ty)) if is_identifier(name) => ty.trim().to_owned(),
                _ => t.to_owned(),
            }
        })
        .collect();
    match types.as_slice() {
        [one] if one == "error" => Ok((None, true)),
        [one] => Ok((Some(one.clone()), false)),
        [value, err] if err == "error" => Ok((Some(value.clone()), true)),
        _ => Err(format!(
            "functions returning {ret} are not supported (one value, optionally with an error)"
        )),
    }
}

fn call(plan: &TestPlan, args: &[String]) -> String {
    format!("{}({})", plan.callee(), args.join(", "))
}

fn qualified_call(plan: &TestPlan, qualifier: Option<&str>, args: &[String]) -> String {
    match (qualifier, &plan.receiver) {
        // `(&Cart{}).Total(tt.k)` → `(&shop.Cart{}).Total(tt.k)`.
        (Some(_), Some(_)) => qualify(&call(plan, args), qualifier),
        (Some(q), None) => format!("{q}.{}({})", plan.function.name, args.join(", ")),
        (None, _) => call(plan, args),
    }
}

pub(crate) fn probe(plan: &TestPlan, tag: &str) -> Run {
    let dir = plan
        .source_path
        .parent()
        .unwrap_or(Path::new("/"))
        .to_owned();
    let name = format!("TestTestlensProbe{tag}");
    let (value, has_err) = results(plan.function.return_type.as_deref()).unwrap_or((None, false));
    let mut s = format!(
        "// Written by testlens to record what a function returns; removed after the run.\npackage {}\n\n",
        package(&plan.source_text)
    );
    s.push_str(PROBE_HEAD.replace("NAME", &name).as_str());
    for (i, input) in plan.inputs.iter().enumerate() {
        let call = call(plan, &input.args);
        let body = match (value.is_some(), has_err) {
            (true, true) => format!("return {call}"),
            (true, false) => format!("return {call}, nil"),
            (false, true) => format!("return nil, {call}"),
            (false, false) => format!("{call}\n\t\treturn nil, nil"),
        };
        s.push_str(&format!(
            "\trecord({i}, func() (interface{{}}, error) {{\n\t\t{body}\n\t}})\n"
        ));
    }
    s.push_str("}\n");
    let path = dir.join(format!("zz_testlens_{tag}_test.go"));
    Run {
        files: vec![ScratchFile {
            path: path.clone(),
            text: s,
        }],
        command: RunnerCommand::GoTest { dir, name },
    }
}

const PROBE_HEAD: &str = r#"import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

func NAME(t *testing.T) {
	f, err := os.Create(os.Getenv("TESTLENS_PROBE_OUT"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	record := func(i int, call func() (interface{}, error)) {
		defer func() {
			if r := recover(); r != nil {
				_ = enc.Encode(map[string]interface{}{"i": i, "kind": "skip", "why": fmt.Sprint(r)})
			}
		}()
		v, err := call()
		if err != nil {
			_ = enc.Encode(map[string]interface{}{"i": i, "kind": "raises", "type": "error", "message": err.Error()})
			return
		}
		_ = enc.Encode(map[string]interface{}{"i": i, "kind": "value", "lit": fmt.Sprintf("%#v", v)})
	}
"#;

/// `%#v` qualifies the package's own types (`shop.Item{...}`); in the package's test they are
/// written without it. Only outside string literals.
pub(crate) fn unqualify(lit: &str, package: &str) -> String {
    let prefix = format!("{package}.");
    let mut out = String::with_capacity(lit.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut i = 0;
    while i < lit.len() {
        let c = lit[i..].chars().next().unwrap_or(' ');
        if let Some(q) = quote {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            i += c.len_utf8();
            continue;
        }
        if c == '"' || c == '`' || c == '\'' {
            quote = Some(c);
        }
        let boundary = out
            .chars()
            .last()
            .is_none_or(|p| !(p.is_alphanumeric() || p == '_' || p == '.'));
        if boundary && lit[i..].starts_with(&prefix) {
            i += prefix.len();
            continue;
        }
        out.push(c);
        i += c.len_utf8();
    }
    // `%#v` prints `interface {}(nil)` for a nil value in an interface.
    if out == "interface {}(nil)" {
        return "nil".to_owned();
    }
    out
}

/// An argument as a case's name: strings without their quotes, composite literals without
/// their field names, quotes and spaces (`Item{Name: "a", Qty: 1}` → `Item{a,1}`).
fn case_label(arg: &str) -> String {
    if !arg.contains('{') {
        return arg.trim_matches(['"', '`']).to_owned();
    }
    let mut out = String::with_capacity(arg.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut at_field = false;
    let chars: Vec<char> = arg.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if let Some(q) = quote {
            if escaped {
                escaped = false;
                out.push(c);
            } else if c == '\\' {
                escaped = true;
                out.push(c);
            } else if c == q {
                quote = None;
            } else {
                out.push(c);
            }
            continue;
        }
        match c {
            '"' | '`' => quote = Some(c),
            ' ' | '\t' => continue,
            '{' | ',' => {
                out.push(c);
                at_field = true;
                continue;
            }
            _ if at_field && (c.is_alphabetic() || c == '_') => {
                // `Name:` right after `{` or `,` is a field name: leave it out.
                let mut j = i;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if chars.get(j) == Some(&':') {
                    i = j + 1;
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
        at_field = false;
    }
    out
}

fn comparable(ty: &str, source: &str) -> bool {
    match ty {
        "int" | "int8" | "int16" | "int32" | "int64" | "uint" | "uint8" | "uint16" | "uint32"
        | "uint64" | "float32" | "float64" | "string" | "bool" | "rune" | "byte" => true,
        t if is_identifier(t) => {
            // A named type: comparable with `!=` unless it is a struct (fields may not be).
            !source.contains(&format!("type {t} struct"))
        }
        _ => false,
    }
}

/// The assertion, written into an existing test whose `*testing.T` is `t`, that `subject` (the
/// call itself, or the variable it was assigned to) gives `outcome`; `shown` is the call as the
/// message names it. Only a value returned without an error can be asserted.
pub(crate) fn assertion(
    plan: &TestPlan,
    subject: &str,
    shown: &str,
    outcome: &Outcome,
    t: &str,
) -> Option<super::Assertion> {
    let Outcome::Value(lit) = outcome else {
        return None;
    };
    let (Some(ty), has_err) = results(plan.function.return_type.as_deref()).ok()? else {
        return None;
    };
    let q = test_package(plan).ok()?.qualifier;
    let want = qualify(&unqualify(lit, &package(&plan.source_text)), q.as_deref());
    let mut imports = Vec::new();
    let differs = |got: &str, imports: &mut Vec<String>| {
        if comparable(&ty, &plan.source_text) {
            format!("{got} != {want}")
        } else {
            imports.push("\"reflect\"".to_owned());
            format!("!reflect.DeepEqual({got}, {want})")
        }
    };
    let message = shown
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('%', "%%");
    let lines = match (subject == shown, has_err) {
        (true, false) => {
            let cond = differs("got", &mut imports);
            vec![
                format!("if got := {subject}; {cond} {{"),
                format!("\t{t}.Errorf(\"{message} = %#v, want %#v\", got, {want})"),
                "}".to_owned(),
            ]
        }
        (true, true) => {
            let cond = differs("got", &mut imports);
            vec![
                format!("if got, err := {subject}; err != nil || {cond} {{"),
                format!("\t{t}.Errorf(\"{message} = %#v, %v, want %#v, nil\", got, err, {want})"),
                "}".to_owned(),
            ]
        }
        (false, false) => {
            let cond = differs(subject, &mut imports);
            vec![
                format!("if {cond} {{"),
                format!("\t{t}.Errorf(\"{message} = %#v, want %#v\", {subject}, {want})"),
                "}".to_owned(),
            ]
        }
        // `v := f()` cannot hold a value and an error.
        (false, true) => return None,
    };
    Some(super::Assertion { lines, imports })
}

pub(crate) fn render(
    plan: &TestPlan,
    cases: &[(&Input, &Outcome)],
    tag: &str,
) -> Result<RenderedTest, String> {
    let (value, has_err) = results(plan.function.return_type.as_deref())?;
    let pkg = package(&plan.source_text);
    let test_pkg = test_package(plan)?;
    let q = test_pkg.qualifier.as_deref();
    let reserved = ["name", "want", "wantErr", "tt", "t", "got", "err", "tests"];
    let fields: Vec<(String, String, bool)> = plan
        .function
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut name = p.name.clone();
            if name == "_" || name.is_empty() {
                name = format!("arg{i}");
            }
            if reserved.contains(&name.as_str()) {
                name.push_str("Arg");
            }
            let ty =
                p.ty.as_deref()
                    .map_or_else(|| "interface{}".to_owned(), |t| qualify(t, q));
            match ty.strip_prefix("...") {
                Some(elem) => (name, format!("[]{elem}"), true),
                None => (name, ty, false),
            }
        })
        .collect();
    let width = fields
        .iter()
        .map(|(n, _, _)| n.len())
        .chain(["name".len(), if has_err { "wantErr".len() } else { 4 }])
        .max()
        .unwrap_or(4);
    let pad = |n: &str| format!("{n}{}", " ".repeat(width - n.len()));
    let mut s = format!(
        "func {}(t *testing.T) {{\n\ttests := []struct {{\n\t\t{}string\n",
        plan.test_name,
        pad("name") + " "
    );
    for (name, ty, _) in &fields {
        s.push_str(&format!("\t\t{} {ty}\n", pad(name)));
    }
    if let Some(v) = &value {
        s.push_str(&format!("\t\t{} {}\n", pad("want"), qualify(v, q)));
    }
    if has_err {
        s.push_str(&format!("\t\t{} string\n", pad("wantErr")));
    }
    s.push_str("\t}{\n");
    let mut used_names = std::collections::HashSet::new();
    for (input, outcome) in cases {
        if input.args.len() != fields.len() {
            continue;
        }
        let mut case_name: String = input
            .args
            .iter()
            .map(|a| case_label(a))
            .collect::<Vec<_>>()
            .join(",");
        if case_name.chars().count() > 40 {
            case_name = case_name.chars().take(40).collect();
        }
        if case_name.is_empty() {
            case_name = "empty".to_owned();
        }
        let base = case_name.clone();
        let mut n = 2;
        while !used_names.insert(case_name.clone()) {
            case_name = format!("{base}#{n}");
            n += 1;
        }
        let mut parts = vec![format!(
            "name: {}",
            serde_json::to_string(&case_name).unwrap_or_default()
        )];
        for ((name, _, _), arg) in fields.iter().zip(&input.args) {
            parts.push(format!("{name}: {}", qualify(arg, q)));
        }
        match outcome {
            // Only Rust observes Debug texts.
            Outcome::Debug(_) => continue,
            Outcome::Value(lit) => {
                if value.is_some() {
                    parts.push(format!("want: {}", qualify(&unqualify(lit, &pkg), q)));
                }
            }
            Outcome::Raises { message, .. } => {
                if !has_err {
                    continue;
                }
                let m = message.clone().unwrap_or_default();
                parts.push(format!(
                    "wantErr: {}",
                    serde_json::to_string(&m).unwrap_or_default()
                ));
            }
        }
        s.push_str(&format!("\t\t{{{}}},\n", parts.join(", ")));
    }
    s.push_str("\t}\n\tfor _, tt := range tests {\n\t\tt.Run(tt.name, func(t *testing.T) {\n");
    let call_args: Vec<String> = fields
        .iter()
        .map(|(n, _, variadic)| {
            if *variadic {
                format!("tt.{n}...")
            } else {
                format!("tt.{n}")
            }
        })
        .collect();
    let shown: Vec<String> = fields.iter().map(|(n, _, _)| format!("tt.{n}")).collect();
    let fmt_args = vec!["%#v"; fields.len()].join(", ");
    let the_call = qualified_call(plan, q, &call_args);
    let name = &plan.function.name;
    let shown = if shown.is_empty() {
        String::new()
    } else {
        format!("{}, ", shown.join(", "))
    };
    let mut needs_reflect = false;
    let differs = |got: &str, want: &str, ty: &str, needs_reflect: &mut bool| {
        if comparable(ty, &plan.source_text) {
            format!("{got} != {want}")
        } else {
            *needs_reflect = true;
            format!("!reflect.DeepEqual({got}, {want})")
        }
    };
    match (&value, has_err) {
        (Some(ty), false) => {
            let cond = differs("got", "tt.want", ty, &mut needs_reflect);
            s.push_str(&format!(
                "\t\t\tif got := {the_call}; {cond} {{\n\t\t\t\tt.Errorf(\"{name}({fmt_args}) = %#v, want %#v\", {shown}got, tt.want)\n\t\t\t}}\n"
            ));
        }
        (Some(ty), true) => {
            let cond = differs("got", "tt.want", ty, &mut needs_reflect);
            s.push_str(&format!(
                "\t\t\tgot, err := {the_call}\n\t\t\tif tt.wantErr != \"\" {{\n\t\t\t\tif err == nil || err.Error() != tt.wantErr {{\n\t\t\t\t\tt.Errorf(\"{name}({fmt_args}) error = %v, want %q\", {shown}err, tt.wantErr)\n\t\t\t\t}}\n\t\t\t\treturn\n\t\t\t}}\n\t\t\tif err != nil {{\n\t\t\t\tt.Fatalf(\"{name}({fmt_args}) unexpected error: %v\", {shown}err)\n\t\t\t}}\n\t\t\tif {cond} {{\n\t\t\t\tt.Errorf(\"{name}({fmt_args}) = %#v, want %#v\", {shown}got, tt.want)\n\t\t\t}}\n"
            ));
        }
        (None, true) => {
            s.push_str(&format!(
                "\t\t\terr := {the_call}\n\t\t\tif tt.wantErr == \"\" && err != nil {{\n\t\t\t\tt.Errorf(\"{name}({fmt_args}) unexpected error: %v\", {shown}err)\n\t\t\t}}\n\t\t\tif tt.wantErr != \"\" && (err == nil || err.Error() != tt.wantErr) {{\n\t\t\t\tt.Errorf(\"{name}({fmt_args}) error = %v, want %q\", {shown}err, tt.wantErr)\n\t\t\t}}\n"
            ));
        }
        (None, false) => {
            return Err(format!(
                "`{name}` returns nothing; a test of it would have nothing to assert"
            ));
        }
    }
    s.push_str("\t\t})\n\t}\n}\n");
    if !s.contains("\t\t{name: ") {
        return Err(format!("no case of `{name}` could be written"));
    }
    let code = s;
    let mut imports = vec!["\"testing\"".to_owned()];
    if needs_reflect {
        imports.push("\"reflect\"".to_owned());
    }
    imports.extend(test_pkg.import.clone());
    imports.sort_by(|a, b| spec_path(a).cmp(spec_path(b)));
    let target = &plan.target;
    let mut edits = Vec::new();
    if target.exists {
        edits.extend(import_edits(&target.text, &imports));
        let text = &target.text;
        let sep = if text.ends_with("\n\n") {
            ""
        } else if text.ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        edits.push(insert(text.len(), format!("{sep}{code}")));
    } else {
        edits.push(insert(0, standalone(&test_pkg.clause, &imports, &code)));
    }
    let dir = plan
        .source_path
        .parent()
        .unwrap_or(Path::new("/"))
        .to_owned();
    let check_path = dir.join(format!("zz_testlens_{tag}_test.go"));
    Ok(RenderedTest {
        edits: vec![FileEdit {
            path: target.path.clone(),
            create: !target.exists,
            edits: super::merge_inserts(edits),
        }],
        check: Run {
            files: vec![ScratchFile {
                path: check_path,
                text: standalone(&test_pkg.clause, &imports, &code),
            }],
            command: RunnerCommand::GoTest {
                dir,
                name: plan.test_name.clone(),
            },
        },
        code,
        cases: cases.len(),
    })
}

/// The path of an import spec, without its alias and quotes.
fn spec_path(spec: &str) -> &str {
    spec.rsplit(char::is_whitespace)
        .next()
        .unwrap_or(spec)
        .trim_matches('"')
}

fn standalone(pkg: &str, imports: &[String], code: &str) -> String {
    let list = if imports.len() == 1 {
        format!("import {}\n", imports[0])
    } else {
        let lines: String = imports.iter().map(|i| format!("\t{i}\n")).collect();
        format!("import (\n{lines})\n")
    };
    format!("package {pkg}\n\n{list}\n{code}")
}

/// Adds the missing imports to the file's import block (or after its single import, or after
/// the package clause).
pub(crate) fn import_edits(text: &str, imports: &[String]) -> Vec<(syntax::TextRange, String)> {
    let missing: Vec<&str> = imports
        .iter()
        .map(String::as_str)
        .filter(|i| !text.contains(&format!("\"{}\"", spec_path(i))))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    if let Some(at) = text.find("import (") {
        let block_start = at + "import (".len();
        let Some(close) = text[block_start..].find(')') else {
            return Vec::new();
        };
        let block = &text[block_start..block_start + close];
        let mut edits = Vec::new();
        for m in missing {
            // In sorted position among the block's lines.
            let mut offset = block_start;
            let mut at = None;
            for line in block.split_inclusive('\n') {
                let name = spec_path(line.trim());
                if !name.is_empty() && name > spec_path(m) && at.is_none() {
                    at = Some(offset);
                }
                offset += line.len();
            }
            let at = at.unwrap_or(block_start + block.trim_end_matches(['\t', ' ']).len());
            edits.push(insert(at, format!("\t{m}\n")));
        }
        return edits;
    }
    let after = match text.find("\nimport \"") {
        Some(at) => at + 1 + text[at + 1..].find('\n').unwrap_or(0) + 1,
        None => text
            .find("package ")
            .map(|p| p + text[p..].find('\n').unwrap_or(0) + 1)
            .unwrap_or(0),
    };
    let lines: String = missing.iter().map(|m| format!("import {m}\n")).collect();
    vec![insert(after.min(text.len()), lines)]
}
