//! Churn: which recent commits touched which lines of each file, in the file's current lines.
//!
//! The classic walk: commits are read newest to oldest, keeping for each file a map from the
//! line numbers of the version being looked at to the line numbers at HEAD. A commit's `-U0`
//! hunks say which of its lines it touched (mapped to HEAD; lines that no longer exist are
//! dropped), and give the map for its parent: the parent's unchanged lines move by the lines
//! inserted and deleted above them; its changed lines map nowhere, since what older commits did
//! to them no longer shows. HEAD lines then map to the work tree through a [`LineMap`], so
//! uncommitted edits count too: a line edited in the work tree has no commits.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::log::{CommitDiff, FileDiff, LOG_ARGS, LogParser};
use crate::{CommitInfo, LineMap, Repo, git, line_map};

const SECONDS_PER_DAY: i64 = 24 * 60 * 60;

/// Which commits of the last days touched which lines of each file, with lines in the
/// coordinates of the work tree when it was computed (or last updated).
///
/// Computed once by [`Repo::churn`] with one `git log --since=@<cutoff> --topo-order
/// --no-merges -M -p -U0` process (renames are followed; merge commits are left out, their
/// changes being counted on the side branch's own commits), one `git diff --name-only HEAD` for
/// the files with uncommitted changes and one `git cat-file --batch` for their HEAD texts; then
/// kept up to date by [`Churn::update`].
///
/// The window is measured on committer times, against the clock when computed or updated.
/// Binary files have no lines and are skipped. In a shallow clone, the commits at the cut are
/// left out: git shows them as adding every file, which they did not.
#[derive(Debug, Clone, Default)]
pub struct Churn {
    head: Option<String>,
    days: u32,
    commits: Vec<CommitInfo>,
    files: HashMap<String, FileChurn>,
}

#[derive(Debug, Clone, Default)]
struct FileChurn {
    /// (line at HEAD, index in `commits`), sorted and without repeats.
    at_head: Vec<Touch>,
    /// The same, in the work-tree text's lines.
    in_work_tree: Vec<Touch>,
    /// A hash of each line of that work-tree text, to map into an editor's text later. Empty
    /// when the file is missing from the work tree.
    work_tree_lines: Vec<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Touch {
    line: u32,
    commit: u32,
}

impl Repo {
    /// Churn: for every file, which commits in the last `days` days touched which of its lines,
    /// with the lines given in the coordinates of the file as it is in the work tree now (so
    /// uncommitted edits are accounted for: HEAD maps to the work-tree text with a
    /// [`LineMap`]). Empty, with no head, in a repository without commits or when git fails.
    pub fn churn(&self, days: u32) -> Churn {
        let empty = Churn {
            days,
            ..Churn::default()
        };
        let Some(head) = self.head() else {
            tracing::debug!(root = %self.root().display(), "no commits, no churn");
            return empty;
        };
        let cutoff = cutoff(days);
        let Some(walk) = Walk::run(self, &head, Some(cutoff), cutoff) else {
            tracing::warn!(root = %self.root().display(), "cannot read the history for churn");
            return empty;
        };
        let mut files: HashMap<String, FileChurn> = HashMap::new();
        for (path, mut touches) in walk.touches {
            touches.sort_unstable();
            touches.dedup();
            files.insert(
                path.to_string(),
                FileChurn {
                    at_head: touches,
                    ..FileChurn::default()
                },
            );
        }
        let mut churn = Churn {
            head: Some(head),
            days,
            commits: walk.commits,
            files,
        };
        // Only files with uncommitted changes need their HEAD text: the others map to the work
        // tree one to one. Without the list, every file is compared.
        let dirty = self
            .dirty_paths()
            .map(|d| d.into_iter().collect::<HashSet<_>>());
        let paths: Vec<String> = churn.files.keys().cloned().collect();
        churn.map_to_work_tree(self, &paths, dirty.as_ref());
        churn
    }
}

impl Churn {
    /// The HEAD it was computed at; None when there was none (no commits, or git failed).
    pub fn head(&self) -> Option<&str> {
        self.head.as_deref()
    }

    /// The paths (relative to the root, `/`-separated) with at least one touched line at HEAD.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// How many distinct commits touched any line in `lines` (0-based, half-open) of `path` as
    /// it is in the work tree.
    pub fn commits_touching(&self, path: &str, lines: Range<u32>) -> u32 {
        len_u32(self.touching(path, lines).len())
    }

    /// The same commits, newest first (by committer time), for a hover.
    pub fn commits_touching_list(&self, path: &str, lines: Range<u32>) -> Vec<&CommitInfo> {
        self.newest_first(self.touching(path, lines))
    }

    /// Like [`Churn::commits_touching`], with line coordinates in the text `current` of `path`
    /// rather than the work tree's: for an open editor buffer. Maps through a [`LineMap`] from
    /// the work-tree text it was computed against to `current`; lines edited since have no
    /// commits. To ask about many ranges of one text, use [`Churn::in_text`] and build the map
    /// once.
    pub fn commits_touching_in(&self, path: &str, current: &str, lines: Range<u32>) -> u32 {
        self.in_text(path, current).commits_touching(lines)
    }

    /// The churn of `path` with line coordinates in its text `current` (an editor buffer).
    pub fn in_text<'a>(&'a self, path: &str, current: &str) -> ChurnInText<'a> {
        let file = self.files.get(path);
        let map = match file {
            Some(file) => {
                LineMap::from_lines(&file.work_tree_lines, &line_map::line_hashes(current))
            }
            None => LineMap::identity(0),
        };
        ChurnInText {
            churn: self,
            file,
            map,
        }
    }

    /// Brings it up to date after HEAD moved or work-tree files changed: reads only the commits
    /// new since [`Churn::head`] (`git log old..new`), maps the lines already known through
    /// those commits' diffs, drops commits older than the window, and re-maps the files whose
    /// work-tree text changed (`changed_paths`, relative to the root and `/`-separated). Falls
    /// back to a full recompute when the old head is no longer an ancestor (rebase, reset) or
    /// unknown. Returns whether anything changed.
    pub fn update(&mut self, repo: &Repo, changed_paths: &[String]) -> bool {
        let new_head = repo.head();
        let cutoff = cutoff(self.days);
        let mut changed = false;
        if new_head != self.head {
            let advanced = match (&self.head, &new_head) {
                (Some(old), Some(new)) if repo.is_ancestor(old, new) == Some(true) => {
                    self.advance(repo, old.clone(), new.clone(), cutoff)
                }
                _ => false,
            };
            if !advanced {
                tracing::debug!(old = ?self.head, new = ?new_head, "churn recomputed");
                *self = repo.churn(self.days);
                return true;
            }
            changed = true;
        }
        changed |= self.drop_older_than(cutoff);
        let paths: Vec<String> = changed_paths
            .iter()
            .filter(|p| self.files.contains_key(p.as_str()))
            .cloned()
            .collect();
        changed |= self.map_to_work_tree(repo, &paths, None);
        changed
    }

    /// Reads the commits `old..new` and moves everything to `new`; false when git failed.
    fn advance(&mut self, repo: &Repo, old: String, new: String, cutoff: i64) -> bool {
        let Some(walk) = Walk::run(repo, &format!("{old}..{new}"), None, cutoff) else {
            return false;
        };
        let mut remap: HashSet<String> = HashSet::new();
        let mut files: HashMap<String, FileChurn> = HashMap::new();
        for (path, file) in std::mem::take(&mut self.files) {
            match walk.states.get(path.as_str()) {
                None => {
                    let kept = files.entry(path.clone()).or_default();
                    if kept.at_head.is_empty() {
                        *kept = file;
                    } else {
                        // A file renamed onto this path has already arrived.
                        kept.at_head.extend(file.at_head);
                        remap.insert(path);
                    }
                }
                Some(State::Dead) => {}
                Some(State::Track(track)) => {
                    let head_path = track.head_path.to_string();
                    let moved = file.at_head.iter().filter_map(|t| {
                        Some(Touch {
                            line: track.map(t.line)?,
                            commit: t.commit,
                        })
                    });
                    files
                        .entry(head_path.clone())
                        .or_default()
                        .at_head
                        .extend(moved);
                    remap.insert(head_path);
                }
            }
        }
        let offset = len_u32(self.commits.len());
        self.commits.extend(walk.commits);
        for (path, touches) in walk.touches {
            let moved = touches.iter().map(|t| Touch {
                line: t.line,
                commit: t.commit + offset,
            });
            files
                .entry(path.to_string())
                .or_default()
                .at_head
                .extend(moved);
            remap.insert(path.to_string());
        }
        for state in walk.states.values() {
            if let State::Track(track) = state {
                remap.insert(track.head_path.to_string());
            }
        }
        files.retain(|path, file| {
            if remap.contains(path) {
                file.at_head.sort_unstable();
                file.at_head.dedup();
            }
            !file.at_head.is_empty()
        });
        self.files = files;
        self.head = Some(new);
        let remap: Vec<String> = remap
            .into_iter()
            .filter(|p| self.files.contains_key(p))
            .collect();
        self.map_to_work_tree(repo, &remap, None);
        true
    }

    /// Forgets the commits older than `cutoff`; true when there were some.
    fn drop_older_than(&mut self, cutoff: i64) -> bool {
        if self.commits.iter().all(|c| c.time >= cutoff) {
            return false;
        }
        let mut renumbered = Vec::with_capacity(self.commits.len());
        let mut kept = Vec::new();
        for commit in std::mem::take(&mut self.commits) {
            if commit.time >= cutoff {
                renumbered.push(Some(len_u32(kept.len())));
                kept.push(commit);
            } else {
                renumbered.push(None);
            }
        }
        self.commits = kept;
        let renumber = |touches: &mut Vec<Touch>| {
            touches.retain_mut(|t| match renumbered[t.commit as usize] {
                Some(commit) => {
                    t.commit = commit;
                    true
                }
                None => false,
            });
        };
        for file in self.files.values_mut() {
            renumber(&mut file.at_head);
            renumber(&mut file.in_work_tree);
        }
        self.files.retain(|_, file| !file.at_head.is_empty());
        true
    }

    /// Maps the HEAD lines of `paths` to their work-tree text. Reads the HEAD text of the paths
    /// in `dirty`, or of all of them when there is no such list. True when anything changed.
    fn map_to_work_tree(
        &mut self,
        repo: &Repo,
        paths: &[String],
        dirty: Option<&HashSet<String>>,
    ) -> bool {
        let Some(head) = self.head.clone() else {
            return false;
        };
        let need_head: Vec<&str> = paths
            .iter()
            .filter(|p| dirty.is_none_or(|d| d.contains(*p)))
            .map(String::as_str)
            .collect();
        let head_texts = if need_head.is_empty() {
            HashMap::new()
        } else {
            git::read_blobs(repo.root(), &head, &need_head)
        };
        let mut changed = false;
        for path in paths {
            let Some(file) = self.files.get_mut(path) else {
                continue;
            };
            let work = repo.work_tree_text(path);
            let (in_work_tree, work_tree_lines) = match &work {
                None => (Vec::new(), Vec::new()),
                Some(work) => {
                    let map = match head_texts.get(path) {
                        Some(Some(head_text)) => LineMap::new(head_text, work),
                        // Listed as dirty but absent at HEAD: nothing maps.
                        Some(None) => LineMap::identity(0),
                        None => LineMap::identity(line_map::line_count(work)),
                    };
                    let touches = file
                        .at_head
                        .iter()
                        .filter_map(|t| {
                            Some(Touch {
                                line: map.old_to_new(t.line)?,
                                commit: t.commit,
                            })
                        })
                        .collect();
                    (touches, line_map::line_hashes(work))
                }
            };
            if file.in_work_tree != in_work_tree || file.work_tree_lines != work_tree_lines {
                file.in_work_tree = in_work_tree;
                file.work_tree_lines = work_tree_lines;
                changed = true;
            }
        }
        changed
    }

    /// The indices of the commits touching `lines` of `path`, sorted, without repeats.
    fn touching(&self, path: &str, lines: Range<u32>) -> Vec<u32> {
        let Some(file) = self.files.get(path) else {
            return Vec::new();
        };
        commits_in(&file.in_work_tree, lines, |_| true)
    }

    fn newest_first(&self, commits: Vec<u32>) -> Vec<&CommitInfo> {
        let mut list: Vec<&CommitInfo> = commits
            .into_iter()
            .map(|i| &self.commits[i as usize])
            .collect();
        list.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.sha.cmp(&b.sha)));
        list
    }
}

/// The churn of one file with line coordinates in a text of it other than the work tree's (an
/// editor buffer); see [`Churn::in_text`].
#[derive(Debug)]
pub struct ChurnInText<'a> {
    churn: &'a Churn,
    file: Option<&'a FileChurn>,
    map: LineMap,
}

impl<'a> ChurnInText<'a> {
    /// How many distinct commits touched any line in `lines` (0-based, half-open) of the text.
    pub fn commits_touching(&self, lines: Range<u32>) -> u32 {
        len_u32(self.touching(lines).len())
    }

    /// The same commits, newest first.
    pub fn commits_touching_list(&self, lines: Range<u32>) -> Vec<&'a CommitInfo> {
        self.churn.newest_first(self.touching(lines))
    }

    fn touching(&self, lines: Range<u32>) -> Vec<u32> {
        let Some(file) = self.file else {
            return Vec::new();
        };
        let span = self.map.old_span_of(lines);
        commits_in(&file.in_work_tree, span, |line| {
            self.map.old_to_new(line).is_some()
        })
    }
}

/// The commits of the touches on `lines` whose line passes `keep`, sorted, without repeats.
fn commits_in(touches: &[Touch], lines: Range<u32>, keep: impl Fn(u32) -> bool) -> Vec<u32> {
    let start = touches.partition_point(|t| t.line < lines.start);
    let mut commits: Vec<u32> = touches[start..]
        .iter()
        .take_while(|t| t.line < lines.end)
        .filter(|t| keep(t.line))
        .map(|t| t.commit)
        .collect();
    commits.sort_unstable();
    commits.dedup();
    commits
}

/// The oldest commit time inside a window of `days` days ending now.
fn cutoff(days: u32) -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    now - i64::from(days) * SECONDS_PER_DAY
}

fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Line numbers past any real file.
const END: i64 = i64::MAX / 4;

/// Lines `start..end` of a version of a file are HEAD lines `start + delta..end + delta`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    start: i64,
    end: i64,
    delta: i64,
}

/// Where a file's lines, in the version the walk has reached, are at HEAD.
#[derive(Debug, Clone)]
enum State {
    /// The file did not exist in the newer commits as this file (it was deleted, or added anew
    /// later, or renamed away): nothing older counts.
    Dead,
    Track(Track),
}

#[derive(Debug, Clone)]
struct Track {
    /// The file's path at HEAD.
    head_path: Arc<str>,
    /// Sorted and disjoint; lines outside them are not at HEAD.
    segments: Vec<Segment>,
}

impl Track {
    fn identity(head_path: &str) -> Track {
        Track {
            head_path: Arc::from(head_path),
            segments: vec![Segment {
                start: 0,
                end: END,
                delta: 0,
            }],
        }
    }

    fn map(&self, line: u32) -> Option<u32> {
        let line = i64::from(line);
        let i = self.segments.partition_point(|s| s.end <= line);
        let s = self.segments.get(i)?;
        (s.start <= line).then(|| u32::try_from(line + s.delta).ok())?
    }

    /// The HEAD lines of `lines`, for those that are still there.
    fn map_range(&self, lines: Range<u32>, mut out: impl FnMut(u32)) {
        let (start, end) = (i64::from(lines.start), i64::from(lines.end));
        let i = self.segments.partition_point(|s| s.end <= start);
        for s in self.segments[i..].iter().take_while(|s| s.start < end) {
            for line in s.start.max(start)..s.end.min(end) {
                if let Ok(line) = u32::try_from(line + s.delta) {
                    out(line);
                }
            }
        }
    }

    /// The track of the parent, whose text became this version through `changes`.
    fn before(&self, changes: &[crate::log::Change]) -> Track {
        let mut segments: Vec<Segment> = Vec::with_capacity(self.segments.len() + changes.len());
        let mut push = |old_start: i64, old_end: i64, shift: i64| {
            // Parent lines old_start..old_end are this version's lines shifted by `shift`.
            let (start, end) = (old_start + shift, old_end + shift);
            let i = self.segments.partition_point(|s| s.end <= start);
            for s in self.segments[i..].iter().take_while(|s| s.start < end) {
                let piece = Segment {
                    start: s.start.max(start) - shift,
                    end: s.end.min(end) - shift,
                    delta: s.delta + shift,
                };
                match segments.last_mut() {
                    Some(last) if last.end == piece.start && last.delta == piece.delta => {
                        last.end = piece.end;
                    }
                    _ => segments.push(piece),
                }
            }
        };
        let (mut old_at, mut new_at) = (0i64, 0i64);
        for change in changes {
            let old_start = i64::from(change.old.start);
            if old_start >= old_at {
                push(old_at, old_start, new_at - old_at);
            }
            old_at = old_at.max(i64::from(change.old.end));
            new_at = new_at.max(i64::from(change.new.end));
        }
        push(old_at, END, new_at - old_at);
        Track {
            head_path: self.head_path.clone(),
            segments,
        }
    }
}

/// One pass over `git log`, newest commit first.
#[derive(Debug, Default)]
struct Walk {
    /// The commits in the window, in the order read.
    commits: Vec<CommitInfo>,
    /// For each path at HEAD: (HEAD line, index in `commits`), unsorted.
    touches: HashMap<Arc<str>, Vec<Touch>>,
    /// For each path in the oldest version reached, where its lines are at HEAD. A path not
    /// here was not changed by any commit read, so its lines are where they were.
    states: HashMap<Arc<str>, State>,
    /// Commits at the cut of a shallow clone.
    shallow: HashSet<String>,
    /// Commits older than this map lines but are not counted.
    cutoff: i64,
}

impl Walk {
    /// Reads `revs` (`since` passed to git as `--since`); None when git failed.
    fn run(repo: &Repo, revs: &str, since: Option<i64>, cutoff: i64) -> Option<Walk> {
        let mut walk = Walk {
            shallow: repo.shallow_boundary().into_iter().collect(),
            cutoff,
            ..Walk::default()
        };
        let mut cmd = git::command(repo.root());
        cmd.args(LOG_ARGS);
        if let Some(since) = since {
            cmd.arg(format!("--since=@{since}"));
        }
        cmd.arg(revs).arg("--");
        let mut parser = LogParser::default();
        let mut on_commit = |commit: CommitDiff| walk.commit(commit);
        let ok = git::stream_lines(cmd, |line| parser.line(line, &mut on_commit));
        parser.finish(&mut on_commit);
        ok.then_some(walk)
    }

    fn commit(&mut self, commit: CommitDiff) {
        if self.shallow.contains(&commit.info.sha) {
            tracing::debug!(sha = commit.info.sha, "shallow clone's cut: skipped");
            return;
        }
        let counted = commit.info.time >= self.cutoff;
        let index = len_u32(self.commits.len());
        // Every file's new state is derived from the states before this commit, and applied
        // after: within one commit, a rename can free a path that another file takes.
        let mut dead: Vec<Arc<str>> = Vec::new();
        let mut tracks: Vec<(Arc<str>, Track)> = Vec::new();
        for file in &commit.files {
            self.file(file, counted.then_some(index), &mut dead, &mut tracks);
        }
        for path in dead {
            self.states.insert(path, State::Dead);
        }
        for (path, track) in tracks {
            self.states.insert(path, State::Track(track));
        }
        if counted {
            self.commits.push(commit.info);
        }
    }

    fn file(
        &mut self,
        file: &FileDiff,
        index: Option<u32>,
        dead: &mut Vec<Arc<str>>,
        tracks: &mut Vec<(Arc<str>, Track)>,
    ) {
        let Some(new_path) = file.new_path.as_deref() else {
            // Deleted: whatever the path held before is not at HEAD.
            if let Some(old) = &file.old_path {
                dead.push(Arc::from(old.as_str()));
            }
            return;
        };
        let track = match self.states.get(new_path) {
            Some(State::Dead) => None,
            Some(State::Track(track)) => Some(track.clone()),
            None => Some(Track::identity(new_path)),
        };
        if file.binary {
            // No lines to follow: the file's history before this commit is lost.
            dead.push(Arc::from(new_path));
            if let Some(old) = &file.old_path {
                dead.push(Arc::from(old.as_str()));
            }
            return;
        }
        let Some(track) = track else {
            if let Some(old) = &file.old_path {
                dead.push(Arc::from(old.as_str()));
            }
            return;
        };
        if let Some(index) = index {
            let touches = self.touches.entry(track.head_path.clone()).or_default();
            for change in &file.changes {
                track.map_range(change.new.clone(), |line| {
                    touches.push(Touch {
                        line,
                        commit: index,
                    });
                });
            }
        }
        match file.old_path.as_deref() {
            // Added: an older file at this path is another file.
            None => dead.push(Arc::from(new_path)),
            Some(old_path) => {
                if old_path != new_path {
                    dead.push(Arc::from(new_path));
                }
                if !file.changes.is_empty() || old_path != new_path {
                    tracks.push((Arc::from(old_path), track.before(&file.changes)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Change;

    fn info(sha: char, time: i64) -> CommitInfo {
        CommitInfo {
            sha: sha.to_string().repeat(40),
            time,
            subject: String::new(),
        }
    }

    #[test]
    fn drop_older_than_forgets_old_commits_and_renumbers_the_rest() {
        let touches = vec![
            Touch { line: 0, commit: 0 },
            Touch { line: 0, commit: 1 },
            Touch { line: 3, commit: 2 },
        ];
        let mut churn = Churn {
            head: Some("a".repeat(40)),
            days: 1,
            commits: vec![info('a', 100), info('b', 50), info('c', 200)],
            files: HashMap::from([
                (
                    "f".to_owned(),
                    FileChurn {
                        at_head: touches.clone(),
                        in_work_tree: touches,
                        work_tree_lines: vec![0; 4],
                    },
                ),
                (
                    "old".to_owned(),
                    FileChurn {
                        at_head: vec![Touch { line: 0, commit: 1 }],
                        ..FileChurn::default()
                    },
                ),
            ]),
        };
        assert!(churn.drop_older_than(60));
        assert!(!churn.drop_older_than(60));
        assert_eq!(churn.commits_touching("f", 0..1), 1);
        let list = churn.commits_touching_list("f", 0..10);
        let shas: Vec<char> = list.iter().map(|c| c.sha.chars().next().unwrap()).collect();
        assert_eq!(shas, vec!['c', 'a']);
        assert_eq!(churn.paths().collect::<Vec<_>>(), vec!["f"]);
    }

    #[test]
    fn track_before_shifts_unchanged_lines_and_drops_changed_ones() {
        let head = Track::identity("f");
        // Parent lines 0..10; the commit replaced line 2 with two lines and deleted line 5.
        let parent = head.before(&[
            Change {
                old: 2..3,
                new: 2..4,
            },
            Change {
                old: 5..6,
                new: 6..6,
            },
        ]);
        let mapped: Vec<Option<u32>> = (0..8).map(|l| parent.map(l)).collect();
        assert_eq!(
            mapped,
            vec![
                Some(0),
                Some(1),
                None,
                Some(4),
                Some(5),
                None,
                Some(6),
                Some(7)
            ]
        );
        // And once more through a commit that inserted a line at the top.
        let grandparent = parent.before(&[Change {
            old: 0..0,
            new: 0..1,
        }]);
        let mapped: Vec<Option<u32>> = (0..5).map(|l| grandparent.map(l)).collect();
        assert_eq!(mapped, vec![Some(1), None, Some(4), Some(5), None]);
    }
}
