//! The critical path equals Jaeger UI's, section by section: on jaeger-ui's own nine
//! `CriticalPath/testCases` (translated to Jaeger JSON with hex ids; times in µs), on every trace
//! fixture, and on thousands of random traces, against a test-only port of Jaeger UI's algorithm
//! (`jaeger_reference` in `crates/bench/src/jaeger_cp.rs`, shared with `make bench`, which checks
//! its CP-* workloads against it).
//!
//! Two documented differences are kept out of the comparison by construction: orphans (Jaeger
//! drops a root whose parent is missing; Sightline walks it as a root — the port is given the
//! same tree), and a limit of exactly 0 (random start times are ≥ 1).

mod trace_fixtures;

use sightline_core::trace::critical_path::{critical_path, CriticalPathScratch, Section};
use sightline_core::trace::self_time::{bottlenecks, self_times};
use sightline_core::trace::{
    decode_traces, RefType, ResourceId, SpanInput, SpanKind, StrId, Trace, TraceBuilder,
};

#[path = "../../bench/src/jaeger_cp.rs"]
mod jaeger_cp;

use jaeger_cp::jaeger_reference;

/// A Jaeger JSON trace from `(span id, parent id or "", ref type, start µs, duration µs)`.
fn jaeger_json(spans: &[(&str, &str, &str, u64, u64)]) -> String {
    let items: Vec<String> = spans
        .iter()
        .map(|(id, parent, ref_type, start, duration)| {
            let refs = if parent.is_empty() { String::new() } else { format!(r#"{{"refType":"{ref_type}","spanID":"{parent}"}}"#) };
            format!(r#"{{"spanID":"{id}","operationName":"op-{id}","references":[{refs}],"startTime":{start},"duration":{duration},"processID":"p1"}}"#)
        })
        .collect();
    format!(
        r#"{{"traceID":"abc","spans":[{}],"processes":{{"p1":{{"serviceName":"svc"}}}}}}"#,
        items.join(",")
    )
}

/// Sections as (span id, start µs, end µs).
fn sections_us(trace: &Trace, sections: &[Section]) -> Vec<(u64, u64, u64)> {
    sections
        .iter()
        .map(|s| {
            (
                trace.span_ids()[s.span as usize],
                s.start_ns / 1000,
                s.end_ns / 1000,
            )
        })
        .collect()
}

fn check_jaeger_case(spans: &[(&str, &str, &str, u64, u64)], expected: &[(u64, u64, u64)]) {
    let d = decode_traces(jaeger_json(spans).as_bytes()).unwrap();
    let t = &d.traces[0];
    let cp = critical_path(t);
    assert_eq!(sections_us(t, &cp.sections), expected);
    assert_eq!(cp.sections, jaeger_reference(t));
}

// jaeger-ui testCases, ids: A=a, B=b, C=c, D=d, E=e, X=f.
#[test]
fn jaeger_ui_test1_two_sequential_children() {
    check_jaeger_case(
        &[
            ("e", "c", "CHILD_OF", 50, 10),
            ("c", "", "", 1, 100),
            ("d", "c", "CHILD_OF", 20, 20),
        ],
        &[
            (0xc, 60, 101),
            (0xe, 50, 60),
            (0xc, 40, 50),
            (0xd, 20, 40),
            (0xc, 1, 20),
        ],
    );
}

#[test]
fn jaeger_ui_test2_overlapping_children() {
    check_jaeger_case(
        &[
            ("f", "", "", 1, 100),
            ("a", "f", "CHILD_OF", 10, 40),
            ("c", "f", "CHILD_OF", 20, 40),
        ],
        &[(0xf, 60, 101), (0xc, 20, 60), (0xf, 1, 20)],
    );
}

#[test]
fn jaeger_ui_test3_child_starting_after_its_parent_ends_is_dropped() {
    // Shape of jaeger-ui's traceWithSingleChildLongerThanParentAndStartsAfterParent.json.
    check_jaeger_case(
        &[("a", "", "", 100, 40), ("b", "a", "CHILD_OF", 150, 50)],
        &[(0xa, 100, 140)],
    );
}

#[test]
fn jaeger_ui_test4_dropped_child_takes_its_subtree() {
    check_jaeger_case(
        &[
            ("a", "", "", 1, 30),
            ("b", "a", "CHILD_OF", 40, 40),
            ("c", "b", "CHILD_OF", 50, 10),
        ],
        &[(0xa, 1, 31)],
    );
}

#[test]
fn jaeger_ui_test5_follows_from_child_is_not_blocking() {
    check_jaeger_case(
        &[("a", "", "", 1, 30), ("b", "a", "FOLLOWS_FROM", 10, 10)],
        &[(0xa, 1, 31)],
    );
}

#[test]
fn jaeger_ui_test6_clamping_uses_the_clamped_parent() {
    check_jaeger_case(
        &[
            ("a", "", "", 1, 29),
            ("b", "a", "CHILD_OF", 15, 20),
            ("c", "b", "CHILD_OF", 10, 15),
        ],
        &[(0xb, 25, 30), (0xc, 15, 25), (0xa, 1, 15)],
    );
}

#[test]
fn jaeger_ui_test7_chain_overflowing_the_root() {
    check_jaeger_case(
        &[
            ("a", "", "", 1, 29),
            ("b", "a", "CHILD_OF", 15, 20),
            ("c", "b", "CHILD_OF", 20, 20),
        ],
        &[(0xc, 20, 30), (0xb, 15, 20), (0xa, 1, 15)],
    );
}

#[test]
fn jaeger_ui_test8_child_covering_its_parent_is_clamped() {
    check_jaeger_case(
        &[("a", "", "", 10, 20), ("b", "a", "CHILD_OF", 5, 30)],
        &[(0xb, 10, 30)],
    );
}

#[test]
fn jaeger_ui_test9_child_ending_before_its_parent_starts_is_dropped() {
    check_jaeger_case(
        &[("a", "", "", 10, 20), ("b", "a", "CHILD_OF", 1, 4)],
        &[(0xa, 10, 30)],
    );
}

#[test]
fn back_to_back_children_follow_jaegers_strict_limit() {
    // A.end == B.start: returning from B skips A (strict `end < limit`), the parent gets [1,20).
    check_jaeger_case(
        &[
            ("f", "", "", 1, 50),
            ("a", "f", "CHILD_OF", 10, 10),
            ("b", "f", "CHILD_OF", 20, 10),
        ],
        &[(0xf, 30, 51), (0xb, 20, 30), (0xf, 1, 20)],
    );
}

#[test]
fn producer_to_consumer_edges_do_not_block() {
    let mut b = TraceBuilder::new(7);
    let svc = b.intern("svc");
    let r = b.add_resource(svc, &[]);
    let span = |id: u64, parent: Option<u64>, start: u64, dur: u64, kind: SpanKind| SpanInput {
        span_id: id,
        parent_span_id: parent,
        start_ns: start,
        duration_ns: dur,
        resource: r,
        kind,
        ..SpanInput::default()
    };
    b.add_span(span(1, None, 0, 100, SpanKind::Producer));
    b.add_span(span(2, Some(1), 10, 50, SpanKind::Consumer));
    b.add_span(span(3, Some(1), 20, 10, SpanKind::Client));
    let t = b.build();
    let cp = critical_path(&t);
    assert_eq!(sections_us(&t, &cp.sections).len(), 3);
    assert_eq!(cp.sections, jaeger_reference(&t));
    assert_eq!(cp.excluded_spans, 1);
    assert_eq!(cp.per_span_ns, vec![90, 0, 10]);
}

fn fixture_dirs() -> Vec<std::path::PathBuf> {
    ["jaeger", "tempo", "zipkin", "otlp"]
        .iter()
        .map(|d| trace_fixtures::fixture_dir(d))
        .filter(|p| p.is_dir())
        .collect()
}

#[test]
fn every_trace_fixture_matches_jaegers_sections() {
    let mut checked = 0;
    for dir in fixture_dirs() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok(decoded) = decode_traces(&bytes) else {
                continue;
            };
            for t in &decoded.traces {
                let cp = critical_path(t);
                assert_eq!(cp.sections, jaeger_reference(t), "{}", path.display());
                // With one root, sections never overlap.
                let chrono = cp.chronological();
                let disjoint = chrono.windows(2).all(|w| w[0].end_ns <= w[1].start_ns);
                assert!(t.roots().len() > 1 || disjoint, "{}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 3, "only {checked} fixture traces checked");
}

/// xorshift64*: deterministic pseudo-random numbers for the random traces.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A random trace: random parents (some orphans), times that often overflow the parent, many
/// equal ends and starts, some FOLLOWS_FROM and PRODUCER→CONSUMER edges.
fn random_trace(rng: &mut Rng, n: usize) -> Trace {
    let mut b = TraceBuilder::new(1);
    let svc = b.intern("s");
    let res: ResourceId = b.add_resource(svc, &[]);
    let mut starts = vec![0u64; n];
    let mut ends = vec![0u64; n];
    let kinds = [
        SpanKind::Client,
        SpanKind::Server,
        SpanKind::Producer,
        SpanKind::Consumer,
        SpanKind::Internal,
    ];
    for i in 0..n {
        let parent = if i == 0 || rng.below(20) == 0 {
            None
        } else {
            Some(rng.below(i as u64) as usize)
        };
        let (start, end) = match parent {
            None => {
                let s = 1 + rng.below(50);
                (s, s + rng.below(200))
            }
            Some(p) => {
                let span = ends[p].saturating_sub(starts[p]).max(1);
                let s = (starts[p] + rng.below(span + 10))
                    .saturating_sub(rng.below(6))
                    .max(1);
                let e = s + rng.below(span / 2 + 5);
                // Quantise to provoke ties.
                (s / 2 * 2 + 1, e / 2 * 2 + 1)
            }
        };
        starts[i] = start;
        ends[i] = end.max(start);
        let mut span = SpanInput {
            span_id: i as u64 + 1,
            parent_span_id: parent.map(|p| p as u64 + 1).or(if rng.below(10) == 0 {
                Some(999_999)
            } else {
                None
            }),
            start_ns: starts[i],
            duration_ns: ends[i] - starts[i],
            resource: res,
            operation: StrId::EMPTY,
            kind: kinds[rng.below(kinds.len() as u64) as usize],
            ..SpanInput::default()
        };
        if rng.below(12) == 0 {
            span.ref_type = RefType::FollowsFrom;
        }
        b.add_span(span);
    }
    b.build()
}

#[test]
fn random_traces_match_jaegers_sections() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for case in 0..3000 {
        let n = 1 + rng.below(if case % 100 == 0 { 400 } else { 40 }) as usize;
        let t = random_trace(&mut rng, n);
        let cp = critical_path(&t);
        assert_eq!(cp.sections, jaeger_reference(&t), "case {case}, {n} spans");
        let total: u64 = cp.per_span_ns.iter().sum();
        assert_eq!(total, cp.total_ns());
    }
}

fn build(spans: &[(u64, Option<u64>, u64, u64)]) -> Trace {
    let mut b = TraceBuilder::new(9);
    let svc = b.intern("svc");
    let r = b.add_resource(svc, &[]);
    for &(id, parent, start, dur) in spans {
        b.add_span(SpanInput {
            span_id: id,
            parent_span_id: parent,
            start_ns: start,
            duration_ns: dur,
            resource: r,
            ..SpanInput::default()
        });
    }
    b.build()
}

#[test]
fn wide_and_deep_traces_of_100k_spans_complete_iteratively() {
    let n = 100_000u64;
    // Wide: one root with n−1 sequential children 1 ns apart (the O(n²) shape for Jaeger UI).
    let mut spans = vec![(1, None, 1, 10 * n)];
    spans.extend((2..=n).map(|i| (i, Some(1), 1 + 10 * (i - 2), 9)));
    let t = build(&spans);
    let cp = critical_path(&t);
    assert_eq!(
        cp.sections.len() as u64,
        2 * n - 2,
        "every child, the gaps between them and the root's tail"
    );
    assert_eq!(cp.total_ns(), t.duration_ns());
    // Deep: a chain of n spans all ending together; only the deepest and the parents' heads count.
    let spans: Vec<_> = (1..=n)
        .map(|i| (i, if i == 1 { None } else { Some(i - 1) }, i, 3 * n - i))
        .collect();
    let t = build(&spans);
    assert_eq!(t.depth() as u64, n);
    let cp = critical_path(&t);
    assert_eq!(cp.total_ns(), t.duration_ns());
    assert_eq!(cp.sections.len() as u64, n);
    assert_eq!(cp.sections, jaeger_reference(&t));
}

#[test]
fn a_wide_trace_of_5k_sequential_children_matches_jaeger() {
    let n = 5_000u64;
    let mut spans = vec![(1, None, 1, 10 * n)];
    spans.extend((2..=n).map(|i| (i, Some(1), 1 + 10 * (i - 2) + i % 3, 9 + i % 2)));
    let t = build(&spans);
    assert_eq!(critical_path(&t).sections, jaeger_reference(&t));
}

#[test]
fn self_time_subtracts_the_union_of_children_clipped_to_the_span() {
    // Root [0,100): children [10,30), [20,40) overlap → union 30; [90,120) clipped to 10.
    let t = build(&[
        (1, None, 0, 100),
        (2, Some(1), 10, 20),
        (3, Some(1), 20, 20),
        (4, Some(1), 90, 30),
        (5, Some(4), 95, 5),
    ]);
    assert_eq!(self_times(&t), vec![60, 20, 20, 25, 5]);
    // A child entirely covering the parent leaves 0, never negative.
    let t = build(&[(1, None, 10, 10), (2, Some(1), 0, 100)]);
    assert_eq!(self_times(&t), vec![0, 100]);
}

#[test]
fn bottlenecks_rank_spans_by_critical_path_time_with_their_share() {
    let d = decode_traces(
        jaeger_json(&[
            ("e", "c", "CHILD_OF", 50, 10),
            ("c", "", "", 1, 100),
            ("d", "c", "CHILD_OF", 20, 20),
        ])
        .as_bytes(),
    )
    .unwrap();
    let t = &d.traces[0];
    let cp = critical_path(t);
    let selfs = self_times(t);
    let b = bottlenecks(t, &cp, &selfs);
    let got: Vec<(u64, u64, u64)> = b
        .iter()
        .map(|x| {
            (
                t.span_ids()[x.span as usize],
                x.critical_ns / 1000,
                x.self_ns / 1000,
            )
        })
        .collect();
    // c: 41 + 10 + 19 = 70 µs on the path; d: 20; e: 10.
    assert_eq!(got, vec![(0xc, 70, 70), (0xd, 20, 20), (0xe, 10, 10)]);
    assert_eq!(b[0].share, Some(0.7));
}

#[test]
fn a_reused_scratch_gives_the_same_paths_as_fresh_columns() {
    let mut rng = Rng(0x5eed_1234_abcd_0002);
    let mut scratch = CriticalPathScratch::default();
    // Sizes go up and down so that stale columns from a larger trace would show.
    for case in 0..1500 {
        let n = 1 + rng.below(if case % 50 == 0 { 600 } else { 30 }) as usize;
        let t = random_trace(&mut rng, n);
        let reused = scratch.run(&t);
        assert_eq!(reused, critical_path(&t), "case {case}, {n} spans");
        assert_eq!(
            reused.sections,
            jaeger_reference(&t),
            "case {case}, {n} spans"
        );
    }
}
