//! A port of Jaeger UI's critical path (jaegertracing/jaeger-ui, `CriticalPath/index.ts` and
//! `utils/*`, as algorithms.md §7.1 describes it), used only to check Sightline's
//! `trace::critical_path`: by `make bench` before timing the CP-* workloads, and by the core's
//! tests (`crates/core/tests/trace_critical_path.rs` includes this file).
//!
//! Faithful on purpose, slow on purpose: a map of copied spans in DFS insertion order (non-blocking
//! children pruned with their subtrees), in-place sanitising with the parent's clamped values,
//! linear LFC scans over each child list on every return (O(k²) per parent), and the truthiness
//! test of the limit (`returningChildStartTime || endTime`). The recursion is written as the
//! equivalent loop (every recursive call is in tail position) and the map walk with an explicit
//! stack, so deep traces do not overflow here either. Roots are the trace's roots, orphans
//! included (Jaeger UI drops an orphan root; Sightline walks it).

use std::collections::HashMap;

use sightline_core::trace::critical_path::Section;
use sightline_core::trace::{RefType, SpanKind, Trace};

struct CpSpan {
    start: u64,
    duration: u64,
    parent: Option<u32>,
    children: Vec<u32>,
}

/// The critical-path sections Jaeger UI computes for `trace`, in its emission order.
pub fn jaeger_reference(trace: &Trace) -> Vec<Section> {
    let mut sections = Vec::new();
    let kinds = trace.kinds();
    let refs = trace.ref_types();
    for &root in trace.roots() {
        // createCPSpanMap(rootSpan): DFS, pruning non-blocking children with their subtrees.
        let mut order: Vec<u32> = Vec::new();
        let mut map: HashMap<u32, CpSpan> = HashMap::new();
        let mut stack = vec![root];
        while let Some(s) = stack.pop() {
            if map.contains_key(&s) {
                continue;
            }
            let blocking: Vec<u32> = trace
                .children(s)
                .iter()
                .copied()
                .filter(|&c| {
                    refs[c as usize] != RefType::FollowsFrom
                        && !(kinds[s as usize] == SpanKind::Producer
                            && kinds[c as usize] == SpanKind::Consumer)
                })
                .collect();
            let parent = if s == root {
                None
            } else {
                Some(trace.parents()[s as usize])
            };
            map.insert(
                s,
                CpSpan {
                    start: trace.starts_ns()[s as usize],
                    duration: trace.durations_ns()[s as usize],
                    parent,
                    children: blocking.clone(),
                },
            );
            order.push(s);
            stack.extend(blocking.iter().rev());
        }
        // sanitizeOverFlowingChildren (in place, insertion order, parent's clamped values).
        for &id in &order {
            let Some(span) = map.get(&id) else { continue };
            let Some(pid) = span.parent else { continue };
            let (s_start, s_dur) = (span.start, span.duration);
            let Some(parent) = map.get(&pid) else {
                map.remove(&id);
                continue;
            };
            let (p_start, p_end) = (parent.start, parent.start + parent.duration);
            let child_end = s_start + s_dur;
            let mut drop_it = false;
            let mut new = (s_start, s_dur);
            if s_start >= p_start {
                if s_start >= p_end {
                    drop_it = true;
                } else if child_end > p_end {
                    new = (s_start, p_end - s_start);
                }
            } else if child_end <= p_start {
                drop_it = true;
            } else if child_end <= p_end {
                new = (p_start, child_end - p_start);
            } else {
                new = (p_start, p_end - p_start);
            }
            if drop_it {
                map.remove(&id);
                if let Some(parent) = map.get_mut(&pid) {
                    parent.children.retain(|&c| c != id);
                }
            } else if let Some(span) = map.get_mut(&id) {
                (span.start, span.duration) = new;
            }
        }
        // computeCriticalPath, tail calls as a loop.
        let (mut span_id, mut returning): (u32, Option<u64>) = (root, None);
        while let Some(current) = map.get(&span_id) {
            let current_end = current.start + current.duration;
            let mut lfc: Option<(u32, u64)> = None;
            let mut max_end: i128 = -1;
            for &c in &current.children {
                let Some(child) = map.get(&c) else { continue };
                let end = child.start + child.duration;
                let qualifies = match returning {
                    Some(l) if l != 0 => end < l,
                    _ => true,
                };
                if qualifies && i128::from(end) > max_end {
                    max_end = i128::from(end);
                    lfc = Some((c, end));
                }
            }
            let section_end = match returning {
                Some(l) if l != 0 => l,
                _ => current_end,
            };
            if let Some((c, c_end)) = lfc {
                if c_end != section_end {
                    sections.push(Section {
                        span: span_id,
                        start_ns: c_end,
                        end_ns: section_end,
                    });
                }
                (span_id, returning) = (c, None);
            } else {
                if current.start != section_end {
                    sections.push(Section {
                        span: span_id,
                        start_ns: current.start,
                        end_ns: section_end,
                    });
                }
                match current.parent {
                    Some(p) => (span_id, returning) = (p, Some(current.start)),
                    None => break,
                }
            }
        }
    }
    sections
}
