//! CSV export (`export::csv`): exact value spelling, ISO times, RFC 4180 quoting, the layout of
//! range and instant exports, and a property that reading the CSV back gives every sample once,
//! bit for bit.

use proptest::prelude::*;
use sightline_core::export::csv::{instant_csv, push_field, series_csv};
use sightline_core::export::{exact_value, iso_utc_ms};
use sightline_core::series::{InstantSample, Labels, Series};

fn series(labels: &[(&str, &str)], t_ms: &[i64], values: &[f64]) -> Series {
    Series { labels: labels.iter().copied().collect(), t_ms: t_ms.to_vec(), values: values.to_vec() }
}

#[test]
fn values_are_written_exactly_and_non_finite_as_prometheus() {
    let cases: &[(f64, &str)] = &[
        (0.1, "0.1"),
        (1.0, "1"),
        (-0.0, "-0"),
        (0.0, "0"),
        (42.125, "42.125"),
        (1e-7, "1e-7"),
        (1.5e300, "1.5e300"),
        (1e16, "1e16"),
        (9_999_999_999_999_998.0, "9999999999999998"),
        (0.1 + 0.2, "0.30000000000000004"),
        (f64::NAN, "NaN"),
        (f64::INFINITY, "+Inf"),
        (f64::NEG_INFINITY, "-Inf"),
    ];
    for &(v, want) in cases {
        assert_eq!(exact_value(v), want);
    }
}

#[test]
fn times_are_iso_8601_utc_with_milliseconds() {
    assert_eq!(iso_utc_ms(1_705_312_800_250).as_deref(), Some("2024-01-15T10:00:00.250Z"));
    assert_eq!(iso_utc_ms(0).as_deref(), Some("1970-01-01T00:00:00.000Z"));
    assert_eq!(iso_utc_ms(-1).as_deref(), Some("1969-12-31T23:59:59.999Z"));
    assert_eq!(iso_utc_ms(i64::MAX), None);
}

#[test]
fn fields_are_quoted_per_rfc_4180() {
    let cases = [("plain", "plain"), ("a,b", "\"a,b\""), ("a\"b", "\"a\"\"b\""), ("a\nb", "\"a\nb\""), ("a\rb", "\"a\rb\""), ("", "")];
    for (field, want) in cases {
        let mut out = String::new();
        push_field(&mut out, field);
        assert_eq!(out, want);
    }
}

#[test]
fn series_csv_has_one_column_per_series_and_the_union_of_timestamps() {
    let s1 = series(&[("__name__", "up"), ("job", "api")], &[1000, 2000], &[1.0, f64::NAN]);
    let s2 = series(&[("__name__", "up"), ("job", "a,\"b\"")], &[2000, 3000], &[0.5, f64::INFINITY]);
    let csv = series_csv(&[s1, s2]);
    let want = concat!(
        "time,epoch_ms,\"up{job=\"\"a,\\\"\"b\\\"\"\"\"}\",\"up{job=\"\"api\"\"}\"\r\n",
        "1970-01-01T00:00:01.000Z,1000,,1\r\n",
        "1970-01-01T00:00:02.000Z,2000,0.5,NaN\r\n",
        "1970-01-01T00:00:03.000Z,3000,+Inf,\r\n",
    );
    assert_eq!(csv, want);
}

#[test]
fn repeated_timestamps_give_extra_rows_instead_of_dropping_samples() {
    let a = series(&[("k", "a")], &[0, 0, 1000], &[1.0, 2.0, 3.0]);
    let b = series(&[("k", "b")], &[0], &[9.0]);
    let csv = series_csv(&[b, a]);
    let want = concat!(
        "time,epoch_ms,\"{k=\"\"a\"\"}\",\"{k=\"\"b\"\"}\"\r\n",
        "1970-01-01T00:00:00.000Z,0,1,9\r\n",
        "1970-01-01T00:00:00.000Z,0,2,\r\n",
        "1970-01-01T00:00:01.000Z,1000,3,\r\n",
    );
    assert_eq!(csv, want);
}

#[test]
fn empty_export_is_just_the_header() {
    assert_eq!(series_csv(&[]), "time,epoch_ms\r\n");
    assert_eq!(instant_csv(&[]), "value,time,epoch_ms\r\n");
}

#[test]
fn instant_csv_has_one_column_per_label_name() {
    let samples = [
        InstantSample { labels: [("job", "db")].into_iter().collect(), t_ms: 1000, value: f64::NAN },
        InstantSample { labels: [("__name__", "up"), ("job", "api"), ("instance", "a:9090")].into_iter().collect(), t_ms: 1000, value: 1.0 },
    ];
    let want = concat!(
        "__name__,instance,job,value,time,epoch_ms\r\n",
        "up,a:9090,api,1,1970-01-01T00:00:01.000Z,1000\r\n",
        ",,db,NaN,1970-01-01T00:00:01.000Z,1000\r\n",
    );
    assert_eq!(instant_csv(&samples), want);
}

/// A small RFC 4180 reader for the round-trip property.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => record.push(std::mem::take(&mut field)),
                '\r' if chars.peek() == Some(&'\n') => {
                    chars.next();
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                c => field.push(c),
            }
        }
    }
    assert!(field.is_empty() && record.is_empty(), "unterminated record");
    records
}

fn read_value(cell: &str) -> f64 {
    match cell {
        "NaN" => f64::NAN,
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        other => other.parse().unwrap(),
    }
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![6 => any::<f64>(), 2 => -1e6..1e6f64, 1 => Just(f64::NAN), 1 => Just(f64::NEG_INFINITY)]
}

fn label_value() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b,c", "q\"x", "line\nbreak", "cr\rx", "=1+1", ""]).prop_map(String::from)
}

proptest! {
    #[test]
    fn exact_values_parse_back_bit_for_bit(v in any::<f64>().prop_filter("finite", |v| v.is_finite())) {
        let back: f64 = exact_value(v).parse().unwrap();
        prop_assert_eq!(back.to_bits(), v.to_bits());
    }

    #[test]
    fn reading_the_csv_back_gives_every_sample_once(
        input in prop::collection::vec(
            (label_value(), prop::collection::vec((0i64..30, value()), 0..20)),
            0..5,
        )
    ) {
        let all: Vec<Series> = input
            .iter()
            .enumerate()
            .map(|(i, (lv, samples))| {
                let mut samples = samples.clone();
                samples.sort_by_key(|p| p.0);
                Series {
                    labels: [("id", i.to_string()), ("v", lv.clone())].into_iter().collect::<Labels>(),
                    t_ms: samples.iter().map(|p| p.0 * 1000).collect(),
                    values: samples.iter().map(|p| p.1).collect(),
                }
            })
            .collect();
        let records = parse_csv(&series_csv(&all));
        let header = &records[0];
        prop_assert_eq!(header.len(), 2 + all.len());
        let mut sorted: Vec<&Series> = all.iter().collect();
        sorted.sort_by(|a, b| a.labels.cmp(&b.labels));
        for (name, s) in header[2..].iter().zip(&sorted) {
            prop_assert_eq!(name, &s.labels.display_name());
        }
        // Collect the samples back per column.
        let mut got: Vec<Vec<(i64, u64)>> = vec![Vec::new(); all.len()];
        let mut last_t = i64::MIN;
        for r in &records[1..] {
            prop_assert_eq!(r.len(), header.len());
            let t: i64 = r[1].parse().unwrap();
            prop_assert!(t >= last_t);
            last_t = t;
            prop_assert_eq!(Some(r[0].clone()), iso_utc_ms(t));
            for (col, cell) in r[2..].iter().enumerate() {
                if !cell.is_empty() {
                    got[col].push((t, read_value(cell).to_bits()));
                }
            }
        }
        for (s, g) in sorted.iter().zip(&got) {
            let want: Vec<(i64, u64)> = s.t_ms.iter().zip(&s.values).map(|(&t, &v)| {
                let v = if v.is_nan() { f64::NAN } else { v };
                (t, v.to_bits())
            }).collect();
            let g: Vec<(i64, u64)> = g.iter().map(|&(t, b)| {
                let v = f64::from_bits(b);
                (t, if v.is_nan() { f64::NAN.to_bits() } else { b })
            }).collect();
            prop_assert_eq!(&g, &want);
        }
    }
}
