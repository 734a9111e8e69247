//! Log volume: how many lines of each level fall in each time bucket (the Logs page's histogram).
//! Bucket width: the smallest of 1 s, 2 s, 5 s, 10 s, 15 s, 30 s, 1 m, 2 m, 5 m, 10 m, 15 m, 30 m,
//! 1 h, 2 h, 3 h, 6 h, 12 h, 1 d, 2 d, 7 d that gives at most the asked number of buckets; buckets
//! are aligned to multiples of the width since the epoch. One pass over the lines, O(n).

use super::model::{Level, LogStore, NO_TIME};

const NS: i64 = 1_000_000_000;
const WIDTHS_S: [i64; 20] =
    [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/// Lines per level per bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// Start of the first bucket (ns).
    pub start_ns: i64,
    /// Bucket width (ns).
    pub bucket_ns: i64,
    /// Per bucket, counts indexed by [`Level::index`].
    pub counts: Vec<[u32; 7]>,
    /// Lines without a time (not in any bucket).
    pub without_time: usize,
    /// Lines with a time outside `[start, end)`.
    pub outside: usize,
}

impl Volume {
    /// Total lines of `level` over all buckets.
    pub fn total(&self, level: Level) -> u64 {
        self.counts.iter().map(|c| u64::from(c[level.index()])).sum()
    }

    /// The largest bucket total (for the chart's scale).
    pub fn max_bucket(&self) -> u32 {
        self.counts.iter().map(|c| c.iter().sum::<u32>()).max().unwrap_or(0)
    }
}

/// The bucket width (ns) for `[start_ns, end_ns)` in at most `max_buckets` buckets.
pub fn bucket_width(start_ns: i64, end_ns: i64, max_buckets: usize) -> i64 {
    let span = end_ns.saturating_sub(start_ns).max(1);
    let max = i64::try_from(max_buckets.max(1)).unwrap_or(i64::MAX);
    WIDTHS_S
        .iter()
        .map(|s| s * NS)
        .find(|w| (span + w - 1) / w <= max)
        .unwrap_or_else(|| (span / max).saturating_add(1))
}

/// Counts `store`'s lines in `[start_ns, end_ns)` by level and bucket.
pub fn volume(store: &LogStore, start_ns: i64, end_ns: i64, max_buckets: usize) -> Volume {
    let width = bucket_width(start_ns, end_ns, max_buckets);
    let first = start_ns.div_euclid(width).saturating_mul(width);
    let n_buckets = usize::try_from(end_ns.saturating_sub(first).max(0) / width + 1).unwrap_or(1).min(max_buckets.max(1) + 1);
    let mut v = Volume { start_ns: first, bucket_ns: width, counts: vec![[0; 7]; n_buckets], without_time: 0, outside: 0 };
    for (&t, &level) in store.timestamps().iter().zip(store.levels()) {
        if t == NO_TIME {
            v.without_time += 1;
            continue;
        }
        if t < start_ns || t >= end_ns {
            v.outside += 1;
            continue;
        }
        let b = usize::try_from((t - first) / width).unwrap_or(usize::MAX);
        match v.counts.get_mut(b) {
            Some(c) => c[level.index()] = c[level.index()].saturating_add(1),
            None => v.outside += 1,
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::model::LogBuilder;

    #[test]
    fn counts_by_level_and_bucket() {
        let mut b = LogBuilder::default();
        let s = b.stream(Default::default());
        for (t, line) in [(0, "level=info"), (59, "level=error"), (60, "level=info"), (61, "x"), (400, "late"), (-5, "early")] {
            b.push(t * NS, line, s, None, vec![]);
        }
        b.push(NO_TIME, "none", s, None, vec![]);
        let store = b.finish();
        let v = volume(&store, 0, 300 * NS, 10);
        assert_eq!(v.bucket_ns, 30 * NS, "300 s in ≤ 10 buckets → 30 s");
        assert_eq!(v.start_ns, 0);
        assert_eq!(v.counts[0][Level::Info.index()], 1);
        assert_eq!(v.counts[1][Level::Error.index()], 1);
        assert_eq!(v.counts[2][Level::Info.index()], 1);
        assert_eq!(v.counts[2][Level::Unknown.index()], 1);
        assert_eq!((v.without_time, v.outside), (1, 2));
        assert_eq!(v.total(Level::Info), 2);
        assert_eq!(v.max_bucket(), 2);
        let total: u32 = v.counts.iter().flatten().sum();
        assert_eq!(total as usize + v.without_time + v.outside, store.len(), "every line is accounted for");
    }

    #[test]
    fn widths_and_degenerate_ranges() {
        assert_eq!(bucket_width(0, 6 * 3600 * NS, 120), 300 * NS);
        assert_eq!(bucket_width(0, 0, 100), NS);
        assert!(bucket_width(0, 1000 * 86400 * NS, 10) > 604800 * NS);
        let v = volume(&LogStore::default(), 10, 5, 0);
        assert!(!v.counts.is_empty());
    }
}
