//! M4 downsampling (Jugel et al., PVLDB 7(10) 2014): reduce one series to at most four points per
//! pixel column — first, min, max and last — before it is drawn. The rasterised line is the same
//! as drawing every point, and at most `4 · width_px` points per run reach the chart whatever the
//! input size.
//!
//! Contract of [`m4`]:
//! - Units: timestamps are `i64` ms; the window is `[t0_ms, t1_ms)` split into `width_px` equal
//!   columns; a point's column is `⌊(t − t0) · w / (t1 − t0)⌋` computed exactly in integers.
//! - Points outside the window are **clamped** into the first or last column (not dropped), so the
//!   line reaches the chart's edge and its slope there is right. Pass one point beyond each edge
//!   when you trim the input yourself.
//! - Non-finite values (`NaN`, `±Inf`) are not drawn: each one **breaks the line** and is counted
//!   in [`M4Line::hidden_non_finite`]. With `max_gap_ms = Some(g)`, two consecutive samples more
//!   than `g` ms apart also break the line (Prometheus staleness: never interpolate across a gap;
//!   `g ≤ 0` is ignored). M4 runs separately per contiguous run, so a column may hold up to four
//!   points for each run that touches it.
//! - Output: the kept points in input order; runs are separated by exactly one entry whose value
//!   is `NaN` and whose timestamp is that of the sample that caused the break (the non-finite
//!   sample or the first sample after the gap). Every other output value is finite. There is no
//!   separator before the first or after the last run; [`M4Line::runs`] yields the runs.
//! - Input is expected non-decreasing in time (as [`crate::series::Series`] guarantees); then the
//!   output is too. Unsorted input never panics: the output keeps input order, may hold more than
//!   four points per column, and is at most as long as the input plus its separators.
//! - Columns of different lengths: the shorter length is used. `width_px == 0` or
//!   `t1_ms <= t0_ms` (nothing can be drawn): the output is empty, but non-finite values are still
//!   counted. Empty input: empty output.
//! - Cost: one O(n) pass; the column of a point is recomputed (one division) only when the point
//!   leaves the current column's time span, so a sorted series costs about one division per
//!   column; no allocation besides the output. When a column's points sit on a regular step (a
//!   Prometheus `query_range` result), the column is an index range found by arithmetic and is
//!   folded by a branch-free min/max pass over the values, at about memory bandwidth.

/// A downsampled line; see the module doc for the layout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct M4Line {
    /// Timestamps (ms) of the kept points and separators.
    pub t_ms: Vec<i64>,
    /// Values of the kept points (finite) and separators (`NaN`).
    pub values: Vec<f64>,
    /// How many input values were `NaN` or `±Inf` (not drawn; shown in the legend/tooltip).
    pub hidden_non_finite: usize,
}

impl M4Line {
    /// Number of entries, separators included.
    pub fn len(&self) -> usize {
        self.t_ms.len()
    }

    /// True when there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.t_ms.is_empty()
    }

    /// The contiguous runs to draw, each as `(t_ms, values)` slices without separators.
    pub fn runs(&self) -> impl Iterator<Item = (&[i64], &[f64])> + '_ {
        let n = self.t_ms.len().min(self.values.len());
        let mut start = 0usize;
        let mut idx = 0usize;
        std::iter::from_fn(move || {
            while idx <= n {
                let at_end = idx == n;
                let is_break = self.values.get(idx).is_some_and(|v| v.is_nan());
                idx += 1;
                if at_end || is_break {
                    let (s, e) = (start, idx - 1);
                    start = idx;
                    if e > s {
                        return Some((self.t_ms.get(s..e).unwrap_or(&[]), self.values.get(s..e).unwrap_or(&[])));
                    }
                }
            }
            None
        })
    }
}

/// Reduces one series to what `width_px` pixel columns over `[t0_ms, t1_ms)` can show; see the
/// module doc for the contract. `max_gap_ms`: break the line where consecutive samples are more
/// than this far apart (e.g. twice the query step), `None` to never break on gaps.
pub fn m4(t_ms: &[i64], values: &[f64], t0_ms: i64, t1_ms: i64, width_px: u32, max_gap_ms: Option<i64>) -> M4Line {
    let n = t_ms.len().min(values.len());
    let (t_ms, values) = (t_ms.get(..n).unwrap_or(&[]), values.get(..n).unwrap_or(&[]));
    if width_px == 0 || t1_ms <= t0_ms {
        let hidden_non_finite = values.iter().filter(|v| !v.is_finite()).count();
        return M4Line { hidden_non_finite, ..M4Line::default() };
    }
    let grid = Grid { t0: t0_ms, span: i128::from(t1_ms) - i128::from(t0_ms), width: width_px };
    let max_gap = max_gap_ms.filter(|&g| g > 0);
    let cap = n.min((width_px as usize).saturating_mul(4).saturating_add(64));
    let mut b = Builder {
        out: M4Line { t_ms: Vec::with_capacity(cap), values: Vec::with_capacity(cap), hidden_non_finite: 0 },
        pending_break: None,
    };
    let mut col: Option<Column> = None;
    // Time span [lo, hi) of the current column; starts empty so the first point computes it.
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    let mut prev_t: Option<i64> = None;

    let mut i = 0usize;
    while let (Some(&t), Some(&v)) = (t_ms.get(i), values.get(i)) {
        if !v.is_finite() {
            b.out.hidden_non_finite += 1;
            b.close_run(col.take(), t);
            prev_t = None;
            i += 1;
            continue;
        }
        if let (Some(g), Some(p)) = (max_gap, prev_t) {
            if t.saturating_sub(p) > g {
                b.close_run(col.take(), t);
            }
        }
        prev_t = Some(t);
        let p = Pt { i, t, v };
        match col.as_mut() {
            Some(c) if lo <= t && t < hi => c.add(p),
            _ => {
                if let Some(c) = col.take() {
                    b.emit(c);
                }
                (lo, hi) = grid.span_of(grid.column_of(t));
                let mut c = Column::new(p);
                if let Some(end) = regular_run(&mut c, t_ms, values, hi, max_gap) {
                    prev_t = Some(c.last.t);
                    col = Some(c);
                    i = end;
                    continue;
                }
                col = Some(c);
            }
        }
        i += 1;
    }
    if let Some(c) = col {
        b.emit(c);
    }
    b.out
}

/// The column arithmetic, exact in `i128` (no overflow whatever the timestamps).
struct Grid {
    t0: i64,
    /// `t1 − t0`, positive.
    span: i128,
    width: u32,
}

impl Grid {
    fn column_of(&self, t: i64) -> u32 {
        let dt = i128::from(t) - i128::from(self.t0);
        if dt <= 0 {
            return 0;
        }
        let c = dt * i128::from(self.width) / self.span;
        u32::try_from(c).unwrap_or(u32::MAX).min(self.width - 1)
    }

    /// The times `[lo, hi)` that fall into column `c`; the edge columns reach ±∞ (clamping).
    fn span_of(&self, c: u32) -> (i64, i64) {
        // t belongs to c ⇔ c·span ≤ (t − t0)·w < (c+1)·span ⇔ t − t0 ≥ ⌈c·span / w⌉ and
        // t − t0 < ⌈(c+1)·span / w⌉.
        let start = |c: u32| {
            let off = (i128::from(c) * self.span + i128::from(self.width) - 1) / i128::from(self.width);
            i64::try_from(i128::from(self.t0) + off).unwrap_or(i64::MAX)
        };
        let lo = if c == 0 { i64::MIN } else { start(c) };
        let hi = if c + 1 >= self.width { i64::MAX } else { start(c + 1) };
        (lo, hi)
    }
}

/// Shortest run worth the bulk path (shorter columns go point by point).
const MIN_BULK: usize = 16;
/// Values per block when looking for a run's minimum and maximum (the first occurrence is then
/// searched inside one block only).
const BLOCK: usize = 256;

/// The bulk path for a column that starts with `c` (one point, index `c.first.i`) and ends before
/// `hi`: when the following points sit exactly on the grid `t_i + k·step` (step = the distance to
/// the next point, `0 < step ≤ max_gap`), the column's points are an index range found with one
/// division, and folding them is a branch-free min/max pass over the values. Returns the index
/// after the run, or `None` (nothing changed) when the run is short, irregular or holds a
/// non-finite value — then the column goes point by point. Gives exactly what [`Column::add`] per
/// point would.
fn regular_run(c: &mut Column, t_ms: &[i64], values: &[f64], hi: i64, max_gap: Option<i64>) -> Option<usize> {
    let (i, t_i) = (c.first.i, c.first.t);
    let step = t_ms.get(i + 1)?.checked_sub(t_i)?;
    if step <= 0 || max_gap.is_some_and(|g| step > g) {
        return None;
    }
    // Grid points t_i + k·step < hi for k ≥ 1: k ≤ (hi − 1 − t_i) / step.
    let k_max = hi.checked_sub(1)?.checked_sub(t_i)? / step;
    let len = t_ms.len().min(values.len());
    let end = usize::try_from(k_max).unwrap_or(usize::MAX).saturating_add(i + 1).min(len);
    if end < i + MIN_BULK {
        return None;
    }
    let (ts, vs) = (t_ms.get(i + 1..end)?, values.get(i + 1..end)?);
    if !on_grid(ts, t_i, step) {
        return None;
    }
    // Non-negative values compare like their bit patterns; otherwise use the order-preserving key.
    let mut ext = Extremes::of(vs, |v| v.to_bits() as i64);
    if ext.min < 0 {
        ext = Extremes::of(vs, order_key);
    }
    // Finite iff every key lies strictly between those of −∞ and +∞ (NaNs fall outside).
    if ext.min <= order_key(f64::NEG_INFINITY) || ext.max >= order_key(f64::INFINITY) {
        return None;
    }
    let (min, max) = (from_order_key(ext.min), from_order_key(ext.max));
    // The first value equal to the target (f64 equality, as `Column::add` compares): inside the
    // block where the extreme was set, or from the start for a zero (−0.0 and +0.0 are equal).
    let point = |block: usize, target: f64| {
        let from = if target == 0.0 { 0 } else { block * BLOCK };
        let k = vs.get(from..)?.iter().position(|&v| v == target)? + from;
        Some(Pt { i: i + 1 + k, t: *ts.get(k)?, v: *vs.get(k)? })
    };
    if min < c.min.v {
        c.min = point(ext.min_block, min)?;
    }
    if max > c.max.v {
        c.max = point(ext.max_block, max)?;
    }
    c.last = Pt { i: end - 1, t: *ts.last()?, v: *vs.last()? };
    Some(end)
}

/// True when `ts[k] == t_i + (k+1)·step` for every `k` (four lanes, no branch per point).
fn on_grid(ts: &[i64], t_i: i64, step: i64) -> bool {
    let quads = ts.chunks_exact(4);
    let tail_start = (ts.len() - quads.remainder().len()) as i64;
    let mut bad = 0i64;
    let mut expect = t_i.wrapping_add(tail_start.wrapping_mul(step));
    for &t in quads.remainder() {
        expect = expect.wrapping_add(step);
        bad |= t ^ expect;
    }
    let mut lanes = [0i64; 4];
    let mut expect4: [i64; 4] = std::array::from_fn(|k| t_i.wrapping_add((k as i64 + 1).wrapping_mul(step)));
    let step4 = step.wrapping_mul(4);
    for q in quads {
        for ((&t, e), b) in q.iter().zip(&mut expect4).zip(&mut lanes) {
            *b |= t ^ *e;
            *e = e.wrapping_add(step4);
        }
    }
    (bad | lanes[0] | lanes[1] | lanes[2] | lanes[3]) == 0
}

/// An `i64` key monotonic in `f64` order for non-NaN values (its own inverse).
#[inline(always)]
fn order_key(v: f64) -> i64 {
    let b = v.to_bits() as i64;
    b ^ (((b >> 63) as u64) >> 1) as i64
}

/// The value of an [`order_key`] (for non-negative values the key is the bit pattern itself).
#[inline(always)]
fn from_order_key(k: i64) -> f64 {
    f64::from_bits((k ^ (((k >> 63) as u64) >> 1) as i64) as u64)
}

/// Smallest and largest key of a run and the blocks where each was first reached.
struct Extremes {
    min: i64,
    max: i64,
    min_block: usize,
    max_block: usize,
}

impl Extremes {
    /// Branch-free integer min/max in four lanes per block (WASM engines turn an `f64` select
    /// into a branch, which mispredicts on noisy data).
    #[inline(always)]
    fn of(vs: &[f64], key: impl Fn(f64) -> i64) -> Extremes {
        let mut e = Extremes { min: i64::MAX, max: i64::MIN, min_block: 0, max_block: 0 };
        for (b, block) in vs.chunks(BLOCK).enumerate() {
            let (mut lo, mut hi) = ([i64::MAX; 4], [i64::MIN; 4]);
            let quads = block.chunks_exact(4);
            for &v in quads.remainder() {
                let k = key(v);
                lo[0] = lo[0].min(k);
                hi[0] = hi[0].max(k);
            }
            for q in quads {
                for ((&v, lo), hi) in q.iter().zip(&mut lo).zip(&mut hi) {
                    let k = key(v);
                    *lo = (*lo).min(k);
                    *hi = (*hi).max(k);
                }
            }
            let (lo, hi) = (lo.iter().fold(i64::MAX, |a, &x| a.min(x)), hi.iter().fold(i64::MIN, |a, &x| a.max(x)));
            if lo < e.min {
                (e.min, e.min_block) = (lo, b);
            }
            if hi > e.max {
                (e.max, e.max_block) = (hi, b);
            }
        }
        e
    }
}

#[derive(Clone, Copy)]
struct Pt {
    i: usize,
    t: i64,
    v: f64,
}

/// First, min, max and last point of one column within one run.
struct Column {
    first: Pt,
    min: Pt,
    max: Pt,
    last: Pt,
}

impl Column {
    fn new(p: Pt) -> Column {
        Column { first: p, min: p, max: p, last: p }
    }

    fn add(&mut self, p: Pt) {
        if p.v < self.min.v {
            self.min = p;
        }
        if p.v > self.max.v {
            self.max = p;
        }
        self.last = p;
    }
}

struct Builder {
    out: M4Line,
    /// Timestamp of the sample that broke the line, when a separator is owed before the next point.
    pending_break: Option<i64>,
}

impl Builder {
    fn push(&mut self, p: Pt) {
        if let Some(t) = self.pending_break.take() {
            self.out.t_ms.push(t);
            self.out.values.push(f64::NAN);
        }
        self.out.t_ms.push(p.t);
        self.out.values.push(p.v);
    }

    /// Emits a column's distinct kept points in input order (first ≤ min, max ≤ last by index).
    fn emit(&mut self, c: Column) {
        let (a, b) = if c.min.i <= c.max.i { (c.min, c.max) } else { (c.max, c.min) };
        self.push(c.first);
        if a.i != c.first.i {
            self.push(a);
        }
        if b.i != a.i {
            self.push(b);
        }
        if c.last.i != b.i {
            self.push(c.last);
        }
    }

    /// Ends the current run at a sample with timestamp `t` (a non-finite value or the first sample
    /// after a gap). A separator is owed only if something was drawn before.
    fn close_run(&mut self, col: Option<Column>, t: i64) {
        if let Some(c) = col {
            self.emit(c);
        }
        if !self.out.is_empty() && self.pending_break.is_none() {
            self.pending_break = Some(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_spans_match_the_column_formula() {
        for &(t0, t1, w) in
            &[(0i64, 1000i64, 7u32), (-50, 33, 10), (5, 6, 3), (0, i64::MAX, 1920), (i64::MIN, i64::MAX, 3)]
        {
            let g = Grid { t0, span: i128::from(t1) - i128::from(t0), width: w };
            for c in 0..w {
                let (lo, hi) = g.span_of(c);
                if hi > lo {
                    // A non-empty column: its span holds exactly the times the formula maps to it.
                    assert_eq!(g.column_of(lo), c, "lo of {c}");
                    assert_eq!(g.column_of(hi - 1), c, "hi of {c}");
                    if c > 0 {
                        assert!(g.column_of(lo - 1) < c, "before lo of {c}");
                    }
                    if c + 1 < w {
                        assert!(g.column_of(hi) > c, "hi of {c}");
                    }
                }
            }
        }
    }

    #[test]
    fn runs_skip_separators() {
        let line =
            M4Line { t_ms: vec![1, 2, 3, 4, 5], values: vec![1.0, 2.0, f64::NAN, 3.0, 4.0], hidden_non_finite: 1 };
        let runs: Vec<_> = line.runs().collect();
        assert_eq!(runs, vec![(&[1i64, 2][..], &[1.0, 2.0][..]), (&[4i64, 5][..], &[3.0, 4.0][..])]);
        assert_eq!(M4Line::default().runs().count(), 0);
    }
}
