//! A throw-away PostgreSQL cluster: `initdb` into a temporary folder,
//! `pg_ctl start` on a Unix socket in it (no TCP port at all), one database
//! per user of it. A real server, no mock. The integration tests
//! (`tests/it/pg.rs`) and the store benchmark (`benches/store.rs`) include
//! this file with `#[path]`, each using its part of it.
//!
//! The test harness has no hook for "the binary is ending", so a small
//! watcher process, started with the cluster in a session of its own, waits
//! for the process that started it to go and then stops the cluster and
//! removes its folder; a killed run cleans up the same way. A cluster that
//! is dropped stops at once.
//!
//! initdb and the server refuse to run as root; as root (CI, this machine)
//! they run as the `postgres` user that Debian's package creates.

// Each includer uses a part: the benchmark never restarts a cluster.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The cluster's superuser, which the store suite connects as.
pub const SUPERUSER: &str = "postgres";

pub struct Cluster {
    /// The folder with the data and the socket.
    dir: PathBuf,
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// Where the server's programs are: Debian keeps them out of PATH, under
/// `/usr/lib/postgresql/N/bin`; the newest one there, else PATH.
fn bin(name: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| {
            dirs.filter_map(|d| d.ok()).map(|d| d.path().join("bin").join(name)).filter(|p| p.exists()).collect()
        })
        .unwrap_or_default();
    found.sort_by_key(|p| {
        p.components().rev().nth(2).and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok()).unwrap_or(0)
    });
    found.pop().unwrap_or_else(|| PathBuf::from(name))
}

/// A server program, as the `postgres` user when we are root.
fn server_command(name: &str) -> Command {
    let program = bin(name);
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(mut command: Command, what: &str) {
    let output = command.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{what} cannot start: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}): {}{}\n(is PostgreSQL installed? `.ci/setup` installs Debian's postgresql)",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl Cluster {
    /// A cluster of the caller's own, for a test that restarts it. Without
    /// fsync: a test database need not survive a power cut.
    pub fn start() -> Cluster {
        Cluster::start_with("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
    }

    /// A cluster that keeps PostgreSQL's own durability settings (fsync and
    /// synchronous commit on), for figures a company's server would give.
    pub fn start_durable() -> Cluster {
        Cluster::start_with("")
    }

    fn start_with(settings: &str) -> Cluster {
        let dir = tempfile::Builder::new().prefix("pw-pg-").tempdir().expect("temp dir").keep();
        if is_root() {
            run(
                {
                    let mut c = Command::new("chown");
                    c.arg("postgres:").arg(&dir);
                    c
                },
                "chown",
            );
        }
        let data = dir.join("data");
        let mut initdb = server_command("initdb");
        initdb.args(["-A", "trust", "-U", SUPERUSER, "-E", "UTF8", "--locale=C.UTF-8", "-D"]).arg(&data);
        run(initdb, "initdb");
        // Only the socket in our folder.
        let conf = format!(
            "\nlisten_addresses = ''\nunix_socket_directories = '{}'\nmax_connections = 100\n{settings}",
            dir.display()
        );
        let conf_path = data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf_path).expect("postgresql.conf");
        text.push_str(&conf);
        std::fs::write(&conf_path, text).expect("writes postgresql.conf");
        let mut start = server_command("pg_ctl");
        start.args(["-w", "-D"]).arg(&data).arg("-l").arg(dir.join("log")).arg("start");
        run(start, "pg_ctl start");
        watch(&dir, &data);
        Cluster { dir }
    }

    /// `pg_ctl restart`: every connection is cut, the data stays.
    pub fn restart(&self) {
        let mut restart = server_command("pg_ctl");
        restart.args(["-w", "-m", "fast", "-D"]).arg(self.dir.join("data")).arg("-l").arg(self.dir.join("log"));
        restart.arg("restart");
        run(restart, "pg_ctl restart");
    }

    /// The folder of the socket, as an address's `host`.
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// A new, empty database, and its address for the superuser.
    pub fn database(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let mut admin = self.client("postgres", SUPERUSER);
        admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("creates a database");
        self.address(&name, SUPERUSER)
    }

    /// The address of database `db` for `user`.
    pub fn address(&self, db: &str, user: &str) -> String {
        format!("postgres://{user}@/{db}?host={}", self.dir.display())
    }

    /// A raw session on database `db` as `user`, as `psql` would open one.
    pub fn client(&self, db: &str, user: &str) -> postgres::Client {
        postgres::Config::new()
            .host_path(&self.dir)
            .user(user)
            .dbname(db)
            .connect(postgres::NoTls)
            .unwrap_or_else(|e| panic!("connects to {db} as {user}: {e}"))
    }
}

impl Drop for Cluster {
    /// Stops the server and removes its folder; the watcher then finds
    /// nothing left to do.
    fn drop(&mut self) {
        let mut stop = server_command("pg_ctl");
        stop.args(["-w", "-m", "immediate", "-D"]).arg(self.dir.join("data")).arg("stop");
        // Best effort: a cluster that will not stop is the watcher's.
        let _ = stop.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Stops the cluster and removes its folder once this process has ended.
fn watch(dir: &Path, data: &Path) {
    let as_postgres = if is_root() { "runuser -u postgres -- " } else { "" };
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.2; done; {as_postgres}'{pg_ctl}' -D '{data}' -m immediate -w stop; \
         rm -rf '{dir}'",
        pid = std::process::id(),
        pg_ctl = bin("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    // `-f`: setsid forks the watcher off and returns at once.
    let started = Command::new("setsid")
        .args(["-f", "sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the cluster's watcher starts");
    assert!(started.success(), "the cluster's watcher starts: {started}");
}
