//! Zipkin v2 JSON (wire-formats.md §7): a flat array of spans (`/api/v2/trace/{id}`), or an
//! array of such arrays (`/api/v2/traces`). Times are **microseconds**; ids lower-hex (64-bit
//! trace ids are left-padded by [`crate::trace::ids`]).
//!
//! - Service = `localEndpoint.serviceName` (`""` when absent, as in Envoy's spans); the local
//!   endpoint's address becomes resource attributes `net.host.ip` / `net.host.port`.
//! - `remoteEndpoint.serviceName` becomes the attribute `peer.service` (the remote side of a
//!   client span, algorithms.md §11); its address `net.peer.ip` / `net.peer.port`.
//! - Error = an `error` tag with any value (Zipkin's convention). Annotations become events.
//! - **Shared spans**: the server half of an RPC (`shared: true`) reuses the client's span id.
//!   When both halves are present the client half gets a synthetic id unused in the trace, and
//!   the server half becomes its child, so children naming the shared id hang under the server
//!   (as Zipkin's UI shows them). Both keep the original id in the attribute `zipkin.id`; the
//!   server half is marked `zipkin.shared = true`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use super::wire::{null_as_empty, opt_text, opt_u64, Scalar};
use crate::trace::builder::{EventInput, ResourceId, SpanInput, TraceBuilder};
use crate::trace::decode::TraceSet;
use crate::trace::ids::{parse_span_id, parse_trace_id, span_id_hex};
use crate::trace::model::{Attr, AttrValue, RefType, SpanKind, SpanStatus};

/// One Zipkin v2 span.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ZipkinSpan {
    #[serde(rename = "traceId", deserialize_with = "opt_text")]
    pub trace_id: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    pub id: Option<String>,
    #[serde(rename = "parentId", deserialize_with = "opt_text")]
    parent_id: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    name: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    kind: Option<String>,
    #[serde(deserialize_with = "opt_u64")]
    timestamp: Option<u64>,
    #[serde(deserialize_with = "opt_u64")]
    duration: Option<u64>,
    #[serde(rename = "localEndpoint")]
    local_endpoint: Option<Endpoint>,
    #[serde(rename = "remoteEndpoint")]
    remote_endpoint: Option<Endpoint>,
    tags: Option<BTreeMap<String, Scalar>>,
    #[serde(deserialize_with = "null_as_empty")]
    annotations: Vec<Annotation>,
    shared: Scalar,
}

impl ZipkinSpan {
    /// `true` when the object has a Zipkin span's identifying keys.
    pub(crate) fn looks_like_span(&self) -> bool {
        self.trace_id.is_some() && self.id.is_some()
    }

    fn is_shared(&self) -> bool {
        matches!(self.shared, Scalar::Bool(true)) || self.shared.text().eq_ignore_ascii_case("true")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Endpoint {
    #[serde(rename = "serviceName", deserialize_with = "opt_text")]
    service_name: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    ipv4: Option<String>,
    #[serde(deserialize_with = "opt_text")]
    ipv6: Option<String>,
    port: Scalar,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Annotation {
    #[serde(deserialize_with = "opt_u64")]
    timestamp: Option<u64>,
    #[serde(deserialize_with = "opt_text")]
    value: Option<String>,
}

fn us_to_ns(us: Option<u64>) -> u64 {
    us.unwrap_or(0).saturating_mul(1000)
}

fn endpoint_attrs(b: &mut TraceBuilder, e: &Endpoint, ip_key: &str, port_key: &str) -> Vec<Attr> {
    let mut out = Vec::new();
    if let Some(ip) = e.ipv4.as_deref().or(e.ipv6.as_deref()) {
        let (key, value) = (b.intern(ip_key), b.intern(ip));
        out.push(Attr {
            key,
            value: AttrValue::Str(value),
        });
    }
    if let Some(port) = e.port.as_i64() {
        out.push(Attr {
            key: b.intern(port_key),
            value: AttrValue::Int(port),
        });
    }
    out
}

/// Adds Zipkin spans (any number of traces, any order) to `set`.
pub(crate) fn add_spans(set: &mut TraceSet, spans: &[ZipkinSpan]) {
    // Group by trace, keeping first-appearance order.
    let mut groups: Vec<(u128, Vec<&ZipkinSpan>)> = Vec::new();
    let mut index: HashMap<u128, usize> = HashMap::new();
    for s in spans {
        let Some(trace_id) = s.trace_id.as_deref().and_then(parse_trace_id) else {
            set.skipped_without_trace_id += 1;
            continue;
        };
        let i = *index.entry(trace_id).or_insert_with(|| {
            groups.push((trace_id, Vec::new()));
            groups.len() - 1
        });
        if let Some((_, g)) = groups.get_mut(i) {
            g.push(s);
        }
    }
    for (trace_id, group) in groups {
        add_trace(set.builder(trace_id), &group);
    }
}

fn add_trace(b: &mut TraceBuilder, spans: &[&ZipkinSpan]) {
    let ids = |shared: bool| -> HashSet<u64> {
        spans
            .iter()
            .filter(|s| s.is_shared() == shared)
            .filter_map(|s| s.id.as_deref().and_then(parse_span_id))
            .collect()
    };
    let (client_ids, server_ids) = (ids(false), ids(true));
    let taken: HashSet<u64> = client_ids.union(&server_ids).copied().collect();
    // Synthetic ids for the client half of each shared pair.
    let mut used: HashSet<u64> = HashSet::new();
    let mut synthetic: HashMap<u64, u64> = HashMap::new();
    let mut next = 0x5a1f_0000_0000_0001u64;
    let mut pairs: Vec<u64> = client_ids.intersection(&server_ids).copied().collect();
    pairs.sort_unstable();
    for id in pairs {
        let mut candidate = id ^ next;
        while candidate == 0 || taken.contains(&candidate) || used.contains(&candidate) {
            next = next.wrapping_add(2);
            candidate = id ^ next;
        }
        used.insert(candidate);
        synthetic.insert(id, candidate);
    }
    let mut resources: HashMap<String, ResourceId> = HashMap::new();
    let zipkin_id = b.intern("zipkin.id");
    for s in spans {
        let Some(id) = s.id.as_deref().and_then(parse_span_id) else {
            b.warn(crate::trace::TraceWarning::SkippedSpans {
                count: 1,
                reason: "no valid span id",
            });
            continue;
        };
        let shared = s.is_shared();
        let pair = synthetic.get(&id).copied();
        let (span_id, parent_span_id) = match (shared, pair) {
            (false, Some(synth)) => (synth, s.parent_id.as_deref().and_then(parse_span_id)),
            (true, Some(synth)) => (id, Some(synth)),
            _ => (id, s.parent_id.as_deref().and_then(parse_span_id)),
        };
        let local = s.local_endpoint.as_ref();
        let service_text = local
            .and_then(|e| e.service_name.clone())
            .unwrap_or_default();
        let key = match local {
            Some(e) => format!(
                "{service_text}\u{0}{:?}\u{0}{:?}\u{0}{}",
                e.ipv4,
                e.ipv6,
                e.port.text()
            ),
            None => service_text.clone(),
        };
        let resource = match resources.get(&key) {
            Some(&r) => r,
            None => {
                let service = b.intern(&service_text);
                let attrs = local
                    .map(|e| endpoint_attrs(b, e, "net.host.ip", "net.host.port"))
                    .unwrap_or_default();
                let r = b.add_resource(service, &attrs);
                resources.insert(key, r);
                r
            }
        };
        let mut attrs: Vec<Attr> = Vec::new();
        let mut error_tag = false;
        for (k, v) in s.tags.iter().flatten() {
            error_tag |= k == "error";
            let key = b.intern(k);
            attrs.push(Attr {
                key,
                value: AttrValue::Str(b.intern(&v.text())),
            });
        }
        if let Some(remote) = &s.remote_endpoint {
            if let Some(peer) = &remote.service_name {
                let (key, value) = (b.intern("peer.service"), b.intern(peer));
                attrs.push(Attr {
                    key,
                    value: AttrValue::Str(value),
                });
            }
            attrs.extend(endpoint_attrs(b, remote, "net.peer.ip", "net.peer.port"));
        }
        if pair.is_some() {
            let original = b.intern(&span_id_hex(id));
            attrs.push(Attr {
                key: zipkin_id,
                value: AttrValue::Str(original),
            });
        }
        if shared {
            attrs.push(Attr {
                key: b.intern("zipkin.shared"),
                value: AttrValue::Bool(true),
            });
        }
        let events = s
            .annotations
            .iter()
            .map(|a| EventInput {
                time_ns: us_to_ns(a.timestamp),
                name: b.intern(a.value.as_deref().unwrap_or("")),
                attrs: Vec::new(),
            })
            .collect();
        let operation = b.intern(s.name.as_deref().unwrap_or(""));
        b.add_span(SpanInput {
            span_id,
            parent_span_id,
            ref_type: RefType::ChildOf,
            start_ns: us_to_ns(s.timestamp),
            duration_ns: us_to_ns(s.duration),
            resource,
            operation,
            kind: s
                .kind
                .as_deref()
                .map_or(SpanKind::Unspecified, SpanKind::parse),
            status: if error_tag {
                SpanStatus::Error
            } else {
                SpanStatus::Unset
            },
            status_message: crate::trace::model::StrId::EMPTY,
            error_tag,
            attrs,
            events,
            links: Vec::new(),
        });
    }
}
