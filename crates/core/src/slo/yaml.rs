//! YAML plumbing for SLO import and export (OpenSLO, Sloth, Prometheus rule files), on the
//! `serde_norway` crate: multi-document parsing, typed look-ups that name the path of a missing
//! or mistyped field, and emitting documents.
//!
//! Every error is a sentence naming the document and the field (`document 2: spec.objectives[0]:
//! target must be a number`); nothing here panics on any input.

use serde::Deserialize;
use serde_norway::{Mapping, Value};

/// Parses every document of a YAML stream (`---`-separated); empty documents are skipped.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for (i, doc) in serde_norway::Deserializer::from_str(text).enumerate() {
        let v = Value::deserialize(doc)
            .map_err(|e| format!("document {}: not valid YAML: {e}", i + 1))?;
        if !v.is_null() {
            out.push(v);
        }
    }
    if out.is_empty() {
        return Err("the text holds no YAML document".to_string());
    }
    Ok(out)
}

/// A value and its path, for look-ups with readable errors.
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub value: &'a Value,
    pub path: &'a str,
}

impl<'a> At<'a> {
    /// The root of a document.
    pub fn root(value: &'a Value) -> At<'a> {
        At { value, path: "" }
    }

    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value under `key`, if this is a mapping holding it (and it is not null).
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.value
            .as_mapping()
            .and_then(|m| m.get(key))
            .filter(|v| !v.is_null())
    }

    /// The path of `key` below this value.
    pub fn path_of(&self, key: &str) -> String {
        self.child_path(key)
    }

    /// A string field (numbers and booleans are read as their text); `None` when absent.
    pub fn opt_str(&self, key: &str) -> Result<Option<String>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(_) => Err(format!("{} must be a text", self.child_path(key))),
        }
    }

    /// A required string field.
    pub fn str(&self, key: &str) -> Result<String, String> {
        self.opt_str(key)?
            .ok_or_else(|| format!("{} is missing", self.child_path(key)))
    }

    /// A number field as its exact decimal text (`0.999` stays `0.999`; `8.5e-6` becomes
    /// `0.0000085`: the shortest digits of the double, never an exponent); strings holding a
    /// number are accepted too.
    pub fn opt_number_text(&self, key: &str) -> Result<Option<String>, String> {
        let not_finite = || format!("{} must be a finite number", self.child_path(key));
        let plain = |f: f64| {
            if f.is_finite() {
                Some(format!("{f}"))
            } else {
                None
            }
        };
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) if n.is_f64() => {
                n.as_f64().and_then(plain).map(Some).ok_or_else(not_finite)
            }
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::String(s)) if s.trim().parse::<f64>().is_ok() => {
                let t = s.trim();
                if t.contains(['e', 'E']) {
                    t.parse::<f64>()
                        .ok()
                        .and_then(plain)
                        .map(Some)
                        .ok_or_else(not_finite)
                } else {
                    Ok(Some(t.to_string()))
                }
            }
            Some(_) => Err(format!("{} must be a number", self.child_path(key))),
        }
    }

    /// A boolean field.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(format!("{} must be true or false", self.child_path(key))),
        }
    }
}

/// A mapping built in insertion order, for emitting documents.
#[derive(Default)]
pub struct Map(Mapping);

impl Map {
    pub fn new() -> Map {
        Map(Mapping::new())
    }

    /// Adds `key: value`.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Map {
        self.0.insert(Value::String(key.to_string()), value.into());
        self
    }

    /// Adds `key: value` unless `value` is empty text.
    pub fn with_nonempty(self, key: &str, value: &str) -> Map {
        if value.trim().is_empty() {
            self
        } else {
            self.with(key, value)
        }
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Mapping(m.0)
    }
}

/// A sequence value.
pub fn seq(items: Vec<Value>) -> Value {
    Value::Sequence(items)
}

/// A YAML number from its decimal text (`99.95`), read as the nearest double (whose shortest
/// text is the same digits).
pub fn number(text: &str) -> Value {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Value::Number(x.into()),
        _ => Value::String(text.to_string()),
    }
}

/// One document's text (no leading `---`).
pub fn emit(doc: &Value) -> String {
    serde_norway::to_string(doc)
        .unwrap_or_else(|e| format!("# could not write this document: {e}\n"))
}

/// Documents joined as a multi-document stream, each preceded by its comment lines.
pub fn emit_stream(docs: &[(Vec<String>, Value)]) -> String {
    let mut out = String::new();
    for (i, (comments, doc)) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        for c in comments {
            for line in c.lines() {
                out.push_str("# ");
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push_str(&emit(doc));
    }
    out
}

/// `text` preceded by `comments` as `# ` lines (for what an export left out).
pub fn with_leading_comments(comments: Vec<String>, text: String) -> String {
    let mut out: String = comments
        .iter()
        .flat_map(|c| c.lines())
        .map(|l| format!("# {l}\n"))
        .collect();
    out.push_str(&text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_document_streams_parse_and_skip_empty_documents() {
        let docs = parse_documents("a: 1\n---\n---\nb: x\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert!(parse_documents("").unwrap_err().contains("no YAML"));
        assert!(parse_documents("a: [1\n")
            .unwrap_err()
            .contains("document 1"));
    }

    #[test]
    fn lookups_name_the_path() {
        let docs = parse_documents("spec:\n  target: 0.999\n  name: [1]\n  ok: true\n").unwrap();
        let root = At::root(&docs[0]);
        let spec = At {
            value: root.get("spec").unwrap(),
            path: "spec",
        };
        assert_eq!(
            spec.opt_number_text("target").unwrap().as_deref(),
            Some("0.999")
        );
        assert_eq!(spec.str("name").unwrap_err(), "spec.name must be a text");
        assert_eq!(spec.str("missing").unwrap_err(), "spec.missing is missing");
        assert_eq!(spec.opt_bool("ok").unwrap(), Some(true));
        let small = parse_documents("t: 8.556e-6\ns: '1E-3'\n").unwrap();
        let at = At::root(&small[0]);
        assert_eq!(
            at.opt_number_text("t").unwrap().as_deref(),
            Some("0.000008556")
        );
        assert_eq!(at.opt_number_text("s").unwrap().as_deref(), Some("0.001"));
    }

    #[test]
    fn emitted_streams_read_back() {
        let doc: Value = Map::new()
            .with("q", "x{a=\"b\"}")
            .with("n", number("99.95"))
            .into();
        let text = emit_stream(&[(vec!["hello".into()], doc.clone()), (vec![], doc.clone())]);
        assert!(text.starts_with("# hello\n"), "{text}");
        let back = parse_documents(&text).unwrap();
        assert_eq!(back, vec![doc.clone(), doc]);
        assert!(text.contains("99.95"), "{text}");
    }
}
