//! Multi-file fixtures in the rust-analyzer style: `//- /path` starts a file, `$0` marks the
//! cursor (and is removed from the text).

#![allow(dead_code)]

use std::path::PathBuf;

use ide::{Analysis, AnalysisHost, Change, FileId, PositionEncoding, TextSize};
use syntax::Language;

pub struct Fixture {
    pub host: AnalysisHost,
    pub cursor: Option<(PathBuf, TextSize)>,
}

/// Loads every file of `fixture` as if read from disk under `/w`, and opens the ones whose
/// header line ends with `open`.
pub fn load(fixture: &str) -> Fixture {
    let mut host = AnalysisHost::default();
    host.apply(Change::SetRoots(vec![PathBuf::from("/w")]));
    let mut cursor = None;
    let mut disk = Vec::new();
    let mut open = Vec::new();
    for chunk in fixture.split("//- ").filter(|c| !c.trim().is_empty()) {
        let (header, body) = chunk.split_once('\n').expect("a header line");
        let mut words = header.split_whitespace();
        let path = PathBuf::from(format!("/w{}", words.next().expect("a path")));
        let is_open = words.any(|w| w == "open");
        let text = match body.find("$0") {
            Some(at) => {
                cursor = Some((path.clone(), at as TextSize));
                body.replacen("$0", "", 1)
            }
            None => body.to_owned(),
        };
        let language = Language::from_path(&path).expect("a known extension");
        if is_open {
            open.push((path, text));
        } else {
            disk.push(vfs::LoadedFile {
                path,
                language,
                text,
                lossy: false,
            });
        }
    }
    host.apply(Change::AddFiles(disk));
    for (path, text) in open {
        host.apply(Change::Open {
            path,
            language_id: None,
            text,
        });
    }
    Fixture { host, cursor }
}

impl Fixture {
    pub fn analysis(&self) -> Analysis {
        self.host.analysis()
    }

    pub fn file(&self, path: &str) -> FileId {
        self.analysis()
            .file_id(&PathBuf::from(format!("/w{path}")))
            .unwrap_or_else(|| panic!("no file {path}"))
    }

    pub fn cursor(&self) -> (FileId, TextSize) {
        let (path, offset) = self.cursor.clone().expect("a $0 cursor in the fixture");
        (self.analysis().file_id(&path).expect("cursor file"), offset)
    }

    /// `line:col` (1-based, UTF-16 columns) of an offset in `file`.
    pub fn pos(&self, file: FileId, offset: TextSize) -> String {
        let lc = self
            .analysis()
            .file_text(file)
            .line_col(offset, PositionEncoding::Utf16);
        format!("{}:{}", lc.line + 1, lc.col + 1)
    }
}
