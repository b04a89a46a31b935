//! What the integration tests share: a sink that keeps everything, and the fixture reports.

#![allow(dead_code)] // Each test crate uses a part.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use reports::{FileCoverage, Format, ParseError, Sink, SinkError, Status, Summary, TestCase};

#[derive(Debug, Default)]
pub struct Collect {
    pub tests: Vec<TestCase>,
    pub files: Vec<FileCoverage>,
}

impl Sink for Collect {
    fn test(&mut self, case: TestCase) -> Result<(), SinkError> {
        self.tests.push(case);
        Ok(())
    }

    fn coverage(&mut self, file: FileCoverage) -> Result<(), SinkError> {
        self.files.push(file);
        Ok(())
    }
}

impl Collect {
    pub fn count(&self, status: Status) -> usize {
        self.tests.iter().filter(|t| t.status == status).count()
    }

    pub fn test(&self, name: &str) -> &TestCase {
        self.tests
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no test {name:?}"))
    }

    /// The aggregate coverage of the file whose path ends with `suffix`.
    pub fn file(&self, suffix: &str) -> &FileCoverage {
        let found: Vec<_> = self
            .files
            .iter()
            .filter(|f| f.test.is_none() && f.path.ends_with(suffix))
            .collect();
        assert_eq!(found.len(), 1, "files ending with {suffix:?}: {found:?}");
        found[0]
    }
}

/// (covered lines, listed lines).
pub fn covered(file: &FileCoverage) -> (usize, usize) {
    (
        file.lines.iter().filter(|(_, hits)| *hits > 0).count(),
        file.lines.len(),
    )
}

pub fn missed(file: &FileCoverage) -> Vec<u32> {
    file.lines
        .iter()
        .filter(|(_, hits)| *hits == 0)
        .map(|(l, _)| *l)
        .collect()
}

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path)
}

/// Detects the format of a fixture report from its first 64 KiB, then parses it streaming from
/// the file.
pub fn parse_fixture(path: &str) -> (Summary, Collect) {
    let path = fixture(path);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let format = reports::detect(&bytes[..bytes.len().min(64 * 1024)])
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut sink = Collect::default();
    let file = std::fs::File::open(&path).unwrap();
    let summary = reports::parse(format, BufReader::new(file), &mut sink)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (summary, sink)
}

pub fn parse_str(format: Format, input: &[u8]) -> Result<(Summary, Collect), ParseError> {
    let mut sink = Collect::default();
    let summary = reports::parse(format, input, &mut sink)?;
    Ok((summary, sink))
}
