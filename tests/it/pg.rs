//! The throw-away PostgreSQL cluster of the tests (`benches/support/pg_cluster.rs`,
//! shared with the store benchmark): one for the whole run, started on first
//! use, with a database per test; a test that restarts its server starts a
//! cluster of its own.

use std::sync::OnceLock;

#[path = "../../benches/support/pg_cluster.rs"]
mod pg_cluster;

pub use pg_cluster::{Cluster, SUPERUSER};

/// The one cluster of this test run, started on first use.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(Cluster::start)
}

/// The name of the database an address of [`Cluster::database`] names.
pub fn db_name(address: &str) -> String {
    address.split('/').nth(3).and_then(|s| s.split('?').next()).expect("a database name").to_string()
}

#[test]
fn the_cluster_answers_on_its_socket_only() {
    let cluster = cluster();
    let db = db_name(&cluster.database());
    let mut client = cluster.client(&db, SUPERUSER);
    let row = client.query_one("SELECT current_user::text, current_setting('listen_addresses')", &[]).expect("asks");
    assert_eq!((row.get::<_, String>(0), row.get::<_, String>(1)), (SUPERUSER.to_string(), String::new()));
    assert!(cluster.socket_dir().join(".s.PGSQL.5432").exists());
}
