//! The cold path, phase by phase, over a directory of real code, on one thread:
//! `TESTLENS_CORPUS=target/bench-corpus/rust cargo bench -p syntax --bench corpus`.
//! `tests/bench/cold_index.sh` builds such a corpus and measures the whole server.

#![allow(clippy::print_stdout)] // A benchmark reports on stdout.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use syntax::{FileContext, Language, OutlineItem, SourceText};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if Language::from_path(&path).is_some() {
            out.push(path);
        }
    }
}

fn main() {
    let Ok(dir) = std::env::var("TESTLENS_CORPUS") else {
        println!("set TESTLENS_CORPUS to a directory of source files");
        return;
    };
    let mut paths = Vec::new();
    files(Path::new(&dir), &mut paths);
    let texts: Vec<(Language, String)> = paths
        .iter()
        .filter_map(|p| {
            let bytes = std::fs::read(p).ok()?;
            let text = syntax::text::decode(&bytes).ok()?.text;
            Some((Language::from_path(p)?, text))
        })
        .collect();
    for language in Language::ALL {
        syntax::queries::get(language);
    }
    let lines: usize = texts.iter().map(|(_, t)| t.lines().count()).sum();
    let mut rope = Duration::ZERO;
    let mut parse = Duration::ZERO;
    let mut outline = Duration::ZERO;
    let mut items = Duration::ZERO;
    let mut assemble = Duration::ZERO;
    let mut drop_tree = Duration::ZERO;
    let mut parse_flat = Duration::ZERO;
    let mut parser = tree_sitter::Parser::new();
    for (language, text) in &texts {
        parser.set_language(&language.grammar()).expect("grammar");
        let t = Instant::now();
        let flat = parser.parse(text, None);
        parse_flat += t.elapsed();
        drop(flat);
    }
    for (language, text) in &texts {
        let t0 = Instant::now();
        let source = SourceText::from(text.as_str());
        let t1 = Instant::now();
        let tree = syntax::parse(*language, &source, None);
        let t2 = Instant::now();
        let o = syntax::outline(*language, &tree, &source);
        let t3 = Instant::now();
        let all: Vec<&OutlineItem> = o.items.iter().collect();
        let models: Vec<Box<syntax::ItemModel>> =
            syntax::analyze_items(*language, &tree, &source, &all)
                .into_iter()
                .map(Box::new)
                .collect();
        let t4 = Instant::now();
        let model = syntax::assemble(*language, &o, &models, &FileContext::default());
        let t5 = Instant::now();
        drop(tree);
        let t6 = Instant::now();
        std::hint::black_box(model);
        rope += t1 - t0;
        parse += t2 - t1;
        outline += t3 - t2;
        items += t4 - t3;
        assemble += t5 - t4;
        drop_tree += t6 - t5;
    }
    let total = rope + parse + outline + items + assemble + drop_tree;
    println!("{} files, {lines} lines, one thread", texts.len());
    println!(
        "(parse from one contiguous string instead of the rope: {:.3} s, {:.2} µs/line)",
        parse_flat.as_secs_f64(),
        parse_flat.as_secs_f64() * 1e6 / lines as f64
    );
    for (name, d) in [
        ("rope", rope),
        ("parse", parse),
        ("outline", outline),
        ("item queries", items),
        ("assemble", assemble),
        ("free tree", drop_tree),
        ("total", total),
    ] {
        println!(
            "{name:<13} {:>8.3} s  {:>6.2} µs/line  {:>5.1}%",
            d.as_secs_f64(),
            d.as_secs_f64() * 1e6 / lines as f64,
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        );
    }
}
