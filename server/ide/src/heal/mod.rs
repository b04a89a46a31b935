//! Healing: quick fixes on the history and smell diagnostics of tests (quarantine a flaky test,
//! replace a fixed sleep with a wait, update an expected value after an intended change, follow
//! a renamed callee). (Issue 7; being built.)

use db::{RootDatabase, SourceFile, Workspace};
use syntax::TextRange;

use crate::assists::Assist;
use crate::history::History;

/// The healing fixes whose target overlaps `range` of `file`.
pub(crate) fn assists(
    _db: &RootDatabase,
    _workspace: Workspace,
    _history: Option<&History>,
    _file: SourceFile,
    _range: TextRange,
) -> Vec<Assist> {
    Vec::new()
}
