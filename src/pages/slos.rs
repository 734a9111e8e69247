//! SLOs: the overview — one tile per SLO (the demo source's examples on the demo source, and the
//! user's own SLOs on any Prometheus-compatible source), sortable and filterable — with the
//! create/edit form ([`super::slo_form`]), YAML import/export and share links
//! ([`super::slo_io`]), and the per-SLO page (`?page=slos&slo=<id>`, [`super::slo_detail`]).
//!
//! Each tile is computed in the browser by [`compute`] (see there for exact vs
//! Prometheus-compatible counting) and carries the definition of every number in its tooltips and
//! its "How this was computed" text. One failing tile shows its own error; the others carry on.
//! User SLOs live in `localStorage` ([`super::slo_defs`]); the demo's examples are built in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use sightline_core::datasource::{DataSource, SourceKind};
use sightline_core::slo::catalog::demo_catalog;
use sightline_core::slo::spec::{SloDefinition, SloSpec};
use sightline_core::slo::{Status, StatusPolicy};
use sightline_core::time::format_prom_duration;
use std::sync::Arc;

use super::slo_compute::{compute, pct, SloOutcome};
use super::slo_defs;
use super::slo_detail::SloDetail;
use super::slo_form::{blank_spec, SloForm};
use super::slo_io::{SharedLinkBanner, SloIo};
use crate::sources::query::PanelError;
use crate::state::{browser, use_app_state};

pub use super::slo_compute::TILE_SAMPLE_BUDGET;

/// One SLO on the page: its definition (or why it is invalid) and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct SloEntry {
    pub id: String,
    pub name: String,
    pub def: Result<SloDefinition, String>,
    /// The seed this demo example stands for; `None` for user SLOs.
    pub seed: Option<String>,
    pub user: bool,
}

/// A tile's computed state.
#[derive(Debug, Clone, PartialEq)]
pub enum TileState {
    Loading(String),
    Done(Arc<SloOutcome>),
    Error(PanelError),
}

impl TileState {
    fn outcome(&self) -> Option<&SloOutcome> {
        match self {
            TileState::Done(r) => Some(r),
            _ => None,
        }
    }
}

/// The entries shown for a source: the demo examples on the demo source, then the user's SLOs.
pub fn entries(is_demo: bool, user: &[SloSpec]) -> Vec<SloEntry> {
    let entry = |spec: &SloSpec, seed: Option<String>, user: bool| SloEntry {
        id: spec.id.clone(),
        name: spec.name.clone(),
        def: super::slo_zone::check_spec(spec).map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
        seed,
        user,
    };
    let demo = if is_demo { demo_catalog() } else { Vec::new() };
    let examples = demo.iter().map(|c| entry(&c.to_spec(), Some(c.seed.to_string()), false));
    examples.chain(user.iter().map(|s| entry(s, None, true))).collect()
}

/// Computes `entry` into `tile` (a tile whose definition is invalid shows why).
pub fn start_compute(
    source: DataSource,
    entry: &SloEntry,
    tile: RwSignal<TileState>,
    now_ms: i64,
    generation: StoredValue<u64>,
    mine: u64,
) {
    let def = match &entry.def {
        Ok(d) => d.clone(),
        Err(e) => {
            tile.set(TileState::Error(PanelError {
                kind: "SLO definition".into(),
                message: e.clone(),
            }));
            return;
        }
    };
    // An SLI from traces or logs may read a source of its own, named in its definition.
    let source = match def.spec.sli.source_name() {
        None => source,
        Some(name) => match use_app_state().sources.with_untracked(|s| s.find(name).cloned()) {
            Some(named) => named,
            None => {
                tile.set(TileState::Error(PanelError {
                    kind: "SLO definition".into(),
                    message: format!("The SLI reads the data source '{name}', which is not configured here: add it in Settings, or edit the SLO."),
                }));
                return;
            }
        },
    };
    tile.set(TileState::Loading("Queued…".into()));
    spawn_local(async move {
        let progress = move |text: String| {
            if generation.get_value() == mine {
                tile.set(TileState::Loading(text));
            }
        };
        let result = compute(&source, &def, now_ms, progress).await;
        if generation.get_value() == mine {
            tile.set(match result {
                Ok(r) => TileState::Done(Arc::new(r)),
                Err(e) => TileState::Error(e),
            });
        }
    });
}

/// The SLOs page.
#[component]
pub fn SlosPage() -> impl IntoView {
    let state = use_app_state();
    let (stored, problem) = slo_defs::load();
    let user = RwSignal::new(stored);
    let message = RwSignal::new(problem.map(|p| (false, p)));
    let source = Memo::new(move |_| {
        let name = state.view.with(|v| v.ds.clone());
        state.sources.with(|s| s.find(&name).cloned()).ok_or(name)
    });
    let selected = Memo::new(move |_| state.view.with(|v| v.slo.clone()));
    view! {
        <section class="page slos" data-testid="page-slos">
            {move || message.get().map(|(ok, text)| view! {
                <p class=if ok { "panel-message" } else { "panel-error" } role="status" data-testid="slo-message">{text}</p>
            })}
            <SharedLinkBanner user=user message=message/>
            {move || match source.get() {
                Err(name) => view! {
                    <h1>"SLOs"</h1>
                    <p class="panel-error" role="alert">{format!("There is no data source called '{name}'. Choose one in the header.")}</p>
                }.into_any(),
                Ok(src) => {
                    let id = selected.get();
                    if id.is_empty() {
                        view! { <SloOverview source=src user=user message=message/> }.into_any()
                    } else {
                        let is_demo = src.kind == SourceKind::Demo;
                        let entry = user.with_untracked(|u| entries(is_demo, u)).into_iter().find(|e| e.id == id);
                        view! { <SloDetail source=src entry=entry id=id/> }.into_any()
                    }
                }
            }}
        </section>
    }
}

/// How tiles are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Listed,
    Status,
    Remaining,
    Burn,
    Name,
}

impl SortKey {
    const ALL: [(SortKey, &'static str, &'static str); 5] = [
        (SortKey::Listed, "listed", "as listed"),
        (SortKey::Status, "status", "by status (worst first)"),
        (
            SortKey::Remaining,
            "remaining",
            "by error budget remaining (least first)",
        ),
        (SortKey::Burn, "burn", "by fastest burn (fastest first)"),
        (SortKey::Name, "name", "by name"),
    ];
}

/// Worst first: breached, critical, warning, healthy, no data; then loading and errors.
fn status_rank(t: &TileState) -> u8 {
    match t.outcome().map(|o| o.status) {
        Some(Status::Breached) => 0,
        Some(Status::Critical) => 1,
        Some(Status::Warning) => 2,
        Some(Status::Healthy) => 3,
        Some(Status::NoData) => 4,
        None => 5,
    }
}

fn cmp_opt(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a, b) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Less,
        (None, Some(_)) => Greater,
        (None, None) => Equal,
    }
}

/// The tiles with the toolbar, the form and the import/export panel.
#[component]
fn SloOverview(
    source: DataSource,
    user: RwSignal<Vec<SloSpec>>,
    message: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let state = use_app_state();
    let is_demo = source.kind == SourceKind::Demo;
    let editing = RwSignal::new(None::<(SloSpec, bool)>);
    let sort = RwSignal::new(SortKey::Listed);
    let filter_text = RwSignal::new(String::new());
    let filter_status = RwSignal::new(String::new());
    let generation = StoredValue::new(0u64);
    let list = Memo::new(move |_| user.with(|u| entries(is_demo, u)));
    // One tile signal per entry, recreated when the list changes.
    let tiles: Memo<Vec<(SloEntry, RwSignal<TileState>)>> = Memo::new(move |_| {
        list.get()
            .into_iter()
            .map(|e| (e, RwSignal::new(TileState::Loading("Waiting…".into()))))
            .collect()
    });
    {
        let source = source.clone();
        Effect::new(move |_| {
            state.refresh_tick.track();
            let tiles = tiles.get();
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            let now_ms = browser::now_ms();
            for (entry, tile) in tiles.iter() {
                start_compute(source.clone(), entry, *tile, now_ms, generation, mine);
            }
        });
    }
    let save = Callback::new(move |spec: SloSpec| {
        let id = spec.id.clone();
        let problem = slo_defs::update(user, |l| sightline_core::slo::store::upsert(l, spec));
        editing.set(None);
        message.set(Some(match problem {
            Some(p) => (false, p),
            None => (true, format!("Saved SLO '{id}'.")),
        }));
    });
    let cancel = Callback::new(move |_| editing.set(None));
    let delete = Callback::new(move |id: String| {
        let problem = slo_defs::update(user, |l| l.retain(|s| s.id != id));
        message.set(Some(match problem {
            Some(p) => (false, p),
            None => (true, format!("Deleted SLO '{id}'.")),
        }));
    });
    let edit = Callback::new(move |id: String| {
        if let Some(s) = user.with_untracked(|l| l.iter().find(|s| s.id == id).cloned()) {
            editing.set(Some((s, true)));
        }
    });
    let order = move || {
        let tiles = tiles.get();
        let text = filter_text.get().to_lowercase();
        let status = filter_status.get();
        let mut shown: Vec<(SloEntry, RwSignal<TileState>)> = tiles
            .into_iter()
            .filter(|(e, t)| {
                let text_ok = text.is_empty()
                    || e.name.to_lowercase().contains(&text)
                    || e.id.contains(&text)
                    || e.def.as_ref().is_ok_and(|d| {
                        d.spec.service.to_lowercase().contains(&text)
                            || d.spec.description.to_lowercase().contains(&text)
                    });
                let status_ok = status.is_empty()
                    || t.with(|t| t.outcome().map(|o| o.status.label()) == Some(status.as_str()));
                text_ok && status_ok
            })
            .collect();
        match sort.get() {
            SortKey::Listed => {}
            SortKey::Name => shown.sort_by_key(|a| a.0.name.to_lowercase()),
            SortKey::Status => shown.sort_by_key(|(_, t)| t.with(status_rank)),
            SortKey::Remaining => shown.sort_by(|a, b| {
                cmp_opt(
                    a.1.with(|t| t.outcome().and_then(|o| o.remaining)),
                    b.1.with(|t| t.outcome().and_then(|o| o.remaining)),
                )
            }),
            SortKey::Burn => shown.sort_by(|a, b| {
                let burn = |t: &RwSignal<TileState>| {
                    t.with(|t| t.outcome().and_then(|o| o.fastest.as_ref().map(|f| -f.0)))
                };
                cmp_opt(burn(&a.1), burn(&b.1))
            }),
        }
        shown
    };
    let policy = StatusPolicy::default();
    let user_count = move || user.with(Vec::len);
    view! {
        <h1>"SLOs"</h1>
        <p class="hint">
            {if is_demo {
                "Example SLOs of the demo shop, and your own SLOs, computed in this browser from raw counter samples, trace spans or per-minute log line counts."
            } else {
                "Your SLOs, computed in this browser from raw counter samples (or trace spans and log line counts). Create one, or import OpenSLO or Sloth YAML."
            }}
        </p>
        <div class="row slo-toolbar">
            <button class="primary" data-testid="slo-new" on:click=move |_| editing.set(Some((blank_spec(), false)))>"New SLO"</button>
            <label class="inline">"Sort "
                <select data-testid="slo-sort" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    sort.set(SortKey::ALL.iter().find(|(_, k, _)| *k == v).map_or(SortKey::Listed, |(s, _, _)| *s));
                }>
                    {SortKey::ALL.iter().map(|(s, k, l)| { let s = *s; view! { <option value=*k selected=move || sort.get() == s>{*l}</option> } }).collect_view()}
                </select>
            </label>
            <label class="inline">"Filter "
                <input data-testid="slo-filter" placeholder="name, service, id…" prop:value=move || filter_text.get() on:input=move |ev| filter_text.set(event_target_value(&ev))/>
            </label>
            <label class="inline">"Status "
                <select data-testid="slo-filter-status" on:change=move |ev| filter_status.set(event_target_value(&ev))>
                    <option value="">"any"</option>
                    {[Status::Breached, Status::Critical, Status::Warning, Status::Healthy, Status::NoData].into_iter().map(|s| view! { <option value=s.label()>{s.label()}</option> }).collect_view()}
                </select>
            </label>
        </div>
        {move || editing.get().map(|(spec, is_edit)| view! { <SloForm initial=spec editing=is_edit on_save=save on_cancel=cancel/> })}
        <SloIo user=user message=message/>
        {move || (tiles.with(Vec::len) == 0).then(|| view! {
            <p class="panel-message" data-testid="slo-empty">"No SLOs yet for this source: create one with “New SLO” or import YAML."</p>
        })}
        {move || (user_count() > 0 && !is_demo).then(|| view! {
            <p class="hint">{format!("{} SLO(s) of your own, stored in this browser.", user_count())}</p>
        })}
        <div class="slo-grid">
            {move || order().into_iter().map(|(entry, tile)| view! { <SloTile entry=entry tile=tile policy=policy on_edit=edit on_delete=delete/> }).collect_view()}
        </div>
    }
}

/// One SLO tile.
#[component]
fn SloTile(
    entry: SloEntry,
    tile: RwSignal<TileState>,
    policy: StatusPolicy,
    on_edit: Callback<String>,
    on_delete: Callback<String>,
) -> impl IntoView {
    let state = use_app_state();
    let data_state = move || match &*tile.read() {
        TileState::Loading(_) => "loading",
        TileState::Error(_) => "error",
        TileState::Done(_) => "data",
    };
    let (window_text, objective_text, kind_text, description, zone_note) = match &entry.def {
        Ok(d) => (
            d.window.to_string(),
            d.objective.to_string(),
            d.sli.describe(),
            d.spec.description.clone(),
            d.zone_note(),
        ),
        Err(_) => (
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            None,
        ),
    };
    let bands = policy.describe();
    let id = entry.id.clone();
    let open_id = id.clone();
    let (edit_id, del_id) = (id.clone(), id.clone());
    let user = entry.user;
    view! {
        <article class="slo-tile" data-testid="slo-tile" data-slo=id.clone() data-state=data_state data-user=user.then_some("1")>
            <header class="slo-head">
                <h2 class="slo-name">
                    <a href=format!("?page=slos&slo={id}") data-testid="slo-open" on:click=move |ev| {
                        ev.prevent_default();
                        let id = open_id.clone();
                        state.update_view(|v| v.slo = id);
                    }>{entry.name.clone()}</a>
                </h2>
                {move || {
                    let bands = bands.clone();
                    match &*tile.read() {
                        TileState::Done(r) => {
                            let label = r.status.label();
                            view! {
                                <span class=format!("slo-status status-{}", label.replace(' ', "-")) data-testid="slo-status"
                                    data-status=label title=format!("Status bands — {bands}")>{label}</span>
                            }.into_any()
                        }
                        TileState::Loading(_) => view! { <span class="slo-status" data-testid="slo-status" data-status="loading">"loading"</span> }.into_any(),
                        TileState::Error(_) => view! { <span class="slo-status status-error" data-testid="slo-status" data-status="error">"error"</span> }.into_any(),
                    }
                }}
            </header>
            <p class="slo-desc" title=kind_text>{description}</p>
            <p class="slo-target">
                <span data-testid="slo-objective" title="The objective: the share of valid events that must be good over the window">{format!("Objective {objective_text}")}</span>
                " · "
                <span title="The SLO window">{window_text}</span>
            </p>
            {zone_note.map(|n| view! { <p class="hint" data-testid="slo-zone">{n}</p> })}
            {move || match tile.get() {
                TileState::Loading(step) => view! {
                    <p class="panel-message" role="status"><span class="spinner"></span>" "{step}</p>
                }.into_any(),
                TileState::Error(e) => view! {
                    <div class="panel-error" role="alert" data-testid="slo-error">
                        <span class="badge error">{e.kind.clone()}</span>
                        <span>{e.message.clone()}</span>
                    </div>
                }.into_any(),
                TileState::Done(r) => tile_body(&r).into_any(),
            }}
            {entry.seed.clone().map(|s| view! { <p class="hint slo-seed">{format!("Issue seed: {s}")}</p> })}
            {user.then(|| view! {
                <div class="row slo-actions">
                    <button data-testid="slo-edit" on:click=move |_| on_edit.run(edit_id.clone())>"Edit"</button>
                    <button data-testid="slo-delete" on:click=move |_| on_delete.run(del_id.clone())>"Delete"</button>
                </div>
            })}
        </article>
    }
}

/// The SLI as a percentage; never rounds a value below 1 up to `100.000%`.
pub fn sli_text(sli: f64) -> String {
    let text = pct(sli, 3);
    if sli < 1.0 && text == "100.000%" {
        "> 99.999%".to_string()
    } else {
        text
    }
}

fn tile_body(r: &SloOutcome) -> impl IntoView {
    let sli = r.sli.map_or_else(|| "no data".to_string(), sli_text);
    let remaining = r
        .remaining
        .map_or_else(|| "no data".to_string(), |x| pct(x, 1));
    let remaining_value = r.remaining.map(|x| x.to_string());
    let (fastest, fastest_window) = r.fastest.as_ref().map_or_else(
        || ("no data".to_string(), String::new()),
        |(b, w, _)| {
            (
                format!("{b:.1}×"),
                format!("over {}", format_prom_duration((*w).max(0) as u64)),
            )
        },
    );
    view! {
        <dl class="slo-numbers" data-grid-end=r.grid_end_ms.to_string()>
            <div>
                <dt>"SLI"</dt>
                <dd data-testid="slo-sli" title=r.sli_title.clone() data-value=r.sli.map(|s| s.to_string())>{sli}</dd>
            </div>
            <div>
                <dt>"Budget remaining"</dt>
                <dd data-testid="slo-remaining" title=r.remaining_title.clone() data-value=remaining_value>{remaining}</dd>
            </div>
            <div>
                <dt>"Fastest burn"</dt>
                <dd data-testid="slo-burn" title=r.fastest_title.clone() data-value=r.fastest.as_ref().map(|f| f.0.to_string())>{fastest}" "<span class="slo-unit">{fastest_window}</span></dd>
            </div>
        </dl>
        <p class="slo-coverage" data-testid="slo-coverage" title=r.coverage_title.clone()>{r.coverage.clone()}</p>
        {(!r.firing_now.is_empty()).then(|| view! {
            <p class="slo-firing" data-testid="slo-firing">{format!("Firing now: {}", r.firing_now.join("; "))}</p>
        })}
        <p class="slo-history hint" data-testid="slo-history" title="The SLO's alert tiers evaluated every minute over the last 24 h from raw samples (would have fired)">
            {if r.history.is_empty() {
                "No alert tier would have fired in the last 24 h.".to_string()
            } else {
                format!("Would have fired in the last 24 h: {}", r.history.join("; "))
            }}
        </p>
        {(!r.warnings.is_empty()).then(|| view! { <p class="panel-warnings" role="status">{r.warnings.join("; ")}</p> })}
        <details class="slo-derivation-box">
            <summary>"How this was computed"</summary>
            <p class="hint" data-testid="slo-derivation">{r.derivation.clone()}</p>
        </details>
    }
}
