//! The built-in content: complete, valid, and the same in every locale.

use std::collections::BTreeSet;

use policywright_model::validate::validate;
use policywright_model::{self as model, Locale, Weight, presets};

use crate::preset;

#[test]
fn both_locales_of_the_operations_preset_have_the_same_structure() {
    let zh = serde_json::to_value(preset(Locale::ZhCn)).expect("json");
    let en = serde_json::to_value(preset(Locale::En)).expect("json");
    // Same ids, numbers and list lengths: only the words differ.
    fn shape(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, item) in m {
                    let p = format!("{path}.{k}");
                    let id_list =
                        k.ends_with("roles") && item.as_array().is_some_and(|a| a.iter().all(|v| v.is_string()));
                    let id_ref = matches!(k.as_str(), "id" | "owner")
                        || (k == "reports_to" && item.as_str().is_some_and(|s| s.contains('-')));
                    if id_list || id_ref {
                        out.push(format!("{p}={item}"));
                    }
                    shape(item, &p, out);
                }
            }
            serde_json::Value::Array(a) => {
                out.push(format!("{path}.len={}", a.len()));
                for (i, item) in a.iter().enumerate() {
                    shape(item, &format!("{path}[{i}]"), out);
                }
            }
            serde_json::Value::Number(n) => out.push(format!("{path}={n}")),
            _ => {}
        }
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    shape(&zh, "", &mut a);
    shape(&en, "", &mut b);
    let a: Vec<_> = a.into_iter().filter(|l| !l.starts_with(".document.locale")).collect();
    let b: Vec<_> = b.into_iter().filter(|l| !l.starts_with(".document.locale")).collect();
    assert_eq!(a, b);
}

#[test]
fn the_operations_preset_carries_the_source_facts() {
    let p = preset(Locale::En);
    let weights: Vec<(String, u32)> = p
        .appraisal
        .indicators
        .iter()
        .flat_map(|i| std::iter::once(i).chain(i.children.iter()))
        .map(|i| (i.id.clone(), i.weight.hundredths() / 100))
        .collect();
    let expected = [
        ("results", 60),
        ("kpi-completion", 30),
        ("project-execution", 30),
        ("ability", 30),
        ("professional-skill", 15),
        ("communication-skill", 10),
        ("problem-solving", 5),
        ("attitude", 10),
        ("responsibility", 5),
        ("dedication", 5),
    ];
    assert_eq!(weights, expected.map(|(id, w)| (id.to_string(), w)));
    assert_eq!(Weight::sum(p.appraisal.indicators.iter().map(|i| &i.weight)), Weight::HUNDRED);
    assert_eq!(p.appraisal.cycles.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["quarterly", "annual"]);
    assert_eq!(p.appraisal.process.len(), 5);
    assert_eq!(
        p.appraisal.uses.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        ["pay", "promotion", "training", "reassignment"]
    );
    assert_eq!(
        p.general.principles.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        ["legality", "efficiency", "collaboration", "innovation"]
    );
    assert_eq!(
        p.workflow.stages.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["planning", "execution", "monitoring", "optimisation"]
    );
    assert_eq!(p.workflow.emergency.steps.len(), 5);
    assert_eq!(
        p.career.levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        ["assistant", "specialist", "supervisor", "manager", "director", "vp"]
    );
    let kinds: BTreeSet<&str> = p.training.methods.iter().map(|m| m.kind.code()).collect();
    assert_eq!(kinds, BTreeSet::from(["external", "internal", "online", "practice"]));
    assert_eq!(p.training.hours_per_year, 40);
}

#[test]
fn the_role_library_matches_across_locales() {
    let zh = presets::roles(Locale::ZhCn).expect("zh roles");
    let en = presets::roles(Locale::En).expect("en roles");
    let ids = |roles: &[model::Role]| roles.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&zh), ids(&en));
    assert!(zh.len() >= 13);
    for (a, b) in zh.iter().zip(&en) {
        assert!(!a.duties.is_empty() && !a.requirements.skills.is_empty(), "{} is incomplete", a.id);
        assert_eq!(a.duties.len(), b.duties.len(), "{}: duty count differs", a.id);
        assert_eq!(a.skill_levels.len(), b.skill_levels.len(), "{}", a.id);
        assert_eq!(
            a.salary_band.as_ref().map(|s| (s.min, s.max)),
            b.salary_band.as_ref().map(|s| (s.min, s.max)),
            "{}",
            a.id
        );
    }
    let operator = en.iter().find(|r| r.id == "all-media-operator").expect("all-media operator");
    assert_eq!(
        operator.skill_levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        ["level-4", "level-3", "level-2", "level-1"]
    );
}

#[test]
fn every_library_role_makes_a_valid_policy_in_every_locale() {
    for locale in Locale::ALL {
        let all: Vec<String> = presets::roles(locale).expect("roles").into_iter().map(|r| r.id).collect();
        let policy = presets::with_roles(preset(locale), &all).expect("all roles");
        let errors: Vec<String> = validate(&policy).errors().map(ToString::to_string).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        for id in &all {
            let one = presets::with_roles(preset(locale), std::slice::from_ref(id)).expect("one role");
            let errors: Vec<String> = validate(&one).errors().map(ToString::to_string).collect();
            assert!(errors.is_empty(), "{id}: {errors:#?}");
        }
    }
}

#[test]
fn a_policy_survives_a_save_and_load_unchanged() {
    for locale in Locale::ALL {
        let p = preset(locale);
        let text = model::to_json(&p);
        assert_eq!(model::from_json(&text, "round trip").expect("loads"), p);
        assert_eq!(model::to_json(&model::from_json(&text, "again").expect("loads")), text);
    }
}
