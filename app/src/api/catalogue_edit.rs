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
        may_edit(&actor, owner_of(&state.pool, "faq", id).await?)?;
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

/// Whether the signed-in user may edit a body's details (its manager, or the admin); `false`
/// for anybody else, signed in or not.
#[server(endpoint = "catalogue/can_edit_body", input = Json, output = Json)]
pub async fn can_edit_body(slug: String) -> Result<bool, AppError> {
    use crate::server::{app_state, authz, respond};
    let result = async {
        let state = app_state()?;
        let Some(actor) = authz::optional_actor(&state).await? else {
            return Ok(false);
        };
        if actor.is_admin() {
            return Ok(true);
        }
        let owner: Option<(uuid::Uuid,)> =
            sqlx::query_as("SELECT organisation_id FROM control_body WHERE slug = $1")
                .bind(&slug)
                .fetch_optional(&state.pool)
                .await
                .map_err(|e| AppError::internal("finding a body", e))?;
        Ok(owner.is_some_and(|(organisation,)| {
            actor.holds(crate::domain::account::Role::KnoManager, organisation)
        }))
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

#[cfg(feature = "ssr")]
/// A text field of the catalogue that may be edited: its column and longest length.
struct EditableColumn {
    column: &'static str,
    max_chars: usize,
    /// May be left empty (stored as NULL).
    optional: bool,
    /// Must be an http(s) address.
    url: bool,
}

#[cfg(feature = "ssr")]
const fn text(column: &'static str, max_chars: usize) -> EditableColumn {
    EditableColumn {
        column,
        max_chars,
        optional: false,
        url: false,
    }
}

#[cfg(feature = "ssr")]
const fn url(column: &'static str, optional: bool) -> EditableColumn {
    EditableColumn {
        column,
        max_chars: 500,
        optional,
        url: true,
    }
}

#[cfg(feature = "ssr")]
/// How rows of a table reach their body: through `kind_id`, `body_id`, or being the body.
#[derive(Debug, Clone, Copy)]
enum Owner {
    Body,
    ViaKind,
    ViaBody,
}

#[cfg(feature = "ssr")]
/// Every catalogue table whose texts can be edited, and which texts. Column names come only
/// from here, never from the request.
const EDITABLE: &[(&str, Owner, &[EditableColumn])] = &[
    (
        "control_body",
        Owner::Body,
        &[
            text("name", 500),
            text("short_name", 200),
            text("head_name", 200),
            text("head_position", 300),
            text("address", 500),
            text("email", 254),
            url("website", false),
        ],
    ),
    (
        "control_kind",
        Owner::ViaBody,
        &[
            text("name", 500),
            text("short_name", 200),
            text("description", 5000),
        ],
    ),
    (
        "kind_official",
        Owner::ViaKind,
        &[
            text("position", 300),
            text("full_name", 200),
            text("phone", 50),
        ],
    ),
    ("kind_document", Owner::ViaKind, &[text("title", 1000)]),
    (
        "legal_act",
        Owner::ViaKind,
        &[text("title", 1000), text("number", 100), url("url", false)],
    ),
    (
        "requirement",
        Owner::ViaKind,
        &[text("text", 5000), text("structural_unit", 200)],
    ),
    ("risk_indicator", Owner::ViaKind, &[text("text", 2000)]),
    (
        "typical_violation",
        Owner::ViaKind,
        &[
            text("what_goes_wrong", 2000),
            text("how_to_avoid", 5000),
            text("how_to_fix", 5000),
        ],
    ),
    (
        "public_discussion",
        Owner::ViaBody,
        &[text("topic", 1000), text("place", 500), url("link", true)],
    ),
    (
        "prevention_programme",
        Owner::ViaBody,
        &[text("title", 1000), url("document_url", false)],
    ),
    (
        "practice_report",
        Owner::ViaBody,
        &[
            text("period", 200),
            text("summary", 5000),
            url("document_url", false),
        ],
    ),
    (
        "news",
        Owner::ViaBody,
        &[text("title", 500), text("text", 10000)],
    ),
];

/// A validated edit: the table, how to find its body, and the new values by column.
#[cfg(feature = "ssr")]
type Edit = (&'static str, Owner, Vec<(&'static str, Option<String>)>);

#[cfg(feature = "ssr")]
/// Checks the new values of an edit against the table's editable columns; the cleaned values
/// (trimmed; `None` for an emptied optional field) in the same order.
fn validate_edit(entity: &str, fields: &[(String, String)]) -> Result<Edit, AppError> {
    let (table, owner, columns) = EDITABLE
        .iter()
        .find(|(table, _, _)| *table == entity)
        .ok_or_else(|| AppError::Invalid("Эти сведения нельзя изменить.".to_owned()))?;
    if fields.is_empty() {
        return Err(AppError::Invalid("Нет изменений.".to_owned()));
    }
    let mut clean = Vec::new();
    for (name, value) in fields {
        let column = columns
            .iter()
            .find(|c| c.column == name)
            .ok_or_else(|| AppError::field(name, "Это поле нельзя изменить."))?;
        if clean.iter().any(|(c, _)| *c == column.column) {
            return Err(AppError::field(name, "Поле указано дважды."));
        }
        let value = value.trim();
        if value.is_empty() {
            if column.optional {
                clean.push((column.column, None));
                continue;
            }
            return Err(AppError::field(name, "Заполните поле."));
        }
        if value.chars().count() > column.max_chars {
            return Err(AppError::field(
                name,
                format!("Не больше {} символов.", column.max_chars),
            ));
        }
        if column.url && !(value.starts_with("https://") || value.starts_with("http://")) {
            return Err(AppError::field(
                name,
                "Укажите адрес, начинающийся с https://",
            ));
        }
        if column.column == "email" {
            crate::domain::account::Email::parse(value)
                .map_err(|e| AppError::field(name, e.to_string()))?;
        }
        clean.push((column.column, Some(value.to_owned())));
    }
    Ok((table, *owner, clean))
}

/// Changes texts of one catalogue row: its body's manager, or the admin. Bad input changes
/// nothing; the change keeps who and when and reaches devices with the next delta.
#[server(endpoint = "catalogue/update", input = Json, output = Json)]
pub async fn update_catalogue_row(
    entity: String,
    id: String,
    fields: Vec<(String, String)>,
) -> Result<(), AppError> {
    use crate::server::{authz, catalogue, parse_id, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let (table, _, clean) = validate_edit(&entity, &fields)?;
        let id = parse_id(&id)?;
        may_edit(&actor, owner_of(&state.pool, table, id).await?)?;
        let assignments: Vec<String> = clean
            .iter()
            .enumerate()
            .map(|(i, (column, _))| format!("{column} = ${}", i + 2))
            .collect();
        let sql = format!(
            "UPDATE {table} SET {}, updated_by = ${} WHERE id = $1",
            assignments.join(", "),
            clean.len() + 2
        );
        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(|e| AppError::internal("starting a transaction", e))?;
        catalogue::lock_for_writing(&mut tx)
            .await
            .map_err(|e| AppError::internal("locking the catalogue", e))?;
        let mut query = sqlx::query(&sql).bind(id);
        for (_, value) in &clean {
            query = query.bind(value);
        }
        query
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| AppError::internal("updating a catalogue row", e))?;
        catalogue::record_change(&mut tx, table, id, actor.user_id, "update")
            .await
            .map_err(|e| AppError::internal("recording a change", e))?;
        tx.commit()
            .await
            .map_err(|e| AppError::internal("committing an edit", e))
    }
    .await;
    respond(result)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn only_listed_columns_of_listed_tables_are_edited() {
        assert!(validate_edit("app_user", &fields(&[("email", "a@b.ru")])).is_err());
        let error = validate_edit("news", &fields(&[("version", "1")])).unwrap_err();
        assert_eq!(
            error.for_field("version"),
            Some("Это поле нельзя изменить.")
        );
        let error = validate_edit("news", &fields(&[("title; DROP TABLE news", "x")])).unwrap_err();
        assert!(error.for_field("title; DROP TABLE news").is_some());
    }

    #[test]
    fn values_are_checked_and_trimmed() {
        let (_, _, clean) = validate_edit(
            "public_discussion",
            &fields(&[("topic", "  Тема "), ("link", " ")]),
        )
        .unwrap();
        assert_eq!(
            clean,
            vec![("topic", Some("Тема".to_owned())), ("link", None)]
        );
        let error = validate_edit("control_body", &fields(&[("email", "нет")])).unwrap_err();
        assert!(error.for_field("email").is_some());
        let error = validate_edit("control_body", &fields(&[("website", "ftp://x")])).unwrap_err();
        assert!(error.for_field("website").unwrap().contains("https://"));
        let error = validate_edit("news", &fields(&[("title", "")])).unwrap_err();
        assert_eq!(error.for_field("title"), Some("Заполните поле."));
        let long = "я".repeat(501);
        assert!(validate_edit("news", &fields(&[("title", &long)])).is_err());
        assert!(validate_edit("news", &[]).is_err());
    }
}

/// Edit rights over a row owned by `organisation`: the admin, or that body's manager. An
/// unknown row is 404 for the admin and 403 for anyone else, so ids cannot be probed.
#[cfg(feature = "ssr")]
fn may_edit(
    actor: &crate::server::authz::Actor,
    organisation: Option<uuid::Uuid>,
) -> Result<(), AppError> {
    let allowed = match organisation {
        Some(o) => actor.is_admin() || actor.holds(crate::domain::account::Role::KnoManager, o),
        None if actor.is_admin() => return Err(AppError::NotFound),
        None => false,
    };
    crate::server::authz::ensure(allowed)
}

/// The organisation of the body that owns a catalogue row; `None` for an unknown row or table.
#[cfg(feature = "ssr")]
async fn owner_of(
    pool: &sqlx::PgPool,
    table: &str,
    id: uuid::Uuid,
) -> Result<Option<uuid::Uuid>, AppError> {
    let Some((_, owner, _)) = EDITABLE
        .iter()
        .chain(std::iter::once(&(
            "faq",
            Owner::ViaKind,
            &[] as &[EditableColumn],
        )))
        .find(|(t, _, _)| *t == table)
    else {
        return Ok(None);
    };
    let sql = match owner {
        Owner::Body => format!("SELECT organisation_id FROM {table} WHERE id = $1"),
        Owner::ViaKind => format!(
            "SELECT b.organisation_id FROM {table} x JOIN control_kind k ON k.id = x.kind_id
             JOIN control_body b ON b.id = k.body_id WHERE x.id = $1"
        ),
        Owner::ViaBody => format!(
            "SELECT b.organisation_id FROM {table} x JOIN control_body b ON b.id = x.body_id
             WHERE x.id = $1"
        ),
    };
    let row: Option<(uuid::Uuid,)> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(|e| AppError::internal("finding a row's body", e))?;
    Ok(row.map(|(o,)| o))
}

/// Adds a FAQ entry to a kind of control (its body's manager, or the admin).
#[server(endpoint = "catalogue/faq/add", input = Json, output = Json)]
pub async fn add_faq(
    kind_slug: String,
    question: String,
    answer: String,
) -> Result<FaqRow, AppError> {
    use crate::server::{authz, catalogue, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let kind: Option<(uuid::Uuid, uuid::Uuid)> = sqlx::query_as(
            "SELECT k.id, b.organisation_id FROM control_kind k
             JOIN control_body b ON b.id = k.body_id WHERE k.slug = $1",
        )
        .bind(&kind_slug)
        .fetch_optional(&state.pool)
        .await
        .map_err(|e| AppError::internal("finding a kind", e))?;
        may_edit(&actor, kind.map(|(_, organisation)| organisation))?;
        let Some((kind_id, _)) = kind else {
            return Err(AppError::NotFound);
        };
        let (question, answer) = validate_faq(&question, &answer)?;
        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(|e| AppError::internal("starting a transaction", e))?;
        catalogue::lock_for_writing(&mut tx)
            .await
            .map_err(|e| AppError::internal("locking the catalogue", e))?;
        let id = uuid::Uuid::now_v7();
        let row: FaqRow = sqlx::query_as(
            "INSERT INTO faq (id, kind_id, question, answer, updated_on, sort, updated_by)
             VALUES ($1, $2, $3, $4, current_date,
                     (SELECT coalesce(max(sort) + 1, 0) FROM faq WHERE kind_id = $2), $5)
             RETURNING id::text, kind_id::text, question, answer, updated_on::text AS updated_on,
                       sort, version",
        )
        .bind(id)
        .bind(kind_id)
        .bind(&question)
        .bind(&answer)
        .bind(actor.user_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| AppError::internal("adding a FAQ", e))?;
        catalogue::record_change(&mut tx, "faq", id, actor.user_id, "insert")
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

/// Deletes a row of the catalogue other than a body or a kind (its body's manager, or the
/// admin). Devices learn of it through the next delta.
#[server(endpoint = "catalogue/delete", input = Json, output = Json)]
pub async fn delete_catalogue_row(entity: String, id: String) -> Result<(), AppError> {
    use crate::server::{authz, catalogue, parse_id, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        // Bodies and kinds hold everything else; they are not deleted from the portal.
        const DELETABLE: [&str; 11] = [
            "kind_official",
            "kind_document",
            "legal_act",
            "requirement",
            "risk_indicator",
            "faq",
            "typical_violation",
            "public_discussion",
            "prevention_programme",
            "practice_report",
            "news",
        ];
        let table = DELETABLE
            .into_iter()
            .find(|t| *t == entity)
            .ok_or_else(|| AppError::Invalid("Эти сведения нельзя удалить.".to_owned()))?;
        let id = parse_id(&id)?;
        may_edit(&actor, owner_of(&state.pool, table, id).await?)?;
        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(|e| AppError::internal("starting a transaction", e))?;
        catalogue::lock_for_writing(&mut tx)
            .await
            .map_err(|e| AppError::internal("locking the catalogue", e))?;
        sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| AppError::internal("deleting a catalogue row", e))?;
        catalogue::record_change(&mut tx, table, id, actor.user_id, "delete")
            .await
            .map_err(|e| AppError::internal("recording a change", e))?;
        tx.commit()
            .await
            .map_err(|e| AppError::internal("committing a deletion", e))
    }
    .await;
    respond(result)
}
