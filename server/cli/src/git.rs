//! What git says of the workspace, for a run's metadata. Flags and CI variables override it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// The top of the git repository holding `dir`, if any.
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    git(dir, &["rev-parse", "--show-toplevel"]).map(PathBuf::from)
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GitState {
    pub commit: Option<String>,
    pub branch: Option<String>,
    pub dirty: Option<bool>,
}

/// The commit, branch and dirtiness of the checkout at `root`. CI systems check out detached
/// heads: their variables name the branch.
pub fn state(root: &Path) -> GitState {
    let commit = std::env::var("GITHUB_SHA")
        .ok()
        .or_else(|| std::env::var("CI_COMMIT_SHA").ok())
        .or_else(|| git(root, &["rev-parse", "HEAD"]));
    let branch = std::env::var("GITHUB_HEAD_REF")
        .ok()
        .filter(|b| !b.is_empty())
        .or_else(|| std::env::var("GITHUB_REF_NAME").ok())
        .or_else(|| std::env::var("CI_COMMIT_REF_NAME").ok())
        .or_else(|| git(root, &["rev-parse", "--abbrev-ref", "HEAD"]).filter(|b| b != "HEAD"));
    let dirty = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| !o.stdout.is_empty());
    GitState {
        commit,
        branch,
        dirty,
    }
}
