//! Go cover profiles (`go test -coverprofile`): a `mode:` line, then one line per block,
//! `file:startLine.startCol,endLine.endCol numStmts count`.
//!
//! Merged profiles repeat blocks, in any order, so blocks are gathered for the whole profile and
//! the files handed over at the end: memory grows with the code measured (one entry per
//! distinct block), not with the number of copies.

use std::collections::HashMap;
use std::io::BufRead;

use crate::position::{Lines, Pos, utf8_line};
use crate::{CountingSink, FileCoverage, ParseError};

/// A block spanning more lines than this is taken for garbage rather than expanded.
const MAX_BLOCK_LINES: u32 = 1_000_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Counts are 0 or 1.
    Set,
    /// Execution counts (`count`, and `atomic`, which only differs in how they were counted).
    Count,
}

#[derive(Clone, Copy, Debug)]
struct Block {
    start: (u32, u32),
    end: (u32, u32),
    count: u64,
}

pub(crate) fn parse<R: BufRead>(
    input: R,
    sink: &mut CountingSink<'_>,
) -> Result<Option<&'static str>, ParseError> {
    let mut lines = Lines::new(input);
    let mut mode = None;
    let mut files: Vec<(String, Vec<Block>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    while let Some((n, raw)) = lines.next_line()? {
        let at = |column: usize| Pos {
            line: n,
            column: column as u64,
        };
        let text = utf8_line(raw, n)?;
        if text.trim().is_empty() {
            continue;
        }
        if let Some(name) = text.strip_prefix("mode:") {
            let this = match name.trim() {
                "set" => Mode::Set,
                "count" | "atomic" => Mode::Count,
                other => {
                    return Err(at(7).error(format!(
                        "unknown cover mode {other:?} (expected set, count or atomic)"
                    )));
                }
            };
            // Profiles concatenated by hand repeat the mode line.
            match mode {
                Some(m) if m != this => {
                    return Err(at(7).error("a second mode line with a different mode"));
                }
                _ => mode = Some(this),
            }
            continue;
        }
        if mode.is_none() {
            return Err(at(1).error("a Go cover profile starts with a mode: line"));
        }
        let (file, block) = parse_block(text, n)?;
        let i = match index.get(file) {
            Some(&i) => i,
            None => {
                files.push((file.to_owned(), Vec::new()));
                index.insert(file.to_owned(), files.len() - 1);
                files.len() - 1
            }
        };
        files[i].1.push(block);
    }
    let Some(mode) = mode else {
        return Err(Pos { line: 1, column: 1 }.error("empty report"));
    };
    for (path, blocks) in files {
        sink.coverage(FileCoverage {
            path,
            lines: line_hits(blocks, mode),
            test: None,
        })?;
    }
    Ok(Some("go test"))
}

/// `example.com/shop/pricing.go:50.20,51.13 1 0`.
fn parse_block(text: &str, n: u64) -> Result<(&str, Block), ParseError> {
    let at = |index: usize| Pos {
        line: n,
        column: index as u64 + 1,
    };
    let bad = |index: usize, what: &str| {
        at(index).error(format!(
            "expected file:line.col,line.col statements count: {what}"
        ))
    };
    let text = text.trim_end();
    let (rest, count) = text.rsplit_once(' ').ok_or_else(|| bad(0, "no count"))?;
    let count_at = rest.len() + 1;
    let count: u64 = count.parse().map_err(|_| bad(count_at, "bad count"))?;
    let (rest, stmts) = rest
        .rsplit_once(' ')
        .ok_or_else(|| bad(0, "no statement count"))?;
    stmts
        .parse::<u32>()
        .map_err(|_| bad(rest.len() + 1, "bad statement count"))?;
    // The file name may itself hold a colon (a Windows drive): the range follows the last one.
    let (file, range) = rest.rsplit_once(':').ok_or_else(|| bad(0, "no file"))?;
    if file.is_empty() {
        return Err(bad(0, "no file"));
    }
    let range_at = file.len() + 1;
    let (start, end) = range
        .split_once(',')
        .ok_or_else(|| bad(range_at, "bad range"))?;
    let point = |s: &str, offset: usize| -> Result<(u32, u32), ParseError> {
        let (line, col) = s
            .split_once('.')
            .ok_or_else(|| bad(offset, "bad position"))?;
        let line = line.parse().map_err(|_| bad(offset, "bad line"))?;
        let col = col.parse().map_err(|_| bad(offset, "bad column"))?;
        Ok((line, col))
    };
    let start = point(start, range_at)?;
    let end = point(end, range_at + start_len(range))?;
    if start.0 == 0 || end.0 < start.0 || end.0 - start.0 > MAX_BLOCK_LINES {
        return Err(bad(range_at, "the block's lines are out of order"));
    }
    Ok((file, Block { start, end, count }))
}

fn start_len(range: &str) -> usize {
    range.find(',').map_or(0, |i| i + 1)
}

/// Merges repeated blocks (set: covered if any copy is; count: the sum), then gives every line
/// of a block the block's count, a line in several blocks the largest.
fn line_hits(mut blocks: Vec<Block>, mode: Mode) -> Vec<(u32, u64)> {
    blocks.sort_unstable_by_key(|b| (b.start, b.end));
    blocks.dedup_by(|next, kept| {
        if next.start == kept.start && next.end == kept.end {
            kept.count = match mode {
                Mode::Set => kept.count.max(next.count).min(1),
                Mode::Count => kept.count.saturating_add(next.count),
            };
            true
        } else {
            false
        }
    });
    let mut lines: Vec<(u32, u64)> = Vec::new();
    for b in &blocks {
        lines.extend((b.start.0..=b.end.0).map(|l| (l, b.count)));
    }
    lines.sort_unstable();
    // After sorting, the last entry of each line has the largest count.
    lines.dedup_by(|next, kept| {
        if next.0 == kept.0 {
            kept.1 = kept.1.max(next.1);
            true
        } else {
            false
        }
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(start: u32, end: u32, count: u64) -> Block {
        Block {
            start: (start, 2),
            end: (end, 3),
            count,
        }
    }

    #[test]
    fn blocks_become_line_hits() {
        let (file, b) = parse_block("example.com/shop/cart.go:18.29,18.71 1 3", 1).unwrap();
        assert_eq!(file, "example.com/shop/cart.go");
        assert_eq!((b.start, b.end, b.count), ((18, 29), (18, 71), 3));
        // Line 18 is in two blocks: it gets the larger count.
        assert_eq!(
            line_hits(vec![block(17, 18, 1), block(18, 18, 3)], Mode::Count),
            vec![(17, 1), (18, 3)]
        );
    }

    #[test]
    fn repeated_blocks_merge_by_mode() {
        let copies = vec![block(5, 6, 0), block(5, 6, 1), block(5, 6, 2)];
        assert_eq!(line_hits(copies.clone(), Mode::Set), vec![(5, 1), (6, 1)]);
        assert_eq!(line_hits(copies, Mode::Count), vec![(5, 3), (6, 3)]);
    }

    #[test]
    fn windows_paths_keep_their_drive() {
        let (file, _) = parse_block("C:/src/x.go:1.1,2.2 1 0", 1).unwrap();
        assert_eq!(file, "C:/src/x.go");
    }

    #[test]
    fn bad_blocks_point_at_the_field() {
        let err = parse_block("a.go:1.1,2.2 1 x", 3).unwrap_err().to_string();
        assert!(err.contains("line 3, column 16"), "{err}");
        let err = parse_block("a.go:1.1;2.2 1 1", 3).unwrap_err().to_string();
        assert!(err.contains("line 3, column 6"), "{err}");
    }
}
