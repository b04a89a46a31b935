//! Cobertura XML (coverage.py, istanbul/Jest, and the Java tools that gave it its name).
//!
//! Only `<class filename>` and its `<lines><line number hits>` count; the `<line>`s repeated
//! under `<methods>` and all branch details are ignored. Classes of the same file (Java inner
//! classes, several classes of one module) are merged within their `<package>`, and each file is
//! handed to the sink when its package closes: memory holds one package's lines at most.

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use crate::junit::{Named, SeenContent, finish};
use crate::position::Pos;
use crate::text::CappedText;
use crate::xml;
use crate::{CountingSink, FileCoverage, ParseError};

pub(crate) fn parse<R: BufRead>(
    input: R,
    sink: &mut CountingSink<'_>,
) -> Result<Option<&'static str>, ParseError> {
    let mut reader = xml::reader(input);
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut state = State::default();
    loop {
        let event = xml::next_event(&mut reader, &mut buf)?;
        let pos = xml::event_pos(&reader);
        match &event {
            Event::Start(e) => state.open(e, pos)?,
            Event::Empty(e) => {
                state.open(e, pos)?;
                state.close(sink)?;
            }
            Event::End(_) => state.close(sink)?,
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => state.text(&event, pos)?,
            Event::Comment(c) => {
                state.seen_content.markup();
                if c.contains("coverage.py") {
                    state.tool = Some("coverage.py");
                }
            }
            Event::Decl(_) | Event::PI(_) | Event::DocType(_) => state.seen_content.markup(),
            Event::Eof => break,
        }
    }
    finish(&state.stack, state.seen_content, &reader, "<coverage>")?;
    Ok(state.tool)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    Coverage,
    Sources,
    Source,
    Packages,
    Package,
    Classes,
    Class,
    ClassLines,
    Other,
}

impl Named for Node {
    fn name(&self) -> Option<&'static str> {
        Some(match self {
            Node::Coverage => "coverage",
            Node::Sources => "sources",
            Node::Source => "source",
            Node::Packages => "packages",
            Node::Package => "package",
            Node::Classes => "classes",
            Node::Class => "class",
            Node::ClassLines => "lines",
            Node::Other => return None,
        })
    }
}

#[derive(Default)]
struct State {
    stack: Vec<Node>,
    seen_content: SeenContent,
    tool: Option<&'static str>,
    /// The first `<source>`, once read.
    source: Option<String>,
    source_text: CappedText,
    /// Files of the open package, in order of first appearance, with their lines as listed.
    files: Vec<(String, Vec<(u32, u64)>)>,
    index: HashMap<String, usize>,
    /// The file of the open `<class>`, an index into `files`.
    class: Option<usize>,
}

impl State {
    fn open(&mut self, e: &BytesStart<'_>, pos: Pos) -> Result<(), ParseError> {
        let local = e.local_name();
        let name = local.as_ref();
        let node = match self.stack.last() {
            None => {
                if self.seen_content == SeenContent::Root {
                    return Err(pos.error(format!("a second root element <{name}>")));
                }
                self.seen_content = SeenContent::Root;
                if name != "coverage" {
                    return Err(pos.error(format!(
                        "expected a <coverage> root element, found <{name}>"
                    )));
                }
                Node::Coverage
            }
            Some(Node::Coverage) => match name {
                "sources" => Node::Sources,
                "packages" => Node::Packages,
                _ => Node::Other,
            },
            Some(Node::Sources) if name == "source" => {
                self.source_text = CappedText::default();
                Node::Source
            }
            Some(Node::Packages) if name == "package" => Node::Package,
            Some(Node::Package) if name == "classes" => Node::Classes,
            Some(Node::Classes | Node::Package) if name == "class" => self.open_class(e, pos)?,
            Some(Node::Class) if name == "lines" => Node::ClassLines,
            Some(Node::ClassLines) if name == "line" => {
                self.line(e, pos)?;
                Node::Other
            }
            Some(_) => Node::Other,
        };
        self.stack.push(node);
        Ok(())
    }

    fn open_class(&mut self, e: &BytesStart<'_>, pos: Pos) -> Result<Node, ParseError> {
        let mut filename = None;
        xml::for_each_attr(e, pos, |key, attr| {
            if key == "filename" {
                filename = Some(xml::value(attr, pos)?.into_owned());
            }
            Ok(())
        })?;
        let Some(filename) = filename else {
            return Err(pos.error("<class> without a filename attribute"));
        };
        let path = resolve(self.source.as_deref(), &filename);
        let index = match self.index.get(&path) {
            Some(&i) => i,
            None => {
                self.files.push((path.clone(), Vec::new()));
                self.index.insert(path, self.files.len() - 1);
                self.files.len() - 1
            }
        };
        self.class = Some(index);
        Ok(Node::Class)
    }

    fn line(&mut self, e: &BytesStart<'_>, pos: Pos) -> Result<(), ParseError> {
        let mut number = None;
        let mut hits = None;
        xml::for_each_attr(e, pos, |key, attr| {
            match key {
                "number" => {
                    let v = xml::value(attr, pos)?;
                    number = Some(v.trim().parse::<u32>().map_err(|_| {
                        pos.error(format!("<line> number is not a line number: {v:?}"))
                    })?);
                }
                "hits" => {
                    let v = xml::value(attr, pos)?;
                    hits =
                        Some(v.trim().parse::<u64>().map_err(|_| {
                            pos.error(format!("<line> hits is not a count: {v:?}"))
                        })?);
                }
                _ => {}
            }
            Ok(())
        })?;
        let (Some(number), Some(hits)) = (number, hits) else {
            return Err(pos.error("<line> without number and hits attributes"));
        };
        if number == 0 {
            return Err(pos.error("<line> number 0 (lines are 1-based)"));
        }
        if let Some(i) = self.class {
            self.files[i].1.push((number, hits));
        }
        Ok(())
    }

    fn text(&mut self, event: &Event<'_>, pos: Pos) -> Result<(), ParseError> {
        match self.stack.last() {
            Some(Node::Source) => xml::push_text(event, &mut self.source_text, pos),
            None => match event {
                Event::Text(t) if t.trim().is_empty() => Ok(()),
                _ => Err(pos.error("text outside the root element")),
            },
            Some(_) => xml::check_ref(event, pos),
        }
    }

    fn close(&mut self, sink: &mut CountingSink<'_>) -> Result<(), ParseError> {
        match self.stack.pop() {
            Some(Node::Source) => {
                let text = std::mem::take(&mut self.source_text);
                let source = text.as_str().trim();
                if self.source.is_none() && !source.is_empty() {
                    self.source = Some(source.to_owned());
                }
            }
            Some(Node::Class) => self.class = None,
            Some(Node::Package | Node::Coverage) => self.flush(sink)?,
            _ => {}
        }
        Ok(())
    }

    fn flush(&mut self, sink: &mut CountingSink<'_>) -> Result<(), ParseError> {
        self.index.clear();
        for (path, lines) in self.files.drain(..) {
            sink.coverage(FileCoverage {
                path,
                lines: merge_sum(lines),
                test: None,
            })?;
        }
        Ok(())
    }
}

/// Sorts by line and adds up the hits of a line listed more than once.
pub(crate) fn merge_sum(mut lines: Vec<(u32, u64)>) -> Vec<(u32, u64)> {
    lines.sort_unstable_by_key(|&(line, _)| line);
    lines.dedup_by(|next, kept| {
        if next.0 == kept.0 {
            kept.1 = kept.1.saturating_add(next.1);
            true
        } else {
            false
        }
    });
    lines
}

/// A class's `filename` joined to the first `<source>` when it is relative. The disk is not
/// consulted: with several sources, the first is taken.
fn resolve(source: Option<&str>, filename: &str) -> String {
    let source = match source {
        Some(s) if !s.is_empty() && s != "." && !is_absolute(filename) => s,
        _ => return filename.to_owned(),
    };
    let filename = filename.strip_prefix("./").unwrap_or(filename);
    if source.ends_with('/') || source.ends_with('\\') {
        format!("{source}{filename}")
    } else {
        format!("{source}/{filename}")
    }
}

fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'/' | b'\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_filenames_against_the_first_source() {
        assert_eq!(resolve(Some("shop"), "pricing.py"), "shop/pricing.py");
        assert_eq!(
            resolve(Some("/abs/proj/"), "src/cart.js"),
            "/abs/proj/src/cart.js"
        );
        assert_eq!(resolve(Some("/abs/proj"), "/other/x.js"), "/other/x.js");
        assert_eq!(resolve(Some("."), "x.py"), "x.py");
        assert_eq!(resolve(None, "x.py"), "x.py");
        assert_eq!(
            resolve(Some("C:\\proj"), "C:\\proj\\x.cs"),
            "C:\\proj\\x.cs"
        );
    }

    #[test]
    fn merge_sums_repeated_lines() {
        assert_eq!(
            merge_sum(vec![(3, 1), (1, 0), (3, 2), (2, 5)]),
            vec![(1, 0), (2, 5), (3, 3)]
        );
    }
}
