//! A git work tree, and what its history says of one commit or one file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::git;

/// How many `(commit, path)` texts a [`Repo`] keeps.
const SHOW_CACHE_CAPACITY: usize = 256;

/// A git work tree.
#[derive(Debug)]
pub struct Repo {
    root: PathBuf,
    shown: Mutex<ShowCache>,
}

/// A commit, as told in messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The full sha.
    pub sha: String,
    /// The committer time, in seconds since the Unix epoch (the time the churn window is
    /// measured against).
    pub time: i64,
    /// The first line of the message.
    pub subject: String,
}

impl Repo {
    /// The repository holding `dir` (`git rev-parse --show-toplevel`), if any. None for a
    /// directory outside any work tree, inside `.git`, in a bare repository, or when `git`
    /// cannot run.
    pub fn discover(dir: &Path) -> Option<Repo> {
        let mut cmd = git::command(dir);
        cmd.args(["rev-parse", "--show-toplevel"]);
        let mut out = git::run(cmd)?;
        while out.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            out.pop();
        }
        if out.is_empty() {
            return None;
        }
        Some(Repo {
            root: path_from_bytes(out)?,
            shown: Mutex::default(),
        })
    }

    /// The top directory of the work tree.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The full sha of HEAD; None in a repository with no commits yet.
    pub fn head(&self) -> Option<String> {
        self.resolve("HEAD")
    }

    /// The full sha of a revision (an abbreviated sha as recorded in a test run, a branch);
    /// None if unknown here (or ambiguous, or not a commit).
    pub fn resolve(&self, rev: &str) -> Option<String> {
        if !git::is_plain_rev(rev) {
            tracing::debug!(rev, "not a revision");
            return None;
        }
        let mut cmd = git::command(&self.root);
        cmd.args(["rev-parse", "--verify", "--quiet"])
            .arg(format!("{rev}^{{commit}}"));
        let out = git::run(cmd)?;
        let sha = String::from_utf8(out).ok()?.trim().to_owned();
        git::is_full_sha(&sha).then_some(sha)
    }

    /// The text of `path` (relative to the root, `/`-separated) at `commit`; None when the file
    /// did not exist there, the commit is unknown, or the blob is binary or not UTF-8 (with a
    /// debug line; a lossy text would not be the file's). Answers are kept per (commit, path),
    /// the most recent 256 of them; a missing file is remembered only once the commit is known
    /// to exist, since a later fetch may bring an unknown one.
    pub fn show(&self, commit: &str, path: &str) -> Option<Arc<str>> {
        // A full sha always names the same commit; anything else is resolved first so that
        // the cache never serves a branch's old text.
        let sha = if git::is_full_sha(commit) {
            commit.to_ascii_lowercase()
        } else {
            self.resolve(commit)?
        };
        let key = (sha, path.to_owned());
        if let Some(text) = self.lock_cache().get(&key) {
            return text;
        }
        let mut cmd = git::command(&self.root);
        cmd.args(["cat-file", "blob"])
            .arg(format!("{}:{}", key.0, path));
        let text = match git::run(cmd) {
            Some(bytes) => git::decode_text(bytes, path).map(Arc::<str>::from),
            None => {
                let mut cmd = git::command(&self.root);
                cmd.args(["cat-file", "-e"])
                    .arg(format!("{}^{{commit}}", key.0));
                if git::run_status(cmd) != Some(true) {
                    tracing::debug!(commit, "unknown commit");
                    return None;
                }
                tracing::debug!(commit, path, "no such file at this commit");
                None
            }
        };
        self.lock_cache().insert(key, text.clone());
        text
    }

    /// The files (relative to the root, `/`-separated) whose work-tree text differs from
    /// `commit`'s, new untracked files included (ignored ones not): where to look for what
    /// became of a function since. Empty when git fails.
    pub fn changed_paths(&self, commit: &str) -> Vec<String> {
        if !git::is_plain_rev(commit) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut diff = git::command(&self.root);
        diff.args(["diff", "--name-only", "--no-renames", "-z", commit, "--"]);
        let mut others = git::command(&self.root);
        others.args(["ls-files", "-z", "--others", "--exclude-standard"]);
        for cmd in [diff, others] {
            if let Some(bytes) = git::run(cmd) {
                out.extend(
                    bytes
                        .split(|&b| b == 0)
                        .filter(|p| !p.is_empty())
                        .filter_map(|p| std::str::from_utf8(p).ok())
                        .map(str::to_owned),
                );
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The short subject and the commit time (unix seconds) of a commit, for messages.
    pub fn commit_info(&self, commit: &str) -> Option<CommitInfo> {
        if !git::is_plain_rev(commit) {
            tracing::debug!(commit, "not a revision");
            return None;
        }
        let mut cmd = git::command(&self.root);
        cmd.args(["log", "-1", "--no-walk", "--format=%H%x00%ct%x00%s"])
            .arg(format!("{commit}^{{commit}}"))
            .arg("--");
        let out = git::run(cmd)?;
        let out = String::from_utf8_lossy(&out);
        let mut fields = out.trim_end_matches('\n').splitn(3, '\0');
        let sha = fields.next()?.to_owned();
        let time = fields.next()?.parse().ok()?;
        let subject = fields.next()?.to_owned();
        git::is_full_sha(&sha).then_some(CommitInfo { sha, time, subject })
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors; None when git cannot tell
    /// (an unknown commit).
    pub(crate) fn is_ancestor(&self, ancestor: &str, descendant: &str) -> Option<bool> {
        let mut cmd = git::command(&self.root);
        cmd.args(["merge-base", "--is-ancestor", ancestor, descendant]);
        git::run_status(cmd)
    }

    /// The commits a shallow clone was cut at: git shows them as if they had no parent.
    pub(crate) fn shallow_boundary(&self) -> Vec<String> {
        let mut cmd = git::command(&self.root);
        cmd.args(["rev-parse", "--git-path", "shallow"]);
        let Some(out) = git::run(cmd) else {
            return Vec::new();
        };
        let Some(path) = path_from_bytes(out.trim_ascii_end().to_vec()) else {
            return Vec::new();
        };
        let path = self.root.join(path);
        match std::fs::read_to_string(&path) {
            Ok(text) => text.lines().map(str::to_owned).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The tracked files whose work-tree text differs from HEAD (staged or not).
    pub(crate) fn dirty_paths(&self) -> Option<Vec<String>> {
        let mut cmd = git::command(&self.root);
        cmd.args(["diff", "--no-renames", "--name-only", "-z", "HEAD", "--"]);
        let out = git::run(cmd)?;
        Some(
            out.split(|b| *b == 0)
                .filter(|p| !p.is_empty())
                .filter_map(|p| String::from_utf8(p.to_vec()).ok())
                .collect(),
        )
    }

    /// The work-tree text of `path`, or None when it is missing, binary or not UTF-8.
    pub(crate) fn work_tree_text(&self, path: &str) -> Option<String> {
        match std::fs::read(self.root.join(path)) {
            Ok(bytes) => git::decode_text(bytes, path),
            Err(err) => {
                tracing::debug!(path, %err, "cannot read from the work tree");
                None
            }
        }
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, ShowCache> {
        // The cache holds no invariant a panic could break halfway.
        self.shown
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A full commit sha and a path.
type ShowKey = (String, String);

/// A bounded map from (commit, path) to the text there, evicting the least recently used.
#[derive(Debug, Default)]
struct ShowCache {
    /// The text, and the clock when it was last read.
    entries: HashMap<ShowKey, (Option<Arc<str>>, u64)>,
    clock: u64,
}

impl ShowCache {
    fn get(&mut self, key: &ShowKey) -> Option<Option<Arc<str>>> {
        self.clock += 1;
        let clock = self.clock;
        self.entries.get_mut(key).map(|(text, used)| {
            *used = clock;
            text.clone()
        })
    }

    fn insert(&mut self, key: ShowKey, text: Option<Arc<str>>) {
        if self.entries.len() >= SHOW_CACHE_CAPACITY && !self.entries.contains_key(&key) {
            // A linear scan over 256 entries costs far less than the process that follows a miss.
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        self.clock += 1;
        self.entries.insert(key, (text, self.clock));
    }
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> Option<PathBuf> {
    String::from_utf8(bytes).ok().map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_cache_evicts_the_least_recently_used() {
        let mut cache = ShowCache::default();
        let key = |i: usize| (format!("{i:040}"), "f".to_owned());
        for i in 0..SHOW_CACHE_CAPACITY {
            cache.insert(key(i), None);
        }
        assert!(cache.get(&key(0)).is_some());
        cache.insert(key(SHOW_CACHE_CAPACITY), Some(Arc::from("x")));
        assert_eq!(cache.entries.len(), SHOW_CACHE_CAPACITY);
        assert!(cache.get(&key(0)).is_some(), "recently read, kept");
        assert!(cache.get(&key(1)).is_none(), "least recently used, evicted");
    }
}
