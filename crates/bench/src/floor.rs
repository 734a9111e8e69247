//! The memory-bandwidth floor: one read of the same bytes a kernel reads, summed as 64-bit words
//! with four independent accumulators (integer adds, so the sum is never latency-bound). A kernel's
//! time divided by this one's, on the same machine in the same run, is its distance from what the
//! hardware allows.

/// Sums 64-bit words in four lanes.
#[inline]
fn sum_words(words: impl Iterator<Item = [u64; 4]>, tail: impl Iterator<Item = u64>) -> u64 {
    let mut acc = [0u64; 4];
    for w in words {
        for (a, x) in acc.iter_mut().zip(w) {
            *a = a.wrapping_add(x);
        }
    }
    tail.fold(acc.iter().fold(0u64, |s, &a| s.wrapping_add(a)), u64::wrapping_add)
}

/// Reads every `f64` once.
pub fn read_f64(xs: &[f64]) -> u64 {
    let quads = xs.chunks_exact(4);
    let tail = quads.remainder().iter().map(|x| x.to_bits());
    sum_words(quads.map(|q| std::array::from_fn(|i| q.get(i).map_or(0, |x| x.to_bits()))), tail)
}

/// Reads every `i64` once.
pub fn read_i64(xs: &[i64]) -> u64 {
    let quads = xs.chunks_exact(4);
    let tail = quads.remainder().iter().map(|&x| x as u64);
    sum_words(quads.map(|q| std::array::from_fn(|i| q.get(i).map_or(0, |&x| x as u64))), tail)
}

/// Reads every byte once, eight at a time.
pub fn read_bytes(bytes: &[u8]) -> u64 {
    let word = |c: &[u8]| c.try_into().map_or(0, u64::from_le_bytes);
    let blocks = bytes.chunks_exact(32);
    let tail = blocks.remainder().chunks(8).map(|c| c.iter().fold(0u64, |s, &b| (s << 8) | u64::from(b)));
    sum_words(blocks.map(|b| std::array::from_fn(|i| b.get(i * 8..i * 8 + 8).map_or(0, word))), tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_counted_once() {
        let xs: Vec<f64> = (0..11).map(f64::from).collect();
        assert_eq!(read_f64(&xs), xs.iter().fold(0u64, |s, x| s.wrapping_add(x.to_bits())));
        assert_eq!(read_i64(&[1, 2, 3, 4, 5]), 15);
        let bytes: Vec<u8> = (1..=33).collect();
        let want = bytes[..32].chunks(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).sum::<u64>() + 33;
        assert_eq!(read_bytes(&bytes), want);
    }
}
