//! The critical path of a trace, by Jaeger UI's definition (algorithms.md §7.1), computed
//! iteratively in O(n log n) (§7.2) with sections identical to Jaeger's:
//! - **Per root**, in root order; the sections of all roots are concatenated.
//! - **Non-blocking children are pruned with their whole subtree**: a `FOLLOWS_FROM` child, and a
//!   CONSUMER child of a PRODUCER.
//! - **Sanitise**, in pre-order: a span whose parent was dropped is dropped; a span entirely
//!   outside its parent (`start ≥ parent.end` or `end ≤ parent.start`) is dropped; otherwise its
//!   start and end are clamped into the parent's already clamped interval.
//! - **Walk**: the last-finishing child (LFC) of a span is the child with the largest end, ties to
//!   the first in start order; with a limit, only children ending **strictly** before it qualify.
//!   With an LFC the span gets the section `[LFC.end, limit or span.end]` and the walk continues
//!   into the LFC without limit; without one it gets `[span.start, limit or span.end]` and the
//!   walk returns to the parent with `limit = span.start`. Empty sections are not emitted.
//!
//! [`CriticalPath::sections`] are in Jaeger's emission order: reverse-chronological within each
//! root. Deliberate difference: a limit of 0 is a limit (Jaeger tests it for truthiness), which
//! only matters for timestamps at the epoch. Each child is examined O(1) times (one cursor per
//! parent over its children sorted by (end, start order descending)); nothing recurses. The
//! sanitising pass reads every span once; children lists are sorted only for the spans the walk
//! reaches. [`CriticalPathScratch`] keeps the working columns between calls.

use super::model::{RefType, SpanKind, Trace, NO_PARENT};

/// A time interval of one span on the critical path (ns since epoch, `start_ns < end_ns`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Section {
    /// Index of the span in the trace.
    pub span: u32,
    pub start_ns: u64,
    pub end_ns: u64,
}

/// The critical path of a trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CriticalPath {
    /// Sections in Jaeger's order (reverse-chronological within each root, roots in order).
    pub sections: Vec<Section>,
    /// Critical-path time of each span (sum of its sections), indexed like the trace's spans.
    pub per_span_ns: Vec<u64>,
    /// Spans left out: non-blocking subtrees and spans entirely outside their parent.
    pub excluded_spans: usize,
}

impl CriticalPath {
    /// Total length of all sections (ns).
    pub fn total_ns(&self) -> u64 {
        self.sections.iter().map(|s| s.end_ns - s.start_ns).sum()
    }

    /// The sections sorted by start time (for drawing).
    pub fn chronological(&self) -> Vec<Section> {
        let mut s = self.sections.clone();
        s.sort_by_key(|x| (x.start_ns, x.end_ns, x.span));
        s
    }
}

/// Computes the critical path of `trace` (see the module doc) with fresh working columns; to
/// analyse many traces, keep one [`CriticalPathScratch`] and call [`CriticalPathScratch::run`].
pub fn critical_path(trace: &Trace) -> CriticalPath {
    CriticalPathScratch::default().run(trace)
}

/// Marks a span whose children list has not been built in [`CriticalPathScratch::kid_lo`].
const UNSEEN: u32 = u32::MAX;

/// The working columns of the critical-path computation, kept between calls so that analysing
/// many traces does not allocate them again (they grow to the largest trace seen). Results do
/// not depend on what the scratch held before.
#[derive(Clone, Debug, Default)]
pub struct CriticalPathScratch {
    /// Sanitised (clamped) start and end of each span.
    cs: Vec<u64>,
    ce: Vec<u64>,
    /// Whether each span survived sanitising.
    alive: Vec<bool>,
    /// Where each visited span's sorted alive children start in `kids` ([`UNSEEN`] before).
    kid_lo: Vec<u32>,
    /// One past each visited span's next LFC candidate in `kids`.
    cursor: Vec<u32>,
    /// Alive children of the visited spans, one segment per span, each sorted by (end
    /// ascending, start order descending): a segment's last entry is the LFC.
    kids: Vec<u32>,
}

impl CriticalPathScratch {
    /// Computes the critical path of `trace` (see the module doc).
    pub fn run(&mut self, trace: &Trace) -> CriticalPath {
        if !trace.layout_ok() {
            return CriticalPath::default();
        }
        let n = trace.len();
        let excluded = self.sanitise(trace);
        self.kid_lo.clear();
        self.kid_lo.resize(n, UNSEEN);
        self.cursor.clear();
        self.cursor.resize(n, 0);
        self.kids.clear();
        let mut sections = Vec::new();
        let mut per_span_ns = vec![0u64; n];
        // Records a non-empty section of `span`.
        let mut emit = |span: usize, start_ns: u64, end_ns: u64| {
            if end_ns > start_ns {
                sections.push(Section {
                    span: span as u32,
                    start_ns,
                    end_ns,
                });
                if let Some(total) = per_span_ns.get_mut(span) {
                    *total += end_ns - start_ns;
                }
            }
        };
        let parents = trace.parents();
        for &root in trace.roots() {
            let (mut span, mut limit) = (root as usize, None::<u64>);
            loop {
                let lo = self.children_of(trace, span);
                let (ce, kids, cursor) = (&self.ce, &self.kids, &mut self.cursor[span]);
                let bound = limit.unwrap_or(ce[span]);
                if let Some(l) = limit {
                    while *cursor > lo && ce[kids[*cursor as usize - 1] as usize] >= l {
                        *cursor -= 1;
                    }
                }
                if *cursor > lo {
                    let c = kids[*cursor as usize - 1] as usize;
                    emit(span, ce[c], bound);
                    (span, limit) = (c, None);
                } else {
                    emit(span, self.cs[span], bound);
                    match parents[span] {
                        NO_PARENT => break,
                        p => (span, limit) = (p as usize, Some(self.cs[span])),
                    }
                }
            }
        }
        CriticalPath {
            sections,
            per_span_ns,
            excluded_spans: excluded,
        }
    }

    /// Fills `cs`, `ce` and `alive` in pre-order (parents come before children); returns the
    /// number of spans dropped.
    fn sanitise(&mut self, trace: &Trace) -> usize {
        let n = trace.len();
        let (parents, kinds, refs) = (trace.parents(), trace.kinds(), trace.ref_types());
        self.cs.clear();
        self.cs.extend_from_slice(trace.starts_ns());
        self.ce.clear();
        self.ce.extend_from_slice(trace.ends_ns());
        self.alive.clear();
        self.alive.resize(n, true);
        let (cs, ce, alive) = (&mut self.cs, &mut self.ce, &mut self.alive);
        let mut excluded = 0usize;
        for i in 0..n {
            let p = parents[i] as usize;
            if p >= i {
                continue; // a root (NO_PARENT); pre-order puts every parent before its children
            }
            let non_blocking = refs[i] == RefType::FollowsFrom
                || (kinds[p] == SpanKind::Producer && kinds[i] == SpanKind::Consumer);
            let keep = alive[p] && !non_blocking && {
                let (ps, pe) = (cs[p], ce[p]);
                let (s, e) = (cs[i], ce[i]);
                if s >= ps {
                    if s >= pe {
                        false
                    } else {
                        ce[i] = e.min(pe);
                        true
                    }
                } else if e <= ps {
                    false
                } else {
                    cs[i] = ps;
                    ce[i] = e.min(pe);
                    true
                }
            };
            if !keep {
                alive[i] = false;
                excluded += 1;
            }
        }
        excluded
    }

    /// Start in `kids` of `span`'s sorted alive children, building the segment on the first
    /// visit (only spans the walk reaches pay for it).
    fn children_of(&mut self, trace: &Trace, span: usize) -> u32 {
        if self.kid_lo[span] != UNSEEN {
            return self.kid_lo[span];
        }
        let lo = self.kids.len();
        let alive = &self.alive;
        self.kids.extend(
            trace
                .children(span as u32)
                .iter()
                .copied()
                .filter(|&c| alive[c as usize]),
        );
        let ce = &self.ce;
        let key = |c: &u32| (ce[*c as usize], std::cmp::Reverse(*c));
        let seg = &mut self.kids[lo..];
        // Children that do not overlap are already in this order: check before sorting.
        if !seg.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
            seg.sort_unstable_by_key(key);
        }
        self.kid_lo[span] = lo as u32;
        self.cursor[span] = self.kids.len() as u32;
        lo as u32
    }
}
