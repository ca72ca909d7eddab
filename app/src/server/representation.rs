//! Repository of representation requests and invitations. A decision flips a pending request
//! exactly once (`WHERE status = 'pending'`), so two deciders at once cannot both act, and an
//! approval grants the `business` membership in the same transaction.

use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::account;
use crate::domain::{account::Role, representation::Status};

/// A request as the requester and the deciders see it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Request {
    pub id: Uuid,
    pub user_id: Uuid,
    pub organisation_id: Uuid,
    pub status: String,
    pub origin: String,
    pub note: String,
    pub decision_reason: String,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub organisation_name: String,
    pub organisation_kind: String,
    pub inn: Option<String>,
    pub ogrn: Option<String>,
    /// Whether the organisation was known before this claim (from the register or checked).
    pub verified: bool,
    pub requester_name: String,
    pub requester_email: String,
}

impl Request {
    pub fn status(&self) -> Status {
        // The table's CHECK admits only known statuses.
        Status::parse(&self.status).unwrap_or(Status::Pending)
    }
}

const SELECT: &str = "SELECT r.id, r.user_id, r.organisation_id, r.status, r.origin, r.note,
        r.decision_reason, to_char(r.created_at, 'YYYY-MM-DD\"T\"HH24:MI:SSOF') AS created_at,
        to_char(r.decided_at, 'YYYY-MM-DD\"T\"HH24:MI:SSOF') AS decided_at,
        o.name AS organisation_name, o.kind AS organisation_kind, o.inn, o.ogrn, o.verified,
        u.display_name AS requester_name, u.email AS requester_email
    FROM representation_request r
    JOIN organisation o ON o.id = r.organisation_id
    JOIN app_user u ON u.id = r.user_id";

/// Creating a request failed.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// The user already has a pending request for this organisation.
    #[error("a request is already pending")]
    AlreadyPending,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A new pending request.
pub async fn create_request(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    organisation_id: Uuid,
    origin: &str,
    note: &str,
) -> Result<Uuid, CreateError> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO representation_request (id, user_id, organisation_id, origin, note)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(user_id)
    .bind(organisation_id)
    .bind(origin)
    .bind(note)
    .execute(db)
    .await
    .map_err(|error| match &error {
        // Decided by the constraint's name, never by the message text.
        sqlx::Error::Database(e) if e.constraint() == Some("representation_request_open_key") => {
            CreateError::AlreadyPending
        }
        _ => CreateError::Db(error),
    })?;
    Ok(id)
}

pub async fn find_request(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Request>> {
    sqlx::query_as(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The user's requests, newest first: what the cabinet shows beside the approved memberships.
pub async fn list_for_user(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<Vec<Request>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE r.user_id = $1 ORDER BY r.created_at DESC, r.id DESC"
    ))
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// Pending requests a decider may decide: every one for the admin, else those of the
/// organisations the decider represents (never the decider's own). Oldest first.
pub async fn queue(
    db: impl PgExecutor<'_>,
    decider: Uuid,
    everything: bool,
    organisations: &[Uuid],
) -> sqlx::Result<Vec<Request>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE r.status = 'pending' AND r.user_id <> $1
           AND ($2 OR r.organisation_id = ANY($3))
         ORDER BY r.created_at, r.id"
    ))
    .bind(decider)
    .bind(everything)
    .bind(organisations)
    .fetch_all(db)
    .await
}

/// The organisations the user waits to be confirmed for.
pub async fn pending_organisations(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "SELECT organisation_id FROM representation_request
         WHERE user_id = $1 AND status = 'pending'",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// What a decision changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decided {
    pub user_id: Uuid,
    pub organisation_id: Uuid,
}

/// Approves or declines a pending request. `None` when it is no longer pending (decided or
/// withdrawn a moment ago): nothing changes then. An approval grants the role, records who
/// granted it, and — when the admin decides — marks the organisation as checked.
pub async fn decide(
    tx: &mut PgConnection,
    request_id: Uuid,
    decider: Uuid,
    approve: bool,
    reason: &str,
    decider_is_admin: bool,
) -> sqlx::Result<Option<Decided>> {
    let status = if approve {
        Status::Approved
    } else {
        Status::Declined
    };
    let row: Option<(Uuid, Uuid)> = sqlx::query_as(
        "UPDATE representation_request
         SET status = $2, decided_by = $3, decided_at = now(), decision_reason = $4
         WHERE id = $1 AND status = 'pending'
         RETURNING user_id, organisation_id",
    )
    .bind(request_id)
    .bind(status.as_str())
    .bind(decider)
    .bind(reason)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((user_id, organisation_id)) = row else {
        return Ok(None);
    };
    if approve {
        approve_membership(tx, user_id, organisation_id, decider).await?;
        if decider_is_admin {
            sqlx::query("UPDATE organisation SET verified = true WHERE id = $1")
                .bind(organisation_id)
                .execute(&mut *tx)
                .await?;
        }
    }
    Ok(Some(Decided {
        user_id,
        organisation_id,
    }))
}

async fn approve_membership(
    tx: &mut PgConnection,
    user_id: Uuid,
    organisation_id: Uuid,
    decider: Uuid,
) -> sqlx::Result<()> {
    account::grant_role(
        &mut *tx,
        user_id,
        organisation_id,
        Role::Business,
        Some(decider),
    )
    .await?;
    account::record_role_change(
        &mut *tx,
        decider,
        user_id,
        organisation_id,
        Role::Business,
        true,
    )
    .await
}

/// The requester takes a pending request back; `false` when there was none of theirs pending.
pub async fn withdraw(
    db: impl PgExecutor<'_>,
    request_id: Uuid,
    user_id: Uuid,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE representation_request SET status = 'withdrawn', decided_at = now(),
                decided_by = $2
         WHERE id = $1 AND user_id = $2 AND status = 'pending'",
    )
    .bind(request_id)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// An invitation as its link shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Invitation {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub email: String,
    pub expires_at: String,
    /// Neither accepted, revoked nor expired.
    pub open: bool,
}

/// Stores an invitation; only the token's hash is kept.
pub async fn create_invitation(
    db: impl PgExecutor<'_>,
    organisation_id: Uuid,
    email: &str,
    token_hash: &[u8],
    invited_by: Uuid,
    days: i64,
) -> sqlx::Result<String> {
    sqlx::query_scalar(
        "INSERT INTO representation_invitation
             (id, organisation_id, email, token_hash, invited_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6::int))
         RETURNING to_char(expires_at, 'YYYY-MM-DD\"T\"HH24:MI:SSOF')",
    )
    .bind(Uuid::now_v7())
    .bind(organisation_id)
    .bind(email)
    .bind(token_hash)
    .bind(invited_by)
    .bind(days)
    .fetch_one(db)
    .await
}

pub async fn find_invitation(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
) -> sqlx::Result<Option<Invitation>> {
    sqlx::query_as(
        "SELECT i.id, i.organisation_id, o.name AS organisation_name, i.email,
                to_char(i.expires_at, 'YYYY-MM-DD\"T\"HH24:MI:SSOF') AS expires_at,
                (i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()) AS open
         FROM representation_invitation i JOIN organisation o ON o.id = i.organisation_id
         WHERE i.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// Accepts an open invitation for this user (whose e-mail it must name): the user becomes a
/// representative, granted by whoever invited them, and a request records how. `None` when
/// the invitation is not open any more or names another e-mail.
pub async fn accept_invitation(
    tx: &mut PgConnection,
    token_hash: &[u8],
    user_id: Uuid,
    email: &str,
) -> sqlx::Result<Option<Uuid>> {
    let row: Option<(Uuid, Option<Uuid>)> = sqlx::query_as(
        "UPDATE representation_invitation SET accepted_by = $2, accepted_at = now()
         WHERE token_hash = $1 AND email = $3
           AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
         RETURNING organisation_id, invited_by",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(email)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((organisation_id, invited_by)) = row else {
        return Ok(None);
    };
    // An open request of the same user is settled by the invitation.
    sqlx::query(
        "UPDATE representation_request SET status = 'withdrawn', decided_at = now(),
                decided_by = $1
         WHERE user_id = $1 AND organisation_id = $2 AND status = 'pending'",
    )
    .bind(user_id)
    .bind(organisation_id)
    .execute(&mut *tx)
    .await?;
    let decider = invited_by.unwrap_or(user_id);
    sqlx::query(
        "INSERT INTO representation_request
             (id, user_id, organisation_id, status, origin, decided_by, decided_at)
         VALUES ($1, $2, $3, 'approved', 'invitation', $4, now())",
    )
    .bind(Uuid::now_v7())
    .bind(user_id)
    .bind(organisation_id)
    .bind(invited_by)
    .execute(&mut *tx)
    .await?;
    approve_membership(tx, user_id, organisation_id, decider).await?;
    Ok(Some(organisation_id))
}

/// A fresh invitation token (two v4 UUIDs: 244 bits from the system's random source) and the
/// SHA-256 hash that is stored instead of it.
pub fn new_token() -> (String, Vec<u8>) {
    let token = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.trim().as_bytes()).to_vec()
}
