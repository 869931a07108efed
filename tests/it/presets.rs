//! The built-in content: complete, valid, and the same in every locale.

use std::collections::BTreeSet;

use policywright_model::validate::validate;
use policywright_model::{self as model, Locale, Weight, presets};

use crate::{markdown, preset};

#[test]
fn both_locales_of_the_operations_preset_carry_the_same_facts() {
    let zh = serde_json::to_value(preset(Locale::ZhCn)).expect("json");
    let en = serde_json::to_value(preset(Locale::En)).expect("json");
    // Same ids, numbers and list lengths: the roles, weights, cycles, steps
    // and ladder are the same facts in both. What each country's law and
    // custom want is not: the further articles (a US at-will statement,
    // a Chinese democratic procedure) and pay, which a US handbook leaves out.
    let local = [".document.locale", ".general.articles", ".supplementary.articles", ".duties.roles[3].salary_band"];
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
    let a: Vec<_> = a.into_iter().filter(|l| !local.iter().any(|p| l.starts_with(p))).collect();
    let b: Vec<_> = b.into_iter().filter(|l| !local.iter().any(|p| l.starts_with(p))).collect();
    assert_eq!(a, b);
    assert!(a.len() > 150, "the comparison saw only {} facts", a.len());
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
        // Chinese roles carry the source's Beijing pay in 元; a US handbook
        // states no pay, least of all in another country's currency.
        assert!(a.salary_band.as_ref().is_none_or(|s| s.currency == "CNY"), "{}", a.id);
        assert!(b.salary_band.is_none(), "{} has a pay band in English", b.id);
    }
    assert!(zh.iter().filter(|r| r.salary_band.is_some()).count() >= 8);
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

/// `new --roles operations-manager,all-media-operator,smm-manager` kept
/// "运营经理、运营专员、数据分析员和运营助理" in the scope and 数据分析员 as a
/// stage owner, and validation said nothing.
#[test]
fn choosing_roles_leaves_no_stale_role_in_the_scope_or_the_owners() {
    let ids = ["operations-manager", "all-media-operator", "smm-manager"].map(String::from);
    let policy = presets::with_roles(preset(Locale::ZhCn), &ids).expect("roles");
    let md = markdown(&policy);
    let scope = &md[md.find("第二条").expect("scope")..md.find("第三条").expect("principles")];
    assert!(
        scope.contains("运营经理") && scope.contains("全媒体运营师") && scope.contains("社交媒体营销经理"),
        "{scope}"
    );
    assert!(!scope.contains("数据分析员") && !scope.contains("运营助理"), "{scope}");
    let owners: BTreeSet<&str> = policy.workflow.stages.iter().map(|s| s.owner.as_str()).collect();
    assert_eq!(owners, BTreeSet::from(["operations-manager"]));
    // The steps still name the data analyst: the policy says so, where.
    let report = validate(&policy);
    let stale: Vec<String> =
        report.warnings().filter(|w| w.message.to_string().contains("数据分析员")).map(|w| w.path.clone()).collect();
    assert!(stale.contains(&"workflow.stages[1].steps[2]".to_string()), "{stale:?}");
    assert!(stale.iter().all(|p| !p.starts_with("duties") && !p.starts_with("career")), "{stale:?}");
    // With every role kept, nothing is stale.
    let all = validate(&preset(Locale::ZhCn));
    assert_eq!(all.warnings().filter(|w| w.path.starts_with("workflow")).count(), 0);
}

#[test]
fn a_longer_title_is_one_mention_not_also_the_shorter_one_inside_it() {
    let ids = ["new-media-operations"].map(String::from);
    let mut policy = presets::with_roles(preset(Locale::En), &ids).expect("roles");
    policy.training.goals = vec!["Every New Media Operations Specialist learns the platform rules.".into()];
    let report = validate(&policy);
    assert!(
        !report.warnings().any(|w| w.path.starts_with("training.goals")),
        "{:?}",
        report.warnings().collect::<Vec<_>>()
    );
}

#[test]
fn the_chinese_preset_has_the_articles_that_make_company_rules_binding() {
    let md = markdown(&preset(Locale::ZhCn));
    let closing = &md[md.find("附则").expect("closing chapter")..];
    // Labour Contract Law, Article 4: a democratic procedure, then publication.
    assert!(
        closing.contains("民主程序") && closing.contains("职工代表大会") && closing.contains("平等协商"),
        "{closing}"
    );
    assert!(closing.contains("公示") && closing.contains("签收"), "{closing}");
    assert!(closing.contains("本制度自2027年1月1日起施行。"), "{closing}");
    assert!(!md.contains("参照执行") && !md.contains("可依规下调薪酬"), "wording a labour lawyer flags");
    assert!(!md.contains("CNY") && md.contains("4,500–6,000 元"), "pay in 元");
}

#[test]
fn the_english_preset_reads_as_a_us_handbook_chapter() {
    let md = markdown(&preset(Locale::En));
    for expected in [
        "## 1 About this policy",
        "### 1.4 Equal employment opportunity",
        "### 1.5 Employment at will",
        "### 1.6 This policy is not a contract",
        "### 8.3 Effective date",
        "This policy takes effect on January 1, 2027.",
        "Policies this replaces",
        "A breach leads to a final written warning.",
    ] {
        assert!(md.contains(expected), "missing {expected:?}");
    }
    for calque in [
        "by analogy",
        "Supplementary provisions",
        "Entry into force",
        "Demerit",
        "General Manager",
        "CNY",
        "Beijing",
        " shall ",
        "isation",
        "junior college",
    ] {
        assert!(!md.contains(calque), "the English preset still says {calque:?}");
    }
}

/// Rules sat in unnumbered table rows, so nobody could cite 第十六条第（三）项.
#[test]
fn discipline_rules_are_numbered_items_that_carry_their_consequence() {
    let md = markdown(&preset(Locale::ZhCn));
    let chapter = &md[md.find("第四章").expect("discipline")..md.find("第五章").expect("appraisal")];
    assert!(!chapter.contains("| 规定 |"), "{chapter}");
    assert!(
        chapter.contains("\n4. 未经批准擅自离岗或不到岗的，按旷工处理。违反本项规定的，予以记过处分。\n"),
        "{chapter}"
    );
    assert!(chapter.contains("违反本项规定且情节严重的，公司可依法解除劳动合同。"), "{chapter}");
}
