//! Inlay hints on functions: their cyclomatic complexity, and from the history their coverage
//! and risk.

use std::fmt::Write;

use db::{RootDatabase, SourceFile, Workspace};
use syntax::{TextRange, TextSize};

use crate::history::History;
use crate::insights;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InlayHintKind {
    Complexity,
    Coverage,
    Risk,
}

/// Which hints to show (the `testlens.hints` settings).
#[derive(Clone, Debug, PartialEq)]
pub struct HintsShown {
    pub complexity: bool,
    pub coverage: bool,
    pub risk: bool,
    /// Risk hints are shown at or above this score.
    pub risk_threshold: f64,
}

impl Default for HintsShown {
    fn default() -> HintsShown {
        HintsShown {
            complexity: true,
            coverage: true,
            risk: true,
            risk_threshold: 0.0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint goes: the end of the line that names the function.
    pub offset: TextSize,
    pub label: String,
    pub kind: InlayHintKind,
    /// The start of the function's name, which the hint is about.
    pub name_start: TextSize,
    /// What it means, where it is more than the complexity's fixed text.
    pub tooltip: Option<String>,
}

/// What a complexity hint means; sent when the client resolves a hint (on hovering it).
pub const COMPLEXITY_TOOLTIP: &str = "cyclomatic complexity: 1 + the decision points (if, loops, cases, &&, ||, ...); hover the function for details";

pub(crate) fn inlay_hints(
    db: &RootDatabase,
    workspace: Workspace,
    history: Option<&History>,
    file: SourceFile,
    range: Option<TextRange>,
    shown: &HintsShown,
) -> Vec<InlayHint> {
    let wanted = |name_start: TextSize| range.is_none_or(|r| r.contains_inclusive(name_start));
    let hint = |name_start: TextSize, line_end: TextSize, complexity: u32| InlayHint {
        offset: line_end,
        label: format!("cx {complexity}"),
        kind: InlayHintKind::Complexity,
        name_start,
        tooltip: None,
    };
    if let Some(history) = history.filter(|_| shown.coverage || shown.risk) {
        return with_history(db, workspace, history, file, range, shown);
    }
    if !shown.complexity {
        return Vec::new();
    }
    // An open file answers from its items, without assembling the whole file's model: this is
    // the path taken after every keystroke.
    if file.tree(db).is_some() {
        let items = db::file_items(db, file);
        let mut hints = Vec::new();
        for (model, outlined) in items.models.iter().zip(&items.outline.items) {
            if range.is_some_and(|r| !r.intersects(outlined.range)) {
                continue;
            }
            let base = outlined.range.start;
            for f in model.functions() {
                if wanted(base + f.name_range.start) {
                    hints.push(hint(
                        base + f.name_range.start,
                        base + f.name_line_end,
                        1 + f.decisions,
                    ));
                }
            }
        }
        return hints;
    }
    db::file_model(db, file)
        .functions
        .iter()
        .filter(|f| wanted(f.name_range.start))
        .map(|f| hint(f.name_range.start, f.name_line_end, f.complexity))
        .collect()
}

/// Complexity, coverage and risk hints, from the whole file's model and the history.
fn with_history(
    db: &RootDatabase,
    workspace: Workspace,
    history: &History,
    file: SourceFile,
    range: Option<TextRange>,
    shown: &HintsShown,
) -> Vec<InlayHint> {
    let model = db::file_model(db, file);
    let wanted: Vec<usize> = (0..model.functions.len())
        .filter(|&i| {
            range.is_none_or(|r| r.contains_inclusive(model.functions[i].name_range.start))
        })
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let known = insights::file_insights(db, workspace, history, file, &model);
    let coverage = &known.coverage;
    let risks: Option<&Vec<insights::Risk>> = shown.risk.then_some(&known.risks);
    let mut hints = Vec::new();
    for &i in &wanted {
        let f = &model.functions[i];
        let at = |label: String, kind, tooltip| InlayHint {
            offset: f.name_line_end,
            label,
            kind,
            name_start: f.name_range.start,
            tooltip,
        };
        if shown.complexity {
            hints.push(at(
                format!("cx {}", f.complexity),
                InlayHintKind::Complexity,
                None,
            ));
        }
        if shown.coverage
            && let Some(c) = coverage[i]
        {
            let (label, mut tip) = match c.percent() {
                Some(p) => (
                    format!("{}{:.0}% cov", if c.unknown > 0 { "~" } else { "" }, p),
                    format!(
                        "{} of {} executable lines covered in the newest coverage",
                        c.covered, c.executable
                    ),
                ),
                None => (
                    "cov ?".to_owned(),
                    "no executable line with known coverage".to_owned(),
                ),
            };
            if c.unknown > 0 {
                write!(
                    tip,
                    "; {} line{} added or changed since it was recorded, not counted",
                    c.unknown,
                    if c.unknown == 1 { "" } else { "s" }
                )
                .ok();
            }
            hints.push(at(label, InlayHintKind::Coverage, Some(tip)));
        }
        if let Some(risks) = risks {
            let risk = &risks[i];
            if risk.score >= shown.risk_threshold {
                hints.push(at(
                    format!("risk {:.2}", risk.score),
                    InlayHintKind::Risk,
                    Some(insights::explain_risk(risk)),
                ));
            }
        }
    }
    hints
}
