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

/// The volume answered by a server (see [`super::query::volume_request`]): series labelled
/// `level` or `detected_level` (absent = unknown), points at bucket ends (ms). A point `t` counts
/// the lines in `(t − width, t]`, which becomes the bucket starting at `t − width`.
pub fn volume_from_series(series: &[crate::series::Series], first_ns: i64, width_ns: i64, end_ns: i64) -> Volume {
    let n = usize::try_from(end_ns.saturating_sub(first_ns).max(0) / width_ns.max(1) + 1).unwrap_or(1).min(100_000);
    let mut v = Volume { start_ns: first_ns, bucket_ns: width_ns.max(1), counts: vec![[0; 7]; n], without_time: 0, outside: 0 };
    for s in series {
        let name = s.labels.get("level").or_else(|| s.labels.get("detected_level")).unwrap_or("");
        let level = super::level::parse(name).unwrap_or(Level::Unknown);
        for (&t_ms, &value) in s.t_ms.iter().zip(&s.values) {
            let count = if value.is_finite() && value > 0.0 { value.round().min(u32::MAX as f64) as u32 } else { 0 };
            let t = t_ms.saturating_mul(1_000_000);
            let b = (t - width_ns - first_ns).div_euclid(width_ns.max(1));
            match usize::try_from(b).ok().and_then(|b| v.counts.get_mut(b)) {
                Some(c) => c[level.index()] = c[level.index()].saturating_add(count),
                None => v.outside += count as usize,
            }
        }
    }
    v
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
    fn server_series_become_buckets() {
        use crate::series::{Labels, Series};
        let lbl = |k: &str, v: &str| Labels([(k.to_string(), v.to_string())].into_iter().collect());
        let series = vec![
            Series { labels: lbl("level", "error"), t_ms: vec![60_000, 120_000], values: vec![2.0, 3.0] },
            Series { labels: lbl("detected_level", "info"), t_ms: vec![60_000], values: vec![5.0] },
            Series { labels: Labels::default(), t_ms: vec![999_000], values: vec![1.0] },
        ];
        let v = volume_from_series(&series, 0, 60 * NS, 120 * NS);
        assert_eq!(v.counts[0][Level::Error.index()], 2);
        assert_eq!(v.counts[1][Level::Error.index()], 3);
        assert_eq!(v.counts[0][Level::Info.index()], 5);
        assert_eq!(v.outside, 1);
        let req = crate::logs::query::volume_request(r#"{job="shop"} |= "x""#, 10 * NS, 7200 * NS, 100).unwrap();
        assert_eq!((req.first_ns, req.width_ns), (0, 120 * NS));
        let params = req.params;
        assert_eq!(params[0].1, r#"sum by (level, detected_level) (count_over_time({job="shop"} |= "x" [120s]))"#);
        assert_eq!(params[1].1, (120 * NS).to_string());
        assert_eq!(params[3].1, "120s");
        assert!(crate::logs::query::volume_request("rate({a=\"b\"}[1m])", 0, NS, 10).is_none());
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
