//! Repository of organisations (businesses, control bodies with their units, consulting firms,
//! the portal operator) and of the people working in them.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::{
    account::Role,
    organisation::{OrganisationKind, ValidOrganisation},
};

/// An organisation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: Uuid,
    pub kind: OrganisationKind,
    pub name: String,
    pub inn: Option<String>,
    pub ogrn: Option<String>,
    pub parent_id: Option<Uuid>,
}

type Row = (
    Uuid,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<Uuid>,
);

fn from_row((id, kind, name, inn, ogrn, parent_id): Row) -> Option<Organisation> {
    // The table's CHECK admits only known kinds.
    Some(Organisation {
        id,
        kind: OrganisationKind::parse(&kind)?,
        name,
        inn,
        ogrn,
        parent_id,
    })
}

const COLUMNS: &str = "id, kind, name, inn, ogrn, parent_id";

pub async fn find_organisation(
    db: impl PgExecutor<'_>,
    id: Uuid,
) -> sqlx::Result<Option<Organisation>> {
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM organisation WHERE id = $1"))
            .bind(id)
            .fetch_optional(db)
            .await?;
    Ok(row.and_then(from_row))
}

/// The top-level organisation registered with this ИНН.
pub async fn find_by_inn(db: impl PgExecutor<'_>, inn: &str) -> sqlx::Result<Option<Organisation>> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM organisation WHERE inn = $1 AND parent_id IS NULL"
    ))
    .bind(inn)
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(from_row))
}

/// Whether anyone holds this role in the organisation.
pub async fn has_members_with_role(
    db: impl PgExecutor<'_>,
    organisation_id: Uuid,
    role: Role,
) -> sqlx::Result<bool> {
    let (exists,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM membership WHERE organisation_id = $1 AND role = $2)",
    )
    .bind(organisation_id)
    .bind(role.as_str())
    .fetch_one(db)
    .await?;
    Ok(exists)
}

/// Inserting an organisation failed.
#[derive(Debug, thiserror::Error)]
pub enum InsertOrganisationError {
    /// Another organisation has this ИНН (or, for a unit, this name within its body).
    #[error("an organisation with this ИНН or unit name exists")]
    Duplicate,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn duplicate_or(error: sqlx::Error) -> InsertOrganisationError {
    match &error {
        // Decided by the constraint's name, never by the message text.
        sqlx::Error::Database(e)
            if matches!(
                e.constraint(),
                Some("organisation_inn_key" | "organisation_unit_name_key")
            ) =>
        {
            InsertOrganisationError::Duplicate
        }
        _ => InsertOrganisationError::Db(error),
    }
}

pub async fn insert_organisation(
    db: impl PgExecutor<'_>,
    organisation: &ValidOrganisation,
) -> Result<Uuid, InsertOrganisationError> {
    let id = Uuid::now_v7();
    sqlx::query("INSERT INTO organisation (id, kind, name, inn, ogrn) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(organisation.kind.as_str())
        .bind(&organisation.name)
        .bind(organisation.inn.as_str())
        .bind(organisation.ogrn.as_ref().map(|o| o.as_str()))
        .execute(db)
        .await
        .map_err(duplicate_or)?;
    Ok(id)
}

/// The id of the top-level organisation with this ИНН, creating it unverified when there is
/// none. Safe under concurrent claims of the same new ИНН: the loser of the insert finds the
/// winner's row (`ON CONFLICT DO NOTHING`, then a read that sees the committed row).
pub async fn find_or_insert_unverified(
    db: &mut sqlx::PgConnection,
    organisation: &ValidOrganisation,
) -> sqlx::Result<Organisation> {
    let inserted: Option<Row> = sqlx::query_as(&format!(
        "INSERT INTO organisation (id, kind, name, inn, ogrn, verified)
         VALUES ($1, $2, $3, $4, $5, false)
         ON CONFLICT (inn) WHERE parent_id IS NULL DO NOTHING
         RETURNING {COLUMNS}"
    ))
    .bind(Uuid::now_v7())
    .bind(organisation.kind.as_str())
    .bind(&organisation.name)
    .bind(organisation.inn.as_str())
    .bind(organisation.ogrn.as_ref().map(|o| o.as_str()))
    .fetch_optional(&mut *db)
    .await?;
    if let Some(found) = inserted.and_then(from_row) {
        return Ok(found);
    }
    find_by_inn(&mut *db, organisation.inn.as_str())
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Adds a unit to a control body; it has no registry numbers of its own.
pub async fn insert_unit(
    db: impl PgExecutor<'_>,
    body_id: Uuid,
    name: &str,
) -> Result<Uuid, InsertOrganisationError> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO organisation (id, kind, name, parent_id) VALUES ($1, 'control_body', $2, $3)",
    )
    .bind(id)
    .bind(name)
    .bind(body_id)
    .execute(db)
    .await
    .map_err(duplicate_or)?;
    Ok(id)
}

/// Bodies, firms and the operator with their units, bodies first, units after their body.
pub async fn list_institutions(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Organisation>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT o.{} FROM organisation o LEFT JOIN organisation p ON p.id = o.parent_id
         WHERE coalesce(p.kind, o.kind) IN ('control_body', 'consulting_firm', 'portal_operator')
         ORDER BY coalesce(p.kind, o.kind), coalesce(p.name, o.name), o.parent_id NULLS FIRST, o.name",
        COLUMNS.replace(", ", ", o.")
    ))
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().filter_map(from_row).collect())
}

/// A body and its units.
pub async fn list_body_with_units(
    db: impl PgExecutor<'_>,
    body_id: Uuid,
) -> sqlx::Result<Vec<Organisation>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM organisation WHERE id = $1 OR parent_id = $1
         ORDER BY parent_id NULLS FIRST, name"
    ))
    .bind(body_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().filter_map(from_row).collect())
}

/// Someone holding a role in an organisation, as their managers see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: Role,
}

pub async fn list_members(
    db: impl PgExecutor<'_>,
    organisation_id: Uuid,
) -> sqlx::Result<Vec<Member>> {
    let rows: Vec<(Uuid, String, String, String)> = sqlx::query_as(
        "SELECT u.id, u.display_name, u.email, m.role
         FROM membership m JOIN app_user u ON u.id = m.user_id
         WHERE m.organisation_id = $1 ORDER BY u.display_name, m.role",
    )
    .bind(organisation_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(user_id, display_name, email, role)| {
            Role::parse(&role).map(|role| Member {
                user_id,
                display_name,
                email,
                role,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use sqlx::PgPool;

    use super::*;
    use crate::domain::organisation::OrganisationForm;

    fn business(name: &str, inn_body: &str) -> ValidOrganisation {
        let inn = crate::domain::registry_number::Inn::complete(inn_body).unwrap();
        let ogrn = crate::domain::registry_number::Ogrn::complete("102270000009").unwrap();
        OrganisationForm {
            kind: "legal_entity".into(),
            name: name.into(),
            inn: inn.as_str().into(),
            ogrn: ogrn.as_str().into(),
        }
        .validate(&OrganisationKind::BUSINESS)
        .unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn one_organisation_per_inn(pool: PgPool) {
        let first = insert_organisation(&pool, &business("ООО «Первое»", "272100555"))
            .await
            .unwrap();
        let second = insert_organisation(&pool, &business("ООО «Второе»", "272100555")).await;
        assert!(matches!(second, Err(InsertOrganisationError::Duplicate)));
        let found = find_by_inn(&pool, business("x", "272100555").inn.as_str())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((found.id, found.name.as_str()), (first, "ООО «Первое»"));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn units_are_listed_after_their_body_and_named_once(pool: PgPool) {
        let body = Uuid::now_v7();
        sqlx::query("INSERT INTO organisation (id, kind, name, inn) VALUES ($1, 'control_body', 'Орган', '2721002001')")
            .bind(body)
            .execute(&pool)
            .await
            .unwrap();
        insert_unit(&pool, body, "Отдел Б").await.unwrap();
        insert_unit(&pool, body, "Отдел А").await.unwrap();
        let again = insert_unit(&pool, body, "отдел а").await;
        assert!(matches!(again, Err(InsertOrganisationError::Duplicate)));
        let names: Vec<String> = list_body_with_units(&pool, body)
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.name)
            .collect();
        assert_eq!(names, ["Орган", "Отдел А", "Отдел Б"]);
        let all = list_institutions(&pool).await.unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].id, body);
    }
}
