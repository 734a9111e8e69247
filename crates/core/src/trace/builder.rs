//! [`TraceBuilder`]: turns spans that arrive in any order, from any format, into a [`Trace`]
//! (the columnar store in [`super::model`]), tolerating what real traces contain
//! (wire-formats.md §10 row 18, algorithms.md §7):
//! - **orphans** (parent id not in the trace) become extra roots, flagged
//!   [`flags::ORPHAN`];
//! - **clock skew** (a child starting before or ending after its parent) is kept as sent and
//!   flagged [`flags::OUTSIDE_PARENT`];
//! - **duplicate span ids**: an identical copy (same id, parent, start, duration, operation and
//!   service) is dropped; different spans sharing an id are all kept and flagged
//!   [`flags::DUPLICATE_ID`], and children name the first of them (as jaeger-ui, which renames the
//!   later ones);
//! - **parent cycles** (including a span naming itself) are cut at the first span of the cycle
//!   in arrival order, which becomes a root flagged [`flags::CYCLE_CUT`].
//!
//! Each problem is counted once per trace as a [`TraceWarning`]. Building is O(n log n) (sorting
//! children by start time), with iterative traversals only — no recursion over user data.

use std::collections::HashMap;
use std::sync::Arc;

use super::model::{
    flags, Attr, Event, Link, RefType, Resource, SpanKind, SpanStatus, StrId, Trace, NO_PARENT,
};

/// Index of a resource added with [`TraceBuilder::add_resource`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct ResourceId(pub u32);

/// A span event before building (see [`Event`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventInput {
    pub time_ns: u64,
    pub name: StrId,
    pub attrs: Vec<Attr>,
}

/// One span as a decoder hands it to the builder. Strings are already interned with
/// [`TraceBuilder::intern`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpanInput {
    pub span_id: u64,
    /// The parent's span id; `None` (or an id equal to `span_id`) for a root.
    pub parent_span_id: Option<u64>,
    pub ref_type: RefType,
    pub start_ns: u64,
    pub duration_ns: u64,
    pub resource: ResourceId,
    pub operation: StrId,
    pub kind: SpanKind,
    pub status: SpanStatus,
    pub status_message: StrId,
    /// An error flag from a tag (`error=true`), besides [`SpanStatus::Error`].
    pub error_tag: bool,
    pub attrs: Vec<Attr>,
    pub events: Vec<EventInput>,
    pub links: Vec<Link>,
}

/// Something about a trace that the user should know, counted once per trace.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceWarning {
    /// Spans whose parent is not in the trace (kept as extra roots).
    OrphanSpans { count: usize },
    /// Spans that start before their parent or end after it (kept as sent).
    SpansOutsideParent { count: usize },
    /// Identical copies of a span that were dropped.
    DuplicateSpans { count: usize },
    /// Different spans sharing a span id (all kept).
    DuplicateSpanIds { count: usize },
    /// Parent links cut to break a cycle.
    ParentCycles { count: usize },
    /// Spans that could not be used (`reason` says why: no span id, …).
    SkippedSpans { count: usize, reason: &'static str },
    /// Spans whose end was before their start (duration set to 0).
    NegativeDurations { count: usize },
    /// A warning sent by the backend (Jaeger span/trace `warnings`, collapsed: `count` is how many
    /// times it was sent).
    Backend { message: String, count: usize },
    /// The backend says the trace is incomplete (Tempo v2 `status: "PARTIAL"`).
    Partial { message: String },
}

impl TraceWarning {
    /// A sentence for the user.
    pub fn message(&self) -> String {
        match self {
            TraceWarning::OrphanSpans { count } => {
                format!("{count} span(s) name a parent that is not in the trace; shown as extra roots")
            }
            TraceWarning::SpansOutsideParent { count } => format!(
                "{count} span(s) start before or end after their parent (clock skew or asynchronous work); times kept as sent"
            ),
            TraceWarning::DuplicateSpans { count } => format!("{count} identical duplicate span(s) dropped"),
            TraceWarning::DuplicateSpanIds { count } => {
                format!("{count} span(s) share a span id with another span; all kept, children attach to the first")
            }
            TraceWarning::ParentCycles { count } => {
                format!("{count} parent link(s) formed a cycle and were cut; those spans are shown as roots")
            }
            TraceWarning::SkippedSpans { count, reason } => format!("{count} span(s) skipped: {reason}"),
            TraceWarning::NegativeDurations { count } => {
                format!("{count} span(s) end before they start; their duration is taken as 0")
            }
            TraceWarning::Backend { message, count } if *count > 1 => {
                format!("backend warning ({count}×): {message}")
            }
            TraceWarning::Backend { message, .. } => format!("backend warning: {message}"),
            TraceWarning::Partial { message } if message.is_empty() => "the backend returned a partial trace".to_string(),
            TraceWarning::Partial { message } => format!("the backend returned a partial trace: {message}"),
        }
    }

    fn add(&mut self, other: &TraceWarning) -> bool {
        use TraceWarning::*;
        match (self, other) {
            (OrphanSpans { count }, OrphanSpans { count: c })
            | (SpansOutsideParent { count }, SpansOutsideParent { count: c })
            | (DuplicateSpans { count }, DuplicateSpans { count: c })
            | (DuplicateSpanIds { count }, DuplicateSpanIds { count: c })
            | (ParentCycles { count }, ParentCycles { count: c })
            | (NegativeDurations { count }, NegativeDurations { count: c }) => {
                *count += c;
                true
            }
            (
                SkippedSpans { count, reason },
                SkippedSpans {
                    count: c,
                    reason: r,
                },
            ) if reason == r => {
                *count += c;
                true
            }
            (
                Backend { message, count },
                Backend {
                    message: m,
                    count: c,
                },
            ) if message == m => {
                *count += c;
                true
            }
            (Partial { message }, Partial { message: m }) => message == m,
            _ => false,
        }
    }
}

/// Adds `w` to `list`, merging it with a warning of the same kind.
pub(crate) fn push_warning(list: &mut Vec<TraceWarning>, w: TraceWarning) {
    if !list.iter_mut().any(|have| have.add(&w)) {
        list.push(w);
    }
}

/// Collects the spans of one trace, then [`TraceBuilder::build`]s the columnar [`Trace`].
#[derive(Debug, Default)]
pub struct TraceBuilder {
    trace_id: u128,
    strings: Vec<Arc<str>>,
    string_index: HashMap<Arc<str>, u32>,
    resources: Vec<Resource>,
    resource_attrs: Vec<Attr>,
    spans: Vec<SpanInput>,
    warnings: Vec<TraceWarning>,
}

impl TraceBuilder {
    /// A builder for the trace `trace_id`.
    pub fn new(trace_id: u128) -> TraceBuilder {
        let mut b = TraceBuilder {
            trace_id,
            ..TraceBuilder::default()
        };
        b.intern("");
        b
    }

    /// The trace id.
    pub fn trace_id(&self) -> u128 {
        self.trace_id
    }

    /// Number of spans added so far.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// `true` when no span was added.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The id of `text` in this trace's string table (added on first use).
    pub fn intern(&mut self, text: &str) -> StrId {
        if let Some(&id) = self.string_index.get(text) {
            return StrId(id);
        }
        let id = self.strings.len() as u32;
        let s: Arc<str> = Arc::from(text);
        self.strings.push(s.clone());
        self.string_index.insert(s, id);
        StrId(id)
    }

    /// Adds a resource (service name + resource attributes) and returns its id.
    pub fn add_resource(&mut self, service: StrId, attrs: &[Attr]) -> ResourceId {
        let start = self.resource_attrs.len() as u32;
        self.resource_attrs.extend_from_slice(attrs);
        let end = self.resource_attrs.len() as u32;
        self.resources.push(Resource {
            service,
            attrs_start: start,
            attrs_end: end,
        });
        ResourceId(self.resources.len() as u32 - 1)
    }

    /// Adds a span (any order; parents may come later).
    pub fn add_span(&mut self, span: SpanInput) {
        self.spans.push(span);
    }

    /// Records a warning (merged with one of the same kind).
    pub fn warn(&mut self, warning: TraceWarning) {
        push_warning(&mut self.warnings, warning);
    }

    fn service_of(&self, r: ResourceId) -> StrId {
        self.resources
            .get(r.0 as usize)
            .map_or(StrId::EMPTY, |res| res.service)
    }

    /// Builds the trace (see the module doc for what is tolerated and flagged).
    pub fn build(self) -> Trace {
        let mut warnings = self.warnings.clone();
        let (kept, mut span_flags_arrival) = self.dedup(&mut warnings);
        let m = kept.len();
        // Local index (0..m) of the first kept span of each id.
        let mut by_id: HashMap<u64, u32> = HashMap::with_capacity(m);
        for (local, &a) in kept.iter().enumerate() {
            if let Some(s) = self.spans.get(a as usize) {
                by_id.entry(s.span_id).or_insert(local as u32);
            }
        }
        let mut parent: Vec<u32> = vec![NO_PARENT; m];
        let mut orphans = 0usize;
        for (local, &a) in kept.iter().enumerate() {
            let Some(s) = self.spans.get(a as usize) else {
                continue;
            };
            let Some(pid) = s.parent_span_id.filter(|&p| p != 0 && p != s.span_id) else {
                if s.parent_span_id.is_some_and(|p| p != 0) {
                    span_flags_arrival[a as usize] |= flags::CYCLE_CUT;
                    push_warning(&mut warnings, TraceWarning::ParentCycles { count: 1 });
                }
                continue;
            };
            match by_id.get(&pid) {
                Some(&p) if p as usize != local => parent[local] = p,
                Some(_) => {}
                None => {
                    orphans += 1;
                    span_flags_arrival[a as usize] |= flags::ORPHAN;
                }
            }
        }
        if orphans > 0 {
            push_warning(&mut warnings, TraceWarning::OrphanSpans { count: orphans });
        }
        let start_of = |local: u32| -> u64 {
            kept.get(local as usize)
                .and_then(|&a| self.spans.get(a as usize))
                .map_or(0, |s| s.start_ns)
        };
        // Temporary children lists (CSR over local indices), sorted by (start, arrival).
        let (tmp_off, tmp_children) = csr_children(&parent, |c| (start_of(c), c));
        let mut roots: Vec<u32> = (0..m as u32)
            .filter(|&l| parent[l as usize] == NO_PARENT)
            .collect();
        roots.sort_by_key(|&l| (start_of(l), l));
        // Pre-order walk; spans not reached from a root sit on a parent cycle.
        let mut order: Vec<u32> = Vec::with_capacity(m);
        let mut visited = vec![false; m];
        let mut stack: Vec<u32> = Vec::new();
        let mut walk = |root: u32, order: &mut Vec<u32>, visited: &mut Vec<bool>| {
            stack.push(root);
            while let Some(v) = stack.pop() {
                let Some(seen) = visited.get_mut(v as usize) else {
                    continue;
                };
                if *seen {
                    continue;
                }
                *seen = true;
                order.push(v);
                let kids = slice_of(&tmp_children, &tmp_off, v as usize);
                stack.extend(
                    kids.iter()
                        .rev()
                        .filter(|&&c| !visited.get(c as usize).copied().unwrap_or(true)),
                );
            }
        };
        for &r in &roots {
            walk(r, &mut order, &mut visited);
        }
        let mut cycles = 0usize;
        for l in 0..m {
            if !visited[l] {
                cycles += 1;
                parent[l] = NO_PARENT;
                if let Some(&a) = kept.get(l) {
                    span_flags_arrival[a as usize] |= flags::CYCLE_CUT;
                }
                walk(l as u32, &mut order, &mut visited);
            }
        }
        if cycles > 0 {
            push_warning(&mut warnings, TraceWarning::ParentCycles { count: cycles });
        }
        self.assemble(&kept, &parent, &order, &span_flags_arrival, warnings)
    }

    /// Drops identical copies and flags ids shared by different spans. Returns the arrival
    /// indices kept and the per-arrival flags.
    fn dedup(&self, warnings: &mut Vec<TraceWarning>) -> (Vec<u32>, Vec<u8>) {
        let n = self.spans.len();
        let mut span_flags = vec![0u8; n];
        let mut first: HashMap<u64, Vec<u32>> = HashMap::with_capacity(n);
        let mut kept = Vec::with_capacity(n);
        let (mut dropped, mut shared) = (0usize, 0usize);
        for (i, s) in self.spans.iter().enumerate() {
            let same = first.entry(s.span_id).or_default();
            let identical = same.iter().any(|&j| {
                self.spans.get(j as usize).is_some_and(|o| {
                    o.parent_span_id == s.parent_span_id
                        && o.start_ns == s.start_ns
                        && o.duration_ns == s.duration_ns
                        && o.operation == s.operation
                        && self.service_of(o.resource) == self.service_of(s.resource)
                })
            });
            if identical {
                dropped += 1;
                continue;
            }
            if !same.is_empty() {
                shared += 1;
                span_flags[i] |= flags::DUPLICATE_ID;
                for &j in same.iter() {
                    if let Some(f) = span_flags.get_mut(j as usize) {
                        if *f & flags::DUPLICATE_ID == 0 {
                            shared += 1;
                        }
                        *f |= flags::DUPLICATE_ID;
                    }
                }
            }
            same.push(i as u32);
            kept.push(i as u32);
        }
        if dropped > 0 {
            push_warning(warnings, TraceWarning::DuplicateSpans { count: dropped });
        }
        if shared > 0 {
            push_warning(warnings, TraceWarning::DuplicateSpanIds { count: shared });
        }
        (kept, span_flags)
    }

    /// Lays the kept spans out in pre-order `order` (local indices) as columns.
    fn assemble(
        self,
        kept: &[u32],
        parent_local: &[u32],
        order: &[u32],
        flags_arrival: &[u8],
        mut warnings: Vec<TraceWarning>,
    ) -> Trace {
        let m = order.len();
        let mut new_of_local = vec![NO_PARENT; parent_local.len()];
        for (new, &l) in order.iter().enumerate() {
            if let Some(slot) = new_of_local.get_mut(l as usize) {
                *slot = new as u32;
            }
        }
        let mut t = Trace {
            trace_id: self.trace_id,
            ..Trace::default()
        };
        let parents: Vec<u32> = order
            .iter()
            .map(|&l| {
                let p = parent_local.get(l as usize).copied().unwrap_or(NO_PARENT);
                new_of_local.get(p as usize).copied().unwrap_or(NO_PARENT)
            })
            .collect();
        t.attr_offsets.push(0);
        t.event_offsets.push(0);
        t.link_offsets.push(0);
        let mut outside = 0usize;
        for (new, &l) in order.iter().enumerate() {
            let a = kept.get(l as usize).copied().unwrap_or(0) as usize;
            let Some(s) = self.spans.get(a) else { continue };
            let end = s.start_ns.saturating_add(s.duration_ns);
            let mut f = flags_arrival.get(a).copied().unwrap_or(0);
            let p = parents.get(new).copied().unwrap_or(NO_PARENT);
            let depth = if p == NO_PARENT {
                0
            } else {
                t.depths.get(p as usize).map_or(0, |d| d + 1)
            };
            if let (Some(&ps), Some(&pe)) = (t.starts.get(p as usize), t.ends.get(p as usize)) {
                if s.start_ns < ps || end > pe {
                    f |= flags::OUTSIDE_PARENT;
                    outside += 1;
                }
            }
            t.span_ids.push(s.span_id);
            t.parent_span_ids.push(s.parent_span_id.unwrap_or(0));
            t.parents.push(p);
            t.ref_types.push(s.ref_type);
            t.starts.push(s.start_ns);
            t.durations.push(s.duration_ns);
            t.ends.push(end);
            t.services.push(self.service_of(s.resource));
            t.operations.push(s.operation);
            t.kinds.push(s.kind);
            t.statuses.push(s.status);
            t.status_messages.push(s.status_message);
            t.errors.push(s.error_tag || s.status == SpanStatus::Error);
            t.span_flags.push(f);
            t.depths.push(depth);
            t.resource_of.push(s.resource.0);
            t.attrs.extend_from_slice(&s.attrs);
            t.attr_offsets.push(t.attrs.len() as u32);
            for e in &s.events {
                let attrs_start = t.event_attrs.len() as u32;
                t.event_attrs.extend_from_slice(&e.attrs);
                t.events.push(Event {
                    time_ns: e.time_ns,
                    name: e.name,
                    attrs_start,
                    attrs_end: t.event_attrs.len() as u32,
                });
            }
            t.event_offsets.push(t.events.len() as u32);
            t.links.extend_from_slice(&s.links);
            t.link_offsets.push(t.links.len() as u32);
            if p == NO_PARENT {
                t.roots.push(new as u32);
            }
        }
        if outside > 0 {
            push_warning(
                &mut warnings,
                TraceWarning::SpansOutsideParent { count: outside },
            );
        }
        // Children in pre-order are already sorted by start within each parent.
        let (off, children) = csr_children(&t.parents, |c| c);
        t.child_offsets = off;
        t.children = children;
        let mut size = vec![1u32; m];
        for v in (0..m).rev() {
            let p = t.parents[v];
            let sv = size[v];
            if let Some(ps) = size.get_mut(p as usize) {
                *ps += sv;
            }
        }
        t.subtree_ends = size.iter().enumerate().map(|(v, s)| v as u32 + s).collect();
        t.start_ns = t.starts.iter().copied().min().unwrap_or(0);
        t.end_ns = t.ends.iter().copied().max().unwrap_or(0);
        t.strings = self.strings;
        t.resources = self.resources;
        t.resource_attrs = self.resource_attrs;
        t.warnings = warnings;
        t
    }
}

/// Children lists in CSR form from a parent column ([`NO_PARENT`] = none), each list sorted by
/// `key`.
fn csr_children<K: Ord>(parent: &[u32], key: impl Fn(u32) -> K) -> (Vec<u32>, Vec<u32>) {
    let n = parent.len();
    let mut off = vec![0u32; n + 1];
    for &p in parent.iter().filter(|&&p| p != NO_PARENT) {
        if let Some(o) = off.get_mut((p as usize).saturating_add(1)) {
            *o += 1;
        }
    }
    for i in 0..n {
        off[i + 1] += off[i];
    }
    let mut fill = off.clone();
    let mut children = vec![0u32; off[n] as usize];
    for (c, &p) in parent.iter().enumerate() {
        if let Some(slot) = fill.get_mut(p as usize) {
            if let Some(dst) = children.get_mut(*slot as usize) {
                *dst = c as u32;
            }
            *slot += 1;
        }
    }
    for i in 0..n {
        if let Some(list) = children.get_mut(off[i] as usize..off[i + 1] as usize) {
            list.sort_by_key(|&c| key(c));
        }
    }
    (off, children)
}

fn slice_of<'a>(items: &'a [u32], off: &[u32], i: usize) -> &'a [u32] {
    match (off.get(i), off.get(i + 1)) {
        (Some(&a), Some(&b)) => items.get(a as usize..b as usize).unwrap_or(&[]),
        _ => &[],
    }
}
