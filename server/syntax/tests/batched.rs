//! Analysing a file's items in one query pass gives the same models as analysing each item on
//! its own (the path taken after an edit): checked on every source file of the fixtures.

use std::path::Path;

use syntax::{Language, OutlineItem, SourceText, analyze_item, analyze_items, outline, parse};

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
