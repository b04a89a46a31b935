//! The shortcuts taken for speed give the same results as the plain paths, on every source file
//! of the fixtures: analysing a file's items in one query pass equals analysing each on its own
//! (the path taken after an edit), and an outline from cached classifications equals a fresh one.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use syntax::{
    Classification, Language, OutlineCache, OutlineItem, SourceText, analyze_item, analyze_items,
    outline, outline_cached, parse,
};

#[derive(Default)]
struct MapCache(Mutex<HashMap<u128, Arc<Classification>>>);

impl OutlineCache for MapCache {
    fn classification(&self, key: u128) -> Option<Arc<Classification>> {
        self.0.lock().unwrap().get(&key).cloned()
    }

    fn remember(&self, key: u128, classification: Arc<Classification>) {
        self.0.lock().unwrap().insert(key, classification);
    }
}

fn source_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') && name != "node_modules" && name != "target" {
                source_files(&path, out);
            }
        } else if Language::from_path(&path).is_some() {
            out.push(path);
        }
    }
}

#[test]
fn one_pass_equals_item_by_item_on_every_fixture_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut files = Vec::new();
    source_files(&root, &mut files);
    assert!(files.len() >= 20, "fixtures not found: {files:?}");
    let mut compared = 0;
    for path in files {
        let language = Language::from_path(&path).unwrap();
        let text = SourceText::from(std::fs::read_to_string(&path).unwrap());
        let tree = parse(language, &text, None);
        let outline = outline(language, &tree, &text);
        let all: Vec<&OutlineItem> = outline.items.iter().collect();
        let batched = analyze_items(language, &tree, &text, &all);
        for (item, model) in outline.items.iter().zip(&batched) {
            assert_eq!(
                model,
                &analyze_item(language, &tree, &text, item),
                "{} at {:?}",
                path.display(),
                item.range
            );
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} items compared");
}

#[test]
fn a_cached_outline_equals_a_fresh_one_on_every_fixture_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut files = Vec::new();
    source_files(&root, &mut files);
    let cache = MapCache::default();
    for pass in ["cold cache", "warm cache"] {
        for path in &files {
            let language = Language::from_path(path).unwrap();
            let text = SourceText::from(std::fs::read_to_string(path).unwrap());
            let tree = parse(language, &text, None);
            assert_eq!(
                outline_cached(language, &tree, &text, &cache),
                outline(language, &tree, &text),
                "{} ({pass})",
                path.display()
            );
        }
    }
    assert!(
        !cache.0.lock().unwrap().is_empty(),
        "the cache was never used"
    );
}
