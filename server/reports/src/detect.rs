//! Telling a report's format from its first bytes.

use std::fmt;

use crate::Format;

/// Why [`detect`] could not name a format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetectError {
    Empty,
    Binary,
    NotUtf8,
    Unknown,
}

impl fmt::Display for DetectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DetectError::Empty => f.write_str("the report is empty"),
            DetectError::Binary => f.write_str("the report is a binary file, not text"),
            DetectError::NotUtf8 => f.write_str("the report is not UTF-8 text"),
            DetectError::Unknown => {
                f.write_str("not a report format testlens reads (supported: ")?;
                for (i, format) in Format::ALL.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(format.name())?;
                }
                f.write_str(")")
            }
        }
    }
}

impl std::error::Error for DetectError {}

/// Detects the format from a file's first bytes (callers pass up to 64 KiB).
pub fn detect(head: &[u8]) -> Result<Format, DetectError> {
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        // UTF-16 (or UTF-32 little-endian, which starts the same way).
        return Err(DetectError::NotUtf8);
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(DetectError::Empty);
    }
    if head.contains(&0) {
        return Err(DetectError::Binary);
    }
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // The head may cut a character in two at its end.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).map_err(|_| DetectError::NotUtf8)?
        }
        Err(_) => return Err(DetectError::NotUtf8),
    };
    let text = text.trim_start();
    if text.starts_with('<') {
        return match xml_root(text) {
            Some("testsuites" | "testsuite") => Ok(Format::JUnit),
            Some("coverage") => Ok(Format::Cobertura),
            _ => Err(DetectError::Unknown),
        };
    }
    let first_line = text.lines().next().unwrap_or("").trim();
    if text.starts_with('{') {
        if first_line.contains("\"Action\"") {
            return Ok(Format::GoTestJson);
        }
        if text.contains("\"meta\"")
            && ["\"files\"", "\"show_contexts\"", "\"branch_coverage\""]
                .iter()
                .any(|key| text.contains(key))
        {
            return Ok(Format::CoveragePyJson);
        }
        return Err(DetectError::Unknown);
    }
    if first_line.starts_with("mode:") {
        return Ok(Format::GoCoverprofile);
    }
    if ["TN:", "SF:", "VER:"]
        .iter()
        .any(|k| first_line.starts_with(k))
    {
        return Ok(Format::Lcov);
    }
    Err(DetectError::Unknown)
}

/// The local name of the root element, skipping the declaration, comments, processing
/// instructions and the doctype.
fn xml_root(mut text: &str) -> Option<&str> {
    loop {
        text = text.trim_start();
        let rest = text.strip_prefix('<')?;
        if let Some(pi) = rest.strip_prefix('?') {
            text = &pi[pi.find("?>")? + 2..];
        } else if let Some(comment) = rest.strip_prefix("!--") {
            text = &comment[comment.find("-->")? + 3..];
        } else if let Some(decl) = rest.strip_prefix('!') {
            text = &decl[decl.find('>')? + 1..];
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(rest.len());
            let name = &rest[..end];
            return Some(name.rsplit(':').next().unwrap_or(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_behind_prologs() {
        assert_eq!(
            xml_root(
                "<?xml version=\"1.0\" ?>\n<!DOCTYPE coverage SYSTEM \"x.dtd\">\n<coverage a=\"1\">"
            ),
            Some("coverage")
        );
        assert_eq!(xml_root("<!-- hi --><ns:testsuites>"), Some("testsuites"));
        assert_eq!(xml_root("<?xml version=\"1.0\""), None);
    }

    #[test]
    fn errors_name_the_formats() {
        let message = DetectError::Unknown.to_string();
        for format in Format::ALL {
            assert!(message.contains(format.name()), "{message}");
        }
    }
}
