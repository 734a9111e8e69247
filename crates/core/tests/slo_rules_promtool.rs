//! The generated Prometheus rules, checked by the real `promtool`: `promtool check rules` on the
//! files for several SLO kinds, and `promtool test rules` on a series with a known incident, whose
//! alert timings are derived by hand below.
//!
//! promtool comes with Debian's `prometheus` package (installed by `scripts/install.sh test`).
//! `scripts/test.sh` sets `SIGHTLINE_REQUIRE_PROMTOOL=1`, so under `make test` a missing promtool
//! fails these tests; elsewhere they say they were skipped.

use std::path::PathBuf;
use std::process::Command;

use sightline_core::slo::rules::{rules, rules_yaml, Rule};
use sightline_core::slo::spec::{
    AlertingSpec, BudgetingSpec, CountedSpec, PresetName, SliSpec, SloDefinition, SloSpec,
    WindowSpec,
};

fn promtool() -> Option<PathBuf> {
    let candidates = [std::env::var("PROMTOOL").ok(), Some("promtool".to_string())];
    for c in candidates.into_iter().flatten() {
        if Command::new(&c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some(PathBuf::from(c));
        }
    }
    if std::env::var("SIGHTLINE_REQUIRE_PROMTOOL").as_deref() == Ok("1") {
        panic!("promtool is required (SIGHTLINE_REQUIRE_PROMTOOL=1) but was not found: install Debian's prometheus package");
    }
    eprintln!("SKIPPED: promtool not found (install Debian's prometheus package)");
    None
}

fn tmpdir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("sightline-promtool-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spec(id: &str, sli: SliSpec, window: WindowSpec, alerting: AlertingSpec) -> SloSpec {
    SloSpec {
        id: id.into(),
        name: format!("{id} SLO"),
        service: "api".into(),
        description: String::new(),
        sli,
        objective: "99.9".into(),
        window,
        budgeting: BudgetingSpec::Occurrences,
        alerting,
    }
}

fn availability() -> SloDefinition {
    spec(
        "api-availability",
        SliSpec::Ratio {
            counted: CountedSpec::Bad,
            events: r#"http_requests_total{job="api",code=~"5.."}"#.into(),
            total: r#"http_requests_total{job="api"}"#.into(),
        },
        WindowSpec::Rolling {
            duration: "30d".into(),
        },
        AlertingSpec::default(),
    )
    .validate()
    .unwrap()
}

fn run(tool: &PathBuf, args: &[&str], dir: &PathBuf) -> String {
    let out = Command::new(tool)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "promtool {args:?} failed:\n{text}");
    text
}

#[test]
fn generated_rule_files_pass_promtool_check_rules() {
    let Some(tool) = promtool() else { return };
    let dir = tmpdir("check");
    let defs = vec![
        availability(),
        spec(
            "frontend-latency",
            SliSpec::Latency {
                buckets: r#"http_request_duration_seconds_bucket{service="frontend"}"#.into(),
                threshold: "0.25".into(),
            },
            WindowSpec::Rolling {
                duration: "28d".into(),
            },
            AlertingSpec::Preset {
                preset: PresetName::Pyrra,
            },
        )
        .validate()
        .unwrap(),
        spec(
            "checkout-success",
            SliSpec::Ratio {
                counted: CountedSpec::Good,
                events: r#"x_total{code!~"5.."}"#.into(),
                total: "x_total".into(),
            },
            WindowSpec::Calendar {
                period: "1M".into(),
                time_zone: "UTC".into(),
            },
            AlertingSpec::Preset {
                preset: PresetName::Sloth28d,
            },
        )
        .validate()
        .unwrap(),
    ];
    let path = dir.join("rules.yml");
    std::fs::write(&path, rules_yaml(&defs)).unwrap();
    let text = run(&tool, &["check", "rules", "rules.yml"], &dir);
    assert!(text.contains("SUCCESS"), "{text}");
}

/// The incident, at a 1-minute scrape: `code="200"` grows 6000/min (100 req/s) throughout; the
/// `code="500"` counter is flat until 60 min, grows 600/min until 120 min, then is flat again.
/// SLO 99.9 % → budget 0.001; Google tiers fire when both windows' error ratio exceed
/// 14.4 × 0.001 = 0.0144 (1h/5m), 0.006 (6h/30m), 0.003 (1d/2h), 0.001 (3d/6h). By hand:
/// - 30 min: no error yet → nothing fires.
/// - 65 min: 5 min of errors (3 000) against 65 min of traffic (393 000): 1 h ratio ≈ 0.0076 <
///   0.0144, so the fast page does not fire; 30 m ratio 3 000 / 183 000 ≈ 0.016 and 6 h ≈ 0.0076
///   exceed 0.006 (slow page); both ticket tiers' windows are ≈ 0.0076 > 0.003 → three alerts.
/// - 90 min: 30 min into the incident the 5 m ratio is 1/11 ≈ 0.091 and the 1 h ratio
///   18 000 / 378 000 ≈ 0.048 → all four fire.
/// - 200 min: 80 min after the errors stopped, the 5 m and 30 m windows are clean (pages stop);
///   the 2 h window (80–200 min) still holds 40 min of errors (24 000 / 744 000 ≈ 0.032 > 0.003)
///   and the 6 h window all of them → both tickets still fire.
#[test]
fn promtool_test_rules_fires_the_tiers_the_hand_computation_expects() {
    let Some(tool) = promtool() else { return };
    let dir = tmpdir("test");
    let def = availability();
    std::fs::write(
        dir.join("rules.yml"),
        rules_yaml(std::slice::from_ref(&def)),
    )
    .unwrap();
    let alerts: Vec<(String, String)> = rules(&def)
        .into_iter()
        .filter_map(|r| match r {
            Rule::Alert {
                labels,
                annotations,
                ..
            } => {
                let name = labels.get("tier").cloned().unwrap_or_default();
                let mut block = String::from("          - exp_labels:\n");
                for (k, v) in &labels {
                    block.push_str(&format!("              {k}: {v:?}\n"));
                }
                block.push_str("            exp_annotations:\n");
                for (k, v) in &annotations {
                    block.push_str(&format!("              {k}: {v:?}\n"));
                }
                Some((name, block))
            }
            _ => None,
        })
        .collect();
    let expect = |at: &str, tiers: &[&str]| -> String {
        let mut s = format!("      - eval_time: {at}\n        alertname: SLOErrorBudgetBurn\n");
        if tiers.is_empty() {
            s.push_str("        exp_alerts: []\n");
        } else {
            s.push_str("        exp_alerts:\n");
            for t in tiers {
                let block = alerts
                    .iter()
                    .find(|(n, _)| n == t)
                    .map(|(_, b)| b.clone())
                    .unwrap_or_else(|| panic!("no tier {t}"));
                s.push_str(&block);
            }
        }
        s
    };
    let mut test = String::from(
        "rule_files:\n  - rules.yml\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n\
         \x20     - series: 'http_requests_total{job=\"api\",code=\"200\"}'\n        values: '0+6000x300'\n\
         \x20     - series: 'http_requests_total{job=\"api\",code=\"500\"}'\n        values: '0x60 600+600x59 36000x180'\n\
         \x20   promql_expr_test:\n\
         \x20     - expr: 'slo:sli_error:ratio_rate5m{sightline_id=\"api-availability\"}'\n        eval_time: 30m\n\
         \x20       exp_samples:\n          - labels: 'slo:sli_error:ratio_rate5m{sightline_id=\"api-availability\",sightline_service=\"api\"}'\n            value: 0\n\
         \x20     - expr: 'slo:error_budget:ratio{sightline_id=\"api-availability\"}'\n        eval_time: 30m\n\
         \x20       exp_samples:\n          - labels: 'slo:error_budget:ratio{sightline_id=\"api-availability\",sightline_service=\"api\"}'\n            value: 0.001\n\
         \x20   alert_rule_test:\n",
    );
    test.push_str(&expect("30m", &[]));
    test.push_str(&expect(
        "65m",
        &["page, slow", "ticket, fast", "ticket, slow"],
    ));
    test.push_str(&expect(
        "90m",
        &["page, fast", "page, slow", "ticket, fast", "ticket, slow"],
    ));
    test.push_str(&expect("200m", &["ticket, fast", "ticket, slow"]));
    std::fs::write(dir.join("test.yml"), &test).unwrap();
    let text = run(&tool, &["test", "rules", "test.yml"], &dir);
    assert!(text.contains("SUCCESS"), "{text}\n{test}");
}

const MIN: i64 = 60_000;

/// The incident's counters at a 1-minute scrape over 300 min (bad, total) and the 1-minute grid
/// Sightline evaluates them on.
fn incident() -> (
    Vec<sightline_core::series::Series>,
    Vec<sightline_core::series::Series>,
    sightline_core::counters::EvalGrid,
) {
    use sightline_core::series::{Labels, Series};
    let series = |code: &str, f: &dyn Fn(i64) -> f64| {
        let mut labels = Labels::default();
        labels.0.insert("code".into(), code.into());
        Series {
            labels,
            t_ms: (0..=300).map(|m| m * MIN).collect(),
            values: (0..=300).map(f).collect(),
        }
    };
    let ok = series("200", &|m| 6000.0 * m as f64);
    let bad = series("500", &|m| 600.0 * (m.clamp(60, 120) - 60) as f64);
    let grid = sightline_core::counters::EvalGrid {
        start_ms: MIN,
        end_ms: 300 * MIN,
        step_ms: MIN,
    };
    (vec![bad.clone()], vec![ok, bad], grid)
}

/// The same incident evaluated by Sightline itself (exact counts on a 1-minute grid): the same
/// tiers fire at the same times as the generated rules under promtool above, so the rules are
/// equivalent to what the app shows. Runs without promtool.
#[test]
fn sightline_fires_the_same_tiers_as_the_rules_on_the_incident() {
    use sightline_core::slo::{would_have_fired, CountMode, Counted, SliEvents};
    let (bad, total, grid) = incident();
    let events = SliEvents::ratio(Counted::Bad, &bad, &total, grid, CountMode::Exact).unwrap();
    let def = availability();
    let timelines = would_have_fired(&def.alerts.tiers, &events, def.objective.budget()).unwrap();
    let firing_at = |minute: i64| -> Vec<String> {
        let i = (minute - 1) as usize;
        timelines
            .iter()
            .filter(|t| t.firing[i])
            .map(|t| t.tier.name.clone())
            .collect()
    };
    assert!(firing_at(30).is_empty());
    assert_eq!(
        firing_at(65),
        ["page, slow", "ticket, fast", "ticket, slow"]
    );
    assert_eq!(
        firing_at(90),
        ["page, fast", "page, slow", "ticket, fast", "ticket, slow"]
    );
    assert_eq!(firing_at(200), ["ticket, fast", "ticket, slow"]);
}

fn with_method(mut s: SloSpec, budgeting: BudgetingSpec) -> SloSpec {
    s.budgeting = budgeting;
    s
}

fn availability_spec() -> SloSpec {
    availability().spec
}

#[test]
fn slice_and_calendar_rule_files_pass_promtool_check_rules() {
    let timeslices = with_method(
        availability_spec(),
        BudgetingSpec::Timeslices {
            slice: "5m".into(),
            slice_target: "0.99".into(),
        },
    );
    let mut ratio_slices = with_method(
        availability_spec(),
        BudgetingSpec::RatioTimeslices { slice: "1m".into() },
    );
    ratio_slices.id = "api-mean-of-ratios".into();
    let mut calendar = availability_spec();
    calendar.id = "api-monthly".into();
    calendar.window = WindowSpec::Calendar {
        period: "1M".into(),
        time_zone: "Europe/Berlin".into(),
    };
    let defs: Vec<SloDefinition> = [timeslices, ratio_slices, calendar]
        .iter()
        .map(|s| s.validate().unwrap())
        .collect();
    let text = rules_yaml(&defs);
    for want in [
        "- name: sightline-slo-api-availability-slices\n  interval: 5m",
        "record: slo:slice_good:bool5m",
        "record: slo:slice_sli:ratio1m",
        "1 - avg_over_time(slo:slice_good:bool5m{sightline_id=\"api-availability\"}[30d])",
        "# api-monthly: calendar 1M (Europe/Berlin): not expressible in Prometheus rules",
        "# api-availability: budgeting method Timeslices: slo:slice_good:bool5m is recorded once per 5m",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    let Some(tool) = promtool() else { return };
    let dir = tmpdir("check-slices");
    std::fs::write(dir.join("rules.yml"), &text).unwrap();
    let out = run(&tool, &["check", "rules", "rules.yml"], &dir);
    assert!(out.contains("SUCCESS"), "{out}");
}

/// The incident of the test above with Timeslices of 10 min and a slice target of 99 %: the
/// errors grow during minutes 61–120, so the slices ending at 70, 80, …, 120 min hold 6 000
/// errors in 66 000 requests (good ratio 0.909 < 0.99) and are bad; the 24 others are good. By
/// hand: 6 bad of 30 slices → period error ratio 0.2, budget remaining 1 − 0.2 / 0.001 = −199.
/// Prometheus (slices evaluated every 10 min from 0; the first has one sample and no rate) and
/// Sightline's own slices (ending at 300 min) agree. promtool's unit tests run every group at the
/// test's `evaluation_interval`, not at the group's `interval`, so the test evaluates every 10 min.
#[test]
fn timeslice_rules_count_the_bad_slices_sightline_counts() {
    use sightline_core::slo::{measure, CountMode, Counted, SliEvents};
    let def = with_method(
        availability_spec(),
        BudgetingSpec::Timeslices {
            slice: "10m".into(),
            slice_target: "0.99".into(),
        },
    )
    .validate()
    .unwrap();

    let (bad, total, grid) = incident();
    let events = SliEvents::ratio(Counted::Bad, &bad, &total, grid, CountMode::Exact).unwrap();
    let m = measure(&def.method, &events, 0, 300 * MIN).unwrap();
    let slices = m.slices.unwrap();
    assert_eq!((slices.good, slices.bad), (24, 6));
    assert_eq!(m.error_ratio, Some(0.2));

    let Some(tool) = promtool() else { return };
    let dir = tmpdir("test-slices");
    std::fs::write(dir.join("rules.yml"), rules_yaml(std::slice::from_ref(&def))).unwrap();
    let sample = |expr: &str, at: &str, value: &str| {
        format!(
            "      - expr: '{expr}{{sightline_id=\"api-availability\"}}'\n        eval_time: {at}\n        exp_samples:\n          - labels: '{expr}{{sightline_id=\"api-availability\",sightline_service=\"api\"}}'\n            value: {value}\n"
        )
    };
    let mut test = String::from(
        "rule_files:\n  - rules.yml\nevaluation_interval: 10m\ntests:\n  - interval: 1m\n    input_series:\n\
         \x20     - series: 'http_requests_total{job=\"api\",code=\"200\"}'\n        values: '0+6000x300'\n\
         \x20     - series: 'http_requests_total{job=\"api\",code=\"500\"}'\n        values: '0x60 600+600x59 36000x180'\n\
         \x20   promql_expr_test:\n",
    );
    test.push_str(&sample("slo:slice_good:bool10m", "60m", "1"));
    test.push_str(&sample("slo:slice_good:bool10m", "70m", "0"));
    test.push_str(&sample("slo:slice_good:bool10m", "120m", "0"));
    test.push_str(&sample("slo:slice_good:bool10m", "130m", "1"));
    // Float noise of avg_over_time (0.20000000000000007) is not the point: compare within 1e-9.
    // Read at 315m, i.e. the period rule's evaluation at 310m: rule groups evaluated at the same
    // instant run in no fixed order, so at 300m the period rule may or may not see the 300m slice;
    // at 310m there is no new slice (the input ends at 300m), so both orders give the same value.
    let near = |expr: &str, value: &str| {
        format!(
            "      - expr: 'abs({expr}{{sightline_id=\"api-availability\"}} - ({value})) < bool 1e-9'\n        eval_time: 315m\n        exp_samples:\n          - labels: '{{sightline_id=\"api-availability\",sightline_service=\"api\"}}'\n            value: 1\n"
        )
    };
    test.push_str(&near("slo:period_sli_error:ratio", "0.2"));
    test.push_str(&near("slo:error_budget_remaining:ratio", "-199"));
    std::fs::write(dir.join("test.yml"), &test).unwrap();
    let text = run(&tool, &["test", "rules", "test.yml"], &dir);
    assert!(text.contains("SUCCESS"), "{text}\n{test}");
}
