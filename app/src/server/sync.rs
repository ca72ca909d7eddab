//! Applying a batch of device operations exactly once. Each operation id is inserted into
//! `sync_op` in the transaction that applies it: a repeat (a retry, a second tab, a lost
//! answer) finds the row and gets the stored outcome; two sessions pushing the same id at once
//! serialise on its primary key, so one applies and the other sees the result.
//!
//! A batch is one transaction with a constant number of statements per kind of operation, not
//! per operation: that is what makes thousands of operations a second possible here.
//!
//! One bad operation must not cost the others: each kind's operations apply inside a savepoint,
//! and only when that fails for an unexpected reason (a database error that is not a validation
//! rejection) does the kind go again one operation at a time, each in its own savepoint. The one
//! that still fails is answered `retry` and its id is released, so a later push applies it.

use std::collections::HashMap;

use serde_json::Value;
use sqlx::{Acquire, PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::authz::Actor;
use super::rating;
use super::self_check;
use crate::error::AppError;
use crate::sync::{kinds, Op, Outcome, Status, MAX_BATCH};

/// An operation new to the server, for its kind's handler.
pub struct NewOp {
    pub op_id: Uuid,
    pub payload: Value,
}

/// Attempts of a batch that lost a deadlock or serialisation race before giving up.
const ATTEMPTS: usize = 5;

/// Applies the operations pushed by `actor`; one outcome per operation, in the order sent.
pub async fn push(pool: &PgPool, actor: &Actor, ops: Vec<Op>) -> Result<Vec<Outcome>, AppError> {
    if ops.len() > MAX_BATCH {
        return Err(AppError::Invalid(format!(
            "Не больше {MAX_BATCH} операций за один раз."
        )));
    }
    if ops.iter().any(|op| op.op_id.is_nil()) {
        return Err(AppError::Invalid(
            "У каждой операции должен быть идентификатор.".to_owned(),
        ));
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        match push_once(pool, actor, &ops).await {
            Ok(outcomes) => return Ok(outcomes),
            Err(e) if attempt < ATTEMPTS && is_race(&e) => {
                tracing::debug!(%e, attempt, "a sync batch lost a race; retrying");
            }
            Err(e) => return Err(AppError::internal("applying a sync batch", e)),
        }
    }
}

/// A deadlock or a serialisation failure: retrying the whole batch is safe.
fn is_race(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "40P01" || code == "40001")
}

async fn push_once(pool: &PgPool, actor: &Actor, ops: &[Op]) -> Result<Vec<Outcome>, sqlx::Error> {
    // The first occurrence of each id is the one applied; a repeat inside the batch is a
    // duplicate of it. Ids go to the database in order, so concurrent batches lock alike.
    let mut unique: Vec<&Op> = Vec::with_capacity(ops.len());
    for op in ops {
        if !unique.iter().any(|u| u.op_id == op.op_id) {
            unique.push(op);
        }
    }
    unique.sort_by_key(|op| op.op_id);
    let ids: Vec<Uuid> = unique.iter().map(|op| op.op_id).collect();
    let op_kinds: Vec<&str> = unique.iter().map(|op| op.kind.as_str()).collect();

    let mut tx = pool.begin().await?;
    let inserted: Vec<(Uuid,)> = sqlx::query_as(
        "INSERT INTO sync_op (op_id, user_id, kind)
         SELECT op_id, $2, kind FROM UNNEST($1::uuid[], $3::text[]) AS o (op_id, kind)
         ORDER BY op_id
         ON CONFLICT (op_id) DO NOTHING
         RETURNING op_id",
    )
    .bind(&ids)
    .bind(actor.user_id)
    .bind(&op_kinds)
    .fetch_all(&mut *tx)
    .await?;
    let inserted: std::collections::HashSet<Uuid> = inserted.into_iter().map(|(id,)| id).collect();

    let mut outcomes: HashMap<Uuid, Outcome> = HashMap::with_capacity(unique.len());
    let seen: Vec<Uuid> = ids
        .iter()
        .copied()
        .filter(|id| !inserted.contains(id))
        .collect();
    if !seen.is_empty() {
        for outcome in stored_outcomes(&mut tx, actor.user_id, &seen).await? {
            outcomes.insert(outcome.op_id, outcome);
        }
    }

    let mut by_kind: HashMap<&str, Vec<NewOp>> = HashMap::new();
    for op in unique.iter().filter(|op| inserted.contains(&op.op_id)) {
        by_kind.entry(op.kind.as_str()).or_default().push(NewOp {
            op_id: op.op_id,
            payload: op.payload.clone(),
        });
    }
    let mut fresh = Vec::with_capacity(inserted.len());
    for (kind, new_ops) in by_kind {
        fresh.extend(apply_kind(&mut tx, actor, kind, new_ops).await?);
    }
    release_retried(&mut tx, &fresh).await?;
    record_outcomes(&mut tx, &fresh).await?;
    tx.commit().await?;
    for outcome in fresh {
        outcomes.insert(outcome.op_id, outcome);
    }

    // Answer in the order sent; a repeat inside the batch answers as a duplicate.
    let mut answered = std::collections::HashSet::new();
    Ok(ops
        .iter()
        .map(|op| {
            let mut outcome = outcomes
                .get(&op.op_id)
                .cloned()
                .unwrap_or_else(|| Outcome::rejected(op.op_id, "Операция не обработана."));
            if !answered.insert(op.op_id) && outcome.status == Status::Applied {
                outcome.status = Status::Duplicate;
            }
            outcome
        })
        .collect())
}

/// Applies one kind's new operations. Fast path: the kind's handler, with its constant number of
/// statements, inside one savepoint. If that fails unexpectedly, the savepoint is rolled back and
/// the operations go one by one, each in its own savepoint, so only the faulty one is lost —
/// answered `retry`, its detail in the log.
async fn apply_kind(
    tx: &mut Transaction<'static, Postgres>,
    actor: &Actor,
    kind: &str,
    ops: Vec<NewOp>,
) -> Result<Vec<Outcome>, sqlx::Error> {
    if handler_of(kind).is_none() {
        return Ok(ops
            .into_iter()
            .map(|op| Outcome::rejected(op.op_id, "Неизвестный вид операции."))
            .collect());
    }
    let backup: Vec<(Uuid, Value)> = ops
        .iter()
        .map(|op| (op.op_id, op.payload.clone()))
        .collect();
    match in_savepoint(tx, actor, kind, ops).await? {
        Ok(outcomes) => return Ok(outcomes),
        Err(error) => {
            tracing::warn!(
                %error, kind, operations = backup.len(),
                "a sync batch failed unexpectedly; applying its operations one by one"
            );
        }
    }
    let mut outcomes = Vec::with_capacity(backup.len());
    for (op_id, payload) in backup {
        match in_savepoint(tx, actor, kind, vec![NewOp { op_id, payload }]).await? {
            Ok(applied) => outcomes.extend(applied),
            Err(error) => {
                tracing::error!(%error, %op_id, kind, "a sync operation failed; answered retry");
                outcomes.push(Outcome::retry(op_id));
            }
        }
    }
    Ok(outcomes)
}

/// Runs the kind's handler inside a savepoint. `Ok(Err(_))` is an unexpected failure that was
/// rolled back to the savepoint (the transaction goes on); `Err(_)` ends the batch: a lost race
/// (the whole batch is retried) or a broken connection.
async fn in_savepoint(
    tx: &mut Transaction<'static, Postgres>,
    actor: &Actor,
    kind: &str,
    ops: Vec<NewOp>,
) -> Result<Result<Vec<Outcome>, sqlx::Error>, sqlx::Error> {
    let mut savepoint = tx.begin().await?;
    let result = match kind {
        kinds::RATING_SUBMIT => rating::apply_submissions(&mut savepoint, actor, ops).await,
        kinds::SELF_CHECK_SUBMIT => self_check::apply_submissions(&mut savepoint, actor, ops).await,
        kinds::REQUIREMENT_EVALUATE => {
            self_check::apply_evaluations(&mut savepoint, actor, ops).await
        }
        _ => unreachable!("apply_kind checks the kind first"),
    };
    match result {
        Ok(outcomes) => {
            savepoint.commit().await?;
            Ok(Ok(outcomes))
        }
        Err(error) if isolatable(&error) => {
            savepoint.rollback().await?;
            Ok(Err(error))
        }
        Err(error) => Err(error),
    }
}

/// The kinds this server applies.
fn handler_of(kind: &str) -> Option<&'static str> {
    [
        kinds::RATING_SUBMIT,
        kinds::SELF_CHECK_SUBMIT,
        kinds::REQUIREMENT_EVALUATE,
    ]
    .into_iter()
    .find(|k| *k == kind)
}

/// An error that concerns the statements that raised it, not the connection or the batch: a
/// database error other than a lost race, or a value the code could not read. Rolling back to
/// a savepoint clears it.
fn isolatable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(_) => !is_race(error),
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Configuration(_) => false,
        _ => true,
    }
}

/// Operations answered `retry` leave no trace: their ids are deleted from `sync_op` (taken at the
/// start of the batch), so the next push of the same id applies it.
async fn release_retried(
    tx: &mut Transaction<'static, Postgres>,
    outcomes: &[Outcome],
) -> Result<(), sqlx::Error> {
    let ids: Vec<Uuid> = outcomes
        .iter()
        .filter(|o| o.status == Status::Retry)
        .map(|o| o.op_id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query("DELETE FROM sync_op WHERE op_id = ANY($1)")
        .bind(&ids)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A row of `sync_op`: id, sender, status, result, reason.
type StoredOp = (Uuid, Uuid, String, Option<Value>, Option<String>);

/// The outcomes stored for operations applied earlier. An id another user sent is refused
/// without telling what it carried.
async fn stored_outcomes(
    tx: &mut Transaction<'static, Postgres>,
    user_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<Outcome>, sqlx::Error> {
    let rows: Vec<StoredOp> = sqlx::query_as(
        "SELECT op_id, user_id, status, result, reason FROM sync_op WHERE op_id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(op_id, owner, status, result, reason)| {
            if owner != user_id {
                Outcome::rejected(
                    op_id,
                    "Операция с этим идентификатором уже получена от другого пользователя.",
                )
            } else if status == "applied" {
                Outcome {
                    op_id,
                    status: Status::Duplicate,
                    result,
                    reason: None,
                }
            } else {
                Outcome {
                    op_id,
                    status: Status::Rejected,
                    result: None,
                    reason,
                }
            }
        })
        .collect())
}

/// Stores what became of new operations, in the transaction that applied them.
async fn record_outcomes(
    tx: &mut Transaction<'static, Postgres>,
    outcomes: &[Outcome],
) -> Result<(), sqlx::Error> {
    let outcomes: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.status != Status::Retry)
        .collect();
    if outcomes.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = outcomes.iter().map(|o| o.op_id).collect();
    let statuses: Vec<&str> = outcomes
        .iter()
        .map(|o| match o.status {
            Status::Rejected => "rejected",
            Status::Applied | Status::Duplicate | Status::Retry => "applied",
        })
        .collect();
    let results: Vec<Option<Value>> = outcomes.iter().map(|o| o.result.clone()).collect();
    let reasons: Vec<Option<String>> = outcomes.iter().map(|o| o.reason.clone()).collect();
    sqlx::query(
        "UPDATE sync_op s SET status = u.status, result = u.result, reason = u.reason
         FROM UNNEST($1::uuid[], $2::text[], $3::jsonb[], $4::text[])
              AS u (op_id, status, result, reason)
         WHERE s.op_id = u.op_id",
    )
    .bind(&ids)
    .bind(&statuses)
    .bind(&results)
    .bind(&reasons)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
