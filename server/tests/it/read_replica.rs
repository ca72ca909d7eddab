//! `DATABASE_READ_URL`: public reads that may lag (search, the open data figures) go to the
//! read pool, while the catalogue and everything a user writes stay on the primary. Here the
//! "replica" is a second database that has the schema but not the demo region, so where each
//! answer comes from shows in what it contains.

use crate::common;

use common::{body_text, get};
use serde_json::Value;
use sqlx::{postgres::PgPoolOptions, Executor, PgPool};

/// A migrated, empty database next to the test's own, standing in for a replica.
async fn empty_replica(primary: &PgPool) -> (PgPool, String) {
    // The test's own database name is already at PostgreSQL's 63-character limit.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!("knd_replica_{}_{nanos}", std::process::id());
    primary
        .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
        .await
        .unwrap();
    let options = primary.connect_options().as_ref().clone().database(&name);
    let replica = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .unwrap();
    sqlx::migrate!("../migrations").run(&replica).await.unwrap();
    (replica, name)
}

/// How many entries an API answer lists (a plain array, or a page's `items`).
async fn array_len(app: &axum::Router, path: &str) -> usize {
    let response = get(app, path).await;
    assert_eq!(response.status(), 200, "{path}");
    let value: Value = serde_json::from_str(&body_text(response).await).unwrap();
    value
        .as_array()
        .or_else(|| value["items"].as_array())
        .unwrap_or_else(|| panic!("{path}: {value}"))
        .len()
}

#[sqlx::test(migrations = "../migrations")]
async fn public_reads_go_to_the_read_pool_and_the_catalogue_to_the_primary(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let (replica, name) = empty_replica(&pool).await;

    // The default: the read pool is the primary, so search finds the demo region.
    let same = common::router(pool.clone());
    assert!(array_len(&same, "/api/v1/search?q=пожарн").await >= 5);
    assert!(array_len(&same, "/api/v1/ratings/bodies").await >= 1);

    let mut state = common::state(pool.clone());
    state.read_pool = replica.clone();
    let split = server::http::router(state, &common::config(None));
    // Search and the rating figures are read from the (empty) replica...
    assert_eq!(array_len(&split, "/api/v1/search?q=пожарн").await, 0);
    assert_eq!(array_len(&split, "/api/v1/ratings/bodies").await, 0);
    // ...the catalogue from the primary, whatever the replica holds.
    assert!(array_len(&split, "/api/v1/control-kinds").await >= 5);
    let page = get(&split, "/kinds/chs-nadzor").await;
    assert_eq!(page.status(), 200);
    assert!(body_text(page).await.contains("<h1"));

    replica.close().await;
    pool.execute(format!(r#"DROP DATABASE "{name}" WITH (FORCE)"#).as_str())
        .await
        .unwrap();
}
