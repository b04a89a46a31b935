//! Where in the input a parser is: a `BufRead` wrapper that counts lines in what the XML parser
//! consumes and checks that it is UTF-8, and a line reader for the line-based formats.
//!
//! Positions are 1-based lines and 1-based byte columns, counted after a UTF-8 byte order mark
//! (which [`skip_bom`] drops before any parser starts).

use std::io::{self, BufRead, Read};

use crate::ParseError;

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub(crate) fn skip_bom(input: &mut impl BufRead) -> io::Result<()> {
    // The BOM may in theory arrive split over reads; `fill_buf` of every std reader returns at
    // least 3 bytes of a larger input, so checking the first buffer is enough in practice.
    let buf = loop {
        match input.fill_buf() {
            Ok(buf) => break buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    };
    if buf.starts_with(BOM) {
        input.consume(BOM.len());
    }
    Ok(())
}

/// A 1-based line and byte column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: u64,
    pub column: u64,
}

impl Pos {
    pub(crate) fn error(self, message: impl Into<String>) -> ParseError {
        ParseError::malformed(self.line, self.column, message)
    }
}

#[derive(Clone, Copy)]
struct Mark {
    offset: u64,
    line: u64,
    line_start: u64,
}

/// Wraps the input of the XML parser. Every byte the parser consumes goes through
/// [`BufRead::consume`] here, which counts newlines (so that a byte offset becomes a line and a
/// column without keeping the input) and checks UTF-8 (so that a bad byte is reported where it
/// is, not where the parser noticed it).
pub(crate) struct Tracked<R> {
    inner: R,
    counter: Counter,
}

/// The counting half of [`Tracked`]. Newline offsets are kept only since the last
/// [`Tracked::mark`], which the XML layer sets before each event: an error inside the event can
/// then be placed exactly.
struct Counter {
    consumed: u64,
    line: u64,
    line_start: u64,
    mark: Mark,
    newlines_since_mark: Vec<u64>,
    /// The first byte that is not UTF-8, once seen.
    bad_utf8: Option<Pos>,
    /// The bytes of a character split between two reads.
    pending: [u8; 4],
    pending_len: usize,
    pending_pos: Pos,
}

impl<R: BufRead> Tracked<R> {
    pub(crate) fn new(inner: R) -> Self {
        Tracked {
            inner,
            counter: Counter {
                consumed: 0,
                line: 1,
                line_start: 0,
                mark: Mark {
                    offset: 0,
                    line: 1,
                    line_start: 0,
                },
                newlines_since_mark: Vec::new(),
                bad_utf8: None,
                pending: [0; 4],
                pending_len: 0,
                pending_pos: Pos { line: 1, column: 1 },
            },
        }
    }

    /// Bytes consumed so far.
    pub(crate) fn offset(&self) -> u64 {
        self.counter.consumed
    }

    pub(crate) fn mark(&mut self) {
        let c = &mut self.counter;
        c.mark = Mark {
            offset: c.consumed,
            line: c.line,
            line_start: c.line_start,
        };
        c.newlines_since_mark.clear();
        // One event with a great many lines (a huge captured output) is not a reason to keep
        // the room for them.
        if c.newlines_since_mark.capacity() > 1 << 16 {
            c.newlines_since_mark.shrink_to(1 << 10);
        }
    }

    /// The position of the last mark (the start of the event being read).
    pub(crate) fn mark_pos(&self) -> Pos {
        self.pos_of(self.counter.mark.offset)
    }

    /// The position after everything consumed.
    pub(crate) fn end_pos(&self) -> Pos {
        let c = &self.counter;
        Pos {
            line: c.line,
            column: c.consumed - c.line_start + 1,
        }
    }

    /// The position of a byte offset at or after the last mark; an earlier one is placed at the
    /// mark.
    pub(crate) fn pos_of(&self, offset: u64) -> Pos {
        let c = &self.counter;
        let offset = offset.max(c.mark.offset);
        let k = c.newlines_since_mark.partition_point(|&n| n < offset);
        let line_start = if k > 0 {
            c.newlines_since_mark[k - 1] + 1
        } else {
            c.mark.line_start
        };
        Pos {
            line: c.mark.line + k as u64,
            column: offset - line_start + 1,
        }
    }

    /// Where the input stopped being UTF-8: a bad byte, or a character cut off by the end of
    /// what was read.
    pub(crate) fn utf8_error(&self) -> Option<Pos> {
        let c = &self.counter;
        c.bad_utf8.or((c.pending_len > 0).then_some(c.pending_pos))
    }

    /// Like [`Tracked::utf8_error`], but only bad bytes: a character split over two reads is
    /// not yet an error.
    pub(crate) fn bad_utf8(&self) -> Option<Pos> {
        self.counter.bad_utf8
    }
}

impl Counter {
    fn feed(&mut self, chunk: &[u8]) {
        if self.bad_utf8.is_none() {
            self.check_utf8(chunk);
        }
        let base = self.consumed;
        let before = self.newlines_since_mark.len();
        self.newlines_since_mark
            .extend(memchr::memchr_iter(b'\n', chunk).map(|nl| base + nl as u64));
        if let Some(&last) = self.newlines_since_mark.last()
            && self.newlines_since_mark.len() > before
        {
            self.line = self.mark.line + self.newlines_since_mark.len() as u64;
            self.line_start = last + 1;
        }
        self.consumed += chunk.len() as u64;
    }

    fn position_in(&self, chunk: &[u8], index: usize) -> Pos {
        let before = &chunk[..index];
        match memchr::memrchr(b'\n', before) {
            Some(nl) => Pos {
                line: self.line + memchr::memchr_iter(b'\n', before).count() as u64,
                column: (index - nl) as u64,
            },
            None => Pos {
                line: self.line,
                column: self.consumed + index as u64 - self.line_start + 1,
            },
        }
    }

    fn check_utf8(&mut self, chunk: &[u8]) {
        let mut rest = chunk;
        let mut index = 0;
        if self.pending_len > 0 {
            let width = utf8_width(self.pending[0]);
            let take = (width - self.pending_len).min(rest.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&rest[..take]);
            self.pending_len += take;
            if self.pending_len < width {
                return;
            }
            let ok = std::str::from_utf8(&self.pending[..width]).is_ok();
            self.pending_len = 0;
            if !ok {
                self.bad_utf8 = Some(self.pending_pos);
                return;
            }
            rest = &rest[take..];
            index = take;
        }
        if let Err(e) = std::str::from_utf8(rest) {
            let at = index + e.valid_up_to();
            let pos = self.position_in(chunk, at);
            match e.error_len() {
                Some(_) => self.bad_utf8 = Some(pos),
                None => {
                    let tail = &chunk[at..];
                    self.pending[..tail.len()].copy_from_slice(tail);
                    self.pending_len = tail.len();
                    self.pending_pos = pos;
                }
            }
        }
    }
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

impl<R: BufRead> Read for Tracked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tracked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if amt == 0 {
            return;
        }
        // `fill_buf` on a reader whose buffer is not empty returns that buffer again without
        // reading (the `BufRead` contract), so these are the bytes being consumed.
        match self.inner.fill_buf() {
            Ok(buf) if buf.len() >= amt => self.counter.feed(&buf[..amt]),
            _ => self.counter.consumed += amt as u64,
        }
        self.inner.consume(amt);
    }
}

/// Reads a line-based report line by line into one reused buffer, counting lines.
pub(crate) struct Lines<R> {
    input: R,
    buf: Vec<u8>,
    line_no: u64,
    /// Where the input ends, as of the last line read.
    end: Pos,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(input: R) -> Self {
        Lines {
            input,
            buf: Vec::with_capacity(256),
            line_no: 0,
            end: Pos { line: 1, column: 1 },
        }
    }

    /// The next line without its `\n` or `\r\n`, with its 1-based number, or `None` at the
    /// end of the input.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<(u64, &[u8])>> {
        self.buf.clear();
        if self.buf.capacity() > 1 << 20 {
            self.buf.shrink_to(1 << 10);
        }
        if self.input.read_until(b'\n', &mut self.buf)? == 0 {
            return Ok(None);
        }
        self.line_no += 1;
        self.end = if self.buf.ends_with(b"\n") {
            Pos {
                line: self.line_no + 1,
                column: 1,
            }
        } else {
            Pos {
                line: self.line_no,
                column: self.buf.len() as u64 + 1,
            }
        };
        let mut line = &self.buf[..];
        if let [rest @ .., b'\n'] = line {
            line = rest;
        }
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        Ok(Some((self.line_no, line)))
    }

    /// The position just after the end of the input (after the last line read).
    pub(crate) fn end(&self) -> Pos {
        self.end
    }
}

/// The line as text, or an error at its first byte that is not UTF-8.
pub(crate) fn utf8_line(line: &[u8], line_no: u64) -> Result<&str, ParseError> {
    std::str::from_utf8(line).map_err(|e| {
        Pos {
            line: line_no,
            column: e.valid_up_to() as u64 + 1,
        }
        .error("invalid UTF-8")
    })
}
