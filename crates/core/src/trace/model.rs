//! The columnar span store of one trace (design.md `trace`): one entry per span in each column,
//! spans in **depth-first pre-order** (roots by start time, then each span's children by start
//! time, ties in arrival order), so a span's subtree is the contiguous index range
//! `i..subtree_end(i)` and the waterfall's row order is the index order.
//!
//! Contract:
//! - Ids are integers (trace `u128`, span `u64`, see [`super::ids`]); times are `u64` ns since the
//!   Unix epoch; `end = start + duration` (saturating).
//! - Strings (services, operations, attribute keys and string values, event names) are interned
//!   once per trace in [`Trace::strings`]; [`StrId`] indexes it, and [`StrId::EMPTY`] is `""`.
//! - `parent` is an index into the same columns ([`NO_PARENT`] for roots); children are in CSR
//!   form (`child_offsets`, `children`), sorted by start time.
//! - Traces are built only by [`super::TraceBuilder`], which guarantees the invariants above: every
//!   parent index is smaller than its child's index (pre-order), the parent relation has no cycle,
//!   and every offset range is inside its flat array. Accessors still use checked access, so a
//!   wrong index gives `None` or an empty slice, never a panic.

use std::sync::Arc;

use super::builder::TraceWarning;

/// Marks "no parent" in [`Trace::parents`].
pub const NO_PARENT: u32 = u32::MAX;

/// Index of a string in [`Trace::strings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct StrId(pub u32);

impl StrId {
    /// The empty string, always present at index 0.
    pub const EMPTY: StrId = StrId(0);
}

/// The role of a span in a call (OTel `SpanKind`; Jaeger `span.kind` tag; Zipkin `kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum SpanKind {
    #[default]
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

impl SpanKind {
    /// Lower-case name as shown in the UI (`server`, `client` …; `unspecified`).
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "unspecified",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }

    /// Parses any spelling the backends use: OTLP integers as text (`"2"`), Tempo enum names
    /// (`SPAN_KIND_SERVER`), Jaeger `span.kind` values and Zipkin kinds (`server`, `CLIENT`).
    /// Unknown text is [`SpanKind::Unspecified`].
    pub fn parse(text: &str) -> SpanKind {
        let t = text.trim();
        let t = t.strip_prefix("SPAN_KIND_").unwrap_or(t);
        const NAMES: [(&str, &str, SpanKind); 5] = [
            ("1", "internal", SpanKind::Internal),
            ("2", "server", SpanKind::Server),
            ("3", "client", SpanKind::Client),
            ("4", "producer", SpanKind::Producer),
            ("5", "consumer", SpanKind::Consumer),
        ];
        NAMES
            .iter()
            .find(|(code, name, _)| t == *code || t.eq_ignore_ascii_case(name))
            .map_or(SpanKind::Unspecified, |&(_, _, kind)| kind)
    }

    /// From the OTLP integer (0 unspecified … 5 consumer); out of range is unspecified.
    pub fn from_otlp(code: i64) -> SpanKind {
        match code {
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => SpanKind::Unspecified,
        }
    }
}

/// OTel span status (Jaeger's `error` tag maps to [`SpanStatus::Error`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum SpanStatus {
    #[default]
    Unset,
    Ok,
    Error,
}

impl SpanStatus {
    /// Lower-case name (`unset`, `ok`, `error`).
    pub fn as_str(self) -> &'static str {
        match self {
            SpanStatus::Unset => "unset",
            SpanStatus::Ok => "ok",
            SpanStatus::Error => "error",
        }
    }
}

/// How a span relates to its parent (Jaeger references; OTel spans are always `ChildOf`).
/// `FollowsFrom` edges do not block the parent (critical path, algorithms.md §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum RefType {
    #[default]
    ChildOf,
    FollowsFrom,
}

/// An attribute (tag) value. Strings are interned; arrays, maps and bytes are kept as their text
/// (JSON for arrays/maps, base64 for bytes) in [`AttrValue::Str`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AttrValue {
    Str(StrId),
    Bool(bool),
    Int(i64),
    Float(f64),
}

/// One key/value attribute.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attr {
    pub key: StrId,
    pub value: AttrValue,
}

/// A span event (OTel event, Jaeger log, Zipkin annotation): a time, a name and attributes
/// (`attrs` is a range of [`Trace`]'s flat event-attribute column).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    pub time_ns: u64,
    pub name: StrId,
    pub(crate) attrs_start: u32,
    pub(crate) attrs_end: u32,
}

/// A link to another span (OTel link, or a Jaeger reference other than the parent one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Link {
    pub trace_id: u128,
    pub span_id: u64,
    pub ref_type: RefType,
}

/// Per-span flags set while building.
pub mod flags {
    /// The span names a parent that is not in the trace; it is kept as an extra root.
    pub const ORPHAN: u8 = 1;
    /// The span starts before its parent or ends after it (clock skew or async work).
    pub const OUTSIDE_PARENT: u8 = 2;
    /// Another, different span in the trace has the same span id.
    pub const DUPLICATE_ID: u8 = 4;
    /// The span's parent chain formed a cycle; its parent link was cut and it became a root.
    pub const CYCLE_CUT: u8 = 8;
}

/// A resource (OTel resource, Jaeger process, Zipkin local endpoint): the service name and the
/// resource attributes, a range of [`Trace`]'s flat resource-attribute column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resource {
    pub service: StrId,
    pub(crate) attrs_start: u32,
    pub(crate) attrs_end: u32,
}

/// One trace as columns (see the module doc for the layout and invariants).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    pub(crate) trace_id: u128,
    pub(crate) strings: Vec<Arc<str>>,
    pub(crate) span_ids: Vec<u64>,
    pub(crate) parent_span_ids: Vec<u64>,
    pub(crate) parents: Vec<u32>,
    pub(crate) ref_types: Vec<RefType>,
    pub(crate) starts: Vec<u64>,
    pub(crate) durations: Vec<u64>,
    pub(crate) ends: Vec<u64>,
    pub(crate) services: Vec<StrId>,
    pub(crate) operations: Vec<StrId>,
    pub(crate) kinds: Vec<SpanKind>,
    pub(crate) statuses: Vec<SpanStatus>,
    pub(crate) status_messages: Vec<StrId>,
    pub(crate) errors: Vec<bool>,
    pub(crate) span_flags: Vec<u8>,
    pub(crate) depths: Vec<u32>,
    pub(crate) subtree_ends: Vec<u32>,
    pub(crate) child_offsets: Vec<u32>,
    pub(crate) children: Vec<u32>,
    pub(crate) roots: Vec<u32>,
    pub(crate) resource_of: Vec<u32>,
    pub(crate) resources: Vec<Resource>,
    pub(crate) resource_attrs: Vec<Attr>,
    pub(crate) attr_offsets: Vec<u32>,
    pub(crate) attrs: Vec<Attr>,
    pub(crate) event_offsets: Vec<u32>,
    pub(crate) events: Vec<Event>,
    pub(crate) event_attrs: Vec<Attr>,
    pub(crate) link_offsets: Vec<u32>,
    pub(crate) links: Vec<Link>,
    pub(crate) warnings: Vec<TraceWarning>,
    pub(crate) start_ns: u64,
    pub(crate) end_ns: u64,
}

/// `items.all(ok)` without stopping at the first failure: a branch-free loop the compiler can
/// vectorise (kernels run [`Trace::layout_ok`] on every call; a valid trace reads to the end
/// either way).
fn all_without_branches<I: Iterator>(items: I, ok: impl Fn(I::Item) -> bool) -> bool {
    items.fold(true, |all, x| all & ok(x))
}

fn range<'a, T>(items: &'a [T], offsets: &[u32], i: usize) -> &'a [T] {
    let (Some(&a), Some(&b)) = (offsets.get(i), offsets.get(i + 1)) else {
        return &[];
    };
    items.get(a as usize..b as usize).unwrap_or(&[])
}

impl Trace {
    /// The trace id.
    pub fn trace_id(&self) -> u128 {
        self.trace_id
    }
    /// Number of spans.
    pub fn len(&self) -> usize {
        self.span_ids.len()
    }
    /// `true` when the trace has no span.
    pub fn is_empty(&self) -> bool {
        self.span_ids.is_empty()
    }
    /// Earliest span start (ns since epoch); 0 for an empty trace.
    pub fn start_ns(&self) -> u64 {
        self.start_ns
    }
    /// Latest span end (ns since epoch); 0 for an empty trace.
    pub fn end_ns(&self) -> u64 {
        self.end_ns
    }
    /// Trace duration = latest end − earliest start over all spans (algorithms.md §9), not the
    /// root's duration.
    pub fn duration_ns(&self) -> u64 {
        self.end_ns.saturating_sub(self.start_ns)
    }
    /// Top-level spans (true roots and orphans), in pre-order (by start time).
    pub fn roots(&self) -> &[u32] {
        &self.roots
    }
    /// Warnings found while building (orphans, skew, duplicates, backend warnings …).
    pub fn warnings(&self) -> &[TraceWarning] {
        &self.warnings
    }
    /// The interned string `id` (`""` for an unknown id).
    pub fn str(&self, id: StrId) -> &str {
        self.strings.get(id.0 as usize).map_or("", |s| s)
    }
    /// The id of `text` if it occurs in this trace (linear scan; for filters, not per span).
    pub fn find_str(&self, text: &str) -> Option<StrId> {
        self.strings
            .iter()
            .position(|s| &**s == text)
            .map(|i| StrId(i as u32))
    }
    /// All interned strings (index = [`StrId`]).
    pub fn strings(&self) -> &[Arc<str>] {
        &self.strings
    }
    /// Span ids, one per span.
    pub fn span_ids(&self) -> &[u64] {
        &self.span_ids
    }
    /// Parent indices ([`NO_PARENT`] for roots).
    pub fn parents(&self) -> &[u32] {
        &self.parents
    }
    /// Start times (ns since epoch).
    pub fn starts_ns(&self) -> &[u64] {
        &self.starts
    }
    /// End times (ns since epoch; start + duration, saturating).
    pub fn ends_ns(&self) -> &[u64] {
        &self.ends
    }
    /// Durations (ns).
    pub fn durations_ns(&self) -> &[u64] {
        &self.durations
    }
    /// Service of each span.
    pub fn services(&self) -> &[StrId] {
        &self.services
    }
    /// Operation (span name) of each span.
    pub fn operations(&self) -> &[StrId] {
        &self.operations
    }
    /// Kind of each span.
    pub fn kinds(&self) -> &[SpanKind] {
        &self.kinds
    }
    /// Reference type of each span's parent edge.
    pub fn ref_types(&self) -> &[RefType] {
        &self.ref_types
    }
    /// Error flag of each span (OTel status ERROR or an `error=true` tag).
    pub fn errors(&self) -> &[bool] {
        &self.errors
    }
    /// Depth of each span (roots are 0).
    pub fn depths(&self) -> &[u32] {
        &self.depths
    }
    /// One past the last index of each span's subtree (pre-order range `i..subtree_end`).
    pub fn subtree_ends(&self) -> &[u32] {
        &self.subtree_ends
    }
    /// Children of span `i`, sorted by start time (empty for a bad index).
    pub fn children(&self, i: u32) -> &[u32] {
        range(&self.children, &self.child_offsets, i as usize)
    }
    /// The CSR offsets of the children lists (`len() + 1` entries).
    pub fn child_offsets(&self) -> &[u32] {
        &self.child_offsets
    }
    /// The flat children column (see [`Trace::child_offsets`]).
    pub fn children_flat(&self) -> &[u32] {
        &self.children
    }
    /// Index of the first span with span id `id` (linear scan).
    pub fn find_span(&self, id: u64) -> Option<u32> {
        self.span_ids
            .iter()
            .position(|&s| s == id)
            .map(|i| i as u32)
    }
    /// Names of all services in the trace, sorted and deduplicated.
    pub fn service_names(&self) -> Vec<&str> {
        let mut ids: Vec<StrId> = self.services.clone();
        ids.sort_unstable();
        ids.dedup();
        let mut names: Vec<&str> = ids.into_iter().map(|id| self.str(id)).collect();
        names.sort_unstable();
        names
    }
    /// Number of spans flagged as errors.
    pub fn error_count(&self) -> usize {
        self.errors.iter().filter(|&&e| e).count()
    }
    /// Greatest depth + 1 (0 for an empty trace).
    pub fn depth(&self) -> u32 {
        self.depths.iter().max().map_or(0, |d| d + 1)
    }
    /// `true` when every column has one entry per span, the CSR offsets have `len() + 1`
    /// entries ending at the flat children column's length, and every parent index precedes its
    /// child (pre-order). Always true for a trace from [`super::TraceBuilder`]; kernels check it
    /// once so their indexing cannot panic.
    pub fn layout_ok(&self) -> bool {
        let n = self.len();
        let cols = [
            self.parents.len(),
            self.starts.len(),
            self.ends.len(),
            self.durations.len(),
            self.kinds.len(),
            self.ref_types.len(),
            self.errors.len(),
            self.services.len(),
            self.operations.len(),
            self.depths.len(),
            self.subtree_ends.len(),
        ];
        cols.iter().all(|&l| l == n)
            && self.child_offsets.len() == n + 1
            && self.child_offsets.last().map(|&l| l as usize) == Some(self.children.len())
            && all_without_branches(self.child_offsets.windows(2), |w| w[0] <= w[1])
            && all_without_branches(self.children.iter(), |&c| (c as usize) < n)
            && all_without_branches(self.parents.iter().enumerate(), |(i, &p)| {
                p == NO_PARENT || (p as usize) < i
            })
    }

    /// The span at index `i`, or `None` past the end.
    pub fn span(&self, i: u32) -> Option<SpanRef<'_>> {
        ((i as usize) < self.len()).then_some(SpanRef {
            trace: self,
            index: i,
        })
    }
    /// All spans in pre-order.
    pub fn spans(&self) -> impl Iterator<Item = SpanRef<'_>> + '_ {
        (0..self.len() as u32).map(move |index| SpanRef { trace: self, index })
    }
}

/// A view of one span of a [`Trace`]. Obtained from [`Trace::span`], so its index is valid.
#[derive(Clone, Copy, Debug)]
pub struct SpanRef<'a> {
    trace: &'a Trace,
    index: u32,
}

fn col<T: Copy + Default>(c: &[T], i: u32) -> T {
    c.get(i as usize).copied().unwrap_or_default()
}

impl<'a> SpanRef<'a> {
    /// Index in the trace's columns (pre-order position).
    pub fn index(&self) -> u32 {
        self.index
    }
    /// Span id.
    pub fn span_id(&self) -> u64 {
        col(&self.trace.span_ids, self.index)
    }
    /// The parent span id as sent (also for orphans, whose parent is missing); `None` for roots.
    pub fn parent_span_id(&self) -> Option<u64> {
        Some(col(&self.trace.parent_span_ids, self.index)).filter(|&p| p != 0)
    }
    /// Index of the parent span, `None` for roots and orphans.
    pub fn parent(&self) -> Option<u32> {
        Some(
            self.trace
                .parents
                .get(self.index as usize)
                .copied()
                .unwrap_or(NO_PARENT),
        )
        .filter(|&p| p != NO_PARENT)
    }
    /// Reference type of the parent edge.
    pub fn ref_type(&self) -> RefType {
        col(&self.trace.ref_types, self.index)
    }
    /// Start (ns since epoch).
    pub fn start_ns(&self) -> u64 {
        col(&self.trace.starts, self.index)
    }
    /// End (ns since epoch).
    pub fn end_ns(&self) -> u64 {
        col(&self.trace.ends, self.index)
    }
    /// Duration (ns).
    pub fn duration_ns(&self) -> u64 {
        col(&self.trace.durations, self.index)
    }
    /// Service name.
    pub fn service(&self) -> &'a str {
        self.trace.str(col(&self.trace.services, self.index))
    }
    /// Operation (span name).
    pub fn operation(&self) -> &'a str {
        self.trace.str(col(&self.trace.operations, self.index))
    }
    /// Span kind.
    pub fn kind(&self) -> SpanKind {
        col(&self.trace.kinds, self.index)
    }
    /// Status as sent (OTel) or derived from the `error` tag (Jaeger, Zipkin).
    pub fn status(&self) -> SpanStatus {
        col(&self.trace.statuses, self.index)
    }
    /// Status message (`""` when none).
    pub fn status_message(&self) -> &'a str {
        self.trace.str(col(&self.trace.status_messages, self.index))
    }
    /// `true` when the span is an error (status ERROR or `error=true` tag).
    pub fn is_error(&self) -> bool {
        col(&self.trace.errors, self.index)
    }
    /// Build flags ([`flags`]).
    pub fn flags(&self) -> u8 {
        col(&self.trace.span_flags, self.index)
    }
    /// Depth (roots are 0).
    pub fn depth(&self) -> u32 {
        col(&self.trace.depths, self.index)
    }
    /// One past the last index of this span's subtree.
    pub fn subtree_end(&self) -> u32 {
        col(&self.trace.subtree_ends, self.index)
    }
    /// Children indices, sorted by start time.
    pub fn children(&self) -> &'a [u32] {
        self.trace.children(self.index)
    }
    /// Span attributes (tags), in the order sent.
    pub fn attributes(&self) -> &'a [Attr] {
        range(
            &self.trace.attrs,
            &self.trace.attr_offsets,
            self.index as usize,
        )
    }
    /// Resource (process) attributes, in the order sent.
    pub fn resource_attributes(&self) -> &'a [Attr] {
        let Some(res) = self
            .trace
            .resource_of
            .get(self.index as usize)
            .and_then(|&r| self.trace.resources.get(r as usize))
        else {
            return &[];
        };
        self.trace
            .resource_attrs
            .get(res.attrs_start as usize..res.attrs_end as usize)
            .unwrap_or(&[])
    }
    /// Events (logs, annotations), in time order as sent.
    pub fn events(&self) -> &'a [Event] {
        range(
            &self.trace.events,
            &self.trace.event_offsets,
            self.index as usize,
        )
    }
    /// Attributes of one of this span's events.
    pub fn event_attributes(&self, event: &Event) -> &'a [Attr] {
        self.trace
            .event_attrs
            .get(event.attrs_start as usize..event.attrs_end as usize)
            .unwrap_or(&[])
    }
    /// Links to other spans.
    pub fn links(&self) -> &'a [Link] {
        range(
            &self.trace.links,
            &self.trace.link_offsets,
            self.index as usize,
        )
    }
    /// The text of an attribute value (numbers in Rust's shortest round-trip form).
    pub fn value_text(&self, value: AttrValue) -> String {
        value_text(self.trace, value)
    }
    /// The first span attribute with key `key`, if any.
    pub fn attribute(&self, key: &str) -> Option<AttrValue> {
        self.attributes()
            .iter()
            .find(|a| self.trace.str(a.key) == key)
            .map(|a| a.value)
    }
}

/// The text of an attribute value of `trace`.
pub fn value_text(trace: &Trace, value: AttrValue) -> String {
    match value {
        AttrValue::Str(id) => trace.str(id).to_string(),
        AttrValue::Bool(b) => b.to_string(),
        AttrValue::Int(i) => i.to_string(),
        AttrValue::Float(f) => f.to_string(),
    }
}
