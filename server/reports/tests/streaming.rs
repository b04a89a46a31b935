//! Streaming: large reports generated lazily by a `Read` (the test never holds them), each case
//! or record reaching the sink as soon as it is complete, and results that do not depend on
//! how the input is cut into reads.
//!
//! Design review of what the parsers keep between cases (what makes memory independent of
//! input size): JUnit keeps the stack of open elements, the names of the open suites and the
//! one open test case, which is moved into the sink at its `</testcase>`; the XML reader reuses
//! one event buffer (given back if one event made it grow past 1 MiB) and counts lines without
//! keeping input. lcov keeps the open record only, handed over at `end_of_record`. The tests
//! below check the observable half: each case is delivered before the reader has produced
//! much more than that case.

mod common;

use std::cell::Cell;
use std::io::{BufReader, Read};
use std::rc::Rc;

use common::parse_str;
use reports::{FileCoverage, Format, ParseError, Sink, SinkError, Status, TestCase};

/// A report produced piece by piece: `piece(i)` is the i-th piece, `None` after the last.
struct Lazy<F> {
    piece: F,
    index: usize,
    pending: Vec<u8>,
    at: usize,
    /// Bytes handed out so far, shared with the sink.
    produced: Rc<Cell<u64>>,
    /// The byte offset where each piece ends, for pieces that are test cases or records.
    done: bool,
}

impl<F: FnMut(usize, &mut Vec<u8>) -> bool> Read for Lazy<F> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.pending.len() {
            if self.done {
                return Ok(0);
            }
            self.pending.clear();
            self.at = 0;
            self.done = !(self.piece)(self.index, &mut self.pending);
            self.index += 1;
        }
        let n = out.len().min(self.pending.len() - self.at);
        out[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        self.produced.set(self.produced.get() + n as u64);
        Ok(n)
    }
}

fn lazy<F: FnMut(usize, &mut Vec<u8>) -> bool>(piece: F, produced: Rc<Cell<u64>>) -> Lazy<F> {
    Lazy {
        piece,
        index: 0,
        pending: Vec::new(),
        at: 0,
        produced,
        done: false,
    }
}

/// Counts, and checks that no delivery lags far behind the input read.
struct Counter {
    produced: Rc<Cell<u64>>,
    /// How far past the end of a case the reader may be when the case arrives: the read buffer
    /// plus one more piece.
    slack: u64,
    /// Where the i-th case ends in the input.
    case_end: Box<dyn Fn(u64) -> u64>,
    tests: u64,
    failed: u64,
    files: u64,
    lines: u64,
}

impl Counter {
    fn check_delivery(&self, index: u64) {
        let produced = self.produced.get();
        let end = (self.case_end)(index);
        assert!(
            produced <= end + self.slack,
            "case {index} (ending at byte {end}) arrived only after {produced} bytes were read"
        );
    }
}

impl Sink for Counter {
    fn test(&mut self, case: TestCase) -> Result<(), SinkError> {
        self.check_delivery(self.tests);
        self.tests += 1;
        if case.status == Status::Failed {
            self.failed += 1;
            assert!(case.details.unwrap().contains("at Object.<anonymous>"));
        }
        Ok(())
    }

    fn coverage(&mut self, file: FileCoverage) -> Result<(), SinkError> {
        self.check_delivery(self.files);
        self.files += 1;
        self.lines += file.lines.len() as u64;
        Ok(())
    }
}

const BUFFER: usize = 64 * 1024;

fn junit_case(i: usize, out: &mut Vec<u8>) {
    use std::io::Write;
    if i.is_multiple_of(100) {
        write!(
            out,
            "    <testcase classname=\"shop.pricing\" name=\"test_{i} &gt; edge\" time=\"0.0{}\">\n      <failure message=\"expected {i} to be {}\" type=\"AssertionError\">AssertionError: expected {i}\n    at Object.&lt;anonymous&gt; (/repo/src/pricing.test.ts:{}:5)\n    at processTicksAndRejections (node:internal/process/task_queues:95:5)</failure>\n      <system-out>log line {i}</system-out>\n    </testcase>\n",
            i % 10,
            i + 1,
            i % 500 + 1
        )
        .unwrap();
    } else {
        writeln!(
            out,
            "    <testcase classname=\"shop.pricing\" name=\"test_{i}\" time=\"0.001\" file=\"tests/test_pricing.py\" line=\"{}\"/>",
            i % 900
        )
        .unwrap();
    }
}

#[test]
fn a_200000_case_junit_streams() {
    const CASES: usize = 200_000;
    const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"nextest-run\">\n  <testsuite name=\"shop\">\n";
    // Case ends in the input, computed by generating the cases once without keeping them.
    let mut ends = Vec::with_capacity(CASES);
    let mut offset = HEADER.len() as u64;
    let mut scratch = Vec::new();
    for i in 0..CASES {
        scratch.clear();
        junit_case(i, &mut scratch);
        offset += scratch.len() as u64;
        ends.push(offset);
    }
    let total = offset;
    let produced = Rc::new(Cell::new(0));
    let input = lazy(
        |i, out: &mut Vec<u8>| {
            match i {
                0 => out.extend_from_slice(HEADER.as_bytes()),
                i if i <= CASES => junit_case(i - 1, out),
                _ => {
                    out.extend_from_slice(b"  </testsuite>\n</testsuites>\n");
                    return false;
                }
            }
            true
        },
        produced.clone(),
    );
    let mut sink = Counter {
        produced,
        slack: BUFFER as u64 + 1024,
        case_end: Box::new(move |i| ends[i as usize]),
        tests: 0,
        failed: 0,
        files: 0,
        lines: 0,
    };
    let summary = reports::parse(
        Format::JUnit,
        BufReader::with_capacity(BUFFER, input),
        &mut sink,
    )
    .unwrap();
    assert_eq!((summary.tests, sink.tests), (CASES as u64, CASES as u64));
    assert_eq!(sink.failed, (CASES / 100) as u64);
    assert_eq!(summary.tool.as_deref(), Some("cargo-nextest"));
    assert!(total > 20_000_000, "the generated report is {total} bytes");
}

fn lcov_record(i: usize, out: &mut Vec<u8>) {
    use std::io::Write;
    writeln!(
        out,
        "TN:\nSF:src/module_{i}.rs\nFN:1,_RNvCs_{i}\nFNDA:3,_RNvCs_{i}"
    )
    .unwrap();
    for line in 1..=100 {
        writeln!(out, "DA:{line},{}", (line * i) % 7).unwrap();
    }
    out.extend_from_slice(b"LF:100\nLH:86\nend_of_record\n");
}

#[test]
fn a_large_lcov_streams() {
    const RECORDS: usize = 20_000;
    let mut ends = Vec::with_capacity(RECORDS);
    let mut offset = 0;
    let mut scratch = Vec::new();
    for i in 0..RECORDS {
        scratch.clear();
        lcov_record(i, &mut scratch);
        offset += scratch.len() as u64;
        ends.push(offset);
    }
    let produced = Rc::new(Cell::new(0));
    let input = lazy(
        |i, out: &mut Vec<u8>| {
            if i < RECORDS {
                lcov_record(i, out);
            }
            i + 1 < RECORDS
        },
        produced.clone(),
    );
    let mut sink = Counter {
        produced,
        slack: BUFFER as u64 + 2048,
        case_end: Box::new(move |i| ends[i as usize]),
        tests: 0,
        failed: 0,
        files: 0,
        lines: 0,
    };
    let summary = reports::parse(
        Format::Lcov,
        BufReader::with_capacity(BUFFER, input),
        &mut sink,
    )
    .unwrap();
    assert_eq!(summary.coverage_files, RECORDS as u64);
    assert_eq!(sink.lines, (RECORDS * 100) as u64);
}

/// Multi-byte characters cut across reads of every size give the same cases, and a bad byte
/// the same position.
#[test]
fn results_do_not_depend_on_read_sizes() {
    let report = "<testsuites>\n<testsuite name=\"价格 💶\">\n  <testcase name=\"receipt 🧾 收据\" classname=\"ünï\"><failure message=\"é\">— 🧾 —\n  at /x/收据.test.ts:3:4\n</failure></testcase>\n</testsuite>\n</testsuites>\n";
    let (_, whole) = parse_str(Format::JUnit, report.as_bytes()).unwrap();
    let mut bad = report.as_bytes().to_vec();
    let at = report.find("— 🧾").unwrap() + 3;
    bad[at] = 0xFF;
    let whole_error = parse_str(Format::JUnit, &bad).unwrap_err().to_string();
    assert!(whole_error.contains("line 3, column 83"), "{whole_error}");
    for capacity in 1..=9 {
        let mut sink = common::Collect::default();
        reports::parse(
            Format::JUnit,
            BufReader::with_capacity(capacity, report.as_bytes()),
            &mut sink,
        )
        .unwrap();
        assert_eq!(sink.tests, whole.tests, "read size {capacity}");
        let err = reports::parse(
            Format::JUnit,
            BufReader::with_capacity(capacity, &bad[..]),
            &mut common::Collect::default(),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), whole_error, "read size {capacity}");
    }
}

/// The running line count stays right deep into a document.
#[test]
fn errors_deep_in_a_report_have_the_right_line() {
    let mut report = String::from("<testsuites>\n<testsuite name=\"s\">\n");
    for i in 0..10_000 {
        report.push_str(&format!(
            "<testcase name=\"t{i}\">\n<system-out>a\nb\n</system-out>\n</testcase>\n"
        ));
    }
    report.push_str("</testsuites>\n");
    match parse_str(Format::JUnit, report.as_bytes()) {
        Err(ParseError::Malformed { line, column, .. }) => {
            assert_eq!((line, column), (2 + 10_000 * 5 + 1, 1));
        }
        other => panic!("{:?}", other.map(|(s, _)| s)),
    }
}

/// A sink's refusal stops the parse and comes back as it was.
#[test]
fn sink_errors_stop_the_parse() {
    struct Refuse;
    impl Sink for Refuse {
        fn test(&mut self, _: TestCase) -> Result<(), SinkError> {
            Err("disk full".into())
        }
        fn coverage(&mut self, _: FileCoverage) -> Result<(), SinkError> {
            Err("disk full".into())
        }
    }
    let inputs: [(Format, &[u8]); 4] = [
        (
            Format::JUnit,
            b"<testsuite name=\"s\"><testcase name=\"t\"/></testsuite>",
        ),
        (Format::Lcov, b"SF:a.rs\nDA:1,1\nend_of_record\n"),
        (
            Format::CoveragePyJson,
            b"{\"files\": {\"a.py\": {\"executed_lines\": [1], \"missing_lines\": []}}}",
        ),
        (Format::GoCoverprofile, b"mode: set\na.go:1.1,2.2 1 1\n"),
    ];
    for (format, input) in inputs {
        match reports::parse(format, input, &mut Refuse) {
            Err(ParseError::Sink(e)) => assert_eq!(e.to_string(), "disk full"),
            other => panic!("{format}: {:?}", other.map(|s| s.tests)),
        }
    }
}
