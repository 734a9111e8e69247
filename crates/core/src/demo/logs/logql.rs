//! The LogQL subset the demo source answers (anything else is refused with a message naming what
//! is supported):
//! - a stream selector `{name="v", name!="v", name=~"re", name!~"re"}` (regexes fully anchored),
//! - line filters `|= "text"`, `!= "text"`, `|~ "re"`, `!~ "re"` (regexes unanchored),
//! - parsers `| logfmt` and `| json` (the demo's lines are logfmt, so both extract its fields),
//!   and label filters after them `| name="v"` (also `!=`, `=~`, `!~`) on stream labels or
//!   extracted fields,
//! - metric queries `count_over_time(<log query> [<duration>])`, optionally inside
//!   `sum(…)`, `sum by (labels) (…)` or `sum(…) by (labels)`.
//!
//! Strings are `"…"` with `\"`/`\\` escapes or raw `` `…` ``. Durations: `30s`, `5m`, `1h`, `1d`.

use regex::Regex;

use super::lines::DemoLine;

const SUPPORTED: &str = "the demo source supports a stream selector {name=\"value\", …} with =, !=, =~, !~; line filters |=, !=, |~, !~; | logfmt and | json with label filters; and count_over_time(…[d]) optionally inside sum or sum by (…)";

/// How a matcher compares.
#[derive(Debug, Clone)]
enum Op {
    Eq(String),
    Ne(String),
    Re(Regex),
    NotRe(Regex),
}

impl Op {
    fn matches(&self, v: &str) -> bool {
        match self {
            Op::Eq(s) => v == s,
            Op::Ne(s) => v != s,
            Op::Re(r) => r.is_match(v),
            Op::NotRe(r) => !r.is_match(v),
        }
    }
}

#[derive(Debug, Clone)]
enum Stage {
    Contains(String),
    NotContains(String),
    LineRe(Regex),
    LineNotRe(Regex),
    Parse,
    Label(String, Op),
}

/// A parsed log query.
#[derive(Debug, Clone)]
pub struct LogSelector {
    matchers: Vec<(String, Op)>,
    stages: Vec<Stage>,
}

/// A parsed query: log lines, or a count per step.
#[derive(Debug, Clone)]
pub enum DemoQuery {
    Logs(LogSelector),
    Count { selector: LogSelector, range_ns: i64, sum_by: Option<Vec<String>> },
}

impl LogSelector {
    /// Whether `line` passes the selector and every stage.
    pub fn matches(&self, line: &DemoLine) -> bool {
        if !self.matchers.iter().all(|(name, op)| op.matches(&line.label(name).unwrap_or_default())) {
            return false;
        }
        let mut fields: Option<Vec<(String, String)>> = None;
        for stage in &self.stages {
            let ok = match stage {
                Stage::Contains(s) => line.text.contains(s.as_str()),
                Stage::NotContains(s) => !line.text.contains(s.as_str()),
                Stage::LineRe(r) => r.is_match(&line.text),
                Stage::LineNotRe(r) => !r.is_match(&line.text),
                Stage::Parse => {
                    fields = Some(crate::logs::fields::logfmt(&line.text));
                    true
                }
                Stage::Label(name, op) => {
                    let from_fields =
                        fields.as_ref().and_then(|f| f.iter().find(|(k, _)| k == name)).map(|(_, v)| v.clone());
                    op.matches(&from_fields.or_else(|| line.label(name)).unwrap_or_default())
                }
            };
            if !ok {
                return false;
            }
        }
        true
    }
}

/// Parses `text`; `Err` is the message the demo answers with (HTTP 400).
pub fn parse(text: &str) -> Result<DemoQuery, String> {
    let mut p = Parser { s: text.as_bytes(), src: text, i: 0 };
    let q = p.query()?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.fail("unexpected text after the query"));
    }
    Ok(q)
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn fail(&self, what: &str) -> String {
        format!("parse error at col {}: {what}; {SUPPORTED}", self.i + 1)
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, tok: &str) -> bool {
        self.ws();
        if self.src.get(self.i..).is_some_and(|r| r.starts_with(tok)) {
            self.i += tok.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        self.ws();
        let start = self.i;
        while self.i < self.s.len() && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_' || self.s[self.i] == b'.') {
            self.i += 1;
        }
        (self.i > start).then(|| self.src[start..self.i].to_string())
    }

    fn string(&mut self) -> Result<String, String> {
        self.ws();
        match self.s.get(self.i) {
            Some(b'`') => {
                let start = self.i + 1;
                let end = self.src.get(start..).and_then(|r| r.find('`')).ok_or_else(|| self.fail("unterminated raw string"))?;
                self.i = start + end + 1;
                Ok(self.src[start..start + end].to_string())
            }
            Some(b'"') => {
                self.i += 1;
                let mut out = String::new();
                loop {
                    let c = self.src.get(self.i..).and_then(|r| r.chars().next()).ok_or_else(|| self.fail("unterminated string"))?;
                    self.i += c.len_utf8();
                    match c {
                        '"' => return Ok(out),
                        '\\' => {
                            let e = self.src.get(self.i..).and_then(|r| r.chars().next()).ok_or_else(|| self.fail("unterminated string"))?;
                            self.i += e.len_utf8();
                            out.push(match e {
                                'n' => '\n',
                                't' => '\t',
                                other => other,
                            });
                        }
                        c => out.push(c),
                    }
                }
            }
            _ => Err(self.fail("expected a string in double quotes or backticks")),
        }
    }

    fn regex(&self, re: &str, anchored: bool) -> Result<Regex, String> {
        let pattern = if anchored { format!("^(?:{re})$") } else { re.to_string() };
        regex::RegexBuilder::new(&pattern).size_limit(1 << 20).build().map_err(|e| format!("invalid regex {re:?}: {e}"))
    }

    fn op(&mut self, anchored: bool) -> Result<Op, String> {
        let kind = if self.eat("=~") {
            2
        } else if self.eat("!~") {
            3
        } else if self.eat("!=") {
            1
        } else if self.eat("=") {
            0
        } else {
            return Err(self.fail("expected =, !=, =~ or !~"));
        };
        let v = self.string()?;
        Ok(match kind {
            0 => Op::Eq(v),
            1 => Op::Ne(v),
            2 => Op::Re(self.regex(&v, anchored)?),
            _ => Op::NotRe(self.regex(&v, anchored)?),
        })
    }

    fn query(&mut self) -> Result<DemoQuery, String> {
        self.ws();
        let save = self.i;
        if let Some(word) = self.ident() {
            return match word.as_str() {
                "sum" => {
                    let mut by = if self.eat("by") { Some(self.label_list()?) } else { None };
                    if !self.eat("(") {
                        return Err(self.fail("expected ( after sum"));
                    }
                    let inner = self.query()?;
                    if !self.eat(")") {
                        return Err(self.fail("expected )"));
                    }
                    if by.is_none() && self.eat("by") {
                        by = Some(self.label_list()?);
                    }
                    match inner {
                        DemoQuery::Count { selector, range_ns, .. } => {
                            Ok(DemoQuery::Count { selector, range_ns, sum_by: Some(by.unwrap_or_default()) })
                        }
                        DemoQuery::Logs(_) => Err(self.fail("sum needs a metric query such as count_over_time")),
                    }
                }
                "count_over_time" => {
                    if !self.eat("(") {
                        return Err(self.fail("expected ( after count_over_time"));
                    }
                    let selector = self.log_query()?;
                    if !self.eat("[") {
                        return Err(self.fail("expected a range such as [5m]"));
                    }
                    let range_ns = self.duration()?;
                    if !self.eat("]") || !self.eat(")") {
                        return Err(self.fail("expected ])"));
                    }
                    Ok(DemoQuery::Count { selector, range_ns, sum_by: None })
                }
                other => {
                    self.i = save;
                    Err(self.fail(&format!("{other:?} is not supported")))
                }
            };
        }
        self.log_query().map(DemoQuery::Logs)
    }

    fn label_list(&mut self) -> Result<Vec<String>, String> {
        if !self.eat("(") {
            return Err(self.fail("expected ( after by"));
        }
        let mut out = Vec::new();
        loop {
            if self.eat(")") {
                return Ok(out);
            }
            out.push(self.ident().ok_or_else(|| self.fail("expected a label name"))?);
            self.eat(",");
        }
    }

    fn duration(&mut self) -> Result<i64, String> {
        self.ws();
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_alphanumeric() {
            self.i += 1;
        }
        let text = &self.src[start..self.i];
        let (num, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
        let n: i64 = num.parse().map_err(|_| self.fail("expected a duration such as 5m"))?;
        let unit_ns: i64 = match unit {
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "d" => 86_400_000_000_000,
            _ => return Err(self.fail("durations are s, m, h or d")),
        };
        n.checked_mul(unit_ns).filter(|d| *d > 0).ok_or_else(|| self.fail("duration out of range"))
    }

    fn log_query(&mut self) -> Result<LogSelector, String> {
        if !self.eat("{") {
            return Err(self.fail("expected a stream selector {…}"));
        }
        let mut matchers = Vec::new();
        loop {
            if self.eat("}") {
                break;
            }
            let name = self.ident().ok_or_else(|| self.fail("expected a label name"))?;
            let op = self.op(true)?;
            matchers.push((name, op));
            if self.eat("}") {
                break;
            }
            if !self.eat(",") {
                return Err(self.fail("expected , or }"));
            }
        }
        if matchers.is_empty() || matchers.iter().all(|(_, op)| op.matches("")) {
            return Err("queries require at least one regexp or equality matcher that does not have an empty-compatible value".into());
        }
        let mut stages = Vec::new();
        loop {
            if self.eat("|=") {
                stages.push(Stage::Contains(self.string()?));
            } else if self.eat("|~") {
                let r = self.string()?;
                stages.push(Stage::LineRe(self.regex(&r, false)?));
            } else if self.eat("!=") {
                stages.push(Stage::NotContains(self.string()?));
            } else if self.eat("!~") {
                let r = self.string()?;
                stages.push(Stage::LineNotRe(self.regex(&r, false)?));
            } else if self.eat("|") {
                let name = self.ident().ok_or_else(|| self.fail("expected a parser or a label filter after |"))?;
                match name.as_str() {
                    "logfmt" | "json" => stages.push(Stage::Parse),
                    _ => {
                        let op = self.op(true)?;
                        stages.push(Stage::Label(name, op));
                    }
                }
            } else {
                return Ok(LogSelector { matchers, stages });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(service: &'static str, level: &'static str, text: &str) -> DemoLine {
        DemoLine { ts_ns: 0, service, instance: 0, level, text: text.into() }
    }

    fn logs(q: &str) -> LogSelector {
        match parse(q).unwrap() {
            DemoQuery::Logs(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn selectors_filters_and_label_filters() {
        let a = line("payments", "error", "level=error msg=\"x\" status=503");
        let b = line("frontend", "info", "level=info msg=\"y\" status=200");
        assert!(logs(r#"{job="shop"}"#).matches(&a));
        assert!(logs(r#"{service_name=~"pay.*|cart"}"#).matches(&a));
        assert!(!logs(r#"{service_name=~"pay"}"#).matches(&a), "label regexes are anchored");
        assert!(logs(r#"{job="shop"} |= "status=503""#).matches(&a));
        assert!(!logs(r#"{job="shop"} != "status=503""#).matches(&a));
        assert!(logs(r#"{job="shop"} |~ "status=5\\d\\d""#).matches(&a));
        assert!(!logs(r#"{job="shop"} |~ `status=5\d\d`"#).matches(&b));
        assert!(logs(r#"{job="shop"} | logfmt | status="503""#).matches(&a));
        assert!(!logs(r#"{job="shop"} | logfmt | status!="503""#).matches(&a));
        assert!(logs(r#"{job="shop", level!="info"}"#).matches(&a));
    }

    #[test]
    fn metric_queries() {
        match parse(r#"sum by (level) (count_over_time({job="shop"} |= "x" [5m]))"#).unwrap() {
            DemoQuery::Count { range_ns, sum_by, .. } => {
                assert_eq!(range_ns, 300_000_000_000);
                assert_eq!(sum_by, Some(vec!["level".to_string()]));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse(r#"sum(count_over_time({job="shop"}[1m])) by (service_name)"#).unwrap(), DemoQuery::Count { sum_by: Some(_), .. }));
        assert!(matches!(parse(r#"count_over_time({job="shop"}[1h])"#).unwrap(), DemoQuery::Count { sum_by: None, .. }));
    }

    #[test]
    fn refusals_name_what_is_supported() {
        for bad in ["", "{", r#"{job=""}"#, r#"{job="shop"} | unwrap x"#, r#"rate({job="shop"}[1m])"#, r#"{job="shop"} |= "unterminated"#, r#"{job=~"("}"#, r#"count_over_time({job="shop"}[5y])"#, "{job=\"é"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse(r#"rate({job="shop"}[1m])"#).unwrap_err().contains("demo source supports"));
    }
}
