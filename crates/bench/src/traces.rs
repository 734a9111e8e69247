//! The trace workloads of `make bench` (performance.md §9): seeded synthetic traces, the timed
//! kernels (thin calls into `sightline_core::trace`, what the app calls) and their checks.
//!
//! - **CP-RAND-100k / 1M**: a random tree — each span's parent is, half the time, any earlier
//!   span and otherwise one of the 64 latest (so both fan-out and depth vary), moved up to its
//!   ancestor at depth 11 when deeper — with 20 services,
//!   50 operations, 2 % of children overflowing their parent, and, in the second half of the
//!   spans, 2 % `FOLLOWS_FROM` edges and some PRODUCER→CONSUMER pairs.
//! - **CP-WIDE-10k / 100k**: one root with n−1 sequential children, 1 µs apart — the shape for
//!   which Jaeger UI's LFC rescans are O(n²).
//! - **CP-DEEP-100k**: a chain of n spans (depth n) — Jaeger UI's recursion overflows the stack.
//! - **SELF-100k**: self time of every span plus the per-(service, operation) statistics table of
//!   a CP-RAND trace.
//!
//! Checks before timing: the critical path equals the port of Jaeger UI's algorithm
//! ([`crate::jaeger_cp`]) section by section — except CP-WIDE-100k, whose O(n²) port would take
//! minutes, where every section is compared with the path the construction implies (each child
//! whole, the root in the gaps). Self times equal a sort-and-merge of each span's child
//! intervals; the table's p50/p95/p99 equal a full sort of each operation's durations, its counts
//! and totals a plain recount.

use std::collections::HashMap;

use sightline_core::trace::critical_path::{critical_path, CriticalPath, Section};
use sightline_core::trace::self_time::self_times;
use sightline_core::trace::stats::{operation_stats, OperationStats};
use sightline_core::trace::{RefType, ResourceId, SpanInput, SpanKind, StrId, Trace, TraceBuilder};

use crate::jaeger_cp::jaeger_reference;
use crate::reference::percentiles_by_sort;
use crate::rng::Rng;

pub const CP_RAND_100K: &str = "CP-RAND-100k";
pub const CP_RAND_1M: &str = "CP-RAND-1M";
pub const CP_WIDE_10K: &str = "CP-WIDE-10k";
pub const CP_WIDE_100K: &str = "CP-WIDE-100k";
pub const CP_DEEP_100K: &str = "CP-DEEP-100k";
pub const SELF_100K: &str = "SELF-100k";

/// Seed of every synthetic trace.
pub const SEED_TRACE: u64 = 0x5EED_0007;

/// Depth limit of random traces (real traces are rarely deeper; deeper random spans would be
/// nanoseconds long).
const MAX_DEPTH: usize = 12;

/// The shape of a synthetic trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Random,
    Wide,
    Deep,
}

/// The trace workloads: id, shape and span count at scale 1.
pub const TRACE_WORKLOADS: [(&str, Shape, usize); 6] = [
    (CP_RAND_100K, Shape::Random, 100_000),
    (CP_RAND_1M, Shape::Random, 1_000_000),
    (CP_WIDE_10K, Shape::Wide, 10_000),
    (CP_WIDE_100K, Shape::Wide, 100_000),
    (CP_DEEP_100K, Shape::Deep, 100_000),
    (SELF_100K, Shape::Random, 100_000),
];

/// A synthetic trace of `n` spans (at least 1) of `shape`; times in ns from 1 s past the epoch.
pub fn synthetic_trace(shape: Shape, n: usize, seed: u64) -> Trace {
    let n = n.max(1);
    let mut rng = Rng::new(seed);
    let mut b = TraceBuilder::new(u128::from(seed) << 64 | 1);
    let services: Vec<ResourceId> = (0..20)
        .map(|i| {
            let s = b.intern(&format!("service-{i:02}"));
            b.add_resource(s, &[])
        })
        .collect();
    let ops: Vec<StrId> = (0..50)
        .map(|i| b.intern(&format!("operation-{i:02}")))
        .collect();
    // u64 throughout: time spans exceed u32 (usize on wasm32) at 1M spans.
    let mut below = |k: u64| rng.next_u64() % k.max(1);
    let (mut starts, mut ends) = (vec![0u64; n], vec![0u64; n]);
    let (mut parent_of, mut depth) = (vec![0usize; n], vec![0usize; n]);
    let base = 1_000_000_000u64;
    let us = 1_000u64;
    for i in 0..n {
        let (parent, start, end) = match (shape, i) {
            (_, 0) => (None, base, base + 10 * us * n as u64 + us),
            (Shape::Wide, _) => {
                let s = base + 10 * us * (i as u64 - 1) + us;
                (Some(0), s, s + 9 * us)
            }
            (Shape::Deep, _) => {
                let (ps, pe) = (starts[i - 1], ends[i - 1]);
                (Some(i - 1), ps + 1, pe - 1 - below(3))
            }
            (Shape::Random, _) => {
                let mut p = if below(2) == 0 {
                    below(i as u64) as usize
                } else {
                    i - 1 - below(i.min(64) as u64) as usize
                };
                while depth[p] >= MAX_DEPTH {
                    p = parent_of[p];
                }
                let (ps, pe) = (starts[p], ends[p]);
                let span = (pe - ps).max(2);
                let s = ps + below(span);
                let overflow = if below(50) == 0 { below(span) } else { 0 };
                let e = s + below(pe.saturating_sub(s).max(1)) + overflow;
                (Some(p), s, e.max(s))
            }
        };
        starts[i] = start;
        ends[i] = end.max(start);
        if let Some(p) = parent {
            (parent_of[i], depth[i]) = (p, depth[p] + 1);
        }
        let kind = match below(10) {
            0 => SpanKind::Producer,
            1 => SpanKind::Consumer,
            2..=4 => SpanKind::Client,
            5..=7 => SpanKind::Server,
            _ => SpanKind::Internal,
        };
        // Non-blocking edges only in the second half: a random recursive tree's early spans root
        // most of it, and pruning them would leave little to walk.
        let late = 2 * i > n;
        let kind = if kind == SpanKind::Consumer && !late {
            SpanKind::Internal
        } else {
            kind
        };
        let follows = shape == Shape::Random && late && below(50) == 0;
        b.add_span(SpanInput {
            span_id: i as u64 + 1,
            parent_span_id: parent.map(|p| p as u64 + 1),
            ref_type: if follows {
                RefType::FollowsFrom
            } else {
                RefType::ChildOf
            },
            start_ns: starts[i],
            duration_ns: ends[i] - starts[i],
            resource: services[below(services.len() as u64) as usize],
            operation: ops[below(ops.len() as u64) as usize],
            kind: if shape == Shape::Random {
                kind
            } else {
                SpanKind::Internal
            },
            error_tag: below(100) == 0,
            ..SpanInput::default()
        });
    }
    b.build()
}

/// Bytes the critical-path kernel must read at least: start, end and parent of every span, and
/// the children lists.
pub fn input_bytes(t: &Trace) -> usize {
    t.len() * (8 + 8 + 4 + 4) + t.children_flat().len() * 4
}

/// The bandwidth floor for a trace kernel: one read of the start, end and parent columns.
pub fn floor(t: &Trace) -> u64 {
    let mut acc = [0u64; 4];
    for (i, ((&s, &e), &p)) in t
        .starts_ns()
        .iter()
        .zip(t.ends_ns())
        .zip(t.parents())
        .enumerate()
    {
        let lane = &mut acc[i & 3];
        *lane = lane
            .wrapping_add(s)
            .wrapping_add(e)
            .wrapping_add(u64::from(p));
    }
    acc.iter().fold(0, |s, &a| s.wrapping_add(a))
}

/// CP kernel: the app's call.
pub fn cp(t: &Trace) -> CriticalPath {
    critical_path(t)
}

/// The sections a CP-WIDE trace must give: from the end backwards, the root's tail, then each
/// child whole and the root's 1 µs gap before it.
fn wide_expected(t: &Trace) -> Vec<Section> {
    let mut want = Vec::new();
    let (starts, ends) = (t.starts_ns(), t.ends_ns());
    let kids = t.children(0);
    let mut limit = ends.first().copied().unwrap_or(0);
    for &c in kids.iter().rev() {
        let (cs, ce) = (starts[c as usize], ends[c as usize]);
        if limit > ce {
            want.push(Section {
                span: 0,
                start_ns: ce,
                end_ns: limit,
            });
        }
        want.push(Section {
            span: c,
            start_ns: cs,
            end_ns: ce,
        });
        limit = cs;
    }
    if let Some(&root_start) = starts.first() {
        if limit > root_start {
            want.push(Section {
                span: 0,
                start_ns: root_start,
                end_ns: limit,
            });
        }
    }
    want
}

/// CP result vs Jaeger UI's algorithm (or, for wide traces above 20k spans, vs the path the
/// construction implies).
pub fn check_cp(t: &Trace, shape: Shape, got: &CriticalPath) -> Result<String, String> {
    let (want, against) = if shape == Shape::Wide && t.len() > 20_000 {
        (wide_expected(t), "the path the construction implies")
    } else {
        (jaeger_reference(t), "Jaeger UI's algorithm (port)")
    };
    if got.sections != want {
        let first = got
            .sections
            .iter()
            .zip(&want)
            .position(|(a, b)| a != b)
            .unwrap_or(got.sections.len().min(want.len()));
        return Err(format!(
            "{} sections, {against} gives {}; first difference at section {first}",
            got.sections.len(),
            want.len()
        ));
    }
    Ok(format!(
        "{} sections over {} spans ({} excluded) equal {against}, section by section",
        got.sections.len(),
        t.len(),
        got.excluded_spans
    ))
}

/// SELF kernel: self time of every span and the per-operation table.
pub fn self_and_stats(t: &Trace) -> (Vec<u64>, Vec<OperationStats>) {
    (self_times(t), operation_stats([t]))
}

/// Self time by sorting and merging each span's child intervals (clipped to the span).
fn self_time_by_merge(t: &Trace) -> Vec<u64> {
    let (starts, ends) = (t.starts_ns(), t.ends_ns());
    (0..t.len())
        .map(|i| {
            let (s, e) = (starts[i], ends[i]);
            let mut iv: Vec<(u64, u64)> = t
                .children(i as u32)
                .iter()
                .map(|&c| (starts[c as usize].max(s), ends[c as usize].min(e)))
                .filter(|(a, b)| a < b)
                .collect();
            iv.sort_unstable();
            let mut covered = 0;
            let mut cur: Option<(u64, u64)> = None;
            for (a, b) in iv {
                cur = match cur {
                    Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
                    Some((ca, cb)) => {
                        covered += cb - ca;
                        Some((a, b))
                    }
                    None => Some((a, b)),
                };
            }
            covered += cur.map_or(0, |(a, b)| b - a);
            (e - s) - covered
        })
        .collect()
}

/// SELF result vs the merge reference and a recount + full sort per operation.
pub fn check_self(t: &Trace, got: &(Vec<u64>, Vec<OperationStats>)) -> Result<String, String> {
    let want = self_time_by_merge(t);
    if let Some(i) = got.0.iter().zip(&want).position(|(a, b)| a != b) {
        return Err(format!(
            "span {i}: self time {} ns, merging its children gives {} ns",
            got.0[i], want[i]
        ));
    }
    let mut groups: HashMap<(&str, &str), (Vec<f64>, u64, usize)> = HashMap::new();
    for s in t.spans() {
        let g = groups.entry((s.service(), s.operation())).or_default();
        g.0.push(s.duration_ns() as f64);
        g.1 += want[s.index() as usize];
        g.2 += usize::from(s.is_error());
    }
    if groups.len() != got.1.len() {
        return Err(format!(
            "{} table rows, {} (service, operation) pairs",
            got.1.len(),
            groups.len()
        ));
    }
    for row in &got.1 {
        let Some((durations, self_total, errors)) = groups.get(&(&*row.service, &*row.operation))
        else {
            return Err(format!("unexpected row {}/{}", row.service, row.operation));
        };
        let p = percentiles_by_sort(durations, &[0.5, 0.95, 0.99]).linear;
        let ok = row.count == durations.len()
            && row.self_total_ns == *self_total
            && row.error_count == *errors
            && [row.p50_ns, row.p95_ns, row.p99_ns]
                .iter()
                .zip(&p)
                .all(|(a, b)| a.to_bits() == b.to_bits());
        if !ok {
            return Err(format!(
                "row {}/{} differs from a recount and full sort",
                row.service, row.operation
            ));
        }
    }
    Ok(format!(
        "{} self times equal merging child intervals; {} table rows equal a recount and a full sort per operation",
        want.len(),
        got.1.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trace_kernel_passes_its_check_on_small_inputs() {
        for (shape, n) in [
            (Shape::Random, 5_000),
            (Shape::Wide, 2_000),
            (Shape::Deep, 3_000),
        ] {
            let t = synthetic_trace(shape, n, SEED_TRACE);
            assert_eq!(t.len(), n);
            check_cp(&t, shape, &cp(&t)).unwrap();
            // The construction's path is also what Jaeger's algorithm gives on small wide traces.
            if shape == Shape::Wide {
                assert_eq!(wide_expected(&t), jaeger_reference(&t));
            }
        }
        let t = synthetic_trace(Shape::Random, 5_000, SEED_TRACE);
        let got = self_and_stats(&t);
        check_self(&t, &got).unwrap();
        let mut wrong = got.clone();
        wrong.0[7] += 1;
        assert!(
            check_self(&t, &wrong).is_err(),
            "the check notices a wrong self time"
        );
        let mut path = cp(&t);
        path.sections.swap(0, 1);
        assert!(
            check_cp(&t, Shape::Random, &path).is_err(),
            "the check notices a wrong section"
        );
    }

    #[test]
    fn synthetic_traces_are_deterministic_and_deep_is_deep() {
        let a = synthetic_trace(Shape::Random, 2_000, SEED_TRACE);
        let b = synthetic_trace(Shape::Random, 2_000, SEED_TRACE);
        assert_eq!(a.starts_ns(), b.starts_ns());
        assert_eq!(a.parents(), b.parents());
        assert_eq!(
            synthetic_trace(Shape::Deep, 1_000, SEED_TRACE).depth(),
            1_000
        );
        assert_eq!(synthetic_trace(Shape::Wide, 1_000, SEED_TRACE).depth(), 2);
    }
}
