//! Rating: the reference data a device needs to draft offline, and finding the event to rate.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::rating::{Criteria, EventType};
use crate::error::AppError;

/// The active criteria and reasons of both sides (public: the methodology shows them too).
#[server(endpoint = "rating/criteria", input = Json, output = Json)]
pub async fn rating_criteria() -> Result<Criteria, AppError> {
    use crate::server::{app_state, respond};
    let result = async {
        let state = app_state()?;
        let mut conn = state
            .pool
            .acquire()
            .await
            .map_err(|e| AppError::internal("acquiring a connection", e))?;
        crate::server::rating::load_criteria(&mut conn)
            .await
            .map_err(|e| AppError::internal("loading rating criteria", e))
    }
    .await;
    respond(result)
}

/// An event found in the register, as the rater sees it before rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCard {
    pub number: String,
    pub event_type: EventType,
    pub body: String,
    pub kind: String,
    pub organisation: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Whether the signed-in user may rate it, and from which side.
    pub side: Option<crate::domain::rating::Side>,
    /// Already rated from that side.
    pub rated: bool,
}

/// Finds an event by its ЕРКНМ number for a signed-in user who took part in it: the business
/// it concerned or the body that ran it. Anyone else learns nothing (404).
#[server(endpoint = "rating/event", input = Json, output = Json)]
pub async fn find_event(number: String) -> Result<EventCard, AppError> {
    use crate::domain::account::Role;
    use crate::domain::rating::Side;
    use crate::server::{authz, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        // Only the parties of events look them up: businesses and the staff of bodies.
        authz::ensure(
            actor
                .roles
                .iter()
                .any(|g| matches!(g.role, Role::Business | Role::KnoStaff | Role::KnoManager)),
        )?;
        let number: String = number.chars().filter(char::is_ascii_digit).collect();
        if !crate::domain::rating::is_register_number(&number) {
            return Err(AppError::field(
                "number",
                "Номер мероприятия в ЕРКНМ — 20 цифр.",
            ));
        }
        type Row = (
            String,
            String,
            String,
            String,
            String,
            String,
            uuid::Uuid,
            uuid::Uuid,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT e.event_type, b.name, k.name, o.name, e.starts_on::text, e.ends_on::text,
                    e.organisation_id, b.organisation_id
             FROM control_event e
             JOIN control_body b ON b.id = e.body_id
             JOIN control_kind k ON k.id = e.kind_id
             JOIN organisation o ON o.id = e.organisation_id
             WHERE e.erknm_number = $1",
        )
        .bind(&number)
        .fetch_optional(&state.pool)
        .await
        .map_err(|e| AppError::internal("finding an event", e))?;
        let Some((event_type, body, kind, organisation, starts_on, ends_on, org, body_org)) = row
        else {
            return Err(AppError::NotFound);
        };
        let event_type = EventType::parse(&event_type).ok_or(AppError::Internal)?;
        let business = actor
            .roles
            .iter()
            .any(|g| g.role == Role::Business && g.organisation_id == org);
        let staff = actor.roles.iter().any(|g| {
            matches!(g.role, Role::KnoStaff | Role::KnoManager)
                && g.parent_id.unwrap_or(g.organisation_id) == body_org
        });
        let side = if business {
            Some(Side::Business)
        } else if staff && event_type.rateable_by(Side::Body) {
            Some(Side::Body)
        } else {
            None
        };
        if !business && !staff {
            return Err(AppError::NotFound);
        }
        let rated = match side {
            Some(side) => sqlx::query_scalar::<_, bool>(
                "SELECT EXISTS (SELECT 1 FROM rating r JOIN control_event e ON e.id = r.event_id
                                WHERE e.erknm_number = $1 AND r.side = $2)",
            )
            .bind(&number)
            .bind(side.as_str())
            .fetch_one(&state.pool)
            .await
            .map_err(|e| AppError::internal("checking a rating", e))?,
            None => false,
        };
        Ok(EventCard {
            number,
            event_type,
            body,
            kind,
            organisation,
            starts_on,
            ends_on,
            side,
            rated,
        })
    }
    .await;
    respond(result)
}

/// The latest events the signed-in user may rate and has not rated yet: a business's events
/// (as the business), the events of the staff member's body (as the body). Empty for others.
#[server(endpoint = "rating/my_events", input = Json, output = Json)]
pub async fn my_events() -> Result<Vec<EventCard>, AppError> {
    use crate::domain::account::Role;
    use crate::domain::rating::Side;
    use crate::server::{authz, respond};
    /// How many events the list offers.
    const LATEST: i64 = 20;
    #[derive(sqlx::FromRow)]
    struct Row {
        number: String,
        event_type: String,
        body: String,
        kind: String,
        organisation: String,
        starts_on: String,
        ends_on: String,
    }
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let mut cards = Vec::new();
        for (side, roles) in [
            (Side::Business, &[Role::Business][..]),
            (Side::Body, &[Role::KnoStaff, Role::KnoManager][..]),
        ] {
            let organisations: Vec<uuid::Uuid> = actor
                .roles
                .iter()
                .filter(|g| roles.contains(&g.role))
                .map(|g| match side {
                    Side::Body => g.parent_id.unwrap_or(g.organisation_id),
                    Side::Business => g.organisation_id,
                })
                .collect();
            if organisations.is_empty() {
                continue;
            }
            let column = match side {
                Side::Business => "e.organisation_id",
                Side::Body => "b.organisation_id",
            };
            let rows: Vec<Row> = sqlx::query_as(&format!(
                "SELECT e.erknm_number AS number, e.event_type, b.name AS body, k.name AS kind,
                        o.name AS organisation, e.starts_on::text AS starts_on,
                        e.ends_on::text AS ends_on
                 FROM control_event e
                 JOIN control_body b ON b.id = e.body_id
                 JOIN control_kind k ON k.id = e.kind_id
                 JOIN organisation o ON o.id = e.organisation_id
                 WHERE {column} = ANY($1) AND e.ends_on <= current_date
                   AND ($2 = 'business' OR e.event_type <> 'consultation')
                   AND NOT EXISTS (SELECT 1 FROM rating r WHERE r.event_id = e.id AND r.side = $2)
                 ORDER BY e.ends_on DESC, e.erknm_number
                 LIMIT $3"
            ))
            .bind(&organisations)
            .bind(side.as_str())
            .bind(LATEST)
            .fetch_all(&state.pool)
            .await
            .map_err(|e| AppError::internal("listing events to rate", e))?;
            cards.extend(rows.into_iter().filter_map(|r| {
                Some(EventCard {
                    number: r.number,
                    event_type: EventType::parse(&r.event_type)?,
                    body: r.body,
                    kind: r.kind,
                    organisation: r.organisation,
                    starts_on: r.starts_on,
                    ends_on: r.ends_on,
                    side: Some(side),
                    rated: false,
                })
            }));
        }
        Ok(cards)
    }
    .await;
    respond(result)
}

/// A criterion or a reason for a low score as the admin manages it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ReferenceEntry {
    /// `criterion` or `reason`.
    pub list: String,
    pub side: String,
    pub code: String,
    pub title_ru: String,
    pub title_en: String,
    pub position: i32,
    pub active: bool,
}

/// Every criterion and reason, inactive ones included. The admin only.
#[server(endpoint = "rating/reference", input = Json, output = Json)]
pub async fn reference() -> Result<Vec<ReferenceEntry>, AppError> {
    use crate::server::{authz, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        authz::ensure(actor.is_admin())?;
        sqlx::query_as(
            "SELECT 'criterion' AS list, side, code, title_ru, title_en, position, active
             FROM rating_criterion
             UNION ALL
             SELECT 'reason', side, code, title_ru, title_en, position, active FROM rating_reason
             ORDER BY list, side, position, code",
        )
        .fetch_all(&state.pool)
        .await
        .map_err(|e| AppError::internal("listing rating reference data", e))
    }
    .await;
    respond(result)
}

/// Adds or changes a criterion or a reason (by list, side and code). Switching one off keeps
/// the ratings that used it; new ratings no longer offer it. The admin only.
#[server(endpoint = "rating/reference_save", input = Json, output = Json)]
pub async fn save_reference(entry: ReferenceEntry) -> Result<(), AppError> {
    use crate::server::{authz, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        authz::ensure(actor.is_admin())?;
        let table = match entry.list.as_str() {
            "criterion" => "rating_criterion",
            "reason" => "rating_reason",
            _ => return Err(AppError::field("list", "Выберите: критерий или причина.")),
        };
        if crate::domain::rating::Side::parse(&entry.side).is_none() {
            return Err(AppError::field("side", "Выберите, кто оценивает."));
        }
        let code = entry.code.trim();
        if code.is_empty()
            || code.len() > 40
            || !code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        {
            return Err(AppError::field(
                "code",
                "Код — латинские строчные буквы и «_», до 40 знаков.",
            ));
        }
        for (field, title) in [("title_ru", &entry.title_ru), ("title_en", &entry.title_en)] {
            let title = title.trim();
            if title.is_empty() || title.chars().count() > 200 {
                return Err(AppError::field(field, "Название — от 1 до 200 символов."));
            }
        }
        if !(0..=1000).contains(&entry.position) {
            return Err(AppError::field("position", "Порядок — от 0 до 1000."));
        }
        sqlx::query(&format!(
            "INSERT INTO {table} (id, side, code, title_ru, title_en, position, active)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (side, code) DO UPDATE SET title_ru = EXCLUDED.title_ru,
                 title_en = EXCLUDED.title_en, position = EXCLUDED.position,
                 active = EXCLUDED.active"
        ))
        .bind(uuid::Uuid::now_v7())
        .bind(&entry.side)
        .bind(code)
        .bind(entry.title_ru.trim())
        .bind(entry.title_en.trim())
        .bind(entry.position)
        .bind(entry.active)
        .execute(&state.pool)
        .await
        .map_err(|e| AppError::internal("saving rating reference data", e))?;
        Ok(())
    }
    .await;
    respond(result)
}
