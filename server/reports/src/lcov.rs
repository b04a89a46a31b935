//! lcov tracefiles (`geninfo`, llvm-cov, coverage.py, istanbul/Vitest, c8).
//!
//! Only `SF`, `DA` and `end_of_record` matter; function and branch records (`FN`, `FNDA`,
//! `BRDA`, `LF`, `LH`, ...) are skipped. Each record is handed to the sink at its
//! `end_of_record`; a file that appears in two records is handed over twice.

use std::io::BufRead;

use crate::cobertura::merge_sum;
use crate::position::{Lines, Pos, utf8_line};
use crate::{CountingSink, FileCoverage, ParseError};

pub(crate) fn parse<R: BufRead>(
    input: R,
    sink: &mut CountingSink<'_>,
) -> Result<Option<&'static str>, ParseError> {
    let mut lines = Lines::new(input);
    // The open record: its file and its `DA` lines.
    let mut record: Option<(String, Vec<(u32, u64)>)> = None;
    let mut capacity = 64;
    let mut seen_content = false;
    while let Some((n, raw)) = lines.next_line()? {
        let at = |column: usize| Pos {
            line: n,
            column: column as u64,
        };
        if raw.is_empty() || raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        seen_content = true;
        if let Some(da) = raw.strip_prefix(b"DA:") {
            let Some((_, lines)) = &mut record else {
                return Err(at(1).error("DA outside a record (no SF line before it)"));
            };
            if let Some(line) = parse_da(da, n)? {
                lines.push(line);
            }
            continue;
        }
        let text = utf8_line(raw, n)?;
        if let Some(path) = text.strip_prefix("SF:") {
            if let Some((open, _)) = &record {
                return Err(at(1).error(format!(
                    "SF before the end_of_record of the previous file ({open})"
                )));
            }
            let path = path.trim();
            if path.is_empty() {
                return Err(at(4).error("SF without a path"));
            }
            record = Some((path.to_owned(), Vec::with_capacity(capacity)));
        } else if text.trim_end() == "end_of_record" {
            let Some((path, lines)) = record.take() else {
                return Err(at(1).error("end_of_record without a record (no SF line before it)"));
            };
            capacity = lines.len().max(16);
            sink.coverage(FileCoverage {
                path,
                lines: merge_sum(lines),
                test: None,
            })?;
        } else if !is_other_record(text) {
            let shown: String = text.chars().take(40).collect();
            return Err(at(1).error(format!("not an lcov line: {shown:?}")));
        }
    }
    if let Some((path, _)) = record {
        return Err(lines.end().error(format!(
            "unexpected end of input: the record of {path} has no end_of_record"
        )));
    }
    if !seen_content {
        return Err(Pos { line: 1, column: 1 }.error("empty report"));
    }
    Ok(None)
}

/// `TN:`, `FN:`, `BRDA:`, `LF:` and the rest: an upper-case key and a colon.
fn is_other_record(text: &str) -> bool {
    match text.split_once(':') {
        Some((key, _)) => !key.is_empty() && key.bytes().all(|b| b.is_ascii_uppercase()),
        None => false,
    }
}

/// `DA:<line>,<hits>[,<checksum>]` without its `DA:`. Line 0, which some generators write for
/// synthetic code, is dropped.
fn parse_da(da: &[u8], n: u64) -> Result<Option<(u32, u64)>, ParseError> {
    // Columns: `DA:` takes the first three bytes.
    let at = |index: usize| Pos {
        line: n,
        column: index as u64 + 4,
    };
    let (line, after_line) = digits(da, 0);
    let line = match line {
        Some(l) if after_line < da.len() && da[after_line] == b',' => l,
        _ => return Err(at(after_line.min(da.len())).error("DA: expected <line>,<hits>")),
    };
    let (hits, end) = digits(da, after_line + 1);
    let Some(hits) = hits else {
        return Err(at(end).error("DA: expected a hit count after the comma"));
    };
    match da.get(end) {
        None | Some(b',') => {}
        Some(b' ' | b'\t') if da[end..].iter().all(u8::is_ascii_whitespace) => {}
        Some(_) => return Err(at(end).error("DA: expected a hit count after the comma")),
    }
    if end < da.len() && std::str::from_utf8(&da[end..]).is_err() {
        let valid = std::str::from_utf8(&da[end..])
            .err()
            .map_or(0, |e| e.valid_up_to());
        return Err(at(end + valid).error("invalid UTF-8"));
    }
    let Ok(line) = u32::try_from(line) else {
        return Err(at(0).error("DA: line number too large"));
    };
    Ok((line > 0).then_some((line, hits)))
}

/// The decimal number starting at `start`, and the index after it; `None` if there is no digit
/// or it overflows.
fn digits(bytes: &[u8], start: usize) -> (Option<u64>, usize) {
    let mut value: u64 = 0;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        if !b.is_ascii_digit() {
            break;
        }
        value = match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
        {
            Some(v) => v,
            None => return (None, start),
        };
        i += 1;
    }
    ((i > start).then_some(value), i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn da_lines() {
        assert_eq!(parse_da(b"12,3", 1).unwrap(), Some((12, 3)));
        assert_eq!(parse_da(b"12,0,abcdef==", 1).unwrap(), Some((12, 0)));
        assert_eq!(parse_da(b"0,1", 1).unwrap(), None);
        let err = parse_da(b"12,x", 7).unwrap_err().to_string();
        assert!(err.contains("line 7, column 7"), "{err}");
        let err = parse_da(b"1a,1", 7).unwrap_err().to_string();
        assert!(err.contains("line 7, column 5"), "{err}");
    }
}
