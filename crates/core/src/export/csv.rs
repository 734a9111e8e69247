//! CSV export (RFC 4180) of range series and instant vectors, as in Grafana's
//! "Inspect → Data → Download CSV".
//!
//! **Range series** ([`series_csv`]): header `time,epoch_ms,<series…>`; one column per series,
//! named by [`Labels::display_name`](crate::series::Labels::display_name), series sorted by labels
//! (stable for equal labels). Rows are the union of all timestamps, ascending; a series without a
//! sample at a row's time has an empty cell. A timestamp repeated within one series gives as many
//! rows as its largest repeat count, the k-th row holding each series' k-th sample at that time,
//! so no sample is ever dropped or merged.
//!
//! **Instant vectors** ([`instant_csv`]): header `<label names…>,value,time,epoch_ms`: one column
//! per label name present in any sample (`__name__` first, the rest sorted by name; a missing
//! label is an empty cell, as Prometheus treats absent and empty alike), then the value and the
//! sample time. Rows sorted by labels, then time. A label called `value`, `time` or `epoch_ms`
//! makes a repeated header name; the columns stay in this documented order.
//!
//! Cells: values by [`exact_value`] (round-trip exact; `NaN`, `+Inf`, `-Inf`), times by
//! [`iso_utc_ms`] (empty when out of chrono's range; `epoch_ms` is always written). Fields
//! containing `"`, `,`, CR or LF are quoted with `"` and inner quotes doubled; every record ends
//! with CRLF. No spreadsheet-formula escaping is applied (a label value such as `=1+1` is written
//! as is, because rewriting it would change the data); open untrusted exports as text.
//!
//! If a series' columns differ in length (the model forbids it) only their common prefix is
//! written. Timestamps are expected non-decreasing (the model's invariant); unsorted input still
//! produces every sample once, in a deterministic but unsorted order. Cost O(n + S·T) for n
//! samples, S series and T distinct timestamps (the size of the output); nothing here panics.

use std::collections::BTreeSet;

use super::{exact_value, iso_utc_ms};
use crate::series::{InstantSample, Series};

const EOL: &str = "\r\n";

/// Appends `field` to `out`, quoted when it contains `"`, `,`, CR or LF (RFC 4180).
pub fn push_field(out: &mut String, field: &str) {
    if field.contains(['"', ',', '\r', '\n']) {
        out.push('"');
        for c in field.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(field);
    }
}

fn push_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, field);
    }
    out.push_str(EOL);
}

/// The time cells of one row: ISO 8601 UTC (empty when unrepresentable) and epoch ms.
fn push_time(out: &mut String, t_ms: i64) {
    if let Some(iso) = iso_utc_ms(t_ms) {
        out.push_str(&iso);
    }
    out.push(',');
    out.push_str(&t_ms.to_string());
}

/// CSV of range series; see the module doc.
pub fn series_csv(series: &[Series]) -> String {
    let mut sorted: Vec<&Series> = series.iter().collect();
    sorted.sort_by(|a, b| a.labels.cmp(&b.labels));
    let names: Vec<String> = sorted.iter().map(|s| s.labels.display_name()).collect();

    let mut out = String::new();
    push_record(&mut out, ["time", "epoch_ms"].into_iter().chain(names.iter().map(String::as_str)));

    let lens: Vec<usize> = sorted.iter().map(|s| s.t_ms.len().min(s.values.len())).collect();
    let mut cursors = vec![0usize; sorted.len()];
    let mut runs = vec![0usize; sorted.len()];
    loop {
        // The earliest pending timestamp.
        let next = sorted
            .iter()
            .zip(&cursors)
            .zip(&lens)
            .filter(|((_, &c), &len)| c < len)
            .filter_map(|((s, &c), _)| s.t_ms.get(c).copied())
            .min();
        let Some(t) = next else { break };
        // How many samples each series has at `t`, from its cursor on.
        let mut rows = 0;
        for (((s, &c), &len), run) in sorted.iter().zip(&cursors).zip(&lens).zip(runs.iter_mut()) {
            let window = s.t_ms.get(c..len).unwrap_or(&[]);
            *run = window.iter().take_while(|&&x| x == t).count();
            rows = rows.max(*run);
        }
        for r in 0..rows {
            push_time(&mut out, t);
            for ((s, &c), &run) in sorted.iter().zip(&cursors).zip(&runs) {
                out.push(',');
                if r < run {
                    if let Some(&v) = s.values.get(c + r) {
                        out.push_str(&exact_value(v));
                    }
                }
            }
            out.push_str(EOL);
        }
        for (c, &run) in cursors.iter_mut().zip(&runs) {
            *c += run;
        }
    }
    out
}

/// CSV of an instant vector; see the module doc.
pub fn instant_csv(samples: &[InstantSample]) -> String {
    let mut sorted: Vec<&InstantSample> = samples.iter().collect();
    sorted.sort_by(|a, b| a.labels.cmp(&b.labels).then(a.t_ms.cmp(&b.t_ms)));
    let label_names: BTreeSet<&str> =
        samples.iter().flat_map(|s| s.labels.0.keys().map(String::as_str)).filter(|&k| k != "__name__").collect();
    let has_name = samples.iter().any(|s| s.labels.0.contains_key("__name__"));
    let columns: Vec<&str> = has_name.then_some("__name__").into_iter().chain(label_names).collect();

    let mut out = String::new();
    push_record(&mut out, columns.iter().copied().chain(["value", "time", "epoch_ms"]));
    for s in sorted {
        for name in &columns {
            push_field(&mut out, s.labels.get(name).unwrap_or(""));
            out.push(',');
        }
        out.push_str(&exact_value(s.value));
        out.push(',');
        push_time(&mut out, s.t_ms);
        out.push_str(EOL);
    }
    out
}
