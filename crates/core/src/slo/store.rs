//! Keeping user SLOs: the versioned JSON document stored in the browser and in exported files,
//! the share-link parameter, and YAML import that recognises the format (OpenSLO v1 or Sloth
//! `prometheus/v1`) by itself.
//!
//! Storage document: `{"version": 1, "slos": [SloSpec…]}` under [`STORAGE_KEY`]; a document of
//! another version is refused with a message (never silently dropped). A share link carries the
//! same JSON in the `slodefs` query parameter (SLO definitions only: selectors, objectives,
//! windows — never data-source credentials, which SLOs do not hold).

use serde::{Deserialize, Serialize};

use super::spec::SloSpec;
use super::{openslo, sloth, yaml};

/// localStorage key of the SLO list.
pub const STORAGE_KEY: &str = "sightline.slos.v1";
/// Version of the storage document.
pub const STORE_VERSION: u32 = 1;
/// URL query parameter of a share link.
pub const SHARE_PARAM: &str = "slodefs";

/// The stored list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SloStore {
    pub version: u32,
    pub slos: Vec<SloSpec>,
}

/// The storage/share JSON of `slos`.
pub fn to_json(slos: &[SloSpec]) -> String {
    serde_json::to_string(&SloStore {
        version: STORE_VERSION,
        slos: slos.to_vec(),
    })
    .unwrap_or_else(|_| "{\"version\":1,\"slos\":[]}".to_string())
}

/// Reads a storage/share JSON document.
pub fn from_json(text: &str) -> Result<Vec<SloSpec>, String> {
    #[derive(Deserialize)]
    struct Head {
        version: u32,
    }
    let head: Head =
        serde_json::from_str(text).map_err(|e| format!("not a Sightline SLO file: {e}"))?;
    if head.version != STORE_VERSION {
        return Err(format!(
            "SLO file version {} is not supported (this Sightline reads version {STORE_VERSION})",
            head.version
        ));
    }
    let store: SloStore =
        serde_json::from_str(text).map_err(|e| format!("the SLO file is damaged: {e}"))?;
    Ok(store.slos)
}

/// Inserts `spec`, replacing the SLO with the same id (keeping its position).
pub fn upsert(list: &mut Vec<SloSpec>, spec: SloSpec) {
    match list.iter_mut().find(|s| s.id == spec.id) {
        Some(slot) => *slot = spec,
        None => list.push(spec),
    }
}

/// Which YAML format a text was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlFormat {
    OpenSlo,
    Sloth,
}

impl YamlFormat {
    pub fn label(self) -> &'static str {
        match self {
            YamlFormat::OpenSlo => "OpenSLO v1",
            YamlFormat::Sloth => "Sloth prometheus/v1",
        }
    }
}

/// What an import produced.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlImport {
    pub format: YamlFormat,
    pub specs: Vec<SloSpec>,
    pub notes: Vec<String>,
}

/// Imports OpenSLO v1 or Sloth `prometheus/v1` YAML (or a Sightline JSON file, which is YAML too).
pub fn import_text(text: &str) -> Result<YamlImport, String> {
    if text.trim_start().starts_with('{') {
        if let Ok(specs) = from_json(text) {
            return Ok(YamlImport {
                format: YamlFormat::OpenSlo,
                specs,
                notes: vec!["read as a Sightline SLO file (JSON)".to_string()],
            });
        }
    }
    let docs = yaml::parse_documents(text)?;
    let is_sloth =
        |d: &serde_norway::Value| d.get("version").and_then(|v| v.as_str()) == Some(sloth::VERSION);
    if docs.iter().any(is_sloth) {
        let mut notes = Vec::new();
        let mut specs = Vec::new();
        for (i, d) in docs.iter().enumerate() {
            specs.extend(
                sloth::import(d, &mut notes).map_err(|e| format!("document {}: {e}", i + 1))?,
            );
        }
        return Ok(YamlImport {
            format: YamlFormat::Sloth,
            specs,
            notes,
        });
    }
    if docs.iter().any(|d| {
        d.get("apiVersion")
            .and_then(|v| v.as_str())
            .is_some_and(|v| v.starts_with("openslo/"))
    }) {
        let out = openslo::import(&docs)?;
        return Ok(YamlImport {
            format: YamlFormat::OpenSlo,
            specs: out.specs,
            notes: out.notes,
        });
    }
    Err(
        "not an OpenSLO (apiVersion: openslo/v1) or Sloth (version: prometheus/v1) document"
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slo::spec::tests::ratio_spec;

    #[test]
    fn the_store_round_trips_and_refuses_other_versions() {
        let list = vec![ratio_spec()];
        let json = to_json(&list);
        assert_eq!(from_json(&json).unwrap(), list);
        assert!(from_json(r#"{"version":2,"slos":[]}"#)
            .unwrap_err()
            .contains("version 2"));
        assert!(from_json("nope")
            .unwrap_err()
            .contains("not a Sightline SLO file"));
        assert!(from_json(r#"{"version":1,"slos":[{"id":1}]}"#)
            .unwrap_err()
            .contains("damaged"));
    }

    #[test]
    fn upsert_replaces_by_id_in_place() {
        let mut list = vec![ratio_spec()];
        let mut other = ratio_spec();
        other.id = "other".into();
        upsert(&mut list, other);
        let mut changed = ratio_spec();
        changed.objective = "99".into();
        upsert(&mut list, changed.clone());
        assert_eq!(list.len(), 2);
        assert_eq!(list[0], changed);
    }

    #[test]
    fn the_format_is_recognised() {
        let def = ratio_spec().validate().unwrap();
        let o = import_text(&openslo::export(std::slice::from_ref(&def))).unwrap();
        assert_eq!(o.format, YamlFormat::OpenSlo);
        let s = import_text(&sloth::export(std::slice::from_ref(&def))).unwrap();
        assert_eq!(s.format, YamlFormat::Sloth);
        assert_eq!(
            import_text(&to_json(&[ratio_spec()])).unwrap().specs,
            vec![ratio_spec()]
        );
        assert!(import_text("a: 1").unwrap_err().contains("not an OpenSLO"));
    }
}
