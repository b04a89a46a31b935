//! A readable rendering of a file's model, for data-driven tests: one line per function, test and
//! suite, with positions as `line:col` (1-based, columns in characters).

use std::fmt::Write;

use syntax::*;

pub fn model_of(language: Language, file_name: &str, src: &str) -> (FileModel, SourceText) {
    let text = SourceText::from(src);
    let tree = parse(language, &text, None);
    let context = FileContext {
        file_name: file_name.to_owned(),
        js_framework: None,
        go_import_path: None,
    };
    (analyze_file(language, &tree, &text, &context), text)
}

fn pos(text: &SourceText, offset: u32) -> String {
    let lc = text.line_col(offset, PositionEncoding::Utf32);
    format!("{}:{}", lc.line + 1, lc.col + 1)
}

/// Renders the model of `src` (a file called `file_name`).
pub fn render(language: Language, file_name: &str, src: &str) -> String {
    let (model, text) = model_of(language, file_name, src);
    render_model(&model, &text)
}

pub fn render_model(model: &FileModel, text: &SourceText) -> String {
    let mut out = String::new();
    if model.has_syntax_errors {
        out.push_str("(syntax errors)\n");
    }
    for f in &model.functions {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| match &p.ty {
                Some(ty) => format!("{}: {ty}", p.name),
                None => p.name.clone(),
            })
            .collect();
        let kind = match f.kind {
            FunctionKind::Function => "fn",
            FunctionKind::Method => "method",
        };
        write!(
            out,
            "{kind} {} @{} cx={} ({})",
            f.qualified_name,
            pos(text, f.name_range.start),
            f.complexity,
            params.join(", ")
        )
        .unwrap();
        if let Some(ret) = &f.return_type {
            write!(out, " -> {ret}").unwrap();
        }
        if !f.calls.is_empty() {
            let calls: Vec<&str> = f.calls.iter().map(|c| c.name.as_str()).collect();
            write!(out, " calls=[{}]", calls.join(", ")).unwrap();
        }
        out.push('\n');
        if let Some(doc) = &f.doc {
            writeln!(out, "  doc: {doc:?}").unwrap();
        }
    }
    for t in &model.tests {
        let kind = match t.kind {
            TestKind::Test => "test",
            TestKind::Subtest => "subtest",
            TestKind::Benchmark => "benchmark",
            TestKind::Fuzz => "fuzz",
            TestKind::Example => "example",
        };
        write!(
            out,
            "{kind} {:?} @{} [{}] asserts={}",
            t.full_name(),
            pos(text, t.name_range.start),
            t.framework.name(),
            t.assertions.len()
        )
        .unwrap();
        if let Some(f) = t.function {
            write!(out, " fn={}", model.functions[f].qualified_name).unwrap();
        }
        for s in &t.sleeps {
            write!(out, " sleep={}@{}", s.callee, pos(text, s.range.start)).unwrap();
        }
        for m in &t.markers {
            write_marker(&mut out, m, text);
        }
        if t.expects_failure {
            out.push_str(" expects-failure");
        }
        if t.parametrized {
            out.push_str(" parametrized");
        }
        if t.dynamic_name {
            out.push_str(" dynamic-name");
        }
        if !t.has_body {
            out.push_str(" no-body");
        }
        out.push('\n');
    }
    for s in &model.suites {
        let mut path = s.path.clone();
        path.push(s.name.clone());
        write!(
            out,
            "suite {:?} {:?} @{}",
            s.kind,
            path.join(" > "),
            pos(text, s.name_range.start)
        )
        .unwrap();
        if s.is_test_suite {
            out.push_str(" tests");
        }
        for m in &s.markers {
            write_marker(&mut out, m, text);
        }
        if s.parametrized {
            out.push_str(" parametrized");
        }
        out.push('\n');
    }
    out
}

fn write_marker(out: &mut String, m: &Marker, text: &SourceText) {
    let kind = match m.kind {
        MarkerKind::Focus => "focus",
        MarkerKind::Skip => "skip",
        MarkerKind::Todo => "todo",
    };
    match &m.reason {
        Some(r) => write!(out, " {kind}({r:?})@{}", pos(text, m.range.start)).unwrap(),
        None => write!(out, " {kind}@{}", pos(text, m.range.start)).unwrap(),
    }
}
