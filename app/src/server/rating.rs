//! Ratings: reference data, and applying a batch of `rating.submit` operations (validated by
//! the shared domain rule, authorised against the event, one rating per event per side).

use std::collections::HashMap;

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::authz::Actor;
use super::sync::NewOp;
use crate::domain::account::Role;
use crate::domain::rating::{self, Criteria, EventRef, EventType, ReferenceItem, Side, Submission};
use crate::sync::{Outcome, Status};

/// The active criteria and reasons of both sides, in display order.
pub async fn load_criteria(db: &mut sqlx::PgConnection) -> Result<Criteria, sqlx::Error> {
    let criteria: Vec<ReferenceItem> = sqlx::query_as(
        "SELECT side, code, title_ru, title_en FROM rating_criterion WHERE active
         ORDER BY side, position, code",
    )
    .fetch_all(&mut *db)
    .await?;
    let reasons: Vec<ReferenceItem> = sqlx::query_as(
        "SELECT side, code, title_ru, title_en FROM rating_reason WHERE active
         ORDER BY side, position, code",
    )
    .fetch_all(db)
    .await?;
    Ok(Criteria { criteria, reasons })
}

/// The organisations the actor rates for: as a business, their businesses; as staff, the
/// bodies they work in (a unit counts as its body).
fn organisations(actor: &Actor, side: Side) -> Vec<Uuid> {
    actor
        .roles
        .iter()
        .filter_map(|g| match (side, g.role) {
            (Side::Business, Role::Business) => Some(g.organisation_id),
            (Side::Body, Role::KnoStaff | Role::KnoManager) => {
                Some(g.parent_id.unwrap_or(g.organisation_id))
            }
            _ => None,
        })
        .collect()
}

/// An event as the register knows it, or as the rater entered it.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Event {
    id: Option<Uuid>,
    event_type: String,
    event_date: String,
    body_id: Uuid,
    body_organisation: Uuid,
    kind_id: Uuid,
    organisation_id: Uuid,
}

/// A submission that passed every check, ready to insert.
struct Accepted {
    op_id: Uuid,
    rating_id: Uuid,
    side: Side,
    event: Event,
    submission: Submission,
}

/// Applies new `rating.submit` operations inside the batch's transaction; an outcome each.
pub async fn apply_submissions(
    tx: &mut PgConnection,
    actor: &Actor,
    ops: Vec<NewOp>,
) -> Result<Vec<Outcome>, sqlx::Error> {
    let criteria = load_criteria(tx).await?;
    let (today,): (String,) = sqlx::query_as("SELECT current_date::text")
        .fetch_one(&mut *tx)
        .await?;
    let criterion_ids: HashMap<(String, String), Uuid> =
        sqlx::query_as::<_, (String, String, Uuid)>(
            "SELECT side, code, id FROM rating_criterion WHERE active",
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|(side, code, id)| ((side, code), id))
        .collect();

    let mut outcomes = Vec::with_capacity(ops.len());
    let mut valid: Vec<(Uuid, Submission)> = Vec::with_capacity(ops.len());
    for op in ops {
        let submission: Submission = match serde_json::from_value(op.payload) {
            Ok(s) => s,
            Err(_) => {
                outcomes.push(Outcome::rejected(
                    op.op_id,
                    "Оценка пришла в неверном формате. Обновите приложение и отправьте её снова.",
                ));
                continue;
            }
        };
        let problems = rating::validate(&submission, &criteria, &today);
        if let Some(first) = problems.first() {
            outcomes.push(Outcome::rejected(op.op_id, first.to_string()));
            continue;
        }
        valid.push((op.op_id, submission));
    }

    let events = resolve_events(tx, &valid).await?;
    // Read once per batch, and only when a business rating is refused.
    let mut pending: Option<Vec<Uuid>> = None;
    let mut accepted = Vec::with_capacity(valid.len());
    for ((op_id, submission), event) in valid.into_iter().zip(events) {
        let side = submission.side;
        let event = match event {
            Ok(event) => event,
            Err(reason) => {
                outcomes.push(Outcome::rejected(op_id, reason));
                continue;
            }
        };
        let mine = organisations(actor, side);
        let allowed = match side {
            Side::Business => mine.contains(&event.organisation_id),
            Side::Body => mine.contains(&event.body_organisation),
        };
        if !allowed {
            if side == Side::Business && pending.is_none() {
                pending = Some(
                    super::representation::pending_organisations(&mut *tx, actor.user_id).await?,
                );
            }
            let unconfirmed = side == Side::Business
                && pending
                    .iter()
                    .flatten()
                    .any(|p| *p == event.organisation_id);
            outcomes.push(Outcome::rejected(
                op_id,
                match side {
                    Side::Business if unconfirmed => crate::domain::representation::UNCONFIRMED,
                    Side::Business => {
                        "Оценить мероприятие может только представитель проверенной организации."
                    }
                    Side::Body => {
                        "Оценить бизнес может только сотрудник органа, проводившего мероприятие."
                    }
                },
            ));
            continue;
        }
        let event_type = EventType::parse(&event.event_type).unwrap_or(EventType::Knm);
        if !event_type.rateable_by(side) {
            outcomes.push(Outcome::rejected(
                op_id,
                rating::Problem::ConsultationByBody.to_string(),
            ));
            continue;
        }
        accepted.push(Accepted {
            op_id,
            // Random, not time-ordered: the id is public, and a UUID v7 would tell the moment
            // of rating that the public pages round to the month.
            rating_id: Uuid::new_v4(),
            side,
            event,
            submission,
        });
    }
    outcomes.extend(insert(tx, actor.user_id, accepted, &criterion_ids).await?);
    Ok(outcomes)
}

/// Finds the event of each submission, in order: by ЕРКНМ number, or from the body, kind and
/// organisation entered by hand.
async fn resolve_events(
    tx: &mut PgConnection,
    submissions: &[(Uuid, Submission)],
) -> Result<Vec<Result<Event, String>>, sqlx::Error> {
    let numbers: Vec<&str> = submissions
        .iter()
        .filter_map(|(_, s)| match &s.event {
            EventRef::Register { number } => Some(number.as_str()),
            EventRef::Manual { .. } => None,
        })
        .collect();
    let known: HashMap<String, Event> = if numbers.is_empty() {
        HashMap::new()
    } else {
        sqlx::query_as::<_, (String, Uuid, String, String, Uuid, Uuid, Uuid, Uuid)>(
            "SELECT e.erknm_number, e.id, e.event_type, e.starts_on::text, e.body_id,
                    b.organisation_id, e.kind_id, e.organisation_id
             FROM control_event e JOIN control_body b ON b.id = e.body_id
             WHERE e.erknm_number = ANY($1)",
        )
        .bind(&numbers)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(
            |(number, id, event_type, date, body_id, body_org, kind_id, org)| {
                (
                    number,
                    Event {
                        id: Some(id),
                        event_type,
                        event_date: date,
                        body_id,
                        body_organisation: body_org,
                        kind_id,
                        organisation_id: org,
                    },
                )
            },
        )
        .collect()
    };
    let kinds: Vec<&str> = submissions
        .iter()
        .filter_map(|(_, s)| match &s.event {
            EventRef::Manual { kind, .. } => Some(kind.as_str()),
            EventRef::Register { .. } => None,
        })
        .collect();
    // (kind slug) → (kind id, body slug, body id, body organisation)
    let manual_kinds: HashMap<String, (Uuid, String, Uuid, Uuid)> = if kinds.is_empty() {
        HashMap::new()
    } else {
        sqlx::query_as::<_, (String, Uuid, String, Uuid, Uuid)>(
            "SELECT k.slug, k.id, b.slug, b.id, b.organisation_id
             FROM control_kind k JOIN control_body b ON b.id = k.body_id
             WHERE k.slug = ANY($1)",
        )
        .bind(&kinds)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|(slug, kind_id, body_slug, body_id, org)| (slug, (kind_id, body_slug, body_id, org)))
        .collect()
    };
    Ok(submissions
        .iter()
        .map(|(_, s)| match &s.event {
            EventRef::Register { number } => known.get(number).cloned().ok_or_else(|| {
                format!(
                    "Мероприятие № {number} не найдено в реестре. Проверьте номер или укажите \
                     орган, вид контроля и дату вручную."
                )
            }),
            EventRef::Manual {
                body,
                kind,
                date,
                event_type,
                organisation_id,
            } => {
                let Some((kind_id, body_slug, body_id, body_org)) = manual_kinds.get(kind) else {
                    return Err("Такого вида контроля нет в каталоге.".to_owned());
                };
                if body_slug != body {
                    return Err("Этот вид контроля осуществляет другой орган.".to_owned());
                }
                let organisation_id = Uuid::parse_str(organisation_id)
                    .map_err(|_| "Выберите свою организацию.".to_owned())?;
                Ok(Event {
                    id: None,
                    event_type: event_type.as_str().to_owned(),
                    event_date: date.clone(),
                    body_id: *body_id,
                    body_organisation: *body_org,
                    kind_id: *kind_id,
                    organisation_id,
                })
            }
        })
        .collect())
}

/// Inserts the accepted ratings and their scores; an event already rated by that side (earlier,
/// or by another operation of this batch) is refused.
async fn insert(
    tx: &mut PgConnection,
    rater: Uuid,
    accepted: Vec<Accepted>,
    criterion_ids: &HashMap<(String, String), Uuid>,
) -> Result<Vec<Outcome>, sqlx::Error> {
    if accepted.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids = Vec::new();
    let mut op_ids = Vec::new();
    let mut sides = Vec::new();
    let mut event_ids = Vec::new();
    let mut types = Vec::new();
    let mut dates = Vec::new();
    let mut bodies = Vec::new();
    let mut kinds = Vec::new();
    let mut orgs = Vec::new();
    let mut averages = Vec::new();
    let mut lows = Vec::new();
    let mut comments = Vec::new();
    for a in &accepted {
        ids.push(a.rating_id);
        op_ids.push(a.op_id);
        sides.push(a.side.as_str());
        event_ids.push(a.event.id);
        types.push(a.event.event_type.as_str());
        dates.push(a.event.event_date.as_str());
        bodies.push(a.event.body_id);
        kinds.push(a.event.kind_id);
        orgs.push(a.event.organisation_id);
        averages.push(rating::average(&a.submission.scores));
        lows.push(rating::is_low(&a.submission.scores));
        let comment = a.submission.comment.trim();
        comments.push((!comment.is_empty()).then(|| comment.to_owned()));
    }
    let inserted: Vec<(Uuid,)> = sqlx::query_as(
        "INSERT INTO rating (id, op_id, side, event_id, event_type, event_date, body_id, kind_id,
                             organisation_id, rater_user_id, average, low, comment)
         SELECT id, op_id, side, event_id, event_type, event_date::date, body_id, kind_id,
                organisation_id, $10, average, low, comment
         FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[],
                     $7::uuid[], $8::uuid[], $9::uuid[], $11::float8[], $12::bool[], $13::text[])
              AS r (id, op_id, side, event_id, event_type, event_date, body_id, kind_id,
                    organisation_id, average, low, comment)
         ON CONFLICT (event_id, side) WHERE event_id IS NOT NULL DO NOTHING
         RETURNING id",
    )
    .bind(&ids)
    .bind(&op_ids)
    .bind(&sides)
    .bind(&event_ids)
    .bind(&types)
    .bind(&dates)
    .bind(&bodies)
    .bind(&kinds)
    .bind(&orgs)
    .bind(rater)
    .bind(&averages)
    .bind(&lows)
    .bind(&comments)
    .fetch_all(&mut *tx)
    .await?;
    let inserted: std::collections::HashSet<Uuid> = inserted.into_iter().map(|(id,)| id).collect();

    let mut score_rating = Vec::new();
    let mut score_criterion = Vec::new();
    let mut score_value = Vec::new();
    let mut score_reasons = Vec::new();
    let mut score_note = Vec::new();
    let mut outcomes = Vec::with_capacity(accepted.len());
    for a in &accepted {
        if !inserted.contains(&a.rating_id) {
            outcomes.push(Outcome::rejected(
                a.op_id,
                "Это мероприятие уже оценено: одна оценка от каждой стороны.",
            ));
            continue;
        }
        for s in &a.submission.scores {
            let Some(criterion) =
                criterion_ids.get(&(a.side.as_str().to_owned(), s.criterion.clone()))
            else {
                continue;
            };
            score_rating.push(a.rating_id);
            score_criterion.push(*criterion);
            score_value.push(i16::from(s.score));
            // Reason codes are [a-z_]: a comma joins them safely through UNNEST.
            score_reasons.push(s.reasons.join(","));
            let note = s.note.trim();
            score_note.push((!note.is_empty()).then(|| note.to_owned()));
        }
        outcomes.push(Outcome {
            op_id: a.op_id,
            status: Status::Applied,
            result: Some(json!({ "rating_id": a.rating_id })),
            reason: None,
        });
    }
    if !score_rating.is_empty() {
        sqlx::query(
            "INSERT INTO rating_score (rating_id, criterion_id, score, reasons, note)
             SELECT rating_id, criterion_id, score,
                    CASE WHEN reasons = '' THEN '{}'::text[] ELSE string_to_array(reasons, ',') END,
                    note
             FROM UNNEST($1::uuid[], $2::uuid[], $3::int2[], $4::text[], $5::text[])
                  AS s (rating_id, criterion_id, score, reasons, note)",
        )
        .bind(&score_rating)
        .bind(&score_criterion)
        .bind(&score_value)
        .bind(&score_reasons)
        .bind(&score_note)
        .execute(&mut *tx)
        .await?;
    }
    Ok(outcomes)
}
