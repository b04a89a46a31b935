//! Values for parameters that are objects: a record type the code declares (a Rust or Go
//! struct, a TypeScript interface or object type, a class, a Python dataclass or named tuple),
//! collections and optionals of one, and untyped parameters whose shape is what the function
//! reads of them (`item.qty`, or `i.qty` for `items.filter((i) => ...)`).
//!
//! Records are found through the code model: [`db::record_index`] says which files declare a
//! name, and the file's model gives the record's fields and constructor. Where several files
//! declare one name, the function's own file wins, then a file it imports, then its directory
//! (Go: only the package's own files count).
//!
//! A record's values start from a base with every field at a value that is not trivial (`1`,
//! `"a"`, `true` rather than `0`, `""`, `false`: sums and products of zeros tell nothing), then
//! change one field at a time through its other values. A collection of records gets one
//! element, none, and two elements with different values.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use db::{RecordIndex, RootDatabase, SourceFile, Workspace};
use syntax::{Language, Record, RecordKind};

use super::inputs::{Kind, is_identifier, kind_from_name, split_top, values_for};
use super::{Import, ImportSource, js, place};

/// Nested records deeper than this are not built: the inputs would not be readable.
const MAX_DEPTH: usize = 3;

/// One value to try for a parameter: its code, and the names that code needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Arg {
    pub code: String,
    pub imports: Vec<Import>,
}

impl Arg {
    pub(crate) fn plain(code: String) -> Arg {
        Arg {
            code,
            imports: Vec::new(),
        }
    }

    fn wrap(&self, code: String) -> Arg {
        Arg {
            code,
            imports: self.imports.clone(),
        }
    }
}

/// A record's values: every field at its base value, then one field at a time changed, and an
/// alternative with every field at another value (the second element of a list).
struct RecordValues {
    base: Arg,
    variants: Vec<Arg>,
    alt: Arg,
}

impl RecordValues {
    fn all(self) -> Vec<Arg> {
        let mut out = vec![self.base];
        out.extend(self.variants);
        out
    }
}

/// A record found for a type name, and where it is declared.
struct Found {
    record: Record,
    file: SourceFile,
    path: Arc<Path>,
    /// The module a Python test imports it from.
    module: String,
    same_file: bool,
}

/// The values of one field (or constructor parameter).
struct Slot {
    name: String,
    values: Vec<Arg>,
}

/// How a record's value is written from its slots.
enum Compose {
    /// `Item { a: 1 }` (Rust), `Item{A: 1}` (Go), `{ a: 1 }` (JavaScript), `Item(a=1)` (Python).
    Named {
        head: String,
        open: &'static str,
        assign: &'static str,
        close: &'static str,
    },
    /// `Item::new(1)` (Rust), `new Item(1)` (JavaScript).
    Positional { head: String },
}

impl Compose {
    fn write(&self, slots: &[(&str, &Arg)]) -> String {
        match self {
            Compose::Named {
                head,
                open,
                assign,
                close,
            } => {
                if slots.is_empty() {
                    let open = open.trim_end();
                    let close = close.trim_start();
                    return format!("{head}{open}{close}");
                }
                let parts: Vec<String> = slots
                    .iter()
                    .map(|(name, value)| format!("{name}{assign}{}", value.code))
                    .collect();
                format!("{head}{open}{}{close}", parts.join(", "))
            }
            Compose::Positional { head } => {
                let parts: Vec<&str> = slots.iter().map(|(_, v)| v.code.as_str()).collect();
                format!("{head}({})", parts.join(", "))
            }
        }
    }
}

/// Finds records for a function's parameters and writes values of them.
pub(crate) struct Shapes<'a> {
    db: &'a RootDatabase,
    file: SourceFile,
    language: Language,
    source: &'a str,
    workspace: Workspace,
    /// Asked for only when a parameter is not a plain value: listing code actions on functions
    /// of numbers and strings never builds it.
    index: OnceCell<Arc<RecordIndex>>,
    /// The modules the function's file imports, as written.
    imports: Vec<String>,
}

impl<'a> Shapes<'a> {
    pub(crate) fn new(
        db: &'a RootDatabase,
        workspace: Workspace,
        file: SourceFile,
        source: &'a str,
    ) -> Shapes<'a> {
        Shapes {
            db,
            file,
            language: file.language(db),
            source,
            workspace,
            index: OnceCell::new(),
            imports: db::file_model(db, file).imports.clone(),
        }
    }

    fn index(&self) -> &RecordIndex {
        self.index
            .get_or_init(|| db::record_index(self.db, self.workspace))
    }

    pub(crate) fn language(&self) -> Language {
        self.language
    }

    /// The values to try for a parameter: of the record its type names (or a collection or an
    /// optional of one), of its type, of the shape the function reads of it, or of its name.
    /// `Err` says why a record could not be built.
    pub(crate) fn param_values(
        &self,
        name: &str,
        ty: Option<&str>,
        function: &syntax::Function,
    ) -> Result<Vec<Arg>, String> {
        match ty {
            Some(ty) => {
                if let Some(values) = self.typed(ty, &mut Vec::new(), 0) {
                    return values;
                }
                Ok(self.scalars(name, Some(ty)))
            }
            None => match self.inferred(name, function) {
                Some(values) => values,
                None => Ok(self.scalars(name, None)),
            },
        }
    }

    fn scalars(&self, name: &str, ty: Option<&str>) -> Vec<Arg> {
        values_for(self.language, name, ty, self.source)
            .into_iter()
            .map(Arg::plain)
            .collect()
    }

    // -----------------------------------------------------------------------------------------
    // Typed parameters.

    /// Values of a type that names a record, directly or through a collection, an optional, a
    /// reference or a pointer; `None` where the type names no record this finds.
    fn typed(
        &self,
        ty: &str,
        seen: &mut Vec<String>,
        depth: usize,
    ) -> Option<Result<Vec<Arg>, String>> {
        let ty = ty.trim().trim_matches(['"', '\'']).trim();
        match self.language {
            Language::Python => self.python_typed(&ty.replace(' ', ""), seen, depth),
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                self.ts_typed(ty, seen, depth)
            }
            Language::Go => self.go_typed(ty, seen, depth),
            Language::Rust => self.rust_typed(&without_lifetimes(ty).replace(' ', ""), seen, depth),
        }
    }

    fn python_typed(
        &self,
        ty: &str,
        seen: &mut Vec<String>,
        depth: usize,
    ) -> Option<Result<Vec<Arg>, String>> {
        let optional = ty
            .strip_prefix("Optional[")
            .and_then(|t| t.strip_suffix(']'))
            .or_else(|| ty.strip_suffix("|None"))
            .or_else(|| ty.strip_prefix("None|"));
        if let Some(inner) = optional {
            return Some(
                self.python_typed(inner, seen, depth)?
                    .map(|v| with_null(v, "None")),
            );
        }
        for list in ["list[", "List[", "Sequence[", "Iterable[", "Collection["] {
            if let Some(elem) = ty.strip_prefix(list).and_then(|t| t.strip_suffix(']')) {
                let values = self.named(elem, seen, depth)?;
                return Some(values.map(|r| list_of(&r, "[", "]", "[]")));
            }
        }
        Some(self.named(ty, seen, depth)?.map(RecordValues::all))
    }

    fn ts_typed(
        &self,
        ty: &str,
        seen: &mut Vec<String>,
        depth: usize,
    ) -> Option<Result<Vec<Arg>, String>> {
        let parts: Vec<&str> = split_top(ty, '|').into_iter().map(str::trim).collect();
        if parts.len() > 1 {
            let nulls: Vec<&str> = parts
                .iter()
                .copied()
                .filter(|p| *p == "undefined" || *p == "null")
                .collect();
            let rest: Vec<&str> = parts
                .iter()
                .copied()
                .filter(|p| *p != "undefined" && *p != "null")
                .collect();
            if nulls.is_empty() || rest.len() != 1 {
                return None;
            }
            return Some(
                self.ts_typed(rest[0], seen, depth)?
                    .map(|v| with_null(v, nulls[0])),
            );
        }
        let elem = ty
            .strip_suffix("[]")
            .map(|t| t.trim().trim_start_matches("readonly ").trim())
            .or_else(|| ty.strip_prefix("Array<").and_then(|t| t.strip_suffix('>')))
            .or_else(|| {
                ty.strip_prefix("ReadonlyArray<")
                    .and_then(|t| t.strip_suffix('>'))
            });
        if let Some(elem) = elem {
            let elem = elem.trim().trim_start_matches('(').trim_end_matches(')');
            let values = self.named(elem, seen, depth)?;
            return Some(values.map(|r| list_of(&r, "[", "]", "[]")));
        }
        Some(self.named(ty, seen, depth)?.map(RecordValues::all))
    }

    fn go_typed(
        &self,
        ty: &str,
        seen: &mut Vec<String>,
        depth: usize,
    ) -> Option<Result<Vec<Arg>, String>> {
        if let Some(elem) = ty.strip_prefix("[]") {
            let (pointer, name) = match elem.strip_prefix('*') {
                Some(name) => (true, name),
                None => (false, elem),
            };
            let values = self.named(name, seen, depth)?;
            return Some(values.map(|r| {
                let element = |a: &Arg| {
                    if pointer {
                        a.wrap(format!("&{}", a.code))
                    } else {
                        a.clone()
                    }
                };
                let r = RecordValues {
                    base: element(&r.base),
                    variants: Vec::new(),
                    alt: element(&r.alt),
                };
                let open = format!("{ty}{{");
                list_of(&r, &open, "}", "nil")
            }));
        }
        if let Some(name) = ty.strip_prefix('*') {
            let values = self.named(name, seen, depth)?;
            return Some(values.map(|r| {
                let pointers = r
                    .all()
                    .iter()
                    .map(|a| a.wrap(format!("&{}", a.code)))
                    .collect();
                with_null(pointers, "nil")
            }));
        }
        Some(self.named(ty, seen, depth)?.map(RecordValues::all))
    }

    fn rust_typed(
        &self,
        ty: &str,
        seen: &mut Vec<String>,
        depth: usize,
    ) -> Option<Result<Vec<Arg>, String>> {
        let generic = |outer: &str| {
            ty.strip_prefix(outer)
                .and_then(|t| t.strip_prefix('<'))
                .and_then(|t| t.strip_suffix('>'))
        };
        if let Some(inner) = generic("Option") {
            return Some(self.rust_typed(inner, seen, depth)?.map(|v| {
                let some = v
                    .iter()
                    .map(|a| a.wrap(format!("Some({})", a.code)))
                    .collect();
                with_null(some, "None")
            }));
        }
        if let Some(inner) = generic("Box") {
            return Some(self.rust_typed(inner, seen, depth)?.map(|v| {
                v.iter()
                    .map(|a| a.wrap(format!("Box::new({})", a.code)))
                    .collect()
            }));
        }
        if let Some(elem) = ty.strip_prefix("&[").and_then(|t| t.strip_suffix(']')) {
            let values = self.named(elem, seen, depth)?;
            return Some(values.map(|r| list_of(&r, "&[", "]", "&[]")));
        }
        let (by_ref, rest) = match ty.strip_prefix("&mut") {
            Some(rest) => ("&mut ", rest),
            None => match ty.strip_prefix('&') {
                Some(rest) => ("&", rest),
                None => ("", ty),
            },
        };
        if let Some(elem) = rest.strip_prefix("Vec<").and_then(|t| t.strip_suffix('>')) {
            let values = self.named(elem, seen, depth)?;
            let open = format!("{by_ref}vec![");
            let empty = format!("{by_ref}vec![]");
            return Some(values.map(|r| list_of(&r, &open, "]", &empty)));
        }
        let values = self.named(rest, seen, depth)?;
        Some(values.map(|r| {
            r.all()
                .iter()
                .map(|a| a.wrap(format!("{by_ref}{}", a.code)))
                .collect()
        }))
    }

    /// The values of the record named `name`; `None` if no record of that name is found.
    fn named(
        &self,
        name: &str,
        seen: &mut Vec<String>,
        depth: usize,
    ) -> Option<Result<RecordValues, String>> {
        if !is_identifier(name) {
            return None;
        }
        // Plain values (numbers, strings, enums, unions of literals) are no records: they need no
        // look-up. (A Go struct of the same file gives its zero value `Item{}` there.)
        let plain = values_for(self.language, "", Some(name), self.source);
        if !plain.is_empty() && !plain.iter().all(|v| v.ends_with("{}")) {
            return None;
        }
        let found = self.find(name)?;
        Some(self.record_values(&found, seen, depth))
    }

    /// The record declared as `name` that the function's file sees: its own, else one in a file
    /// it imports, else one in its directory, else anywhere in the workspace (not for Go, whose
    /// other packages' types would need their package's name).
    fn find(&self, name: &str) -> Option<Found> {
        let path = self.file.path(self.db).clone();
        let dir = path.parent();
        let mut best: Option<(u8, SourceFile)> = None;
        for &f in self.index().files_declaring(name) {
            let language = f.language(self.db);
            let family = language == self.language
                || (language.is_js_family() && self.language.is_js_family());
            if !family || (f != self.file && place::is_test_file(language, f.path(self.db))) {
                continue;
            }
            let rank = if f == self.file {
                0
            } else if self.imports_file(f) {
                1
            } else if f.path(self.db).parent() == dir {
                2
            } else {
                3
            };
            if rank == 3 && self.language == Language::Go {
                continue;
            }
            if best.is_none_or(|(r, _)| rank < r) {
                best = Some((rank, f));
            }
        }
        let (_, file) = best?;
        self.found_in(file, name)
    }

    fn found_in(&self, file: SourceFile, name: &str) -> Option<Found> {
        let model = db::file_model(self.db, file);
        let record = model
            .records
            .iter()
            .find(|r| r.qualified_name == name)?
            .clone();
        let path = file.path(self.db).clone();
        let module = match file.module(self.db) {
            m if m.is_empty() => path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            m => m.to_string(),
        };
        Some(Found {
            record,
            file,
            path,
            module,
            same_file: file == self.file,
        })
    }

    /// Whether the function's file imports `file`: Python by module name, JavaScript and
    /// TypeScript by a relative specifier (with or without its extension).
    fn imports_file(&self, file: SourceFile) -> bool {
        match self.language {
            Language::Python => {
                let module = file.module(self.db);
                !module.is_empty() && self.imports.iter().any(|i| **i == **module)
            }
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                let from = self.file.path(self.db);
                let Some(dir) = from.parent() else {
                    return false;
                };
                let target = without_extension(file.path(self.db));
                self.imports
                    .iter()
                    .filter(|i| i.starts_with('.'))
                    .any(|spec| {
                        let resolved = without_extension(&place::normalize(&dir.join(spec)));
                        resolved == target || resolved.join("index") == target
                    })
            }
            Language::Go | Language::Rust => false,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Building a record.

    fn record_values(
        &self,
        found: &Found,
        seen: &mut Vec<String>,
        depth: usize,
    ) -> Result<RecordValues, String> {
        let record = &found.record;
        if depth >= MAX_DEPTH {
            return Err(format!("`{}` is nested too deeply", record.name));
        }
        if seen.contains(&record.name) {
            return Err(format!("`{}` contains itself", record.name));
        }
        seen.push(record.name.clone());
        let result = self.build(found, seen, depth);
        seen.pop();
        result
    }

    fn build(
        &self,
        found: &Found,
        seen: &mut Vec<String>,
        depth: usize,
    ) -> Result<RecordValues, String> {
        let record = &found.record;
        let name = &record.name;
        let mut imports = Vec::new();
        let (compose, slots) = match (self.language, record.kind) {
            (Language::Rust, _) => {
                let visible = found.same_file || record.fields.iter().all(|f| f.public);
                match &record.constructor {
                    _ if visible => (
                        Compose::Named {
                            head: format!("{name} "),
                            open: "{ ",
                            assign: ": ",
                            close: " }",
                        },
                        self.field_slots(record, seen, depth, true)?,
                    ),
                    Some(c) if c.public => (
                        Compose::Positional {
                            head: format!("{name}::{}", c.name),
                        },
                        self.param_slots(&c.params, seen, depth)?,
                    ),
                    _ => {
                        let hidden: Vec<&str> = record
                            .fields
                            .iter()
                            .filter(|f| !f.public)
                            .map(|f| f.name.as_str())
                            .collect();
                        return Err(format!(
                            "`{name}` is declared in {} with private fields ({}) and has no public `new`",
                            found.path.display(),
                            hidden.join(", ")
                        ));
                    }
                }
            }
            (Language::Go, _) => (
                Compose::Named {
                    head: name.clone(),
                    open: "{",
                    assign: ": ",
                    close: "}",
                },
                // A Go literal may leave out any field: it takes its zero value.
                self.field_slots(record, seen, depth, false)?
                    .into_iter()
                    .filter(|s| !s.values.is_empty())
                    .collect(),
            ),
            (
                Language::JavaScript | Language::TypeScript | Language::Tsx,
                RecordKind::Interface | RecordKind::ObjectType,
            ) => (
                Compose::Named {
                    head: String::new(),
                    open: "{ ",
                    assign: ": ",
                    close: " }",
                },
                self.field_slots(record, seen, depth, true)?,
            ),
            (Language::JavaScript | Language::TypeScript | Language::Tsx, _) => {
                let exported = record.public || {
                    let text = found.file.text(self.db).to_string();
                    js::is_exported(&text, name, record.range)
                };
                if !exported {
                    return Err(format!(
                        "`{name}` is not exported from {}, so a test cannot build one",
                        found.path.display()
                    ));
                }
                imports.push(Import {
                    name: name.clone(),
                    from: ImportSource::File(found.path.clone()),
                });
                let params = match &record.constructor {
                    Some(c) => c.params.clone(),
                    None if record.fields.iter().all(|f| f.default.is_some()) => Vec::new(),
                    None => {
                        return Err(format!(
                            "`{name}` has fields but no constructor to set them"
                        ));
                    }
                };
                (
                    Compose::Positional {
                        head: format!("new {name}"),
                    },
                    self.param_slots(&params, seen, depth)?,
                )
            }
            (Language::Python, kind) => {
                imports.push(Import {
                    name: name.clone(),
                    from: ImportSource::Module(found.module.clone()),
                });
                let slots = match (&record.constructor, kind) {
                    (_, RecordKind::Dataclass | RecordKind::NamedTuple) => {
                        self.field_slots(record, seen, depth, true)?
                    }
                    (Some(c), _) => self.param_slots(&c.params, seen, depth)?,
                    (None, _) => Vec::new(),
                };
                (
                    Compose::Named {
                        head: name.clone(),
                        open: "(",
                        assign: "=",
                        close: ")",
                    },
                    slots,
                )
            }
        };
        Ok(combine(&compose, slots, imports))
    }

    /// A slot per field. `required`: a field without a value and without a default (or `?`)
    /// makes the record impossible to build.
    fn field_slots(
        &self,
        record: &Record,
        seen: &mut Vec<String>,
        depth: usize,
        required: bool,
    ) -> Result<Vec<Slot>, String> {
        let mut slots = Vec::new();
        for field in &record.fields {
            let optional = field.optional || field.default.is_some();
            let values = self.slot_values(&field.name, field.ty.as_deref(), seen, depth)?;
            if values.is_empty() && required && !optional {
                let ty = field
                    .ty
                    .as_deref()
                    .map_or(String::new(), |t| format!(": {t}"));
                return Err(format!(
                    "no value for the field `{}.{}{ty}`",
                    record.name, field.name
                ));
            }
            slots.push(Slot {
                name: field.name.clone(),
                values,
            });
        }
        Ok(slots)
    }

    /// A slot per constructor parameter (rest parameters left out).
    fn param_slots(
        &self,
        params: &[syntax::Param],
        seen: &mut Vec<String>,
        depth: usize,
    ) -> Result<Vec<Slot>, String> {
        let mut slots = Vec::new();
        for p in params {
            if p.name.starts_with('*') || p.name.starts_with("...") {
                continue;
            }
            let values = self.slot_values(&p.name, p.ty.as_deref(), seen, depth)?;
            if values.is_empty() {
                if p.default.is_some() {
                    // Later parameters could only be given by keyword; positional languages
                    // stop here, and keyword ones lose nothing by leaving them out too.
                    break;
                }
                return Err(format!(
                    "no value for the constructor parameter `{}`",
                    p.name
                ));
            }
            slots.push(Slot {
                name: p.name.clone(),
                values,
            });
        }
        Ok(slots)
    }

    /// The values of one field: a nested record gives its base and its alternative, anything
    /// else the values of its type or name.
    fn slot_values(
        &self,
        name: &str,
        ty: Option<&str>,
        seen: &mut Vec<String>,
        depth: usize,
    ) -> Result<Vec<Arg>, String> {
        if let Some(ty) = ty
            && let Some(values) = self.typed(ty, seen, depth + 1)
        {
            let values = values?;
            // Nested: the base and the last value, not every variant of every field.
            let mut short: Vec<Arg> = values.first().cloned().into_iter().collect();
            if values.len() > 1 {
                short.extend(values.last().cloned());
            }
            return Ok(short);
        }
        Ok(self.scalars(name, ty))
    }

    // -----------------------------------------------------------------------------------------
    // Untyped parameters: the shape is what the function reads.

    /// Values for an untyped parameter from what the function reads of it: a list of objects
    /// where it reads members of the elements it takes from it, an object where it reads
    /// members of the parameter itself and its name says nothing else. `None` otherwise.
    fn inferred(
        &self,
        name: &str,
        function: &syntax::Function,
    ) -> Option<Result<Vec<Arg>, String>> {
        let element_names: Vec<&str> = function
            .elements
            .iter()
            .filter(|e| e.collection == name)
            .map(|e| e.name.as_str())
            .collect();
        let members_of = |names: &[&str]| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for r in &function.reads {
                if names.contains(&r.object.as_str()) && !out.contains(&r.member) {
                    out.push(r.member.clone());
                }
            }
            out
        };
        let element_members = members_of(&element_names);
        if !element_members.is_empty() {
            let element = self.object_of(&element_members);
            return Some(element.map(|r| list_of(&r, "[", "]", "[]")));
        }
        let members = members_of(&[name]);
        if members.is_empty() || !matches!(kind_from_name(name), Kind::Unknown) {
            return None;
        }
        Some(self.object_of(&members).map(RecordValues::all))
    }

    /// An object with the given members: in Python, the one class of the workspace whose fields
    /// (or constructor parameters) cover them, else a `types.SimpleNamespace`; in JavaScript,
    /// an object literal.
    fn object_of(&self, members: &[String]) -> Result<RecordValues, String> {
        if self.language == Language::Python {
            let covering: Vec<(SourceFile, &str)> = self
                .index()
                .all
                .iter()
                .filter(|(f, shape)| {
                    shape.language == Language::Python
                        && !place::is_test_file(Language::Python, f.path(self.db))
                        && members.iter().all(|m| {
                            shape.fields.contains(m)
                                || shape.constructor.as_ref().is_some_and(|c| c.contains(m))
                        })
                })
                .map(|(f, shape)| (*f, shape.name.as_str()))
                .collect();
            if let [(file, name)] = covering.as_slice()
                && let Some(found) = self.found_in(*file, name)
                && let Ok(values) = self.record_values(&found, &mut Vec::new(), 0)
            {
                return Ok(values);
            }
        }
        let slots: Vec<Slot> = members
            .iter()
            .map(|m| Slot {
                name: m.clone(),
                values: self.member_values(m),
            })
            .collect();
        let (compose, imports) = match self.language {
            Language::Python => (
                Compose::Named {
                    head: "SimpleNamespace".to_owned(),
                    open: "(",
                    assign: "=",
                    close: ")",
                },
                vec![Import {
                    name: "SimpleNamespace".to_owned(),
                    from: ImportSource::Module("types".to_owned()),
                }],
            ),
            _ => (
                Compose::Named {
                    head: String::new(),
                    open: "{ ",
                    assign: ": ",
                    close: " }",
                },
                Vec::new(),
            ),
        };
        Ok(combine(&compose, slots, imports))
    }

    /// The values of a member nothing declares: by its name, else numbers (what a function
    /// most often does with a member it reads is compute with it).
    fn member_values(&self, member: &str) -> Vec<Arg> {
        let named = self.scalars(member, None);
        if !named.is_empty() {
            return named;
        }
        ["0", "1", "-1", "100"]
            .iter()
            .map(|n| Arg::plain((*n).to_owned()))
            .collect()
    }
}

/// A value with nothing in it: the zero, the empty string or collection, the null of the
/// language. A record's base avoids them where its field has another value.
fn is_trivial(code: &str) -> bool {
    matches!(
        code,
        "0" | "0.0"
            | "\"\""
            | "''"
            | "false"
            | "False"
            | "None"
            | "null"
            | "undefined"
            | "nil"
            | "[]"
            | "{}"
            | "&[]"
            | "vec![]"
            | "String::new()"
    ) || code.ends_with("{}")
}

/// The record's values from its slots: the base (each slot at its first non-trivial value),
/// one slot at a time through its other values (slots taking turns), and the alternative (each
/// slot at its last value other than the base).
fn combine(compose: &Compose, slots: Vec<Slot>, mut imports: Vec<Import>) -> RecordValues {
    // Slots without values are left out (optional fields, Go fields); required ones were refused
    // before.
    let slots: Vec<Slot> = slots.into_iter().filter(|s| !s.values.is_empty()).collect();
    let base_index: Vec<usize> = slots
        .iter()
        .map(|s| {
            s.values
                .iter()
                .position(|v| !is_trivial(&v.code))
                .unwrap_or(0)
        })
        .collect();
    for s in &slots {
        for v in &s.values {
            imports.extend(v.imports.iter().cloned());
        }
    }
    imports.sort();
    imports.dedup();
    let write = |choice: &[usize]| -> Arg {
        let parts: Vec<(&str, &Arg)> = slots
            .iter()
            .zip(choice)
            .map(|(s, &i)| (s.name.as_str(), &s.values[i]))
            .collect();
        Arg {
            code: compose.write(&parts),
            imports: imports.clone(),
        }
    };
    let base = write(&base_index);
    let others: Vec<Vec<usize>> = slots
        .iter()
        .zip(&base_index)
        .map(|(s, &b)| (0..s.values.len()).filter(|&i| i != b).collect())
        .collect();
    let mut variants = Vec::new();
    let longest = others.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..longest {
        for (slot, other) in others.iter().enumerate() {
            if let Some(&i) = other.get(k) {
                let mut choice = base_index.clone();
                choice[slot] = i;
                variants.push(write(&choice));
            }
        }
    }
    let alt_index: Vec<usize> = others
        .iter()
        .zip(&base_index)
        .map(|(other, &b)| other.last().copied().unwrap_or(b))
        .collect();
    let alt = write(&alt_index);
    RecordValues {
        base,
        variants,
        alt,
    }
}

/// An optional record: the base, then the null of the language (the case a function most often
/// forgets), then the variants.
fn with_null(mut values: Vec<Arg>, null: &str) -> Vec<Arg> {
    let at = values.len().min(1);
    values.insert(at, Arg::plain(null.to_owned()));
    values
}

/// A collection of records: one element, none, and two elements with different values.
fn list_of(r: &RecordValues, open: &str, close: &str, empty: &str) -> Vec<Arg> {
    let one = r.base.wrap(format!("{open}{}{close}", r.base.code));
    let two = r
        .base
        .wrap(format!("{open}{}, {}{close}", r.base.code, r.alt.code));
    let none = Arg::plain(empty.to_owned());
    if r.alt.code == r.base.code {
        vec![one, none]
    } else {
        vec![one, none, two]
    }
}

/// A Rust type without its lifetimes: `&'a Item` → `&Item`.
fn without_lifetimes(ty: &str) -> String {
    let mut out = String::with_capacity(ty.len());
    let mut chars = ty.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            while chars
                .next_if(|c| c.is_alphanumeric() || *c == '_')
                .is_some()
            {}
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            // `<'a>` or `<'a, T>`: the separator goes with the lifetime.
            if chars.next_if_eq(&',').is_some() {
                while chars.next_if(|c| c.is_whitespace()).is_some() {}
            }
            continue;
        }
        out.push(c);
    }
    out
}

fn without_extension(path: &Path) -> PathBuf {
    match path.extension().and_then(|e| e.to_str()) {
        Some("ts" | "tsx" | "js" | "jsx" | "mjs" | "cjs" | "mts" | "cts") => {
            path.with_extension("")
        }
        _ => path.to_owned(),
    }
}
