//! Traces in offload frames: what the background worker sends back after decoding a trace body —
//! every decoded trace as its columnar span store ([`Trace`], every column copied as a whole
//! column, each string once) with its analyses ([`TraceAnalysis`]) — and the job itself
//! ([`analyse_trace_body`]), which the page runs unchanged when it keeps the work.
//!
//! Layout of one trace: the string table, then the per-span columns (`u64`/`u32`/byte columns),
//! the CSR offset and flat columns of children, attributes, events and links, resources,
//! warnings, then the analysis (sections, self and critical-path time per span, bottlenecks, the
//! statistics rows). Attributes travel as three columns (key id, value tag, 8 value bytes).
//!
//! Reading is strict: besides the byte-level checks of [`Reader`], every per-span column must
//! have one entry per span, every string id must name a string, every offset column must be
//! non-decreasing and inside its flat column, every parent must precede its child
//! ([`Trace::layout_ok`]), and every enum code must be known — anything else is a
//! [`FrameError`], never a panic. O(frame length).

use std::sync::Arc;

use super::frame::{FrameError, Reader, Writer};
use crate::trace::analysis::TraceAnalysis;
use crate::trace::critical_path::Section;
use crate::trace::decode::{decode_traces, TraceError, TraceFormat};
use crate::trace::model::{Event, Resource};
use crate::trace::self_time::Bottleneck;
use crate::trace::stats::OperationStats;
use crate::trace::{
    Attr, AttrValue, Link, RefType, SpanKind, SpanStatus, StrId, Trace, TraceWarning,
};

/// The badge of a body that is not traces (both threads use it).
pub const NOT_TRACES: &str = "Not traces";

/// The sentence for a body that could not be decoded as traces.
pub fn not_traces_message(e: &TraceError) -> String {
    format!("The data could not be read as traces: {e}.")
}

/// A decoded trace body with every trace's analyses.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalysedTraces {
    /// The detected format.
    pub format: TraceFormat,
    /// JSON documents in the body.
    pub documents: usize,
    /// Body-level notes.
    pub warnings: Vec<String>,
    /// Each trace (in order of first appearance) with its analyses.
    pub traces: Vec<(Trace, TraceAnalysis)>,
}

/// Decodes a trace body and analyses every trace in it; `Err` is the badge and message the panel
/// shows.
pub fn analyse_trace_body(body: &[u8]) -> Result<AnalysedTraces, (String, String)> {
    let decoded =
        decode_traces(body).map_err(|e| (NOT_TRACES.to_string(), not_traces_message(&e)))?;
    Ok(AnalysedTraces {
        format: decoded.format,
        documents: decoded.documents,
        warnings: decoded.warnings,
        traces: decoded
            .traces
            .into_iter()
            .map(|t| {
                let a = TraceAnalysis::of(&t);
                (t, a)
            })
            .collect(),
    })
}

const FORMATS: [TraceFormat; 6] = [
    TraceFormat::JaegerJson,
    TraceFormat::JaegerV3,
    TraceFormat::OtlpJson,
    TraceFormat::TempoV1,
    TraceFormat::TempoV2,
    TraceFormat::ZipkinV2,
];

/// Reasons a builder gives for skipped spans (`TraceWarning::SkippedSpans` holds static text).
const SKIP_REASONS: [&str; 1] = ["no valid span id"];

/// Writes `set` after the fields already in `w`.
pub fn write_analysed(w: &mut Writer, set: &AnalysedTraces) {
    w.u8(FORMATS.iter().position(|f| *f == set.format).unwrap_or(0) as u8);
    w.len(set.documents);
    w.len(set.warnings.len());
    for s in &set.warnings {
        w.str(s);
    }
    w.len(set.traces.len());
    for (t, a) in &set.traces {
        write_trace(w, t);
        write_analysis(w, a);
    }
}

/// Reads what [`write_analysed`] wrote.
pub fn read_analysed(r: &mut Reader<'_>) -> Result<AnalysedTraces, FrameError> {
    let code = r.u8("trace format")?;
    let format = *FORMATS.get(code as usize).ok_or(FrameError::UnknownTag {
        field: "trace format",
        tag: code,
    })?;
    let documents = r.u32("documents")? as usize;
    let n = r.count(4, "body warnings")?;
    let mut warnings = Vec::with_capacity(n);
    for _ in 0..n {
        warnings.push(r.str("body warning")?);
    }
    let n = r.count(64, "traces")?;
    let mut traces = Vec::with_capacity(n);
    for _ in 0..n {
        let t = read_trace(r)?;
        let a = read_analysis(r, t.len())?;
        traces.push((t, a));
    }
    Ok(AnalysedTraces {
        format,
        documents,
        warnings,
        traces,
    })
}

fn u64_scalar(w: &mut Writer, v: u64) {
    w.i64(v as i64);
}

fn read_u64(r: &mut Reader<'_>, field: &'static str) -> Result<u64, FrameError> {
    Ok(r.i64(field)? as u64)
}

fn str_ids(col: &[StrId]) -> Vec<u32> {
    col.iter().map(|s| s.0).collect()
}

fn read_str_ids(
    r: &mut Reader<'_>,
    strings: usize,
    field: &'static str,
) -> Result<Vec<StrId>, FrameError> {
    let raw = r.u32s(field)?;
    if raw.iter().any(|&s| s as usize >= strings) {
        return Err(FrameError::Invalid { field });
    }
    Ok(raw.into_iter().map(StrId).collect())
}

fn coded<T: Copy>(bytes: &[u8], table: &[T], field: &'static str) -> Result<Vec<T>, FrameError> {
    let mut out = Vec::with_capacity(bytes.len());
    for &b in bytes {
        out.push(
            *table
                .get(b as usize)
                .ok_or(FrameError::UnknownTag { field, tag: b })?,
        );
    }
    Ok(out)
}

const REFS: [RefType; 2] = [RefType::ChildOf, RefType::FollowsFrom];
const KINDS: [SpanKind; 6] = [
    SpanKind::Unspecified,
    SpanKind::Internal,
    SpanKind::Server,
    SpanKind::Client,
    SpanKind::Producer,
    SpanKind::Consumer,
];
const STATUSES: [SpanStatus; 3] = [SpanStatus::Unset, SpanStatus::Ok, SpanStatus::Error];

fn code_of<T: PartialEq>(table: &[T], v: &T) -> u8 {
    table.iter().position(|x| x == v).unwrap_or(0) as u8
}

fn write_attrs(w: &mut Writer, attrs: &[Attr]) {
    let keys: Vec<u32> = attrs.iter().map(|a| a.key.0).collect();
    let (tags, values): (Vec<u8>, Vec<u64>) = attrs
        .iter()
        .map(|a| match a.value {
            AttrValue::Str(id) => (0, u64::from(id.0)),
            AttrValue::Bool(b) => (1, u64::from(b)),
            AttrValue::Int(i) => (2, i as u64),
            AttrValue::Float(f) => (3, f.to_bits()),
        })
        .unzip();
    w.u32s(&keys);
    w.u8s(&tags);
    w.u64s(&values);
}

fn read_attrs(r: &mut Reader<'_>, strings: usize) -> Result<Vec<Attr>, FrameError> {
    let keys = read_str_ids(r, strings, "attribute keys")?;
    let tags = r.u8s("attribute types")?;
    let values = r.u64s("attribute values")?;
    if tags.len() != keys.len() || values.len() != keys.len() {
        return Err(FrameError::Invalid {
            field: "attributes (columns of different lengths)",
        });
    }
    let mut out = Vec::with_capacity(keys.len());
    for (key, (&tag, v)) in keys.into_iter().zip(tags.iter().zip(values)) {
        let value = match tag {
            0 if (v as usize) < strings && v <= u64::from(u32::MAX) => {
                AttrValue::Str(StrId(v as u32))
            }
            0 => {
                return Err(FrameError::Invalid {
                    field: "attribute string",
                })
            }
            1 => AttrValue::Bool(v != 0),
            2 => AttrValue::Int(v as i64),
            3 => AttrValue::Float(f64::from_bits(v)),
            tag => {
                return Err(FrameError::UnknownTag {
                    field: "attribute type",
                    tag,
                })
            }
        };
        out.push(Attr { key, value });
    }
    Ok(out)
}

/// An offsets column: empty or one entry per span plus one, non-decreasing, within `flat`.
fn read_offsets(
    r: &mut Reader<'_>,
    spans: usize,
    flat: usize,
    field: &'static str,
) -> Result<Vec<u32>, FrameError> {
    let o = r.u32s(field)?;
    let ok = (o.is_empty() || o.len() == spans + 1)
        && o.windows(2).all(|w| w[0] <= w[1])
        && !matches!(o.last(), Some(&l) if l as usize > flat);
    if ok {
        Ok(o)
    } else {
        Err(FrameError::Invalid { field })
    }
}

fn range_ok(start: u32, end: u32, len: usize) -> bool {
    start <= end && end as usize <= len
}

fn write_trace(w: &mut Writer, t: &Trace) {
    u64_scalar(w, (t.trace_id >> 64) as u64);
    u64_scalar(w, t.trace_id as u64);
    w.len(t.strings.len());
    for s in &t.strings {
        w.str(s);
    }
    w.u64s(&t.span_ids);
    w.u64s(&t.parent_span_ids);
    w.u32s(&t.parents);
    w.u8s(
        &t.ref_types
            .iter()
            .map(|v| code_of(&REFS, v))
            .collect::<Vec<_>>(),
    );
    w.u64s(&t.starts);
    w.u64s(&t.durations);
    w.u64s(&t.ends);
    w.u32s(&str_ids(&t.services));
    w.u32s(&str_ids(&t.operations));
    w.u8s(
        &t.kinds
            .iter()
            .map(|v| code_of(&KINDS, v))
            .collect::<Vec<_>>(),
    );
    w.u8s(
        &t.statuses
            .iter()
            .map(|v| code_of(&STATUSES, v))
            .collect::<Vec<_>>(),
    );
    w.u32s(&str_ids(&t.status_messages));
    w.u8s(&t.errors.iter().map(|&e| u8::from(e)).collect::<Vec<_>>());
    w.u8s(&t.span_flags);
    w.u32s(&t.depths);
    w.u32s(&t.subtree_ends);
    w.u32s(&t.children);
    w.u32s(&t.child_offsets);
    w.u32s(&t.roots);
    w.u32s(&t.resource_of);
    w.u32s(&t.resources.iter().map(|r| r.service.0).collect::<Vec<_>>());
    w.u32s(
        &t.resources
            .iter()
            .flat_map(|r| [r.attrs_start, r.attrs_end])
            .collect::<Vec<_>>(),
    );
    write_attrs(w, &t.resource_attrs);
    write_attrs(w, &t.attrs);
    w.u32s(&t.attr_offsets);
    w.u64s(&t.events.iter().map(|e| e.time_ns).collect::<Vec<_>>());
    w.u32s(&t.events.iter().map(|e| e.name.0).collect::<Vec<_>>());
    w.u32s(
        &t.events
            .iter()
            .flat_map(|e| [e.attrs_start, e.attrs_end])
            .collect::<Vec<_>>(),
    );
    write_attrs(w, &t.event_attrs);
    w.u32s(&t.event_offsets);
    w.u64s(
        &t.links
            .iter()
            .map(|l| (l.trace_id >> 64) as u64)
            .collect::<Vec<_>>(),
    );
    w.u64s(
        &t.links
            .iter()
            .map(|l| l.trace_id as u64)
            .collect::<Vec<_>>(),
    );
    w.u64s(&t.links.iter().map(|l| l.span_id).collect::<Vec<_>>());
    w.u8s(
        &t.links
            .iter()
            .map(|l| code_of(&REFS, &l.ref_type))
            .collect::<Vec<_>>(),
    );
    w.u32s(&t.link_offsets);
    w.len(t.warnings.len());
    for warning in &t.warnings {
        write_warning(w, warning);
    }
    u64_scalar(w, t.start_ns);
    u64_scalar(w, t.end_ns);
}

fn read_trace(r: &mut Reader<'_>) -> Result<Trace, FrameError> {
    let hi = read_u64(r, "trace id")?;
    let lo = read_u64(r, "trace id")?;
    let n_strings = r.count(4, "strings")?;
    let mut strings: Vec<Arc<str>> = Vec::with_capacity(n_strings);
    for _ in 0..n_strings {
        strings.push(Arc::from(r.str("string")?));
    }
    let span_ids = r.u64s("span ids")?;
    let n = span_ids.len();
    let per_span = |len: usize, field: &'static str| {
        if len == n {
            Ok(())
        } else {
            Err(FrameError::Invalid { field })
        }
    };
    let parent_span_ids = r.u64s("parent span ids")?;
    per_span(parent_span_ids.len(), "parent span ids")?;
    let parents = r.u32s("parents")?;
    let ref_types = coded(r.u8s("reference types")?, &REFS, "reference type")?;
    let starts = r.u64s("starts")?;
    let durations = r.u64s("durations")?;
    let ends = r.u64s("ends")?;
    let services = read_str_ids(r, n_strings, "services")?;
    let operations = read_str_ids(r, n_strings, "operations")?;
    let kinds = coded(r.u8s("kinds")?, &KINDS, "span kind")?;
    let statuses = coded(r.u8s("statuses")?, &STATUSES, "span status")?;
    per_span(statuses.len(), "statuses")?;
    let status_messages = read_str_ids(r, n_strings, "status messages")?;
    per_span(status_messages.len(), "status messages")?;
    let errors: Vec<bool> = r.u8s("errors")?.iter().map(|&e| e != 0).collect();
    let span_flags = r.u8s("span flags")?.to_vec();
    per_span(span_flags.len(), "span flags")?;
    let depths = r.u32s("depths")?;
    let subtree_ends = r.u32s("subtree ends")?;
    if subtree_ends.iter().any(|&e| e as usize > n) {
        return Err(FrameError::Invalid {
            field: "subtree ends",
        });
    }
    let children = r.u32s("children")?;
    let child_offsets = read_offsets(r, n, children.len(), "child offsets")?;
    let roots = r.u32s("roots")?;
    if roots.iter().any(|&i| i as usize >= n) {
        return Err(FrameError::Invalid { field: "roots" });
    }
    let resource_of = r.u32s("span resources")?;
    let resource_services = read_str_ids(r, n_strings, "resource services")?;
    let resource_ranges = r.u32s("resource attribute ranges")?;
    let resource_attrs = read_attrs(r, n_strings)?;
    if resource_ranges.len() != 2 * resource_services.len() {
        return Err(FrameError::Invalid { field: "resources" });
    }
    let mut resources = Vec::with_capacity(resource_services.len());
    for (service, range) in resource_services
        .into_iter()
        .zip(resource_ranges.chunks_exact(2))
    {
        let (attrs_start, attrs_end) = (
            range.first().copied().unwrap_or(0),
            range.get(1).copied().unwrap_or(0),
        );
        if !range_ok(attrs_start, attrs_end, resource_attrs.len()) {
            return Err(FrameError::Invalid {
                field: "resource attribute range",
            });
        }
        resources.push(Resource {
            service,
            attrs_start,
            attrs_end,
        });
    }
    if resource_of.iter().any(|&i| i as usize >= resources.len()) {
        return Err(FrameError::Invalid {
            field: "span resources",
        });
    }
    let attrs = read_attrs(r, n_strings)?;
    let attr_offsets = read_offsets(r, n, attrs.len(), "attribute offsets")?;
    let event_times = r.u64s("event times")?;
    let event_names = read_str_ids(r, n_strings, "event names")?;
    let event_ranges = r.u32s("event attribute ranges")?;
    let event_attrs = read_attrs(r, n_strings)?;
    if event_names.len() != event_times.len() || event_ranges.len() != 2 * event_times.len() {
        return Err(FrameError::Invalid { field: "events" });
    }
    let mut events = Vec::with_capacity(event_times.len());
    for ((time_ns, name), range) in event_times
        .into_iter()
        .zip(event_names)
        .zip(event_ranges.chunks_exact(2))
    {
        let (attrs_start, attrs_end) = (
            range.first().copied().unwrap_or(0),
            range.get(1).copied().unwrap_or(0),
        );
        if !range_ok(attrs_start, attrs_end, event_attrs.len()) {
            return Err(FrameError::Invalid {
                field: "event attribute range",
            });
        }
        events.push(Event {
            time_ns,
            name,
            attrs_start,
            attrs_end,
        });
    }
    let event_offsets = read_offsets(r, n, events.len(), "event offsets")?;
    let link_hi = r.u64s("link trace ids")?;
    let link_lo = r.u64s("link trace ids")?;
    let link_spans = r.u64s("link span ids")?;
    let link_refs = coded(r.u8s("link reference types")?, &REFS, "link reference type")?;
    let m = link_hi.len();
    if link_lo.len() != m || link_spans.len() != m || link_refs.len() != m {
        return Err(FrameError::Invalid {
            field: "links (columns of different lengths)",
        });
    }
    let links: Vec<Link> = link_hi
        .into_iter()
        .zip(link_lo)
        .zip(link_spans.into_iter().zip(link_refs))
        .map(|((hi, lo), (span_id, ref_type))| Link {
            trace_id: (u128::from(hi) << 64) | u128::from(lo),
            span_id,
            ref_type,
        })
        .collect();
    let link_offsets = read_offsets(r, n, links.len(), "link offsets")?;
    let n_warnings = r.count(1, "trace warnings")?;
    let mut warnings = Vec::with_capacity(n_warnings);
    for _ in 0..n_warnings {
        warnings.push(read_warning(r)?);
    }
    let start_ns = read_u64(r, "trace start")?;
    let end_ns = read_u64(r, "trace end")?;
    let trace = Trace {
        trace_id: (u128::from(hi) << 64) | u128::from(lo),
        strings,
        span_ids,
        parent_span_ids,
        parents,
        ref_types,
        starts,
        durations,
        ends,
        services,
        operations,
        kinds,
        statuses,
        status_messages,
        errors,
        span_flags,
        depths,
        subtree_ends,
        child_offsets,
        children,
        roots,
        resource_of,
        resources,
        resource_attrs,
        attr_offsets,
        attrs,
        event_offsets,
        events,
        event_attrs,
        link_offsets,
        links,
        warnings,
        start_ns,
        end_ns,
    };
    // A trace with spans must satisfy the builder's layout (empty traces have empty columns).
    if n > 0 && !trace.layout_ok() {
        return Err(FrameError::Invalid { field: "span tree" });
    }
    if n == 0 && !(trace.parents.is_empty() && trace.roots.is_empty() && trace.children.is_empty())
    {
        return Err(FrameError::Invalid { field: "span tree" });
    }
    Ok(trace)
}

const W_ORPHANS: u8 = 0;
const W_OUTSIDE: u8 = 1;
const W_DUPLICATES: u8 = 2;
const W_DUPLICATE_IDS: u8 = 3;
const W_CYCLES: u8 = 4;
const W_SKIPPED: u8 = 5;
const W_NEGATIVE: u8 = 6;
const W_BACKEND: u8 = 7;
const W_PARTIAL: u8 = 8;

fn write_warning(w: &mut Writer, warning: &TraceWarning) {
    let (tag, count, text): (u8, usize, &str) = match warning {
        TraceWarning::OrphanSpans { count } => (W_ORPHANS, *count, ""),
        TraceWarning::SpansOutsideParent { count } => (W_OUTSIDE, *count, ""),
        TraceWarning::DuplicateSpans { count } => (W_DUPLICATES, *count, ""),
        TraceWarning::DuplicateSpanIds { count } => (W_DUPLICATE_IDS, *count, ""),
        TraceWarning::ParentCycles { count } => (W_CYCLES, *count, ""),
        TraceWarning::SkippedSpans { count, reason } => (W_SKIPPED, *count, reason),
        TraceWarning::NegativeDurations { count } => (W_NEGATIVE, *count, ""),
        TraceWarning::Backend { message, count } => (W_BACKEND, *count, message),
        TraceWarning::Partial { message } => (W_PARTIAL, 0, message),
    };
    w.u8(tag);
    u64_scalar(w, count as u64);
    w.str(text);
}

fn read_warning(r: &mut Reader<'_>) -> Result<TraceWarning, FrameError> {
    let tag = r.u8("trace warning")?;
    let count =
        usize::try_from(read_u64(r, "warning count")?).map_err(|_| FrameError::Invalid {
            field: "warning count",
        })?;
    let text = r.str("warning text")?;
    Ok(match tag {
        W_ORPHANS => TraceWarning::OrphanSpans { count },
        W_OUTSIDE => TraceWarning::SpansOutsideParent { count },
        W_DUPLICATES => TraceWarning::DuplicateSpans { count },
        W_DUPLICATE_IDS => TraceWarning::DuplicateSpanIds { count },
        W_CYCLES => TraceWarning::ParentCycles { count },
        W_SKIPPED => {
            let reason = SKIP_REASONS
                .iter()
                .find(|r| **r == text)
                .ok_or(FrameError::Invalid {
                    field: "skipped-span reason",
                })?;
            TraceWarning::SkippedSpans { count, reason }
        }
        W_NEGATIVE => TraceWarning::NegativeDurations { count },
        W_BACKEND => TraceWarning::Backend {
            message: text,
            count,
        },
        W_PARTIAL => TraceWarning::Partial { message: text },
        tag => {
            return Err(FrameError::UnknownTag {
                field: "trace warning",
                tag,
            })
        }
    })
}

fn write_share(w: &mut Writer, share: Option<f64>) {
    w.u8(u8::from(share.is_some()));
    w.f64(share.unwrap_or(0.0));
}

fn read_share(r: &mut Reader<'_>) -> Result<Option<f64>, FrameError> {
    let present = r.u8("share present")?;
    let v = r.f64("share")?;
    match present {
        0 => Ok(None),
        1 => Ok(Some(v)),
        tag => Err(FrameError::UnknownTag {
            field: "share present",
            tag,
        }),
    }
}

fn write_analysis(w: &mut Writer, a: &TraceAnalysis) {
    w.u32s(&a.sections.iter().map(|s| s.span).collect::<Vec<_>>());
    w.u64s(&a.sections.iter().map(|s| s.start_ns).collect::<Vec<_>>());
    w.u64s(&a.sections.iter().map(|s| s.end_ns).collect::<Vec<_>>());
    u64_scalar(w, a.critical_total_ns);
    u64_scalar(w, a.excluded_spans as u64);
    w.u64s(&a.self_ns);
    w.u64s(&a.critical_ns);
    w.len(a.bottlenecks.len());
    for b in &a.bottlenecks {
        w.u32(b.span);
        u64_scalar(w, b.critical_ns);
        u64_scalar(w, b.self_ns);
        write_share(w, b.share);
    }
    w.len(a.stats.len());
    for s in &a.stats {
        w.str(&s.service);
        w.str(&s.operation);
        for v in [
            s.count as u64,
            s.traces as u64,
            s.total_ns,
            s.min_ns,
            s.max_ns,
            s.self_total_ns,
            s.critical_total_ns,
            s.error_count as u64,
        ] {
            u64_scalar(w, v);
        }
        for v in [s.avg_ns, s.p50_ns, s.p95_ns, s.p99_ns, s.error_rate] {
            w.f64(v);
        }
        write_share(w, s.self_share);
    }
}

fn read_analysis(r: &mut Reader<'_>, spans: usize) -> Result<TraceAnalysis, FrameError> {
    let span = r.u32s("section spans")?;
    let start = r.u64s("section starts")?;
    let end = r.u64s("section ends")?;
    if start.len() != span.len() || end.len() != span.len() {
        return Err(FrameError::Invalid {
            field: "sections (columns of different lengths)",
        });
    }
    let mut sections = Vec::with_capacity(span.len());
    for ((span, start_ns), end_ns) in span.into_iter().zip(start).zip(end) {
        if span as usize >= spans || start_ns > end_ns {
            return Err(FrameError::Invalid {
                field: "critical-path section",
            });
        }
        sections.push(Section {
            span,
            start_ns,
            end_ns,
        });
    }
    let critical_total_ns = read_u64(r, "critical-path total")?;
    let excluded_spans = read_u64(r, "excluded spans")? as usize;
    let self_ns = r.u64s("self times")?;
    let critical_ns = r.u64s("critical-path times")?;
    if self_ns.len() != spans || critical_ns.len() != spans {
        return Err(FrameError::Invalid {
            field: "per-span times",
        });
    }
    let n = r.count(26, "bottlenecks")?;
    let mut bottlenecks = Vec::with_capacity(n);
    for _ in 0..n {
        let span = r.u32("bottleneck span")?;
        if span as usize >= spans {
            return Err(FrameError::Invalid {
                field: "bottleneck span",
            });
        }
        let critical_ns = read_u64(r, "bottleneck time")?;
        let self_ns = read_u64(r, "bottleneck self time")?;
        bottlenecks.push(Bottleneck {
            span,
            critical_ns,
            self_ns,
            share: read_share(r)?,
        });
    }
    let n = r.count(8 + 8 * 8 + 5 * 8 + 9, "statistics rows")?;
    let mut stats = Vec::with_capacity(n);
    for _ in 0..n {
        let service: Arc<str> = Arc::from(r.str("statistics service")?);
        let operation: Arc<str> = Arc::from(r.str("statistics operation")?);
        let mut ints = [0u64; 8];
        for v in &mut ints {
            *v = read_u64(r, "statistics count")?;
        }
        let mut floats = [0f64; 5];
        for v in &mut floats {
            *v = r.f64("statistics value")?;
        }
        let self_share = read_share(r)?;
        let [count, traces, total_ns, min_ns, max_ns, self_total_ns, critical_total_ns, error_count] =
            ints;
        let [avg_ns, p50_ns, p95_ns, p99_ns, error_rate] = floats;
        stats.push(OperationStats {
            service,
            operation,
            count: count as usize,
            traces: traces as usize,
            total_ns,
            min_ns,
            max_ns,
            avg_ns,
            p50_ns,
            p95_ns,
            p99_ns,
            self_total_ns,
            critical_total_ns,
            self_share,
            error_count: error_count as usize,
            error_rate,
        });
    }
    Ok(TraceAnalysis {
        sections,
        critical_total_ns,
        excluded_spans,
        self_ns,
        critical_ns,
        bottlenecks,
        stats,
    })
}
