//! Many people saving at once, as a team does: eight client processes (the
//! real CLI, one process per command) save versions of one shared policy
//! and of one policy each, for about twenty seconds against one library, on
//! a server and on a file; then on a server again, with clients killed
//! mid-save and the server restarted while they save. What each client was
//! told is compared with what the library holds afterwards.
//!
//! The shape is that of `integrity::concurrent_saves_keep_each_note_with_its_content`
//! (issue 9): each save's note names the content it saves (the policy's
//! company), so a version that holds another client's draft shows. The
//! shared policy is saved the way two editors of one draft save it:
//! `draft --from FILE` prints the draft's revision, and `save --revision N`
//! saves it only if no one replaced the draft since; the others save
//! exactly a file (`save --from`).

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use policywright_model::{self as model, Locale};
use policywright_postgres::Postgres;
use policywright_sqlite::Sqlite;
use policywright_store::{Label, Library, PolicyId, Status};

use crate::{pg, policywright_in, preset, stderr, stdout};

const CLIENTS: usize = 8;
/// What the issue asks for; the whole of `make test` has a budget, so no more.
const RUN: Duration = Duration::from_secs(20);
/// The run with faults: long enough for a restart with saves on both sides.
const FAULT_RUN: Duration = Duration::from_secs(14);
/// When, into the run with faults, the server restarts.
const RESTART_AT: Duration = Duration::from_secs(6);
/// The policy everyone saves; each client's own is `SHARED + 1 + client`.
const SHARED: PolicyId = 1;

/// Client `c`'s own policy.
fn own(c: usize) -> PolicyId {
    SHARED + 1 + c as PolicyId
}

/// A tiny xorshift generator: the clients need varied choices, not quality.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// What one command of a client ended as.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// Exit 0: the CLI said it was done; for a save, the label it printed.
    Done(String),
    /// `save --revision` refused because the draft was replaced meanwhile.
    Conflict,
    /// The server could not be reached (a restart); the message is checked.
    Unreachable,
    /// `kill -9` ended the process before it said anything.
    Killed,
}

/// A save a client asked for: the policy, and the marker that is both the
/// note and the company of the content saved.
#[derive(Debug, Clone)]
struct Save {
    policy: PolicyId,
    marker: String,
    major: bool,
    outcome: Outcome,
    /// When, into the run, the client heard the answer.
    at: Duration,
}

/// A status step a client asked for: a version of its own policy to review.
#[derive(Debug, Clone)]
struct Step {
    policy: PolicyId,
    label: String,
    outcome: Outcome,
}

/// Everything the clients asked for and were told.
#[derive(Debug, Default)]
struct Log {
    saves: Vec<Save>,
    steps: Vec<Step>,
    /// Drafts replaced by `draft --from`, refused or not.
    drafts: usize,
}

/// The faults a run suffers, and what it is allowed to see because of them.
#[derive(Clone, Copy)]
struct Faults {
    /// One command in `kill_one_in` is killed with SIGKILL while it runs.
    kill_one_in: u64,
    /// When into the run the server restarts; the commands that ran across
    /// it may find the server gone.
    restart: Option<Duration>,
}

const NO_FAULTS: Faults = Faults { kill_one_in: 0, restart: None };

/// One race at a time: two would be sixteen clients on the machine, and the
/// other tests of the run share it too.
static ONE_RACE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// One library and the folder the clients work in.
struct Team {
    dir: tempfile::TempDir,
    /// `--db`: the file, or the server's address, which is also how
    /// messages name the library.
    db: String,
}

impl Team {
    /// The library with the shared policy and one policy per client.
    fn new(db: Option<String>) -> Team {
        let dir = tempfile::tempdir().expect("tmp");
        let db = db.unwrap_or_else(|| dir.path().join("team.sqlite").display().to_string());
        let team = Team { db, dir };
        let start = team.path().join("start.policy.json");
        std::fs::write(&start, model::to_json(&preset(Locale::En))).expect("writes");
        for id in 0..=CLIENTS {
            let out = team.cli(&["import", "start.policy.json"], None);
            assert_eq!(stdout(&out), format!("{}\n", SHARED + id as PolicyId), "{}", stderr(&out));
        }
        team
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs the CLI; with `kill_after`, SIGKILLs it then if it still runs.
    fn cli(&self, args: &[impl AsRef<std::ffi::OsStr>], kill_after: Option<Duration>) -> Output {
        let mut child = policywright_in(self.path())
            .args(["--db", &self.db])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the CLI starts");
        if let Some(after) = kill_after {
            std::thread::sleep(after);
            // Not yet waited for, so the pid is still this child's; one
            // that has ended already is left as it is.
            let _ = child.kill();
        }
        child.wait_with_output().expect("the CLI ends")
    }

    fn open(&self) -> Library {
        if policywright_postgres::is_address(&self.db) {
            Library::new(Box::new(Postgres::connect(&self.db).expect("connects")))
        } else {
            Library::new(Box::new(Sqlite::open(Path::new(&self.db)).expect("opens")))
        }
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// Writes the policy file a client saves, its company the marker.
fn policy_file(dir: &Path, marker: &str) -> String {
    let mut policy = preset(Locale::En);
    policy.document.company = marker.to_string();
    let name = format!("{}.policy.json", marker.replace(' ', "-"));
    std::fs::write(dir.join(&name), model::to_json(&policy)).expect("writes");
    name
}

/// What a command's output says, checked against the only messages a
/// client may see: success, the refusal of a replaced draft, and (across a
/// restart) a server that cannot be reached, which names the library and
/// says that nothing was saved.
fn outcome(team: &Team, out: &Output, conflict_of: Option<(PolicyId, u64)>, across_restart: bool) -> Outcome {
    // A command killed after it printed its answer was done, as far as the
    // person who read the answer knows.
    if out.status.code() == Some(0) || (out.status.signal() == Some(9) && !out.stdout.is_empty()) {
        return Outcome::Done(stdout(out));
    }
    if out.status.signal() == Some(9) {
        return Outcome::Killed;
    }
    let text = stderr(out);
    if let Some((id, revision)) = conflict_of
        && out.status.code() == Some(1)
    {
        let current = text
            .strip_prefix(&format!("error: the draft of policy {id} was replaced meanwhile (it is at revision "))
            .and_then(|rest| rest.split_once(',').map(|(n, _)| n))
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("a refused save does not name the conflict: {text}"));
        // Who and when: the server's user, or on a file "someone" (the
        // CLI's `draft` gives no name), at a minute in UTC.
        let named = text
            .split_once("), by ")
            .and_then(|(_, rest)| rest.split_once("; nothing was saved"))
            .map(|(who_when, _)| who_when.to_string())
            .unwrap_or_else(|| panic!("a refused save does not name who replaced the draft: {text}"));
        assert!(named.ends_with(" UTC") && named.contains(" at "), "{text}");
        assert_eq!(
            text,
            format!(
                "error: the draft of policy {id} was replaced meanwhile (it is at revision {current}, not {revision}), \
                 by {named}; nothing was saved\n  hint: look at the draft again, or save exactly your file with \
                 `policywright save {id} --from FILE`\n"
            )
        );
        assert!(current > revision, "the draft went back from revision {revision} to {current}");
        return Outcome::Conflict;
    }
    assert!(across_restart, "a command failed with the server up ({}): {text}", out.status);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.starts_with(&format!("error: cannot reach the library server {}: ", team.db)), "{text}");
    assert!(
        text.ends_with(
            "hint: check that the server is running and the address is right; an action the connection broke off \
             is either all there or not there at all (look at the history before saving again), and the next step \
             connects again\n"
        ),
        "{text}"
    );
    Outcome::Unreachable
}

/// One client: until `until`, saves of the shared policy (through its draft
/// and revision, or a file) and of its own, and now and then its own
/// newest version sent for review.
fn client(team: &Team, c: usize, seed: u64, started: Instant, until: Instant, faults: Faults) -> Log {
    let mut rng = Rng(seed ^ (0x9E37_79B9_7F4A_7C15u64.wrapping_mul(c as u64 + 1)) | 1);
    let mine = own(c);
    let mut log = Log::default();
    // How long this client's commands take, so that a kill lands while one
    // runs, whatever the machine's speed: a running mean, in microseconds.
    let mut mean_us = 50_000u64;
    let mut own_newest: Option<String> = None;
    let restart = faults.restart.map(|at| started + at);
    for k in 0u64.. {
        if Instant::now() >= until {
            break;
        }
        // Each client goes round the same eight steps, from a place of its
        // own: four saves of the shared draft at a revision, two of a file
        // into its own policy, one into the shared policy, and a review
        // step, so that every kind runs however few rounds a slow machine
        // allows.
        let step = (k + c as u64) % 8;
        let major = rng.below(8) == 0;
        let mut run = |team: &Team, args: Vec<String>, conflict_of: Option<(PolicyId, u64)>| -> Outcome {
            let kill = faults.kill_one_in > 0 && rng.below(faults.kill_one_in) == 0;
            let kill_after = kill.then(|| Duration::from_micros(mean_us * (20 + rng.below(90)) / 100));
            let began = Instant::now();
            let out = team.cli(&args, kill_after);
            let took = began.elapsed();
            if !kill {
                mean_us = (mean_us * 7 + took.as_micros() as u64) / 8;
            }
            // Which commands a restart may have failed: those that ran
            // across it, or began within seconds after it was asked for.
            let across = restart.is_some_and(|r| began < r + Duration::from_secs(5) && began + took > r);
            outcome(team, &out, conflict_of, across)
        };
        let marker = format!("client {c} save {k}");
        let author = format!("client {c}");
        // `save ID HOW… --note MARKER --author AUTHOR`, a major step now and then.
        let save = |id: PolicyId, how: [&str; 2]| {
            let id = id.to_string();
            let mut args = strings(&["save", &id, how[0], how[1], "--note", &marker, "--author", &author]);
            if major {
                args.push("--major".to_string());
            }
            args
        };
        match step {
            // The shared draft, then a save of that revision of it.
            0 | 2 | 4 | 6 => {
                let file = policy_file(team.path(), &marker);
                let shared = SHARED.to_string();
                let drafted = run(team, strings(&["draft", &shared, "--from", &file]), None);
                log.drafts += 1;
                let Outcome::Done(said) = drafted else { continue };
                let revision: u64 = said
                    .strip_prefix(&format!("draft of policy {SHARED} replaced from {file} (revision "))
                    .and_then(|r| r.strip_suffix(")\n"))
                    .and_then(|r| r.parse().ok())
                    .unwrap_or_else(|| panic!("draft says no revision: {said}"));
                let args = save(SHARED, ["--revision", &revision.to_string()]);
                let outcome = run(team, args, Some((SHARED, revision)));
                log.saves.push(Save { policy: SHARED, marker, major, outcome, at: started.elapsed() });
            }
            // Exactly a file, into the shared policy or this client's own.
            1 | 3 | 5 => {
                let id = if step == 5 { SHARED } else { mine };
                let file = policy_file(team.path(), &marker);
                let args = save(id, ["--from", &file]);
                let outcome = run(team, args, None);
                if id == mine
                    && let Outcome::Done(label) = &outcome
                {
                    own_newest = Some(label.trim_end().to_string());
                }
                log.saves.push(Save { policy: id, marker, major, outcome, at: started.elapsed() });
            }
            // This client's newest version, sent for review.
            _ => {
                let Some(label) = own_newest.take() else { continue };
                let outcome =
                    run(team, strings(&["status", &mine.to_string(), &label, "in-review", "--by", &author]), None);
                if let Outcome::Done(said) = &outcome {
                    assert_eq!(said, &format!("version {label} of policy {mine} is now in review\n"));
                }
                log.steps.push(Step { policy: mine, label, outcome });
            }
        }
    }
    log
}

/// Eight clients against the team's library for `length`; what they were
/// told, the seed of their choices, and how long the race took.
fn race(team: &Team, length: Duration, faults: Faults, restart: impl FnOnce()) -> (Log, u64, Duration) {
    let seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0x2545_F491, |d| d.as_nanos() as u64)
            | 1;
    // A race that failed leaves the lock poisoned, not the next one unrun.
    let _one = ONE_RACE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let started = Instant::now();
    let until = started + length;
    let mut log = Log::default();
    std::thread::scope(|s| {
        let clients: Vec<_> =
            (0..CLIENTS).map(|c| s.spawn(move || client(team, c, seed, started, until, faults))).collect();
        if let Some(at) = faults.restart {
            std::thread::sleep(at);
            restart();
        }
        for (c, handle) in clients.into_iter().enumerate() {
            let part = handle.join().unwrap_or_else(|_| panic!("client {c} failed (seed {seed})"));
            log.saves.extend(part.saves);
            log.steps.extend(part.steps);
            log.drafts += part.drafts;
        }
    });
    (log, seed, started.elapsed())
}

/// What the library holds, against what the clients were told: every
/// acknowledged save is there under the label it printed, with its own
/// content and a sound hash; each policy's numbers follow one another
/// without a gap or a repeat, each by the step its save asked for; nothing
/// is there that no client asked for, nor anything refused; an
/// acknowledged review step shows. With faults, a save that was killed or
/// cut off may be there or not, but whole. The counts of what was seen.
fn verify(team: &Team, log: &Log, faults: bool) -> BTreeMap<&'static str, usize> {
    let store = team.open();
    let mut seen = BTreeMap::new();
    let mut count = |what: &'static str| *seen.entry(what).or_insert(0) += 1;
    for id in SHARED..=own(CLIENTS - 1) {
        let asked: BTreeMap<&str, &Save> =
            log.saves.iter().filter(|s| s.policy == id).map(|s| (s.marker.as_str(), s)).collect();
        let history = store.history(id).expect("history");
        let mut previous: Option<Label> = None;
        for v in &history {
            let save = asked
                .get(v.note.as_str())
                .unwrap_or_else(|| panic!("policy {id} holds version {} that no client saved: {v:?}", v.label));
            let expected = match previous {
                None => Label::FIRST,
                Some(p) if save.major => Label { major: p.major + 1, minor: 0 },
                Some(p) => Label { major: p.major, minor: p.minor + 1 },
            };
            assert_eq!(v.label, expected, "policy {id}: {} follows {previous:?}", v.label);
            previous = Some(v.label);
            assert!(!v.damaged, "policy {id} version {} is damaged", v.label);
            // Read back against its hash, and its content is its note's.
            let (info, content) = store.version(id, &v.label.to_string()).expect("reads back against its hash");
            assert_eq!(content.document.company, v.note, "policy {id} version {} holds another draft", v.label);
            assert_eq!(model::content_hash(&content), info.content_hash);
            match &save.outcome {
                Outcome::Done(label) => assert_eq!(label, &format!("{}\n", v.label), "{}", v.note),
                Outcome::Conflict => panic!("a refused save was kept: policy {id} version {}", v.label),
                // The commit arrived, its answer did not.
                Outcome::Killed => {
                    assert!(faults, "{save:?}");
                    count("kept though killed before it answered");
                }
                // The commit arrived and the connection broke before its
                // answer: the client said it may or may not be there, and it is.
                Outcome::Unreachable => {
                    assert!(faults, "{save:?}");
                    count("kept though the connection broke before the answer");
                }
            }
        }
        for save in asked.values() {
            match &save.outcome {
                Outcome::Done(label) => {
                    assert!(
                        history.iter().any(|v| format!("{}\n", v.label) == *label && v.note == save.marker),
                        "acknowledged save lost: policy {id} {label}{}",
                        save.marker
                    );
                    count("acknowledged saves");
                }
                Outcome::Conflict => count("refused saves"),
                Outcome::Unreachable => count("saves cut off"),
                Outcome::Killed => count("saves killed"),
            }
        }
        // Review steps: acknowledged ones show, and only asked-for ones do.
        for v in &history {
            let steps: Vec<&Step> =
                log.steps.iter().filter(|s| s.policy == id && s.label == v.label.to_string()).collect();
            let acknowledged = steps.iter().any(|s| matches!(s.outcome, Outcome::Done(_)));
            match v.status {
                Status::InReview => assert!(!steps.is_empty(), "policy {id} {} is in review unasked", v.label),
                Status::Draft => assert!(!acknowledged, "policy {id} {}: an acknowledged review step lost", v.label),
                other => panic!("policy {id} {} is {other:?}", v.label),
            }
        }
        assert_eq!(store.check(id).expect("checks"), [], "policy {id}");
    }
    count_steps(log, &mut count);
    // The draft ends as a client left it: one of theirs, whole.
    let draft = store.draft(SHARED).expect("draft");
    assert!(draft.document.company.starts_with("client "), "{}", draft.document.company);
    seen
}

fn count_steps(log: &Log, count: &mut impl FnMut(&'static str)) {
    for step in &log.steps {
        count(match step.outcome {
            Outcome::Done(_) => "acknowledged review steps",
            Outcome::Killed => "review steps killed",
            _ => "review steps cut off",
        });
    }
}

/// The CLI's own checks, as a person would run them afterwards: `library
/// check` reads every version against its hash, `history` marks nothing
/// damaged, and the newest version of the shared policy exports.
fn cli_checks(team: &Team) {
    let checked = team.cli(&["library", "check"], None);
    let policies = CLIENTS + 1;
    assert_eq!(
        stdout(&checked),
        format!("{}: the file and the trails of its {policies} policies are sound\n", team.db),
        "{}",
        stderr(&checked)
    );
    let store = team.open();
    for id in SHARED..=own(CLIENTS - 1) {
        let history = team.cli(&["history", &id.to_string()], None);
        assert_eq!(history.status.code(), Some(0), "{}", stderr(&history));
        let text = stdout(&history);
        assert_eq!(text.lines().count(), store.history(id).expect("history").len(), "{text}");
        assert!(!text.contains("[damaged"), "{text}");
    }
    let Some((newest, policy)) = store.latest(SHARED).expect("latest") else {
        panic!("the shared policy has no version")
    };
    let out = team.cli(&["export", "1", "--format", "md", "-o", "newest.md"], None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let exported = std::fs::read_to_string(team.path().join("newest.md")).expect("the export");
    assert!(exported.contains(&policy.document.company), "version {} exported without its content", newest.label);
}

fn report(what: &str, seed: u64, took: Duration, seen: &BTreeMap<&str, usize>, log: &Log) {
    eprintln!("{what} (seed {seed}): {:.1} s, {} drafts replaced, {seen:?}", took.as_secs_f64(), log.drafts);
}

/// Assertions that the run tested something: conflicts happened, saves
/// interleaved on the shared policy, and each client saved.
fn assert_it_raced(seen: &BTreeMap<&str, usize>, log: &Log) {
    assert!(seen.get("refused saves").is_some_and(|&n| n > 0), "no save was ever refused: {seen:?}");
    for c in 0..CLIENTS {
        let mine = own(c);
        assert!(
            log.saves.iter().any(|s| s.policy == mine && matches!(s.outcome, Outcome::Done(_))),
            "client {c} saved nothing of its own"
        );
    }
    let shared_savers: std::collections::BTreeSet<&str> = log
        .saves
        .iter()
        .filter(|s| s.policy == SHARED && matches!(s.outcome, Outcome::Done(_)))
        .filter_map(|s| s.marker.split(" save").next())
        .collect();
    assert!(shared_savers.len() >= CLIENTS / 2, "few clients saved the shared policy: {shared_savers:?}");
}

#[test]
fn eight_clients_saving_at_once_on_a_server_lose_nothing_and_conflicts_are_named() {
    let team = Team::new(Some(pg::cluster().database()));
    let (log, seed, took) = race(&team, RUN, NO_FAULTS, || {});
    let seen = verify(&team, &log, false);
    report("server", seed, took, &seen, &log);
    assert_it_raced(&seen, &log);
    rows_are_whole(&mut pg::cluster().client(&pg::db_name(&team.db), pg::SUPERUSER));
    cli_checks(&team);
}

#[test]
fn eight_clients_saving_at_once_on_a_file_lose_nothing_and_conflicts_are_named() {
    let team = Team::new(None);
    let (log, seed, took) = race(&team, RUN, NO_FAULTS, || {});
    let seen = verify(&team, &log, false);
    report("file", seed, took, &seen, &log);
    assert_it_raced(&seen, &log);
    cli_checks(&team);
}

/// What a server holds, read as raw rows: every version's content hashes
/// to its recorded hash, each policy's versions and status changes fill
/// the places 1, 2, 3, … of its trail without a gap or a repeat and end at
/// the policy's head, and each version's status changes follow one another
/// from draft. Nothing half-written is visible.
fn rows_are_whole(client: &mut postgres::Client) {
    let bad: i64 = client
        .query_one(
            "SELECT count(*) FROM versions WHERE content_hash <> encode(sha256(convert_to(content, 'UTF8')), 'hex')",
            &[],
        )
        .expect("hashes")
        .get(0);
    assert_eq!(bad, 0, "versions whose content does not match their hash");
    for row in client.query("SELECT id, trail_seq, trail_head FROM policies ORDER BY id", &[]).expect("policies") {
        let (id, head_seq, head): (i64, i64, String) = (row.get(0), row.get(1), row.get(2));
        let places: Vec<(i64, String)> = client
            .query(
                "SELECT seq, chain_hash FROM versions WHERE policy_id = $1
                 UNION ALL SELECT seq, chain_hash FROM status_events WHERE policy_id = $1 ORDER BY 1",
                &[&id],
            )
            .expect("places")
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let seqs: Vec<i64> = places.iter().map(|p| p.0).collect();
        assert_eq!(seqs, (1..=head_seq).collect::<Vec<_>>(), "policy {id}: the places of its trail");
        assert_eq!(places.last().map_or("", |p| p.1.as_str()), head, "policy {id}: the head of its trail");
        let steps = client
            .query(
                "SELECT e.version_id, e.from_status, e.to_status FROM status_events e
                 JOIN versions v ON v.id = e.version_id AND v.policy_id = e.policy_id
                 WHERE e.policy_id = $1 ORDER BY e.version_id, e.seq",
                &[&id],
            )
            .expect("steps");
        let all: i64 =
            client.query_one("SELECT count(*) FROM status_events WHERE policy_id = $1", &[&id]).expect("n").get(0);
        assert_eq!(steps.len() as i64, all, "policy {id}: a status change of another policy's version");
        let mut at: Option<(i64, String)> = None;
        for step in &steps {
            let (version, from, to): (i64, String, String) = (step.get(0), step.get(1), step.get(2));
            let current = match &at {
                Some((v, status)) if *v == version => status.clone(),
                _ => "draft".to_string(),
            };
            assert_eq!(from, current, "policy {id}: a status change of version row {version} starts elsewhere");
            at = Some((version, to));
        }
    }
}

#[test]
fn clients_killed_mid_save_and_a_server_restart_lose_nothing_acknowledged() {
    // A cluster of its own: the restart cuts every connection to it.
    let cluster = pg::Cluster::start();
    let team = Team::new(Some(cluster.database()));
    let faults = Faults { kill_one_in: 4, restart: Some(RESTART_AT) };
    let mut restarted = Duration::ZERO;
    let (log, seed, took) = race(&team, FAULT_RUN, faults, || {
        let at = Instant::now();
        cluster.restart();
        restarted = at.elapsed();
    });
    let seen = verify(&team, &log, true);
    report("server with faults", seed, took, &seen, &log);
    let mut admin = cluster.client(&pg::db_name(&team.db), pg::SUPERUSER);
    let rolled_back: i64 = admin
        .query_one("SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()", &[])
        .expect("asks")
        .get(0);
    // Refused saves roll back too; the rest were cut off by a kill or the
    // restart (a figure to read, since the statistics are kept lazily).
    eprintln!("the restart took {:.1} s; the server rolled back {rolled_back} transactions", restarted.as_secs_f64());
    rows_are_whole(&mut admin);
    cli_checks(&team);
    // It tested something: kills landed, and saves were acknowledged both
    // before and after the restart.
    assert!(seen.get("saves killed").is_some_and(|&n| n >= 5), "too few kills: {seen:?}");
    let acknowledged = |from: Duration, to: Duration| {
        log.saves.iter().filter(|s| matches!(s.outcome, Outcome::Done(_)) && s.at > from && s.at < to).count()
    };
    let (before, after) = (acknowledged(Duration::ZERO, RESTART_AT), acknowledged(RESTART_AT + restarted, took));
    assert!(before >= 5 && after >= 5, "saves acknowledged: {before} before the restart, {after} after it");
}

/// A client killed while its save waits inside the server (another session
/// holds the policy's row, so the insert stops in its trigger): the
/// server finishes the statement for no one, and the transaction, never
/// committed, leaves nothing: no version, the draft as it was, the trail
/// whole. The next save takes the number.
#[test]
fn a_client_killed_while_its_save_waits_in_the_server_leaves_nothing() {
    let cluster = pg::cluster();
    let team = Team::new(Some(cluster.database()));
    let db = pg::db_name(&team.db);
    // The draft to save; its save, `save --revision`, writes nothing
    // before the version's insert, which is where it will wait.
    let file = policy_file(team.path(), "killed mid save");
    let drafted = team.cli(&["draft", "1", "--from", &file], None);
    assert_eq!(stdout(&drafted), format!("draft of policy 1 replaced from {file} (revision 2)\n"));

    let mut holder = cluster.client(&db, pg::SUPERUSER);
    let mut hold = holder.transaction().expect("begins");
    hold.batch_execute("SELECT 1 FROM policies WHERE id = 1 FOR UPDATE").expect("holds the row");
    let mut child = policywright_in(team.path())
        .args(["--db", &team.db, "save", "1", "--revision", "2", "--note", "killed mid save", "--author", "HR"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI starts");
    let mut admin = cluster.client(&db, pg::SUPERUSER);
    // The save's backend, waiting for the row inside its insert.
    let waiting = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()
                   AND application_name = 'policywright' AND wait_event_type = 'Lock'
                   AND query LIKE 'INSERT INTO versions%'";
    let deadline = Instant::now() + Duration::from_secs(20);
    let backend: i32 = loop {
        if let Some(row) = admin.query(waiting, &[]).expect("asks").first() {
            break row.get(0);
        }
        assert!(child.try_wait().expect("asks").is_none(), "the save ended before it reached the row");
        assert!(Instant::now() < deadline, "the save never reached the row");
        std::thread::sleep(Duration::from_millis(10));
    };
    child.kill().expect("kills the client");
    let out = child.wait_with_output().expect("ends");
    assert_eq!(out.status.signal(), Some(9));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    hold.rollback().expect("lets the row go");

    // The backend finishes its insert, finds its client gone and rolls back.
    let gone = "SELECT count(*) FROM pg_stat_activity WHERE pid = $1";
    let deadline = Instant::now() + Duration::from_secs(20);
    while admin.query_one(gone, &[&backend]).expect("asks").get::<_, i64>(0) > 0 {
        assert!(Instant::now() < deadline, "the killed client's backend stays");
        std::thread::sleep(Duration::from_millis(10));
    }
    let store = team.open();
    assert!(store.history(SHARED).expect("history").is_empty());
    assert_eq!(store.draft_revision(SHARED).expect("revision"), 2);
    assert_eq!(store.draft(SHARED).expect("draft").document.company, "killed mid save");
    rows_are_whole(&mut admin);
    let again = team.cli(&["save", "1", "--revision", "2", "--note", "again", "--author", "HR"], None);
    assert_eq!((stdout(&again), again.status.code()), ("1.0\n".to_string(), Some(0)), "{}", stderr(&again));
}
