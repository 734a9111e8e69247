//! Value units (`units`): scaled formatting over a table of cases (non-finite included), URL ids,
//! axis scales, metric-name guessing, and a round-trip property of the scaled numbers.

use proptest::prelude::*;
use sightline_core::units::{format_with_unit, guess_from_metric_name, Scale, Unit};

#[test]
fn values_are_scaled_and_suffixed() {
    let cases: &[(f64, Unit, &str)] = &[
        (0.00042, Unit::Seconds, "420 µs"),
        (1536.0, Unit::Bytes, "1.5 KiB"),
        (0.9995, Unit::PercentUnit, "99.95%"),
        (0.0, Unit::Seconds, "0 s"),
        (1.5, Unit::Seconds, "1.5 s"),
        (90.0, Unit::Seconds, "1.5 min"),
        (7200.0, Unit::Seconds, "2 h"),
        (172_800.0, Unit::Seconds, "2 d"),
        (-0.25, Unit::Seconds, "-250 ms"),
        (2.5e-9, Unit::Seconds, "2.5 ns"),
        (1e-12, Unit::Seconds, "0.001 ns"),
        (1500.0, Unit::Milliseconds, "1.5 s"),
        (0.5, Unit::Milliseconds, "500 µs"),
        (999.9999, Unit::Milliseconds, "1 s"),
        (250.0, Unit::Microseconds, "250 µs"),
        (1500.0, Unit::Nanoseconds, "1.5 µs"),
        (0.0, Unit::Bytes, "0 B"),
        (0.5, Unit::Bytes, "0.5 B"),
        (512.0, Unit::Bytes, "512 B"),
        (1024.0 * 1024.0, Unit::Bytes, "1 MiB"),
        (1000.0, Unit::Bytes, "1000 B"),
        (1000.0, Unit::BytesSi, "1 kB"),
        (2.5e9, Unit::BytesSi, "2.5 GB"),
        (1536.0, Unit::BytesPerSecond, "1.5 KiB/s"),
        (12.5, Unit::RequestsPerSecond, "12.5 req/s"),
        (1234.0, Unit::RequestsPerSecond, "1.234k req/s"),
        (0.05, Unit::OpsPerSecond, "0.05 ops/s"),
        (3.2e6, Unit::OpsPerSecond, "3.2M ops/s"),
        (42.5, Unit::PercentHundred, "42.5%"),
        (1.5, Unit::PercentUnit, "150%"),
        (1234.5, Unit::None, "1234.5"),
        (f64::NAN, Unit::Seconds, "NaN"),
        (f64::INFINITY, Unit::Bytes, "+Inf"),
        (f64::NEG_INFINITY, Unit::PercentUnit, "-Inf"),
        (f64::NAN, Unit::None, "NaN"),
    ];
    for &(v, unit, want) in cases {
        assert_eq!(format_with_unit(v, unit), want, "{v} {unit:?}");
    }
}

#[test]
fn one_axis_scale_formats_every_tick_alike() {
    let scale = Scale::for_value(Unit::Seconds, 0.5);
    let ticks: Vec<String> = [0.0, 0.25, 0.5].iter().map(|&t| scale.format(t)).collect();
    assert_eq!(ticks, ["0 ms", "250 ms", "500 ms"]);
    assert_eq!(Scale::for_value(Unit::Bytes, f64::NAN).format(10.0), "10 B");
}

#[test]
fn unit_ids_round_trip_and_follow_grafana() {
    for unit in Unit::ALL {
        assert_eq!(Unit::parse(unit.as_str()), Ok(unit));
        assert_eq!(unit.to_string().parse::<Unit>(), Ok(unit));
    }
    assert_eq!(Unit::parse("µs"), Ok(Unit::Microseconds));
    assert_eq!(Unit::parse(""), Ok(Unit::None));
    assert_eq!(Unit::parse("percentunit"), Ok(Unit::PercentUnit));
    let err = Unit::parse("furlongs").unwrap_err();
    assert_eq!(err.input, "furlongs");
    assert!(err.to_string().contains("reqps"));
    assert!(Unit::parse("Bytes").is_err()); // ids are case-sensitive, as Grafana's
}

#[test]
fn units_are_guessed_from_prometheus_names() {
    let cases: &[(&str, bool, Unit)] = &[
        ("http_request_duration_seconds_bucket", false, Unit::Seconds),
        ("http_request_duration_seconds_bucket", true, Unit::Seconds),
        ("http_request_duration_seconds", false, Unit::Seconds),
        ("http_request_duration_seconds_sum", false, Unit::Seconds),
        ("http_request_duration_seconds_count", true, Unit::RequestsPerSecond),
        ("rpc_duration_seconds_count", true, Unit::OpsPerSecond),
        ("rpc_duration_seconds_count", false, Unit::None),
        ("http_requests_total", true, Unit::RequestsPerSecond),
        ("http_requests_total", false, Unit::None),
        ("orders_total", true, Unit::OpsPerSecond),
        ("node_network_receive_bytes_total", true, Unit::BytesPerSecond),
        ("process_cpu_seconds_total", true, Unit::None),
        ("process_cpu_seconds_total", false, Unit::Seconds),
        ("process_resident_memory_bytes", false, Unit::Bytes),
        ("cache_hit_ratio", false, Unit::PercentUnit),
        ("cpu_usage_percent", false, Unit::PercentHundred),
        ("query_latency_ms", false, Unit::Milliseconds),
        ("up", false, Unit::None),
        ("job:http_requests:rate5m", false, Unit::RequestsPerSecond),
        ("job:node_network_receive_bytes:rate5m", false, Unit::BytesPerSecond),
        ("job:memory_bytes:avg", false, Unit::Bytes),
        ("", false, Unit::None),
    ];
    for &(name, rated, want) in cases {
        assert_eq!(guess_from_metric_name(name, rated), want, "{name} rated={rated}");
    }
}

/// Splits `"1.5 KiB"` into the number and the multiplier of its suffix (in bytes or seconds).
fn read_back(text: &str, unit: Unit) -> Option<f64> {
    let (num, suffix) = text.split_once(' ').unwrap_or((text, ""));
    let n: f64 = num.parse().ok()?;
    let k = 1024f64;
    let mult = match (unit, suffix) {
        (Unit::Bytes, "B") => 1.0,
        (Unit::Bytes, "KiB") => k,
        (Unit::Bytes, "MiB") => k.powi(2),
        (Unit::Bytes, "GiB") => k.powi(3),
        (Unit::Bytes, "TiB") => k.powi(4),
        (Unit::Bytes, "PiB") => k.powi(5),
        (Unit::Bytes, "EiB") => k.powi(6),
        (Unit::Seconds, "ns") => 1e-9,
        (Unit::Seconds, "µs") => 1e-6,
        (Unit::Seconds, "ms") => 1e-3,
        (Unit::Seconds, "s") => 1.0,
        (Unit::Seconds, "min") => 60.0,
        (Unit::Seconds, "h") => 3600.0,
        (Unit::Seconds, "d") => 86400.0,
        _ => return None,
    };
    Some(n * mult)
}

proptest! {
    #[test]
    fn formatted_values_read_back_within_six_digits(mantissa in -10.0f64..10.0, exp in -12i32..20, bytes in any::<bool>()) {
        let v = mantissa * 10f64.powi(exp);
        let unit = if bytes { Unit::Bytes } else { Unit::Seconds };
        let text = format_with_unit(v, unit);
        let back = read_back(&text, unit);
        prop_assert!(back.is_some(), "{} → {}", v, text);
        let back = back.unwrap();
        prop_assert!((back - v).abs() <= 1e-5 * v.abs() + 1e-300, "{} → {} → {}", v, text, back);
    }

    #[test]
    fn scaled_numbers_stay_below_the_next_step(v in 1.0f64..1e18) {
        let text = format_with_unit(v, Unit::Bytes);
        let num: f64 = text.split(' ').next().unwrap().parse().unwrap();
        prop_assert!((1.0..1024.0).contains(&num.abs()) || text.ends_with("EiB"), "{} → {}", v, text);
    }

    #[test]
    fn formatting_never_panics(v in any::<f64>(), i in 0usize..12) {
        let _ = format_with_unit(v, Unit::ALL[i]);
    }
}
