//! The edit path, phase by phase, in-process: how long one keystroke in a 10,000-line file costs
//! in each layer. `cargo bench -p ide --bench edit`. The end-to-end figure, through the real
//! binary, is `tests/bench/edit_latency.py`.

#![allow(clippy::print_stdout)] // A benchmark reports on stdout.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ide::{AnalysisHost, Change, EditRange, LineCol, PositionEncoding, TextEdit};

fn python_file() -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.lines().count() < 10_000 {
        text.push_str(&format!(
            "def f{i}(a, b, xs):\n    if a > 0 and b:\n        return {i}\n    for x in xs:\n        if x or a:\n            a += x\n    return a\n\n"
        ));
        i += 1;
    }
    text
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p) as usize]
}

fn syntax_only(text: &str) {
    let mut doc = syntax::Document::new(syntax::Language::Python, syntax::SourceText::from(text));
    let mut edit_t = Vec::new();
    let mut parse_t = Vec::new();
    for k in 0..400u32 {
        let line = 2 + 8 * ((k / 2 * 37) % 1200);
        let at = doc
            .text()
            .offset(LineCol { line, col: 15 }, PositionEncoding::Utf16);
        let t0 = Instant::now();
        if k % 2 == 0 {
            doc.edit(ide::TextRange::new(at, at), "7");
        } else {
            doc.edit(ide::TextRange::new(at, at + 1), "");
        }
        let t1 = Instant::now();
        doc.reparse();
        let t2 = Instant::now();
        edit_t.push(t1 - t0);
        parse_t.push(t2 - t1);
    }
    println!(
        "{:<22} p50 {:>8.3?}  p99 {:>8.3?}",
        "syntax: edit",
        percentile(&mut edit_t, 0.5),
        percentile(&mut edit_t, 0.99)
    );
    println!(
        "{:<22} p50 {:>8.3?}  p99 {:>8.3?}",
        "syntax: reparse",
        percentile(&mut parse_t, 0.5),
        percentile(&mut parse_t, 0.99)
    );
    let mut outline_t = Vec::new();
    let mut assemble_t = Vec::new();
    let items: Vec<Box<syntax::ItemModel>> = {
        let o = syntax::outline(syntax::Language::Python, doc.tree(), doc.text());
        o.items
            .iter()
            .map(|i| {
                Box::new(syntax::analyze_item(
                    syntax::Language::Python,
                    doc.tree(),
                    doc.text(),
                    i,
                ))
            })
            .collect()
    };
    for _ in 0..100 {
        let t0 = Instant::now();
        let o = syntax::outline(syntax::Language::Python, doc.tree(), doc.text());
        let t1 = Instant::now();
        let m = syntax::assemble(
            syntax::Language::Python,
            &o,
            &items,
            &syntax::FileContext::default(),
        );
        let t2 = Instant::now();
        assert!(m.functions.len() > 1000);
        outline_t.push(t1 - t0);
        assemble_t.push(t2 - t1);
    }
    println!(
        "{:<22} p50 {:>8.3?}  p99 {:>8.3?}",
        "syntax: outline",
        percentile(&mut outline_t, 0.5),
        percentile(&mut outline_t, 0.99)
    );
    println!(
        "{:<22} p50 {:>8.3?}  p99 {:>8.3?}",
        "syntax: assemble",
        percentile(&mut assemble_t, 0.5),
        percentile(&mut assemble_t, 0.99)
    );
}

/// With `TESTLENS_EDIT_FILE=path`, times each phase of typing into that file (a digit typed
/// and deleted after each `return `), for any language.
fn phases_of_file(path: &str) {
    let text = std::fs::read_to_string(path).expect("TESTLENS_EDIT_FILE");
    let path = PathBuf::from(path);
    let spots: Vec<u32> = text
        .match_indices("return ")
        .map(|(i, _)| (i + 7) as u32)
        .collect();
    let mut host = AnalysisHost::default();
    host.apply(Change::Open {
        path: path.clone(),
        language_id: None,
        text: text.clone(),
    });
    let file = host.analysis().file_id(&path).unwrap();
    host.analysis()
        .inlay_hints(file, None, &ide::HintsShown::default())
        .unwrap();
    let mut apply = Vec::new();
    let mut items = Vec::new();
    let mut index = Vec::new();
    let mut hints = Vec::new();
    for k in 0..400usize {
        let at = spots[(k / 2 * 37) % spots.len()];
        let (range, insert) = if k % 2 == 0 {
            (ide::TextRange::new(at, at), "7")
        } else {
            (ide::TextRange::new(at, at + 1), "")
        };
        let t0 = Instant::now();
        host.apply(Change::Edit {
            path: path.clone(),
            edits: vec![TextEdit {
                range: Some(EditRange::Bytes(range)),
                text: insert.to_owned(),
            }],
        });
        let t1 = Instant::now();
        let analysis = host.analysis();
        let h = analysis
            .inlay_hints(file, None, &ide::HintsShown::default())
            .unwrap();
        let t2 = Instant::now();
        analysis.line_index(file).unwrap();
        let t3 = Instant::now();
        let viewport = analysis
            .inlay_hints(
                file,
                Some(ide::TextRange::new(at.saturating_sub(2000), at + 2000)),
                &ide::HintsShown::default(),
            )
            .unwrap();
        let t4 = Instant::now();
        assert!(!h.is_empty() && !viewport.is_empty());
        apply.push(t1 - t0);
        items.push(t2 - t1);
        index.push(t3 - t2);
        hints.push(t4 - t3);
    }
    println!("{}", path.display());
    for (name, samples) in [
        ("apply edit + reparse", &mut apply),
        ("items + all hints", &mut items),
        ("line index", &mut index),
        ("viewport hints again", &mut hints),
    ] {
        println!(
            "{name:<22} p50 {:>8.3?}  p99 {:>8.3?}",
            percentile(samples, 0.5),
            percentile(samples, 0.99)
        );
    }
}

fn main() {
    if let Ok(path) = std::env::var("TESTLENS_EDIT_FILE") {
        phases_of_file(&path);
        return;
    }
    let text = python_file();
    syntax_only(&text);
    let path = PathBuf::from("/bench/big.py");
    let mut host = AnalysisHost::default();
    host.apply(Change::SetRoots(vec![PathBuf::from("/bench")]));
    host.apply(Change::Open {
        path: path.clone(),
        language_id: None,
        text,
    });
    let file = host.analysis().file_id(&path).unwrap();
    host.analysis()
        .inlay_hints(file, None, &ide::HintsShown::default())
        .unwrap();

    let rounds = 400;
    let mut apply = Vec::new();
    let mut model = Vec::new();
    let mut hints = Vec::new();
    for k in 0..rounds {
        // Type a digit into the number of a `return` line, then delete it: the code stays valid.
        let line = 2 + 8 * ((k / 2 * 37) % 1200);
        let (end, insert) = if k % 2 == 0 { (15, "7") } else { (16, "") };
        let edit = TextEdit {
            range: Some(EditRange::LineCol {
                start: LineCol { line, col: 15 },
                end: LineCol { line, col: end },
                encoding: PositionEncoding::Utf16,
            }),
            text: insert.to_owned(),
        };
        let t0 = Instant::now();
        host.apply(Change::Edit {
            path: path.clone(),
            edits: vec![edit],
        });
        let t1 = Instant::now();
        let analysis = host.analysis();
        analysis.file_model(file).unwrap();
        let t2 = Instant::now();
        let h = analysis
            .inlay_hints(file, None, &ide::HintsShown::default())
            .unwrap();
        let t3 = Instant::now();
        assert!(h.len() > 1000);
        apply.push(t1 - t0);
        model.push(t2 - t1);
        hints.push(t3 - t2);
    }
    for (name, samples) in [
        ("apply edit + reparse", &mut apply),
        ("file model", &mut model),
        ("inlay hints", &mut hints),
    ] {
        println!(
            "{name:<22} p50 {:>8.3?}  p99 {:>8.3?}",
            percentile(samples, 0.5),
            percentile(samples, 0.99)
        );
    }
}
