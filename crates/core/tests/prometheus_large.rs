//! Large responses: a generated 200-series × 10,000-point `query_range` body, serialised the way
//! Prometheus does it, decodes to exactly the generated columns, within a bounded peak memory.
//! `cargo test --release -p sightline-core --test prometheus_large -- --ignored --nocapture`
//! prints the decode throughput for a ~50 MB body.

use sightline_core::formats::prometheus::{decode_response, ResultData};
use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Counts live and peak heap bytes of this test binary.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Tests in this binary run one at a time so the peak belongs to one of them.
static SERIAL: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                // A moving realloc briefly holds both blocks.
                PEAK.fetch_max(live + layout.size(), Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// xorshift64*: deterministic values without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn value(&mut self) -> f64 {
        match self.next() % 100 {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => f64::NEG_INFINITY,
            3 => -0.0,
            4 => f64::from_bits(self.next() >> 2), // any positive finite magnitude
            5..=40 => (self.next() % 1_000_000) as f64,
            _ => (self.next() % 10_000_000) as f64 / 1000.0 * if self.next() % 2 == 0 { 1.0 } else { -1.0 },
        }
    }
}

/// Prometheus' `jsonutil.MarshalTimestamp`: seconds, then `.mmm` when the ms part is not zero.
fn write_ts(out: &mut String, ms: i64) {
    let (s, f) = (ms / 1000, ms % 1000);
    if f == 0 {
        let _ = write!(out, "{s}");
    } else {
        let _ = write!(out, "{s}.{f:03}");
    }
}

/// Prometheus' `jsonutil.MarshalFloat` (`strconv.FormatFloat(v, 'f', -1, 64)`): shortest exact
/// digits without an exponent, `NaN`, `+Inf`, `-Inf`. Rust's `{}` writes the same digits.
fn write_value(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v == f64::INFINITY {
        out.push_str("+Inf");
    } else if v == f64::NEG_INFINITY {
        out.push_str("-Inf");
    } else {
        let _ = write!(out, "{v}");
    }
}

struct Generated {
    body: String,
    columns: Vec<(Vec<i64>, Vec<f64>)>,
}

fn generate(series: usize, points: usize, seed: u64, keep_columns: bool) -> Generated {
    let mut rng = Rng(seed);
    let mut body = String::with_capacity(series * points * 32);
    let mut columns = Vec::new();
    body.push_str(r#"{"status":"success","data":{"resultType":"matrix","result":["#);
    let start_ms: i64 = 1_700_000_000_000;
    for s in 0..series {
        if s > 0 {
            body.push(',');
        }
        let _ = write!(
            body,
            r#"{{"metric":{{"__name__":"http_requests_total","instance":"host-{s:04}:9100","job":"node"}},"values":["#
        );
        let (mut ts, mut vs) = (Vec::new(), Vec::new());
        let mut t = start_ms + (rng.next() % 1000) as i64;
        for p in 0..points {
            let v = rng.value();
            if p > 0 {
                body.push(',');
            }
            body.push('[');
            write_ts(&mut body, t);
            body.push_str(",\"");
            write_value(&mut body, v);
            body.push_str("\"]");
            if keep_columns {
                ts.push(t);
                vs.push(v);
            }
            t += 15_000 + (rng.next() % 3) as i64; // a scrape step with a little jitter
        }
        body.push_str("]}");
        if keep_columns {
            columns.push((ts, vs));
        }
    }
    body.push_str("]}}");
    Generated { body, columns }
}

#[test]
fn generated_200_series_by_10k_points_round_trip_exactly() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let g = generate(200, 10_000, 0x5EED, true);
    let resp = decode_response(200, g.body.as_bytes()).unwrap();
    let ResultData::Matrix(series) = resp.data else { panic!("not a matrix") };
    assert_eq!(series.len(), 200);
    for (i, (s, (ts, vs))) in series.iter().zip(&g.columns).enumerate() {
        assert_eq!(s.labels.get("instance"), Some(format!("host-{i:04}:9100").as_str()));
        assert_eq!(&s.t_ms, ts, "series {i}");
        assert_eq!(s.values.len(), vs.len());
        for (a, b) in s.values.iter().zip(vs) {
            assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()), "series {i}: {a} != {b}");
        }
    }
}

#[test]
fn decoding_a_large_body_peaks_below_twice_its_size() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let g = generate(200, 10_000, 7, false);
    let body = g.body.into_bytes();
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let resp = decode_response(200, &body).unwrap();
    let peak = PEAK.load(Ordering::Relaxed);
    let ResultData::Matrix(series) = &resp.data else { panic!("not a matrix") };
    assert_eq!(series.iter().map(|s| s.len()).sum::<usize>(), 2_000_000);
    let ratio = peak as f64 / body.len() as f64;
    eprintln!(
        "body {:.1} MB, peak heap during decode {:.1} MB ({ratio:.2}× the body)",
        body.len() as f64 / 1e6,
        peak as f64 / 1e6
    );
    assert!(ratio <= 2.0, "peak {peak} B for a {} B body", body.len());
}
