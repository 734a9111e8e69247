//! The columnar log store: one row per log line, newest first.
//!
//! Columns: timestamp (`i64` ns since the Unix epoch, [`NO_TIME`] when the line carried none),
//! the line's text (all lines in one `String` in arrival order, with each row's byte range, so
//! ordering the rows never copies text), the stream it came from (an
//! index into the interned stream label sets), its [`Level`], and per-line metadata pairs (Loki
//! structured metadata, OTLP record attributes, trace and span ids) kept as offsets into one pair
//! list. Nothing is parsed twice: fields of a line are extracted on demand ([`super::fields`]).

use crate::series::Labels;

pub mod order;

/// Timestamp of a line that carried none (kept, shown as "—", sorted last).
pub const NO_TIME: i64 = i64::MIN;

/// A log level, from most to least verbose; `Unknown` when nothing named one
/// ([`super::level`] says how it is detected).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Level {
    #[default]
    Unknown,
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

impl Level {
    /// Every level, in display order (most severe first, unknown last).
    pub const ALL: [Level; 7] =
        [Level::Fatal, Level::Error, Level::Warn, Level::Info, Level::Debug, Level::Trace, Level::Unknown];

    /// The name shown and used in CSS classes and test ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unknown => "unknown",
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Fatal => "fatal",
        }
    }

    /// Position in [`Level::ALL`] (for per-level count arrays).
    pub fn index(self) -> usize {
        match self {
            Level::Fatal => 0,
            Level::Error => 1,
            Level::Warn => 2,
            Level::Info => 3,
            Level::Debug => 4,
            Level::Trace => 5,
            Level::Unknown => 6,
        }
    }
}

/// Log lines in columns, newest first (lines without a time last, in arrival order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogStore {
    ts_ns: Vec<i64>,
    text: String,
    spans: Vec<(usize, usize)>,
    stream: Vec<u32>,
    level: Vec<Level>,
    meta_spans: Vec<(usize, usize)>,
    meta: Vec<(String, String)>,
    streams: Vec<Labels>,
}

impl LogStore {
    /// Number of lines.
    pub fn len(&self) -> usize {
        self.ts_ns.len()
    }

    /// True when there are no lines.
    pub fn is_empty(&self) -> bool {
        self.ts_ns.is_empty()
    }

    /// Timestamps (ns), newest first; [`NO_TIME`] for lines without one.
    pub fn timestamps(&self) -> &[i64] {
        &self.ts_ns
    }

    /// Levels, row for row.
    pub fn levels(&self) -> &[Level] {
        &self.level
    }

    /// The text of line `i` (empty when out of range).
    pub fn line(&self, i: usize) -> &str {
        self.spans.get(i).and_then(|&(a, b)| self.text.get(a..b)).unwrap_or("")
    }

    /// The stream labels of line `i`.
    pub fn stream_of(&self, i: usize) -> Option<&Labels> {
        self.stream.get(i).and_then(|&s| self.streams.get(s as usize))
    }

    /// The stream index of line `i`.
    pub fn stream_index(&self, i: usize) -> Option<usize> {
        self.stream.get(i).map(|&s| s as usize)
    }

    /// Every distinct stream label set.
    pub fn streams(&self) -> &[Labels] {
        &self.streams
    }

    /// Per-line metadata of line `i` (structured metadata, OTLP attributes, trace ids).
    pub fn metadata(&self, i: usize) -> &[(String, String)] {
        self.meta_spans.get(i).and_then(|&(a, b)| self.meta.get(a..b)).unwrap_or(&[])
    }

    /// Total bytes of line text.
    pub fn text_bytes(&self) -> usize {
        self.text.len()
    }

    /// `(oldest, newest)` timestamp of the lines that have one.
    pub fn time_span(&self) -> Option<(i64, i64)> {
        let mut it = self.ts_ns.iter().copied().filter(|&t| t != NO_TIME);
        let first = it.next()?;
        Some(it.fold((first, first), |(lo, hi), t| (lo.min(t), hi.max(t))))
    }
}

/// Appends lines in any order and builds a [`LogStore`] (levels detected, newest first).
#[derive(Debug, Default)]
pub struct LogBuilder {
    store: LogStore,
    /// Stream label sets by their first index, for interning.
    stream_ids: std::collections::BTreeMap<Labels, u32>,
    /// Explicit levels given by the format (OTLP severity), by row; `None` = detect.
    given_level: Vec<Option<Level>>,
    /// Where the text of the line being appended starts.
    line_start: usize,
}

impl LogBuilder {
    /// A builder with room for about `lines` lines of `bytes` total text.
    pub fn with_capacity(lines: usize, bytes: usize) -> LogBuilder {
        let mut b = LogBuilder::default();
        b.store.ts_ns.reserve(lines);
        b.store.spans.reserve(lines);
        b.store.stream.reserve(lines);
        b.store.meta_spans.reserve(lines);
        b.given_level.reserve(lines);
        b.store.text.reserve(bytes);
        b
    }

    /// Interns a stream label set and returns its index.
    pub fn stream(&mut self, labels: Labels) -> u32 {
        if let Some(&id) = self.stream_ids.get(&labels) {
            return id;
        }
        let id = u32::try_from(self.store.streams.len()).unwrap_or(u32::MAX);
        self.store.streams.push(labels.clone());
        self.stream_ids.insert(labels, id);
        id
    }

    /// The text buffer, for decoders that append a line's text in place; finish the line with
    /// [`LogBuilder::end_line`].
    pub fn text_mut(&mut self) -> &mut String {
        &mut self.store.text
    }

    /// Ends a line whose text was appended with [`LogBuilder::text_mut`].
    pub fn end_line(&mut self, ts_ns: i64, stream: u32, level: Option<Level>, meta: Vec<(String, String)>) {
        self.store.ts_ns.push(ts_ns);
        self.store.spans.push((self.line_start, self.store.text.len()));
        self.line_start = self.store.text.len();
        self.store.stream.push(stream);
        let meta_start = self.store.meta.len();
        self.store.meta.extend(meta);
        self.store.meta_spans.push((meta_start, self.store.meta.len()));
        self.given_level.push(level);
    }

    /// Appends one whole line.
    pub fn push(&mut self, ts_ns: i64, text: &str, stream: u32, level: Option<Level>, meta: Vec<(String, String)>) {
        self.store.text.push_str(text);
        self.end_line(ts_ns, stream, level, meta);
    }

    /// Sets the stream of every line from row `first` on (for formats that name the stream after
    /// its lines).
    pub fn set_stream_from(&mut self, first: usize, stream: u32) {
        if let Some(rows) = self.store.stream.get_mut(first..) {
            rows.fill(stream);
        }
    }

    /// Lines appended so far.
    pub fn len(&self) -> usize {
        self.store.ts_ns.len()
    }

    /// True when no line was appended.
    pub fn is_empty(&self) -> bool {
        self.store.ts_ns.is_empty()
    }

    /// Detects each line's level and orders the lines newest first (stable: equal times keep
    /// their arrival order; lines without a time go last). O(n log k) for k sorted runs (Loki
    /// streams), O(n log n) otherwise ([`order`]); the text is never copied.
    pub fn finish(self) -> LogStore {
        let LogBuilder { store: s, given_level, .. } = self;
        let n = s.ts_ns.len();
        // Newest first, then arrival order (merged when the rows come in a few sorted runs).
        let order = order::newest_first(&s.ts_ns);
        // Levels in arrival order, so the text is read front to back (reading it in row order
        // would jump around a buffer much larger than the caches); a level named by a stream
        // label holds for every line of the stream: look it up once.
        let stream_levels: Vec<Option<Level>> = s.streams.iter().map(super::level::from_labels).collect();
        let levels: Vec<Level> = (0..n)
            .map(|i| {
                given_level.get(i).copied().flatten().unwrap_or_else(|| {
                    let from_stream = s.stream.get(i).and_then(|&st| stream_levels.get(st as usize)).copied().flatten();
                    let meta = s.metadata(i);
                    match from_stream {
                        // What `detect_with` answers without metadata, without touching the text.
                        Some(level) if meta.is_empty() => level,
                        _ => super::level::detect_with(s.line(i), from_stream, meta),
                    }
                })
            })
            .collect();
        let already_sorted = order.iter().enumerate().all(|(i, &o)| i == o);
        if already_sorted {
            LogStore { level: levels, ..s }
        } else {
            // Rows are reordered; the text and metadata stay where they are.
            LogStore {
                ts_ns: order.iter().map(|&i| s.ts_ns[i]).collect(),
                spans: order.iter().map(|&i| s.spans[i]).collect(),
                stream: order.iter().map(|&i| s.stream[i]).collect(),
                meta_spans: order.iter().map(|&i| s.meta_spans[i]).collect(),
                level: order.iter().map(|&i| levels[i]).collect(),
                text: s.text,
                meta: s.meta,
                streams: s.streams,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        Labels(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn builder_orders_newest_first_and_keeps_lines_without_time_last() {
        let mut b = LogBuilder::default();
        let a = b.stream(labels(&[("app", "a")]));
        let a2 = b.stream(labels(&[("app", "a")]));
        assert_eq!(a, a2, "streams are interned");
        b.push(10, "old", a, None, vec![]);
        b.push(NO_TIME, "timeless", a, None, vec![]);
        b.push(30, "new level=error", a, None, vec![("k".into(), "v".into())]);
        b.push(20, "mid", a, Some(Level::Warn), vec![]);
        let s = b.finish();
        assert_eq!(s.len(), 4);
        assert_eq!((0..4).map(|i| s.line(i)).collect::<Vec<_>>(), ["new level=error", "mid", "old", "timeless"]);
        assert_eq!(s.timestamps(), &[30, 20, 10, NO_TIME]);
        assert_eq!(s.levels(), &[Level::Error, Level::Warn, Level::Unknown, Level::Unknown]);
        assert_eq!(s.metadata(0), &[("k".to_string(), "v".to_string())]);
        assert!(s.metadata(1).is_empty());
        assert_eq!(s.time_span(), Some((10, 30)));
        assert_eq!(s.streams().len(), 1);
        assert_eq!(s.line(99), "");
    }

    #[test]
    fn sorted_input_is_kept_as_is() {
        let mut b = LogBuilder::default();
        let st = b.stream(Labels::default());
        b.push(3, "c", st, None, vec![]);
        b.push(2, "b", st, None, vec![]);
        let s = b.finish();
        assert_eq!(s.line(0), "c");
        assert_eq!(s.line(1), "b");
        assert_eq!(s.levels().len(), 2);
    }
}
