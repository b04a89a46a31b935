//! Healing: quick fixes on the history and smell diagnostics of tests. Each kind of fix is a
//! module: quarantining a flaky test, replacing a fixed sleep with a wait, updating an expected
//! value after an intended change, following a renamed or moved callee, recording assertions
//! into a test that has none.

mod assertions;
mod expected;
mod moved;
mod quarantine;
mod rename;
mod sleep;
mod text;

pub use assertions::{AssertionPlan, CalleeCalls, RECORD_ASSERTIONS, assertion_plan};
pub use quarantine::{RECORD_QUARANTINE, record_quarantine};

use db::{RootDatabase, SourceFile, Workspace};
use syntax::TextRange;

use crate::assists::Assist;
use crate::history::History;

/// The healing fixes whose target overlaps `range` of `file`.
pub(crate) fn assists(
    db: &RootDatabase,
    workspace: Workspace,
    history: Option<&History>,
    file: SourceFile,
    range: TextRange,
) -> Vec<Assist> {
    let mut out = Vec::new();
    out.extend(quarantine::assists(db, workspace, history, file, range));
    out.extend(sleep::assists(db, workspace, file, range));
    out.extend(expected::assists(db, workspace, history, file, range));
    out.extend(rename::assists(db, workspace, history, file, range));
    out.extend(moved::assists(db, workspace, file, range));
    out.extend(assertions::assists(db, workspace, file, range));
    out
}
