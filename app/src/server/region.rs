//! Repository of the portal's region.

use sqlx::PgExecutor;

use crate::api::portal::RegionInfo;

/// Reads the configured region, if any.
pub async fn fetch_region(db: impl PgExecutor<'_>) -> sqlx::Result<Option<RegionInfo>> {
    let row: Option<(String, bool)> =
        sqlx::query_as("SELECT name, is_demo FROM region WHERE id = 1")
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(name, is_demo)| RegionInfo { name, is_demo }))
}

/// Creates the region if none is configured yet; an existing one is left as it is.
pub async fn insert_region_if_absent(
    db: impl PgExecutor<'_>,
    name: &str,
    is_demo: bool,
) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "INSERT INTO region (id, name, is_demo) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(name)
    .bind(is_demo)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}
