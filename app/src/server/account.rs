//! Repository of users, organisations and memberships.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::account::{Email, Role};

/// A user as stored, with the hash needed to check a password.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredUser {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub session_generation: i32,
}

/// A user as the rest of the app sees them (no password hash).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserProfile {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub session_generation: i32,
}

/// A role a user holds, with the organisation it is held for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    pub role: Role,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    /// The body a unit belongs to; `None` for a top-level organisation.
    pub parent_id: Option<Uuid>,
}

/// Inserting a user failed.
#[derive(Debug, thiserror::Error)]
pub enum InsertUserError {
    #[error("an account with this email exists")]
    DuplicateEmail,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Creates a user; the id is generated here (UUID v7, ordered by time).
pub async fn insert_user(
    db: impl PgExecutor<'_>,
    email: &Email,
    password_hash: &str,
    display_name: &str,
) -> Result<Uuid, InsertUserError> {
    let id = Uuid::now_v7();
    let result = sqlx::query(
        "INSERT INTO app_user (id, email, password_hash, display_name) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(email.as_str())
    .bind(password_hash)
    .bind(display_name.trim())
    .execute(db)
    .await;
    match result {
        Ok(_) => Ok(id),
        // Decided by the constraint's name, never by the message text.
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("app_user_email_key") => {
            Err(InsertUserError::DuplicateEmail)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn find_user_by_email(
    db: impl PgExecutor<'_>,
    email: &Email,
) -> sqlx::Result<Option<StoredUser>> {
    sqlx::query_as(
        "SELECT id, email, password_hash, display_name, session_generation FROM app_user
         WHERE email = $1",
    )
    .bind(email.as_str())
    .fetch_optional(db)
    .await
}

/// A user's profile, `None` when the account no longer exists.
pub async fn find_user(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
) -> sqlx::Result<Option<UserProfile>> {
    sqlx::query_as("SELECT id, email, display_name, session_generation FROM app_user WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

/// Moves the user to the next session generation, voiding every session signed in before;
/// returns the new generation.
pub async fn next_session_generation(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<i32> {
    let (generation,): (i32,) = sqlx::query_as(
        "UPDATE app_user SET session_generation = session_generation + 1 WHERE id = $1
         RETURNING session_generation",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(generation)
}

/// The id of the top-level organisation with this ИНН, creating it if there is none.
pub async fn ensure_organisation(
    db: &mut sqlx::PgConnection,
    kind: &str,
    name: &str,
    inn: &str,
    ogrn: Option<&str>,
) -> sqlx::Result<Uuid> {
    let existing: Option<(Uuid,)> =
        sqlx::query_as("SELECT id FROM organisation WHERE inn = $1 AND parent_id IS NULL")
            .bind(inn)
            .fetch_optional(&mut *db)
            .await?;
    if let Some((id,)) = existing {
        return Ok(id);
    }
    let id = Uuid::now_v7();
    sqlx::query("INSERT INTO organisation (id, kind, name, inn, ogrn) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(kind)
        .bind(name)
        .bind(inn)
        .bind(ogrn)
        .execute(&mut *db)
        .await?;
    Ok(id)
}

/// Grants a role; granting one the user already holds changes nothing.
pub async fn grant_role(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    organisation_id: Uuid,
    role: Role,
    granted_by: Option<Uuid>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO membership (user_id, organisation_id, role, granted_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(organisation_id)
    .bind(role.as_str())
    .bind(granted_by)
    .execute(db)
    .await?;
    Ok(())
}

/// Takes a role away; `false` when the user did not hold it.
pub async fn revoke_role(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    organisation_id: Uuid,
    role: Role,
) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "DELETE FROM membership WHERE user_id = $1 AND organisation_id = $2 AND role = $3",
    )
    .bind(user_id)
    .bind(organisation_id)
    .bind(role.as_str())
    .execute(db)
    .await?;
    Ok(result.rows_affected() > 0)
}

/// Records who granted or revoked which role, for accountability.
pub async fn record_role_change(
    db: impl PgExecutor<'_>,
    changed_by: Uuid,
    user_id: Uuid,
    organisation_id: Uuid,
    role: Role,
    granted: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO role_change (changed_by, user_id, organisation_id, role, granted)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(changed_by)
    .bind(user_id)
    .bind(organisation_id)
    .bind(role.as_str())
    .bind(granted)
    .execute(db)
    .await?;
    Ok(())
}

/// The roles a user holds, ordered by organisation name then role.
pub async fn list_roles(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<Vec<RoleGrant>> {
    let rows: Vec<(String, Uuid, String, Option<Uuid>)> = sqlx::query_as(
        "SELECT m.role, o.id, o.name, o.parent_id
         FROM membership m JOIN organisation o ON o.id = m.organisation_id
         WHERE m.user_id = $1 ORDER BY o.name, m.role",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(role, organisation_id, organisation_name, parent_id)| {
            // The table's CHECK admits only known roles.
            Role::parse(&role).map(|role| RoleGrant {
                role,
                organisation_id,
                organisation_name,
                parent_id,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use sqlx::PgPool;

    use super::*;

    async fn organisation(pool: &PgPool, name: &str) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO organisation (id, kind, name, inn) VALUES ($1, 'legal_entity', $2, NULL)",
        )
        .bind(id)
        .bind(name)
        .execute(pool)
        .await
        .unwrap();
        id
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_user_is_found_by_email_in_any_case(pool: PgPool) {
        let email = Email::parse("Business@Demo.knd.local").unwrap();
        let id = insert_user(&pool, &email, "$argon2id$…", " Иван Петров ")
            .await
            .unwrap();
        let found = find_user_by_email(&pool, &Email::parse("BUSINESS@demo.knd.local").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, id);
        assert_eq!(found.display_name, "Иван Петров");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_second_account_with_the_same_email_is_refused(pool: PgPool) {
        let email = Email::parse("business@demo.knd.local").unwrap();
        insert_user(&pool, &email, "h1", "Первый").await.unwrap();
        let second = insert_user(&pool, &email, "h2", "Второй").await;
        assert!(matches!(second, Err(InsertUserError::DuplicateEmail)));
        let stored = find_user_by_email(&pool, &email).await.unwrap().unwrap();
        assert_eq!(stored.password_hash, "h1", "the first account is untouched");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_database_refuses_an_unnormalised_email(pool: PgPool) {
        let result = sqlx::query(
            "INSERT INTO app_user (id, email, password_hash, display_name) VALUES ($1, 'A@B.ru', 'h', 'x')",
        )
        .bind(Uuid::now_v7())
        .execute(&pool)
        .await;
        assert!(result.is_err());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn roles_are_listed_per_organisation_and_granted_once(pool: PgPool) {
        let user = insert_user(
            &pool,
            &Email::parse("inspector@demo.knd.local").unwrap(),
            "h",
            "И",
        )
        .await
        .unwrap();
        let body = organisation(&pool, "Главное управление (демо)").await;
        let firm = organisation(&pool, "ООО «Демо Амур»").await;
        grant_role(&pool, user, body, Role::KnoStaff, None)
            .await
            .unwrap();
        grant_role(&pool, user, body, Role::KnoStaff, None)
            .await
            .unwrap();
        grant_role(&pool, user, firm, Role::Business, None)
            .await
            .unwrap();
        let roles = list_roles(&pool, user).await.unwrap();
        assert_eq!(
            roles
                .iter()
                .map(|g| (g.role, g.organisation_name.as_str()))
                .collect::<Vec<_>>(),
            vec![
                (Role::KnoStaff, "Главное управление (демо)"),
                (Role::Business, "ООО «Демо Амур»")
            ]
        );
    }
}
