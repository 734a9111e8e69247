//! Log patterns: Drain-style clustering of lines into templates such as
//! `user <*> logged in from <*>` (algorithms.md §13; Drain, He et al. 2017; Drain3's defaults).
//!
//! 1. The message: a JSON or logfmt `message`/`msg` field, else the whole line; a JSON line with no
//!    message field becomes `key=value …` of its fields, so records with the same keys group.
//! 2. Masking: a word containing a digit is a variable (`<*>`); in a `key=value` word only the
//!    value is masked (`status=<*>`). Words are split on whitespace; at most [`MAX_TOKENS`].
//! 3. Tree: lines are grouped by (word count, first word), a masked first word as `<*>`.
//! 4. Match: in that group, the template with the highest similarity (positions where template
//!    and line have the same word, over the word count; `<*>` positions do not count) absorbs the
//!    line if the similarity is more than [`SIMILARITY`] (so `request completed` and
//!    `request failed` stay apart), and positions that differ become `<*>`;
//!    otherwise the line starts a new template. At most [`MAX_PATTERNS`] templates: lines that
//!    would start another are counted as unclustered, never dropped silently.
//!
//! O(n × templates per group × words); the result is sorted by count, largest first.

use std::collections::HashMap;

use super::fields;
use super::model::{LogStore, NO_TIME};

/// The similarity a line must exceed to join a template: more than half of its words. (Drain3's
/// default, 0.4, merges two-word messages that share one word, such as success and failure.)
pub const SIMILARITY: f64 = 0.5;
/// The most templates kept.
pub const MAX_PATTERNS: usize = 1000;
/// The most words of a message considered (the rest become one `<…>`).
pub const MAX_TOKENS: usize = 64;
const WILD: &str = "<*>";

/// One template and what it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub template: String,
    pub count: usize,
    /// Oldest and newest matching line (ns; `None` when no matching line has a time).
    pub first_ns: Option<i64>,
    pub last_ns: Option<i64>,
    /// Matching lines per level, indexed by [`super::Level::index`].
    pub levels: [u32; 7],
    /// Row of the first matching line (an example).
    pub example: usize,
}

/// All templates of a store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patterns {
    pub patterns: Vec<Pattern>,
    /// Lines that matched no template after [`MAX_PATTERNS`] were made.
    pub unclustered: usize,
}

struct Cluster {
    tokens: Vec<String>,
    pattern: Pattern,
}

/// Clusters every line of `store` (see the module documentation).
pub fn patterns(store: &LogStore) -> Patterns {
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut groups: HashMap<(usize, String), Vec<usize>> = HashMap::new();
    let mut unclustered = 0;
    for row in 0..store.len() {
        let tokens = tokenize(&message_of(store.line(row)));
        let key = (tokens.len(), tokens.first().cloned().unwrap_or_default());
        let members = groups.entry(key).or_default();
        let best = members
            .iter()
            .map(|&c| (c, similarity(&clusters[c].tokens, &tokens)))
            .filter(|&(_, s)| s > SIMILARITY)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let index = match best {
            Some((c, _)) => {
                let cl = &mut clusters[c];
                for (t, l) in cl.tokens.iter_mut().zip(&tokens) {
                    if t != l {
                        *t = WILD.to_string();
                    }
                }
                c
            }
            None if clusters.len() < MAX_PATTERNS => {
                members.push(clusters.len());
                clusters.push(Cluster {
                    tokens,
                    pattern: Pattern { template: String::new(), count: 0, first_ns: None, last_ns: None, levels: [0; 7], example: row },
                });
                clusters.len() - 1
            }
            None => {
                unclustered += 1;
                continue;
            }
        };
        let p = &mut clusters[index].pattern;
        p.count += 1;
        let t = store.timestamps()[row];
        if t != NO_TIME {
            p.first_ns = Some(p.first_ns.map_or(t, |f| f.min(t)));
            p.last_ns = Some(p.last_ns.map_or(t, |l| l.max(t)));
        }
        if let Some(level) = store.levels().get(row) {
            p.levels[level.index()] += 1;
        }
    }
    let mut patterns: Vec<Pattern> = clusters
        .into_iter()
        .map(|c| Pattern { template: c.tokens.join(" "), ..c.pattern })
        .collect();
    patterns.sort_by(|a, b| b.count.cmp(&a.count).then(a.example.cmp(&b.example)));
    Patterns { patterns, unclustered }
}

fn message_of(line: &str) -> String {
    let msg = fields::message(line);
    if msg.starts_with('{') {
        let (syntax, pairs) = fields::extract(&msg);
        if syntax == fields::FieldSyntax::Json {
            return pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
        }
    }
    msg.into_owned()
}

/// Masked words of a message.
pub fn tokenize(message: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in message.split_whitespace() {
        if out.len() == MAX_TOKENS {
            out.push("<…>".to_string());
            break;
        }
        out.push(mask(word));
    }
    out
}

fn mask(word: &str) -> String {
    let has_digit = |s: &str| s.bytes().any(|b| b.is_ascii_digit());
    match word.split_once('=') {
        Some((k, v)) if !k.is_empty() && !has_digit(k) => {
            if has_digit(v) {
                format!("{k}={WILD}")
            } else {
                word.to_string()
            }
        }
        _ if has_digit(word) => WILD.to_string(),
        _ => word.to_string(),
    }
}

fn similarity(template: &[String], line: &[String]) -> f64 {
    if template.is_empty() {
        return 1.0;
    }
    let same = template.iter().zip(line).filter(|(t, l)| t.as_str() != WILD && t == l).count();
    same as f64 / template.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::model::{Level, LogBuilder};

    fn store(lines: &[&str]) -> LogStore {
        let mut b = LogBuilder::default();
        let s = b.stream(Default::default());
        for (i, l) in lines.iter().enumerate() {
            b.push(i as i64 * 1000, l, s, None, vec![]);
        }
        b.finish()
    }

    #[test]
    fn groups_lines_that_differ_in_variables() {
        let s = store(&[
            "user alice logged in from 10.0.0.1",
            "user bob logged in from 10.0.0.2",
            "user carol logged in from 10.0.0.3",
            "level=error msg=\"payment 42 declined\" status=502",
            "disk full",
            "request completed",
            "request failed",
        ]);
        let p = patterns(&s);
        assert_eq!(p.patterns.len(), 5, "{:?}", p.patterns);
        assert_eq!(p.patterns[0].template, "user <*> logged in from <*>");
        assert_eq!(p.patterns[0].count, 3);
        assert_eq!(p.patterns[0].first_ns, Some(0));
        assert_eq!(p.patterns[0].last_ns, Some(2000));
        assert_eq!(p.patterns.iter().map(|x| x.count).sum::<usize>(), 7);
        assert!(p.patterns.iter().any(|x| x.template == "request failed"), "half the words in common is not enough");
        assert!(p.patterns.iter().any(|x| x.template == "payment <*> declined" && x.levels[Level::Error.index()] == 1));
        assert_eq!(p.unclustered, 0);
    }

    #[test]
    fn json_records_without_a_message_group_by_keys() {
        let s = store(&[r#"{"Bytes":66,"Proto":1,"Src":"a"}"#, r#"{"Bytes":70,"Proto":6,"Src":"a"}"#]);
        let p = patterns(&s);
        assert_eq!(p.patterns.len(), 1);
        assert_eq!(p.patterns[0].template, "Bytes=<*> Proto=<*> Src=a");
    }

    #[test]
    fn masking_and_caps() {
        assert_eq!(tokenize("took 35ms status=200 route=/x id=ab12"), ["took", "<*>", "status=<*>", "route=/x", "id=<*>"]);
        let long = vec!["w"; 100].join(" ");
        assert_eq!(tokenize(&long).len(), MAX_TOKENS + 1);
        // Distinct one-word lines without digits: each starts its own template.
        let word = |mut i: usize| {
            let mut w = String::new();
            loop {
                w.push((b'a' + (i % 26) as u8) as char);
                i /= 26;
                if i == 0 {
                    return w;
                }
            }
        };
        let lines: Vec<String> = (0..MAX_PATTERNS + 10).map(word).collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let p = patterns(&store(&refs));
        assert_eq!(p.patterns.len(), MAX_PATTERNS);
        assert_eq!(p.unclustered, 10);
        assert_eq!(p.patterns.iter().map(|x| x.count).sum::<usize>() + p.unclustered, refs.len());
        assert_eq!(patterns(&store(&[""])).patterns[0].template, "");
    }
}
