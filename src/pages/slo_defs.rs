//! The user's SLO definitions in the browser: loaded from and saved to `localStorage` under the
//! core's versioned key ([`STORAGE_KEY`]), and the share link that carries them in the
//! `slodefs` URL parameter (definitions only — no data-source names or credentials).

use leptos::prelude::*;
use sightline_core::slo::spec::SloSpec;
use sightline_core::slo::store::{from_json, to_json, SHARE_PARAM, STORAGE_KEY};
use sightline_core::urlencoding::encode_pairs;

use crate::state::storage::{get_local, set_local};

/// The stored SLOs, and a problem to show when the stored document could not be read (it is left
/// untouched in storage until the user saves over it).
pub fn load() -> (Vec<SloSpec>, Option<String>) {
    match get_local(STORAGE_KEY) {
        None => (Vec::new(), None),
        Some(json) => match from_json(&json) {
            Ok(list) => (list, None),
            Err(e) => (
                Vec::new(),
                Some(format!(
                    "The stored SLO definitions could not be read ({e}); saving will replace them."
                )),
            ),
        },
    }
}

/// Saves the list; false when the browser refused.
pub fn save(list: &[SloSpec]) -> bool {
    set_local(STORAGE_KEY, &to_json(list))
}

/// Applies `f` to the list in `slos` and saves it; returns an error message when storage refused.
pub fn update(slos: RwSignal<Vec<SloSpec>>, f: impl FnOnce(&mut Vec<SloSpec>)) -> Option<String> {
    slos.update(f);
    let ok = slos.with_untracked(|l| save(l));
    (!ok).then(|| "Saved for this tab only: the browser refused local storage.".to_string())
}

/// A share link for `list`: this page's address with `page=slos` and the definitions.
pub fn share_link(list: &[SloSpec]) -> String {
    let base = web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_default();
    format!(
        "{base}?{}",
        encode_pairs(&[("page", "slos"), (SHARE_PARAM, &to_json(list))])
    )
}
