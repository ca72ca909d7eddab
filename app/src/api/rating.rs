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
