//! `Repo` and `Churn` on real repositories built with the git CLI.

mod support;

use support::{TestRepo, assert_same_churn, numbered};
use vcs::Repo;

/// Two functions: `alpha` on lines 0..3, `beta` on lines 4..7.
const TWO_FUNCTIONS: &str =
    "def alpha():\n    a = 1\n    return a\n\ndef beta():\n    b = 2\n    return b\n";

/// A repository whose `f.py` was written 200 days ago, then had `alpha` changed by two commits
/// (10 and 5 days ago); `beta` untouched since. Returns it with the shas of the two commits.
fn two_commits_on_alpha() -> (TestRepo, String, String) {
    let t = TestRepo::new();
    t.write("f.py", TWO_FUNCTIONS);
    t.commit("initial", 200);
    t.write("f.py", TWO_FUNCTIONS.replace("a = 1", "a = 10"));
    let first = t.commit("alpha: ten", 10);
    t.write(
        "f.py",
        TWO_FUNCTIONS
            .replace("a = 1", "a = 10")
            .replace("return a", "return a + 1"),
    );
    let second = t.commit("alpha: plus one", 5);
    (t, first, second)
}

#[test]
fn discover_outside_a_repository_is_none() {
    let dir = tempfile::tempdir().unwrap();
    assert!(Repo::discover(dir.path()).is_none());
    assert!(Repo::discover(&dir.path().join("does/not/exist")).is_none());
}

#[test]
fn discover_from_a_subdirectory_finds_the_root() {
    let t = TestRepo::new();
    t.write("src/deep/x.txt", "x\n");
    let repo = Repo::discover(&t.path().join("src/deep")).unwrap();
    assert_eq!(
        repo.root().canonicalize().unwrap(),
        t.path().canonicalize().unwrap()
    );
}

#[test]
fn head_is_none_without_commits_and_resolve_takes_abbreviations() {
    let t = TestRepo::new();
    let repo = t.repo();
    assert_eq!(repo.head(), None);
    t.write("a.txt", "a\n");
    let sha = t.commit("first", 1);
    assert_eq!(repo.head().as_deref(), Some(sha.as_str()));
    assert_eq!(repo.resolve(&sha[..8]).as_deref(), Some(sha.as_str()));
    assert_eq!(repo.resolve("main").as_deref(), Some(sha.as_str()));
    assert_eq!(
        repo.resolve("0000000000000000000000000000000000000000"),
        None
    );
    assert_eq!(repo.resolve("no-such-branch"), None);
    assert_eq!(repo.resolve("--help"), None);
}

#[test]
fn show_gives_a_file_as_it_was_at_a_past_commit() {
    let t = TestRepo::new();
    t.write("dir/with space/é.txt", "old\n");
    let old = t.commit("old", 2);
    t.write("dir/with space/é.txt", "new\n");
    let new = t.commit("new", 1);
    let repo = t.repo();
    assert_eq!(
        repo.show(&old, "dir/with space/é.txt").as_deref(),
        Some("old\n")
    );
    assert_eq!(
        repo.show(&new, "dir/with space/é.txt").as_deref(),
        Some("new\n")
    );
    assert_eq!(
        repo.show(&old[..10], "dir/with space/é.txt").as_deref(),
        Some("old\n")
    );
    // Asked again: from the cache, the same text.
    assert_eq!(
        repo.show(&old, "dir/with space/é.txt").as_deref(),
        Some("old\n")
    );
}

#[test]
fn show_of_a_missing_file_is_none() {
    let t = TestRepo::new();
    t.write("a.txt", "a\n");
    let first = t.commit("first", 2);
    t.write("b.txt", "b\n");
    t.commit("second", 1);
    let repo = t.repo();
    assert_eq!(repo.show(&first, "b.txt"), None);
    assert_eq!(
        repo.show(&first, "b.txt"),
        None,
        "and again, from the cache"
    );
    assert_eq!(repo.show("HEAD", "b.txt").as_deref(), Some("b\n"));
}

#[test]
fn show_of_an_unknown_commit_is_none() {
    let t = TestRepo::new();
    t.write("a.txt", "a\n");
    t.commit("first", 1);
    let repo = t.repo();
    assert_eq!(
        repo.show("1234567890123456789012345678901234567890", "a.txt"),
        None
    );
    assert_eq!(repo.show("nope", "a.txt"), None);
    assert_eq!(repo.show("-p", "a.txt"), None);
}

#[test]
fn show_of_a_non_utf8_or_binary_blob_is_none() {
    let t = TestRepo::new();
    t.write("latin1.txt", b"caf\xe9\n");
    t.write("image.bin", b"\x89PNG\r\n\x1a\n\x00\x00");
    let sha = t.commit("bytes", 1);
    let repo = t.repo();
    assert_eq!(repo.show(&sha, "latin1.txt"), None);
    assert_eq!(repo.show(&sha, "image.bin"), None);
}

#[test]
fn commit_info_gives_subject_and_committer_time() {
    let t = TestRepo::new();
    t.write("a.txt", "a\n");
    let sha = t.commit("the subject line", 3);
    let info = t.repo().commit_info(&sha[..7]).unwrap();
    assert_eq!(info.sha, sha);
    assert_eq!(info.subject, "the subject line");
    assert!((info.time - (support::now() - 3 * support::DAY)).abs() < 60);
    assert!(t.repo().commit_info("unknown").is_none());
}

#[test]
fn churn_counts_two_commits_on_one_function_and_zero_on_another() {
    let (t, first, second) = two_commits_on_alpha();
    let churn = t.repo().churn(90);
    assert_eq!(churn.head(), Some(second.as_str()));
    assert_eq!(churn.commits_touching("f.py", 0..3), 2);
    assert_eq!(churn.commits_touching("f.py", 4..7), 0);
    assert_eq!(churn.commits_touching("f.py", 1..2), 1);
    let list: Vec<&str> = churn
        .commits_touching_list("f.py", 0..3)
        .iter()
        .map(|c| c.sha.as_str())
        .collect();
    assert_eq!(list, vec![second.as_str(), first.as_str()], "newest first");
    assert_eq!(churn.commits_touching("missing.py", 0..100), 0);
}

#[test]
fn churn_lines_shift_when_a_later_commit_inserts_lines_above() {
    let (t, _, _) = two_commits_on_alpha();
    let text = std::fs::read_to_string(t.path().join("f.py")).unwrap();
    t.write("f.py", format!("import os\nimport sys\n\n{text}"));
    let third = t.commit("imports", 1);
    let churn = t.repo().churn(90);
    assert_eq!(churn.commits_touching("f.py", 0..3), 1);
    assert_eq!(churn.commits_touching_list("f.py", 0..3)[0].sha, third);
    assert_eq!(
        churn.commits_touching("f.py", 3..6),
        2,
        "alpha, moved down by 3"
    );
    assert_eq!(
        churn.commits_touching("f.py", 7..10),
        0,
        "beta, moved down by 3"
    );
}

#[test]
fn churn_excludes_commits_older_than_the_window() {
    let (t, _, _) = two_commits_on_alpha();
    let text = std::fs::read_to_string(t.path().join("f.py")).unwrap();
    // Rewrite history so that beta was also changed 100 days ago.
    t.git(&["reset", "-q", "--hard", "HEAD~2"]);
    t.write("f.py", TWO_FUNCTIONS.replace("b = 2", "b = 20"));
    t.commit("beta: twenty", 100);
    t.write("f.py", text.replace("b = 2", "b = 20"));
    t.commit("alpha: both changes", 5);
    let repo = t.repo();
    assert_eq!(repo.churn(90).commits_touching("f.py", 4..7), 0);
    assert_eq!(repo.churn(150).commits_touching("f.py", 4..7), 1);
    assert_eq!(
        repo.churn(300).commits_touching("f.py", 4..7),
        2,
        "and the initial commit"
    );
}

#[test]
fn churn_follows_uncommitted_edits_above_a_function() {
    let (t, _, _) = two_commits_on_alpha();
    let text = std::fs::read_to_string(t.path().join("f.py")).unwrap();
    t.write("f.py", format!("# new\n# lines\n{text}"));
    let churn = t.repo().churn(90);
    assert_eq!(churn.commits_touching("f.py", 0..2), 0, "uncommitted lines");
    assert_eq!(
        churn.commits_touching("f.py", 2..5),
        2,
        "alpha, moved down by 2"
    );
    assert_eq!(churn.commits_touching("f.py", 6..9), 0);
    // An uncommitted change to a line replaces it: no commit touched the new line.
    t.write("f.py", text.replace("return a + 1", "return a + 2"));
    let churn = t.repo().churn(90);
    assert_eq!(churn.commits_touching("f.py", 2..3), 0);
    assert_eq!(churn.commits_touching("f.py", 1..2), 1);
}

#[test]
fn churn_in_an_editor_buffer_maps_through_its_text() {
    let (t, _, _) = two_commits_on_alpha();
    let churn = t.repo().churn(90);
    let text = std::fs::read_to_string(t.path().join("f.py")).unwrap();
    let buffer = format!("# typed\n{}", text.replace("b = 2", "b = 3"));
    assert_eq!(churn.commits_touching_in("f.py", &buffer, 0..1), 0);
    assert_eq!(churn.commits_touching_in("f.py", &buffer, 1..4), 2);
    assert_eq!(churn.commits_touching_in("f.py", &buffer, 2..3), 1);
    assert_eq!(churn.commits_touching_in("f.py", &buffer, 5..8), 0);
    assert_eq!(
        churn.commits_touching_in("f.py", &text, 0..3),
        2,
        "the work tree's own text"
    );
    let view = churn.in_text("f.py", &buffer);
    assert_eq!(view.commits_touching_list(1..4).len(), 2);
}

#[test]
fn churn_follows_a_rename() {
    let (t, first, second) = two_commits_on_alpha();
    t.git(&["mv", "f.py", "moved file é.py"]);
    let text = std::fs::read_to_string(t.path().join("moved file é.py")).unwrap();
    t.write(
        "moved file é.py",
        format!("{text}\ndef gamma():\n    pass\n"),
    );
    let third = t.commit("rename and gamma", 1);
    let churn = t.repo().churn(90);
    let alpha: Vec<&str> = churn
        .commits_touching_list("moved file é.py", 0..3)
        .iter()
        .map(|c| c.sha.as_str())
        .collect();
    assert_eq!(alpha, vec![second.as_str(), first.as_str()]);
    assert_eq!(churn.commits_touching("moved file é.py", 4..7), 0);
    assert_eq!(
        churn.commits_touching_list("moved file é.py", 8..10)[0].sha,
        third
    );
    assert_eq!(churn.commits_touching("f.py", 0..100), 0);
}

#[test]
fn churn_forgets_a_deleted_file_and_its_earlier_life() {
    let t = TestRepo::new();
    t.write("a.txt", numbered(0, 5));
    t.commit("a", 20);
    t.write("a.txt", numbered(0, 6));
    t.commit("a grows", 15);
    std::fs::remove_file(t.path().join("a.txt")).unwrap();
    t.commit("a goes", 10);
    t.write("a.txt", numbered(100, 3));
    let again = t.commit("a again", 5);
    let churn = t.repo().churn(90);
    let list = churn.commits_touching_list("a.txt", 0..10);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].sha, again);
}

#[test]
fn churn_skips_binary_files() {
    let t = TestRepo::new();
    t.write("image.bin", b"\x00\x01\x02\n\x03\n");
    t.write("text.txt", "a\n");
    t.commit("first", 3);
    t.write("image.bin", b"\x00\x01\x09\n\x03\n");
    t.commit("second", 2);
    let churn = t.repo().churn(90);
    assert_eq!(churn.commits_touching("image.bin", 0..100), 0);
    assert_eq!(churn.commits_touching("text.txt", 0..1), 1);
}

#[test]
fn churn_of_a_repository_without_commits_is_empty() {
    let t = TestRepo::new();
    t.write("a.txt", "a\n");
    let churn = t.repo().churn(90);
    assert_eq!(churn.head(), None);
    assert_eq!(churn.commits_touching("a.txt", 0..1), 0);
    assert_eq!(churn.paths().count(), 0);
}

#[test]
fn churn_of_a_shallow_clone_leaves_out_the_cut() {
    let (t, first, second) = two_commits_on_alpha();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", t.path().display());
    let target = clone.path().join("c");
    t.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        &url,
        target.to_str().unwrap(),
    ]);
    let repo = Repo::discover(&target).unwrap();
    let churn = repo.churn(90);
    // The cut commit would otherwise count as adding every line.
    assert_eq!(churn.head(), Some(second.as_str()));
    assert_eq!(churn.commits_touching("f.py", 0..7), 0);
    assert!(repo.show(&first, "f.py").is_none(), "not in the clone");
}

#[test]
fn update_after_a_new_commit_equals_a_fresh_churn() {
    let (t, _, _) = two_commits_on_alpha();
    let repo = t.repo();
    let mut churn = repo.churn(90);
    assert!(!churn.update(&repo, &[]), "nothing new");

    let text = std::fs::read_to_string(t.path().join("f.py")).unwrap();
    t.write(
        "f.py",
        format!(
            "import os\n{}",
            text.replace("b = 2", "b = 3")
                .replace("return a + 1", "return a")
        ),
    );
    t.write("g.py", "g = 1\n");
    t.commit("beta, imports, g", 1);
    t.git(&["mv", "g.py", "h.py"]);
    t.write("h.py", "g = 1\nh = 2\n");
    t.git(&["mv", "f.py", "renamed f.py"]);
    let head = t.commit("g becomes h, f moves", 0);

    assert!(churn.update(&repo, &[]));
    assert_eq!(churn.head(), Some(head.as_str()));
    let fresh = repo.churn(90);
    assert_same_churn(&churn, &fresh, t.path());
    assert_eq!(
        churn.commits_touching("renamed f.py", 1..4),
        2,
        "alpha, renamed"
    );
    assert_eq!(
        churn.commits_touching("renamed f.py", 5..8),
        1,
        "beta, once"
    );
    assert_eq!(churn.commits_touching("f.py", 0..10), 0);
    assert_eq!(churn.commits_touching("h.py", 0..2), 2);
}

#[test]
fn update_after_a_reset_to_an_older_commit_recomputes() {
    let (t, first, _) = two_commits_on_alpha();
    let repo = t.repo();
    let mut churn = repo.churn(90);
    assert_eq!(churn.commits_touching("f.py", 0..3), 2);
    t.git(&["reset", "-q", "--hard", &first]);
    assert!(churn.update(&repo, &[]));
    assert_eq!(churn.head(), Some(first.as_str()));
    assert_eq!(churn.commits_touching("f.py", 0..3), 1);
    assert_same_churn(&churn, &repo.churn(90), t.path());
}

#[test]
fn update_with_changed_paths_remaps_work_tree_edits() {
    let (t, _, _) = two_commits_on_alpha();
    let repo = t.repo();
    let mut churn = repo.churn(90);
    let text = std::fs::read_to_string(t.path().join("f.py")).unwrap();
    t.write("f.py", format!("# one\n# two\n{text}"));
    assert!(churn.update(&repo, &["f.py".to_owned()]));
    assert_eq!(churn.commits_touching("f.py", 2..5), 2);
    assert_same_churn(&churn, &repo.churn(90), t.path());
    // Back as it was: the lines return.
    t.write("f.py", &text);
    assert!(churn.update(&repo, &["f.py".to_owned()]));
    assert_eq!(churn.commits_touching("f.py", 0..3), 2);
    assert!(
        !churn.update(&repo, &["f.py".to_owned()]),
        "nothing changed since"
    );
}

#[test]
fn changed_paths_lists_edited_committed_and_new_files_but_not_ignored_ones() {
    let t = TestRepo::new();
    t.write(".gitignore", "*.log\n");
    t.write("a.py", "a = 1\n");
    t.write("b.py", "b = 1\n");
    t.write("c d.py", "c = 1\n");
    let base = t.commit("base", 3);
    t.write("a.py", "a = 2\n");
    t.commit("a changed", 2);
    t.write("c d.py", "c = 2\n");
    t.write("new/é.py", "n = 1\n");
    t.write("noise.log", "x\n");
    let repo = t.repo();
    assert_eq!(repo.changed_paths(&base), ["a.py", "c d.py", "new/é.py"]);
    assert_eq!(repo.changed_paths("HEAD"), ["c d.py", "new/é.py"]);
    assert!(
        repo.changed_paths("--output=x").is_empty(),
        "not a revision"
    );
}
