//! The demo shop's request shapes and a seeded generator of one trace per time slot.
//!
//! Contract:
//! - One sampled trace every [`SLOT_MS`]; slot `k` covers `[k·SLOT_MS, (k+1)·SLOT_MS)` and its
//!   trace depends only on `(seed, k, incident window)`, so any trace can be regenerated from its
//!   id alone. The trace id is `mix(seed)` (16 hex) followed by `k` (16 hex).
//! - Root routes are the demo metrics' endpoints with a fixed sampling mix ([`SHAPES`]; checkout
//!   traces are kept ten times as often as its request share, as a tail-sampling policy would).
//!   Calls follow a fixed call graph; each server span's duration is drawn from the log-normal the
//!   metrics use for that endpoint (×5 for payments, ×1.8 for checkout inside the incident), and
//!   statuses from the metrics' status shares (payments fails ~20 % with 500/503 in the incident).
//! - Spans come in pre-order (parent before child), times in µs, durations ≥ 1 µs. No panics.

use crate::demo::data::{endpoint_latency, endpoint_statuses, mix};

/// One sampled trace per slot of this length.
pub const SLOT_MS: i64 = 10_000;

/// A downstream call of a route: callee service and route, and whether it runs in parallel with
/// the call before it.
struct Call {
    service: &'static str,
    method: &'static str,
    route: &'static str,
    parallel: bool,
}

/// A root route with its sampling weight and its calls.
pub(super) struct Shape {
    pub service: &'static str,
    pub method: &'static str,
    pub route: &'static str,
    weight: u32,
    calls: &'static [Call],
}

const fn call(service: &'static str, method: &'static str, route: &'static str, parallel: bool) -> Call {
    Call { service, method, route, parallel }
}

/// What each route calls (the same for a route whether it is the root or called).
fn calls_of(service: &str, route: &str) -> &'static [Call] {
    SHAPES.iter().find(|s| s.service == service && s.route == route).map(|s| s.calls).unwrap_or(&[])
}

/// Root routes, with sampling weights (per mille of traces).
pub(super) const SHAPES: [Shape; 6] = [
    Shape {
        service: "frontend",
        method: "GET",
        route: "/",
        weight: 220,
        calls: &[call("catalog", "GET", "/products", false)],
    },
    Shape {
        service: "frontend",
        method: "GET",
        route: "/product/:id",
        weight: 380,
        calls: &[call("catalog", "GET", "/products/:id", false), call("cart", "GET", "/cart/items", true)],
    },
    Shape {
        service: "frontend",
        method: "GET",
        route: "/cart",
        weight: 90,
        calls: &[call("cart", "GET", "/cart/items", false)],
    },
    Shape {
        service: "checkout",
        method: "POST",
        route: "/checkout",
        weight: 160,
        calls: &[call("cart", "GET", "/cart/items", false), call("payments", "POST", "/charge", false)],
    },
    Shape {
        service: "cart",
        method: "POST",
        route: "/cart/add",
        weight: 30,
        calls: &[call("catalog", "GET", "/products/:id", false)],
    },
    Shape { service: "payments", method: "POST", route: "/refund", weight: 2, calls: &[] },
];

/// Span kinds of the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Server,
    Client,
}

/// One generated span (times in µs).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DemoSpan {
    /// Index of the parent in the trace's span list.
    pub parent: Option<usize>,
    pub service: &'static str,
    pub method: &'static str,
    pub route: &'static str,
    pub kind: Kind,
    pub instance: u8,
    pub start_us: i64,
    pub duration_us: i64,
    /// HTTP status code answered (server) or received (client).
    pub status: u16,
    pub error: bool,
}

impl DemoSpan {
    /// The span's operation name (`GET /products/:id`).
    pub fn operation(&self) -> String {
        format!("{} {}", self.method, self.route)
    }
}

/// A generated trace.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DemoTrace {
    pub slot: i64,
    /// 32 lower-case hex digits.
    pub trace_id: String,
    /// The root span's id when it is fixed (an exemplar names it); otherwise derived from the slot.
    pub root_span_id: Option<String>,
    pub spans: Vec<DemoSpan>,
}

/// A deterministic stream of uniforms for one (seed, slot).
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        ((mix(self.0) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn gauss(&mut self) -> f64 {
        let (u, v) = (self.unit(), self.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// The high 64 bits of every demo trace id for `seed`.
pub(crate) fn id_prefix(seed: u64) -> u64 {
    mix(seed ^ 0x7472_6163_6573)
}

/// The root shape sampled for slot `k`.
pub(super) fn shape_of(seed: u64, k: i64) -> &'static Shape {
    let total: u32 = SHAPES.iter().map(|s| s.weight).sum();
    let mut pick = (mix(id_prefix(seed) ^ (k as u64)) % u64::from(total.max(1))) as u32;
    for s in &SHAPES {
        if pick < s.weight {
            return s;
        }
        pick -= s.weight;
    }
    &SHAPES[0]
}

/// Operation names of `service`: the routes it serves and the calls it makes, over every shape.
pub(super) fn operations(service: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<(&'static str, &'static str, &'static str)> =
        SHAPES.iter().map(|s| (s.service, s.method, s.route)).collect();
    while let Some((svc, method, route)) = stack.pop() {
        if svc == service {
            out.push(format!("{method} {route}"));
        }
        for c in calls_of(svc, route) {
            if svc == service {
                out.push(format!("{} {}", c.method, c.route));
            }
            stack.push((c.service, c.method, c.route));
        }
    }
    out
}

/// The edges (caller service → callee service) of a shape's call tree, one per call.
pub(super) fn edges(shape: &Shape, out: &mut Vec<(&'static str, &'static str)>) {
    let mut stack: Vec<(&'static str, &'static str)> = vec![(shape.service, shape.route)];
    while let Some((service, route)) = stack.pop() {
        for c in calls_of(service, route) {
            out.push((service, c.service));
            stack.push((c.service, c.route));
        }
    }
}

/// Generates the trace of slot `k`. `incident` is the demo's incident window in ms.
///
/// Three passes over a flat list (no recursion): build the call tree in pre-order with each
/// server span's drawn time; size spans bottom-up (a server span lasts its drawn time or, if
/// longer, a fifth of it, its calls — sequential or parallel — and a tenth of it after them; a
/// client span lasts its server span plus the network time both ways); then place them top-down.
pub(crate) fn generate(seed: u64, k: i64, incident: (i64, i64)) -> DemoTrace {
    let shape = shape_of(seed, k);
    let mut rng = Rng(mix(seed.rotate_left(17) ^ (k as u64).wrapping_mul(0xA24B_AED4_963E_E407)));
    let start_ms = k.saturating_mul(SLOT_MS).saturating_add((rng.unit() * (SLOT_MS / 2) as f64) as i64);
    let in_incident = incident.0 <= start_ms && start_ms < incident.1;
    let root = (shape.service, shape.method, shape.route);
    let spans = build(&mut rng, root, start_ms, None, in_incident);
    DemoTrace { slot: k, trace_id: format!("{:016x}{:016x}", id_prefix(seed), k as u64), root_span_id: None, spans }
}

/// The demo's `&'static` spelling of a service name seen in metrics labels.
pub(super) fn static_service(name: &str) -> Option<&'static str> {
    SHAPES
        .iter()
        .map(|s| s.service)
        .chain(SHAPES.iter().flat_map(|s| s.calls.iter()).map(|c| c.service))
        .find(|s| *s == name)
}

/// The demo's `&'static` spelling of a route seen in metrics labels.
pub(super) fn static_route(route: &str) -> Option<&'static str> {
    SHAPES
        .iter()
        .map(|s| s.route)
        .chain(SHAPES.iter().flat_map(|s| s.calls.iter()).map(|c| c.route))
        .find(|r| *r == route)
}

/// The method of a demo route (`GET` when unknown).
pub(super) fn method_of(service: &str, route: &str) -> &'static str {
    SHAPES
        .iter()
        .filter(|s| s.service == service && s.route == route)
        .map(|s| s.method)
        .chain(
            SHAPES
                .iter()
                .flat_map(|s| s.calls.iter())
                .filter(|c| c.service == service && c.route == route)
                .map(|c| c.method),
        )
        .next()
        .unwrap_or("GET")
}

/// The trace behind a demo exemplar: rooted at the exemplar's endpoint at its time, the root's own
/// drawn time fixed to the exemplar's value (so the root lasts at least that long: exactly, unless
/// its calls take longer), with the exemplar's trace and span ids.
pub(super) fn generate_for_exemplar(
    (service, route): (&'static str, &'static str),
    t_ms: i64,
    value_s: f64,
    (trace_id, span_id): (String, String),
    incident: (i64, i64),
) -> DemoTrace {
    let mut rng = Rng(mix(u64::from_str_radix(trace_id.get(..16).unwrap_or("0"), 16).unwrap_or(0)));
    let in_incident = incident.0 <= t_ms && t_ms < incident.1;
    let root = (service, method_of(service, route), route);
    let spans = build(&mut rng, root, t_ms, Some((value_s * 1e6).round().max(1.0) as i64), in_incident);
    DemoTrace { slot: t_ms.div_euclid(SLOT_MS), trace_id, root_span_id: Some(span_id), spans }
}

/// Builds the span tree below `root` starting at `start_ms`; `root_drawn_us` fixes the root's own
/// drawn time (see [`generate`] for the three passes).
fn build(
    rng: &mut Rng,
    root: (&'static str, &'static str, &'static str),
    start_ms: i64,
    root_drawn_us: Option<i64>,
    in_incident: bool,
) -> Vec<DemoSpan> {
    // Pass 1: the tree. `extra[i]` is the drawn time (server) or one-way network time (client);
    // `parallel[i]` marks a call that starts with the call before it.
    let mut spans: Vec<DemoSpan> = Vec::new();
    let mut extra: Vec<i64> = Vec::new();
    let mut parallel: Vec<bool> = Vec::new();
    let mut children: Vec<Vec<usize>> = Vec::new();
    let mut work = vec![(None::<usize>, root.0, root.1, root.2)];
    while let Some((parent, service, method, route)) = work.pop() {
        let (median_s, sigma) = endpoint_latency(service, route, in_incident).unwrap_or((0.01, 0.5));
        let status = pick_status(rng, &endpoint_statuses(service, route, in_incident));
        let me = push(&mut spans, &mut children, parent, service, method, route, Kind::Server);
        if let Some(s) = spans.get_mut(me) {
            s.instance = (rng.unit() * 2.0) as u8;
            s.status = status;
            s.error = status >= 500;
        }
        let drawn = (median_s * (sigma * rng.gauss()).exp() * 1e6).max(50.0) as i64;
        extra.push(if parent.is_none() { root_drawn_us.unwrap_or(drawn) } else { drawn });
        parallel.push(false);
        for c in calls_of(service, route) {
            let client = push(&mut spans, &mut children, Some(me), service, c.method, c.route, Kind::Client);
            extra.push(150 + (rng.unit() * 500.0) as i64);
            parallel.push(c.parallel);
            work.push((Some(client), c.service, c.method, c.route));
        }
    }

    // Pass 2: durations, children before parents (every child's index is larger).
    for i in (0..spans.len()).rev() {
        let kids = children.get(i).map(Vec::as_slice).unwrap_or(&[]);
        let own = extra.get(i).copied().unwrap_or(1);
        let (duration, status) = match spans.get(i).map(|s| s.kind) {
            Some(Kind::Client) => {
                let server = kids.first().and_then(|&c| spans.get(c));
                (server.map(|s| s.duration_us).unwrap_or(0) + 2 * own, server.map(|s| s.status))
            }
            _ => {
                let (_, calls_end) = layout(own / 5, kids, &spans, &parallel);
                (own.max(calls_end + own / 10), None)
            }
        };
        if let Some(s) = spans.get_mut(i) {
            s.duration_us = duration.max(1);
            if let Some(status) = status {
                s.status = status;
                s.error = status >= 500;
            }
        }
    }

    // Pass 3: start times, parents before children.
    if let Some(root) = spans.first_mut() {
        root.start_us = start_ms.saturating_mul(1000);
    }
    for i in 0..spans.len() {
        let Some(me) = spans.get(i).cloned() else { continue };
        let kids = children.get(i).map(Vec::as_slice).unwrap_or(&[]);
        let starts: Vec<i64> = match me.kind {
            Kind::Client => kids.iter().map(|_| me.start_us + extra.get(i).copied().unwrap_or(0)).collect(),
            Kind::Server => layout(extra.get(i).copied().unwrap_or(0) / 5, kids, &spans, &parallel)
                .0
                .iter()
                .map(|o| me.start_us + o)
                .collect(),
        };
        for (&c, start) in kids.iter().zip(starts) {
            if let Some(s) = spans.get_mut(c) {
                s.start_us = start;
            }
        }
    }
    spans
}

/// Offsets of a server span's calls from its start (own work `pre` first; a parallel call starts
/// with the call before it, others after every earlier call returned), and when the last returns.
fn layout(pre: i64, calls: &[usize], spans: &[DemoSpan], parallel: &[bool]) -> (Vec<i64>, i64) {
    let (mut cursor, mut prev) = (pre, pre);
    let mut offsets = Vec::with_capacity(calls.len());
    for &c in calls {
        let start = if parallel.get(c).copied().unwrap_or(false) { prev } else { cursor };
        offsets.push(start);
        cursor = cursor.max(start + spans.get(c).map(|s| s.duration_us).unwrap_or(0));
        prev = start;
    }
    (offsets, cursor)
}

fn push(
    spans: &mut Vec<DemoSpan>,
    children: &mut Vec<Vec<usize>>,
    parent: Option<usize>,
    service: &'static str,
    method: &'static str,
    route: &'static str,
    kind: Kind,
) -> usize {
    let me = spans.len();
    spans.push(DemoSpan {
        parent,
        service,
        method,
        route,
        kind,
        instance: 0,
        start_us: 0,
        duration_us: 1,
        status: 200,
        error: false,
    });
    children.push(Vec::new());
    if let Some(list) = parent.and_then(|p| children.get_mut(p)) {
        list.push(me);
    }
    me
}

fn pick_status(rng: &mut Rng, statuses: &[(&str, f64)]) -> u16 {
    let mut u = rng.unit();
    for (code, share) in statuses {
        if u < *share {
            return code.parse().unwrap_or(500);
        }
        u -= share;
    }
    200
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_INCIDENT: (i64, i64) = (0, 0);

    #[test]
    fn traces_are_deterministic_and_parents_precede_children() {
        for k in 170_000_000..170_000_200 {
            let t = generate(42, k, NO_INCIDENT);
            assert_eq!(t, generate(42, k, NO_INCIDENT));
            for (i, s) in t.spans.iter().enumerate() {
                assert!(s.parent.map_or(true, |p| p < i), "slot {k} span {i}");
                assert!(s.duration_us >= 1);
                if let Some(p) = s.parent.and_then(|p| t.spans.get(p)) {
                    assert!(s.start_us >= p.start_us, "child starts inside its parent");
                    assert!(s.start_us + s.duration_us <= p.start_us + p.duration_us, "child ends inside its parent");
                }
            }
        }
    }

    #[test]
    fn payments_fails_about_a_fifth_of_charges_only_during_the_incident() {
        let count = |incident: (i64, i64)| {
            let (mut charges, mut failed) = (0u32, 0u32);
            for k in 0..20_000 {
                for s in
                    generate(7, k, incident).spans.iter().filter(|s| s.service == "payments" && s.kind == Kind::Server)
                {
                    charges += 1;
                    failed += u32::from(s.error);
                }
            }
            f64::from(failed) / f64::from(charges.max(1))
        };
        let normal = count(NO_INCIDENT);
        let incident = count((0, i64::MAX));
        assert!(normal < 0.01, "{normal}");
        assert!((0.15..0.25).contains(&incident), "{incident}");
    }

    #[test]
    fn median_durations_follow_the_metrics_latency() {
        let mut catalog: Vec<i64> = (0..4_000)
            .flat_map(|k| generate(3, k, NO_INCIDENT).spans)
            .filter(|s| s.service == "catalog" && s.route == "/products/:id" && s.kind == Kind::Server)
            .map(|s| s.duration_us)
            .collect();
        catalog.sort_unstable();
        let median = catalog.get(catalog.len() / 2).copied().unwrap_or(0);
        // The metrics' median for catalog GET /products/:id is 12 ms.
        assert!((10_000..14_500).contains(&median), "{median}");
    }
}
