//! From a syntax tree to a [`FileModel`], in three steps that can be cached separately:
//!
//! 1. [`outline`] walks the top level (and the bodies of classes, impls, modules and describe
//!    blocks) and cuts the file into *items*: one function, method or top-level test call each,
//!    with the comments and attributes attached to it. This is cheap: `outline.scm` is matched at
//!    depth 0 only, so function bodies are never entered.
//! 2. [`analyze_item`] runs the item query over one item and returns its scopes (functions, tests,
//!    suites) with every fact (decision points, calls, assertions, sleeps, markers) assigned to the
//!    scope it belongs to. Offsets are relative to the item's start, so the result depends only on
//!    the item's text: an edit elsewhere in the file leaves it valid.
//! 3. [`assemble`] puts the items back into their containers, names them, decides which functions
//!    are tests, and turns relative offsets into absolute ones.
//!
//! [`analyze_file`] does all three at once, for files that are read once and not edited.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor, QueryMatch, TextProvider};
use xxhash_rust::xxh3::Xxh3;

use crate::Language;
use crate::lang;
use crate::model::*;
use crate::queries;
use crate::text::{SourceText, TextRange, TextSize};
use crate::tree::SyntaxTree;

/// Reads a rope's bytes for tree-sitter's text predicates without copying it.
struct RopeText<'a>(&'a SourceText);

impl<'a> TextProvider<&'a [u8]> for RopeText<'a> {
    type I = Box<dyn Iterator<Item = &'a [u8]> + 'a>;

    fn text(&mut self, node: Node) -> Self::I {
        Box::new(self.0.chunks_in(TextRange::from_usize(node.byte_range())))
    }
}

thread_local! {
    static CURSOR: RefCell<QueryCursor> = RefCell::new(QueryCursor::new());
}

fn range_of(node: Node) -> TextRange {
    TextRange::from_usize(node.byte_range())
}

/// The kind of a container, from the `kind` property its outline pattern sets.
fn suite_kind(kind: Option<&str>) -> SuiteKind {
    match kind {
        Some("impl") => SuiteKind::Impl,
        Some("trait") => SuiteKind::Trait,
        Some("module") => SuiteKind::Module,
        Some("describe") => SuiteKind::Describe,
        _ => SuiteKind::Class,
    }
}

/// A pattern's `#set! key "value"` property.
fn property<'q>(query: &'q Query, pattern: usize, key: &str) -> Option<&'q str> {
    query
        .property_settings(pattern)
        .iter()
        .find(|p| &*p.key == key)
        .and_then(|p| p.value.as_deref())
}

/// The index of each capture name the engine reads; `None` where a language does not use it.
struct Captures {
    names: Vec<String>,
}

impl Captures {
    fn of(query: &Query) -> Captures {
        Captures {
            names: query
                .capture_names()
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }

    fn name(&self, index: u32) -> &str {
        &self.names[index as usize]
    }
}

// ---------------------------------------------------------------------------------------------
// Step 1: the outline.

/// A function, method or top-level test call, and what is attached to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlineItem {
    /// From the first attached comment or attribute to the end of the item.
    pub range: TextRange,
    /// The comments and attributes attached to the item, in order.
    pub attached: Vec<TextRange>,
    /// The innermost container, an index into [`Outline::containers`].
    pub container: Option<usize>,
    /// A hash of the language and the text of `range`: two items with the same hash have the same
    /// [`ItemModel`].
    pub hash: u128,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlineContainer {
    pub kind: SuiteKind,
    pub name: String,
    pub name_range: TextRange,
    pub range: TextRange,
    pub parent: Option<usize>,
    /// Rust: the trait of `impl Trait for Type`.
    pub trait_name: Option<String>,
    /// Python: the base classes; JavaScript: the class it extends.
    pub bases: Vec<String>,
    /// The text of attached attributes and decorators (`#[cfg(test)]`).
    pub attributes: Vec<String>,
    pub markers: Vec<Marker>,
    pub parametrized: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Outline {
    pub items: Vec<OutlineItem>,
    pub containers: Vec<OutlineContainer>,
    /// Modules the file imports, as written (`vitest`, `node:test`, `unittest`).
    pub imports: Vec<String>,
    /// Go: the package clause.
    pub package: Option<String>,
    /// Declared record types (structs, interfaces, classes), in document order.
    pub records: Vec<OutlineRecord>,
    pub has_syntax_errors: bool,
}

/// A declared record type, as the outline finds it: its fields come from `fields.scm`, its
/// constructor (a function) is found by [`assemble`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlineRecord {
    pub kind: RecordKind,
    pub name: String,
    pub range: TextRange,
    pub name_range: TextRange,
    /// The innermost container, an index into [`Outline::containers`].
    pub container: Option<usize>,
    pub public: bool,
    pub fields: Vec<Field>,
}

/// How much of a node the outline query reads. A decorated class or a `describe.each` whose
/// table runs past this is still modelled, as an item rather than a container.
const OUTLINE_HEAD: usize = 2048;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Role {
    Attach,
    Item,
    Container,
}

/// Cuts a file into items and containers. See the module docs.
pub fn outline(language: Language, tree: &SyntaxTree, text: &SourceText) -> Outline {
    outline_with(language, tree, text, None)
}

/// [`outline`], reusing the classifications of nodes whose text the cache has seen.
pub fn outline_cached(
    language: Language,
    tree: &SyntaxTree,
    text: &SourceText,
    cache: &dyn OutlineCache,
) -> Outline {
    outline_with(language, tree, text, Some(cache))
}

fn outline_with(
    language: Language,
    tree: &SyntaxTree,
    text: &SourceText,
    cache: Option<&dyn OutlineCache>,
) -> Outline {
    let queries = queries::get(language);
    let mut walker = OutlineWalker {
        language,
        query: &queries.outline,
        fields: &queries.fields,
        cache,
        by_kind: &queries.outline_by_kind,
        captures: Captures::of(&queries.outline),
        text,
        out: Outline {
            has_syntax_errors: tree.has_errors(),
            ..Outline::default()
        },
    };
    CURSOR.with(|cursor| {
        let mut cursor = cursor.borrow_mut();
        walker.walk(&mut cursor, tree.root(), None);
    });
    walker.out
}

struct OutlineWalker<'a> {
    language: Language,
    query: &'a Query,
    fields: &'a Query,
    cache: Option<&'a dyn OutlineCache>,
    by_kind: &'a [Option<queries::SimpleRole>],
    captures: Captures,
    text: &'a SourceText,
    out: Outline,
}

/// A node inside a classified node: its range relative to that node's start, and its kind, so
/// that it can be found again in another tree holding the same text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeRef {
    start: u32,
    end: u32,
    kind: u16,
}

impl NodeRef {
    fn of(node: Node, base: usize) -> NodeRef {
        NodeRef {
            start: (node.start_byte() - base) as u32,
            end: (node.end_byte() - base) as u32,
            kind: node.kind_id(),
        }
    }

    /// Its range in the file, for a node at the same place as the one it was taken from.
    fn absolute(self, node: Node) -> TextRange {
        let base = node.start_byte() as TextSize;
        TextRange::new(base + self.start, base + self.end)
    }

    /// The node this refers to under `root`.
    fn resolve<'t>(self, root: Node<'t>) -> Option<Node<'t>> {
        let base = root.start_byte();
        let (start, end) = (base + self.start as usize, base + self.end as usize);
        let mut node = root.descendant_for_byte_range(start, end)?;
        // The smallest node over the range may be a child with the same span: climb to the kind.
        while node.kind_id() != self.kind {
            node = node.parent()?;
            if node.start_byte() != start || node.end_byte() != end {
                return None;
            }
        }
        Some(node)
    }
}

/// What the outline query says of one node. It depends only on the node's text, so it can be
/// cached by a hash of that text (see [`OutlineCache`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Classification {
    role: Option<Role>,
    pattern: usize,
    name: Option<NodeRef>,
    body: Option<NodeRef>,
    trait_name: Option<NodeRef>,
    bases: Vec<NodeRef>,
    markers: Vec<(MarkerKind, NodeRef)>,
    reason: Option<NodeRef>,
    parametrized: bool,
    imports: Vec<String>,
    package: Option<String>,
    records: Vec<FoundRecord>,
}

/// A record declared by a classified node, with ranges relative to the node's start.
#[derive(Clone, Debug, PartialEq, Eq)]
struct FoundRecord {
    kind: RecordKind,
    name: String,
    range: NodeRef,
    name_range: NodeRef,
    public: bool,
    fields: Vec<Field>,
}

/// Remembers outline classifications by the hash of the node's language, kind and text. The
/// outline of an open file is taken again after every keystroke; with a cache, only the nodes
/// whose text changed are matched again.
pub trait OutlineCache: Sync {
    fn classification(&self, key: u128) -> Option<Arc<Classification>>;
    fn remember(&self, key: u128, classification: Arc<Classification>);
}

/// What the outline query says of one node, resolved to nodes of the current tree.
#[derive(Default)]
struct Classified<'t> {
    role: Option<Role>,
    pattern: usize,
    name: Option<Node<'t>>,
    body: Option<Node<'t>>,
    trait_name: Option<Node<'t>>,
    bases: Vec<Node<'t>>,
    markers: Vec<(MarkerKind, Node<'t>)>,
    reason: Option<Node<'t>>,
    parametrized: bool,
    /// With absolute ranges, without their container (the walk knows it).
    records: Vec<OutlineRecord>,
}

impl<'a> OutlineWalker<'a> {
    fn walk<'t>(&mut self, cursor: &mut QueryCursor, parent: Node<'t>, container: Option<usize>) {
        let mut attached: Vec<Node<'t>> = Vec::new();
        let mut tree_cursor = parent.walk();
        let children: Vec<Node<'t>> = parent.named_children(&mut tree_cursor).collect();
        for child in children {
            if child.is_error() {
                // Recover what we can: an ERROR node's children are walked as if they stood here.
                self.walk(cursor, child, container);
                attached.clear();
                continue;
            }
            let mut classified = self.classify(cursor, child);
            for mut record in std::mem::take(&mut classified.records) {
                record.container = container;
                self.out.records.push(record);
            }
            match classified.role {
                Some(Role::Attach) => attached.push(child),
                Some(Role::Item) => {
                    let start = attached
                        .first()
                        .map_or(child.start_byte(), |n| n.start_byte());
                    let range = TextRange::from_usize(start..child.end_byte());
                    self.out.items.push(OutlineItem {
                        range,
                        attached: attached.iter().map(|n| range_of(*n)).collect(),
                        container,
                        hash: hash_text(self.language, self.text, range),
                    });
                    attached.clear();
                }
                Some(Role::Container) => {
                    let index = self.push_container(&classified, child, &attached, container);
                    attached.clear();
                    if let Some(body) = classified.body {
                        self.walk(cursor, body, Some(index));
                    }
                }
                None => attached.clear(),
            }
        }
    }

    fn classify<'t>(&mut self, cursor: &mut QueryCursor, node: Node<'t>) -> Classified<'t> {
        // Most top-level nodes are plain functions or comments: no need to run the query.
        if let Some(Some(role)) = self.by_kind.get(node.kind_id() as usize) {
            return Classified {
                role: Some(match role {
                    queries::SimpleRole::Attach => Role::Attach,
                    queries::SimpleRole::Item => Role::Item,
                }),
                ..Classified::default()
            };
        }
        let classification = match self.cache {
            Some(cache) => {
                let key = hash_node(self.language, self.text, node);
                match cache.classification(key) {
                    Some(known) => known,
                    None => {
                        let fresh = Arc::new(self.run_outline_query(cursor, node));
                        cache.remember(key, fresh.clone());
                        fresh
                    }
                }
            }
            None => Arc::new(self.run_outline_query(cursor, node)),
        };
        for source in &classification.imports {
            if !self.out.imports.contains(source) {
                self.out.imports.push(source.clone());
            }
        }
        if classification.package.is_some() {
            self.out.package.clone_from(&classification.package);
        }
        let resolve = |r: &NodeRef| r.resolve(node);
        Classified {
            role: classification.role,
            pattern: classification.pattern,
            name: classification.name.as_ref().and_then(resolve),
            body: classification.body.as_ref().and_then(resolve),
            trait_name: classification.trait_name.as_ref().and_then(resolve),
            bases: classification.bases.iter().filter_map(resolve).collect(),
            markers: classification
                .markers
                .iter()
                .filter_map(|(kind, r)| Some((*kind, resolve(r)?)))
                .collect(),
            reason: classification.reason.as_ref().and_then(resolve),
            records: classification
                .records
                .iter()
                .map(|r| OutlineRecord {
                    kind: r.kind,
                    name: r.name.clone(),
                    range: r.range.absolute(node),
                    name_range: r.name_range.absolute(node),
                    container: None,
                    public: r.public,
                    fields: r.fields.clone(),
                })
                .collect(),
            parametrized: classification.parametrized,
        }
    }

    fn run_outline_query(&self, cursor: &mut QueryCursor, node: Node) -> Classification {
        let base = node.start_byte();
        let at = |n: Node| NodeRef::of(n, base);
        let mut best = Classification::default();
        cursor.set_max_start_depth(Some(0));
        // What an outline pattern looks at (a describe call's name and callback, a class's name
        // and bases) sits at the start of the node: never walk into the rest of its body.
        let head_end = node.end_byte().min(node.start_byte() + OUTLINE_HEAD);
        cursor.set_byte_range(node.start_byte()..head_end);
        cursor.set_containing_byte_range(0..usize::MAX);
        let mut records: Vec<RecordMatch> = Vec::new();
        let mut matches = cursor.matches(self.query, node, RopeText(self.text));
        while let Some(m) = matches.next() {
            let mut found = Classification {
                pattern: m.pattern_index,
                ..Classification::default()
            };
            let mut record = RecordMatch {
                kind: property(self.query, m.pattern_index, "record").and_then(record_kind),
                node: None,
                name: None,
                body: None,
                public: false,
            };
            for capture in m.captures() {
                let n = capture.node;
                match self.captures.name(capture.index) {
                    "record" => record.node = Some(n),
                    "record.name" => record.name = Some(n),
                    "record.body" => record.body = Some(n),
                    "record.public" => record.public = true,
                    "attach" => found.role = found.role.max(Some(Role::Attach)),
                    "item" => found.role = found.role.max(Some(Role::Item)),
                    "container" => found.role = found.role.max(Some(Role::Container)),
                    "container.name" => found.name = Some(at(n)),
                    "container.body" => found.body = Some(at(n)),
                    "container.trait" => found.trait_name = Some(at(n)),
                    "container.base" => found.bases.push(at(n)),
                    "marker.focus" => found.markers.push((MarkerKind::Focus, at(n))),
                    "marker.skip" => found.markers.push((MarkerKind::Skip, at(n))),
                    "marker.todo" => found.markers.push((MarkerKind::Todo, at(n))),
                    "marker.reason" => found.reason = Some(at(n)),
                    "parametrized" => found.parametrized = true,
                    "import" => {
                        let source = lang::unquote(&self.node_text(n)).into_owned();
                        if !found.imports.contains(&source) {
                            found.imports.push(source);
                        }
                    }
                    "package" => found.package = Some(self.node_text(n).into_owned()),
                    _ => {}
                }
            }
            // Records, too: a Python class is a container and may be a record.
            if let (Some(kind), Some(name)) = (record.kind, record.name) {
                match records.iter_mut().find(|r| r.name == Some(name)) {
                    // Several patterns may see one record: the most specific kind wins.
                    Some(seen) => {
                        if kind_rank(kind) > kind_rank(seen.kind.unwrap_or(kind)) {
                            seen.kind = Some(kind);
                        }
                        seen.public |= record.public;
                        seen.body = seen.body.or(record.body);
                        seen.node = seen.node.or(record.node);
                    }
                    None => records.push(record),
                }
            }
            // File facts count whatever the role.
            for source in std::mem::take(&mut found.imports) {
                if !best.imports.contains(&source) {
                    best.imports.push(source);
                }
            }
            best.package = best.package.take().or(found.package.take());
            if found.role > best.role {
                found.imports = std::mem::take(&mut best.imports);
                found.package = best.package.take();
                best = found;
            } else if found.role.is_some() && found.role == best.role {
                // Several patterns describe one container (one for its markers, one for its
                // name): merge what they say.
                best.name = best.name.or(found.name);
                best.body = best.body.or(found.body);
                best.trait_name = best.trait_name.or(found.trait_name);
                best.bases.extend(found.bases);
                best.markers.extend(found.markers);
                best.reason = best.reason.or(found.reason);
                best.parametrized |= found.parametrized;
            }
        }
        drop(matches);
        best.records = records
            .into_iter()
            .filter_map(|r| {
                let name = r.name?;
                let name_text = self.node_text(name).into_owned();
                Some(FoundRecord {
                    kind: r.kind?,
                    public: r.public || lang::public_by_name(self.language, &name_text),
                    name: name_text,
                    range: at(r.node.unwrap_or(node)),
                    name_range: at(name),
                    fields: r
                        .body
                        .map(|b| self.record_fields(cursor, b))
                        .unwrap_or_default(),
                })
            })
            .collect();
        best
    }

    /// The fields of a record, from `fields.scm` matched on the direct children of its body.
    fn record_fields(&self, cursor: &mut QueryCursor, body: Node) -> Vec<Field> {
        cursor.set_max_start_depth(Some(1));
        cursor.set_byte_range(body.byte_range());
        cursor.set_containing_byte_range(0..usize::MAX);
        let names = self.fields.capture_names();
        // Rust fields are private unless they say otherwise; elsewhere they are visible unless
        // they say otherwise.
        let public_by_default = self.language != Language::Rust;
        let mut out: Vec<(TextRange, Field)> = Vec::new();
        let mut matches = cursor.matches(self.fields, body, RopeText(self.text));
        while let Some(m) = matches.next() {
            let mut range = None;
            let mut field = Field {
                name: String::new(),
                ty: None,
                public: public_by_default,
                optional: false,
                default: None,
            };
            for capture in m.captures() {
                let n = capture.node;
                match names[capture.index as usize] {
                    "field" => range = Some(range_of(n)),
                    "field.name" => field.name = self.node_text(n).into_owned(),
                    "field.type" => {
                        field.ty = Some(lang::clean_type(self.language, &self.node_text(n)))
                    }
                    "field.public" => field.public = true,
                    "field.private" => field.public = false,
                    "field.optional" => field.optional = true,
                    "field.default" => field.default = Some(lang::one_line(&self.node_text(n))),
                    _ => {}
                }
            }
            let Some(range) = range.filter(|_| !field.name.is_empty()) else {
                continue;
            };
            // A field seen by several patterns (one for its `?`): merge what they say.
            match out
                .iter_mut()
                .find(|(r, f)| *r == range && f.name == field.name)
            {
                Some((_, seen)) => {
                    seen.ty = seen.ty.take().or(field.ty);
                    seen.optional |= field.optional;
                    seen.default = seen.default.take().or(field.default);
                    if field.public != public_by_default {
                        seen.public = field.public;
                    }
                }
                None => out.push((range, field)),
            }
        }
        out.sort_by_key(|(r, _)| r.start);
        out.into_iter().map(|(_, f)| f).collect()
    }

    fn push_container(
        &mut self,
        c: &Classified,
        node: Node,
        attached: &[Node],
        parent: Option<usize>,
    ) -> usize {
        let kind = suite_kind(property(self.query, c.pattern, "kind"));
        let name_node = c.name.unwrap_or(node);
        let name = match kind {
            SuiteKind::Describe => lang::unquote(&self.node_text(name_node)).into_owned(),
            _ => self.node_text(name_node).into_owned(),
        };
        let reason = c
            .reason
            .map(|n| lang::unquote(&self.node_text(n)).into_owned());
        let start = attached
            .first()
            .map_or(node.start_byte(), |n| n.start_byte());
        self.out.containers.push(OutlineContainer {
            kind,
            name,
            name_range: range_of(name_node),
            range: TextRange::from_usize(start..node.end_byte()),
            parent,
            trait_name: c.trait_name.map(|n| self.node_text(n).into_owned()),
            bases: c
                .bases
                .iter()
                .map(|n| lang::base_name(&self.node_text(*n)))
                .collect(),
            attributes: attached
                .iter()
                .map(|n| self.node_text(*n).into_owned())
                .collect(),
            markers: c
                .markers
                .iter()
                .map(|(kind, n)| Marker {
                    kind: *kind,
                    range: range_of(*n),
                    reason: reason.clone(),
                })
                .collect(),
            parametrized: c.parametrized,
        });
        self.out.containers.len() - 1
    }

    fn node_text(&self, node: Node) -> Cow<'a, str> {
        self.text.slice(range_of(node))
    }
}

/// A record pattern's captures, before its fields are read.
struct RecordMatch<'t> {
    kind: Option<RecordKind>,
    node: Option<Node<'t>>,
    name: Option<Node<'t>>,
    body: Option<Node<'t>>,
    public: bool,
}

/// The kind a record pattern's `record` property names.
fn record_kind(name: &str) -> Option<RecordKind> {
    Some(match name {
        "struct" => RecordKind::Struct,
        "interface" => RecordKind::Interface,
        "object" => RecordKind::ObjectType,
        "class" => RecordKind::Class,
        "dataclass" => RecordKind::Dataclass,
        "namedtuple" => RecordKind::NamedTuple,
        _ => return None,
    })
}

/// Of two patterns that see one record, the more specific says what it is: a class that is also
/// a dataclass is a dataclass.
fn kind_rank(kind: RecordKind) -> u8 {
    match kind {
        RecordKind::Class => 0,
        RecordKind::Struct | RecordKind::Interface | RecordKind::ObjectType => 1,
        RecordKind::Dataclass | RecordKind::NamedTuple => 2,
    }
}

/// The key of a node's classification: its language, kind and text.
fn hash_node(language: Language, text: &SourceText, node: Node) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(&[language as u8]);
    hasher.update(&node.kind_id().to_le_bytes());
    for chunk in text.chunks_in(range_of(node)) {
        hasher.update(chunk);
    }
    hasher.digest128()
}

fn hash_text(language: Language, text: &SourceText, range: TextRange) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(&[language as u8]);
    for chunk in text.chunks_in(range) {
        hasher.update(chunk);
    }
    hasher.digest128()
}

// ---------------------------------------------------------------------------------------------
// Step 2: one item.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    Function,
    /// A call-based test: `it(...)`, `t.Run(...)`.
    Test,
    /// A `describe(...)` call inside an item.
    Suite,
}

/// A test mark on a function, from `@test.function` or `@test.attribute`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TestMark {
    pub framework: Option<Framework>,
    pub kind: TestKind,
}

/// A function, call-based test or suite inside an item, with the facts that belong to it.
/// Ranges are relative to the item's start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub kind: ScopeKind,
    pub name: String,
    pub range: TextRange,
    pub name_range: TextRange,
    /// The end of the line the name is on, before its line break: where an inlay hint goes.
    pub name_line_end: TextSize,
    pub parent: Option<usize>,
    pub is_method: bool,
    pub params: Vec<Param>,
    pub params_range: Option<TextRange>,
    pub return_type: Option<String>,
    pub receiver: Option<String>,
    pub doc: Option<String>,
    /// Decision points of this function, nested named functions excluded.
    pub decisions: u32,
    pub calls: Vec<Call>,
    pub assertions: Vec<TextRange>,
    pub sleeps: Vec<Sleep>,
    pub markers: Vec<Marker>,
    pub expects_failure: bool,
    pub test_marks: Vec<TestMark>,
    /// A `kind` property on the pattern that found a call-based test (`subtest`).
    pub test_kind: Option<TestKind>,
    pub framework: Option<Framework>,
    pub parametrized: bool,
    pub dynamic_name: bool,
    pub has_body: bool,
    /// Rust: the function's visibility as written.
    pub visibility: Option<String>,
    /// Members read on plain names (see [`Function::reads`]).
    pub reads: Vec<MemberRead>,
    /// Names bound to the elements of a collection (see [`Function::elements`]).
    pub elements: Vec<ElementBinding>,
}

impl Scope {
    fn new(kind: ScopeKind, range: TextRange) -> Scope {
        Scope {
            kind,
            name: String::new(),
            range,
            name_range: range,
            name_line_end: range.end,
            parent: None,
            is_method: false,
            params: Vec::new(),
            params_range: None,
            return_type: None,
            receiver: None,
            doc: None,
            decisions: 0,
            calls: Vec::new(),
            assertions: Vec::new(),
            sleeps: Vec::new(),
            markers: Vec::new(),
            expects_failure: false,
            test_marks: Vec::new(),
            test_kind: None,
            framework: None,
            parametrized: false,
            dynamic_name: false,
            has_body: true,
            visibility: None,
            reads: Vec::new(),
            elements: Vec::new(),
        }
    }
}

/// What one item holds. Depends only on the item's text (see [`OutlineItem::hash`]).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ItemModel {
    /// In document order; a scope's parent comes before it.
    pub scopes: Vec<Scope>,
}

impl ItemModel {
    /// The item's functions, as [`assemble`] turns them into [`Function`]s.
    pub fn functions(&self) -> impl Iterator<Item = &Scope> {
        self.scopes.iter().filter(|s| s.kind == ScopeKind::Function)
    }
}

/// One fact found by the item query, before it is given to a scope.
enum Fact {
    Branch,
    Call(String),
    Assertion,
    Sleep(String),
    ExpectsFailure,
    Marker(MarkerKind, Option<String>),
    TestMark(TestMark),
    Parametrized,
    Doc(String),
    Param(Param),
    /// `object.member`; the range is the member's, to tell a method call (whose name it is) apart.
    Read(MemberRead),
    Element(ElementBinding),
}

/// Runs the item query over `item` and gives each fact to its scope. See the module docs.
pub fn analyze_item(
    language: Language,
    tree: &SyntaxTree,
    text: &SourceText,
    item: &OutlineItem,
) -> ItemModel {
    analyze_items(language, tree, text, &[item])
        .pop()
        .expect("one model per item")
}

/// One item's scopes and facts, as the query found them.
type Found = (Vec<Scope>, Vec<(TextRange, Fact)>);

/// Up to this many items are queried one by one; more are queried in one pass over the span they
/// cover. A query restricted to one item still walks from the root past every earlier sibling,
/// so item by item over a whole file would cost O(n²).
const ONE_BY_ONE: usize = 4;

/// [`analyze_item`] for several items of one tree, in document order, without overlaps (as an
/// outline gives them). Returns one model per item, in the same order.
pub fn analyze_items(
    language: Language,
    tree: &SyntaxTree,
    text: &SourceText,
    items: &[&OutlineItem],
) -> Vec<ItemModel> {
    let queries = queries::get(language);
    let query = &queries.item;
    let captures = Captures::of(query);
    let node_text = |n: Node| text.slice(range_of(n));
    let mut found: Vec<Found> = items.iter().map(|_| (Vec::new(), Vec::new())).collect();

    CURSOR.with(|cursor| {
        let mut cursor = cursor.borrow_mut();
        cursor.set_max_start_depth(None);
        if items.len() <= ONE_BY_ONE {
            for (item, (scopes, facts)) in items.iter().zip(found.iter_mut()) {
                cursor.set_byte_range(item.range.as_usize());
                cursor.set_containing_byte_range(item.range.as_usize());
                let mut matches = cursor.matches(query, tree.root(), RopeText(text));
                while let Some(m) = matches.next() {
                    read_match(language, query, &captures, m, &node_text, scopes, facts);
                }
            }
            return;
        }
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return;
        };
        let span = TextRange::new(first.range.start, last.range.end);
        cursor.set_byte_range(span.as_usize());
        cursor.set_containing_byte_range(span.as_usize());
        let mut matches = cursor.matches(query, tree.root(), RopeText(text));
        while let Some(m) = matches.next() {
            let mut extent: Option<TextRange> = None;
            for capture in m.captures() {
                let r = range_of(capture.node);
                extent = Some(match extent {
                    Some(e) => TextRange::new(e.start.min(r.start), e.end.max(r.end)),
                    None => r,
                });
            }
            let Some(extent) = extent else { continue };
            // The item this match falls in; a match across items, or between them, belongs to
            // none (as when each item is queried on its own).
            let i = items.partition_point(|item| item.range.start <= extent.start);
            let Some(i) = i.checked_sub(1) else { continue };
            if !items[i].range.contains_range(extent) {
                continue;
            }
            let (scopes, facts) = &mut found[i];
            read_match(language, query, &captures, m, &node_text, scopes, facts);
        }
    });

    items
        .iter()
        .zip(found)
        .map(|(item, (scopes, facts))| finish_item(language, text, item, scopes, facts))
        .collect()
}

/// Turns one item's raw scopes and facts into its model: relative offsets, nesting, each fact
/// given to its scope.
fn finish_item(
    language: Language,
    text: &SourceText,
    item: &OutlineItem,
    mut scopes: Vec<Scope>,
    facts: Vec<(TextRange, Fact)>,
) -> ItemModel {
    let base = item.range.start;
    let rel = |r: TextRange| TextRange::new(r.start - base, r.end - base);

    // Relative offsets from here on.
    let item_text = text.slice(item.range);
    for scope in &mut scopes {
        scope.range = rel(scope.range);
        scope.name_range = rel(scope.name_range);
        scope.params_range = scope.params_range.map(rel);
        let from = scope.name_range.start as usize;
        scope.name_line_end = item_text
            .get(from..)
            .and_then(|rest| rest.find(['\n', '\r']))
            .map_or(item_text.len(), |at| from + at) as TextSize;
    }
    scopes.sort_by_key(|s| (s.range.start, std::cmp::Reverse(s.range.end)));
    scopes.dedup_by(|b, a| {
        // One node found by several patterns (TypeScript adds the return type in a pattern of
        // its own) is one scope: merge what each says.
        let same = a.kind == b.kind && a.range == b.range;
        if same {
            a.is_method |= b.is_method;
            a.parametrized |= b.parametrized;
            if a.name.is_empty() {
                a.name = std::mem::take(&mut b.name);
                a.name_range = b.name_range;
                a.dynamic_name = b.dynamic_name;
            }
            a.params_range = a.params_range.or(b.params_range);
            a.return_type = a.return_type.take().or(b.return_type.take());
            a.receiver = a.receiver.take().or(b.receiver.take());
            a.test_kind = a.test_kind.or(b.test_kind);
            a.framework = a.framework.or(b.framework);
            a.visibility = a.visibility.take().or(b.visibility.take());
        }
        same
    });
    // A pattern that only adds to a scope found elsewhere leaves no name: such a scope is noise.
    scopes.retain(|s| !s.name.is_empty() || s.kind != ScopeKind::Function);
    for i in 0..scopes.len() {
        let range = scopes[i].range;
        scopes[i].parent = (0..i)
            .rev()
            .find(|&j| scopes[j].range.contains_range(range));
    }

    // A fact outside every scope but before the first one is a decorator or an attribute of the
    // item's function; anything else outside every scope belongs to no one.
    let innermost = |scopes: &[Scope], at: TextRange| -> Option<usize> {
        (0..scopes.len())
            .rev()
            .find(|&i| scopes[i].range.contains_range(at))
            .or_else(|| {
                let first = scopes.first()?;
                (first.kind == ScopeKind::Function && at.end <= first.range.start).then_some(0)
            })
    };
    let innermost_function = |scopes: &[Scope], at: TextRange| -> Option<usize> {
        let mut i = innermost(scopes, at)?;
        loop {
            if scopes[i].kind == ScopeKind::Function {
                return Some(i);
            }
            i = scopes[i].parent?;
        }
    };

    // Two patterns may find one decision point (a `case` guard is also an `if` clause): count
    // each node once.
    let mut seen_branches = std::collections::HashSet::new();
    // A member that is the name of a call is a method call, not a read of a field.
    let call_names: std::collections::HashSet<TextRange> = facts
        .iter()
        .filter(|(_, f)| matches!(f, Fact::Call(_)))
        .map(|(r, _)| rel(*r))
        .collect();
    for (range, fact) in facts {
        let range = rel(range);
        match fact {
            Fact::Read(read) => {
                if call_names.contains(&range) {
                    continue;
                }
                if let Some(i) = innermost_function(&scopes, range)
                    && !scopes[i].reads.contains(&read)
                {
                    scopes[i].reads.push(read);
                }
            }
            Fact::Element(binding) => {
                if let Some(i) = innermost_function(&scopes, range)
                    && !scopes[i].elements.contains(&binding)
                {
                    scopes[i].elements.push(binding);
                }
            }
            Fact::Param(param) => {
                if let Some(i) = scopes
                    .iter()
                    .rposition(|s| s.params_range.is_some_and(|p| p.contains_range(range)))
                {
                    scopes[i].params.push(param);
                }
            }
            Fact::Branch => {
                if !seen_branches.insert(range) {
                    continue;
                }
                if let Some(i) = innermost_function(&scopes, range) {
                    scopes[i].decisions += 1;
                }
            }
            Fact::Doc(doc) => {
                if let Some(i) = innermost_function(&scopes, range) {
                    scopes[i].doc.get_or_insert(doc);
                }
            }
            // A decorator's call is applied to the function, not made by it.
            Fact::Call(name) => {
                if let Some(i) = scopes.iter().rposition(|s| s.range.contains_range(range)) {
                    scopes[i].calls.push(Call { name, range });
                }
            }
            fact => {
                let Some(i) = innermost(&scopes, range) else {
                    continue;
                };
                let scope = &mut scopes[i];
                match fact {
                    Fact::Assertion => scope.assertions.push(range),
                    Fact::Sleep(callee) => scope.sleeps.push(Sleep { callee, range }),
                    Fact::ExpectsFailure => scope.expects_failure = true,
                    Fact::Marker(kind, reason) => scope.markers.push(Marker {
                        kind,
                        range,
                        reason,
                    }),
                    Fact::TestMark(mark) => {
                        if !scope.test_marks.contains(&mark) {
                            scope.test_marks.push(mark)
                        }
                    }
                    Fact::Parametrized => scope.parametrized = true,
                    Fact::Param(_)
                    | Fact::Branch
                    | Fact::Doc(_)
                    | Fact::Call(_)
                    | Fact::Read(_)
                    | Fact::Element(_) => {
                        unreachable!("handled above")
                    }
                }
            }
        }
    }
    for scope in &mut scopes {
        scope.calls.sort_by_key(|c| c.range.start);
        scope.calls.dedup_by(|b, a| a.range == b.range);
        scope.assertions.sort();
        scope.assertions.dedup();
        scope.sleeps.sort_by_key(|s| s.range.start);
        scope.sleeps.dedup_by(|b, a| a.range == b.range);
        // Only what is read of the function's own parameters (directly or through the elements
        // it takes from them) says anything about its inputs; the rest would only cost memory.
        let mut followed: Vec<String> = scope.params.iter().map(|p| p.name.clone()).collect();
        let elements = std::mem::take(&mut scope.elements);
        for e in &elements {
            if followed.contains(&e.collection) && !followed.contains(&e.name) {
                followed.push(e.name.clone());
            }
        }
        scope.elements = elements
            .into_iter()
            .filter(|e| followed.contains(&e.collection))
            .collect();
        scope.reads.retain(|r| followed.contains(&r.object));
        scope.markers.sort_by_key(|m| m.range.start);
        scope.markers.dedup_by(|b, a| {
            let same = a.range == b.range && a.kind == b.kind;
            if same && a.reason.is_none() {
                a.reason = b.reason.take();
            }
            same
        });
    }

    if let Some(first) = scopes.first_mut() {
        // A doc comment above the item belongs to its outermost function.
        if first.kind == ScopeKind::Function && first.doc.is_none() {
            first.doc =
                lang::doc_from_comments(language, text, &item.attached, base + first.range.start);
        }
        // A skip with no reason of its own takes the comment right above the item as one: the
        // only way to give `it.skip` a reason.
        if first
            .markers
            .iter()
            .any(|m| m.kind == MarkerKind::Skip && m.reason.is_none())
            && let Some(reason) =
                lang::reason_comment(text, &item.attached, base + first.range.start)
        {
            for m in &mut first.markers {
                if m.kind == MarkerKind::Skip && m.reason.is_none() {
                    m.reason = Some(reason.clone());
                }
            }
        }
    }
    // `it.todo("...")` has nothing to run.
    for scope in &mut scopes {
        if scope.markers.iter().any(|m| m.kind == MarkerKind::Todo) {
            scope.has_body = false;
        }
    }

    ItemModel { scopes }
}

#[allow(clippy::too_many_arguments)]
fn read_match<'t>(
    language: Language,
    query: &Query,
    captures: &Captures,
    m: &QueryMatch<'_, 't>,
    node_text: &dyn Fn(Node<'t>) -> Cow<'_, str>,
    scopes: &mut Vec<Scope>,
    facts: &mut Vec<(TextRange, Fact)>,
) {
    let pattern = m.pattern_index;
    let framework = property(query, pattern, "framework").and_then(Framework::from_name);
    let kind = property(query, pattern, "kind");
    let mut scope: Option<Scope> = None;
    let mut reason: Option<String> = None;
    let mut markers: Vec<(MarkerKind, TextRange)> = Vec::new();
    let mut param_name: Option<String> = None;
    let mut param_type: Option<String> = None;
    let mut param_range: Option<TextRange> = None;
    let mut param_default: Option<String> = None;
    let mut variadic = false;
    let mut read_object: Option<String> = None;
    let mut read_member: Option<(TextRange, String)> = None;
    let mut element_name: Option<(TextRange, String)> = None;
    let mut element_collection: Option<String> = None;
    let mut sleep: Option<(TextRange, String)> = None;
    let mut sleep_callee: Option<String> = None;
    let mut parametrized = false;

    for capture in m.captures() {
        let node = capture.node;
        let range = range_of(node);
        match captures.name(capture.index) {
            "function" => {
                let mut s = Scope::new(ScopeKind::Function, range);
                s.is_method = kind == Some("method");
                scope = Some(s);
            }
            "test" => {
                let mut s = Scope::new(ScopeKind::Test, range);
                s.test_kind = match kind {
                    Some("subtest") => Some(TestKind::Subtest),
                    _ => Some(TestKind::Test),
                };
                s.framework = framework;
                scope = Some(s);
            }
            "suite" => scope = Some(Scope::new(ScopeKind::Suite, range)),
            "function.name" | "test.name" | "suite.name" => {
                if let Some(s) = scope.as_mut() {
                    let raw = node_text(node);
                    s.dynamic_name = !lang::is_literal_name(node.kind(), &raw);
                    s.name = if s.kind == ScopeKind::Function {
                        raw.into_owned()
                    } else {
                        lang::unquote(&raw).into_owned()
                    };
                    s.name_range = range;
                }
            }
            "function.params" => {
                if let Some(s) = scope.as_mut() {
                    s.params_range = Some(range);
                }
            }
            "function.return_type" => {
                if let Some(s) = scope.as_mut() {
                    s.return_type = Some(lang::clean_type(language, &node_text(node)));
                }
            }
            "function.receiver" => {
                if let Some(s) = scope.as_mut() {
                    s.receiver = Some(lang::receiver_type(&node_text(node)));
                    s.is_method = true;
                }
            }
            "function.doc" => facts.push((range, Fact::Doc(lang::docstring(&node_text(node))))),
            "param" => {
                param_range = Some(range);
                // Go writes `items ...Item`; the `...` is not part of the type node.
                variadic = node.kind() == "variadic_parameter_declaration";
            }
            "param.name" => param_name = Some(node_text(node).into_owned()),
            "param.type" => param_type = Some(lang::clean_type(language, &node_text(node))),
            "param.default" => param_default = Some(lang::one_line(&node_text(node))),
            "function.visibility" => {
                if let Some(s) = scope.as_mut() {
                    s.visibility = Some(node_text(node).into_owned());
                }
            }
            "read.object" => read_object = Some(node_text(node).into_owned()),
            "read.member" => read_member = Some((range, node_text(node).into_owned())),
            "element.name" => element_name = Some((range, node_text(node).into_owned())),
            "element.collection" => element_collection = Some(node_text(node).into_owned()),
            "branch" => facts.push((range, Fact::Branch)),
            "call" => facts.push((range, Fact::Call(lang::call_name(&node_text(node))))),
            "assertion" => facts.push((range, Fact::Assertion)),
            "sleep" => sleep = Some((range, node_text(node).into_owned())),
            "sleep.callee" => sleep_callee = Some(node_text(node).into_owned()),
            "expects_failure" => facts.push((range, Fact::ExpectsFailure)),
            "marker.focus" => markers.push((MarkerKind::Focus, range)),
            "marker.skip" => markers.push((MarkerKind::Skip, range)),
            "marker.todo" => markers.push((MarkerKind::Todo, range)),
            "marker.reason" => reason = Some(lang::unquote(&node_text(node)).into_owned()),
            "test.function" | "test.attribute" => {
                let kind = match kind {
                    Some("benchmark") => TestKind::Benchmark,
                    Some("fuzz") => TestKind::Fuzz,
                    Some("example") => TestKind::Example,
                    _ => TestKind::Test,
                };
                facts.push((range, Fact::TestMark(TestMark { framework, kind })));
            }
            "parametrized" => parametrized = true,
            _ => {}
        }
    }

    if let Some((range, text)) = sleep {
        facts.push((range, Fact::Sleep(sleep_callee.unwrap_or(text))));
    }
    for (kind, range) in markers {
        facts.push((range, Fact::Marker(kind, reason.clone())));
    }
    if let (Some(range), Some(name)) = (param_range, param_name) {
        facts.push((
            range,
            Fact::Param(Param {
                name,
                ty: param_type.map(|t| if variadic { format!("...{t}") } else { t }),
                default: param_default,
            }),
        ));
    }
    if let (Some(object), Some((range, member))) = (read_object, read_member) {
        facts.push((range, Fact::Read(MemberRead { object, member })));
    }
    if let (Some((range, name)), Some(collection)) = (element_name, element_collection) {
        facts.push((range, Fact::Element(ElementBinding { name, collection })));
    }
    match scope {
        Some(mut s) => {
            s.parametrized |= parametrized;
            scopes.push(s);
        }
        None if parametrized => facts.push((range_of(m.captures()[0].node), Fact::Parametrized)),
        None => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Step 3: the file.

/// What the file's path and project say, for naming and for telling tests apart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileContext {
    /// The file's name, for rules such as Go's `_test.go`.
    pub file_name: String,
    /// The JavaScript test runner the project uses, from its `package.json`, where the file's
    /// imports do not say.
    pub js_framework: Option<Framework>,
    /// The Go import path of the file's package (`example.com/shop/totals`), from the module's
    /// `go.mod`; `None` outside a Go module.
    pub go_import_path: Option<String>,
}

/// Puts items back together into a [`FileModel`]. `items[i]` is the model of `outline.items[i]`.
pub fn assemble<I: std::ops::Deref<Target = ItemModel>>(
    language: Language,
    outline: &Outline,
    items: &[I],
    context: &FileContext,
) -> FileModel {
    debug_assert_eq!(outline.items.len(), items.len());
    let mut model = FileModel {
        language: Some(language),
        has_syntax_errors: outline.has_syntax_errors,
        ..FileModel::default()
    };
    let sep = lang::separator(language);
    let js_framework = lang::js_framework(&outline.imports).or(context.js_framework);

    let container_chain = |mut index: Option<usize>| -> Vec<&OutlineContainer> {
        let mut chain = Vec::new();
        while let Some(i) = index {
            chain.push(&outline.containers[i]);
            index = outline.containers[i].parent;
        }
        chain.reverse();
        chain
    };

    // Which containers hold tests decides `is_test_suite`; filled as tests are found.
    let mut container_has_tests = vec![false; outline.containers.len()];

    for (item, item_model) in outline.items.iter().zip(items) {
        let base = item.range.start;
        let chain = container_chain(item.container);
        let container_names: Vec<String> = chain.iter().map(|c| c.name.clone()).collect();
        // Where each scope's function ended up, for tests that are functions.
        let mut function_index: Vec<Option<usize>> = vec![None; item_model.scopes.len()];
        // The names of the enclosing scopes, for qualified names and test paths.
        let scope_path = |i: usize| -> Vec<&Scope> {
            let mut path = Vec::new();
            let mut p = item_model.scopes[i].parent;
            while let Some(j) = p {
                path.push(&item_model.scopes[j]);
                p = item_model.scopes[j].parent;
            }
            path.reverse();
            path
        };

        for (i, scope) in item_model.scopes.iter().enumerate() {
            let enclosing = scope_path(i);
            match scope.kind {
                ScopeKind::Function => {
                    let mut qualified: Vec<&str> = chain
                        .iter()
                        .filter(|c| lang::names_members(c.kind))
                        .map(|c| c.name.as_str())
                        .collect();
                    if let Some(receiver) = &scope.receiver {
                        qualified.push(receiver);
                    }
                    qualified.extend(
                        enclosing
                            .iter()
                            .filter(|s| s.kind == ScopeKind::Function)
                            .map(|s| s.name.as_str()),
                    );
                    qualified.push(&scope.name);
                    let in_member_container = chain.last().is_some_and(|c| {
                        matches!(
                            c.kind,
                            SuiteKind::Class | SuiteKind::Impl | SuiteKind::Trait
                        )
                    });
                    let nested = enclosing.iter().any(|s| s.kind == ScopeKind::Function);
                    let is_method = scope.is_method || (in_member_container && !nested);
                    model.functions.push(Function {
                        name: scope.name.clone(),
                        qualified_name: qualified.join(sep),
                        kind: if is_method {
                            FunctionKind::Method
                        } else {
                            FunctionKind::Function
                        },
                        range: scope.range.shifted(base),
                        name_range: scope.name_range.shifted(base),
                        name_line_end: base + scope.name_line_end,
                        params: scope.params.clone(),
                        return_type: scope.return_type.clone(),
                        doc: scope.doc.clone(),
                        complexity: 1 + scope.decisions,
                        calls: function_calls(item_model, i, base),
                        visibility: scope.visibility.clone(),
                        reads: scope.reads.clone(),
                        elements: scope.elements.clone(),
                    });
                    function_index[i] = Some(model.functions.len() - 1);

                    let test = lang::classify_function(
                        language,
                        &lang::FunctionContext {
                            scope,
                            containers: &chain,
                            nested,
                            file: context,
                        },
                    );
                    if let Some((framework, kind)) = test {
                        let path = lang::test_path(language, &chain, &enclosing);
                        let mut t = test_from_scope(item_model, i, base, framework, kind, path);
                        t.function = function_index[i];
                        model.tests.push(t);
                        mark_containers(&mut container_has_tests, item.container, outline);
                    }
                }
                ScopeKind::Test => {
                    let framework = scope.framework.unwrap_or(match language {
                        Language::Go => Framework::GoTest,
                        _ => js_framework.unwrap_or(Framework::JsGlobals),
                    });
                    let kind = scope.test_kind.unwrap_or(TestKind::Test);
                    let path = lang::test_path(language, &chain, &enclosing);
                    model
                        .tests
                        .push(test_from_scope(item_model, i, base, framework, kind, path));
                    mark_containers(&mut container_has_tests, item.container, outline);
                }
                ScopeKind::Suite => {
                    let mut path = container_names.clone();
                    path.extend(
                        enclosing
                            .iter()
                            .filter(|s| s.kind == ScopeKind::Suite)
                            .map(|s| s.name.clone()),
                    );
                    model.suites.push(Suite {
                        name: scope.name.clone(),
                        kind: SuiteKind::Describe,
                        path,
                        range: scope.range.shifted(base),
                        name_range: scope.name_range.shifted(base),
                        markers: shift_markers(&scope.markers, base),
                        parametrized: scope.parametrized,
                        is_test_suite: true,
                    });
                }
            }
        }
    }

    for (i, c) in outline.containers.iter().enumerate() {
        let chain = container_chain(c.parent);
        model.suites.push(Suite {
            name: c.name.clone(),
            kind: c.kind,
            path: chain.iter().map(|c| c.name.clone()).collect(),
            range: c.range,
            name_range: c.name_range,
            markers: c.markers.clone(),
            parametrized: c.parametrized,
            is_test_suite: container_has_tests[i] || lang::is_test_container(language, c),
        });
    }
    model
        .suites
        .sort_by_key(|s| (s.range.start, std::cmp::Reverse(s.range.end)));

    for r in &outline.records {
        let mut qualified: Vec<&str> = container_chain(r.container)
            .iter()
            .filter(|c| lang::names_members(c.kind))
            .map(|c| c.name.as_str())
            .collect();
        qualified.push(&r.name);
        let qualified_name = qualified.join(sep);
        let constructor = lang::constructor(language, r.kind, &qualified_name, &model.functions);
        model.records.push(Record {
            name: r.name.clone(),
            qualified_name,
            kind: r.kind,
            range: r.range,
            name_range: r.name_range,
            public: r.public,
            fields: r.fields.clone(),
            constructor,
        });
    }
    model.imports = outline.imports.clone();
    model
}

/// The calls of function scope `i`: its own, and those of call-based tests and suites nested in
/// it (a Go test's `t.Run` bodies), but not those of nested named functions.
fn function_calls(item: &ItemModel, i: usize, base: u32) -> Vec<Call> {
    let outer = item.scopes[i].range;
    let mut calls: Vec<Call> = Vec::new();
    for (j, s) in item.scopes.iter().enumerate().skip(i) {
        if !outer.contains_range(s.range) {
            break;
        }
        let mut owner = Some(j);
        let mut nested_function = false;
        while let Some(k) = owner {
            if k == i {
                break;
            }
            nested_function |= item.scopes[k].kind == ScopeKind::Function;
            owner = item.scopes[k].parent;
        }
        if !nested_function {
            calls.extend(s.calls.iter().map(|c| Call {
                name: c.name.clone(),
                range: c.range.shifted(base),
            }));
        }
    }
    calls.sort_by_key(|c| c.range.start);
    calls
}

fn shift_markers(markers: &[Marker], base: u32) -> Vec<Marker> {
    markers
        .iter()
        .map(|m| Marker {
            kind: m.kind,
            range: m.range.shifted(base),
            reason: m.reason.clone(),
        })
        .collect()
}

fn mark_containers(has_tests: &mut [bool], mut index: Option<usize>, outline: &Outline) {
    while let Some(i) = index {
        has_tests[i] = true;
        index = outline.containers[i].parent;
    }
}

/// A test from scope `i`, with the facts of every scope nested in it.
fn test_from_scope(
    item: &ItemModel,
    i: usize,
    base: u32,
    framework: Framework,
    kind: TestKind,
    path: Vec<String>,
) -> Test {
    let scope = &item.scopes[i];
    let mut test = Test {
        name: scope.name.clone(),
        path,
        framework,
        kind,
        parametrized: scope.parametrized,
        dynamic_name: scope.dynamic_name && scope.kind != ScopeKind::Function,
        range: scope.range.shifted(base),
        name_range: scope.name_range.shifted(base),
        function: None,
        assertions: Vec::new(),
        sleeps: Vec::new(),
        markers: shift_markers(&scope.markers, base),
        expects_failure: false,
        calls: Vec::new(),
        has_body: scope.has_body,
    };
    for s in item.scopes[i..]
        .iter()
        .take_while(|s| scope.range.contains_range(s.range))
    {
        test.assertions
            .extend(s.assertions.iter().map(|r| r.shifted(base)));
        test.sleeps.extend(s.sleeps.iter().map(|sl| Sleep {
            callee: sl.callee.clone(),
            range: sl.range.shifted(base),
        }));
        test.calls.extend(s.calls.iter().map(|c| Call {
            name: c.name.clone(),
            range: c.range.shifted(base),
        }));
        test.expects_failure |= s.expects_failure;
    }
    test.calls.sort_by_key(|c| c.range.start);
    test
}

/// The whole pipeline for a file that is parsed once: outline, every item, assembly.
pub fn analyze_file(
    language: Language,
    tree: &SyntaxTree,
    text: &SourceText,
    context: &FileContext,
) -> FileModel {
    let outline = outline(language, tree, text);
    let all: Vec<&OutlineItem> = outline.items.iter().collect();
    let items: Vec<Box<ItemModel>> = analyze_items(language, tree, text, &all)
        .into_iter()
        .map(Box::new)
        .collect();
    assemble(language, &outline, &items, context)
}
