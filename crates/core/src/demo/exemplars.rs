//! The demo's exemplars: what `/api/v1/query_exemplars` answers on the demo source.
//!
//! Contract:
//! - Only `http_request_duration_seconds_bucket` series carry exemplars (as an instrumented HTTP
//!   server's latency histogram would). Each endpoint instance (the bucket series' labels without
//!   `le`) has one exemplar per [`EXEMPLAR_SLOT_MS`] slot, at a scrape time inside the slot chosen
//!   by hashing `(seed, stream, slot)`; its value is drawn from the endpoint's latency law at that
//!   time (log-normal median and σ of the metrics, the incident's slowdown included; see
//!   `data::bucket_latency_law`), and it is attached to the bucket whose `le` is the smallest bound
//!   ≥ the value (`+Inf` above the largest), as client libraries attach an exemplar to the bucket
//!   the observation went into.
//! - Trace ids are deterministic: [`demo_trace_id`] of `(seed, stream key, t_ms)` — 32 lowercase
//!   hex digits — and span ids [`demo_span_id`] likewise (16 digits). The stream key is
//!   [`stream_key`] of the bucket series' labels without `le` (FNV-1a of its display name). A demo
//!   trace generator that wants to serve these traces computes the same function.
//! - Only exemplars in `[start_ms, end_ms]` and at or before `now_ms` are returned; the window is
//!   cut to the last [`MAX_WINDOW_MS`] before its end (the demo keeps a day of exemplars, as
//!   Prometheus keeps a bounded ring buffer of them). Output: one entry per bucket series that has
//!   exemplars, sorted by labels, exemplars in time order.
//! - Cost: O(streams × slots); never panics.

use crate::series::Labels;

use super::data::{bucket_latency_law, series_catalog, LE_BOUNDS, SCRAPE_INTERVAL_MS};

/// One exemplar slot per endpoint instance.
pub const EXEMPLAR_SLOT_MS: i64 = 10 * 60_000;
/// The longest window answered.
pub const MAX_WINDOW_MS: i64 = 24 * 3_600_000;

/// One demo exemplar of one bucket series.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoExemplar {
    pub t_ms: i64,
    pub value: f64,
    pub trace_id: String,
    pub span_id: String,
}

/// FNV-1a (64 bit) of the labels' display name: the stream key of a series.
pub fn stream_key(labels: &Labels) -> u64 {
    labels
        .display_name()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn hash3(seed: u64, key: u64, t_ms: i64) -> u64 {
    mix(mix(mix(seed) ^ key) ^ t_ms as u64)
}

/// The trace id of the demo exemplar of stream `key` at `t_ms` (32 hex digits).
pub fn demo_trace_id(seed: u64, key: u64, t_ms: i64) -> String {
    let a = hash3(seed, key, t_ms);
    format!("{:016x}{:016x}", a, mix(a ^ 0x7472_6163_6500_0000))
}

/// The span id of the demo exemplar of stream `key` at `t_ms` (16 hex digits).
pub fn demo_span_id(seed: u64, key: u64, t_ms: i64) -> String {
    format!("{:016x}", mix(hash3(seed, key, t_ms) ^ 0x7370_616e))
}

/// A uniform in (0, 1) from 53 bits of `h`.
fn unit(h: u64) -> f64 {
    ((h >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// Exemplars of every bucket series `keep` accepts, in `[start_ms, end_ms]`; see the module doc.
pub fn demo_exemplars(
    seed: u64,
    start_ms: i64,
    end_ms: i64,
    now_ms: i64,
    keep: impl Fn(&Labels) -> bool,
) -> Vec<(Labels, Vec<DemoExemplar>)> {
    let end = end_ms.min(now_ms);
    let start = start_ms.max(end.saturating_sub(MAX_WINDOW_MS));
    let mut out: Vec<(Labels, Vec<DemoExemplar>)> = Vec::new();
    if start > end {
        return out;
    }
    // Streams: bucket series without `le`, in catalog order (sorted, so each stream's buckets are
    // adjacent); one pass over the catalog.
    let mut streams: Vec<Labels> = series_catalog()
        .iter()
        .filter(|l| l.metric_name() == Some("http_request_duration_seconds_bucket"))
        .map(|l| Labels(l.0.iter().filter(|(k, _)| k.as_str() != "le").map(|(k, v)| (k.clone(), v.clone())).collect()))
        .collect();
    streams.sort();
    streams.dedup();
    for stream in &streams {
        let key = stream_key(stream);
        let first_slot = start.div_euclid(EXEMPLAR_SLOT_MS);
        let last_slot = end.div_euclid(EXEMPLAR_SLOT_MS);
        for slot in first_slot..=last_slot {
            let h = hash3(seed, key, slot);
            let scrapes = EXEMPLAR_SLOT_MS / SCRAPE_INTERVAL_MS;
            let t_ms = slot * EXEMPLAR_SLOT_MS + (h % scrapes as u64) as i64 * SCRAPE_INTERVAL_MS;
            if t_ms < start || t_ms > end {
                continue;
            }
            let mut bucket_labels = stream.clone();
            bucket_labels.0.insert("le".to_string(), "+Inf".to_string());
            let Some((median_s, sigma)) = bucket_latency_law(&bucket_labels, t_ms, now_ms) else { continue };
            // Box–Muller from two uniforms of the same hash.
            let (u1, u2) = (unit(mix(h ^ 1)), unit(mix(h ^ 2)));
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            let value = median_s * (sigma * z).exp();
            let le = LE_BOUNDS.iter().find(|&&b| value <= b).map_or_else(|| "+Inf".to_string(), |b| format!("{b}"));
            bucket_labels.0.insert("le".to_string(), le);
            if !keep(&bucket_labels) {
                continue;
            }
            let ex = DemoExemplar {
                t_ms,
                value: (value * 1e6).round() / 1e6,
                trace_id: demo_trace_id(seed, key, t_ms),
                span_id: demo_span_id(seed, key, t_ms),
            };
            match out.iter_mut().find(|(l, _)| *l == bucket_labels) {
                Some((_, list)) => list.push(ex),
                None => out.push((bucket_labels, vec![ex])),
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_000_000_000;

    #[test]
    fn exemplars_are_deterministic_and_inside_their_bucket() {
        let a = demo_exemplars(42, NOW - 3_600_000, NOW, NOW, |_| true);
        let b = demo_exemplars(42, NOW - 3_600_000, NOW, NOW, |_| true);
        assert_eq!(a, b);
        assert!(!a.is_empty());
        let total: usize = a.iter().map(|(_, e)| e.len()).sum();
        // 20 endpoint instances × 6 or 7 slots in an hour.
        assert!((120..=140).contains(&total), "{total}");
        for (labels, list) in &a {
            let le = labels.get("le").unwrap_or("");
            let bound: f64 = if le == "+Inf" { f64::INFINITY } else { le.parse().unwrap() };
            let below = LE_BOUNDS.iter().copied().filter(|b| *b < bound).fold(0.0, f64::max);
            for e in list {
                assert!(e.value <= bound && e.value > below * (1.0 - 1e-6), "{} in {le}", e.value);
                assert!((NOW - 3_600_000..=NOW).contains(&e.t_ms));
                assert_eq!(e.t_ms % SCRAPE_INTERVAL_MS, 0);
                assert_eq!(e.trace_id.len(), 32);
                assert!(e.trace_id.chars().all(|c| c.is_ascii_hexdigit()));
                let stream = Labels(
                    labels.0.iter().filter(|(k, _)| k.as_str() != "le").map(|(k, v)| (k.clone(), v.clone())).collect(),
                );
                assert_eq!(e.trace_id, demo_trace_id(42, stream_key(&stream), e.t_ms));
            }
            assert!(list.windows(2).all(|w| w[0].t_ms <= w[1].t_ms));
        }
        assert_ne!(demo_exemplars(7, NOW - 3_600_000, NOW, NOW, |_| true), a, "the seed matters");
    }

    #[test]
    fn the_demo_api_answers_query_exemplars_for_the_selected_series() {
        use crate::formats::prometheus::{decode_exemplars, PromRequest};
        let backend = super::super::DemoBackend::new(42);
        let q =
            r#"histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{service="cart"}[5m])))"#;
        let req = PromRequest::Exemplars { query: q.into(), start_ms: NOW - 3_600_000, end_ms: NOW };
        let resp = backend.respond(&req.path(), &req.params(), NOW);
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        let decoded = decode_exemplars(resp.status, &resp.body).unwrap().data;
        let expected = demo_exemplars(42, NOW - 3_600_000, NOW, NOW, |l| l.get("service") == Some("cart"));
        assert_eq!(decoded.len(), expected.iter().map(|(_, e)| e.len()).sum::<usize>());
        assert!(!decoded.is_empty());
        for e in &decoded {
            assert_eq!(e.series_labels.get("service"), Some("cart"));
            assert_eq!(e.trace_id.as_ref().map(String::len), Some(32));
        }
        let none = backend.respond("/api/v1/query_exemplars", &[("query".into(), "up".into())], NOW);
        assert_eq!(decode_exemplars(none.status, &none.body).unwrap().data, vec![]);
        let bad = backend.respond("/api/v1/query_exemplars", &[("query".into(), "rate(".into())], NOW);
        assert_eq!(bad.status, 400);
    }

    #[test]
    fn filters_windows_and_the_future_are_respected() {
        let only_payments = demo_exemplars(42, NOW - 3_600_000, NOW, NOW, |l| l.get("service") == Some("payments"));
        assert!(!only_payments.is_empty());
        assert!(only_payments.iter().all(|(l, _)| l.get("service") == Some("payments")));
        assert!(demo_exemplars(42, NOW + 1, NOW + 3_600_000, NOW, |_| true).is_empty());
        assert!(demo_exemplars(42, NOW, NOW - 1, NOW, |_| true).is_empty());
        let week = demo_exemplars(42, NOW - 7 * 86_400_000, NOW, NOW, |_| true);
        assert!(week.iter().flat_map(|(_, e)| e).all(|e| e.t_ms >= NOW - MAX_WINDOW_MS));
    }
}
