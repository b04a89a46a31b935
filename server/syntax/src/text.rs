//! Source text and positions.
//!
//! Text lives in a rope (`ropey`, with only CR, LF and CRLF as line breaks, as in LSP) so that an
//! edit costs O(log n) and a snapshot is a cheap clone. Tree-sitter speaks bytes, ropey chars and
//! LSP UTF-16 code units (or UTF-8 / UTF-32 when negotiated); every conversion between them happens
//! here and nowhere else.

use std::borrow::Cow;
use std::fmt;

use ropey::Rope;

/// A byte offset into a source text. Files over 4 MiB are never modelled, so `u32` is plenty.
pub type TextSize = u32;

/// A half-open byte range `start..end`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct TextRange {
    pub start: TextSize,
    pub end: TextSize,
}

impl TextRange {
    pub fn new(start: TextSize, end: TextSize) -> TextRange {
        debug_assert!(start <= end, "{start} > {end}");
        TextRange { start, end }
    }

    pub fn from_usize(range: std::ops::Range<usize>) -> TextRange {
        TextRange::new(range.start as TextSize, range.end as TextSize)
    }

    pub fn len(self) -> TextSize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `other` lies inside `self` (bounds included).
    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// Whether `offset` lies in `self`, the end included (a cursor just after a name is on it).
    pub fn contains_inclusive(self, offset: TextSize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn intersects(self, other: TextRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    pub fn shifted(self, by: TextSize) -> TextRange {
        TextRange::new(self.start + by, self.end + by)
    }

    pub fn as_usize(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// How a client counts columns. LSP's default is UTF-16; 3.17 lets a client offer UTF-8 or UTF-32.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

/// A zero-based line and a column counted in a [`PositionEncoding`]'s units.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The text of one file: a rope, cheap to clone and to edit.
#[derive(Clone, Default)]
pub struct SourceText {
    rope: Rope,
}

impl fmt::Debug for SourceText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SourceText({} bytes)", self.rope.len_bytes())
    }
}

impl From<&str> for SourceText {
    fn from(text: &str) -> SourceText {
        SourceText {
            rope: Rope::from_str(text),
        }
    }
}

impl From<String> for SourceText {
    fn from(text: String) -> SourceText {
        SourceText::from(text.as_str())
    }
}

impl SourceText {
    pub fn len(&self) -> TextSize {
        self.rope.len_bytes() as TextSize
    }

    pub fn is_empty(&self) -> bool {
        self.rope.len_bytes() == 0
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// The number of lines as LSP counts them: a trailing newline starts an (empty) last line.
    pub fn line_count(&self) -> u32 {
        self.rope.len_lines() as u32
    }

    /// The text of `range`, borrowed when it lies in one chunk of the rope.
    pub fn slice(&self, range: TextRange) -> Cow<'_, str> {
        let range = self.clamp(range);
        self.rope.byte_slice(range.as_usize()).into()
    }

    /// The longest contiguous run of text starting at `offset` (empty at the end). Tree-sitter's
    /// parser reads the rope through this.
    pub fn chunk_at(&self, offset: usize) -> &str {
        if offset >= self.rope.len_bytes() {
            return "";
        }
        let (chunk, chunk_start, _, _) = self.rope.chunk_at_byte(offset);
        &chunk[offset - chunk_start..]
    }

    /// Iterates the text of `range` as byte chunks, for tree-sitter's query predicates.
    pub fn chunks_in(&self, range: TextRange) -> impl Iterator<Item = &[u8]> {
        let range = self.clamp(range);
        self.rope
            .byte_slice(range.as_usize())
            .chunks()
            .map(str::as_bytes)
    }

    /// Replaces `range` with `insert`. The caller keeps the syntax tree in step (see `tree`).
    pub fn replace(&mut self, range: TextRange, insert: &str) {
        let range = self.clamp(range);
        let start = self.rope.byte_to_char(range.start as usize);
        let end = self.rope.byte_to_char(range.end as usize);
        self.rope.remove(start..end);
        self.rope.insert(start, insert);
    }

    /// The row and byte column of `offset`, as tree-sitter's `Point` wants them.
    pub fn point(&self, offset: TextSize) -> (usize, usize) {
        let offset = (offset as usize).min(self.rope.len_bytes());
        let line = self.rope.byte_to_line(offset);
        (line, offset - self.rope.line_to_byte(line))
    }

    /// The position of a byte offset, in the client's units. Offsets past the end clamp to it.
    pub fn line_col(&self, offset: TextSize, encoding: PositionEncoding) -> LineCol {
        let offset = self.floor_char_boundary((offset as usize).min(self.rope.len_bytes()));
        let line = self.rope.byte_to_line(offset);
        let line_start = self.rope.line_to_byte(line);
        let col = match encoding {
            PositionEncoding::Utf8 => offset - line_start,
            PositionEncoding::Utf16 => {
                let start = self.rope.byte_to_char(line_start);
                let here = self.rope.byte_to_char(offset);
                self.rope.char_to_utf16_cu(here) - self.rope.char_to_utf16_cu(start)
            }
            PositionEncoding::Utf32 => {
                self.rope.byte_to_char(offset) - self.rope.byte_to_char(line_start)
            }
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The byte offset of a client position. As LSP asks, a line past the end clamps to the end of
    /// the text and a column past the end of its line clamps to the line's end (before its line
    /// break); a column inside a character (half a surrogate pair, a byte inside a UTF-8 sequence)
    /// rounds down to the character's start.
    pub fn offset(&self, pos: LineCol, encoding: PositionEncoding) -> TextSize {
        let line = pos.line as usize;
        if line >= self.rope.len_lines() {
            return self.len();
        }
        let line_start = self.rope.line_to_byte(line);
        let line_end = self.line_end_excluding_break(line);
        let col = pos.col as usize;
        let offset = match encoding {
            PositionEncoding::Utf8 => self.floor_char_boundary((line_start + col).min(line_end)),
            PositionEncoding::Utf16 => {
                let start_char = self.rope.byte_to_char(line_start);
                let end_char = self.rope.byte_to_char(line_end);
                let start_cu = self.rope.char_to_utf16_cu(start_char);
                let end_cu = self.rope.char_to_utf16_cu(end_char);
                let target = (start_cu + col).min(end_cu);
                let mut ch = self.rope.utf16_cu_to_char(target);
                // `utf16_cu_to_char` maps the second half of a surrogate pair to the next char.
                if self.rope.char_to_utf16_cu(ch) > target {
                    ch -= 1;
                }
                self.rope.char_to_byte(ch)
            }
            PositionEncoding::Utf32 => {
                let start_char = self.rope.byte_to_char(line_start);
                let end_char = self.rope.byte_to_char(line_end);
                self.rope.char_to_byte((start_char + col).min(end_char))
            }
        };
        offset as TextSize
    }

    fn line_end_excluding_break(&self, line: usize) -> usize {
        if line + 1 >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let start = self.rope.line_to_byte(line);
        let mut end = self.rope.line_to_byte(line + 1);
        if end > start && self.rope.byte(end - 1) == b'\n' {
            end -= 1;
            if end > start && self.rope.byte(end - 1) == b'\r' {
                end -= 1;
            }
        } else if end > start && self.rope.byte(end - 1) == b'\r' {
            end -= 1;
        }
        end
    }

    fn floor_char_boundary(&self, offset: usize) -> usize {
        let ch = self.rope.byte_to_char(offset);
        self.rope.char_to_byte(ch)
    }

    fn clamp(&self, range: TextRange) -> TextRange {
        let len = self.len();
        TextRange::new(
            range.start.min(len),
            range.end.min(len).max(range.start.min(len)),
        )
    }
}

impl fmt::Display for SourceText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.rope.chunks() {
            f.write_str(chunk)?;
        }
        Ok(())
    }
}

/// Line starts of one revision of a text, for converting many offsets at once (an inlay hint
/// request converts thousands). Lines that are all ASCII convert in O(log lines) without touching
/// the rope; other lines ask the rope. It agrees with [`SourceText::line_col`] everywhere.
#[derive(Clone, Debug)]
pub struct LineIndex {
    text: SourceText,
    /// Byte offset where each line starts; LSP's line breaks (LF, CRLF, lone CR) end lines.
    starts: Vec<TextSize>,
    /// Whether each line is ASCII, so that every encoding counts its columns in bytes.
    ascii: Vec<bool>,
}

impl LineIndex {
    pub fn new(text: &SourceText) -> LineIndex {
        let mut starts = vec![0];
        let mut ascii = vec![true];
        let mut chunk_start: usize = 0;
        // A CR at the end of one chunk and an LF at the start of the next are one break.
        let mut after_cr = false;
        for chunk in text.rope.chunks() {
            let bytes = chunk.as_bytes();
            let mut line_from = 0;
            for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                let is_ascii = bytes[line_from..at].is_ascii();
                *ascii.last_mut().expect("one line at least") &= is_ascii;
                let next = (chunk_start + at + 1) as TextSize;
                if bytes[at] == b'\n' && at == line_from && after_cr {
                    // The LF of a CRLF: the line already started after the CR; move its start.
                    *starts.last_mut().expect("one line at least") = next;
                } else {
                    starts.push(next);
                    ascii.push(true);
                }
                after_cr = bytes[at] == b'\r';
                line_from = at + 1;
            }
            if line_from < bytes.len() {
                *ascii.last_mut().expect("one line at least") &= bytes[line_from..].is_ascii();
                after_cr = false;
            }
            chunk_start += bytes.len();
        }
        LineIndex {
            text: text.clone(),
            starts,
            ascii,
        }
    }

    pub fn text(&self) -> &SourceText {
        &self.text
    }

    pub fn line_col(&self, offset: TextSize, encoding: PositionEncoding) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        if encoding == PositionEncoding::Utf8 || self.ascii[line] {
            LineCol {
                line: line as u32,
                col: offset - self.starts[line],
            }
        } else {
            self.text.line_col(offset, encoding)
        }
    }
}

/// Files larger than this are not modelled: they are generated or data, and parsing them would cost
/// more than they are worth.
pub const MAX_FILE_SIZE: usize = 4 * 1024 * 1024;

/// Why a file's bytes were not turned into text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreadable {
    TooLarge { size: usize },
    Binary,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::TooLarge { size } => write!(
                f,
                "file is {size} bytes, over the {} MiB limit",
                MAX_FILE_SIZE / (1024 * 1024)
            ),
            Unreadable::Binary => f.write_str("file looks binary (it has a NUL byte)"),
        }
    }
}

/// Text decoded from a file's bytes.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// Set when the bytes were not valid UTF-8 and bad sequences became U+FFFD.
    pub lossy: bool,
}

/// Turns a file's bytes into text: too large and binary files are refused, invalid UTF-8 is
/// decoded lossily (and said so), and a UTF-8 byte order mark is dropped, as editors do.
pub fn decode(bytes: &[u8]) -> Result<Decoded, Unreadable> {
    if bytes.len() > MAX_FILE_SIZE {
        return Err(Unreadable::TooLarge { size: bytes.len() });
    }
    // Git's heuristic: a NUL byte in the first 8000 bytes means binary.
    if bytes[..bytes.len().min(8000)].contains(&0) {
        return Err(Unreadable::Binary);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    Ok(match String::from_utf8_lossy(bytes) {
        Cow::Borrowed(text) => Decoded {
            text: text.to_owned(),
            lossy: false,
        },
        Cow::Owned(text) => Decoded { text, lossy: true },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip_all(text: &str, encoding: PositionEncoding) {
        let source = SourceText::from(text);
        for (offset, ch) in text.char_indices().chain([(text.len(), ' ')]) {
            // Between the CR and the LF of a CRLF is not a position LSP can name.
            if ch == '\n' && text[..offset].ends_with('\r') {
                continue;
            }
            let pos = source.line_col(offset as TextSize, encoding);
            assert_eq!(
                source.offset(pos, encoding) as usize,
                offset,
                "{encoding:?} {pos:?} in {text:?}"
            );
        }
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_as_two() {
        // "😀" is one char, four UTF-8 bytes and two UTF-16 code units.
        let source = SourceText::from("a😀b\n");
        let b = "a😀".len() as TextSize;
        assert_eq!(
            source.line_col(b, PositionEncoding::Utf16),
            LineCol { line: 0, col: 3 }
        );
        assert_eq!(
            source.line_col(b, PositionEncoding::Utf8),
            LineCol { line: 0, col: 5 }
        );
        assert_eq!(
            source.line_col(b, PositionEncoding::Utf32),
            LineCol { line: 0, col: 2 }
        );
        assert_eq!(
            source.offset(LineCol { line: 0, col: 3 }, PositionEncoding::Utf16),
            b
        );
    }

    #[test]
    fn a_column_inside_a_surrogate_pair_rounds_down_to_the_character() {
        let source = SourceText::from("a😀b");
        assert_eq!(
            source.offset(LineCol { line: 0, col: 2 }, PositionEncoding::Utf16),
            1
        );
    }

    #[test]
    fn cjk_is_one_utf16_unit_and_three_utf8_bytes() {
        let source = SourceText::from("x = \"漢字\"\n");
        let end = "x = \"漢字".len() as TextSize;
        assert_eq!(
            source.line_col(end, PositionEncoding::Utf16),
            LineCol { line: 0, col: 7 }
        );
        assert_eq!(
            source.line_col(end, PositionEncoding::Utf8),
            LineCol { line: 0, col: 11 }
        );
    }

    #[test]
    fn crlf_and_lone_cr_break_lines_as_lsp_does() {
        let source = SourceText::from("a\r\nb\rc\nd");
        assert_eq!(source.line_count(), 4);
        assert_eq!(
            source.line_col(3, PositionEncoding::Utf16),
            LineCol { line: 1, col: 0 }
        );
        assert_eq!(
            source.line_col(5, PositionEncoding::Utf16),
            LineCol { line: 2, col: 0 }
        );
        // Past the end of line 0 clamps before its CRLF, not between CR and LF.
        assert_eq!(
            source.offset(LineCol { line: 0, col: 99 }, PositionEncoding::Utf16),
            1
        );
    }

    #[test]
    fn unicode_line_separators_are_not_line_breaks() {
        // LSP only breaks at CR, LF and CRLF; ropey's default would also break at U+2028.
        let source = SourceText::from("a\u{2028}b\nc");
        assert_eq!(source.line_count(), 2);
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let source = SourceText::from("ab\ncd");
        assert_eq!(
            source.offset(LineCol { line: 9, col: 0 }, PositionEncoding::Utf16),
            5
        );
        assert_eq!(
            source.offset(LineCol { line: 0, col: 9 }, PositionEncoding::Utf16),
            2
        );
        assert_eq!(
            source.line_col(99, PositionEncoding::Utf16),
            LineCol { line: 1, col: 2 }
        );
    }

    #[test]
    fn every_offset_roundtrips_in_every_encoding() {
        let text = "fn 😀() {}\r\n// 漢字 é\rlet x = '𝄞';\n\nend";
        for encoding in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            roundtrip_all(text, encoding);
        }
    }

    #[test]
    fn the_line_index_agrees_with_the_rope_everywhere() {
        // Long enough to span many rope chunks, with breaks of every kind near chunk edges.
        let long: String = (0..600)
            .map(|i| match i % 4 {
                0 => format!("line {i} ascii\r\n"),
                1 => format!("ligne {i} é漢😀\n"),
                2 => format!("cr only {i}\r"),
                _ => "\n".to_owned(),
            })
            .collect();
        let texts = [
            long.as_str(),
            "fn 😀() {}\r\n// 漢字 é\rlet x = '𝄞';\n\nend",
            "\r\n\r\r\n\n",
            "ascii only\nsecond\n",
            "",
            "trailing cr\r",
        ];
        for text in texts {
            let source = SourceText::from(text);
            let index = LineIndex::new(&source);
            for offset in 0..=text.len() {
                if !text.is_char_boundary(offset) {
                    continue;
                }
                for encoding in [
                    PositionEncoding::Utf8,
                    PositionEncoding::Utf16,
                    PositionEncoding::Utf32,
                ] {
                    assert_eq!(
                        index.line_col(offset as TextSize, encoding),
                        source.line_col(offset as TextSize, encoding),
                        "{encoding:?} at {offset} in {text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn replace_edits_by_byte_range() {
        let mut source = SourceText::from("let 漢 = 1;");
        source.replace(TextRange::new(4, 7), "x");
        assert_eq!(source.to_string(), "let x = 1;");
    }

    #[test]
    fn decode_refuses_binary_and_huge_and_repairs_bad_utf8() {
        assert_eq!(decode(b"ab\0cd").unwrap_err(), Unreadable::Binary);
        let huge = vec![b'a'; MAX_FILE_SIZE + 1];
        assert!(matches!(decode(&huge), Err(Unreadable::TooLarge { .. })));
        let bad = decode(b"fn a() {}\n// \xff\xfe\n").unwrap();
        assert!(bad.lossy);
        assert!(bad.text.contains('\u{FFFD}'));
        let bom = decode(b"\xEF\xBB\xBFdef f(): pass").unwrap();
        assert_eq!(bom.text, "def f(): pass");
        assert!(!bom.lossy);
    }
}
