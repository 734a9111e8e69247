//! Data-source configuration: the list a user edits in Settings, its validation, and its storage
//! form. The built-in `demo` source is always first and cannot be edited or removed.
//!
//! Secrets (the `Authorization` header value) are kept apart from the rest: [`DataSourceList::to_storage_json`]
//! never writes them, `Debug` redacts them, and they never enter a URL, a share link or an export.
//! The app keeps them in `sessionStorage` unless the user opts in to remembering them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

use crate::viewstate::DEMO_SOURCE;

/// Which API a source speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// The built-in generator; answers in-process.
    Demo,
    /// Any Prometheus HTTP API: Prometheus, VictoriaMetrics, Thanos, Mimir, Cortex.
    Prometheus,
    /// Jaeger's query service (legacy JSON API `/api/…`).
    Jaeger,
    /// Grafana Tempo's HTTP API.
    Tempo,
    /// Zipkin's v2 API.
    Zipkin,
    /// Grafana Loki's HTTP API (logs).
    Loki,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Demo => "demo",
            SourceKind::Prometheus => "prometheus",
            SourceKind::Jaeger => "jaeger",
            SourceKind::Tempo => "tempo",
            SourceKind::Zipkin => "zipkin",
            SourceKind::Loki => "loki",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Demo => "Built-in demo",
            SourceKind::Prometheus => "Prometheus API (Prometheus, VictoriaMetrics, Thanos, Mimir)",
            SourceKind::Jaeger => "Jaeger query API (traces)",
            SourceKind::Tempo => "Grafana Tempo (traces)",
            SourceKind::Zipkin => "Zipkin v2 API (traces)",
            SourceKind::Loki => "Grafana Loki (logs)",
        }
    }
}

/// One configured source.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSource {
    pub name: String,
    pub kind: SourceKind,
    /// Base URL, e.g. `http://127.0.0.1:9090` or a same-origin proxy path like `/prometheus`.
    #[serde(default)]
    pub url: String,
    /// `X-Scope-OrgID` tenant (Mimir, Cortex, Loki, Tempo).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// `Authorization` header value (`Bearer …`, `Basic …`). Never serialised with the source.
    #[serde(skip)]
    pub auth: Option<String>,
    /// Tempo only: read a trace by id from `/api/v2/traces/{id}` (which says when a trace is
    /// `PARTIAL`) instead of `/api/traces/{id}`. Ignored for other kinds.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tempo_v2: bool,
}

impl fmt::Debug for DataSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataSource")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("url", &self.url)
            .field("tenant", &self.tenant)
            .field("auth", &self.auth.as_ref().map(|_| "<redacted>"))
            .field("tempo_v2", &self.tempo_v2)
            .finish()
    }
}

impl DataSource {
    /// The built-in demo source.
    pub fn demo() -> DataSource {
        DataSource { name: DEMO_SOURCE.to_string(), kind: SourceKind::Demo, url: String::new(), tenant: None, auth: None, tempo_v2: false }
    }

    /// Checks a user-entered source; the message says what to fix.
    pub fn validate(&self) -> Result<(), String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err("Give the data source a name.".into());
        }
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            return Err("Use only letters, digits, '-', '_' and '.' in the name (it appears in links).".into());
        }
        if name == DEMO_SOURCE {
            return Err("The name 'demo' belongs to the built-in demo source.".into());
        }
        if self.kind != SourceKind::Demo {
            let url = self.url.trim();
            let ok = url.starts_with("http://") || url.starts_with("https://") || url.starts_with('/');
            if !ok {
                return Err("The URL must start with http://, https:// or / (a same-origin proxy path).".into());
            }
            if url.contains('@') {
                return Err("Put credentials in the Authorization field, not in the URL.".into());
            }
        }
        for (field, value) in [("tenant", &self.tenant), ("Authorization", &self.auth)] {
            if value.as_deref().is_some_and(|v| v.contains(['\r', '\n'])) {
                return Err(format!("The {field} value must be a single line."));
            }
        }
        Ok(())
    }
}

impl DataSource {
    /// The request for one trace by id: Tempo's v2 endpoint when the source opts in
    /// ([`DataSource::tempo_v2`]), else the kind's usual trace-by-id endpoint.
    pub fn trace_by_id(&self, id: &str) -> crate::trace_query::TraceRequest {
        crate::trace_query::TraceRequest::Trace {
            id: id.to_string(),
            v2: self.kind == SourceKind::Tempo && self.tempo_v2,
        }
    }
}

/// The configured sources, `demo` first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSourceList {
    sources: Vec<DataSource>,
}

impl Default for DataSourceList {
    fn default() -> Self {
        DataSourceList { sources: vec![DataSource::demo()] }
    }
}

impl DataSourceList {
    /// All sources, `demo` first, then in the order added.
    pub fn all(&self) -> &[DataSource] {
        &self.sources
    }

    /// The source called `name`.
    pub fn find(&self, name: &str) -> Option<&DataSource> {
        self.sources.iter().find(|s| s.name == name)
    }

    /// Adds a source or replaces the one with the same name, after validation.
    pub fn upsert(&mut self, source: DataSource) -> Result<(), String> {
        source.validate()?;
        let mut source = source;
        source.name = source.name.trim().to_string();
        source.url = source.url.trim().trim_end_matches('/').to_string();
        source.tenant = source.tenant.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        source.auth = source.auth.map(|a| a.trim().to_string()).filter(|a| !a.is_empty());
        match self.sources.iter_mut().find(|s| s.name == source.name) {
            Some(existing) => *existing = source,
            None => self.sources.push(source),
        }
        Ok(())
    }

    /// Removes a user source; the demo source stays. Returns whether something was removed.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.sources.len();
        self.sources.retain(|s| s.name != name || s.kind == SourceKind::Demo);
        self.sources.len() != before
    }

    /// The storage form: user sources as a JSON array, without secrets.
    pub fn to_storage_json(&self) -> String {
        let user: Vec<&DataSource> = self.sources.iter().filter(|s| s.kind != SourceKind::Demo).collect();
        serde_json::to_string(&user).unwrap_or_else(|_| "[]".to_string())
    }

    /// Reads the storage form. Entries that do not decode or validate are skipped and reported,
    /// so one bad entry never loses the others.
    pub fn from_storage_json(json: &str) -> (DataSourceList, Vec<String>) {
        let mut list = DataSourceList::default();
        let mut problems = Vec::new();
        let entries: Vec<serde_json::Value> = match serde_json::from_str(json) {
            Ok(v) => v,
            Err(e) => return (list, vec![format!("Stored data sources could not be read ({e}); starting with the demo source only.")]),
        };
        for (i, entry) in entries.into_iter().enumerate() {
            match serde_json::from_value::<DataSource>(entry) {
                Ok(s) if s.kind == SourceKind::Demo => problems.push(format!("Stored entry {} is a second demo source; skipped.", i + 1)),
                Ok(s) => {
                    let name = s.name.clone();
                    if let Err(e) = list.upsert(s) {
                        problems.push(format!("Stored data source '{name}' skipped: {e}"));
                    }
                }
                Err(e) => problems.push(format!("Stored entry {} skipped: {e}", i + 1)),
            }
        }
        (list, problems)
    }

    /// Secrets by source name, for separate storage.
    pub fn secrets(&self) -> BTreeMap<String, String> {
        self.sources.iter().filter_map(|s| Some((s.name.clone(), s.auth.clone()?))).collect()
    }

    /// Attaches stored secrets to the sources they belong to; unknown names are ignored.
    pub fn attach_secrets(&mut self, secrets: &BTreeMap<String, String>) {
        for s in &mut self.sources {
            if let Some(a) = secrets.get(&s.name) {
                s.auth = Some(a.clone());
            }
        }
    }
}

/// Source kinds for traces (the trace page lists these and the demo).
impl SourceKind {
    /// Every kind a user can add in Settings, in the order offered.
    pub const USER_KINDS: [SourceKind; 5] =
        [SourceKind::Prometheus, SourceKind::Jaeger, SourceKind::Tempo, SourceKind::Zipkin, SourceKind::Loki];

    /// The trace API this kind speaks; the demo answers Jaeger's. `None` for metrics-only kinds.
    pub fn trace_api(self) -> Option<crate::trace_query::TraceApi> {
        use crate::trace_query::TraceApi;
        match self {
            SourceKind::Demo | SourceKind::Jaeger => Some(TraceApi::Jaeger),
            SourceKind::Tempo => Some(TraceApi::Tempo),
            SourceKind::Zipkin => Some(TraceApi::Zipkin),
            SourceKind::Prometheus | SourceKind::Loki => None,
        }
    }

    /// Whether this kind answers Loki's log API (the demo does).
    pub fn serves_logs(self) -> bool {
        matches!(self, SourceKind::Demo | SourceKind::Loki)
    }

    /// Whether this kind answers the Prometheus HTTP API (the demo does).
    pub fn serves_metrics(self) -> bool {
        matches!(self, SourceKind::Demo | SourceKind::Prometheus)
    }

    /// Parses [`SourceKind::as_str`] of a user kind.
    pub fn parse_user(s: &str) -> Option<SourceKind> {
        SourceKind::USER_KINDS.into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prom(name: &str, url: &str) -> DataSource {
        DataSource { name: name.into(), kind: SourceKind::Prometheus, url: url.into(), tenant: None, auth: None, tempo_v2: false }
    }

    #[test]
    fn demo_is_always_first_and_cannot_be_removed() {
        let mut list = DataSourceList::default();
        assert!(!list.remove("demo"));
        assert_eq!(list.all().first().map(|s| s.name.as_str()), Some("demo"));
    }

    #[test]
    fn storage_form_never_contains_the_secret() {
        let mut list = DataSourceList::default();
        let mut s = prom("prom", "http://127.0.0.1:9090/");
        s.auth = Some("Bearer s3cret".into());
        s.tenant = Some("team-a".into());
        list.upsert(s).unwrap();
        let json = list.to_storage_json();
        assert!(!json.contains("s3cret"), "{json}");
        assert!(!format!("{list:?}").contains("s3cret"));
        let (back, problems) = DataSourceList::from_storage_json(&json);
        assert!(problems.is_empty());
        let p = back.find("prom").unwrap();
        assert_eq!(p.url, "http://127.0.0.1:9090", "trailing slash trimmed");
        assert_eq!(p.tenant.as_deref(), Some("team-a"));
        assert_eq!(p.auth, None);
        assert_eq!(list.secrets().get("prom").map(String::as_str), Some("Bearer s3cret"));
    }

    #[test]
    fn validation_rejects_bad_names_urls_and_credentials_in_urls() {
        assert!(prom("", "http://x").validate().is_err());
        assert!(prom("a b", "http://x").validate().is_err());
        assert!(prom("demo", "http://x").validate().is_err());
        assert!(prom("p", "ftp://x").validate().is_err());
        assert!(prom("p", "http://user:pw@x").validate().is_err());
        assert!(prom("p", "/prometheus").validate().is_ok());
    }

    #[test]
    fn bad_stored_entries_are_skipped_and_reported() {
        let (list, problems) = DataSourceList::from_storage_json(
            r#"[{"name":"ok","kind":"prometheus","url":"http://a"},{"name":"x y","kind":"prometheus","url":"http://b"},{"kind":"loki"}]"#,
        );
        assert_eq!(list.all().len(), 2);
        assert_eq!(problems.len(), 2);
        let (list, problems) = DataSourceList::from_storage_json("not json");
        assert_eq!(list.all().len(), 1);
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn trace_kinds_store_validate_and_name_their_api() {
        let mut list = DataSourceList::default();
        for (name, kind) in [("j", SourceKind::Jaeger), ("t", SourceKind::Tempo), ("z", SourceKind::Zipkin)] {
            list.upsert(DataSource { name: name.into(), kind, url: "http://x/".into(), tenant: None, auth: None, tempo_v2: false }).unwrap();
            assert_eq!(SourceKind::parse_user(kind.as_str()), Some(kind));
        }
        let (back, problems) = DataSourceList::from_storage_json(&list.to_storage_json());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(back.find("t").map(|s| s.kind), Some(SourceKind::Tempo));
        let bad = DataSource { name: "j2".into(), kind: SourceKind::Jaeger, url: "jaeger:16686".into(), tenant: None, auth: None, tempo_v2: false };
        assert!(bad.validate().is_err());
        assert_eq!(SourceKind::Prometheus.trace_api(), None);
        assert_eq!(SourceKind::Demo.trace_api(), Some(crate::trace_query::TraceApi::Jaeger));
        assert_eq!(SourceKind::parse_user("demo"), None);
    }

    #[test]
    fn loki_is_a_log_source_only() {
        assert_eq!(SourceKind::parse_user("loki"), Some(SourceKind::Loki));
        assert!(SourceKind::Loki.serves_logs() && SourceKind::Demo.serves_logs());
        assert!(!SourceKind::Loki.serves_metrics() && SourceKind::Loki.trace_api().is_none());
        assert!(!SourceKind::Prometheus.serves_logs());
    }
}
