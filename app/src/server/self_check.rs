//! Self-assessment on the server: checklists generated from the catalogue, applying the
//! `self_check.submit` and `requirement.evaluate` operations devices push (validated by the
//! shared rule in `domain::self_check`), and the published figures.

use std::collections::HashMap;

use serde_json::json;
use sqlx::{PgConnection, Postgres, Transaction};
use uuid::Uuid;

use super::authz::Actor;
use super::sync::NewOp;
use crate::domain::account::Role;
use crate::domain::self_check::{
    self, default_question, Aggregate, Checklist, Evaluation, Fix, Question, Submission, Tally,
};
use crate::sync::{Outcome, Status};

/// A checklist row: kind slug, kind name, body short name, requirement id, wording, requirement
/// text, act title, structural unit, act url, revision, typical violations.
type QuestionRow = (
    String,
    String,
    String,
    Uuid,
    Option<String>,
    String,
    String,
    String,
    String,
    i64,
    sqlx::types::Json<Vec<Fix>>,
);

/// The checklists of the given kinds (all kinds when `kinds` is `None`), in the catalogue's
/// order: one question per mandatory requirement.
pub async fn checklists(
    db: &mut PgConnection,
    kinds: Option<&[String]>,
) -> Result<Vec<Checklist>, sqlx::Error> {
    let rows: Vec<QuestionRow> = sqlx::query_as(
        "SELECT k.slug, k.name, b.short_name, r.id, w.question, r.text, a.title,
                r.structural_unit, a.url, GREATEST(r.version, COALESCE(w.version, 0)),
                COALESCE((SELECT jsonb_agg(jsonb_build_object(
                              'what_goes_wrong', v.what_goes_wrong, 'how_to_fix', v.how_to_fix)
                              ORDER BY v.sort, v.id)
                          FROM typical_violation v WHERE v.requirement_id = r.id), '[]')
         FROM requirement r
         JOIN control_kind k ON k.id = r.kind_id
         JOIN control_body b ON b.id = k.body_id
         JOIN legal_act a ON a.id = r.act_id
         LEFT JOIN checklist_wording w ON w.requirement_id = r.id
         WHERE $1::text[] IS NULL OR k.slug = ANY($1)
         ORDER BY k.name, k.slug, r.sort, r.id",
    )
    .bind(kinds)
    .fetch_all(db)
    .await?;
    let mut lists: Vec<Checklist> = Vec::new();
    for (kind, kind_name, body, id, wording, text, act, unit, url, revision, fixes) in rows {
        if lists.last().is_none_or(|c| c.kind != kind) {
            lists.push(Checklist {
                kind,
                kind_name,
                body,
                questions: Vec::new(),
            });
        }
        let question = wording.unwrap_or_else(|| default_question(&text));
        if let Some(list) = lists.last_mut() {
            list.questions.push(Question {
                requirement_id: id.to_string(),
                question,
                requirement: text,
                act,
                structural_unit: unit,
                act_url: url,
                fixes: fixes.0,
                revision,
            });
        }
    }
    Ok(lists)
}

/// The organisations the actor acts for as a business.
pub fn businesses(actor: &Actor) -> Vec<Uuid> {
    actor
        .roles
        .iter()
        .filter(|g| g.role == Role::Business)
        .map(|g| g.organisation_id)
        .collect()
}

/// Applies new `self_check.submit` operations inside the batch's transaction.
pub async fn apply_submissions(
    tx: &mut Transaction<'static, Postgres>,
    actor: &Actor,
    ops: Vec<NewOp>,
) -> Result<Vec<Outcome>, sqlx::Error> {
    let (today,): (String,) = sqlx::query_as("SELECT current_date::text")
        .fetch_one(&mut **tx)
        .await?;
    let mine = businesses(actor);
    let mut outcomes = Vec::with_capacity(ops.len());
    for op in ops {
        let outcome = match serde_json::from_value::<Submission>(op.payload) {
            Ok(submission) => apply_one(tx, actor, &mine, op.op_id, submission, &today).await?,
            Err(_) => Outcome::rejected(
                op.op_id,
                "Самопроверка пришла в неверном формате. Обновите приложение и отправьте её снова.",
            ),
        };
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

async fn apply_one(
    tx: &mut Transaction<'static, Postgres>,
    actor: &Actor,
    mine: &[Uuid],
    op_id: Uuid,
    submission: Submission,
    today: &str,
) -> Result<Outcome, sqlx::Error> {
    if let Some(problem) = self_check::validate(&submission, today).first() {
        return Ok(Outcome::rejected(op_id, problem.to_string()));
    }
    let named = Uuid::parse_str(&submission.organisation_id).ok();
    let Some(organisation) = named.filter(|id| mine.contains(id)) else {
        let pending = match named {
            Some(id) => super::representation::pending_organisations(&mut **tx, actor.user_id)
                .await?
                .contains(&id),
            None => false,
        };
        return Ok(Outcome::rejected(
            op_id,
            if pending {
                crate::domain::representation::UNCONFIRMED
            } else {
                "Самопроверку отправляет представитель организации, которую она касается."
            },
        ));
    };
    // The kinds must exist; each question must be a requirement of its kind, or one deleted
    // since the device took its copy (the draft keeps the version it started with).
    let slugs: Vec<String> = submission
        .checklists
        .iter()
        .map(|c| c.kind.clone())
        .collect();
    let kinds: HashMap<String, Uuid> = sqlx::query_as::<_, (String, Uuid)>(
        "SELECT slug, id FROM control_kind WHERE slug = ANY($1)",
    )
    .bind(&slugs)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    let mut ids = Vec::new();
    for checklist in &submission.checklists {
        if !kinds.contains_key(&checklist.kind) {
            return Ok(Outcome::rejected(
                op_id,
                format!("Вида контроля «{}» нет в каталоге.", checklist.kind_name),
            ));
        }
        for question in &checklist.questions {
            match Uuid::parse_str(&question.requirement_id) {
                Ok(id) => ids.push((id, checklist.kind.clone())),
                Err(_) => {
                    return Ok(Outcome::rejected(
                        op_id,
                        "Самопроверка пришла в неверном формате. Обновите приложение и \
                         отправьте её снова.",
                    ))
                }
            }
        }
    }
    let requirement_ids: Vec<Uuid> = ids.iter().map(|(id, _)| *id).collect();
    let existing: HashMap<Uuid, Uuid> =
        sqlx::query_as::<_, (Uuid, Uuid)>("SELECT id, kind_id FROM requirement WHERE id = ANY($1)")
            .bind(&requirement_ids)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect();
    if ids
        .iter()
        .any(|(id, kind)| existing.get(id).is_some_and(|k| Some(k) != kinds.get(kind)))
    {
        return Ok(Outcome::rejected(
            op_id,
            "Вопрос чек-листа не относится к своему виду контроля.",
        ));
    }
    // Every evaluation is checked before anything is written: the operation applies whole.
    let mut checked = Vec::with_capacity(submission.evaluations.len());
    for evaluation in &submission.evaluations {
        match check_evaluation(tx, evaluation).await? {
            Ok(ids) => checked.push(ids),
            Err(reason) => return Ok(Outcome::rejected(op_id, reason)),
        }
    }

    let score = submission.score();
    let declared_until = (submission.declare && score.fully_met())
        .then(|| self_check::declared_until(today))
        .flatten();
    let assessment_id = Uuid::now_v7();
    let report = serde_json::to_value(&submission).unwrap_or_default();
    sqlx::query(
        "INSERT INTO self_assessment (id, op_id, user_id, organisation_id, started_on, to_body,
                                      total, applicable, met, declared_until, report)
         VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10::date, $11)",
    )
    .bind(assessment_id)
    .bind(op_id)
    .bind(actor.user_id)
    .bind(organisation)
    .bind(&submission.started_on)
    .bind(submission.to_body)
    .bind(score.total as i32)
    .bind(score.applicable as i32)
    .bind(score.met as i32)
    .bind(&declared_until)
    .bind(&report)
    .execute(&mut **tx)
    .await?;
    let kind_ids: Vec<Uuid> = kinds.values().copied().collect();
    sqlx::query(
        "INSERT INTO self_assessment_kind (assessment_id, kind_id)
         SELECT $1, UNNEST($2::uuid[])",
    )
    .bind(assessment_id)
    .bind(&kind_ids)
    .execute(&mut **tx)
    .await?;
    let mut answered = Vec::new();
    let mut answers = Vec::new();
    for (id, _) in &ids {
        if !existing.contains_key(id) {
            continue;
        }
        if let Some(reply) = submission.reply(&id.to_string()) {
            answered.push(*id);
            answers.push(reply.answer.as_str());
        }
    }
    sqlx::query(
        "INSERT INTO self_assessment_answer (assessment_id, requirement_id, answer)
         SELECT $1, r, a FROM UNNEST($2::uuid[], $3::text[]) AS x (r, a)
         ON CONFLICT DO NOTHING",
    )
    .bind(assessment_id)
    .bind(&answered)
    .bind(&answers)
    .execute(&mut **tx)
    .await?;
    for (evaluation, ids) in submission.evaluations.iter().zip(checked) {
        store_evaluation(tx, actor.user_id, op_id, evaluation, ids).await?;
    }
    Ok(Outcome {
        op_id,
        status: Status::Applied,
        result: Some(json!({
            "assessment_id": assessment_id,
            "percent": score.percent(),
            "met": score.met,
            "applicable": score.applicable,
            "declared_until": declared_until,
        })),
        reason: None,
    })
}

/// Applies new `requirement.evaluate` operations (an evaluation from the catalogue).
pub async fn apply_evaluations(
    tx: &mut Transaction<'static, Postgres>,
    actor: &Actor,
    ops: Vec<NewOp>,
) -> Result<Vec<Outcome>, sqlx::Error> {
    let business = !businesses(actor).is_empty();
    let mut outcomes = Vec::with_capacity(ops.len());
    for op in ops {
        let Ok(evaluation) = serde_json::from_value::<Evaluation>(op.payload) else {
            outcomes.push(Outcome::rejected(
                op.op_id,
                "Оценка требования пришла в неверном формате.",
            ));
            continue;
        };
        if !business {
            outcomes.push(Outcome::rejected(
                op.op_id,
                "Оценивать требования могут представители бизнеса.",
            ));
            continue;
        }
        outcomes.push(match check_evaluation(tx, &evaluation).await? {
            Ok(ids) => {
                let id = store_evaluation(tx, actor.user_id, op.op_id, &evaluation, ids).await?;
                Outcome {
                    op_id: op.op_id,
                    status: Status::Applied,
                    result: Some(json!({ "evaluation_id": id })),
                    reason: None,
                }
            }
            Err(reason) => Outcome::rejected(op.op_id, reason),
        });
    }
    Ok(outcomes)
}

/// The requirement an evaluation is about and the one it says it contradicts, once both are
/// known to exist; otherwise the reason it cannot be stored.
async fn check_evaluation(
    tx: &mut Transaction<'static, Postgres>,
    evaluation: &Evaluation,
) -> Result<Result<(Uuid, Option<Uuid>), String>, sqlx::Error> {
    if let Some(problem) = self_check::validate_evaluation(evaluation).first() {
        return Ok(Err(problem.to_string()));
    }
    let (Ok(requirement), Ok(contradicts)) = (
        Uuid::parse_str(&evaluation.requirement_id),
        evaluation
            .contradicts
            .as_deref()
            .map(Uuid::parse_str)
            .transpose(),
    ) else {
        return Ok(Err("Требование указано неверно.".to_owned()));
    };
    let wanted: Vec<Uuid> = std::iter::once(requirement).chain(contradicts).collect();
    let (found,): (i64,) = sqlx::query_as("SELECT count(*) FROM requirement WHERE id = ANY($1)")
        .bind(&wanted)
        .fetch_one(&mut **tx)
        .await?;
    if found != wanted.len() as i64 {
        return Ok(Err(
            "Такого требования нет в каталоге: возможно, его уже исключили.".to_owned(),
        ));
    }
    Ok(Ok((requirement, contradicts)))
}

/// Stores a checked evaluation, replacing the user's earlier one of the same requirement.
async fn store_evaluation(
    tx: &mut Transaction<'static, Postgres>,
    user_id: Uuid,
    op_id: Uuid,
    evaluation: &Evaluation,
    (requirement, contradicts): (Uuid, Option<Uuid>),
) -> Result<Uuid, sqlx::Error> {
    let cost = evaluation.cost;
    let yearly = cost.and_then(|c| c.yearly().ok());
    let id = Uuid::now_v7();
    let (stored,): (Uuid,) = sqlx::query_as(
        "INSERT INTO requirement_evaluation (id, op_id, user_id, requirement_id, clarity,
             feasibility, contradicts_id, contradicts, hours, hourly_rate, direct_costs,
             yearly_cost, proposal)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::float8::numeric, $10::float8::numeric,
                 $11::float8::numeric, $12::float8::numeric, $13)
         ON CONFLICT (user_id, requirement_id) DO UPDATE SET
             id = EXCLUDED.id, op_id = EXCLUDED.op_id, clarity = EXCLUDED.clarity,
             feasibility = EXCLUDED.feasibility, contradicts_id = EXCLUDED.contradicts_id,
             contradicts = EXCLUDED.contradicts, hours = EXCLUDED.hours,
             hourly_rate = EXCLUDED.hourly_rate, direct_costs = EXCLUDED.direct_costs,
             yearly_cost = EXCLUDED.yearly_cost, proposal = EXCLUDED.proposal,
             created_at = now()
         RETURNING id",
    )
    .bind(id)
    .bind(op_id)
    .bind(user_id)
    .bind(requirement)
    .bind(i16::from(evaluation.clarity))
    .bind(i16::from(evaluation.feasibility))
    .bind(contradicts)
    .bind(contradicts.is_some())
    .bind(cost.map(|c| c.hours))
    .bind(cost.map(|c| c.hourly_rate))
    .bind(cost.map(|c| c.direct_costs))
    .bind(yearly)
    .bind(evaluation.proposal.trim())
    .fetch_one(&mut **tx)
    .await?;
    Ok(stored)
}

/// The published figures of every requirement (of these kinds, when given). A requirement with
/// fewer than `k` evaluations — none included, so that «none» and «a few» look alike — is
/// listed without figures ([`Tally::publish`]).
pub async fn aggregates(
    db: &mut PgConnection,
    kinds: Option<&[String]>,
) -> Result<Vec<Aggregate>, sqlx::Error> {
    type Row = (
        Uuid,
        String,
        String,
        i64,
        f64,
        f64,
        f64,
        Option<f64>,
        i64,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.id, k.slug, r.text, count(e.id),
                coalesce(avg(e.clarity), 0)::float8, coalesce(avg(e.feasibility), 0)::float8,
                coalesce(avg(CASE WHEN e.contradicts THEN 1.0 ELSE 0.0 END), 0)::float8,
                (percentile_cont(0.5) WITHIN GROUP (ORDER BY e.yearly_cost))::float8,
                count(e.yearly_cost), count(e.id) FILTER (WHERE e.proposal <> '')
         FROM requirement r
         JOIN control_kind k ON k.id = r.kind_id
         LEFT JOIN requirement_evaluation e ON e.requirement_id = r.id
         WHERE $1::text[] IS NULL OR k.slug = ANY($1)
         GROUP BY r.id, k.slug, r.text, r.sort
         ORDER BY k.slug, r.sort, r.id",
    )
    .bind(kinds)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                kind,
                requirement,
                count,
                clarity,
                feasibility,
                contradictory_share,
                median_cost,
                costs,
                proposals,
            )| {
                Tally {
                    requirement_id: id.to_string(),
                    kind,
                    requirement,
                    count,
                    clarity,
                    feasibility,
                    contradictory_share,
                    median_cost,
                    costs,
                    proposals,
                }
                .publish()
            },
        )
        .collect())
}
