//! coverage.py's JSON report (`coverage json`, `--cov-report=json`).
//!
//! Each entry of `"files"` is handed to the sink as soon as it is read (a `DeserializeSeed`
//! visits the map), so the report is never held whole. coverage.py has no hit counts: executed
//! lines get 1, missing lines 0. With `show_contexts`, each file also yields one
//! [`FileCoverage`] per test context.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, BufRead, Read};

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::go_test::json_message;
use crate::position::Pos;
use crate::{CountingSink, FileCoverage, ParseError};

pub(crate) fn parse<R: BufRead>(
    input: R,
    sink: &mut CountingSink<'_>,
) -> Result<Option<&'static str>, ParseError> {
    let mut input = ContentWatch {
        inner: input,
        seen_content: false,
    };
    let mut sink_error = None;
    let result = {
        let mut de = serde_json::Deserializer::from_reader(&mut input);
        let seed = Report {
            sink,
            sink_error: &mut sink_error,
        };
        seed.deserialize(&mut de).and_then(|()| de.end())
    };
    if let Some(e) = sink_error {
        return Err(e);
    }
    match result {
        Ok(()) => Ok(Some("coverage.py")),
        Err(e) if e.is_io() => Err(ParseError::Io(io::Error::other(json_message(&e)))),
        Err(e) if e.is_eof() && !input.seen_content => {
            Err(Pos { line: 1, column: 1 }.error("empty report"))
        }
        Err(e) => Err(Pos {
            line: e.line() as u64,
            column: e.column().max(1) as u64,
        }
        .error(json_message(&e))),
    }
}

/// Notes whether anything but whitespace went by, to tell an empty report from a cut one.
struct ContentWatch<R> {
    inner: R,
    seen_content: bool,
}

impl<R: Read> Read for ContentWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if !self.seen_content && buf[..n].iter().any(|b| !b.is_ascii_whitespace()) {
            self.seen_content = true;
        }
        Ok(n)
    }
}

struct Report<'s, 'a> {
    sink: &'s mut CountingSink<'a>,
    sink_error: &'s mut Option<ParseError>,
}

impl<'de> DeserializeSeed<'de> for Report<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Report<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a coverage.py JSON report (an object with \"files\")")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut saw_files = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "files" {
                saw_files = true;
                map.next_value_seed(Files {
                    sink: &mut *self.sink,
                    sink_error: &mut *self.sink_error,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !saw_files {
            return Err(de::Error::missing_field("files"));
        }
        Ok(())
    }
}

struct Files<'s, 'a> {
    sink: &'s mut CountingSink<'a>,
    sink_error: &'s mut Option<ParseError>,
}

impl<'de> DeserializeSeed<'de> for Files<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Files<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of files")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(path) = map.next_key::<String>()? {
            let entry: FileEntry = map.next_value()?;
            if let Err(e) = emit(path, entry, self.sink) {
                *self.sink_error = Some(e);
                return Err(de::Error::custom("the sink refused a file"));
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct FileEntry {
    executed_lines: Vec<u32>,
    missing_lines: Vec<u32>,
    #[serde(default)]
    contexts: Option<Contexts>,
}

/// `"contexts": {"24": ["tests/test_pricing.py::TestShipping::test_express_member|run", ...]}`,
/// in report order.
struct Contexts(Vec<(u32, Vec<String>)>);

impl<'de> Deserialize<'de> for Contexts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ContextsVisitor;
        impl<'de> Visitor<'de> for ContextsVisitor {
            type Value = Contexts;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object from line numbers to lists of contexts")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Contexts, A::Error> {
                let mut out = Vec::new();
                while let Some(line) = map.next_key::<String>()? {
                    let line: u32 = line.parse().map_err(|_| {
                        de::Error::custom(format!("context line {line:?} is not a line number"))
                    })?;
                    let contexts = map.next_value::<ContextList>()?;
                    out.push((line, contexts.0));
                }
                Ok(Contexts(out))
            }
        }
        d.deserialize_map(ContextsVisitor)
    }
}

struct ContextList(Vec<String>);

impl<'de> Deserialize<'de> for ContextList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = ContextList;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of contexts")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ContextList, A::Error> {
                let mut out = Vec::new();
                while let Some(context) = seq.next_element::<String>()? {
                    out.push(context);
                }
                Ok(ContextList(out))
            }
        }
        d.deserialize_seq(ListVisitor)
    }
}

/// The test a context stands for: pytest-cov's `<node id>|run`, `|setup` and `|teardown` are
/// one test. The empty context (code run at import time) is none.
pub(crate) fn context_test(context: &str) -> Option<&str> {
    let test = ["|run", "|setup", "|teardown"]
        .iter()
        .find_map(|suffix| context.strip_suffix(suffix))
        .unwrap_or(context);
    (!test.is_empty()).then_some(test)
}

fn emit(path: String, entry: FileEntry, sink: &mut CountingSink<'_>) -> Result<(), ParseError> {
    let mut lines: Vec<(u32, u64)> = entry
        .executed_lines
        .iter()
        .map(|&l| (l, 1))
        .chain(entry.missing_lines.iter().map(|&l| (l, 0)))
        .filter(|&(l, _)| l > 0)
        .collect();
    lines.sort_unstable();
    // A line listed both ways (never, in practice) counts as executed.
    lines.dedup_by(|next, kept| {
        if next.0 == kept.0 {
            kept.1 = kept.1.max(next.1);
            true
        } else {
            false
        }
    });
    // Per test, in the order tests first appear.
    let mut tests: Vec<(String, Vec<u32>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (line, contexts) in entry.contexts.map(|c| c.0).unwrap_or_default() {
        for context in contexts {
            let Some(test) = context_test(&context) else {
                continue;
            };
            let i = match index.get(test) {
                Some(&i) => i,
                None => {
                    tests.push((test.to_owned(), Vec::new()));
                    index.insert(test.to_owned(), tests.len() - 1);
                    tests.len() - 1
                }
            };
            tests[i].1.push(line);
        }
    }
    sink.coverage(FileCoverage {
        path: path.clone(),
        lines,
        test: None,
    })?;
    for (test, mut covered) in tests {
        covered.sort_unstable();
        covered.dedup();
        sink.coverage(FileCoverage {
            path: path.clone(),
            lines: covered
                .into_iter()
                .filter(|&l| l > 0)
                .map(|l| (l, 1))
                .collect(),
            test: Some(test),
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_name_tests_without_their_phase() {
        assert_eq!(
            context_test("tests/t.py::test_a|run"),
            Some("tests/t.py::test_a")
        );
        assert_eq!(
            context_test("tests/t.py::test_a|setup"),
            Some("tests/t.py::test_a")
        );
        assert_eq!(
            context_test("tests/t.py::test_a|teardown"),
            Some("tests/t.py::test_a")
        );
        assert_eq!(context_test("tests.t.test_a"), Some("tests.t.test_a"));
        assert_eq!(context_test(""), None);
    }
}
