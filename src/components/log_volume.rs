//! The log volume chart: lines per level per time bucket as stacked SVG bars (most severe at the
//! bottom), each bucket with a tooltip of its counts, the level totals as text, and a line saying
//! how the counts were made (by the server over the whole range, or over the loaded lines only).

use leptos::prelude::*;
use sightline_core::format::format_datetime_ms;
use sightline_core::logs::volume::Volume;
use sightline_core::logs::Level;
use sightline_core::time::format_prom_duration;

const W: f64 = 1000.0;
const H: f64 = 100.0;

/// Whose counts the chart shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeOrigin {
    /// The server counted every matching line in the range (`count_over_time`).
    Server,
    /// Counted in the browser over the loaded lines (the server's count failed, or a file).
    Loaded { lines: usize, reason: String },
}

/// The chart.
#[component]
pub fn LogVolumeChart(volume: Volume, origin: VolumeOrigin, utc: bool) -> impl IntoView {
    let n = volume.counts.len().max(1);
    let tallest = volume.max_bucket();
    let max = f64::from(tallest.max(1));
    let bar_w = W / n as f64;
    // Bucket edges are whole seconds or more: no milliseconds on the axis.
    let fmt = move |t: i64| {
        let ms = t.div_euclid(1_000_000);
        if utc { format_datetime_ms(ms, &chrono::Utc) } else { format_datetime_ms(ms, &chrono::Local) }
    };
    let bars = volume
        .counts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.iter().any(|&x| x > 0))
        .map(|(i, counts)| {
            let start = volume.start_ns.saturating_add(volume.bucket_ns.saturating_mul(i as i64));
            let total: u32 = counts.iter().sum();
            let parts: Vec<String> = Level::ALL
                .iter()
                .filter(|l| counts[l.index()] > 0)
                .map(|l| format!("{} {}", l.as_str(), counts[l.index()]))
                .collect();
            let title = format!("{} + {}: {total} line(s) ({})", fmt(start), format_prom_duration((volume.bucket_ns / 1_000_000).max(0) as u64), parts.join(", "));
            let mut y = H;
            let rects = Level::ALL
                .iter()
                .filter(|l| counts[l.index()] > 0)
                .map(|l| {
                    let h = f64::from(counts[l.index()]) / max * H;
                    y -= h;
                    view! { <rect class=format!("lvl-{}", l.as_str()) x=format!("{:.2}", i as f64 * bar_w) y=format!("{y:.2}") width=format!("{:.2}", (bar_w * 0.85).max(0.5)) height=format!("{h:.2}")/> }
                })
                .collect_view();
            view! { <g data-testid="log-volume-bar"><title>{title}</title>{rects}</g> }
        })
        .collect_view();
    let totals = Level::ALL
        .iter()
        .filter(|l| volume.total(**l) > 0)
        .map(|l| view! { <span class=format!("log-level lvl-{}", l.as_str()) data-testid=format!("log-volume-total-{}", l.as_str())>{format!("{} {}", l.as_str(), volume.total(*l))}</span> })
        .collect_view();
    let bucket = format_prom_duration((volume.bucket_ns / 1_000_000).max(0) as u64);
    let how = match &origin {
        VolumeOrigin::Server => format!(
            "Lines per level per {bucket}, counted by the source over the whole range (sum by level of count_over_time of the query); the tallest bar is {tallest} line(s).",
        ),
        VolumeOrigin::Loaded { lines, reason } => format!(
            "Lines per level per {bucket}, counted in the browser over the {lines} loaded line(s) only ({reason}); the tallest bar is {tallest} line(s).",
        ),
    };
    let end = volume.start_ns.saturating_add(volume.bucket_ns.saturating_mul(n as i64));
    view! {
        <figure class="log-volume" data-testid="log-volume" data-origin=if origin == VolumeOrigin::Server { "server" } else { "loaded" }>
            <svg viewBox=format!("0 0 {W} {H}") preserveAspectRatio="none" role="img" aria-label="Log volume by level over time">
                {bars}
            </svg>
            <div class="log-volume-axis"><span>{fmt(volume.start_ns)}</span><span>{fmt(end)}</span></div>
            <figcaption>
                <span class="log-volume-totals">{totals}</span>
                <span class="hint" data-testid="log-volume-how">{how}</span>
            </figcaption>
        </figure>
    }
}
