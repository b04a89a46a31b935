//! How the lines of one version of a text correspond to the lines of another.

use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::time::{Duration, Instant};

use similar::{Algorithm, DiffTag};

/// How long the diff may search for a minimal edit script before it settles for a correct but
/// longer one. Only rewrites of thousands of lines get near it.
const DIFF_DEADLINE: Duration = Duration::from_millis(200);

/// How the lines of one version of a text (old) correspond to another (new). Lines are 0-based.
///
/// A line is its text without its terminator: `"a\n"` and `"a"` at the end of a file, and
/// `"a\r\n"` and `"a\n"`, are the same line. Only `\n` ends a line (as for git); a lone `\r` is
/// part of the line's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineMap {
    old_len: u32,
    new_len: u32,
    /// The changed regions, sorted and separated by at least one unchanged line on both sides.
    /// A region may be empty on one side (a pure insertion or deletion), never on both.
    hunks: Vec<Hunk>,
    /// The non-empty `new` ranges of `hunks`.
    changed_new: Vec<Range<u32>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Hunk {
    old: Range<u32>,
    new: Range<u32>,
}

impl LineMap {
    /// A line diff (similar's patience diff on lines; a line's terminator does not matter:
    /// `"a\n"` vs `"a"` at the end of a file, and `\r\n` vs `\n`, count as the same line).
    ///
    /// Equal texts never run the diff, and the lines the two texts share at their start and
    /// end are cut off first, by comparing bytes, so a one-line change in a large file costs a
    /// `memcmp` of it and a diff of one line.
    pub fn new(old: &str, new: &str) -> LineMap {
        if old == new {
            return LineMap::identity(line_count(old));
        }
        let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
        // Whole lines only: back to the start of the line where the texts part.
        let prefix = common_prefix_len(old_bytes, new_bytes);
        let prefix = old_bytes[..prefix]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // And from the first line start inside the common end.
        let suffix = common_suffix_len(&old_bytes[prefix..], &new_bytes[prefix..]);
        let suffix = old_bytes[old.len() - suffix..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(0, |i| suffix - i - 1);
        let (old_mid, new_mid) = (
            &old[prefix..old.len() - suffix],
            &new[prefix..new.len() - suffix],
        );
        LineMap::from_lines_between(
            &lines(old_mid),
            &lines(new_mid),
            line_count(&old[..prefix]),
            line_count(&old[old.len() - suffix..]),
        )
    }

    /// The map between two sequences of lines (or of anything standing for lines, such as
    /// hashes of them).
    pub(crate) fn from_lines<T: Hash + Eq + Ord>(old: &[T], new: &[T]) -> LineMap {
        LineMap::from_lines_between(old, new, 0, 0)
    }

    /// The map between two texts made of `before` equal lines, then `old` or `new`, then
    /// `after` equal lines.
    fn from_lines_between<T: Hash + Eq + Ord>(
        old: &[T],
        new: &[T],
        before: u32,
        after: u32,
    ) -> LineMap {
        let old_len = before + to_u32(old.len()) + after;
        let new_len = before + to_u32(new.len()) + after;
        let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let suffix = old[prefix..]
            .iter()
            .rev()
            .zip(new[prefix..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let old_mid = &old[prefix..old.len() - suffix];
        let new_mid = &new[prefix..new.len() - suffix];
        let mut hunks: Vec<Hunk> = Vec::new();
        if !old_mid.is_empty() || !new_mid.is_empty() {
            let deadline = Instant::now() + DIFF_DEADLINE;
            let ops = similar::capture_diff_slices_deadline(
                Algorithm::Patience,
                old_mid,
                new_mid,
                Some(deadline),
            );
            // Positions come from the lengths of the operations, in order: similar 2.7 reports
            // the other side's index of a lone deletion or insertion wrongly at times.
            let start = before + to_u32(prefix);
            let (mut old_at, mut new_at) = (start, start);
            for op in ops {
                let (tag, o, n) = op.as_tag_tuple();
                let (old_n, new_n) = match tag {
                    DiffTag::Equal => {
                        old_at += to_u32(o.len());
                        new_at += to_u32(o.len());
                        continue;
                    }
                    DiffTag::Delete => (to_u32(o.len()), 0),
                    DiffTag::Insert => (0, to_u32(n.len())),
                    DiffTag::Replace => (to_u32(o.len()), to_u32(n.len())),
                };
                let o = old_at..old_at + old_n;
                let n = new_at..new_at + new_n;
                (old_at, new_at) = (o.end, n.end);
                // Adjacent changes (a deletion then an insertion) are one region.
                match hunks.last_mut() {
                    Some(last) if last.old.end == o.start && last.new.end == n.start => {
                        last.old.end = o.end;
                        last.new.end = n.end;
                    }
                    _ => hunks.push(Hunk { old: o, new: n }),
                }
            }
        }
        let changed_new = hunks
            .iter()
            .filter(|h| !h.new.is_empty())
            .map(|h| h.new.clone())
            .collect();
        LineMap {
            old_len,
            new_len,
            hunks,
            changed_new,
        }
    }

    /// The map of a text with `len` lines onto itself.
    pub(crate) fn identity(len: u32) -> LineMap {
        LineMap {
            old_len: len,
            new_len: len,
            hunks: Vec::new(),
            changed_new: Vec::new(),
        }
    }

    /// Nothing changed (cheap check first: equal texts never run the diff).
    pub fn is_identity(&self) -> bool {
        self.hunks.is_empty()
    }

    /// How many lines the old text has.
    pub fn old_len(&self) -> u32 {
        self.old_len
    }

    /// How many lines the new text has.
    pub fn new_len(&self) -> u32 {
        self.new_len
    }

    /// The new line an unchanged old line is now at; None when the old line was changed or
    /// deleted, or is past the end of the old text.
    pub fn old_to_new(&self, old_line: u32) -> Option<u32> {
        if old_line >= self.old_len {
            return None;
        }
        // The last hunk starting at or before the line.
        let i = self.hunks.partition_point(|h| h.old.start <= old_line);
        let Some(h) = i.checked_sub(1).map(|i| &self.hunks[i]) else {
            return Some(old_line);
        };
        if old_line < h.old.end {
            return None;
        }
        Some(old_line - h.old.end + h.new.end)
    }

    /// The old line an unchanged new line was at; None when the new line is added or changed,
    /// or is past the end of the new text.
    pub fn new_to_old(&self, new_line: u32) -> Option<u32> {
        if new_line >= self.new_len {
            return None;
        }
        let i = self.hunks.partition_point(|h| h.new.start <= new_line);
        let Some(h) = i.checked_sub(1).map(|i| &self.hunks[i]) else {
            return Some(new_line);
        };
        if new_line < h.new.end {
            return None;
        }
        Some(new_line - h.new.end + h.old.end)
    }

    /// The new lines that were added or changed, as sorted, non-overlapping half-open ranges.
    pub fn changed_new_lines(&self) -> &[Range<u32>] {
        &self.changed_new
    }

    /// Whether any line of the new range [start, end) was added or changed, or a line was
    /// deleted between two of its lines (a deletion inside a function changes the function).
    /// A deletion just before `start` or at `end` is outside the range.
    pub fn changed_within(&self, new_lines: Range<u32>) -> bool {
        if new_lines.start >= new_lines.end {
            return false;
        }
        // The first hunk that ends after `start`; for a pure deletion at `p` (new range p..p)
        // that means `start < p`, a deletion after the range's first line.
        let i = self.hunks.partition_point(|h| h.new.end <= new_lines.start);
        // A changed line intersects when it starts before `end`; a deletion at `p` is inside
        // when `p < end`. Both read `new.start < end`, and later hunks start later still.
        self.hunks
            .get(i)
            .is_some_and(|h| h.new.start < new_lines.end)
    }

    /// The smallest range of old lines holding every unchanged old line that is now in
    /// `new_lines`. Old lines inside it may have been changed or deleted (check each with
    /// [`LineMap::old_to_new`]).
    pub(crate) fn old_span_of(&self, new_lines: Range<u32>) -> Range<u32> {
        let end = new_lines.end.min(self.new_len);
        let first = self.first_unchanged_at_or_after(new_lines.start);
        let last = end
            .checked_sub(1)
            .and_then(|e| self.last_unchanged_at_or_before(e));
        match (first, last) {
            (Some(first), Some(last)) if first <= last && first < end => {
                let start = self.new_to_old(first).unwrap_or(0);
                let end = self.new_to_old(last).map_or(start, |l| l + 1);
                start..end
            }
            _ => 0..0,
        }
    }

    fn first_unchanged_at_or_after(&self, line: u32) -> Option<u32> {
        let i = self.hunks.partition_point(|h| h.new.start <= line);
        let line = match i.checked_sub(1).map(|i| &self.hunks[i]) {
            Some(h) if line < h.new.end => h.new.end,
            _ => line,
        };
        (line < self.new_len).then_some(line)
    }

    fn last_unchanged_at_or_before(&self, line: u32) -> Option<u32> {
        let i = self.hunks.partition_point(|h| h.new.start <= line);
        match i.checked_sub(1).map(|i| &self.hunks[i]) {
            Some(h) if line < h.new.end => h.new.start.checked_sub(1),
            _ => Some(line),
        }
    }
}

/// The lines of `text` without their terminators (`\n` or `\r\n`). A final terminator does not
/// start another line: `"a\n"` and `"a"` both have one line, `""` has none.
pub(crate) fn lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if text.is_empty() || text.ends_with('\n') {
        lines.pop();
    }
    lines
}

/// How many lines [`lines`] finds in `text`.
pub(crate) fn line_count(text: &str) -> u32 {
    // `matches` finds a char with `memchr`, optimised even in a debug build of this crate.
    let newlines = text.matches('\n').count();
    let unterminated = usize::from(!text.is_empty() && !text.ends_with('\n'));
    to_u32(newlines + unterminated)
}

/// A hash standing for each line of `text`, to diff against later without keeping the text.
pub(crate) fn line_hashes(text: &str) -> Vec<u64> {
    lines(text)
        .into_iter()
        .map(|line| {
            let mut hasher = std::hash::DefaultHasher::new();
            line.hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// How many bytes `a` and `b` share at their start.
fn common_prefix_len(a: &[u8], b: &[u8]) -> usize {
    // Slices compare with `memcmp`: chunks first, then bytes.
    const CHUNK: usize = 64;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + CHUNK <= n && a[i..i + CHUNK] == b[i..i + CHUNK] {
        i += CHUNK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// How many bytes `a` and `b` share at their end.
fn common_suffix_len(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let n = a.len().min(b.len());
    let (a_end, b_end) = (a.len(), b.len());
    let mut i = 0;
    while i + CHUNK <= n && a[a_end - i - CHUNK..a_end - i] == b[b_end - i - CHUNK..b_end - i] {
        i += CHUNK;
    }
    while i < n && a[a_end - i - 1] == b[b_end - i - 1] {
        i += 1;
    }
    i
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_ignore_terminators() {
        assert_eq!(lines(""), Vec::<&str>::new());
        assert_eq!(lines("\n"), vec![""]);
        assert_eq!(lines("a"), vec!["a"]);
        assert_eq!(lines("a\r\nb\n"), vec!["a", "b"]);
        assert_eq!(lines("a\n\nb"), vec!["a", "", "b"]);
        for text in ["", "\n", "a", "a\r\nb\n", "a\n\nb", "\r\n\r\n"] {
            assert_eq!(line_count(text) as usize, lines(text).len(), "{text:?}");
        }
    }

    #[test]
    fn old_span_of_covers_unchanged_lines_in_range() {
        // old: a b c d e ; new: a X c e Y
        let map = LineMap::new("a\nb\nc\nd\ne\n", "a\nX\nc\ne\nY\n");
        assert_eq!(map.old_span_of(0..5), 0..5);
        assert_eq!(map.old_span_of(1..2), 0..0);
        assert_eq!(map.old_span_of(1..4), 2..5);
        assert_eq!(map.old_span_of(4..9), 0..0);
        assert_eq!(map.old_span_of(3..3), 0..0);
    }
}
