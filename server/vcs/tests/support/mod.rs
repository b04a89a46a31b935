//! Real git repositories in a temporary directory, built with the `git` CLI under a fixed
//! identity and explicit dates, whatever the user's git configuration says.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use vcs::{Churn, Repo};

pub const DAY: i64 = 24 * 60 * 60;

pub struct TestRepo {
    dir: tempfile::TempDir,
}

impl TestRepo {
    /// An empty repository on branch `main`.
    pub fn new() -> TestRepo {
        let dir = tempfile::tempdir().expect("temporary directory");
        let repo = TestRepo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn repo(&self) -> Repo {
        Repo::discover(self.path()).expect("a repository")
    }

    pub fn write(&self, path: &str, text: impl AsRef<[u8]>) {
        let path = self.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Runs git in the repository; panics when it fails. Returns stdout, trimmed.
    pub fn git(&self, args: &[&str]) -> String {
        self.git_dated(args, now())
    }

    fn git_dated(&self, args: &[&str], time: i64) -> String {
        let date = format!("@{time} +0000");
        let output = Command::new("git")
            .arg("-C")
            .arg(self.path())
            .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ada")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_NAME", "Ada")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// Commits everything in the work tree, dated `days_ago` days before now; returns its sha.
    pub fn commit(&self, subject: &str, days_ago: i64) -> String {
        let time = now() - days_ago * DAY;
        self.git_dated(&["add", "-A"], time);
        self.git_dated(&["commit", "-q", "--allow-empty", "-m", subject], time);
        self.git(&["rev-parse", "HEAD"])
    }
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

/// `lines` lines numbered from `from`: "l<from>\n" …
pub fn numbered(from: usize, lines: usize) -> String {
    (from..from + lines).map(|i| format!("l{i}\n")).collect()
}

/// For every path either knows and every line of its work-tree text (and one past it), the
/// shas of the commits touching that line, newest first.
pub fn every_line(
    churn: &Churn,
    other: &Churn,
    root: &Path,
) -> BTreeMap<(String, u32), Vec<String>> {
    let mut paths: Vec<&str> = churn.paths().chain(other.paths()).collect();
    paths.sort_unstable();
    paths.dedup();
    let mut lines = BTreeMap::new();
    for path in paths {
        let text = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        let count = u32::try_from(text.lines().count()).unwrap();
        for line in 0..=count {
            let shas = churn
                .commits_touching_list(path, line..line + 1)
                .into_iter()
                .map(|c| c.sha.clone())
                .collect();
            lines.insert((path.to_owned(), line), shas);
        }
    }
    lines
}

/// Asserts that two churns say the same of every line.
pub fn assert_same_churn(updated: &Churn, fresh: &Churn, root: &Path) {
    assert_eq!(updated.head(), fresh.head());
    assert_eq!(
        every_line(updated, fresh, root),
        every_line(fresh, updated, root)
    );
}
