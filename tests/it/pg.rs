//! A throw-away PostgreSQL cluster for the tests: `initdb` into a temporary
//! folder, `pg_ctl start` on a Unix socket in it (no TCP port at all), one
//! database per test. A real server, no mock.
//!
//! The test harness has no hook for "the binary is ending", so a small
//! watcher process, started with the cluster in a session of its own, waits
//! for this test process to go and then stops the cluster and removes its
//! folder; a killed test run cleans up the same way.
//!
//! initdb and the server refuse to run as root; as root (CI, this machine)
//! they run as the `postgres` user that Debian's package creates.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
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
    /// A cluster of the caller's own, for a test that restarts it.
    pub fn start() -> Cluster {
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
        // Only the socket in our folder; fsync off, since a test database
        // need not survive a power cut.
        let conf = format!(
            "\nlisten_addresses = ''\nunix_socket_directories = '{}'\nfsync = off\nsynchronous_commit = off\n\
             full_page_writes = off\nmax_connections = 100\n",
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

/// The one cluster of this test run, started on first use.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(Cluster::start)
}

#[test]
fn the_cluster_answers_on_its_socket_only() {
    let cluster = cluster();
    let address = cluster.database();
    let db = address.split('/').nth(3).and_then(|s| s.split('?').next()).expect("a database name").to_string();
    let mut client = cluster.client(&db, SUPERUSER);
    let row = client.query_one("SELECT current_user::text, current_setting('listen_addresses')", &[]).expect("asks");
    assert_eq!((row.get::<_, String>(0), row.get::<_, String>(1)), (SUPERUSER.to_string(), String::new()));
    assert!(cluster.socket_dir().join(".s.PGSQL.5432").exists());
}
