//! Inputs for a generated test, in order of trust: real calls with literal arguments found in the
//! workspace, examples in doc comments, then values drawn from the parameters' types and names.

use db::{RootDatabase, Workspace};
use syntax::Language;

use super::shapes::{Arg, Shapes};
use super::{Import, Input, Outcome, TargetFunction};

/// Where an input came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputOrigin {
    /// A call of the function somewhere in the workspace.
    CallSite,
    /// An example in the function's doc comment.
    DocExample,
    /// A value of the parameter's type (a boundary, an empty collection, a null).
    Type,
}

/// At most this many inputs per test: enough to pin the behaviour, few enough to read.
const MAX_INPUTS: usize = 10;

/// The arguments of the call whose callee name ends at `name_end`, split at top-level commas
/// and trimmed. `None` if no balanced argument list follows.
pub fn call_arguments(text: &str, name_end: usize) -> Option<Vec<String>> {
    let rest = text.get(name_end..)?;
    let open = rest.len() - rest.trim_start().len();
    let rest = &rest[open..];
    // Rust turbofish and generic arguments are not literals we can carry over.
    if !rest.starts_with('(') {
        return None;
    }
    let close = matching_close(rest)?;
    let inner = &rest[1..close];
    let mut args: Vec<String> = split_top(inner, ',')
        .into_iter()
        .map(|a| a.trim().to_owned())
        .collect();
    if args.last().is_some_and(|a| a.is_empty()) {
        args.pop();
    }
    if args.iter().any(String::is_empty) {
        return None;
    }
    Some(args)
}

/// The byte offset just after the argument list of the call whose name ends at `name_end`.
pub(crate) fn call_end(text: &str, name_end: usize) -> Option<usize> {
    let rest = text.get(name_end..)?;
    let open = rest.len() - rest.trim_start().len();
    let close = matching_close(&rest[open..]).filter(|_| rest[open..].starts_with('('))?;
    Some(name_end + open + close + 1)
}

/// The byte index of the bracket closing the one `s` starts with.
fn matching_close(s: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            '"' | '\'' | '`' => {
                let mut escaped = false;
                loop {
                    let (_, d) = chars.next()?;
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == c {
                        break;
                    } else if d == '\n' && c != '`' {
                        return None;
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits at `sep` outside brackets and quotes.
pub(crate) fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            c if c == sep && depth == 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Whether `code` is a literal of `language`: numbers, strings, booleans, the null of the
/// language, and collections of literals (Go composite literals and Rust unit enum variants
/// count: they are constants a test can write). Python keyword arguments `name=literal` count.
pub fn is_literal(language: Language, code: &str) -> bool {
    let code = code.trim();
    if code.is_empty() || code.len() > 2000 {
        return false;
    }
    match language {
        Language::Python => python_literal(code),
        Language::JavaScript | Language::TypeScript | Language::Tsx => js_literal(code),
        Language::Go => go_literal(code),
        Language::Rust => rust_literal(code),
    }
}

fn is_number(code: &str) -> bool {
    let body = code.strip_prefix('-').unwrap_or(code).trim_start();
    let mut chars = body.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !(first.is_ascii_digit() || first == '.' && body.len() > 1) {
        return false;
    }
    body.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
        && !body.contains("..")
}

/// A quoted string with nothing after its closing quote (and no interpolation).
fn is_quoted(code: &str, quotes: &[char]) -> bool {
    let Some(q) = code.chars().next() else {
        return false;
    };
    if !quotes.contains(&q) || code.len() < 2 || !code.ends_with(q) {
        return false;
    }
    if code.starts_with("\"\"\"") || code.starts_with("'''") {
        return false;
    }
    // The string must close only at the end.
    let inner = &code[1..code.len() - 1];
    let mut escaped = false;
    for c in inner.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == q || c == '\n' {
            return false;
        }
    }
    !(escaped || q == '`' && inner.contains("${"))
}

fn bracketed<'a>(code: &'a str, open: &str, close: char) -> Option<&'a str> {
    if !code.starts_with(open) || !code.ends_with(close) || code.len() < open.len() + 1 {
        return None;
    }
    // Every opening string ends with its (ASCII) bracket, which must close at the very end.
    let bracket_at = open.len() - 1;
    let rel = matching_close(&code[bracket_at..])?;
    (bracket_at + rel == code.len() - 1).then(|| &code[open.len()..code.len() - 1])
}

fn all_items(inner: &str, f: impl Fn(&str) -> bool) -> bool {
    let mut items = split_top(inner, ',');
    if items.last().is_some_and(|l| l.trim().is_empty()) {
        items.pop();
    }
    items.iter().all(|i| !i.trim().is_empty() && f(i.trim()))
}

fn python_literal(code: &str) -> bool {
    if let Some((name, value)) = code.split_once('=')
        && is_identifier(name.trim())
        && !value.starts_with('=')
    {
        return python_value(value.trim());
    }
    python_value(code)
}

fn python_value(code: &str) -> bool {
    if matches!(code, "True" | "False" | "None") || is_number(code) {
        return true;
    }
    let unprefixed = code
        .strip_prefix('r')
        .or_else(|| code.strip_prefix('b'))
        .unwrap_or(code);
    if is_quoted(unprefixed, &['"', '\'']) {
        return true;
    }
    if let Some(inner) = bracketed(code, "[", ']').or_else(|| bracketed(code, "(", ')')) {
        return all_items(inner, python_value);
    }
    if let Some(inner) = bracketed(code, "{", '}') {
        return all_items(inner, |item| match split_top(item, ':').as_slice() {
            [k, v] => python_value(k.trim()) && python_value(v.trim()),
            [v] => python_value(v.trim()),
            _ => false,
        });
    }
    false
}

fn js_literal(code: &str) -> bool {
    if matches!(code, "true" | "false" | "null" | "undefined") || is_number(code) {
        return true;
    }
    if is_quoted(code, &['"', '\'', '`']) {
        return true;
    }
    if let Some(inner) = bracketed(code, "[", ']') {
        return all_items(inner, js_literal);
    }
    if let Some(inner) = bracketed(code, "{", '}') {
        return all_items(inner, |item| match split_top(item, ':').as_slice() {
            [k, v] => {
                let k = k.trim();
                (is_identifier(k) || is_quoted(k, &['"', '\''])) && js_literal(v.trim())
            }
            _ => false,
        });
    }
    false
}

fn go_literal(code: &str) -> bool {
    if matches!(code, "true" | "false" | "nil") || is_number(code) {
        return true;
    }
    if is_quoted(code, &['"', '`']) || (is_quoted(code, &['\'']) && code.chars().count() <= 4) {
        return true;
    }
    // Composite literals: `Item{...}`, `[]int{...}`, `map[string]int{...}`, `&Item{...}`.
    let body = code.strip_prefix('&').unwrap_or(code);
    if let Some(open) = body.find('{')
        && body.ends_with('}')
    {
        let ty = &body[..open];
        let type_ok = !ty.is_empty()
            && ty
                .chars()
                .all(|c| c.is_alphanumeric() || "[]_.*".contains(c))
            && matching_close(&body[open..]) == Some(body.len() - open - 1);
        if type_ok {
            return all_items(&body[open + 1..body.len() - 1], |item| {
                match split_top(item, ':').as_slice() {
                    [k, v] => {
                        (is_identifier(k.trim()) || go_literal(k.trim())) && go_elem(v.trim())
                    }
                    [v] => go_elem(v.trim()),
                    _ => false,
                }
            });
        }
    }
    // A conversion of a literal to a named type: `Tier(2)`.
    if let Some(open) = code.find('(')
        && code.ends_with(')')
        && is_identifier(&code[..open])
        && code[..open].starts_with(|c: char| c.is_uppercase())
    {
        return is_number(&code[open + 1..code.len() - 1]);
    }
    false
}

/// Elements of a Go composite literal may leave out their type: `{"a", 1}`.
fn go_elem(code: &str) -> bool {
    if let Some(inner) = bracketed(code, "{", '}') {
        return all_items(inner, |item| match split_top(item, ':').as_slice() {
            [k, v] => (is_identifier(k.trim()) || go_literal(k.trim())) && go_elem(v.trim()),
            [v] => go_elem(v.trim()),
            _ => false,
        });
    }
    go_literal(code)
}

fn rust_literal(code: &str) -> bool {
    if matches!(code, "true" | "false" | "None") || is_number(code) {
        return true;
    }
    if is_quoted(code, &['"']) || (is_quoted(code, &['\'']) && code.chars().count() <= 12) {
        return true;
    }
    if let Some(rest) = code.strip_prefix('&') {
        return rust_literal(rest.trim_start());
    }
    if let Some(inner) = bracketed(code, "[", ']').or_else(|| bracketed(code, "vec![", ']')) {
        return all_items(inner, rust_literal);
    }
    if let Some(inner) = bracketed(code, "Some(", ')') {
        return rust_literal(inner.trim());
    }
    if let Some(inner) = bracketed(code, "(", ')') {
        return all_items(inner, rust_literal);
    }
    // A unit enum variant: `Tier::Gold`.
    if let Some((ty, variant)) = code.split_once("::") {
        return is_identifier(ty)
            && is_identifier(variant)
            && ty.starts_with(|c: char| c.is_uppercase())
            && variant.starts_with(|c: char| c.is_uppercase());
    }
    false
}

pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// Calls of `name` anywhere in the workspace (in functions and in tests) whose arguments are all
/// literals. Calls through a receiver (`obj.name(...)`) are left out: they are another function.
pub(crate) fn call_site_inputs(
    db: &RootDatabase,
    workspace: Workspace,
    language: Language,
    name: &str,
) -> Vec<Input> {
    let mut out = Vec::new();
    for file in workspace.files(db).iter() {
        let file_language = file.language(db);
        let same_family =
            file_language == language || (file_language.is_js_family() && language.is_js_family());
        if !same_family {
            continue;
        }
        let model = db::file_model(db, *file);
        let calls = model
            .functions
            .iter()
            .flat_map(|f| &f.calls)
            .chain(model.tests.iter().flat_map(|t| &t.calls))
            .filter(|c| c.name == name);
        let mut text: Option<String> = None;
        for call in calls {
            let text = text.get_or_insert_with(|| file.text(db).to_string());
            let start = call.range.start as usize;
            let before = text.get(..start).unwrap_or("");
            let receiver = before.ends_with('.') && !module_qualified(before, language);
            if receiver {
                continue;
            }
            let Some(args) = call_arguments(text, call.range.end as usize) else {
                continue;
            };
            if args.iter().all(|a| is_literal(language, a)) {
                out.push(Input {
                    args,
                    origin: InputOrigin::CallSite,
                    stated: None,
                    imports: Vec::new(),
                });
            }
        }
    }
    out
}

/// `pricing.line_total(...)` (a module) rather than `cart.total(...)` (an object): a lowercase
/// name before the dot that is imported as a module is hard to tell apart, so only Go's
/// package-qualified calls (`shop.F`) and Rust paths count as module-qualified.
fn module_qualified(before: &str, language: Language) -> bool {
    matches!(language, Language::Go) && before.ends_with('.') && {
        let word: String = before[..before.len() - 1]
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        !word.is_empty() && word.chars().all(|c| c.is_lowercase())
    }
}

/// Examples in the doc comment: Python doctests (`>>> f(2)` then `4`), Rust doc
/// `assert_eq!(f(2), 4)`, and `f(2) // => 4` lines (JSDoc `@example`, Go docs).
pub(crate) fn doc_inputs(language: Language, name: &str, doc: Option<&str>) -> Vec<Input> {
    let Some(doc) = doc else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let lines: Vec<&str> = doc.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        i += 1;
        match language {
            Language::Python => {
                let Some(expr) = line.strip_prefix(">>> ") else {
                    continue;
                };
                let Some(args) = call_of(expr, name) else {
                    continue;
                };
                // The expected output: the lines up to a blank line or the next prompt.
                let mut expected = Vec::new();
                while i < lines.len()
                    && !lines[i].trim().is_empty()
                    && !lines[i].trim().starts_with(">>>")
                {
                    expected.push(lines[i].trim());
                    i += 1;
                }
                let stated = match expected.as_slice() {
                    [] => None,
                    [one] if python_value(one) => Some(Outcome::Value((*one).to_owned())),
                    [first, .., last] if first.starts_with("Traceback") => {
                        let (kind, message) = last.split_once(':').unwrap_or((last, ""));
                        Some(Outcome::Raises {
                            kind: kind.trim().to_owned(),
                            message: Some(message.trim().to_owned()).filter(|m| !m.is_empty()),
                        })
                    }
                    _ => continue,
                };
                out.push(Input {
                    args,
                    origin: InputOrigin::DocExample,
                    stated,
                    imports: Vec::new(),
                });
            }
            Language::Rust => {
                let Some(body) = line
                    .strip_prefix("assert_eq!(")
                    .and_then(|b| b.strip_suffix(");"))
                else {
                    // A bare call in an example still gives an input.
                    if let Some(args) = call_of(line.trim_end_matches(';'), name) {
                        out.push(Input {
                            args,
                            origin: InputOrigin::DocExample,
                            stated: None,
                            imports: Vec::new(),
                        });
                    }
                    continue;
                };
                let parts = split_top(body, ',');
                let [call, expected] = parts.as_slice() else {
                    continue;
                };
                let Some(args) = call_of(call.trim(), name) else {
                    continue;
                };
                let expected = expected.trim();
                out.push(Input {
                    args,
                    origin: InputOrigin::DocExample,
                    stated: rust_literal(expected).then(|| Outcome::Value(expected.to_owned())),
                    imports: Vec::new(),
                });
            }
            Language::Go | Language::JavaScript | Language::TypeScript | Language::Tsx => {
                let line = line.strip_prefix("@example").unwrap_or(line).trim();
                let (call, expected) = match line.split_once("//") {
                    Some((call, comment)) => {
                        let comment = comment.trim();
                        let expected = comment
                            .strip_prefix("=>")
                            .or_else(|| comment.strip_prefix("returns"))
                            .map(str::trim);
                        (call.trim().trim_end_matches(';'), expected)
                    }
                    None => (line.trim_end_matches(';'), None),
                };
                let Some(args) = call_of(call, name) else {
                    continue;
                };
                let stated = expected
                    .filter(|e| is_literal(language, e))
                    .map(|e| Outcome::Value(e.to_owned()));
                out.push(Input {
                    args,
                    origin: InputOrigin::DocExample,
                    stated,
                    imports: Vec::new(),
                });
            }
        }
    }
    out.retain(|i| i.args.iter().all(|a| is_literal(language, a)));
    out
}

/// `args` if `expr` is exactly a call of `name` (optionally through a path: `shop::f`, `m.f`).
fn call_of(expr: &str, name: &str) -> Option<Vec<String>> {
    let expr = expr.trim();
    let at = expr.find(&format!("{name}("))?;
    let path = &expr[..at];
    if !(path.is_empty() || path.ends_with("::") || path.ends_with('.')) {
        return None;
    }
    if !path
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == ':' || c == '.')
    {
        return None;
    }
    let end = at + name.len();
    let args = call_arguments(expr, end)?;
    // Nothing may follow the call.
    let close = end + matching_close(&expr[end..])?;
    expr[close + 1..].trim().is_empty().then_some(args)
}

/// Parameters written with a default value in a signature: `tax: float = 0.2`, `express = false`.
pub(crate) fn defaulted_params(language: Language, header: &str) -> Vec<String> {
    if !matches!(
        language,
        Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx
    ) {
        return Vec::new();
    }
    let Some(open) = header.find('(') else {
        return Vec::new();
    };
    let Some(close) = matching_close(&header[open..]) else {
        return Vec::new();
    };
    split_top(&header[open + 1..open + close], ',')
        .into_iter()
        .filter_map(|p| {
            let (left, _) = p.split_once('=')?;
            let name = left.split(':').next()?.trim().trim_end_matches('?');
            is_identifier(name).then(|| name.to_owned())
        })
        .collect()
}

/// Values for each parameter (from its type, the record it names, what the function reads of
/// it, or its name), then inputs: every parameter at its first value, then one parameter at a
/// time through its other values. Parameters take turns (each one's second value, then each
/// one's third, ...), so that the cap on inputs cuts every parameter's tail rather than the last
/// parameters' values. `Err` when a parameter without a default gets no value, with the reason
/// where one is known.
pub(crate) fn type_inputs(
    shapes: &Shapes,
    function: &TargetFunction,
    model: &syntax::Function,
) -> Result<Vec<Input>, Option<String>> {
    let mut columns: Vec<Vec<Arg>> = Vec::new();
    // Each column's default, as written: an argument equal to it at the end of a call is left out.
    let mut defaults: Vec<Option<&str>> = Vec::new();
    for param in &function.params {
        let name = param.name.trim_start_matches(['*', '&']);
        if param.name.starts_with('*') || param.name.starts_with("...") {
            // Variadic: leave it empty.
            continue;
        }
        let defaulted = function.defaulted.iter().any(|d| d == name);
        let values = shapes
            .param_values(name, param.ty.as_deref(), model)
            .map(|values| {
                if values.is_empty()
                    && let Some(default) = &param.default
                {
                    // `express = false`: the default's own type says what else to try.
                    return default_values(shapes.language(), default)
                        .into_iter()
                        .map(Arg::plain)
                        .collect();
                }
                values
            });
        match values {
            Ok(values) if !values.is_empty() => {
                columns.push(values);
                defaults.push(param.default.as_deref());
            }
            // Left out: the default applies (it must come after every given argument).
            _ if defaulted => break,
            Ok(_) => return Err(None),
            Err(why) => {
                let shown = match &param.ty {
                    Some(ty) => format!("{name}: {ty}"),
                    None => name.to_owned(),
                };
                return Err(Some(format!("`{shown}`: {why}")));
            }
        }
    }
    let base: Vec<&Arg> = columns.iter().map(|c| &c[0]).collect();
    let mut out = vec![type_input(&base, &defaults)];
    let longest = columns.iter().map(Vec::len).max().unwrap_or(0);
    for k in 1..longest {
        for (i, column) in columns.iter().enumerate() {
            if let Some(value) = column.get(k) {
                let mut args = base.clone();
                args[i] = value;
                out.push(type_input(&args, &defaults));
            }
        }
    }
    Ok(out)
}

/// Values of the type of a default written as a literal, the default first: `false` gives
/// `false` and `true`, `0` gives `0`, `1`, `-1`, `100`; anything else gives nothing.
fn default_values(language: Language, default: &str) -> Vec<String> {
    let default = default.trim();
    let kind = match default {
        "true" | "false" | "True" | "False" => Kind::Bool,
        d if is_number(d) && d.contains('.') => Kind::Float,
        d if is_number(d) => Kind::Int,
        d if is_quoted(d, &['"', '\'']) => Kind::Str,
        _ => return Vec::new(),
    };
    let typical = match (language, kind) {
        (Language::Python, Kind::Bool) => "bool",
        (Language::Python, Kind::Float) => "float",
        (Language::Python, Kind::Int) => "int",
        (Language::Python, _) => "str",
        (_, Kind::Bool) => "boolean",
        (_, Kind::Str) => "string",
        _ => "number",
    };
    let mut values = values_for(language, "", Some(typical), "");
    match values.iter().position(|v| v == default) {
        Some(at) => {
            let first = values.remove(at);
            values.insert(0, first);
        }
        None => values.insert(0, default.to_owned()),
    }
    values
}

/// An input of these arguments, without the trailing ones that equal their parameter's default.
fn type_input(args: &[&Arg], defaults: &[Option<&str>]) -> Input {
    let mut args = args.to_vec();
    while let Some(last) = args.last()
        && defaults.get(args.len() - 1).copied().flatten() == Some(last.code.as_str())
    {
        args.pop();
    }
    let mut imports: Vec<Import> = args.iter().flat_map(|a| a.imports.clone()).collect();
    imports.sort();
    imports.dedup();
    Input {
        args: args.iter().map(|a| a.code.clone()).collect(),
        origin: InputOrigin::Type,
        stated: None,
        imports,
    }
}

pub(crate) fn values_for(
    language: Language,
    name: &str,
    ty: Option<&str>,
    source: &str,
) -> Vec<String> {
    let strs = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
    let ty = ty.map(|t| t.trim().trim_matches('"').trim());
    match language {
        Language::Python => {
            let ty = ty.map(|t| t.replace(' ', ""));
            let kind = ty
                .as_deref()
                .map_or_else(|| kind_from_name(name), python_kind);
            match kind {
                Kind::Int => strs(&["0", "1", "-1", "100"]),
                Kind::Float => strs(&["0.0", "1.5", "-2.5"]),
                Kind::Str => strs(&["\"\"", "\"a\"", "\"SAVE10\"", "\"a:b:c\""]),
                Kind::Bool => strs(&["False", "True"]),
                Kind::List => strs(&["[]"]),
                Kind::Dict => strs(&["{}"]),
                Kind::Optional(inner) => {
                    let mut v = values_for(language, name, Some(&inner), source);
                    v.push("None".to_owned());
                    v
                }
                Kind::Unknown => Vec::new(),
            }
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            let kind = ty.map_or_else(|| kind_from_name(name), |t| ts_kind(t, source));
            match kind {
                Kind::Int | Kind::Float => strs(&["0", "1", "-1", "100"]),
                Kind::Str => strs(&["\"\"", "\"a\"", "\"SAVE10\"", "\"a:b:c\""]),
                Kind::Bool => strs(&["false", "true"]),
                Kind::List => strs(&["[]"]),
                Kind::Dict => Vec::new(),
                Kind::Optional(inner) => {
                    let mut v = values_for(language, name, Some(&inner), source);
                    v.push("undefined".to_owned());
                    v
                }
                Kind::Unknown => ty
                    .map(|t| string_union(&resolve_ts_alias(t, source)))
                    .unwrap_or_default(),
            }
        }
        Language::Go => {
            let Some(ty) = ty else { return Vec::new() };
            match ty {
                "int" | "int8" | "int16" | "int32" | "int64" => strs(&["0", "1", "-1", "100"]),
                "uint" | "uint8" | "uint16" | "uint32" | "uint64" | "uintptr" => {
                    strs(&["0", "1", "100"])
                }
                "float32" | "float64" => strs(&["0", "1.5", "-2.5"]),
                "string" => strs(&["\"\"", "\"a\"", "\"SAVE10\"", "\"a:b:c\""]),
                "bool" => strs(&["false", "true"]),
                t if t.starts_with("[]") => vec!["nil".to_owned(), format!("{t}{{}}")],
                t if t.starts_with("map[") || t.starts_with('*') => vec!["nil".to_owned()],
                t if is_identifier(t) => go_named(t, source),
                _ => Vec::new(),
            }
        }
        Language::Rust => {
            let Some(ty) = ty else { return Vec::new() };
            let ty = ty.replace(' ', "");
            match ty.as_str() {
                "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => strs(&["0", "1", "-1", "100"]),
                "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => strs(&["0", "1", "100"]),
                "f32" | "f64" => strs(&["0.0", "1.5", "-2.5"]),
                "&str" | "&'staticstr" => strs(&["\"\"", "\"a\"", "\"SAVE10\"", "\"a:b:c\""]),
                "String" => strs(&[
                    "String::new()",
                    "\"a\".to_string()",
                    "\"SAVE10\".to_string()",
                    "\"a:b:c\".to_string()",
                ]),
                "bool" => strs(&["false", "true"]),
                "char" => strs(&["'a'", "' '"]),
                t if t.starts_with("&[") => strs(&["&[]"]),
                t if t.starts_with("Vec<") => strs(&["vec![]"]),
                t if t.starts_with("Option<") => {
                    let inner = &t["Option<".len()..t.len() - 1];
                    let mut v = vec!["None".to_owned()];
                    v.extend(
                        values_for(language, name, Some(inner), source)
                            .into_iter()
                            .filter(|x| !x.starts_with('"'))
                            .map(|x| format!("Some({x})")),
                    );
                    v
                }
                t if is_identifier(t) => rust_enum_variants(t, source),
                _ => Vec::new(),
            }
        }
    }
}

pub(crate) enum Kind {
    Int,
    Float,
    Str,
    Bool,
    List,
    Dict,
    Optional(String),
    Unknown,
}

fn python_kind(ty: &str) -> Kind {
    if let Some(inner) = ty
        .strip_prefix("Optional[")
        .and_then(|t| t.strip_suffix(']'))
    {
        return Kind::Optional(inner.to_owned());
    }
    if let Some(inner) = ty
        .strip_suffix("|None")
        .or_else(|| ty.strip_prefix("None|"))
    {
        return Kind::Optional(inner.to_owned());
    }
    match ty {
        "int" => Kind::Int,
        "float" => Kind::Float,
        "str" => Kind::Str,
        "bool" => Kind::Bool,
        t if t == "list"
            || t.starts_with("list[")
            || t.starts_with("List[")
            || t.starts_with("Sequence[")
            || t.starts_with("Iterable[") =>
        {
            Kind::List
        }
        t if t == "dict" || t.starts_with("dict[") || t.starts_with("Dict[") => Kind::Dict,
        _ => Kind::Unknown,
    }
}

fn ts_kind(ty: &str, source: &str) -> Kind {
    let parts: Vec<&str> = ty.split('|').map(str::trim).collect();
    if parts.len() > 1 && parts.iter().any(|p| *p == "undefined" || *p == "null") {
        let rest: Vec<&str> = parts
            .iter()
            .copied()
            .filter(|p| *p != "undefined" && *p != "null")
            .collect();
        return Kind::Optional(rest.join(" | "));
    }
    match ty {
        "number" | "bigint" => Kind::Int,
        "string" => Kind::Str,
        "boolean" => Kind::Bool,
        t if t.ends_with("[]") || t.starts_with("Array<") || t.starts_with("ReadonlyArray<") => {
            Kind::List
        }
        t => {
            let resolved = resolve_ts_alias(t, source);
            if resolved != t && !string_union(&resolved).is_empty() {
                Kind::Unknown
            } else if resolved != t {
                ts_kind(&resolved, "")
            } else {
                Kind::Unknown
            }
        }
    }
}

/// `type Tier = "guest" | "member"` in the same file: the alias's definition.
fn resolve_ts_alias(ty: &str, source: &str) -> String {
    if !is_identifier(ty) {
        return ty.to_owned();
    }
    let needle = format!("type {ty} =");
    let Some(at) = source.find(&needle) else {
        return ty.to_owned();
    };
    let rest = &source[at + needle.len()..];
    let end = rest.find(';').unwrap_or(rest.len().min(200));
    rest[..end].trim().to_owned()
}

/// The members of a union of string literals, as literals.
fn string_union(ty: &str) -> Vec<String> {
    let parts: Vec<&str> = ty.split('|').map(str::trim).collect();
    if parts.iter().all(|p| is_quoted(p, &['"', '\''])) && !parts.is_empty() {
        parts.iter().map(|p| (*p).to_owned()).collect()
    } else {
        Vec::new()
    }
}

pub(crate) fn kind_from_name(name: &str) -> Kind {
    let n = name.to_ascii_lowercase();
    let ends = |s: &[&str]| s.iter().any(|x| n == *x || n.ends_with(&format!("_{x}")));
    if n.starts_with("is_")
        || n.starts_with("has_")
        || n.starts_with("is") && name.len() > 2 && name[2..].starts_with(char::is_uppercase)
    {
        return Kind::Bool;
    }
    if ends(&[
        "n", "i", "count", "cents", "qty", "quantity", "price", "amount", "size", "index", "limit",
        "total", "num", "number", "age", "year", "width", "height", "depth", "retries", "times",
        "seconds", "ms",
    ]) || n.ends_with("cents")
        || n.ends_with("count")
    {
        return Kind::Int;
    }
    if ends(&[
        "name", "code", "text", "line", "s", "string", "label", "key", "word", "prefix", "suffix",
        "path", "title", "shop", "message", "msg", "url", "tier",
    ]) {
        return Kind::Str;
    }
    if n == "items" || n == "values" || n == "xs" || n.ends_with("_list") {
        return Kind::List;
    }
    Kind::Unknown
}

/// Values of a Go named type declared in the package's text: `Tier(0)`, `Tier(1)`, `Tier(2)` for
/// a numeric type, the zero composite `Item{}` for a struct.
fn go_named(ty: &str, source: &str) -> Vec<String> {
    let needle = format!("type {ty} ");
    let Some(at) = source.find(&needle) else {
        return Vec::new();
    };
    let rest = source[at + needle.len()..].trim_start();
    let underlying: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
    match underlying.as_str() {
        "int" | "int8" | "int16" | "int32" | "int64" | "uint" | "uint8" | "uint16" | "uint32"
        | "uint64" => (0..3).map(|i| format!("{ty}({i})")).collect(),
        "string" => vec![format!("{ty}(\"\")")],
        "struct" | "struct{" => vec![format!("{ty}{{}}")],
        _ => Vec::new(),
    }
}

/// The unit variants of a Rust enum declared in `source`: `Tier::Guest`, ...
fn rust_enum_variants(ty: &str, source: &str) -> Vec<String> {
    let needle = format!("enum {ty} {{");
    let Some(at) = source.find(&needle) else {
        return Vec::new();
    };
    let body_start = at + needle.len() - 1;
    let Some(close) = matching_close(&source[body_start..]) else {
        return Vec::new();
    };
    let body = &source[body_start + 1..body_start + close];
    let variants: Vec<String> = split_top(body, ',')
        .into_iter()
        .map(|v| {
            v.lines()
                .filter(|l| !l.trim_start().starts_with("//") && !l.trim_start().starts_with("#"))
                .collect::<Vec<_>>()
                .join(" ")
                .trim()
                .to_owned()
        })
        .filter(|v| !v.is_empty())
        .collect();
    if variants.iter().all(|v| is_identifier(v)) {
        variants.iter().map(|v| format!("{ty}::{v}")).collect()
    } else {
        Vec::new()
    }
}

/// Drops repeated argument lists (keeping the first, most trusted), then caps the count. Stated
/// examples are kept whatever the cap.
pub(crate) fn dedup(inputs: Vec<Input>) -> Vec<Input> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out: Vec<Input> = Vec::new();
    for input in inputs {
        let key = input.args.join("\u{1}");
        match seen.get(&key) {
            // A call the workspace makes that an example also states the result of.
            Some(&i) => {
                if out[i].stated.is_none() {
                    out[i].stated = input.stated;
                }
            }
            None => {
                seen.insert(key, out.len());
                out.push(input);
            }
        }
    }
    let mut kept = Vec::new();
    for input in out {
        if kept.len() < MAX_INPUTS || input.stated.is_some() {
            kept.push(input);
        }
    }
    kept
}
