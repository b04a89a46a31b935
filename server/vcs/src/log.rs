//! Reading `git log -p -U0`: which lines each commit changed in each file.

use std::ops::Range;

use crate::CommitInfo;
use crate::git;

/// The arguments that make `git log` print what [`LogParser`] reads: each commit as a line
/// starting with NUL (`\0<sha> <committer time> <subject>`), then its patch with no context
/// lines, renames detected (`-M`, git's default 50% similarity) and merges left out.
///
/// Merge commits are skipped (`--no-merges`): the changes they bring in are the side branch's
/// commits, which are listed on their own, in topological order (children before parents).
/// On a linear history the line mapping is exact; across branches, a side commit's lines are in
/// the coordinates of its own parent, so they can be off by what the other branch inserted
/// above them until the two meet again.
pub(crate) const LOG_ARGS: &[&str] = &[
    "log",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--topo-order",
    "--no-merges",
    "-M",
    "--root",
    "-p",
    "-U0",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--format=%x00%H %ct %s",
];

/// One commit and what it changed.
#[derive(Debug)]
pub(crate) struct CommitDiff {
    pub(crate) info: CommitInfo,
    pub(crate) files: Vec<FileDiff>,
}

/// What one commit changed in one file.
#[derive(Debug, Default)]
pub(crate) struct FileDiff {
    /// The path before the commit; None when the commit added the file.
    pub(crate) old_path: Option<String>,
    /// The path after the commit; None when the commit deleted the file.
    pub(crate) new_path: Option<String>,
    /// Git showed no lines (a binary file).
    pub(crate) binary: bool,
    /// The changed regions, in order: `old` lines (0-based, in the parent's text) replaced by
    /// `new` lines (in the commit's text). One side may be empty.
    pub(crate) changes: Vec<Change>,
}

/// A run of old lines replaced by a run of new lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    pub(crate) old: Range<u32>,
    pub(crate) new: Range<u32>,
}

/// A path as a `---`/`+++` line gives it.
#[derive(Debug, Default)]
enum Side {
    #[default]
    Absent,
    DevNull,
    Path(String),
}

#[derive(Debug, Default)]
struct FileHeader {
    git_line: Option<(String, String)>,
    minus: Side,
    plus: Side,
    rename_from: Option<String>,
    rename_to: Option<String>,
    new_file: bool,
    deleted_file: bool,
    binary: bool,
    changes: Vec<Change>,
}

#[derive(Debug)]
struct Hunk {
    old_left: u32,
    new_left: u32,
    old_at: u32,
    new_at: u32,
    pending: Option<Change>,
}

/// Turns the lines of `git log` with [`LOG_ARGS`] into one [`CommitDiff`] per commit.
#[derive(Debug, Default)]
pub(crate) struct LogParser {
    commit: Option<CommitDiff>,
    file: Option<FileHeader>,
    hunk: Option<Hunk>,
}

impl LogParser {
    /// Reads one line (with or without its `\n`); hands each complete commit to `out`.
    pub(crate) fn line(&mut self, line: &[u8], out: &mut impl FnMut(CommitDiff)) {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        if let Some(hunk) = &mut self.hunk {
            // Inside a hunk the line counts say what is content: a removed line reading
            // "-- a/x" must not be taken for a header.
            let consumed = match line.first() {
                Some(b'-') if hunk.old_left > 0 => {
                    hunk.pending_change().old.end += 1;
                    hunk.old_at += 1;
                    hunk.old_left -= 1;
                    true
                }
                Some(b'+') if hunk.new_left > 0 => {
                    hunk.pending_change().new.end += 1;
                    hunk.new_at += 1;
                    hunk.new_left -= 1;
                    true
                }
                Some(b' ') if hunk.old_left > 0 && hunk.new_left > 0 => {
                    hunk.flush(&mut self.file);
                    hunk.old_at += 1;
                    hunk.new_at += 1;
                    hunk.old_left -= 1;
                    hunk.new_left -= 1;
                    true
                }
                Some(b'\\') => true,
                _ => false,
            };
            if !consumed || (hunk.old_left == 0 && hunk.new_left == 0) {
                hunk.flush(&mut self.file);
                self.hunk = None;
            }
            if consumed {
                return;
            }
        }
        if let Some(rest) = line.strip_prefix(b"\0") {
            self.finish_commit(out);
            self.commit = parse_commit_line(rest).map(|info| CommitDiff {
                info,
                files: Vec::new(),
            });
            return;
        }
        if let Some(rest) = line.strip_prefix(b"diff --git ") {
            self.finish_file();
            self.file = Some(FileHeader {
                git_line: parse_git_line(rest),
                ..FileHeader::default()
            });
            return;
        }
        let Some(file) = &mut self.file else {
            return;
        };
        if let Some(rest) = line.strip_prefix(b"@@ ") {
            self.hunk = parse_hunk_header(rest);
            if self.hunk.is_none() {
                tracing::debug!(line = %String::from_utf8_lossy(line), "unreadable hunk header");
            }
        } else if let Some(rest) = line.strip_prefix(b"--- ") {
            file.minus = parse_side(rest, b"a/");
        } else if let Some(rest) = line.strip_prefix(b"+++ ") {
            file.plus = parse_side(rest, b"b/");
        } else if let Some(rest) = line.strip_prefix(b"rename from ") {
            file.rename_from = decode_path(rest);
        } else if let Some(rest) = line.strip_prefix(b"rename to ") {
            file.rename_to = decode_path(rest);
        } else if line.starts_with(b"new file mode") {
            file.new_file = true;
        } else if line.starts_with(b"deleted file mode") {
            file.deleted_file = true;
        } else if line.starts_with(b"Binary files ") || line.starts_with(b"GIT binary patch") {
            file.binary = true;
        }
    }

    /// Hands the last commit to `out`.
    pub(crate) fn finish(&mut self, out: &mut impl FnMut(CommitDiff)) {
        if let Some(mut hunk) = self.hunk.take() {
            hunk.flush(&mut self.file);
        }
        self.finish_commit(out);
    }

    fn finish_commit(&mut self, out: &mut impl FnMut(CommitDiff)) {
        self.finish_file();
        if let Some(commit) = self.commit.take() {
            out(commit);
        }
    }

    fn finish_file(&mut self) {
        self.hunk = None;
        let Some(header) = self.file.take() else {
            return;
        };
        let Some(commit) = &mut self.commit else {
            return;
        };
        let (git_old, git_new) = match header.git_line {
            Some((old, new)) => (Some(old), Some(new)),
            None => (None, None),
        };
        let old_path = match header.minus {
            Side::DevNull => None,
            Side::Path(path) => Some(path),
            Side::Absent if header.new_file => None,
            Side::Absent => header.rename_from.or(git_old),
        };
        let new_path = match header.plus {
            Side::DevNull => None,
            Side::Path(path) => Some(path),
            Side::Absent if header.deleted_file => None,
            Side::Absent => header.rename_to.or(git_new),
        };
        if old_path.is_none() && new_path.is_none() {
            tracing::debug!(sha = commit.info.sha, "a file diff without a readable path");
            return;
        }
        commit.files.push(FileDiff {
            old_path,
            new_path,
            binary: header.binary,
            changes: header.changes,
        });
    }
}

impl Hunk {
    fn pending_change(&mut self) -> &mut Change {
        let (old_at, new_at) = (self.old_at, self.new_at);
        self.pending.get_or_insert(Change {
            old: old_at..old_at,
            new: new_at..new_at,
        })
    }

    fn flush(&mut self, file: &mut Option<FileHeader>) {
        if let (Some(change), Some(file)) = (self.pending.take(), file) {
            file.changes.push(change);
        }
    }
}

/// `<sha> <time> <subject>`.
fn parse_commit_line(rest: &[u8]) -> Option<CommitInfo> {
    let text = String::from_utf8_lossy(rest);
    let mut fields = text.splitn(3, ' ');
    let sha = fields.next()?.to_owned();
    let time = fields.next()?.parse().ok()?;
    let subject = fields.next().unwrap_or_default().to_owned();
    git::is_full_sha(&sha).then_some(CommitInfo { sha, time, subject })
}

/// `-a[,b] +c[,d] @@ …`, lines 1-based; a count of 0 means "after line a".
fn parse_hunk_header(rest: &[u8]) -> Option<Hunk> {
    // The section heading after the second `@@` may be anything, even invalid UTF-8.
    let mut fields = rest.split(|b| *b == b' ');
    let mut field = |sign: u8| {
        let field = fields.next()?.strip_prefix(&[sign])?;
        parse_range(std::str::from_utf8(field).ok()?)
    };
    let (old_start, old_count) = field(b'-')?;
    let (new_start, new_count) = field(b'+')?;
    let start = |line: u32, count: u32| {
        if count == 0 {
            line
        } else {
            line.saturating_sub(1)
        }
    };
    Some(Hunk {
        old_left: old_count,
        new_left: new_count,
        old_at: start(old_start, old_count),
        new_at: start(new_start, new_count),
        pending: None,
    })
}

fn parse_range(text: &str) -> Option<(u32, u32)> {
    match text.split_once(',') {
        Some((start, count)) => Some((start.parse().ok()?, count.parse().ok()?)),
        None => Some((text.parse().ok()?, 1)),
    }
}

/// A `---`/`+++` path: `/dev/null`, or a prefixed path, quoted when it holds unusual bytes and
/// followed by a tab when it holds a space.
fn parse_side(rest: &[u8], prefix: &[u8]) -> Side {
    let rest = rest.strip_suffix(b"\t").unwrap_or(rest);
    if rest == b"/dev/null" {
        return Side::DevNull;
    }
    match git::unquote(rest).and_then(|raw| path_string(raw.strip_prefix(prefix)?)) {
        Some(path) => Side::Path(path),
        None => Side::Absent,
    }
}

fn decode_path(raw: &[u8]) -> Option<String> {
    path_string(&git::unquote(raw)?)
}

fn path_string(raw: &[u8]) -> Option<String> {
    match std::str::from_utf8(raw) {
        Ok(path) => Some(path.to_owned()),
        Err(_) => {
            tracing::debug!(path = %String::from_utf8_lossy(raw), "path is not UTF-8");
            None
        }
    }
}

/// The two paths of `diff --git a/<old> b/<new>`, read only when no other header names them
/// (binary files, empty files, mode changes). Unquoted paths with spaces are ambiguous there;
/// they are read as two equal halves, which is what they are unless the file was renamed, and
/// a rename has its own header lines.
fn parse_git_line(rest: &[u8]) -> Option<(String, String)> {
    let (old, new) = if rest.starts_with(b"\"") {
        let end = quoted_end(rest)?;
        (&rest[..end], rest.get(end + 1..)?)
    } else if let Some(at) = find(rest, b" \"b/") {
        (&rest[..at], &rest[at + 1..])
    } else {
        if rest.len().is_multiple_of(2) {
            return None;
        }
        let half = rest.len() / 2;
        if rest[half] != b' ' {
            return None;
        }
        (&rest[..half], &rest[half + 1..])
    };
    let old = git::unquote(old)?;
    let new = git::unquote(new)?;
    Some((
        path_string(old.strip_prefix(b"a/")?)?,
        path_string(new.strip_prefix(b"b/")?)?,
    ))
}

/// The index just past the closing quote of the quoted string `text` starts with.
fn quoted_end(text: &[u8]) -> Option<usize> {
    let mut i = 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<CommitDiff> {
        let mut commits = Vec::new();
        let mut parser = LogParser::default();
        for line in text.split_inclusive('\n') {
            parser.line(line.as_bytes(), &mut |c| commits.push(c));
        }
        parser.finish(&mut |c| commits.push(c));
        commits
    }

    const SHA: &str = "0123456789012345678901234567890123456789";

    #[test]
    fn reads_changes_renames_and_content_that_looks_like_headers() {
        let log = format!(
            "\0{SHA} 100 subject with spaces\n\n\
             diff --git a/my file.txt b/other file.txt\n\
             similarity index 66%\n\
             rename from my file.txt\n\
             rename to other file.txt\n\
             --- a/my file.txt\t\n\
             +++ b/other file.txt\t\n\
             @@ -3,2 +3 @@ fn x\n\
             --- a/x\n\
             -+++ b/y\n\
             +@@ -1 +1 @@\n\
             @@ -10,0 +9,2 @@\n\
             +a\n\
             +b\n\
             \\ No newline at end of file\n\
             diff --git \"a/t\\tb\" \"b/t\\tb\"\n\
             deleted file mode 100644\n\
             --- \"a/t\\tb\"\n\
             +++ /dev/null\n\
             @@ -1 +0,0 @@\n\
             -gone\n\
             diff --git a/empty b/empty\n\
             new file mode 100644\n\
             index 0000000..e69de29\n\
             diff --git a/bin b/bin\n\
             Binary files a/bin and b/bin differ\n"
        );
        let commits = parse(&log);
        assert_eq!(commits.len(), 1);
        let c = &commits[0];
        assert_eq!(c.info.time, 100);
        assert_eq!(c.info.subject, "subject with spaces");
        let f = &c.files[0];
        assert_eq!(f.old_path.as_deref(), Some("my file.txt"));
        assert_eq!(f.new_path.as_deref(), Some("other file.txt"));
        assert_eq!(
            f.changes,
            vec![
                Change {
                    old: 2..4,
                    new: 2..3
                },
                Change {
                    old: 10..10,
                    new: 8..10
                },
            ]
        );
        let f = &c.files[1];
        assert_eq!(f.old_path.as_deref(), Some("t\tb"));
        assert_eq!(f.new_path, None);
        assert_eq!(
            f.changes,
            vec![Change {
                old: 0..1,
                new: 0..0
            }]
        );
        let f = &c.files[2];
        assert_eq!(
            (f.old_path.as_deref(), f.new_path.as_deref()),
            (None, Some("empty"))
        );
        let f = &c.files[3];
        assert!(f.binary);
        assert_eq!(f.new_path.as_deref(), Some("bin"));
    }

    #[test]
    fn context_lines_split_changes() {
        let log = format!(
            "\0{SHA} 1 s\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n-a\n+A\n b\n c\n-d\n+D\n"
        );
        let commits = parse(&log);
        assert_eq!(
            commits[0].files[0].changes,
            vec![
                Change {
                    old: 0..1,
                    new: 0..1
                },
                Change {
                    old: 3..4,
                    new: 3..4
                },
            ]
        );
    }

    #[test]
    fn git_line_halves() {
        assert_eq!(
            parse_git_line(b"a/x y b/x y"),
            Some(("x y".to_owned(), "x y".to_owned()))
        );
        assert_eq!(
            parse_git_line(br#""a/\303\251" "b/\303\251""#),
            Some(("é".to_owned(), "é".to_owned()))
        );
        assert_eq!(
            parse_git_line(br#"a/x "b/\t""#),
            Some(("x".to_owned(), "\t".to_owned()))
        );
    }
}
