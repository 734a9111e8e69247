//! Structural diff of two traces (algorithms.md §10, as jaeger-ui's `TraceDag.diff`): every span
//! maps to the node named by its **ancestral path of (service, operation) pairs** from its root;
//! the diff is the union of both traces' nodes with, per node, the span count, summed duration,
//! summed self time and summed critical-path time in A and in B, and the deltas (B − A).
//!
//! Nodes come out as a tree in pre-order (children of a node sorted by service, then operation),
//! with their parent index and depth, so they can be drawn as an indented list. Built in one
//! iterative pass per trace (parents precede children in the span store); O(n log n).

use std::collections::HashMap;
use std::sync::Arc;

use super::critical_path::critical_path;
use super::model::{Trace, NO_PARENT};
use super::self_time::self_times;

/// Per-trace totals of one node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Side {
    pub count: usize,
    pub duration_ns: u64,
    pub self_ns: u64,
    pub critical_ns: u64,
}

/// One (service, operation) path node of the union of both traces.
#[derive(Clone, Debug, PartialEq)]
pub struct DiffNode {
    /// Index of the parent node in the returned list (`None` for top-level nodes).
    pub parent: Option<u32>,
    pub depth: u32,
    pub service: Arc<str>,
    pub operation: Arc<str>,
    pub a: Side,
    pub b: Side,
}

/// How a node differs between the traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    OnlyInA,
    OnlyInB,
    /// In both, with a different span count.
    CountChanged,
    /// In both, with the same span count.
    Same,
}

impl DiffNode {
    /// Span count in B minus in A.
    pub fn count_delta(&self) -> i64 {
        self.b.count as i64 - self.a.count as i64
    }
    /// Summed duration in B minus in A (ns).
    pub fn duration_delta_ns(&self) -> i128 {
        i128::from(self.b.duration_ns) - i128::from(self.a.duration_ns)
    }
    /// Summed self time in B minus in A (ns).
    pub fn self_delta_ns(&self) -> i128 {
        i128::from(self.b.self_ns) - i128::from(self.a.self_ns)
    }
    /// What changed.
    pub fn change(&self) -> Change {
        match (self.a.count, self.b.count) {
            (_, 0) => Change::OnlyInA,
            (0, _) => Change::OnlyInB,
            (a, b) if a != b => Change::CountChanged,
            _ => Change::Same,
        }
    }
}

struct Raw {
    parent: u32,
    service: Arc<str>,
    operation: Arc<str>,
    a: Side,
    b: Side,
}

/// The structural diff of `a` and `b` (see the module doc).
pub fn diff_traces(a: &Trace, b: &Trace) -> Vec<DiffNode> {
    let mut raw: Vec<Raw> = Vec::new();
    let mut index: HashMap<(u32, Arc<str>, Arc<str>), u32> = HashMap::new();
    for (which, trace) in [(false, a), (true, b)] {
        let selfs = self_times(trace);
        let cp = critical_path(trace);
        let mut node_of: Vec<u32> = Vec::with_capacity(trace.len());
        for span in trace.spans() {
            let i = span.index() as usize;
            let parent_node = trace
                .parents()
                .get(i)
                .and_then(|&p| {
                    if p == NO_PARENT {
                        None
                    } else {
                        node_of.get(p as usize).copied()
                    }
                })
                .unwrap_or(NO_PARENT);
            let key = (
                parent_node,
                Arc::<str>::from(span.service()),
                Arc::<str>::from(span.operation()),
            );
            let next = raw.len() as u32;
            let node = *index.entry(key.clone()).or_insert(next);
            if node == next {
                raw.push(Raw {
                    parent: parent_node,
                    service: key.1,
                    operation: key.2,
                    a: Side::default(),
                    b: Side::default(),
                });
            }
            node_of.push(node);
            if let Some(r) = raw.get_mut(node as usize) {
                let side = if which { &mut r.b } else { &mut r.a };
                side.count += 1;
                side.duration_ns = side.duration_ns.saturating_add(span.duration_ns());
                side.self_ns = side
                    .self_ns
                    .saturating_add(selfs.get(i).copied().unwrap_or(0));
                side.critical_ns = side
                    .critical_ns
                    .saturating_add(cp.per_span_ns.get(i).copied().unwrap_or(0));
            }
        }
    }
    // Lay the union out as a tree in pre-order, siblings sorted by (service, operation).
    let mut kids: Vec<Vec<u32>> = vec![Vec::new(); raw.len()];
    let mut tops: Vec<u32> = Vec::new();
    for (n, r) in raw.iter().enumerate() {
        match kids.get_mut(r.parent as usize) {
            Some(list) => list.push(n as u32),
            None => tops.push(n as u32),
        }
    }
    let key = |n: &u32| {
        raw.get(*n as usize)
            .map(|r| (r.service.clone(), r.operation.clone()))
    };
    tops.sort_by_key(key);
    for list in kids.iter_mut() {
        list.sort_by_key(key);
    }
    let mut out: Vec<DiffNode> = Vec::with_capacity(raw.len());
    let mut stack: Vec<(u32, Option<u32>, u32)> =
        tops.iter().rev().map(|&n| (n, None, 0)).collect();
    while let Some((n, parent, depth)) = stack.pop() {
        let Some(r) = raw.get(n as usize) else {
            continue;
        };
        let me = out.len() as u32;
        out.push(DiffNode {
            parent,
            depth,
            service: r.service.clone(),
            operation: r.operation.clone(),
            a: r.a,
            b: r.b,
        });
        if let Some(list) = kids.get(n as usize) {
            stack.extend(list.iter().rev().map(|&c| (c, Some(me), depth + 1)));
        }
    }
    out
}
