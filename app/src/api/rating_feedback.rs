//! What happens after a rating: the body's manager sees low ratings of their staff at once and
//! reacts (a public reply, or an internal action), the rated party replies once in public
//! (right to reply), the admin hides abusive text with a reason that stays visible, and
//! everybody reads ratings with their replies — never who the rater was.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One score of a rating, with the follow-up of a low one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreView {
    pub criterion: String,
    pub score: i16,
    /// The titles of the reasons given for a low score.
    pub reasons: Vec<String>,
    pub note: Option<String>,
}

/// A rating as the public sees it: no rater, the comment unless hidden (then the reason).
///
/// Nothing here names or points to who rated. The organisation of the event is left out on
/// both sides: for a business's rating of a body it *is* the rater, and for a body's rating of
/// a business it would name the business whose own rating of the same event sits beside it.
/// Dates are months in public (`YYYY-MM`): a day, with the body and kind, finds the event in
/// the public register (ЕРКНМ), and the event names the organisation. The body's manager, who
/// knows its own events anyway, gets days ([`low_rating_alerts`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub id: String,
    pub side: String,
    pub body: String,
    pub kind: String,
    pub event_type: String,
    /// `YYYY-MM` in public, `YYYY-MM-DD` for the body's manager.
    pub event_date: String,
    pub unconfirmed: bool,
    pub average: f64,
    /// `YYYY-MM` in public, `YYYY-MM-DD HH:MI` for the body's manager.
    pub created_at: String,
    pub comment: Option<String>,
    pub hidden_reason: Option<String>,
    pub reply: Option<String>,
    /// Like `created_at`.
    pub reply_at: Option<String>,
    pub scores: Vec<ScoreView>,
}

/// A low rating on the manager's alert list, with the staff of the event by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub review: Review,
    pub inspectors: Vec<String>,
    pub actions: Vec<String>,
    /// Hours from the rating to the body's first reaction; `None` while unanswered.
    pub reacted_after_hours: Option<f64>,
}

/// The manager's view: low ratings, newest first, and how fast the body reacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alerts {
    pub body: String,
    pub alerts: Vec<Alert>,
    pub unanswered: i64,
    /// Median hours from a low rating to the body's reaction (reply or action).
    pub median_reaction_hours: Option<f64>,
    pub staff: Vec<StaffScore>,
}

/// A staff member by name with their ratings: for their manager only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffScore {
    pub name: String,
    pub count: i64,
    pub average: Option<f64>,
    pub low: i64,
}

pub const MAX_ACTION_CHARS: usize = 2000;
pub const MAX_HIDE_REASON_CHARS: usize = 500;

#[cfg(feature = "ssr")]
mod sql {
    /// Who reads a rating: everybody, or the manager of the rated body.
    #[derive(Clone, Copy)]
    pub enum Audience {
        Public,
        Body,
    }

    /// The columns of a rating for this audience; `$n` placeholders are added by the callers.
    /// The rating's organisation is never selected (see [`super::Review`]).
    pub fn review(audience: Audience) -> String {
        let (day, minute) = match audience {
            Audience::Public => ("YYYY-MM", "YYYY-MM"),
            Audience::Body => ("YYYY-MM-DD", "YYYY-MM-DD HH24:MI"),
        };
        format!(
            "SELECT r.id::text AS id, r.side, b.name AS body, k.name AS kind,
               r.event_type, to_char(r.event_date, '{day}') AS event_date,
               r.event_id IS NULL AS unconfirmed,
               r.average::float8 AS average, to_char(r.created_at, '{minute}') AS created_at,
               CASE WHEN r.hidden_reason IS NULL THEN r.comment END AS comment, r.hidden_reason,
               p.text AS reply, to_char(p.created_at, '{minute}') AS reply_at,
               coalesce((SELECT json_agg(json_build_object(
                            'criterion', c.title_ru, 'score', s.score,
                            'reasons', (SELECT coalesce(json_agg(rr.title_ru ORDER BY rr.position), '[]')
                                        FROM rating_reason rr
                                        WHERE rr.side = r.side AND rr.code = ANY(s.reasons)),
                            'note', CASE WHEN r.hidden_reason IS NULL THEN s.note END)
                          ORDER BY c.position)
                         FROM rating_score s JOIN rating_criterion c ON c.id = s.criterion_id
                         WHERE s.rating_id = r.id), '[]') AS scores
        FROM rating r
        JOIN control_body b ON b.id = r.body_id
        JOIN control_kind k ON k.id = r.kind_id
        LEFT JOIN rating_reply p ON p.rating_id = r.id"
        )
    }

    #[derive(sqlx::FromRow)]
    pub struct ReviewRow {
        pub id: String,
        pub side: String,
        pub body: String,
        pub kind: String,
        pub event_type: String,
        pub event_date: String,
        pub unconfirmed: bool,
        pub average: f64,
        pub created_at: String,
        pub comment: Option<String>,
        pub hidden_reason: Option<String>,
        pub reply: Option<String>,
        pub reply_at: Option<String>,
        pub scores: sqlx::types::Json<Vec<super::ScoreView>>,
    }

    impl From<ReviewRow> for super::Review {
        fn from(r: ReviewRow) -> Self {
            super::Review {
                id: r.id,
                side: r.side,
                body: r.body,
                kind: r.kind,
                event_type: r.event_type,
                event_date: r.event_date,
                unconfirmed: r.unconfirmed,
                average: r.average,
                created_at: r.created_at,
                comment: r.comment,
                hidden_reason: r.hidden_reason,
                reply: r.reply,
                reply_at: r.reply_at,
                scores: r.scores.0,
            }
        }
    }
}

/// The latest ratings, optionally of one body (by slug), 20 a page. Public.
#[server(endpoint = "rating/reviews", input = Json, output = Json)]
pub async fn reviews(body: Option<String>, page: usize) -> Result<Vec<Review>, AppError> {
    use crate::server::{app_state, respond};
    let result = async {
        let state = app_state()?;
        let page = page.clamp(1, 1000) as i64;
        let rows: Vec<sql::ReviewRow> = sqlx::query_as(&format!(
            "{} WHERE ($1::text IS NULL OR b.slug = $1)
             ORDER BY r.created_at DESC, r.id LIMIT 20 OFFSET $2",
            sql::review(sql::Audience::Public)
        ))
        .bind(body.filter(|b| !b.is_empty()))
        .bind((page - 1) * 20)
        .fetch_all(&state.read_pool)
        .await
        .map_err(|e| AppError::internal("listing reviews", e))?;
        Ok(rows.into_iter().map(Review::from).collect())
    }
    .await;
    respond(result)
}

/// The bodies the actor manages (the admin: none here — the admin sees every body's alerts
/// through the public views and hides text; alerts are the body's own work list).
#[cfg(feature = "ssr")]
fn managed_bodies(actor: &crate::server::authz::Actor) -> Vec<uuid::Uuid> {
    actor.managed_bodies()
}

/// Low ratings of the manager's body (any score below 5), newest first, with the staff by
/// name, what was done, and the median reaction time. Managers only.
#[server(endpoint = "rating/alerts", input = Json, output = Json)]
pub async fn low_rating_alerts() -> Result<Alerts, AppError> {
    use crate::server::{authz, respond};
    #[derive(sqlx::FromRow)]
    struct Extra {
        id: String,
        inspectors: Vec<String>,
        actions: Vec<String>,
        reacted_after_hours: Option<f64>,
    }
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let bodies = managed_bodies(&actor);
        authz::ensure(!bodies.is_empty())?;
        let body: String = sqlx::query_scalar(
            "SELECT name FROM control_body WHERE organisation_id = ANY($1) ORDER BY name LIMIT 1",
        )
        .bind(&bodies)
        .fetch_optional(&state.pool)
        .await
        .map_err(|e| AppError::internal("finding the body", e))?
        .ok_or(AppError::NotFound)?;
        let rows: Vec<sql::ReviewRow> = sqlx::query_as(&format!(
            "{} WHERE b.organisation_id = ANY($1) AND r.side = 'business' AND r.low
             ORDER BY r.created_at DESC, r.id LIMIT 50",
            sql::review(sql::Audience::Body)
        ))
        .bind(&bodies)
        .fetch_all(&state.pool)
        .await
        .map_err(|e| AppError::internal("listing alerts", e))?;
        let ids: Vec<uuid::Uuid> = rows.iter().filter_map(|r| r.id.parse().ok()).collect();
        let extras: Vec<Extra> = sqlx::query_as(
            "SELECT r.id::text AS id,
                    coalesce((SELECT array_agg(u.display_name ORDER BY u.display_name)
                              FROM event_inspector ei JOIN app_user u ON u.id = ei.user_id
                              WHERE ei.event_id = r.event_id), '{}') AS inspectors,
                    coalesce((SELECT array_agg(a.note ORDER BY a.created_at)
                              FROM rating_action a WHERE a.rating_id = r.id), '{}') AS actions,
                    (SELECT extract(epoch FROM min(t) - r.created_at) / 3600
                     FROM (SELECT created_at AS t FROM rating_reply WHERE rating_id = r.id
                           UNION ALL
                           SELECT created_at FROM rating_action WHERE rating_id = r.id) x
                    )::float8 AS reacted_after_hours
             FROM rating r WHERE r.id = ANY($1)",
        )
        .bind(&ids)
        .fetch_all(&state.pool)
        .await
        .map_err(|e| AppError::internal("reading reactions", e))?;
        let (unanswered, median): (i64, Option<f64>) = sqlx::query_as(
            "WITH low AS (
                 SELECT r.id, r.created_at,
                        (SELECT min(t) FROM (SELECT created_at AS t FROM rating_reply
                                             WHERE rating_id = r.id
                                             UNION ALL SELECT created_at FROM rating_action
                                             WHERE rating_id = r.id) x) AS reacted
                 FROM rating r JOIN control_body b ON b.id = r.body_id
                 WHERE b.organisation_id = ANY($1) AND r.side = 'business' AND r.low)
             SELECT count(*) FILTER (WHERE reacted IS NULL),
                    (percentile_cont(0.5) WITHIN GROUP (
                        ORDER BY extract(epoch FROM reacted - created_at) / 3600)
                     FILTER (WHERE reacted IS NOT NULL))::float8
             FROM low",
        )
        .bind(&bodies)
        .fetch_one(&state.pool)
        .await
        .map_err(|e| AppError::internal("measuring reactions", e))?;
        let staff: Vec<(String, i64, Option<f64>, i64)> = sqlx::query_as(
            "SELECT u.display_name, count(r.id), avg(r.average)::float8,
                    count(r.id) FILTER (WHERE r.low)
             FROM membership m
             JOIN app_user u ON u.id = m.user_id
             LEFT JOIN event_inspector ei ON ei.user_id = u.id
             LEFT JOIN rating r ON r.event_id = ei.event_id AND r.side = 'business'
             WHERE m.organisation_id = ANY($1) AND m.role = 'kno_staff'
             GROUP BY u.id, u.display_name
             ORDER BY u.display_name",
        )
        .bind(&bodies)
        .fetch_all(&state.pool)
        .await
        .map_err(|e| AppError::internal("rating the staff", e))?;
        let alerts = rows
            .into_iter()
            .map(|row| {
                let extra = extras.iter().find(|e| e.id == row.id);
                Alert {
                    inspectors: extra.map(|e| e.inspectors.clone()).unwrap_or_default(),
                    actions: extra.map(|e| e.actions.clone()).unwrap_or_default(),
                    reacted_after_hours: extra.and_then(|e| e.reacted_after_hours),
                    review: row.into(),
                }
            })
            .collect();
        Ok(Alerts {
            body,
            alerts,
            unanswered,
            median_reaction_hours: median,
            staff: staff
                .into_iter()
                .map(|(name, count, average, low)| StaffScore {
                    name,
                    count,
                    average,
                    low,
                })
                .collect(),
        })
    }
    .await;
    respond(result)
}

/// Why a user whose claim to the rated business awaits its decision cannot reply yet.
pub const REPLY_UNCONFIRMED: &str = "Представительство не подтверждено: отвечать от имени \
    организации можно после того, как запрос на представительство подтвердят.";

/// The rated party's one public reply to a rating: the body's manager for a rating of the
/// body, the business's representative for a rating of the business. Someone else's rating
/// answers like an unknown one.
#[server(endpoint = "rating/reply", input = Json, output = Json)]
pub async fn reply(rating_id: String, text: String) -> Result<(), AppError> {
    use crate::domain::account::Role;
    use crate::domain::rating::MAX_REPLY_CHARS;
    use crate::server::{authz, parse_id, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        // Who can reply to nothing is told so whatever the id (which says nothing about it);
        // for everybody else someone else's rating answers exactly like an unknown id.
        let bodies = managed_bodies(&actor);
        let pending = || async {
            crate::server::representation::pending_organisations(&state.pool, actor.user_id)
                .await
                .map_err(|e| AppError::internal("reading pending representations", e))
        };
        if bodies.is_empty() && !actor.roles.iter().any(|g| g.role == Role::Business) {
            // A claim still awaiting its decision is told why below; anyone else is refused.
            authz::ensure(!pending().await?.is_empty())?;
        }
        let id = parse_id(&rating_id)?;
        let owner: Option<(String, uuid::Uuid, uuid::Uuid)> = sqlx::query_as(
            "SELECT r.side, b.organisation_id, r.organisation_id
             FROM rating r JOIN control_body b ON b.id = r.body_id WHERE r.id = $1",
        )
        .bind(id)
        .fetch_optional(&state.pool)
        .await
        .map_err(|e| AppError::internal("finding a rating", e))?;
        let Some((side, body, organisation)) = owner else {
            return Err(AppError::NotFound);
        };
        let allowed = if side == "business" {
            bodies.contains(&body)
        } else {
            actor.holds(Role::Business, organisation)
        };
        if !allowed {
            if side != "business" && pending().await?.contains(&organisation) {
                return Err(AppError::Invalid(REPLY_UNCONFIRMED.to_owned()));
            }
            return Err(AppError::NotFound);
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(AppError::field("text", "Напишите ответ."));
        }
        if text.chars().count() > MAX_REPLY_CHARS {
            return Err(AppError::field(
                "text",
                format!("Ответ длиннее {MAX_REPLY_CHARS} символов."),
            ));
        }
        let inserted = sqlx::query(
            "INSERT INTO rating_reply (rating_id, author_user_id, text) VALUES ($1, $2, $3)
             ON CONFLICT (rating_id) DO NOTHING",
        )
        .bind(id)
        .bind(actor.user_id)
        .bind(text)
        .execute(&state.pool)
        .await
        .map_err(|e| AppError::internal("saving a reply", e))?;
        if inserted.rows_affected() == 0 {
            return Err(AppError::Invalid(
                "На эту оценку уже дан ответ: право на ответ — один раз.".to_owned(),
            ));
        }
        state.activity_changed();
        Ok(())
    }
    .await;
    respond(result)
}

/// An internal note of what the body did about a low rating (not public). Managers only;
/// another body's rating answers like an unknown one.
#[server(endpoint = "rating/act", input = Json, output = Json)]
pub async fn act(rating_id: String, note: String) -> Result<(), AppError> {
    use crate::server::{authz, parse_id, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let bodies = managed_bodies(&actor);
        authz::ensure(!bodies.is_empty())?;
        let id = parse_id(&rating_id)?;
        let body: Option<uuid::Uuid> = sqlx::query_scalar(
            "SELECT b.organisation_id FROM rating r JOIN control_body b ON b.id = r.body_id
             WHERE r.id = $1 AND r.side = 'business'",
        )
        .bind(id)
        .fetch_optional(&state.pool)
        .await
        .map_err(|e| AppError::internal("finding a rating", e))?;
        // Another body's rating answers exactly like an unknown id.
        if !body.is_some_and(|b| bodies.contains(&b)) {
            return Err(AppError::NotFound);
        }
        let note = note.trim();
        if note.is_empty() {
            return Err(AppError::field("note", "Опишите, что сделано."));
        }
        if note.chars().count() > MAX_ACTION_CHARS {
            return Err(AppError::field(
                "note",
                format!("Не больше {MAX_ACTION_CHARS} символов."),
            ));
        }
        sqlx::query(
            "INSERT INTO rating_action (id, rating_id, author_user_id, note)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(uuid::Uuid::now_v7())
        .bind(id)
        .bind(actor.user_id)
        .bind(note)
        .execute(&state.pool)
        .await
        .map_err(|e| AppError::internal("saving an action", e))?;
        Ok(())
    }
    .await;
    respond(result)
}

/// Hides the text of an abusive rating; the reason is shown in its place. The admin only.
#[server(endpoint = "rating/hide", input = Json, output = Json)]
pub async fn hide(rating_id: String, reason: String) -> Result<(), AppError> {
    use crate::server::{authz, parse_id, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        authz::ensure(actor.is_admin())?;
        let id = parse_id(&rating_id)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::field("reason", "Укажите причину скрытия."));
        }
        if reason.chars().count() > MAX_HIDE_REASON_CHARS {
            return Err(AppError::field(
                "reason",
                format!("Не больше {MAX_HIDE_REASON_CHARS} символов."),
            ));
        }
        let updated = sqlx::query(
            "UPDATE rating SET hidden_reason = $2, hidden_by = $3, hidden_at = now() WHERE id = $1",
        )
        .bind(id)
        .bind(reason)
        .bind(actor.user_id)
        .execute(&state.pool)
        .await
        .map_err(|e| AppError::internal("hiding a rating", e))?;
        if updated.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        state.activity_changed();
        Ok(())
    }
    .await;
    respond(result)
}
