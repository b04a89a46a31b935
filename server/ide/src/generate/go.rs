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
    format!("{}({})", plan.function.name, args.join(", "))
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

pub(crate) fn render(
    plan: &TestPlan,
    cases: &[(&Input, &Outcome)],
    tag: &str,
) -> Result<RenderedTest, String> {
    let (value, has_err) = results(plan.function.return_type.as_deref())?;
    let pkg = package(&plan.source_text);
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
            let ty = p.ty.clone().unwrap_or_else(|| "interface{}".to_owned());
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
        s.push_str(&format!("\t\t{} {v}\n", pad("want")));
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
            parts.push(format!("{name}: {arg}"));
        }
        match outcome {
            Outcome::Value(lit) => {
                if value.is_some() {
                    parts.push(format!("want: {}", unqualify(lit, &pkg)));
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
    let the_call = call(plan, &call_args);
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
    let mut imports = vec!["testing"];
    if needs_reflect {
        imports.push("reflect");
    }
    imports.sort();
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
        edits.push(insert(0, standalone(&pkg, &imports, &code)));
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
                text: standalone(&pkg, &imports, &code),
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

fn standalone(pkg: &str, imports: &[&str], code: &str) -> String {
    let list = if imports.len() == 1 {
        format!("import \"{}\"\n", imports[0])
    } else {
        let lines: String = imports.iter().map(|i| format!("\t\"{i}\"\n")).collect();
        format!("import (\n{lines})\n")
    };
    format!("package {pkg}\n\n{list}\n{code}")
}

/// Adds the missing imports to the file's import block (or after its single import, or after
/// the package clause).
fn import_edits(text: &str, imports: &[&str]) -> Vec<(syntax::TextRange, String)> {
    let missing: Vec<&str> = imports
        .iter()
        .copied()
        .filter(|i| !text.contains(&format!("\"{i}\"")))
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
                let name = line.trim().trim_matches('"');
                if !name.is_empty() && name > m && at.is_none() {
                    at = Some(offset);
                }
                offset += line.len();
            }
            let at = at.unwrap_or(block_start + block.trim_end_matches(['\t', ' ']).len());
            edits.push(insert(at, format!("\t\"{m}\"\n")));
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
    let lines: String = missing
        .iter()
        .map(|m| format!("import \"{m}\"\n"))
        .collect();
    vec![insert(after.min(text.len()), lines)]
}
