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
//! parent over its children sorted by (end, start order descending)); nothing recurses.

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

/// `true` when the edge from `parent` to `child` does not block the parent.
fn non_blocking(trace: &Trace, parent: usize, child: usize) -> bool {
    let kinds = trace.kinds();
    trace.ref_types().get(child) == Some(&RefType::FollowsFrom)
        || (kinds.get(parent) == Some(&SpanKind::Producer)
            && kinds.get(child) == Some(&SpanKind::Consumer))
}

/// Computes the critical path of `trace` (see the module doc).
pub fn critical_path(trace: &Trace) -> CriticalPath {
    let n = trace.len();
    let parents = trace.parents();
    let (starts, ends) = (trace.starts_ns(), trace.ends_ns());
    if !trace.layout_ok() {
        return CriticalPath::default();
    }
    // Sanitise in pre-order (parents come before children).
    let mut cs = starts.to_vec();
    let mut ce = ends.to_vec();
    let mut alive = vec![true; n];
    let mut excluded = 0usize;
    for i in 0..n {
        let p = parents[i] as usize;
        if p >= i {
            continue; // a root (NO_PARENT); pre-order puts every parent before its children
        }
        let keep = alive[p] && !non_blocking(trace, p, i) && {
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
    // Alive children of each span, sorted by (end ascending, start order descending): the last
    // one is the LFC (largest end, ties to the first in start order).
    let offsets = trace.child_offsets();
    let flat = trace.children_flat();
    let mut kid_off = Vec::with_capacity(n + 1);
    let mut kids: Vec<u32> = Vec::with_capacity(n);
    kid_off.push(0u32);
    for v in 0..n {
        let seg_start = kids.len();
        let (a, b) = (offsets[v] as usize, offsets[v + 1] as usize);
        kids.extend(flat[a..b].iter().copied().filter(|&c| alive[c as usize]));
        let seg = &mut kids[seg_start..];
        let key = |c: &u32| (ce[*c as usize], std::cmp::Reverse(*c));
        // Children that do not overlap are already in this order: check before sorting.
        if !seg.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
            seg.sort_unstable_by_key(key);
        }
        kid_off.push(kids.len() as u32);
    }
    let mut cursor: Vec<u32> = kid_off[1..].to_vec();
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
    for &root in trace.roots() {
        let (mut span, mut limit) = (root as usize, None::<u64>);
        loop {
            let bound = limit.unwrap_or(ce[span]);
            let lo = kid_off[span];
            if let Some(l) = limit {
                while cursor[span] > lo && ce[kids[cursor[span] as usize - 1] as usize] >= l {
                    cursor[span] -= 1;
                }
            }
            if cursor[span] > lo {
                let c = kids[cursor[span] as usize - 1] as usize;
                emit(span, ce[c], bound);
                (span, limit) = (c, None);
            } else {
                emit(span, cs[span], bound);
                match parents[span] {
                    NO_PARENT => break,
                    p => (span, limit) = (p as usize, Some(cs[span])),
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
