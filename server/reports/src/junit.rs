//! JUnit XML, in the dialects of pytest (xunit2 and xunit1), Jest (jest-junit), Vitest,
//! cargo-nextest, gotestsum and Maven Surefire.
//!
//! One pass over quick-xml's events with a stack of open elements. The only state kept between
//! events is the stack, the enclosing suite names and the test case being read, which is handed
//! to the sink (and dropped) at its `</testcase>`.

use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};

use crate::position::Pos;
use crate::text::{CappedText, first_line};
use crate::xml::{self, XmlReader};
use crate::{Attempt, CountingSink, MAX_KEPT_TEXT, ParseError, Status, TestCase};

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
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {
                state.seen_content.markup();
            }
        }
    }
    finish(
        &state.stack,
        state.seen_content,
        &reader,
        "<testsuites> or <testsuite>",
    )?;
    Ok(state.tool)
}

/// The checks at the end of an XML report: every element closed, and a root element at all.
pub(crate) fn finish<R: BufRead, T: Named>(
    stack: &[T],
    seen_content: SeenContent,
    reader: &XmlReader<R>,
    root: &str,
) -> Result<(), ParseError> {
    let end = xml::end_pos(reader);
    if !stack.is_empty() {
        // The innermost element this parser knows by name; unknown ones are not kept.
        let message = match stack.iter().rev().find_map(Named::name) {
            Some(name) => format!("unexpected end of input: <{name}> is not closed"),
            None => "unexpected end of input: an element is not closed".to_owned(),
        };
        return Err(end.error(message));
    }
    match seen_content {
        SeenContent::Nothing => Err(Pos { line: 1, column: 1 }.error("empty report")),
        SeenContent::Text => Err(end.error(format!("no {root} element"))),
        SeenContent::Root => Ok(()),
    }
}

/// An open element's name, if the parser knows it.
pub(crate) trait Named {
    fn name(&self) -> Option<&'static str>;
}

/// How much of a document has been seen, to tell an empty report from one without a root.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum SeenContent {
    #[default]
    Nothing,
    Text,
    Root,
}

impl SeenContent {
    /// Markup that is not an element: the document is not empty, but has no root yet.
    pub(crate) fn markup(&mut self) {
        if *self == SeenContent::Nothing {
            *self = SeenContent::Text;
        }
    }
}

/// An open element, as far as this parser cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    Suites,
    Suite,
    Case,
    /// `<failure>`, `<error>` or `<skipped>` of the open case; `text_start` is where its text
    /// begins in the case's details, for a message taken from the text.
    Outcome {
        tag: &'static str,
        text_start: usize,
        needs_message: bool,
    },
    /// `<system-out>` or `<system-err>` of the open case.
    CaseOutput(&'static str),
    /// `<flakyFailure>`, `<flakyError>`, `<rerunFailure>` or `<rerunError>`.
    Attempt(&'static str),
    /// `<stackTrace>` inside an attempt (Surefire).
    AttemptTrace,
    Properties,
    /// Anything else: its text and attributes are ignored.
    Other,
}

impl Named for Node {
    fn name(&self) -> Option<&'static str> {
        Some(match self {
            Node::Suites => "testsuites",
            Node::Suite => "testsuite",
            Node::Case => "testcase",
            Node::Outcome { tag, .. } | Node::CaseOutput(tag) | Node::Attempt(tag) => tag,
            Node::AttemptTrace => "stackTrace",
            Node::Properties => "properties",
            Node::Other => return None,
        })
    }
}

#[derive(Default)]
struct State {
    stack: Vec<Node>,
    /// Names and `file` attributes of the open `<testsuite>`s, outermost first.
    suites: Vec<(Option<String>, Option<String>)>,
    case: Option<CaseBuilder>,
    tool: Option<&'static str>,
    seen_content: SeenContent,
}

#[derive(Default)]
struct CaseBuilder {
    name: Option<String>,
    classname: Option<String>,
    file: Option<String>,
    line: Option<u32>,
    duration_s: Option<f64>,
    status: Option<Status>,
    message: Option<String>,
    details: CappedText,
    output: CappedText,
    attempts: Vec<Attempt>,
    attempt: Option<AttemptBuilder>,
    pos: Option<Pos>,
}

struct AttemptBuilder {
    status: Status,
    message: Option<String>,
    details: CappedText,
}

/// Failure outranks skip, which outranks pass; the first failure or error decides between
/// those two.
fn rank(status: Option<Status>) -> u8 {
    match status {
        None | Some(Status::Passed) => 0,
        Some(Status::Skipped) => 1,
        Some(Status::Failed | Status::Errored) => 2,
    }
}

pub(crate) fn capped(mut s: String) -> String {
    if s.len() > MAX_KEPT_TEXT {
        let mut cut = MAX_KEPT_TEXT;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

impl State {
    fn open(&mut self, e: &BytesStart<'_>, pos: Pos) -> Result<(), ParseError> {
        let local = e.local_name();
        let name = local.as_ref();
        let parent = self.stack.last().copied();
        let node = match parent {
            None => {
                if self.seen_content == SeenContent::Root {
                    return Err(pos.error(format!("a second root element <{name}>")));
                }
                self.seen_content = SeenContent::Root;
                match name {
                    "testsuites" => self.open_suites(e, pos)?,
                    "testsuite" => self.open_suite(e, pos)?,
                    _ => {
                        return Err(pos.error(format!(
                            "expected a <testsuites> or <testsuite> root element, found <{name}>"
                        )));
                    }
                }
            }
            Some(Node::Suites) => match name {
                "testsuites" => self.open_suites(e, pos)?,
                "testsuite" => self.open_suite(e, pos)?,
                "testcase" => self.open_case(e, pos)?,
                _ => Node::Other,
            },
            Some(Node::Suite) => match name {
                "testsuite" => self.open_suite(e, pos)?,
                "testcase" => self.open_case(e, pos)?,
                "properties" => Node::Properties,
                _ => Node::Other,
            },
            Some(Node::Case) => match name {
                "failure" => self.open_outcome(e, pos, "failure", Status::Failed)?,
                "error" => self.open_outcome(e, pos, "error", Status::Errored)?,
                "skipped" => self.open_outcome(e, pos, "skipped", Status::Skipped)?,
                "system-out" | "system-err" => {
                    if let Some(case) = &mut self.case {
                        case.output.separate();
                    }
                    Node::CaseOutput(if name == "system-out" {
                        "system-out"
                    } else {
                        "system-err"
                    })
                }
                "flakyFailure" => self.open_attempt(e, pos, "flakyFailure", Status::Failed)?,
                "rerunFailure" => self.open_attempt(e, pos, "rerunFailure", Status::Failed)?,
                "flakyError" => self.open_attempt(e, pos, "flakyError", Status::Errored)?,
                "rerunError" => self.open_attempt(e, pos, "rerunError", Status::Errored)?,
                "properties" => Node::Properties,
                _ => Node::Other,
            },
            Some(Node::Attempt(_)) => match name {
                "stackTrace" => {
                    if let Some(attempt) = self.case.as_mut().and_then(|c| c.attempt.as_mut()) {
                        attempt.details.separate();
                    }
                    Node::AttemptTrace
                }
                _ => Node::Other,
            },
            Some(Node::Properties) => {
                if name == "property" {
                    self.property(e, pos)?;
                }
                Node::Other
            }
            Some(Node::Outcome { .. } | Node::CaseOutput(_) | Node::AttemptTrace | Node::Other) => {
                Node::Other
            }
        };
        self.stack.push(node);
        Ok(())
    }

    fn open_suites(&mut self, e: &BytesStart<'_>, pos: Pos) -> Result<Node, ParseError> {
        xml::for_each_attr(e, pos, |key, attr| {
            if key == "name" && self.tool.is_none() {
                self.tool = match &*xml::value(attr, pos)? {
                    "nextest-run" => Some("cargo-nextest"),
                    "jest tests" => Some("jest"),
                    "vitest tests" => Some("vitest"),
                    "pytest" => Some("pytest"),
                    _ => None,
                };
            }
            Ok(())
        })?;
        Ok(Node::Suites)
    }

    fn open_suite(&mut self, e: &BytesStart<'_>, pos: Pos) -> Result<Node, ParseError> {
        let mut name = None;
        let mut file = None;
        xml::for_each_attr(e, pos, |key, attr| {
            match key {
                "name" => name = Some(xml::value(attr, pos)?.into_owned()),
                "file" | "filepath" => file = Some(xml::value(attr, pos)?.into_owned()),
                // Surefire's reports name their schema:
                // xsi:noNamespaceSchemaLocation=".../surefire-test-report-3.0.xsd".
                "noNamespaceSchemaLocation" | "schemaLocation"
                    if self.tool.is_none() && xml::value(attr, pos)?.contains("surefire") =>
                {
                    self.tool = Some("surefire");
                }
                _ => {}
            }
            Ok(())
        })?;
        if self.tool.is_none() && name.as_deref() == Some("pytest") {
            self.tool = Some("pytest");
        }
        self.suites.push((name, file));
        Ok(Node::Suite)
    }

    fn property(&mut self, e: &BytesStart<'_>, pos: Pos) -> Result<(), ParseError> {
        if self.tool.is_some() {
            return Ok(());
        }
        xml::for_each_attr(e, pos, |key, attr| {
            if key == "name" {
                let name = xml::value(attr, pos)?;
                // gotestsum records the Go version; Surefire the system properties of the
                // forked JVM, among them its own.
                if name == "go.version" {
                    self.tool = Some("go test");
                } else if name.starts_with("surefire.") {
                    self.tool = Some("surefire");
                }
            }
            Ok(())
        })
    }

    fn open_case(&mut self, e: &BytesStart<'_>, pos: Pos) -> Result<Node, ParseError> {
        if self.case.is_some() {
            return Ok(Node::Other);
        }
        let mut case = CaseBuilder {
            pos: Some(pos),
            ..CaseBuilder::default()
        };
        xml::for_each_attr(e, pos, |key, attr| {
            match key {
                "name" => case.name = Some(xml::value(attr, pos)?.into_owned()),
                "classname" => case.classname = Some(xml::value(attr, pos)?.into_owned()),
                "file" | "filepath" => case.file = Some(xml::value(attr, pos)?.into_owned()),
                "line" | "lineno" => case.line = xml::parse_u32(&xml::value(attr, pos)?),
                "time" => case.duration_s = xml::parse_seconds(&xml::value(attr, pos)?),
                _ => {}
            }
            Ok(())
        })?;
        if self.tool == Some("pytest") {
            // pytest's xunit1 `line` is 0-based (the `def` at line 55 has `line="54"`).
            case.line = case.line.map(|l| l + 1);
        }
        self.case = Some(case);
        Ok(Node::Case)
    }

    fn open_outcome(
        &mut self,
        e: &BytesStart<'_>,
        pos: Pos,
        tag: &'static str,
        status: Status,
    ) -> Result<Node, ParseError> {
        let message = message_attribute(e, pos)?;
        let Some(case) = &mut self.case else {
            return Ok(Node::Other);
        };
        case.details.separate();
        let text_start = case.details.len();
        let decides = rank(Some(status)) > rank(case.status);
        if decides {
            case.status = Some(status);
            case.message = message.filter(|m| !m.trim().is_empty());
        }
        Ok(Node::Outcome {
            tag,
            text_start,
            needs_message: decides && case.message.is_none(),
        })
    }

    fn open_attempt(
        &mut self,
        e: &BytesStart<'_>,
        pos: Pos,
        tag: &'static str,
        status: Status,
    ) -> Result<Node, ParseError> {
        let message = message_attribute(e, pos)?;
        if let Some(case) = &mut self.case {
            case.attempt = Some(AttemptBuilder {
                status,
                message: message.filter(|m| !m.trim().is_empty()),
                details: CappedText::default(),
            });
        }
        Ok(Node::Attempt(tag))
    }

    fn text(&mut self, event: &Event<'_>, pos: Pos) -> Result<(), ParseError> {
        let target = match (self.stack.last(), &mut self.case) {
            (Some(Node::Outcome { .. }), Some(case)) => Some(&mut case.details),
            (Some(Node::CaseOutput(_)), Some(case)) => Some(&mut case.output),
            (Some(Node::Attempt(_) | Node::AttemptTrace), Some(case)) => {
                case.attempt.as_mut().map(|a| &mut a.details)
            }
            (None, _) => {
                let is_blank = match event {
                    Event::Text(t) => t.trim().is_empty(),
                    _ => false,
                };
                if !is_blank {
                    return Err(pos.error("text outside the root element"));
                }
                None
            }
            _ => None,
        };
        match target {
            Some(out) => xml::push_text(event, out, pos),
            None => xml::check_ref(event, pos),
        }
    }

    fn close(&mut self, sink: &mut CountingSink<'_>) -> Result<(), ParseError> {
        let Some(node) = self.stack.pop() else {
            return Ok(());
        };
        match node {
            Node::Suite => {
                self.suites.pop();
            }
            Node::Case => {
                if let Some(case) = self.case.take() {
                    sink.test(self.finish_case(case)?)?;
                }
            }
            Node::Outcome {
                text_start,
                needs_message,
                ..
            } => {
                if needs_message && let Some(case) = &mut self.case {
                    case.message = first_line(&case.details.as_str()[text_start..])
                        .map(|l| capped(l.to_owned()));
                }
            }
            Node::Attempt(_) => {
                if let Some(case) = &mut self.case
                    && let Some(attempt) = case.attempt.take()
                {
                    let message = attempt
                        .message
                        .or_else(|| first_line(attempt.details.as_str()).map(str::to_owned));
                    case.attempts.push(Attempt {
                        status: attempt.status,
                        message,
                        details: attempt.details.finish(),
                    });
                }
            }
            Node::Suites
            | Node::CaseOutput(_)
            | Node::AttemptTrace
            | Node::Properties
            | Node::Other => {}
        }
        Ok(())
    }

    fn finish_case(&self, case: CaseBuilder) -> Result<TestCase, ParseError> {
        let Some(name) = case.name else {
            let pos = case.pos.unwrap_or(Pos { line: 1, column: 1 });
            return Err(pos.error("<testcase> without a name attribute"));
        };
        let file = case
            .file
            .or_else(|| self.suites.iter().rev().find_map(|(_, file)| file.clone()));
        let details = case.details.finish();
        let mut message = case.message;
        if self.tool == Some("go test") {
            message = gotestsum_message(message, details.as_deref());
        }
        Ok(TestCase {
            suites: self.suites.iter().filter_map(|(n, _)| n.clone()).collect(),
            classname: case.classname,
            name,
            file,
            line: case.line,
            status: case.status.unwrap_or(Status::Passed),
            duration_s: case.duration_s,
            message,
            details,
            output: case.output.finish(),
            failed_attempts: case.attempts,
        })
    }
}

/// gotestsum writes `message="Failed"` on failures and the whole test output as the `message`
/// of `<skipped>`; the first line of the test's own output (not `=== RUN`) says more.
fn gotestsum_message(message: Option<String>, details: Option<&str>) -> Option<String> {
    let multi_line = message.as_deref().filter(|m| m.contains('\n'));
    let said = multi_line
        .into_iter()
        .chain(details)
        .flat_map(str::lines)
        .map(str::trim)
        .find(|l| !l.is_empty() && !crate::go_test::is_framing(l));
    match said {
        Some(line) => Some(line.to_owned()),
        None => message.filter(|m| !m.contains('\n')),
    }
}

/// The `message` attribute of a `failure`, `error`, `skipped` or retry element, capped.
fn message_attribute(e: &BytesStart<'_>, pos: Pos) -> Result<Option<String>, ParseError> {
    let mut message = None;
    xml::for_each_attr(e, pos, |key, attr| {
        if key == "message" {
            message = Some(capped(xml::value(attr, pos)?.into_owned()));
        }
        Ok(())
    })?;
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::gotestsum_message;

    #[test]
    fn gotestsum_messages_come_from_the_output() {
        let output = "=== RUN   TestFlakyWhenEnvSet\n    pricing_test.go:78: FLAKY_FAIL=1 makes this test fail\n--- FAIL: TestFlakyWhenEnvSet (0.00s)\n";
        assert_eq!(
            gotestsum_message(Some("Failed".into()), Some(output)).as_deref(),
            Some("pricing_test.go:78: FLAKY_FAIL=1 makes this test fail")
        );
        let skip = "=== RUN   TestSkippedWithReason\n    pricing_test.go:73: needs a real payment gateway\n--- SKIP: TestSkippedWithReason (0.00s)\n";
        assert_eq!(
            gotestsum_message(Some(skip.into()), None).as_deref(),
            Some("pricing_test.go:73: needs a real payment gateway")
        );
        assert_eq!(
            gotestsum_message(Some("Failed".into()), None).as_deref(),
            Some("Failed")
        );
    }
}
