//! `LineMap` on hand-made edits, and on many random ones against a brute-force reading.

// A list of one range is what `changed_new_lines` returns for one changed region.
#![allow(clippy::single_range_in_vec_init)]

use vcs::LineMap;

fn old_to_new_all(map: &LineMap, old_len: u32) -> Vec<Option<u32>> {
    (0..old_len).map(|l| map.old_to_new(l)).collect()
}

fn new_to_old_all(map: &LineMap, new_len: u32) -> Vec<Option<u32>> {
    (0..new_len).map(|l| map.new_to_old(l)).collect()
}

#[test]
fn equal_texts_are_identity() {
    let map = LineMap::new("a\nb\n", "a\nb\n");
    assert!(map.is_identity());
    assert_eq!(old_to_new_all(&map, 3), vec![Some(0), Some(1), None]);
    assert!(map.changed_new_lines().is_empty());
    assert!(!map.changed_within(0..2));
}

#[test]
fn insertion_shifts_the_lines_below() {
    let map = LineMap::new("a\nb\nc\n", "a\nx\ny\nb\nc\n");
    assert!(!map.is_identity());
    assert_eq!(old_to_new_all(&map, 3), vec![Some(0), Some(3), Some(4)]);
    assert_eq!(
        new_to_old_all(&map, 5),
        vec![Some(0), None, None, Some(1), Some(2)]
    );
    assert_eq!(map.changed_new_lines(), &[1..3]);
    assert!(map.changed_within(0..2));
    assert!(!map.changed_within(3..5));
}

#[test]
fn deletion_maps_the_deleted_line_nowhere() {
    let map = LineMap::new("a\nb\nc\nd\n", "a\nd\n");
    assert_eq!(old_to_new_all(&map, 4), vec![Some(0), None, None, Some(1)]);
    assert_eq!(new_to_old_all(&map, 2), vec![Some(0), Some(3)]);
    assert!(map.changed_new_lines().is_empty());
    // The deletion sits between new lines 0 and 1: inside 0..2, outside 0..1 and 1..2.
    assert!(map.changed_within(0..2));
    assert!(!map.changed_within(0..1));
    assert!(!map.changed_within(1..2));
}

#[test]
fn change_maps_neither_way() {
    let map = LineMap::new("a\nb\nc\n", "a\nB\nc\n");
    assert_eq!(old_to_new_all(&map, 3), vec![Some(0), None, Some(2)]);
    assert_eq!(new_to_old_all(&map, 3), vec![Some(0), None, Some(2)]);
    assert_eq!(map.changed_new_lines(), &[1..2]);
    assert!(map.changed_within(1..2));
    assert!(map.changed_within(0..3));
    assert!(!map.changed_within(2..3));
    assert!(!map.changed_within(1..1), "an empty range holds nothing");
}

#[test]
fn crlf_and_a_missing_final_newline_are_the_same_line() {
    assert!(LineMap::new("a\nb\n", "a\r\nb\r\n").is_identity());
    assert!(LineMap::new("a\nb\n", "a\nb").is_identity());
    assert!(LineMap::new("a\r\nb", "a\nb\n").is_identity());
    let map = LineMap::new("a\r\nb\r\nc", "a\nX\nc\n");
    assert_eq!(map.changed_new_lines(), &[1..2]);
    assert_eq!(map.new_len(), 3);
}

#[test]
fn empty_texts() {
    let map = LineMap::new("", "");
    assert!(map.is_identity());
    assert_eq!(map.old_to_new(0), None);

    let map = LineMap::new("", "a\nb\n");
    assert_eq!(new_to_old_all(&map, 2), vec![None, None]);
    assert_eq!(map.changed_new_lines(), &[0..2]);

    let map = LineMap::new("a\nb\n", "");
    assert_eq!(old_to_new_all(&map, 2), vec![None, None]);
    assert!(map.changed_new_lines().is_empty());
    assert!(!map.changed_within(0..10));
}

#[test]
fn lines_past_the_end_map_nowhere() {
    let map = LineMap::new("a\nb\n", "x\na\nb\n");
    assert_eq!(map.old_to_new(2), None);
    assert_eq!(map.new_to_old(3), None);
    assert_eq!(map.old_to_new(u32::MAX), None);
}

/// A small deterministic generator (xorshift64*), so failures replay.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap()
    }
}

/// Lines from a small alphabet, so that many lines repeat, as `}` and blank lines do in code.
fn random_line(rng: &mut Rng, fresh: &mut usize) -> String {
    if rng.below(3) == 0 {
        *fresh += 1;
        format!("unique {fresh}")
    } else {
        ["", "}", "{", "return x;", "x += 1;"][rng.below(5)].to_owned()
    }
}

fn join(lines: &[String], crlf: bool, final_newline: bool) -> String {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut text = lines.join(eol);
    // Without a final terminator a last empty line would not be a line at all.
    let last_is_empty = lines.last().is_some_and(String::is_empty);
    if (final_newline || last_is_empty) && !lines.is_empty() {
        text.push_str(eol);
    }
    text
}

#[test]
fn random_edits_agree_with_a_brute_force_reading() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut fresh = 0;
    for case in 0..2000 {
        let len = rng.below(40);
        let old: Vec<String> = (0..len)
            .map(|_| random_line(&mut rng, &mut fresh))
            .collect();
        let mut new = old.clone();
        for _ in 0..rng.below(6) {
            let at = rng.below(new.len() + 1);
            match rng.below(3) {
                0 => {
                    for _ in 0..1 + rng.below(4) {
                        new.insert(at, random_line(&mut rng, &mut fresh));
                    }
                }
                1 => {
                    let end = (at + 1 + rng.below(4)).min(new.len());
                    new.drain(at..end);
                }
                _ => {
                    if at < new.len() {
                        new[at] = random_line(&mut rng, &mut fresh);
                    }
                }
            }
        }
        let old_text = join(&old, rng.below(2) == 0, rng.below(4) != 0);
        let new_text = join(&new, rng.below(2) == 0, rng.below(4) != 0);
        let map = LineMap::new(&old_text, &new_text);
        let ctx = format!("case {case}: {old:?} -> {new:?}");
        let (old_len, new_len) = (old.len() as u32, new.len() as u32);
        assert_eq!((map.old_len(), map.new_len()), (old_len, new_len), "{ctx}");
        assert_eq!(map.is_identity(), old == new, "{ctx}");

        // Matched lines have equal text, round-trip, and keep their order.
        let mut last_old = None;
        for y in 0..new_len {
            if let Some(x) = map.new_to_old(y) {
                assert_eq!(old[x as usize], new[y as usize], "{ctx}: line {y}");
                assert_eq!(map.old_to_new(x), Some(y), "{ctx}: line {y}");
                assert!(last_old < Some(x), "{ctx}: line {y} out of order");
                last_old = Some(x);
            }
        }
        for x in 0..old_len {
            if let Some(y) = map.old_to_new(x) {
                assert_eq!(map.new_to_old(y), Some(x), "{ctx}: old line {x}");
            }
        }

        // Changed lines are exactly the unmatched ones.
        let unmatched: Vec<u32> = (0..new_len)
            .filter(|&y| map.new_to_old(y).is_none())
            .collect();
        let changed: Vec<u32> = map
            .changed_new_lines()
            .iter()
            .flat_map(|r| r.clone())
            .collect();
        assert_eq!(changed, unmatched, "{ctx}");
        for pair in map.changed_new_lines().windows(2) {
            assert!(
                pair[0].end < pair[1].start,
                "{ctx}: ranges overlap or touch"
            );
        }

        // changed_within: an unmatched line inside, or old lines missing between two lines.
        for start in 0..=new_len {
            for end in start..=new_len {
                let expected = (start..end).any(|y| map.new_to_old(y).is_none())
                    || (start..end.saturating_sub(1))
                        .any(|y| map.new_to_old(y + 1).unwrap() - map.new_to_old(y).unwrap() > 1);
                assert_eq!(
                    map.changed_within(start..end),
                    expected,
                    "{ctx}: range {start}..{end}"
                );
            }
        }
    }
}

#[test]
fn a_one_line_change_in_five_thousand_lines_is_cheap() {
    let old: String = (0..5000)
        .map(|i| format!("    let value_{i} = compute({i});\n"))
        .collect();
    let new = old.replace("compute(2500)", "compute(2501)");
    let mut best = std::time::Duration::MAX;
    for _ in 0..5 {
        let start = std::time::Instant::now();
        let map = LineMap::new(&old, &new);
        best = best.min(start.elapsed());
        assert_eq!(map.changed_new_lines(), &[2500..2501]);
    }
    // Unoptimised builds are several times slower than release; this only guards against the
    // diff running over the whole text.
    assert!(best.as_millis() < 20, "took {best:?}");
}
