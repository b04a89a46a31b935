//! What git knows of the workspace, and how lines move between two versions of a text.
//! Knows nothing of analysis or editors.
//!
//! Everything git knows comes from the `git` binary, run in the work tree's root with the
//! user's configuration neutralised where it would change what git prints. Nothing here panics
//! on what it finds: no repository, an unknown commit, a binary or non-UTF-8 file, a shallow
//! clone are `None` or empty values, with a `debug!` (or, when git cannot run at all, a `warn!`)
//! line saying why.
//!
//! - [`LineMap`]: a line diff between two texts, and lookups through it.
//! - [`Repo`]: a work tree: HEAD, revisions, file texts at a commit, commit subjects.
//! - [`Churn`]: which recent commits touched which lines, in the work tree's lines.

#![warn(missing_docs)]

mod churn;
mod git;
mod line_map;
mod log;
mod repo;

pub use churn::{Churn, ChurnInText};
pub use line_map::LineMap;
pub use repo::{CommitInfo, Repo};
