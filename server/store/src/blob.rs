//! Coverage lines, compactly: sorted (line, hits) pairs as LEB128 varints, each line as the gap
//! from the previous one. A typical file's coverage takes two to three bytes a line.

/// Encodes `(line, hits)` pairs sorted by line.
pub fn encode_lines(lines: &[(u32, u64)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(lines.len() * 3);
    let mut previous = 0u32;
    for &(line, hits) in lines {
        debug_assert!(line >= previous, "coverage lines must be sorted");
        put_varint(&mut out, u64::from(line.saturating_sub(previous)));
        put_varint(&mut out, hits);
        previous = line;
    }
    out
}

/// Decodes what [`encode_lines`] wrote; `None` for bytes it did not write.
pub fn decode_lines(mut bytes: &[u8]) -> Option<Vec<(u32, u64)>> {
    let mut out = Vec::new();
    let mut line = 0u32;
    while !bytes.is_empty() {
        let gap = take_varint(&mut bytes)?;
        let hits = take_varint(&mut bytes)?;
        line = line.checked_add(u32::try_from(gap).ok()?)?;
        out.push((line, hits));
    }
    Some(out)
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn take_varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_stay_small() {
        let lines = vec![(1, 0), (2, 1), (3, 300), (10, 0), (70_000, u64::MAX)];
        let blob = encode_lines(&lines);
        assert_eq!(decode_lines(&blob), Some(lines));
        let dense: Vec<(u32, u64)> = (1..=1000).map(|l| (l, 5)).collect();
        assert_eq!(encode_lines(&dense).len(), 2000);
    }

    #[test]
    fn damaged_blobs_decode_to_none() {
        assert_eq!(decode_lines(&[0x80]), None);
        assert_eq!(decode_lines(&[1]), None);
    }
}
