//! Malformed reports: each is an error at the 1-based line and byte column where parsing
//! stopped. The inputs are hand-written (valid inputs are the real fixture reports).

mod common;

use common::parse_str;
use reports::{Format, ParseError};

#[track_caller]
fn check(format: Format, input: &[u8], line: u64, column: u64, message: &str) {
    match parse_str(format, input) {
        Err(ParseError::Malformed {
            line: l,
            column: c,
            message: m,
        }) => {
            assert_eq!(
                (l, c),
                (line, column),
                "position of {m:?} in {:?}",
                String::from_utf8_lossy(input)
            );
            assert!(m.contains(message), "message {m:?} lacks {message:?}");
        }
        Err(e) => panic!("expected a malformed-report error, got {e}"),
        Ok((summary, _)) => panic!("expected an error, parsed {summary:?}"),
    }
}

#[test]
fn empty_input_is_an_empty_report_in_every_format() {
    for format in reports::Format::ALL {
        check(format, b"", 1, 1, "empty report");
        check(format, b"  \n\n", 1, 1, "empty report");
    }
}

#[test]
fn junit_with_no_test_is_not_an_error() {
    let (summary, sink) = parse_str(Format::JUnit, b"<testsuites/>\n").unwrap();
    assert_eq!((summary.tests, sink.tests.len()), (0, 0));
    let (summary, _) = parse_str(
        Format::JUnit,
        b"<?xml version=\"1.0\"?><testsuite name=\"x\" tests=\"0\"></testsuite>",
    )
    .unwrap();
    assert_eq!(summary.tests, 0);
}

#[test]
fn junit_truncated() {
    check(
        Format::JUnit,
        b"<testsuites>\n  <testsuite name=\"a\">\n    <testcase name=\"t\"/>\n",
        4,
        1,
        "<testsuite> is not closed",
    );
    // Cut inside a test case's text.
    check(
        Format::JUnit,
        b"<testsuites>\n<testsuite name=\"a\">\n<testcase name=\"t\"><failure>boom",
        3,
        33,
        "<failure> is not closed",
    );
}

#[test]
fn junit_truncated_names_the_innermost_known_element() {
    check(
        Format::JUnit,
        b"<testsuite name=\"a\"><testcase name=\"t\"><error>boom",
        1,
        51,
        "<error> is not closed",
    );
    check(
        Format::JUnit,
        b"<testsuite name=\"a\"><testcase name=\"t\"><custom><deeper>",
        1,
        56,
        "<testcase> is not closed",
    );
}

#[test]
fn junit_unclosed_tag() {
    // The error points at the `<` of the tag that never closes.
    check(
        Format::JUnit,
        b"<testsuites>\n  <testcase name=\"t\"\n",
        2,
        3,
        "not closed",
    );
    check(
        Format::JUnit,
        b"<testsuites>\n  <testcase name=\"t\n",
        2,
        3,
        "not closed",
    );
}

#[test]
fn junit_mismatched_end_tag() {
    check(
        Format::JUnit,
        b"<testsuites>\n<testsuite name=\"a\">\n  </testsuites>",
        3,
        3,
        "expected `</testsuite>`, but `</testsuites>` was found",
    );
}

#[test]
fn junit_invalid_utf8_in_text_and_attributes() {
    check(
        Format::JUnit,
        b"<testsuites>\n<testsuite name=\"a\"><testcase name=\"t\"><failure>caf\xC3\xA9 \xFF!</failure></testcase></testsuite></testsuites>",
        2,
        55,
        "invalid UTF-8",
    );
    check(
        Format::JUnit,
        b"<testsuites>\n\n   <testsuite name=\"\xE2\x82\">",
        3,
        21,
        "invalid UTF-8",
    );
}

#[test]
fn junit_wrong_root_and_stray_text() {
    check(
        Format::JUnit,
        b"<?xml version=\"1.0\"?>\n<html><body/></html>",
        2,
        1,
        "expected a <testsuites> or <testsuite> root element, found <html>",
    );
    check(
        Format::JUnit,
        b"\n  garbage",
        1,
        1,
        "text outside the root element",
    );
    check(
        Format::JUnit,
        b"<?xml version=\"1.0\"?>\n",
        2,
        1,
        "no <testsuites> or <testsuite> element",
    );
}

#[test]
fn junit_unknown_entity_and_missing_name() {
    check(
        Format::JUnit,
        b"<testsuite name=\"a\">\n<testcase name=\"t\"><failure>a&nbsp;b</failure></testcase></testsuite>",
        2,
        30,
        "unknown entity `&nbsp;`",
    );
    check(
        Format::JUnit,
        b"<testsuite name=\"a\">\n  <testcase classname=\"c\"/>\n</testsuite>",
        2,
        3,
        "<testcase> without a name attribute",
    );
}

#[test]
fn cobertura_malformed() {
    check(
        Format::Cobertura,
        b"<coverage>\n<packages><package><classes>\n<class filename=\"a.py\"><lines>\n",
        4,
        1,
        "<lines> is not closed",
    );
    check(
        Format::Cobertura,
        b"<coverage><packages><package><classes><class filename=\"a.py\"><lines>\n    <line number=\"x\" hits=\"1\"/>",
        2,
        5,
        "<line> number is not a line number",
    );
    check(
        Format::Cobertura,
        b"<testsuites/>",
        1,
        1,
        "expected a <coverage> root element",
    );
}

#[test]
fn lcov_malformed() {
    check(
        Format::Lcov,
        b"SF:a.rs\nDA:1,x\nend_of_record\n",
        2,
        6,
        "expected a hit count",
    );
    check(
        Format::Lcov,
        b"SF:a.rs\nDA:1;1\nend_of_record\n",
        2,
        5,
        "expected <line>,<hits>",
    );
    check(Format::Lcov, b"TN:\nDA:1,1\n", 2, 1, "DA outside a record");
    check(
        Format::Lcov,
        b"SF:a.rs\nDA:1,1\nhello world\n",
        3,
        1,
        "not an lcov line",
    );
    check(
        Format::Lcov,
        b"SF:a.rs\nDA:1,1\n",
        3,
        1,
        "the record of a.rs has no end_of_record",
    );
    check(Format::Lcov, b"SF:a.rs\nDA:1,1", 2, 7, "no end_of_record");
    check(
        Format::Lcov,
        b"SF:caf\xC3\xA9\xFF.rs\n",
        1,
        9,
        "invalid UTF-8",
    );
    check(
        Format::Lcov,
        b"SF:a.rs\nSF:b.rs\n",
        2,
        1,
        "SF before the end_of_record",
    );
}

#[test]
fn go_test_json_malformed() {
    let ok = br#"{"Action":"start","Package":"example.com/shop"}"#;
    let mut input = ok.to_vec();
    input.extend_from_slice(b"\n# example.com/shop [example.com/shop.test]\n");
    check(Format::GoTestJson, &input, 2, 1, "expected value");

    let mut input = ok.to_vec();
    input.extend_from_slice(b"\n\n{\"Action\":\"run\",\"Test\":}\n");
    check(Format::GoTestJson, &input, 3, 24, "expected value");

    check(
        Format::GoTestJson,
        br#"{"Package":"x"}"#,
        1,
        15,
        "missing field `Action`",
    );
    check(
        Format::GoTestJson,
        br#"{"Action":"ru"#,
        1,
        13,
        "EOF while parsing",
    );
    check(
        Format::GoTestJson,
        b"{\"Action\":\"output\",\"Output\":\"caf\xFF\"}",
        1,
        33,
        "invalid unicode",
    );
}

#[test]
fn coverage_py_json_malformed() {
    check(
        Format::CoveragePyJson,
        b"{\"meta\": {},\n \"files\": {\"a.py\": {\"executed_lines\": [1, \"x\"], \"missing_lines\": []}}}",
        2,
        45,
        "invalid type: string \"x\"",
    );
    check(
        Format::CoveragePyJson,
        b"{\"meta\": {}}",
        1,
        12,
        "missing field `files`",
    );
    check(
        Format::CoveragePyJson,
        b"[1, 2]",
        1,
        1,
        "invalid type: sequence",
    );
    check(
        Format::CoveragePyJson,
        b"{\"files\": {},}",
        1,
        14,
        "trailing comma",
    );
    // serde_json places an error at the end of input after a newline in column 0: it becomes 1.
    check(
        Format::CoveragePyJson,
        b"{\"files\": {\n",
        2,
        1,
        "EOF while parsing",
    );
}

#[test]
fn go_coverprofile_malformed() {
    check(
        Format::GoCoverprofile,
        b"a.go:1.1,2.2 1 1\n",
        1,
        1,
        "starts with a mode: line",
    );
    check(
        Format::GoCoverprofile,
        b"mode: sometimes\n",
        1,
        7,
        "unknown cover mode",
    );
    check(
        Format::GoCoverprofile,
        b"mode: set\nexample.com/a.go:1.1,2.2 1 yes\n",
        2,
        28,
        "bad count",
    );
    check(
        Format::GoCoverprofile,
        b"mode: set\nexample.com/a.go:9.1,2.2 1 1\n",
        2,
        18,
        "out of order",
    );
}

#[test]
fn utf16_is_refused() {
    let utf16: Vec<u8> = "\u{FEFF}<testsuites/>"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert!(parse_str(Format::JUnit, &utf16).is_err());
}
