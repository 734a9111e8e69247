//! The demo shop's series and their deterministic samples.
//!
//! Contract:
//! - A fixed catalog of series (see [`series_catalog`]): five services (`frontend`, `checkout`,
//!   `payments`, `catalog`, `cart`), two instances each (`<service>-0`, `<service>-1`), `job` =
//!   service on every series.
//! - Samples exist every [`SCRAPE_INTERVAL_MS`] at timestamps that are multiples of it, up to and
//!   including `now_ms`, never after. A sample's value depends only on `(seed, series, t)` and on
//!   the incident window derived from `now_ms` ([`super::incident_window_ms`]): noise comes from
//!   hashing `(seed, series, scrape index)` (SplitMix64), never from a stateful RNG, so any `t`
//!   can be computed on its own.
//! - Counters restart from 0 at 00:00 UTC every day (a daily deploy): the value at a scrape is the
//!   sum of the per-scrape increments since the day's first scrape, whose value is 0. Request,
//!   bucket, checkout and order increments are integers; `_sum` and CPU seconds are not (CPU is
//!   in steps of 0.01 s). Loading a window therefore costs the window plus at most one day of
//!   increments per series (the prefix since midnight).
//! - Consistency: for each (service, instance, route) and scrape, `_count` increment = sum over
//!   statuses of `http_requests_total` increments = the `+Inf` bucket increment, buckets are
//!   cumulative (monotone in `le`); `checkout_started_total` = requests to checkout's `/checkout`;
//!   `orders_total` summed over payment methods = `checkout_completed_total`.

use std::collections::BTreeMap;
use std::f64::consts::PI;
use std::sync::OnceLock;

use super::promql::{EvalError, SampleSource};
use crate::series::{Labels, Series};

/// Scrape interval of every demo series.
pub const SCRAPE_INTERVAL_MS: i64 = 15_000;
const SCRAPES_PER_DAY: i64 = 86_400_000 / SCRAPE_INTERVAL_MS;
const DAY_MS: i64 = 86_400_000;

/// The services of the demo shop.
pub const SERVICES: [&str; 5] = ["frontend", "checkout", "payments", "catalog", "cart"];
const FRONTEND: usize = 0;
const CHECKOUT: usize = 1;
const PAYMENTS: usize = 2;
const INSTANCES: usize = 2;

/// Bucket bounds of `http_request_duration_seconds` (the `+Inf` bucket is implicit).
pub const LE_BOUNDS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
const LE_LABELS: [&str; 12] = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];

/// Median-latency jitter levels (a request-weighted mixture, chosen per scrape).
const LEVELS: usize = 9;

struct Endpoint {
    service: usize,
    route: &'static str,
    method: &'static str,
    /// Requests per second per instance at the daily mean.
    rate_per_s: f64,
    median_s: f64,
    sigma: f64,
    /// Non-200 statuses with their usual share of requests.
    statuses: &'static [(&'static str, f64)],
}

const ENDPOINTS: [Endpoint; 10] = [
    Endpoint {
        service: FRONTEND,
        route: "/",
        method: "GET",
        rate_per_s: 22.0,
        median_s: 0.035,
        sigma: 0.55,
        statuses: &[("404", 0.004), ("500", 0.001)],
    },
    Endpoint {
        service: FRONTEND,
        route: "/product/:id",
        method: "GET",
        rate_per_s: 38.0,
        median_s: 0.055,
        sigma: 0.6,
        statuses: &[("404", 0.03), ("500", 0.0015)],
    },
    Endpoint {
        service: FRONTEND,
        route: "/cart",
        method: "GET",
        rate_per_s: 9.0,
        median_s: 0.03,
        sigma: 0.5,
        statuses: &[("500", 0.001)],
    },
    Endpoint {
        service: CHECKOUT,
        route: "/checkout",
        method: "POST",
        rate_per_s: 1.6,
        median_s: 0.18,
        sigma: 0.45,
        statuses: &[("500", 0.004)],
    },
    Endpoint {
        service: PAYMENTS,
        route: "/charge",
        method: "POST",
        rate_per_s: 1.3,
        median_s: 0.24,
        sigma: 0.4,
        statuses: &[("402", 0.02), ("500", 0.002), ("503", 0.0005)],
    },
    Endpoint {
        service: PAYMENTS,
        route: "/refund",
        method: "POST",
        rate_per_s: 0.08,
        median_s: 0.2,
        sigma: 0.4,
        statuses: &[("500", 0.002), ("503", 0.0005)],
    },
    Endpoint {
        service: 3,
        route: "/products",
        method: "GET",
        rate_per_s: 30.0,
        median_s: 0.02,
        sigma: 0.5,
        statuses: &[("500", 0.0008)],
    },
    Endpoint {
        service: 3,
        route: "/products/:id",
        method: "GET",
        rate_per_s: 45.0,
        median_s: 0.012,
        sigma: 0.45,
        statuses: &[("500", 0.0008)],
    },
    Endpoint {
        service: 4,
        route: "/cart/items",
        method: "GET",
        rate_per_s: 12.0,
        median_s: 0.008,
        sigma: 0.5,
        statuses: &[("500", 0.001)],
    },
    Endpoint {
        service: 4,
        route: "/cart/add",
        method: "POST",
        rate_per_s: 3.0,
        median_s: 0.015,
        sigma: 0.5,
        statuses: &[("500", 0.001)],
    },
];
/// Index of checkout's `/checkout` endpoint (the business series hang off it).
const CHECKOUT_ENDPOINT: usize = 3;

/// During the incident: payments' 500 and 503 shares (≈ 20 % together), latency factors.
const INCIDENT_P500: f64 = 0.08;
const INCIDENT_P503: f64 = 0.12;
const INCIDENT_LATENCY_PAYMENTS: f64 = 5.0;
const INCIDENT_LATENCY_CHECKOUT: f64 = 1.8;
const COMPLETION_NORMAL: f64 = 0.76;
const COMPLETION_INCIDENT: f64 = 0.5;
const CARD_SHARE: f64 = 0.68;

/// Resident memory baseline per service (bytes).
const MEM_BASE: [f64; 5] = [180e6, 95e6, 120e6, 260e6, 70e6];
/// CPU: idle cores and cores per request/s, per service.
const CPU_IDLE: [f64; 5] = [0.03, 0.02, 0.02, 0.04, 0.015];
const CPU_PER_RPS: [f64; 5] = [0.004, 0.03, 0.04, 0.002, 0.002];

/// What a catalog entry is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Endpoint { ep: u8, inst: u8 },
    Process { svc: u8, inst: u8 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `http_requests_total`; status 0 is `200`, `i ≥ 1` is the endpoint's `statuses[i − 1]`.
    Requests {
        status: u8,
    },
    Bucket {
        le: u8,
    },
    DurSum,
    DurCount,
    Started,
    Completed,
    Orders {
        method: u8,
    },
    Cpu,
    Mem,
    Up,
}

struct Catalog {
    labels: Vec<Labels>,
    defs: Vec<(Unit, Kind)>,
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|&(k, v)| (k, v)).collect()
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut entries: Vec<(Labels, (Unit, Kind))> = Vec::new();
        for (ep_i, ep) in ENDPOINTS.iter().enumerate() {
            let svc = SERVICES.get(ep.service).copied().unwrap_or("");
            for inst_i in 0..INSTANCES {
                let instance = format!("{svc}-{inst_i}");
                let unit = Unit::Endpoint { ep: ep_i as u8, inst: inst_i as u8 };
                let base = [("job", svc), ("service", svc), ("instance", instance.as_str()), ("route", ep.route)];
                let statuses = std::iter::once("200").chain(ep.statuses.iter().map(|s| s.0));
                for (si, status) in statuses.enumerate() {
                    let mut l = labels(&base);
                    l.0.insert("__name__".into(), "http_requests_total".into());
                    l.0.insert("method".into(), ep.method.into());
                    l.0.insert("status".into(), status.into());
                    entries.push((l, (unit, Kind::Requests { status: si as u8 })));
                }
                for (li, le) in LE_LABELS.iter().enumerate() {
                    let mut l = labels(&base);
                    l.0.insert("__name__".into(), "http_request_duration_seconds_bucket".into());
                    l.0.insert("le".into(), (*le).into());
                    entries.push((l, (unit, Kind::Bucket { le: li as u8 })));
                }
                for (name, kind) in [
                    ("http_request_duration_seconds_sum", Kind::DurSum),
                    ("http_request_duration_seconds_count", Kind::DurCount),
                ] {
                    let mut l = labels(&base);
                    l.0.insert("__name__".into(), name.into());
                    entries.push((l, (unit, kind)));
                }
                if ep_i == CHECKOUT_ENDPOINT {
                    let base = [("job", svc), ("service", svc), ("instance", instance.as_str())];
                    for (name, kind) in
                        [("checkout_started_total", Kind::Started), ("checkout_completed_total", Kind::Completed)]
                    {
                        let mut l = labels(&base);
                        l.0.insert("__name__".into(), name.into());
                        entries.push((l, (unit, kind)));
                    }
                    for (mi, method) in ["card", "paypal"].iter().enumerate() {
                        let mut l = labels(&base);
                        l.0.insert("__name__".into(), "orders_total".into());
                        l.0.insert("payment_method".into(), (*method).into());
                        entries.push((l, (unit, Kind::Orders { method: mi as u8 })));
                    }
                }
            }
        }
        for (svc_i, svc) in SERVICES.iter().enumerate() {
            for inst_i in 0..INSTANCES {
                let instance = format!("{svc}-{inst_i}");
                let unit = Unit::Process { svc: svc_i as u8, inst: inst_i as u8 };
                let base = [("job", *svc), ("service", *svc), ("instance", instance.as_str())];
                for (name, kind) in
                    [("process_cpu_seconds_total", Kind::Cpu), ("process_resident_memory_bytes", Kind::Mem)]
                {
                    let mut l = labels(&base);
                    l.0.insert("__name__".into(), name.into());
                    entries.push((l, (unit, kind)));
                }
                entries.push((
                    labels(&[("__name__", "up"), ("job", svc), ("instance", instance.as_str())]),
                    (unit, Kind::Up),
                ));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let (labels, defs) = entries.into_iter().unzip();
        Catalog { labels, defs }
    })
}

/// Every demo series' labels, sorted (the same list the demo's `/api/v1/series` answers).
pub fn series_catalog() -> &'static [Labels] {
    &catalog().labels
}

/// The latency law of the endpoint a `http_request_duration_seconds_bucket` series belongs to at
/// `t_ms` (incident included, jitter levels not): `(median_s, sigma)` of its log-normal. `None`
/// for any other series. Used by the demo's exemplars so their values follow the metrics.
pub(crate) fn bucket_latency_law(labels: &Labels, t_ms: i64, now_ms: i64) -> Option<(f64, f64)> {
    let i = catalog().labels.binary_search(labels).ok()?;
    let (Unit::Endpoint { ep, .. }, Kind::Bucket { .. }) = catalog().defs.get(i)? else { return None };
    let ep = ENDPOINTS.get(usize::from(*ep))?;
    let (start, end) = super::incident_window_ms(now_ms);
    let incident = start <= t_ms && t_ms < end;
    Some((ep.median_s * latency_factor(ep.service, incident), ep.sigma))
}

// ---------------------------------------------------------------------------------------------
// Noise and shapes

#[inline(always)]
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// A short SplitMix64 stream seeded by a hash of (stream key, scrape index); the stream key
/// already mixes in the seed. Each 64-bit output gives four 16-bit uniforms (ample for noise).
struct Noise {
    state: u64,
    buf: u64,
    left: u32,
}

impl Noise {
    #[inline(always)]
    fn new(stream: u64, k: i64) -> Self {
        Noise { state: mix(stream ^ (k as u64).wrapping_mul(GOLDEN)), buf: 0, left: 0 }
    }

    /// Uniform in (0, 1), resolution 2^-16.
    #[inline(always)]
    fn unit(&mut self) -> f64 {
        if self.left == 0 {
            self.state = self.state.wrapping_add(GOLDEN);
            self.buf = mix(self.state);
            self.left = 4;
        }
        let x = self.buf & 0xffff;
        self.buf >>= 16;
        self.left -= 1;
        (x as f64 + 0.5) * (1.0 / 65_536.0)
    }

    /// Roughly standard normal (sum of three uniforms, variance 1).
    #[inline(always)]
    fn gauss(&mut self) -> f64 {
        (self.unit() + self.unit() + self.unit() - 1.5) * 2.0
    }
}

/// The key of one noise stream: (seed, kind of noise, endpoint or service, instance).
fn stream(seed: u64, tag: u64, a: usize, b: usize) -> u64 {
    mix(seed ^ mix(tag.wrapping_mul(0x1000_0000_01B3) ^ ((a as u64) << 8) ^ (b as u64)))
}

/// `floor(x)` for the non-negative values used here, as a float (a saturating cast through i64:
/// one instruction each way, no libm call).
#[inline(always)]
fn floor_f(x: f64) -> f64 {
    (x as i64) as f64
}

/// Shapes shared by every series at one scrape: the daily traffic curve (peak ×1.45 at 15:00 UTC,
/// trough ×0.55 at 03:00 UTC), the two wobble oscillators (periods 47 and 13 minutes) and whether
/// the scrape falls in the incident. Computed once per load for the scrapes it covers.
struct Clock {
    k0: i64,
    diurnal: Vec<f64>,
    /// (sin, cos) of the 47-minute and 13-minute oscillators.
    osc: Vec<[f64; 4]>,
}

impl Clock {
    fn new(k0: i64, k1: i64) -> Self {
        let n = usize::try_from(k1.saturating_sub(k0).saturating_add(1)).unwrap_or(0);
        let mut diurnal = Vec::with_capacity(n);
        let mut osc = Vec::with_capacity(n);
        for k in k0..=k1 {
            let t = k.saturating_mul(SCRAPE_INTERVAL_MS);
            let hour = t.rem_euclid(DAY_MS) as f64 / 3_600_000.0;
            diurnal.push(1.0 + 0.45 * (2.0 * PI * (hour - 15.0) / 24.0).cos());
            let minutes = t.rem_euclid(DAY_MS * 7) as f64 / 60_000.0;
            let (s1, c1) = (2.0 * PI * minutes / 47.0).sin_cos();
            let (s2, c2) = (2.0 * PI * minutes / 13.0).sin_cos();
            osc.push([s1, c1, s2, c2]);
        }
        Clock { k0, diurnal, osc }
    }

    /// Traffic factor at scrape `k` for a stream whose wobble phases are `phase`.
    #[inline(always)]
    fn traffic(&self, k: i64, phase: &Phase) -> f64 {
        let i = usize::try_from(k - self.k0).unwrap_or(usize::MAX);
        let (Some(d), Some(o)) = (self.diurnal.get(i), self.osc.get(i)) else { return 1.0 };
        d * (1.0 + 0.07 * (o[0] * phase.0[1] + o[1] * phase.0[0]) + 0.04 * (o[2] * phase.0[3] + o[3] * phase.0[2]))
    }
}

/// (sin, cos) of a stream's two wobble phases.
struct Phase([f64; 4]);

impl Phase {
    fn new(key: u64) -> Self {
        let p1 = (key & 0xffff) as f64 / 65_536.0 * 2.0 * PI;
        let p2 = ((key >> 16) & 0xffff) as f64 / 65_536.0 * 2.0 * PI;
        let (s1, c1) = p1.sin_cos();
        let (s2, c2) = p2.sin_cos();
        Phase([s1, c1, s2, c2])
    }
}

/// Standard normal CDF (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7).
fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly =
        t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-z * z).exp();
    if x >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

fn level_factor(level: usize) -> f64 {
    (0.1 * (level as f64 - 4.0)).exp()
}

fn latency_factor(service: usize, incident: bool) -> f64 {
    match (incident, service) {
        (true, PAYMENTS) => INCIDENT_LATENCY_PAYMENTS,
        (true, CHECKOUT) => INCIDENT_LATENCY_CHECKOUT,
        _ => 1.0,
    }
}

/// Latency distribution of one endpoint in one state (normal, incident) at one jitter level:
/// cumulative bucket fractions (log-normal CDF at each finite `le`) and the mean in seconds.
#[derive(Clone, Copy, Default)]
struct Latency {
    fractions: [f64; 11],
    mean_s: f64,
}

/// Per endpoint: `[state][level]`.
type LatencyTable = [[Latency; LEVELS]; 2];

fn latency_tables() -> &'static [LatencyTable] {
    static TABLES: OnceLock<Vec<LatencyTable>> = OnceLock::new();
    TABLES.get_or_init(|| {
        ENDPOINTS
            .iter()
            .map(|ep| {
                let mut t = [[Latency::default(); LEVELS]; 2];
                for (state, by_level) in t.iter_mut().enumerate() {
                    for (level, lat) in by_level.iter_mut().enumerate() {
                        let median = ep.median_s * latency_factor(ep.service, state == 1) * level_factor(level);
                        for (f, le) in lat.fractions.iter_mut().zip(LE_BOUNDS) {
                            *f = normal_cdf((le.ln() - median.ln()) / ep.sigma);
                        }
                        lat.mean_s = median * (ep.sigma * ep.sigma / 2.0).exp();
                    }
                }
                t
            })
            .collect()
    })
}

// ---------------------------------------------------------------------------------------------
// Generator

/// The demo's samples for one `(seed, now_ms)`.
pub(crate) struct DemoSource {
    seed: u64,
    now_ms: i64,
    incident: (i64, i64),
}

/// One endpoint's increments during one scrape interval, as a flat array indexed by
/// [`slot`]: statuses (0 = `200`), request count, finite buckets, `_sum`, completed checkouts,
/// orders by payment method.
type Step = [f64; 20];
const SLOT_STATUS: usize = 0;
const SLOT_N: usize = 4;
const SLOT_BUCKETS: usize = 5;
const SLOT_SUM: usize = 16;
const SLOT_COMPLETED: usize = 17;
const SLOT_ORDERS: usize = 18;

/// Where a series' increment lives in a [`Step`] (`None`: not an endpoint series).
fn slot(kind: Kind) -> Option<usize> {
    match kind {
        Kind::Requests { status } => Some(SLOT_STATUS + usize::from(status)),
        Kind::Bucket { le } if usize::from(le) < LE_BOUNDS.len() => Some(SLOT_BUCKETS + usize::from(le)),
        Kind::Bucket { .. } | Kind::DurCount | Kind::Started => Some(SLOT_N),
        Kind::DurSum => Some(SLOT_SUM),
        Kind::Completed => Some(SLOT_COMPLETED),
        Kind::Orders { method } => Some(SLOT_ORDERS + usize::from(method)),
        Kind::Cpu | Kind::Mem | Kind::Up => None,
    }
}

#[inline(always)]
fn set(st: &mut Step, i: usize, v: f64) {
    if let Some(x) = st.get_mut(i) {
        *x = v;
    }
}

const TAG_REQ: u64 = 1;
const TAG_STATUS: u64 = 2;
const TAG_HIST: u64 = 3;
const TAG_BIZ: u64 = 4;
const TAG_CPU: u64 = 5;
const TAG_MEM: u64 = 6;
const TAG_PHASE: u64 = 7;

fn instance_skew(inst: usize) -> f64 {
    if inst == 0 {
        1.04
    } else {
        0.96
    }
}

/// Per-endpoint constants of the generator loop.
struct EndpointGen<'a> {
    ep_i: usize,
    ep: &'a Endpoint,
    inst: usize,
    phase: Phase,
    req: u64,
    status: u64,
    hist: u64,
    biz: u64,
    latency: &'static LatencyTable,
}

impl DemoSource {
    pub(crate) fn new(seed: u64, now_ms: i64) -> Self {
        DemoSource { seed, now_ms, incident: super::incident_window_ms(now_ms) }
    }

    #[inline(always)]
    fn in_incident(&self, t_ms: i64) -> bool {
        self.incident.0 <= t_ms && t_ms < self.incident.1
    }

    fn endpoint_gen(&self, ep_i: usize, inst: usize) -> Option<EndpointGen<'static>> {
        Some(EndpointGen {
            ep_i,
            ep: ENDPOINTS.get(ep_i)?,
            inst,
            phase: Phase::new(stream(0, TAG_PHASE, ep_i, inst)),
            req: stream(self.seed, TAG_REQ, ep_i, inst),
            status: stream(self.seed, TAG_STATUS, ep_i, inst),
            hist: stream(self.seed, TAG_HIST, ep_i, inst),
            biz: stream(self.seed, TAG_BIZ, ep_i, inst),
            latency: latency_tables().get(ep_i)?,
        })
    }

    /// Fills `st` with the increments of scrape `k` (buckets and `_sum` only when `hist`).
    fn endpoint_step(&self, g: &EndpointGen, clock: &Clock, k: i64, hist: bool, st: &mut Step) {
        let ep = g.ep;
        let t = k.saturating_mul(SCRAPE_INTERVAL_MS);
        let incident = self.in_incident(t);

        let mut noise = Noise::new(g.req, k);
        let lambda =
            ep.rate_per_s * instance_skew(g.inst) * clock.traffic(k, &g.phase) * (1.0 + 0.06 * noise.gauss()).max(0.0);
        let n = floor_f(lambda * 15.0 + noise.unit()).max(0.0);
        set(st, SLOT_N, n);

        let mut noise = Noise::new(g.status, k);
        let mut remaining = n;
        for (i, &(code, p)) in ep.statuses.iter().enumerate() {
            let p = match (incident && ep.service == PAYMENTS, code) {
                (true, "500") => INCIDENT_P500,
                (true, "503") => INCIDENT_P503,
                _ => p,
            };
            let p = p * (0.75 + 0.5 * noise.unit());
            let c = floor_f(n * p + noise.unit()).clamp(0.0, remaining);
            remaining -= c;
            set(st, SLOT_STATUS + 1 + i, c);
        }
        set(st, SLOT_STATUS, remaining);

        if hist {
            let mut noise = Noise::new(g.hist, k);
            let level = (((noise.unit() + noise.unit()) * 4.5) as usize).min(LEVELS - 1);
            let state = usize::from(incident && (ep.service == PAYMENTS || ep.service == CHECKOUT));
            if let Some(lat) = g.latency.get(state).and_then(|t| t.get(level)) {
                let buckets = st.get_mut(SLOT_BUCKETS..SLOT_BUCKETS + LE_BOUNDS.len()).unwrap_or_default();
                for (b, f) in buckets.iter_mut().zip(&lat.fractions) {
                    *b = floor_f(n * f + 0.5);
                }
                set(st, SLOT_SUM, n * lat.mean_s * (1.0 + 0.03 * noise.gauss()).max(0.0));
            }
        }

        if g.ep_i == CHECKOUT_ENDPOINT {
            let mut noise = Noise::new(g.biz, k);
            let base = if incident { COMPLETION_INCIDENT } else { COMPLETION_NORMAL };
            let ratio = (base + 0.02 * noise.gauss()).clamp(0.0, 1.0);
            let completed = floor_f(n * ratio + noise.unit()).clamp(0.0, n);
            let card = floor_f(completed * CARD_SHARE + noise.unit()).clamp(0.0, completed);
            set(st, SLOT_COMPLETED, completed);
            set(st, SLOT_ORDERS, card);
            set(st, SLOT_ORDERS + 1, completed - card);
        }
    }

    /// CPU time used during one scrape interval, in hundredths of a second.
    fn cpu_step(&self, svc: usize, inst: usize, clock: &Clock, phase: &Phase, noise_key: u64, k: i64) -> f64 {
        let t = k.saturating_mul(SCRAPE_INTERVAL_MS);
        let rate: f64 = ENDPOINTS.iter().filter(|e| e.service == svc).map(|e| e.rate_per_s).sum();
        let mut noise = Noise::new(noise_key, k);
        let mut cores = CPU_IDLE.get(svc).copied().unwrap_or(0.02)
            + CPU_PER_RPS.get(svc).copied().unwrap_or(0.0) * rate * instance_skew(inst) * clock.traffic(k, phase);
        if svc == PAYMENTS && self.in_incident(t) {
            cores *= 1.6;
        }
        floor_f(15.0 * cores * 100.0 * (1.0 + 0.05 * noise.gauss()).max(0.0) + noise.unit())
    }

    fn memory(&self, svc: usize, inst: usize, noise_key: u64, k: i64) -> f64 {
        let t = k.saturating_mul(SCRAPE_INTERVAL_MS);
        let base = MEM_BASE.get(svc).copied().unwrap_or(100e6) * if inst == 0 { 1.0 } else { 1.07 };
        let day_frac = t.rem_euclid(DAY_MS) as f64 / DAY_MS as f64;
        let period_ms = (6 + ((svc * 7 + inst * 3) % 5) as i64) * 60_000;
        let offset_ms = (stream(0, TAG_MEM, svc, inst) % 600_000) as i64;
        let saw = (t + offset_ms).rem_euclid(period_ms) as f64 / period_ms as f64;
        let mut noise = Noise::new(noise_key, k);
        let bytes = base * (1.0 + 0.35 * day_frac) + 0.12 * base * saw + 0.01 * base * noise.gauss();
        (bytes / 4096.0).round() * 4096.0
    }

    /// Appends the samples of scrapes `k_a..=k_b` of the endpoint's series in `wants` (position in
    /// `out`, kind); increments are summed from the clock's first scrape (the day's start).
    // The generator state, the scrape range and the output slots are all needed per call; a
    // parameter struct for this one private hot loop would only rename them.
    #[allow(clippy::too_many_arguments)]
    fn fill_endpoint(
        &self,
        ep: usize,
        inst: usize,
        wants: &[(usize, Kind)],
        clock: &Clock,
        (k_a, k_b): (i64, i64),
        times: &[i64],
        out: &mut [Series],
    ) {
        let Some(g) = self.endpoint_gen(ep, inst) else { return };
        let hist = wants.iter().any(|(_, k)| matches!(k, Kind::Bucket { .. } | Kind::DurSum));
        let per_series = usize::try_from(k_b.saturating_sub(k_a).saturating_add(1)).unwrap_or(0);
        let mut values: Vec<Vec<f64>> = wants.iter().map(|_| vec![0.0; per_series]).collect();
        let slots: Vec<usize> = wants.iter().map(|(_, kind)| slot(*kind).unwrap_or(SLOT_N)).collect();
        let mut acc = vec![0.0f64; wants.len()];
        let mut st: Step = [0.0; 20];
        for k in clock.k0..=k_b {
            if k.rem_euclid(SCRAPES_PER_DAY) == 0 {
                acc.iter_mut().for_each(|a| *a = 0.0);
            } else {
                self.endpoint_step(&g, clock, k, hist, &mut st);
                for (a, &i) in acc.iter_mut().zip(&slots) {
                    *a += st.get(i).copied().unwrap_or(0.0);
                }
            }
            if let Ok(i) = usize::try_from(k - k_a) {
                for (a, v) in acc.iter().zip(values.iter_mut()) {
                    if let Some(slot) = v.get_mut(i) {
                        *slot = *a;
                    }
                }
            }
        }
        for ((pos, _), v) in wants.iter().zip(values) {
            if let Some(s) = out.get_mut(*pos) {
                s.values = v;
                s.t_ms.clear();
                s.t_ms.extend_from_slice(times);
            }
        }
    }

    fn fill_process(
        &self,
        svc: usize,
        inst: usize,
        wants: &[(usize, Kind)],
        clock: &Clock,
        times: &[i64],
        out: &mut [Series],
    ) {
        for &(pos, kind) in wants {
            let Some(s) = out.get_mut(pos) else { continue };
            s.t_ms.clear();
            s.t_ms.extend_from_slice(times);
            let first = times.first().map_or(0, |t| t.div_euclid(SCRAPE_INTERVAL_MS));
            match kind {
                Kind::Cpu => {
                    let phase = Phase::new(stream(0, TAG_PHASE, 100 + svc, inst));
                    let noise_key = stream(self.seed, TAG_CPU, svc, inst);
                    let mut acc = 0.0f64;
                    s.values.reserve_exact(times.len());
                    let last = first.saturating_add(times.len() as i64).saturating_sub(1);
                    for k in clock.k0..=last {
                        if k.rem_euclid(SCRAPES_PER_DAY) == 0 {
                            acc = 0.0;
                        } else {
                            acc += self.cpu_step(svc, inst, clock, &phase, noise_key, k);
                        }
                        if k >= first {
                            s.values.push(acc / 100.0);
                        }
                    }
                }
                Kind::Mem => {
                    let noise_key = stream(self.seed, TAG_MEM, svc, inst);
                    s.values = times
                        .iter()
                        .map(|t| self.memory(svc, inst, noise_key, t.div_euclid(SCRAPE_INTERVAL_MS)))
                        .collect();
                }
                _ => s.values = vec![1.0; times.len()],
            }
        }
    }
}

impl SampleSource for DemoSource {
    fn series_labels(&self) -> &[Labels] {
        &catalog().labels
    }

    fn load(&self, ids: &[usize], after_ms: i64, until_ms: i64, max_samples: usize) -> Result<Vec<Series>, EvalError> {
        let cat = catalog();
        let until_ms = until_ms.min(self.now_ms);
        let k_a = after_ms.div_euclid(SCRAPE_INTERVAL_MS).saturating_add(1);
        let k_b = until_ms.div_euclid(SCRAPE_INTERVAL_MS);
        let mut out: Vec<Series> = ids
            .iter()
            .map(|&id| Series { labels: cat.labels.get(id).cloned().unwrap_or_default(), ..Series::default() })
            .collect();
        if k_b < k_a || ids.is_empty() {
            return Ok(out);
        }
        let per_series = u64::try_from(i128::from(k_b) - i128::from(k_a) + 1).unwrap_or(u64::MAX);
        if per_series.saturating_mul(ids.len() as u64) > max_samples as u64 {
            return Err(EvalError::too_many_samples());
        }
        let times: Vec<i64> = (k_a..=k_b).map(|k| k.saturating_mul(SCRAPE_INTERVAL_MS)).collect();
        let mut by_unit: BTreeMap<Unit, Vec<(usize, Kind)>> = BTreeMap::new();
        for (pos, &id) in ids.iter().enumerate() {
            if let Some(&(unit, kind)) = cat.defs.get(id) {
                by_unit.entry(unit).or_default().push((pos, kind));
            }
        }
        // Counters start from the day's first scrape; the clock covers that prefix too.
        let day0 = k_a.div_euclid(SCRAPES_PER_DAY).saturating_mul(SCRAPES_PER_DAY);
        let needs_clock =
            by_unit.iter().any(|(u, w)| matches!(u, Unit::Endpoint { .. }) || w.iter().any(|(_, k)| *k == Kind::Cpu));
        let clock =
            if needs_clock { Clock::new(day0, k_b) } else { Clock { k0: day0, diurnal: Vec::new(), osc: Vec::new() } };
        for (unit, wants) in by_unit {
            match unit {
                Unit::Endpoint { ep, inst } => {
                    self.fill_endpoint(usize::from(ep), usize::from(inst), &wants, &clock, (k_a, k_b), &times, &mut out)
                }
                Unit::Process { svc, inst } => {
                    self.fill_process(usize::from(svc), usize::from(inst), &wants, &clock, &times, &mut out)
                }
            }
        }
        Ok(out)
    }
}

/// Metric metadata as `/api/v1/metadata` reports it: (name, type, help).
pub(crate) const METADATA: [(&str, &str, &str); 7] = [
    ("checkout_completed_total", "counter", "Checkouts completed (payment accepted)."),
    ("checkout_started_total", "counter", "Checkouts started."),
    ("http_request_duration_seconds", "histogram", "HTTP request latency in seconds, by route."),
    ("http_requests_total", "counter", "HTTP requests served, by route, method and status."),
    ("orders_total", "counter", "Orders placed, by payment method."),
    ("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds."),
    ("process_resident_memory_bytes", "gauge", "Resident memory size in bytes."),
];

/// An endpoint's latency as the metrics model it, for the demo traces: `(median_s, sigma)` of the
/// log-normal in the normal state, multiplied by the incident factor of its service when
/// `incident` (payments ×5, checkout ×1.8). `None` for an unknown (service, route).
pub(crate) fn endpoint_latency(service: &str, route: &str, incident: bool) -> Option<(f64, f64)> {
    ENDPOINTS.iter().find(|ep| SERVICES.get(ep.service) == Some(&service) && ep.route == route).map(|ep| {
        (ep.median_s * latency_factor(ep.service, incident), ep.sigma)
    })
}

/// Shares of an endpoint's requests answered with each non-200 status, for the demo traces; during
/// the incident payments answers 500 and 503 at the metrics' incident shares.
pub(crate) fn endpoint_statuses(service: &str, route: &str, incident: bool) -> Vec<(&'static str, f64)> {
    let Some(ep) = ENDPOINTS.iter().find(|ep| SERVICES.get(ep.service) == Some(&service) && ep.route == route) else {
        return Vec::new();
    };
    let incident = incident && ep.service == PAYMENTS;
    ep.statuses
        .iter()
        .map(|&(code, p)| match (incident, code) {
            (true, "500") => (code, INCIDENT_P500),
            (true, "503") => (code, INCIDENT_P503),
            _ => (code, p),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_cdf_is_accurate_enough() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.0) - 0.841_344_746).abs() < 1e-6);
        assert!((normal_cdf(-2.0) - 0.022_750_132).abs() < 1e-6);
    }
}
