//! The Tempo v2 switch of a trace source: stored with the source (absent in older storage means
//! v1), and choosing `/api/v2/traces/{id}` only for Tempo sources that opt in.

use sightline_core::datasource::{DataSource, DataSourceList, SourceKind};
use sightline_core::trace_query::{TraceApi, TraceRequest};

fn source(kind: SourceKind, tempo_v2: bool) -> DataSource {
    DataSource {
        name: "t".into(),
        kind,
        url: "http://tempo:3200".into(),
        tenant: None,
        auth: None,
        tempo_v2,
    }
}

#[test]
fn tempo_sources_read_traces_from_v1_unless_switched_to_v2() {
    let v1 = source(SourceKind::Tempo, false).trace_by_id("ABC");
    assert_eq!(
        v1.url(TraceApi::Tempo, "http://tempo:3200").unwrap(),
        "http://tempo:3200/api/traces/0000000000000abc"
    );
    let v2 = source(SourceKind::Tempo, true).trace_by_id("ABC");
    assert_eq!(
        v2.url(TraceApi::Tempo, "http://tempo:3200").unwrap(),
        "http://tempo:3200/api/v2/traces/0000000000000abc"
    );
}

#[test]
fn the_switch_is_ignored_for_other_kinds() {
    for kind in [SourceKind::Jaeger, SourceKind::Zipkin, SourceKind::Demo] {
        assert_eq!(
            source(kind, true).trace_by_id("abc"),
            TraceRequest::Trace {
                id: "abc".into(),
                v2: false
            },
            "{kind:?}"
        );
    }
}

#[test]
fn the_switch_is_stored_only_when_on_and_old_entries_read_as_v1() {
    let mut list = DataSourceList::default();
    list.upsert(source(SourceKind::Tempo, true)).unwrap();
    let mut off = source(SourceKind::Tempo, false);
    off.name = "t1".into();
    list.upsert(off).unwrap();
    let json = list.to_storage_json();
    assert_eq!(json.matches("tempo_v2").count(), 1, "{json}");
    let (back, problems) = DataSourceList::from_storage_json(&json);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(back.find("t").unwrap().tempo_v2);
    assert!(!back.find("t1").unwrap().tempo_v2);
    let (old, problems) =
        DataSourceList::from_storage_json(r#"[{"name":"t","kind":"tempo","url":"http://a"}]"#);
    assert!(problems.is_empty() && !old.find("t").unwrap().tempo_v2);
}
