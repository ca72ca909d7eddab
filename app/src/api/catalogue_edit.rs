//! Editing the catalogue: a body's manager edits the content of their body's kinds of control,
//! the admin edits everything. Every change keeps who and when (on the row and in
//! `catalogue_change`) and reaches devices with the next delta.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::catalogue::model::FaqRow;
use crate::error::AppError;

/// Longest FAQ question and answer accepted.
pub const MAX_QUESTION_CHARS: usize = 500;
pub const MAX_ANSWER_CHARS: usize = 5000;

/// Trims and checks a FAQ entry; the message says what to fix.
pub fn validate_faq(question: &str, answer: &str) -> Result<(String, String), AppError> {
    let question = question.trim();
    let answer = answer.trim();
    if question.is_empty() {
        return Err(AppError::field("question", "Укажите вопрос."));
    }
    if question.chars().count() > MAX_QUESTION_CHARS {
        return Err(AppError::field(
            "question",
            format!("Вопрос длиннее {MAX_QUESTION_CHARS} символов."),
        ));
    }
    if answer.is_empty() {
        return Err(AppError::field("answer", "Укажите ответ."));
    }
    if answer.chars().count() > MAX_ANSWER_CHARS {
        return Err(AppError::field(
            "answer",
            format!("Ответ длиннее {MAX_ANSWER_CHARS} символов."),
        ));
    }
    Ok((question.to_owned(), answer.to_owned()))
}

/// Changes the question and answer of a FAQ entry; its date becomes today.
#[server(endpoint = "catalogue/faq/save", input = Json, output = Json)]
pub async fn save_faq(
    faq_id: String,
    question: String,
    answer: String,
) -> Result<FaqRow, AppError> {
    use crate::server::{authz, catalogue, parse_id, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let id = parse_id(&faq_id)?;
        // Who may edit is decided by the body that runs the FAQ's kind of control.
        let owner: Option<(uuid::Uuid,)> = sqlx::query_as(
            "SELECT b.organisation_id FROM faq f JOIN control_kind k ON k.id = f.kind_id
             JOIN control_body b ON b.id = k.body_id WHERE f.id = $1",
        )
        .bind(id)
        .fetch_optional(&state.pool)
        .await
        .map_err(|e| AppError::internal("finding a FAQ's body", e))?;
        let Some((body_organisation,)) = owner else {
            return Err(if actor.is_admin() {
                AppError::NotFound
            } else {
                AppError::Forbidden
            });
        };
        authz::ensure(
            actor.is_admin()
                || actor.holds(crate::domain::account::Role::KnoManager, body_organisation),
        )?;
        let (question, answer) = validate_faq(&question, &answer)?;
        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(|e| AppError::internal("starting a transaction", e))?;
        catalogue::lock_for_writing(&mut tx)
            .await
            .map_err(|e| AppError::internal("locking the catalogue", e))?;
        let row: FaqRow = sqlx::query_as(
            "UPDATE faq SET question = $2, answer = $3, updated_on = current_date, updated_by = $4
             WHERE id = $1
             RETURNING id::text, kind_id::text, question, answer, updated_on::text AS updated_on,
                       sort, version",
        )
        .bind(id)
        .bind(&question)
        .bind(&answer)
        .bind(actor.user_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| AppError::internal("saving a FAQ", e))?;
        catalogue::record_change(&mut tx, "faq", id, actor.user_id, "update")
            .await
            .map_err(|e| AppError::internal("recording a change", e))?;
        tx.commit()
            .await
            .map_err(|e| AppError::internal("committing a FAQ", e))?;
        Ok(row)
    }
    .await;
    respond(result)
}

/// Whether the signed-in user may edit the content of this kind of control (its body's
/// manager, or the admin); `false` for anybody else, signed in or not.
#[server(endpoint = "catalogue/can_edit", input = Json, output = Json)]
pub async fn can_edit_kind(slug: String) -> Result<bool, AppError> {
    use crate::server::{app_state, authz, respond};
    let result = async {
        let state = app_state()?;
        let Some(actor) = authz::optional_actor(&state).await? else {
            return Ok(false);
        };
        if actor.is_admin() {
            return Ok(true);
        }
        let owner: Option<(uuid::Uuid,)> = sqlx::query_as(
            "SELECT b.organisation_id FROM control_kind k JOIN control_body b ON b.id = k.body_id
             WHERE k.slug = $1",
        )
        .bind(&slug)
        .fetch_optional(&state.pool)
        .await
        .map_err(|e| AppError::internal("finding a kind's body", e))?;
        Ok(owner.is_some_and(|(organisation,)| {
            actor.holds(crate::domain::account::Role::KnoManager, organisation)
        }))
    }
    .await;
    respond(result)
}
