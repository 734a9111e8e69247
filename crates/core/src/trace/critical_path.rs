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
//!
//! Cost: the sanitising pass reads every span once and writes one clamped interval per span (a
//! dropped span is marked by an empty interval `[u64::MAX, 0]`, which also drops its children).
//! The walk goes down through LFCs and back up through the parents; only a span with more than
//! one alive child needs to remember where it was (a frame on an explicit stack, its children
//! sorted into a stack-like buffer truncated when the frame is left). A span with one child has
//! nothing left to choose when the walk comes back, so a chain costs no frame at all, and a span
//! is entered at most once. Children are sorted only when the walk enters their parent, and only
//! when they are not already in end order (sequential children are). [`CriticalPathScratch`]
//! keeps the working columns between calls.
//!
//! No layout check per call ([`Trace::layout_ok`] holds for every trace the builder or the
//! offload decoder makes, and costs three passes over the columns): every read is checked, a
//! span whose parent does not precede it counts as a root of the sanitising pass, and the walk
//! goes down only to later spans and up only to earlier ones, so it ends on any columns.

use super::model::{RefType, SpanKind, Trace};

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

/// The clamped interval of a span dropped by sanitising: empty (`start > end`), and every child
/// of it falls outside it and is dropped too.
const DROPPED: (u64, u64) = (u64::MAX, 0);

/// A span with more than one alive child that the walk is inside: its children still to
/// consider are `kids[lo..cursor]` (the cursor only moves down: a child ending at or after the
/// limit never qualifies again, as limits only decrease).
#[derive(Clone, Copy, Debug)]
struct Frame {
    span: u32,
    lo: u32,
    cursor: u32,
}

/// The working columns of the critical-path computation, kept between calls so that analysing
/// many traces does not allocate them again (they grow to the largest trace seen). Results do
/// not depend on what the scratch held before.
#[derive(Clone, Debug, Default)]
pub struct CriticalPathScratch {
    /// Sanitised (clamped) `(start, end)` of each span; [`DROPPED`] for a dropped one.
    iv: Vec<(u64, u64)>,
    /// The spans the walk is inside, root first.
    frames: Vec<Frame>,
    /// The alive children of each frame's span as `(clamped end, u32::MAX − index)`, one segment
    /// per frame, sorted ascending: a segment's last entry is the LFC (largest end, ties to the
    /// first in start order).
    kids: Vec<(u64, u32)>,
}

impl CriticalPathScratch {
    /// Computes the critical path of `trace` (see the module doc).
    pub fn run(&mut self, trace: &Trace) -> CriticalPath {
        let n = trace.len();
        let excluded = self.sanitise(trace);
        // Reserved up front, so no buffer is regrown (and copied) during the walk: at most one
        // frame per span on the stack, each child in at most one live segment, and at most two
        // sections per span (one when it is chosen as an LFC, one when it is left). The sections'
        // unused room is given back at the end.
        let mut out = CriticalPath {
            sections: Vec::with_capacity(2 * n),
            per_span_ns: vec![0u64; n],
            excluded_spans: excluded,
        };
        self.frames.clear();
        self.frames.reserve(n);
        self.kids.clear();
        self.kids.reserve(n);
        for &root in trace.roots() {
            self.walk(trace, root, &mut out);
        }
        out.sections.shrink_to_fit();
        out
    }

    /// Fills `iv` in pre-order (a parent's clamped interval is known before its children's);
    /// returns the number of spans dropped.
    fn sanitise(&mut self, trace: &Trace) -> usize {
        let kinds = trace.kinds();
        let iv = &mut self.iv;
        iv.clear();
        iv.reserve(trace.len());
        let mut excluded = 0usize;
        let spans = trace
            .parents()
            .iter()
            .zip(trace.ref_types())
            .zip(kinds)
            .zip(trace.starts_ns().iter().zip(trace.ends_ns()));
        for (((&p, &r), &k), (&s, &e)) in spans {
            // A root ([`super::model::NO_PARENT`]) has no entry yet: pre-order puts every parent before its children.
            let v = match iv.get(p as usize) {
                None => (s, e),
                Some(&(ps, pe)) => {
                    let non_blocking = r == RefType::FollowsFrom
                        || (k == SpanKind::Consumer
                            && kinds.get(p as usize) == Some(&SpanKind::Producer));
                    let inside = if s >= ps { s < pe } else { e > ps };
                    if inside && !non_blocking {
                        (s.max(ps), e.min(pe))
                    } else {
                        excluded += 1;
                        DROPPED
                    }
                }
            };
            iv.push(v);
        }
        excluded
    }

    /// The first LFC of `span`: its alive child with the largest end, ties to the first in start
    /// order. When it has more than one, its children are sorted into a new segment of `kids` and
    /// a frame is pushed for coming back to it. Only children after the span in pre-order count,
    /// so the walk always moves forward going down.
    fn first_lfc(
        iv: &[(u64, u64)],
        frames: &mut Vec<Frame>,
        kids: &mut Vec<(u64, u32)>,
        children: &[u32],
        span: u32,
    ) -> Option<(u64, u32)> {
        let lo = kids.len();
        let alive = |&c: &u32| match iv.get(c as usize) {
            Some(&(s, e)) if s <= e && c > span => Some((e, u32::MAX - c)),
            _ => None,
        };
        kids.extend(children.iter().filter_map(alive));
        let seg = kids.get_mut(lo..).unwrap_or_default();
        match seg.len() {
            0 => return None,
            // No frame: with one child, nothing is left to choose when the walk comes back.
            1 => return kids.pop(),
            _ => {}
        }
        // Children that do not overlap are already in this order: check before sorting.
        if !seg.windows(2).all(|w| w[0] <= w[1]) {
            seg.sort_unstable();
        }
        let cursor = kids.len() as u32 - 1;
        frames.push(Frame {
            span,
            lo: lo as u32,
            cursor,
        });
        kids.get(cursor as usize).copied()
    }

    /// Walks the tree under `root`, appending its sections to `out`: down through LFCs to a span
    /// without alive children, then up through the parents until one has a child left to choose
    /// (only spans with a frame can), and down again from there. A chosen child without children
    /// is walked in place (its section, then back in its parent's frame).
    fn walk(&mut self, trace: &Trace, root: u32, out: &mut CriticalPath) {
        let CriticalPath {
            sections,
            per_span_ns,
            ..
        } = out;
        let mut emit = |span: u32, start_ns: u64, end_ns: u64| {
            if end_ns > start_ns {
                sections.push(Section {
                    span,
                    start_ns,
                    end_ns,
                });
                if let Some(total) = per_span_ns.get_mut(span as usize) {
                    *total += end_ns - start_ns;
                }
            }
        };
        let Self { iv, frames, kids } = self;
        let parents = trace.parents();
        let mut next = Some(root);
        while let Some(mut span) = next.take() {
            // Down: each span's section from its LFC's end to its bound (its end: no limit yet).
            let mut limit = loop {
                let Some(&(start, end)) = iv.get(span as usize) else {
                    return;
                };
                let children = trace.children(span);
                let lfc = if children.is_empty() {
                    None
                } else {
                    Self::first_lfc(iv, frames, kids, children, span)
                };
                match lfc {
                    Some((c_end, c_rev)) => {
                        emit(span, c_end, end);
                        span = u32::MAX - c_rev;
                    }
                    None => {
                        emit(span, start, end);
                        break start;
                    }
                }
            };
            // Up from `span`, which is done: its parent's section ends at its start (`limit`),
            // and only children ending strictly before it qualify (none when it is 0).
            while span != root {
                // Only up to an earlier span, so the walk up ends.
                let Some(&p) = parents.get(span as usize).filter(|&&p| p < span) else {
                    return;
                };
                let Some(&(p_start, _)) = iv.get(p as usize) else {
                    return;
                };
                let Some(f) = frames.last_mut().filter(|f| f.span == p) else {
                    // One child: nothing left to choose.
                    emit(p, p_start, limit);
                    (span, limit) = (p, p_start);
                    continue;
                };
                // The parent's next LFCs, leaves walked in place, until one has children.
                let lo = f.lo as usize;
                let descend = loop {
                    let seg = kids.get(lo..f.cursor as usize).unwrap_or_default();
                    let lfc = limit
                        .checked_sub(1)
                        .and_then(|max_end| seg.iter().rposition(|&(ce, _)| ce <= max_end));
                    let Some((i, &(c_end, c_rev))) = lfc.and_then(|i| seg.get(i).map(|k| (i, k)))
                    else {
                        break None;
                    };
                    f.cursor = (lo + i) as u32;
                    emit(p, c_end, limit);
                    let c = u32::MAX - c_rev;
                    if !trace.children(c).is_empty() {
                        break Some(c);
                    }
                    let c_start = iv.get(c as usize).map_or(c_end, |c_iv| c_iv.0);
                    emit(c, c_start, c_end);
                    limit = c_start;
                };
                if descend.is_some() {
                    next = descend;
                    break;
                }
                emit(p, p_start, limit);
                frames.pop();
                kids.truncate(lo);
                (span, limit) = (p, p_start);
            }
        }
    }
}
