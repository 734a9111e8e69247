//! Named time zones from the browser: [`IntlZone`] answers the core's [`ZoneRules`] with
//! `Intl.DateTimeFormat` (`timeZoneName: "longOffset"`), so the bundle carries no zone database;
//! constructing one is also how the app checks that a zone name exists ([`check_spec`]).

use std::rc::Rc;

use sightline_core::slo::spec::{FieldError, SloDefinition, SloSpec, Zone};
use sightline_core::slo::zone::{parse_gmt_offset, resolve_in_zone, ZoneRules};
use sightline_core::slo::{ResolvedWindow, SloError, SloWindow};
use wasm_bindgen::{JsCast, JsValue};

/// The largest instant a JavaScript `Date` holds, ms (±100,000,000 days).
const MAX_JS_DATE_MS: i64 = 8_640_000_000_000_000;

/// A zone the browser knows, with the formatter that tells its offset at any instant.
pub struct IntlZone {
    name: String,
    format: js_sys::Intl::DateTimeFormat,
}

impl IntlZone {
    /// The browser's zone `name`, or the browser's reason it has none by that name.
    pub fn new(name: &str) -> Result<IntlZone, String> {
        let unknown = |detail: String| {
            format!("the browser does not know the time zone {name:?} ({detail}); use an IANA name such as Europe/Berlin, UTC, or an offset such as +02:00")
        };
        let options = js_sys::Object::new();
        let set = |k: &str, v: &str| js_sys::Reflect::set(&options, &k.into(), &v.into());
        set("timeZone", name)
            .and_then(|_| set("timeZoneName", "longOffset"))
            .map_err(|e| unknown(js_text(&e)))?;
        let ctor = js_sys::Reflect::get(&js_sys::global(), &"Intl".into())
            .and_then(|intl| js_sys::Reflect::get(&intl, &"DateTimeFormat".into()))
            .ok()
            .and_then(|c| c.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| unknown("this browser has no Intl.DateTimeFormat".to_string()))?;
        let args = js_sys::Array::of2(&"en-US".into(), &options);
        let format = js_sys::Reflect::construct(&ctor, &args).map_err(|e| unknown(js_text(&e)))?;
        Ok(IntlZone {
            name: name.to_string(),
            format: format.unchecked_into(),
        })
    }
}

/// A thrown value's message (`RangeError: Invalid time zone specified: Mars/Olympus`).
fn js_text(v: &JsValue) -> String {
    v.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.to_string()))
        .or_else(|| v.as_string())
        .unwrap_or_else(|| "no message".to_string())
}

impl ZoneRules for IntlZone {
    fn name(&self) -> &str {
        &self.name
    }

    fn offset_seconds_at(&self, utc_ms: i64) -> Result<i32, String> {
        if utc_ms.unsigned_abs() > MAX_JS_DATE_MS as u64 {
            return Err(format!(
                "{utc_ms} ms is outside the dates a browser can format"
            ));
        }
        let date = js_sys::Date::new(&JsValue::from_f64(utc_ms as f64));
        let parts = self.format.format_to_parts(&date);
        let field = |p: &JsValue, k: &str| {
            js_sys::Reflect::get(p, &k.into())
                .ok()
                .and_then(|v| v.as_string())
        };
        let text = parts
            .iter()
            .find(|p| field(p, "type").as_deref() == Some("timeZoneName"))
            .and_then(|p| field(&p, "value"))
            .ok_or_else(|| format!("the browser gave no offset for {}", self.name))?;
        parse_gmt_offset(&text).ok_or_else(|| {
            format!(
                "cannot read the browser's offset {text:?} for {}",
                self.name
            )
        })
    }
}

/// `window` at `now_ms` in the browser's zone `name`.
pub fn resolve_named(
    window: &SloWindow,
    now_ms: i64,
    name: &str,
) -> Result<ResolvedWindow, SloError> {
    let zone = IntlZone::new(name).map_err(|reason| SloError::OutOfRange {
        field: "time zone",
        text: name.to_string(),
        reason,
    })?;
    resolve_in_zone(window, now_ms, Rc::new(zone))
}

/// [`SloSpec::validate`] plus the browser's word on a named zone: an unknown name is an error on
/// `window.time_zone`, as a typo in any other field is.
pub fn check_spec(spec: &SloSpec) -> Result<SloDefinition, Vec<FieldError>> {
    let def = spec.validate()?;
    match &def.zone {
        Zone::Named(name) => match IntlZone::new(name) {
            Ok(_) => Ok(def),
            Err(message) => Err(vec![FieldError {
                field: "window.time_zone".to_string(),
                message,
            }]),
        },
        Zone::Utc | Zone::Fixed(_) => Ok(def),
    }
}
