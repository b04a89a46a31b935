//! Parsing throughput on large generated reports: `cargo bench -p reports --bench parse`.
//!
//! Writes a ~100 MB JUnit report shaped like the nextest and pytest fixture files (many test
//! cases, ~1% failures with a stack trace and captured output) and a ~100 MB lcov tracefile
//! (llvm-cov's shape: FN/FNDA records, then DA lines) to temporary files, parses each from disk
//! with a sink that only counts, and prints MB/s (the best of `TESTLENS_BENCH_RUNS`, default 3).
//! Goals on the 2-core CI machine: JUnit >= 100 MB/s, lcov >= 150 MB/s.

#![allow(clippy::print_stdout)] // A benchmark reports on stdout.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use reports::{FileCoverage, Format, Sink, SinkError, TestCase};

const TARGET_BYTES: u64 = 100 * 1000 * 1000;

#[derive(Default)]
struct Count {
    tests: u64,
    failed: u64,
    lines: u64,
}

impl Sink for Count {
    fn test(&mut self, case: TestCase) -> Result<(), SinkError> {
        self.tests += 1;
        if case.details.is_some() {
            self.failed += 1;
        }
        Ok(())
    }

    fn coverage(&mut self, file: FileCoverage) -> Result<(), SinkError> {
        self.lines += file.lines.len() as u64;
        Ok(())
    }
}

fn write_junit(path: &Path) -> std::io::Result<u64> {
    let mut out = BufWriter::new(File::create(path)?);
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"nextest-run\" tests=\"0\" failures=\"0\" errors=\"0\">\n")?;
    let mut written = 0u64;
    let mut suite = 0;
    while written < TARGET_BYTES {
        let header = format!(
            "    <testsuite name=\"shop::module_{suite}\" tests=\"500\" skipped=\"0\" errors=\"0\" failures=\"5\">\n"
        );
        out.write_all(header.as_bytes())?;
        written += header.len() as u64;
        for i in 0..500 {
            let case = if i % 100 == 7 {
                format!(
                    r#"        <testcase name="tests::pricing::case_{i}_discount" classname="shop::module_{suite}" timestamp="2026-11-22T05:24:43.872+00:00" time="0.007">
            <failure message="thread &apos;tests::pricing::case_{i}&apos; (16906) panicked at src/module_{suite}.rs:{i}:9" type="test failure with exit code 101">thread &apos;tests::pricing::case_{i}&apos; (16906) panicked at src/module_{suite}.rs:{i}:9:
assertion `left == right` failed: discount for SAVE{i} &amp; member tier
  left: Some(&quot;{i}&quot;)
 right: Some(&quot;{}&quot;)
stack backtrace:
   0: rust_begin_unwind
             at /rustc/library/std/src/panicking.rs:665:5
   1: core::panicking::panic_fmt
             at /rustc/library/core/src/panicking.rs:76:14
   2: shop::module_{suite}::tests::case_{i}
             at ./src/module_{suite}.rs:{i}:9
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.</failure>
            <system-out>
running 1 test
test tests::pricing::case_{i}_discount ... FAILED

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 10 filtered out; finished in 0.00s
</system-out>
            <system-err>thread &apos;tests::pricing::case_{i}&apos; panicked — 价格 💶</system-err>
        </testcase>
"#,
                    i + 1
                )
            } else {
                format!(
                    "        <testcase name=\"tests::pricing::case_{i}_discount\" classname=\"shop::module_{suite}\" file=\"tests/test_module_{suite}.py\" line=\"{i}\" timestamp=\"2026-11-22T05:24:43.872+00:00\" time=\"0.00{}\"/>\n",
                    i % 10
                )
            };
            out.write_all(case.as_bytes())?;
            written += case.len() as u64;
        }
        out.write_all(b"    </testsuite>\n")?;
        suite += 1;
    }
    out.write_all(b"</testsuites>\n")?;
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn write_lcov(path: &Path) -> std::io::Result<u64> {
    let mut out = BufWriter::new(File::create(path)?);
    let mut written = 0u64;
    let mut file = 0;
    while written < TARGET_BYTES {
        let mut record = format!("SF:src/module_{file}/lib.rs\n");
        for f in 0..20 {
            record.push_str(&format!(
                "FN:{},_RNvCsl2soUlRAQ9Z_4shop{f}module_{file}\n",
                f * 20 + 1
            ));
        }
        for f in 0..20 {
            record.push_str(&format!(
                "FNDA:{},_RNvCsl2soUlRAQ9Z_4shop{f}module_{file}\n",
                f % 3
            ));
        }
        record.push_str("FNF:20\nFNH:13\n");
        for line in 1..=400u32 {
            let hits = if line % 9 == 0 {
                0
            } else {
                (line * 7 + file) % 1000
            };
            record.push_str(&format!("DA:{line},{hits}\n"));
        }
        record.push_str("BRF:0\nBRH:0\nLF:400\nLH:356\nend_of_record\n");
        out.write_all(record.as_bytes())?;
        written += record.len() as u64;
        file += 1;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn measure(format: Format, path: &Path, bytes: u64, runs: usize) -> (Duration, Count) {
    let mut best = Duration::MAX;
    let mut count = Count::default();
    for _ in 0..runs {
        let file = File::open(path).unwrap();
        let mut sink = Count::default();
        let start = Instant::now();
        reports::parse(format, BufReader::with_capacity(64 * 1024, file), &mut sink).unwrap();
        let took = start.elapsed();
        if took < best {
            best = took;
        }
        count = sink;
    }
    let mb_s = bytes as f64 / 1e6 / best.as_secs_f64();
    println!(
        "{:<6} {:>6.1} MB in {:>7.1} ms: {:>6.0} MB/s (best of {runs})",
        format.name(),
        bytes as f64 / 1e6,
        best.as_secs_f64() * 1e3,
        mb_s
    );
    (best, count)
}

fn main() {
    let runs: usize = std::env::var("TESTLENS_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let lcov = dir.path().join("lcov.info");
    let junit_bytes = write_junit(&junit).unwrap();
    let lcov_bytes = write_lcov(&lcov).unwrap();

    let (_, count) = measure(Format::JUnit, &junit, junit_bytes, runs);
    println!(
        "       {} test cases, {} with failure text",
        count.tests, count.failed
    );
    let (_, count) = measure(Format::Lcov, &lcov, lcov_bytes, runs);
    println!("       {} lines", count.lines);
}
