//! The demo's log lines, derived from its traces so the three signals agree: every server span
//! of a demo trace logs one logfmt line when it ends (`request completed` at `info`, `not found`
//! at `warn` for 4xx, `request failed` at `error` for 5xx — payments names the card processor's
//! timeout during the incident), and a client span that got a 5xx logs `upstream call failed` at
//! `warn` from the caller. Each line carries the span's `trace_id` and `span_id`, so a line opens
//! its trace. Streams: `{job="shop", service_name, instance, level}`.

use std::collections::BTreeMap;

use crate::demo::traces::jaeger_json::span_id;
use crate::demo::traces::shapes::{generate, Kind};

/// One demo log line.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoLine {
    pub ts_ns: i64,
    pub service: &'static str,
    pub instance: u8,
    pub level: &'static str,
    pub text: String,
}

impl DemoLine {
    /// The line's stream labels.
    pub fn labels(&self) -> BTreeMap<String, String> {
        [
            ("job", "shop".to_string()),
            ("service_name", self.service.to_string()),
            ("instance", format!("{}-{}", self.service, self.instance)),
            ("level", self.level.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// The value of label `name`.
    pub fn label(&self, name: &str) -> Option<String> {
        match name {
            "job" => Some("shop".into()),
            "service_name" => Some(self.service.into()),
            "instance" => Some(format!("{}-{}", self.service, self.instance)),
            "level" => Some(self.level.into()),
            _ => None,
        }
    }
}

/// Label names of every demo stream.
pub const LABEL_NAMES: [&str; 4] = ["instance", "job", "level", "service_name"];

/// The lines of the trace in slot `k`, in time order.
pub fn slot_lines(seed: u64, k: i64, incident: (i64, i64)) -> Vec<DemoLine> {
    let trace = generate(seed, k, incident);
    let mut out = Vec::new();
    for (i, s) in trace.spans.iter().enumerate() {
        let end_ns = s.start_us.saturating_add(s.duration_us).saturating_mul(1000);
        let ids = format!("trace_id={} span_id={}", trace.trace_id, span_id(trace.slot, i));
        let duration_ms = s.duration_us as f64 / 1000.0;
        match s.kind {
            Kind::Server => {
                let (level, msg) = match s.status {
                    500..=599 if s.service == "payments" && s.status == 503 => ("error", "charge failed: card processor timed out"),
                    500..=599 => ("error", "request failed"),
                    400..=499 => ("warn", "not found"),
                    _ => ("info", "request completed"),
                };
                let text = format!(
                    "level={level} msg=\"{msg}\" method={} route={} status={} duration_ms={duration_ms:.3} {ids}",
                    s.method, s.route, s.status
                );
                out.push(DemoLine { ts_ns: end_ns, service: s.service, instance: s.instance, level, text });
            }
            Kind::Client if s.status >= 500 => {
                let caller = s.parent.and_then(|p| trace.spans.get(p));
                let (service, instance) = caller.map(|c| (c.service, c.instance)).unwrap_or((s.service, s.instance));
                let text = format!(
                    "level=warn msg=\"upstream call failed\" upstream={} route={} status={} duration_ms={duration_ms:.3} {ids}",
                    s.service, s.route, s.status
                );
                out.push(DemoLine { ts_ns: end_ns, service, instance, level: "warn", text });
            }
            Kind::Client => {}
        }
    }
    out.sort_by_key(|l| l.ts_ns);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::traces::shapes::SLOT_MS;

    #[test]
    fn lines_follow_the_traces_and_the_incident() {
        let incident = (0, 20 * 60_000);
        let mut errors_in = 0;
        let mut errors_out = 0;
        for k in 0..240 {
            for l in slot_lines(42, k, incident) {
                assert!(l.text.contains(&format!("trace_id={:016x}{:016x}", crate::demo::traces::shapes::id_prefix(42), k)));
                if l.level == "error" && l.service == "payments" {
                    if (k * SLOT_MS) < incident.1 {
                        errors_in += 1;
                    } else {
                        errors_out += 1;
                    }
                }
            }
        }
        assert!(errors_in > 0, "payments fails during the incident");
        assert!(errors_in > 5 * errors_out, "{errors_in} vs {errors_out}");
    }
}
