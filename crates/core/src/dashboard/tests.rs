//! Dashboards: the JSON round trip, validation, and Grafana import on a dashboard written in
//! Grafana's documented model (old `graph`/`singlestat`/`text` panels with `yaxes`/`format`, new
//! `timeseries`/`stat`/`heatmap` panels with `fieldConfig`, a collapsed row, the API wrapper).

use super::*;

fn panel(title: &str, query: &str) -> PanelDef {
    PanelDef {
        title: title.into(),
        query: query.into(),
        style: ChartStyle::Lines,
        unit: None,
    }
}

#[test]
fn json_round_trips_and_omits_defaults() {
    let mut d = demo();
    d.panels.push(PanelDef {
        title: "Ünïcode \"quoted\"".into(),
        query: "up{a=\"b\"}".into(),
        style: ChartStyle::Area,
        unit: Some(Unit::Microseconds),
    });
    let text = d.to_json();
    let back = parse(&text).unwrap();
    assert_eq!(back.dashboard, d);
    assert!(back.notes.is_empty());
    let one = Dashboard {
        title: "t".into(),
        panels: vec![panel("a", "up")],
    }
    .to_json();
    assert_eq!(
        one,
        r#"{"sightline":"dashboard","version":1,"title":"t","panels":[{"title":"a","query":"up"}]}"#
    );
}

#[test]
fn demo_dashboard_is_valid() {
    assert!(demo().validate().is_ok());
    assert!(demo().panels.len() >= 4);
}

#[test]
fn invalid_dashboards_name_the_panel() {
    let d = Dashboard {
        title: "t".into(),
        panels: vec![panel("a", "up"), panel("Latency", "  ")],
    };
    assert_eq!(
        d.validate().unwrap_err(),
        "Panel 2 ('Latency') has no query."
    );
    let many = Dashboard {
        title: "t".into(),
        panels: (0..MAX_PANELS + 1).map(|_| panel("", "up")).collect(),
    };
    assert!(many
        .validate()
        .unwrap_err()
        .contains("25 panels; at most 24"));
    let long = Dashboard {
        title: "t".into(),
        panels: vec![panel("", &"x".repeat(MAX_QUERY + 1))],
    };
    assert_eq!(
        long.validate().unwrap_err(),
        "Panel 1: the query is longer than 10000 characters."
    );
}

#[test]
fn bad_input_is_an_error_never_a_panic() {
    for text in ["", "nul", "[]", "{}", "{\"sightline\":\"slo\",\"version\":1,\"title\":\"\",\"panels\":[]}",
        "{\"sightline\":\"dashboard\",\"version\":2,\"title\":\"\",\"panels\":[]}",
        "{\"sightline\":\"dashboard\",\"version\":1,\"title\":\"\",\"panels\":[{\"title\":\"a\",\"query\":\"up\",\"style\":\"pie\"}]}",
        "{\"sightline\":\"dashboard\",\"version\":1,\"title\":\"\",\"panels\":[{\"title\":\"a\",\"query\":\"up\",\"unit\":\"furlongs\"}]}",
        "{\"panels\":[]}", "{\"panels\":[{\"type\":\"text\"}]}", "{\"panels\":7}", "{\"dashboard\":3}"]
    {
        assert!(parse(text).is_err(), "{text}");
    }
    assert_eq!(
        parse("{\"sightline\":\"dashboard\",\"version\":1,\"title\":\"\",\"panels\":[{\"title\":\"a\",\"query\":\"up\",\"style\":\"pie\"}]}").unwrap_err(),
        "Panel 1 ('a'): unknown style 'pie'."
    );
}

const GRAFANA: &str = r#"{
  "dashboard": {
    "title": "Service overview",
    "panels": [
      {"type": "singlestat", "title": "Uptime", "format": "s",
       "targets": [{"expr": "time() - process_start_time_seconds{job=\"prometheus\", instance=~\"$node\"}", "refId": "A"}]},
      {"type": "text", "title": "", "content": "<b>hello</b>", "mode": "html"},
      {"type": "graph", "title": "Samples ingested", "stack": false, "fill": 1,
       "yaxes": [{"format": "short"}, {"format": "short"}],
       "targets": [{"expr": "rate(prometheus_tsdb_head_samples_appended_total[5m])", "refId": "A"},
                   {"expr": "rate(x[5m])", "refId": "B"}]},
      {"type": "timeseries", "title": "Requests by code",
       "fieldConfig": {"defaults": {"unit": "reqps", "custom": {"stacking": {"mode": "normal", "group": "A"}, "fillOpacity": 10}}},
       "targets": [{"expr": "old", "refId": "A", "hide": true}, {"expr": "sum by (code) (rate(http_requests_total[$__rate_interval]))", "refId": "B"}]},
      {"type": "row", "title": "Details", "collapsed": true, "panels": [
        {"type": "heatmap", "title": "Latency", "targets": [{"expr": "sum by (le) (rate(h_bucket[5m]))", "format": "heatmap"}]},
        {"type": "gauge", "title": "Memory", "fieldConfig": {"defaults": {"unit": "decbytes"}}, "targets": [{"expr": "process_resident_memory_bytes"}]},
        {"type": "piechart", "title": "Share", "fieldConfig": {"defaults": {"unit": "lengthm"}}, "targets": [{"expr": "sum by (job) (up)"}]},
        {"type": "logs", "title": "Logs", "targets": [{"expr": "{job=\"x\"}", "queryType": "range", "datasource": {"type": "loki"}, "hide": true}]}
      ]}
    ]
  },
  "meta": {"slug": "service-overview"}
}"#;

#[test]
fn grafana_dashboards_import_with_notes_for_what_does_not_map() {
    let got = parse(GRAFANA).unwrap();
    let d = &got.dashboard;
    assert_eq!(d.title, "Service overview");
    let summary: Vec<(&str, ChartStyle, Option<Unit>)> = d
        .panels
        .iter()
        .map(|p| (p.title.as_str(), p.style, p.unit))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Uptime", ChartStyle::Stat, Some(Unit::Seconds)),
            ("Samples ingested", ChartStyle::Lines, None),
            (
                "Requests by code",
                ChartStyle::Stacked,
                Some(Unit::RequestsPerSecond)
            ),
            ("Latency", ChartStyle::Heatmap, None),
            ("Memory", ChartStyle::Stat, Some(Unit::BytesSi)),
            ("Share", ChartStyle::Lines, None),
        ]
    );
    assert_eq!(
        d.panels[1].query,
        "rate(prometheus_tsdb_head_samples_appended_total[5m])"
    );
    assert_eq!(
        d.panels[2].query,
        "sum by (code) (rate(http_requests_total[$__rate_interval]))"
    );
    assert_eq!(
        got.notes,
        vec![
            "Panel 1 ('Uptime', singlestat): the query uses dashboard variables ($node); Sightline has no variables, so edit the query.",
            "Panel 2 (text): not imported, it has no PromQL query.",
            "Panel 3 ('Samples ingested', graph): has 2 queries; imported the first only.",
            "Panel 4 ('Requests by code', timeseries): the query uses dashboard variables ($__rate_interval); Sightline has no variables, so edit the query.",
            "Panel 6 ('Memory', gauge): shown as stat tiles.",
            "Panel 7 ('Share', piechart): this panel type is shown as lines.",
            "Panel 7 ('Share', piechart): unit 'lengthm' is not known here; the unit is guessed from the query.",
            "Panel 8 ('Logs', logs): not imported, it has no PromQL query.",
        ]
    );
    // The imported dashboard survives Sightline's own JSON.
    assert_eq!(parse(&d.to_json()).unwrap().dashboard, *d);
}

#[test]
fn old_row_schema_and_the_panel_limit() {
    let rows = r#"{"title": "Old", "rows": [{"panels": [{"type": "graph", "title": "a", "targets": [{"expr": "up"}]}]},
        {"panels": [{"type": "graph", "title": "b", "targets": [{"expr": "up"}]}]}]}"#;
    let got = parse(rows).unwrap();
    assert_eq!(
        got.dashboard
            .panels
            .iter()
            .map(|p| p.title.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    let many: Vec<String> = (0..30)
        .map(|i| format!(r#"{{"type":"graph","title":"p{i}","targets":[{{"expr":"up"}}]}}"#))
        .collect();
    let got = parse(&format!(r#"{{"panels":[{}]}}"#, many.join(","))).unwrap();
    assert_eq!(got.dashboard.panels.len(), MAX_PANELS);
    assert_eq!(got.notes.len(), 6);
    assert_eq!(
        got.notes[0],
        "Panel 25 ('p24', graph): not imported, a dashboard holds at most 24 panels."
    );
    assert_eq!(got.dashboard.title, "Imported Grafana dashboard");
}

#[test]
fn panel_edits_move_replace_and_remove_and_ignore_the_impossible() {
    let mut d = Dashboard {
        title: "t".into(),
        panels: vec![panel("a", "1"), panel("b", "2"), panel("c", "3")],
    };
    let titles = |d: &Dashboard| {
        d.panels
            .iter()
            .map(|p| p.title.clone())
            .collect::<Vec<_>>()
            .join("")
    };
    d.apply(0, PanelEdit::Up);
    d.apply(2, PanelEdit::Down);
    d.apply(7, PanelEdit::Remove);
    assert_eq!(titles(&d), "abc");
    d.apply(2, PanelEdit::Up);
    assert_eq!(titles(&d), "acb");
    d.apply(0, PanelEdit::Down);
    assert_eq!(titles(&d), "cab");
    d.apply(1, PanelEdit::Replace(panel("x", "up")));
    assert_eq!(titles(&d), "cxb");
    d.apply(0, PanelEdit::Remove);
    assert_eq!(titles(&d), "xb");
}
