//! Text kept from a report: capped in size, trimmed the way runners pad it.

use crate::MAX_KEPT_TEXT;

/// Text that stops growing at [`MAX_KEPT_TEXT`] bytes (cut at a character boundary).
#[derive(Default)]
pub(crate) struct CappedText {
    text: String,
    full: bool,
}

impl CappedText {
    pub(crate) fn push(&mut self, s: &str) {
        if self.full {
            return;
        }
        let room = MAX_KEPT_TEXT - self.text.len();
        if s.len() <= room {
            self.text.push_str(s);
        } else {
            let mut cut = room;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            self.text.push_str(&s[..cut]);
            self.full = true;
        }
    }

    pub(crate) fn push_char(&mut self, c: char) {
        let mut utf8 = [0; 4];
        self.push(c.encode_utf8(&mut utf8));
    }

    /// Starts a new paragraph: a newline unless the text is empty or already ends with one.
    pub(crate) fn separate(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.push("\n");
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// The text without the blank lines and indentation runners put around it, or `None` if
    /// nothing is left.
    pub(crate) fn finish(self) -> Option<String> {
        trimmed(self.text)
    }
}

/// Drops leading blank lines and trailing whitespace, but keeps the indentation of the first
/// line (Go output and stack traces use it), without reallocating when possible.
pub(crate) fn trimmed(mut text: String) -> Option<String> {
    let end = text.trim_end().len();
    text.truncate(end);
    let first = text.len() - text.trim_start().len();
    let start = text[..first].rfind('\n').map_or(0, |nl| nl + 1);
    if start > 0 {
        text.drain(..start);
    }
    (!text.is_empty()).then_some(text)
}

/// The first line with something on it, trimmed.
pub(crate) fn first_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|l| !l.is_empty())
}
