//! Test generation: an idiomatic test for a function, in the project's own framework, where the
//! project keeps its tests. (Issue 7; being built.)

use db::{RootDatabase, SourceFile, Workspace};
use syntax::TextRange;

use crate::assists::Assist;
use crate::history::History;

/// The generation actions for the function(s) under `range` of `file`.
pub(crate) fn assists(
    _db: &RootDatabase,
    _workspace: Workspace,
    _history: Option<&History>,
    _file: SourceFile,
    _range: TextRange,
) -> Vec<Assist> {
    Vec::new()
}
