//! Editing the catalogue: a body's manager edits the content of their body's kinds of control,
//! the admin edits everything. Every change keeps who and when (on the row and in
//! `catalogue_change`) and reaches devices with the next delta.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::catalogue::edit::{validate, Checked, FieldKind, Mode, Parent, Value};
use crate::catalogue::model::FaqRow;
use crate::catalogue::views::Link;
use crate::error::AppError;

/// Longest FAQ question and answer accepted.
pub const MAX_QUESTION_CHARS: usize = 500;
pub const MAX_ANSWER_CHARS: usize = 5000;

/// Trims and checks a FAQ entry; the message says what to fix.
pub fn validate_faq(question: &str, answer: &str) -> Result<(String, String), AppError> {
    for (field, text) in [("question", question), ("answer", answer)] {
        crate::domain::text::check(text)
            .map_err(|issue| AppError::field(field, issue.to_string()))?;
    }
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

/// Who the signed-in user may edit content for: bodies (news) and kinds of control (everything
/// else). Everything for the admin, their own body's for a manager, nothing for anybody else.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EditRights {
    pub bodies: Vec<Link>,
    pub kinds: Vec<Link>,
}

/// The bodies and kinds of control the signed-in user may add content to; empty lists for
/// anybody who may edit nothing, signed in or not.
#[server(endpoint = "catalogue/editable", input = Json, output = Json)]
pub async fn editable_parents() -> Result<EditRights, AppError> {
    use crate::server::{app_state, authz, respond};
    let result = async {
        let state = app_state()?;
        let Some(actor) = authz::optional_actor(&state).await? else {
            return Ok(EditRights::default());
        };
        let mine = |organisation: uuid::Uuid| {
            actor.is_admin() || actor.holds(crate::domain::account::Role::KnoManager, organisation)
        };
        let bodies: Vec<(String, String, uuid::Uuid)> = sqlx::query_as(
            "SELECT slug, short_name, organisation_id FROM control_body ORDER BY short_name",
        )
        .fetch_all(&state.pool)
        .await
        .map_err(|e| AppError::internal("listing bodies", e))?;
        let kinds: Vec<(String, String, uuid::Uuid)> = sqlx::query_as(
            "SELECT k.slug, k.name, b.organisation_id FROM control_kind k
             JOIN control_body b ON b.id = k.body_id ORDER BY k.name",
        )
        .fetch_all(&state.pool)
        .await
        .map_err(|e| AppError::internal("listing kinds", e))?;
        let link = |(slug, name, organisation): (String, String, uuid::Uuid)| {
            mine(organisation).then_some(Link { slug, name })
        };
        Ok(EditRights {
            bodies: bodies.into_iter().filter_map(link).collect(),
            kinds: kinds.into_iter().filter_map(link).collect(),
        })
    }
    .await;
    respond(result)
}

/// Binds a checked value to its placeholder (cast to the column's type in the SQL).
#[cfg(feature = "ssr")]
fn bind_value<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    value: &Value,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    match value {
        Value::Text(text) => query.bind(text.clone()),
        Value::Year(year) => query.bind(*year),
        Value::Lines(lines) => query.bind(lines.clone()),
    }
}

/// Checks that every reference of `clean` points at a row of the same kind of control; a field
/// error otherwise.
#[cfg(feature = "ssr")]
async fn check_references(
    tx: &mut sqlx::PgConnection,
    clean: &Checked,
    kind_id: Option<uuid::Uuid>,
) -> Result<(), AppError> {
    for (column, value) in clean {
        let (FieldKind::Ref(target), Value::Text(Some(id))) = (column.kind, value) else {
            continue;
        };
        // `target` comes from the whitelist.
        let (found,): (bool,) = sqlx::query_as(&format!(
            "SELECT EXISTS (SELECT 1 FROM {target} WHERE id = $1::uuid AND kind_id = $2)"
        ))
        .bind(id)
        .bind(kind_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| AppError::internal("checking a reference", e))?;
        if !found {
            let message = match target {
                "legal_act" => "Выберите нормативный акт этого вида контроля.",
                "requirement" => "Выберите обязательное требование этого вида контроля.",
                _ => "Выберите из списка этого вида контроля.",
            };
            return Err(AppError::field(column.name, message));
        }
    }
    Ok(())
}

/// Changes fields of one catalogue row: its body's manager, or the admin. Bad input changes
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
        let (entity, clean) = validate(&entity, &fields, Mode::Update)?;
        let table = entity.table;
        let id = parse_id(&id)?;
        may_edit(&actor, owner_of(&state.pool, table, id).await?)?;
        let assignments: Vec<String> = clean
            .iter()
            .enumerate()
            .map(|(i, (column, _))| {
                format!("{} = ${}::{}", column.name, i + 2, column.kind.sql_type())
            })
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
        if clean
            .iter()
            .any(|(c, _)| matches!(c.kind, FieldKind::Ref(_)))
        {
            let (kind_id,): (uuid::Uuid,) =
                sqlx::query_as(&format!("SELECT kind_id FROM {table} WHERE id = $1"))
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| AppError::internal("finding a row's kind", e))?;
            check_references(&mut tx, &clean, Some(kind_id)).await?;
        }
        let mut query = sqlx::query(&sql).bind(id);
        for (_, value) in &clean {
            query = bind_value(query, value);
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

/// Adds a row to the catalogue: news to a body (`parent` is the body's slug), anything else to
/// a kind of control (`parent` is the kind's slug; discussions, programmes and reports also
/// belong to the kind's body). Its body's manager or the admin; every field is checked and bad
/// input stores nothing. Returns the new row's id.
#[server(endpoint = "catalogue/add", input = Json, output = Json)]
pub async fn add_catalogue_row(
    entity: String,
    parent: String,
    fields: Vec<(String, String)>,
) -> Result<String, AppError> {
    use crate::server::{authz, catalogue, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let Some(entity) = crate::catalogue::edit::entity(&entity).filter(|e| e.addable) else {
            return Err(AppError::Invalid(
                "Такие сведения нельзя добавить.".to_owned(),
            ));
        };
        let table = entity.table;
        // The parent's id, its body's id and the organisation of that body.
        let parent_sql = match entity.parent {
            Parent::Body => {
                "SELECT b.id, b.id, b.organisation_id FROM control_body b WHERE b.slug = $1"
            }
            _ => {
                "SELECT k.id, k.body_id, b.organisation_id FROM control_kind k
                 JOIN control_body b ON b.id = k.body_id WHERE k.slug = $1"
            }
        };
        let found: Option<(uuid::Uuid, uuid::Uuid, uuid::Uuid)> = sqlx::query_as(parent_sql)
            .bind(&parent)
            .fetch_optional(&state.pool)
            .await
            .map_err(|e| AppError::internal("finding a parent", e))?;
        may_edit(&actor, found.map(|(_, _, organisation)| organisation))?;
        let Some((parent_id, body_id, _)) = found else {
            return Err(AppError::NotFound);
        };
        let (_, clean) = validate(table, &fields, Mode::Add)?;

        // id, the parent columns, the values, then updated_by (and sort).
        let mut columns = vec!["id".to_owned()];
        let mut values = vec!["$1".to_owned()];
        let parents: &[(&str, uuid::Uuid)] = match entity.parent {
            Parent::Body => &[("body_id", body_id)],
            Parent::KindAndBody => &[("kind_id", parent_id), ("body_id", body_id)],
            Parent::Kind | Parent::Itself => &[("kind_id", parent_id)],
        };
        for (column, _) in parents {
            columns.push((*column).to_owned());
            values.push(format!("${}", columns.len()));
        }
        for (column, _) in &clean {
            columns.push(column.name.to_owned());
            values.push(format!("${}::{}", columns.len(), column.kind.sql_type()));
        }
        columns.push("updated_by".to_owned());
        values.push(format!("${}", columns.len()));
        if entity.sorted {
            columns.push("sort".to_owned());
            values.push(format!(
                "(SELECT coalesce(max(sort) + 1, 0) FROM {table} WHERE kind_id = $2)"
            ));
        }
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            values.join(", ")
        );

        let mut tx = state
            .pool
            .begin()
            .await
            .map_err(|e| AppError::internal("starting a transaction", e))?;
        catalogue::lock_for_writing(&mut tx)
            .await
            .map_err(|e| AppError::internal("locking the catalogue", e))?;
        let kind_id = (entity.parent != Parent::Body).then_some(parent_id);
        check_references(&mut tx, &clean, kind_id).await?;
        let id = uuid::Uuid::now_v7();
        let mut query = sqlx::query(&sql).bind(id);
        for (_, parent) in parents {
            query = query.bind(*parent);
        }
        for (_, value) in &clean {
            query = bind_value(query, value);
        }
        query
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| AppError::internal("adding a catalogue row", e))?;
        catalogue::record_change(&mut tx, table, id, actor.user_id, "insert")
            .await
            .map_err(|e| AppError::internal("recording a change", e))?;
        tx.commit()
            .await
            .map_err(|e| AppError::internal("committing an addition", e))?;
        Ok(id.to_string())
    }
    .await;
    respond(result)
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
    // The table name put into the SQL is the whitelist's, never the caller's.
    let (table, parent) = match crate::catalogue::edit::entity(table) {
        Some(entity) => (entity.table, entity.parent),
        None if table == "faq" => ("faq", Parent::Kind),
        None => return Ok(None),
    };
    let sql = match parent {
        Parent::Itself => format!("SELECT organisation_id FROM {table} WHERE id = $1"),
        Parent::Kind => format!(
            "SELECT b.organisation_id FROM {table} x JOIN control_kind k ON k.id = x.kind_id
             JOIN control_body b ON b.id = k.body_id WHERE x.id = $1"
        ),
        Parent::Body | Parent::KindAndBody => format!(
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
