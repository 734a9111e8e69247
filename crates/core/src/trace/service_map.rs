//! The service map of one trace or of many (a search's traces), algorithms.md §11.
//!
//! - **Nodes**: one per service (resource `service.name`), with its span and error counts.
//! - **Edges from spans**: a span of service C whose parent is of service P ≠ C is one call
//!   P → C; the call's latency is that child span's duration and it is an error when that span
//!   is. Per edge: calls, errors, error rate (0–1), exact p50/p95 of the latencies (linear
//!   interpolation between closest ranks).
//! - **Inferred leaves**: a CLIENT or PRODUCER span without children that names its peer
//!   (`peer.service`, else `server.address`, else `db.system`) adds a call S → peer, marked
//!   `inferred` — the uninstrumented database or external API. Its latency is the client span's.
//! - Counts are of the traces given (usually sampled): label them "from N traces".
//!
//! Nodes are sorted by service, edges by (caller, callee).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::model::{SpanKind, Trace, NO_PARENT};
use super::stats::exact_quantiles;

/// A service of the map.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceNode {
    pub service: Arc<str>,
    /// Spans of this service.
    pub spans: usize,
    /// Of which errors.
    pub errors: usize,
    /// `true` when the service only appears as an inferred peer (no span of its own).
    pub inferred: bool,
}

/// Calls from one service to another.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceEdge {
    pub caller: Arc<str>,
    pub callee: Arc<str>,
    pub calls: usize,
    pub errors: usize,
    /// `errors / calls` (0–1).
    pub error_rate: f64,
    pub p50_ns: f64,
    pub p95_ns: f64,
    /// `true` when the callee was named by a client span's attributes, not seen as spans.
    pub inferred: bool,
}

/// Nodes and edges, with the number of traces they come from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceMap {
    pub nodes: Vec<ServiceNode>,
    pub edges: Vec<ServiceEdge>,
    pub traces: usize,
}

#[derive(Default)]
struct EdgeAcc {
    latencies: Vec<f64>,
    errors: usize,
    inferred: bool,
}

const PEER_KEYS: [&str; 3] = ["peer.service", "server.address", "db.system"];

/// Builds the service map of `traces` (see the module doc).
pub fn service_map<'a>(traces: impl IntoIterator<Item = &'a Trace>) -> ServiceMap {
    let mut nodes: BTreeMap<Arc<str>, (usize, usize)> = BTreeMap::new();
    let mut edges: BTreeMap<(Arc<str>, Arc<str>), EdgeAcc> = BTreeMap::new();
    let mut count = 0usize;
    for trace in traces {
        count += 1;
        let mut names: HashMap<u32, Arc<str>> = HashMap::new();
        let mut name_of = |id: super::model::StrId| -> Arc<str> {
            names
                .entry(id.0)
                .or_insert_with(|| Arc::from(trace.str(id)))
                .clone()
        };
        let services = trace.services();
        for span in trace.spans() {
            let i = span.index() as usize;
            let Some(&sid) = services.get(i) else {
                continue;
            };
            let service = name_of(sid);
            let node = nodes.entry(service.clone()).or_insert((0, 0));
            node.0 += 1;
            node.1 += usize::from(span.is_error());
            let latency = span.duration_ns() as f64;
            let parent = trace.parents().get(i).copied().unwrap_or(NO_PARENT);
            if let Some(&pid) = services.get(parent as usize) {
                if pid != sid {
                    let acc = edges.entry((name_of(pid), service.clone())).or_default();
                    acc.latencies.push(latency);
                    acc.errors += usize::from(span.is_error());
                }
            }
            let calls_out = matches!(span.kind(), SpanKind::Client | SpanKind::Producer);
            if calls_out && span.children().is_empty() {
                let peer = PEER_KEYS
                    .iter()
                    .find_map(|k| span.attribute(k))
                    .map(|v| span.value_text(v));
                if let Some(peer) = peer.filter(|p| !p.is_empty() && **p != *service) {
                    let acc = edges
                        .entry((service.clone(), Arc::from(peer.as_str())))
                        .or_default();
                    acc.latencies.push(latency);
                    acc.errors += usize::from(span.is_error());
                    acc.inferred = true;
                }
            }
        }
    }
    let mut out_nodes: Vec<ServiceNode> = nodes
        .iter()
        .map(|(s, &(spans, errors))| ServiceNode {
            service: s.clone(),
            spans,
            errors,
            inferred: false,
        })
        .collect();
    for (_, callee) in edges.keys() {
        if !nodes.contains_key(callee) && !out_nodes.iter().any(|n| n.service == *callee) {
            out_nodes.push(ServiceNode {
                service: callee.clone(),
                spans: 0,
                errors: 0,
                inferred: true,
            });
        }
    }
    out_nodes.sort_by(|a, b| a.service.cmp(&b.service));
    let out_edges = edges
        .into_iter()
        .map(|((caller, callee), acc)| {
            let calls = acc.latencies.len();
            let [p50_ns, p95_ns] = exact_quantiles(&acc.latencies, [0.5, 0.95]);
            ServiceEdge {
                caller,
                callee,
                calls,
                errors: acc.errors,
                error_rate: acc.errors as f64 / calls.max(1) as f64,
                p50_ns,
                p95_ns,
                inferred: acc.inferred,
            }
        })
        .collect();
    ServiceMap {
        nodes: out_nodes,
        edges: out_edges,
        traces: count,
    }
}
