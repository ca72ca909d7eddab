//! Applying `self_check.submit` and `requirement.evaluate` operations with a constant number of
//! statements per batch, however many operations it holds: every check reads from what a few
//! set-based queries loaded, and every write is one `UNNEST` insert per table.

use std::collections::{HashMap, HashSet};

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::businesses;
use crate::domain::self_check::{self, Evaluation, Submission};
use crate::server::authz::Actor;
use crate::server::sync::NewOp;
use crate::sync::{Outcome, Status};

const MALFORMED_SUBMISSION: &str =
    "Самопроверка пришла в неверном формате. Обновите приложение и отправьте её снова.";

/// An evaluation that passed every check, ready to store.
struct CheckedEvaluation {
    id: Uuid,
    op_id: Uuid,
    requirement: Uuid,
    contradicts: Option<Uuid>,
    evaluation: Evaluation,
}

/// A self-assessment that passed every check, ready to insert.
struct Accepted {
    assessment_id: Uuid,
    op_id: Uuid,
    organisation: Uuid,
    submission: Submission,
    kind_ids: Vec<Uuid>,
    /// Questions whose requirement still exists, with their answer.
    answers: Vec<(Uuid, &'static str)>,
    declared_until: Option<String>,
}

/// Applies new `self_check.submit` operations inside the batch's transaction. At most seven
/// statements whatever the batch size (eight when an organisation's representation is still
/// pending): today, the kinds, the requirements, and one insert each
/// into `self_assessment`, `self_assessment_kind`, `self_assessment_answer` and
/// `requirement_evaluation`.
pub async fn apply_submissions(
    tx: &mut PgConnection,
    actor: &Actor,
    ops: Vec<NewOp>,
) -> Result<Vec<Outcome>, sqlx::Error> {
    let (today,): (String,) = sqlx::query_as("SELECT current_date::text")
        .fetch_one(&mut *tx)
        .await?;
    let mine = businesses(actor);
    let mut outcomes = Vec::with_capacity(ops.len());
    let mut valid: Vec<(Uuid, Uuid, Submission)> = Vec::with_capacity(ops.len());
    let mut pending: Option<Vec<Uuid>> = None;
    for op in ops {
        let Ok(submission) = serde_json::from_value::<Submission>(op.payload) else {
            outcomes.push(Outcome::rejected(op.op_id, MALFORMED_SUBMISSION));
            continue;
        };
        if let Some(problem) = self_check::validate(&submission, &today).first() {
            outcomes.push(Outcome::rejected(op.op_id, problem.to_string()));
            continue;
        }
        let named = Uuid::parse_str(&submission.organisation_id).ok();
        let Some(organisation) = named.filter(|id| mine.contains(id)) else {
            // Read once per batch, and only when some operation needs it.
            if named.is_some() && pending.is_none() {
                pending = Some(
                    super::super::representation::pending_organisations(&mut *tx, actor.user_id)
                        .await?,
                );
            }
            let awaiting = named.is_some_and(|id| pending.iter().flatten().any(|p| *p == id));
            outcomes.push(Outcome::rejected(
                op.op_id,
                if awaiting {
                    crate::domain::representation::UNCONFIRMED
                } else {
                    "Самопроверку отправляет представитель организации, которую она касается."
                },
            ));
            continue;
        };
        valid.push((op.op_id, organisation, submission));
    }
    if valid.is_empty() {
        return Ok(outcomes);
    }

    // The kinds must exist; each question must be a requirement of its kind, or one deleted
    // since the device took its copy (the draft keeps the version it started with).
    let slugs: Vec<&str> = valid
        .iter()
        .flat_map(|(_, _, s)| s.checklists.iter().map(|c| c.kind.as_str()))
        .collect();
    let kinds: HashMap<String, Uuid> = sqlx::query_as::<_, (String, Uuid)>(
        "SELECT slug, id FROM control_kind WHERE slug = ANY($1)",
    )
    .bind(&slugs)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let wanted: Vec<Uuid> = valid
        .iter()
        .flat_map(|(_, _, s)| {
            let questions = s
                .questions()
                .filter_map(|q| Uuid::parse_str(&q.requirement_id).ok());
            questions.chain(s.evaluations.iter().flat_map(evaluation_ids))
        })
        .collect();
    let existing = requirement_kinds(tx, &wanted).await?;

    let mut accepted = Vec::with_capacity(valid.len());
    let mut evaluations = Vec::new();
    'ops: for (op_id, organisation, submission) in valid {
        let mut kind_ids = Vec::new();
        let mut questions = Vec::new();
        for checklist in &submission.checklists {
            let Some(kind_id) = kinds.get(&checklist.kind) else {
                outcomes.push(Outcome::rejected(
                    op_id,
                    format!("Вида контроля «{}» нет в каталоге.", checklist.kind_name),
                ));
                continue 'ops;
            };
            if !kind_ids.contains(kind_id) {
                kind_ids.push(*kind_id);
            }
            for question in &checklist.questions {
                let Ok(id) = Uuid::parse_str(&question.requirement_id) else {
                    outcomes.push(Outcome::rejected(op_id, MALFORMED_SUBMISSION));
                    continue 'ops;
                };
                if existing.get(&id).is_some_and(|k| k != kind_id) {
                    outcomes.push(Outcome::rejected(
                        op_id,
                        "Вопрос чек-листа не относится к своему виду контроля.",
                    ));
                    continue 'ops;
                }
                questions.push((id, question.requirement_id.as_str()));
            }
        }
        // Every evaluation is checked before anything is written: the operation applies whole.
        let mut checked = Vec::with_capacity(submission.evaluations.len());
        for evaluation in &submission.evaluations {
            match check_evaluation(evaluation, &existing) {
                Ok((requirement, contradicts)) => checked.push(CheckedEvaluation {
                    id: Uuid::now_v7(),
                    op_id,
                    requirement,
                    contradicts,
                    evaluation: evaluation.clone(),
                }),
                Err(reason) => {
                    outcomes.push(Outcome::rejected(op_id, reason));
                    continue 'ops;
                }
            }
        }
        evaluations.extend(checked);
        let answers = questions
            .into_iter()
            .filter(|(id, _)| existing.contains_key(id))
            .filter_map(|(id, text)| submission.reply(text).map(|r| (id, r.answer.as_str())))
            .collect();
        let score = submission.score();
        let declared_until = (submission.declare && score.fully_met())
            .then(|| self_check::declared_until(&today))
            .flatten();
        accepted.push(Accepted {
            assessment_id: Uuid::now_v7(),
            op_id,
            organisation,
            submission,
            kind_ids,
            answers,
            declared_until,
        });
    }
    insert_assessments(tx, actor.user_id, &accepted).await?;
    store_evaluations(tx, actor.user_id, &evaluations).await?;
    outcomes.extend(accepted.into_iter().map(|a| {
        let score = a.submission.score();
        Outcome {
            op_id: a.op_id,
            status: Status::Applied,
            result: Some(json!({
                "assessment_id": a.assessment_id,
                "percent": score.percent(),
                "met": score.met,
                "applicable": score.applicable,
                "declared_until": a.declared_until,
            })),
            reason: None,
        }
    }));
    Ok(outcomes)
}

/// The requirements an evaluation names (itself and the one it says it contradicts).
fn evaluation_ids(evaluation: &Evaluation) -> impl Iterator<Item = Uuid> + '_ {
    std::iter::once(evaluation.requirement_id.as_str())
        .chain(evaluation.contradicts.as_deref())
        .filter_map(|id| Uuid::parse_str(id).ok())
}

/// Which of these requirements exist, with their kind: one query.
async fn requirement_kinds(
    tx: &mut PgConnection,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Uuid>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(
        sqlx::query_as::<_, (Uuid, Uuid)>("SELECT id, kind_id FROM requirement WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect(),
    )
}

/// Inserts accepted self-assessments with their kinds and answers: three statements.
async fn insert_assessments(
    tx: &mut PgConnection,
    user_id: Uuid,
    accepted: &[Accepted],
) -> Result<(), sqlx::Error> {
    if accepted.is_empty() {
        return Ok(());
    }
    let mut ids = Vec::new();
    let mut op_ids = Vec::new();
    let mut organisations = Vec::new();
    let mut started = Vec::new();
    let mut to_body = Vec::new();
    let mut totals = Vec::new();
    let mut applicable = Vec::new();
    let mut met = Vec::new();
    let mut declared = Vec::new();
    let mut reports = Vec::new();
    let (mut kind_assessments, mut kind_ids) = (Vec::new(), Vec::new());
    let (mut answer_assessments, mut answer_requirements, mut answers) =
        (Vec::new(), Vec::new(), Vec::new());
    for a in accepted {
        let score = a.submission.score();
        ids.push(a.assessment_id);
        op_ids.push(a.op_id);
        organisations.push(a.organisation);
        started.push(a.submission.started_on.as_str());
        to_body.push(a.submission.to_body);
        totals.push(score.total as i32);
        applicable.push(score.applicable as i32);
        met.push(score.met as i32);
        declared.push(a.declared_until.as_deref());
        reports.push(serde_json::to_value(&a.submission).unwrap_or_default());
        for kind in &a.kind_ids {
            kind_assessments.push(a.assessment_id);
            kind_ids.push(*kind);
        }
        for (requirement, answer) in &a.answers {
            answer_assessments.push(a.assessment_id);
            answer_requirements.push(*requirement);
            answers.push(*answer);
        }
    }
    sqlx::query(
        "INSERT INTO self_assessment (id, op_id, user_id, organisation_id, started_on, to_body,
                                      total, applicable, met, declared_until, report)
         SELECT id, op_id, $3, organisation_id, started_on::date, to_body, total, applicable,
                met, declared_until::date, report
         FROM UNNEST($1::uuid[], $2::uuid[], $4::uuid[], $5::text[], $6::bool[], $7::int4[],
                     $8::int4[], $9::int4[], $10::text[], $11::jsonb[])
              AS a (id, op_id, organisation_id, started_on, to_body, total, applicable, met,
                    declared_until, report)",
    )
    .bind(&ids)
    .bind(&op_ids)
    .bind(user_id)
    .bind(&organisations)
    .bind(&started)
    .bind(&to_body)
    .bind(&totals)
    .bind(&applicable)
    .bind(&met)
    .bind(&declared)
    .bind(&reports)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO self_assessment_kind (assessment_id, kind_id)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[])",
    )
    .bind(&kind_assessments)
    .bind(&kind_ids)
    .execute(&mut *tx)
    .await?;
    // A question listed under two kinds answers once.
    sqlx::query(
        "INSERT INTO self_assessment_answer (assessment_id, requirement_id, answer)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[])
         ON CONFLICT DO NOTHING",
    )
    .bind(&answer_assessments)
    .bind(&answer_requirements)
    .bind(&answers)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Applies new `requirement.evaluate` operations (an evaluation from the catalogue): two
/// statements whatever the batch size.
pub async fn apply_evaluations(
    tx: &mut PgConnection,
    actor: &Actor,
    ops: Vec<NewOp>,
) -> Result<Vec<Outcome>, sqlx::Error> {
    let business = !businesses(actor).is_empty();
    let mut outcomes = Vec::with_capacity(ops.len());
    let mut valid = Vec::with_capacity(ops.len());
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
        valid.push((op.op_id, evaluation));
    }
    let wanted: Vec<Uuid> = valid.iter().flat_map(|(_, e)| evaluation_ids(e)).collect();
    let existing = requirement_kinds(tx, &wanted).await?;
    let mut checked = Vec::with_capacity(valid.len());
    for (op_id, evaluation) in valid {
        match check_evaluation(&evaluation, &existing) {
            Ok((requirement, contradicts)) => checked.push(CheckedEvaluation {
                id: Uuid::now_v7(),
                op_id,
                requirement,
                contradicts,
                evaluation,
            }),
            Err(reason) => outcomes.push(Outcome::rejected(op_id, reason)),
        }
    }
    store_evaluations(tx, actor.user_id, &checked).await?;
    outcomes.extend(checked.into_iter().map(|c| Outcome {
        op_id: c.op_id,
        status: Status::Applied,
        result: Some(json!({ "evaluation_id": c.id })),
        reason: None,
    }));
    Ok(outcomes)
}

/// The requirement an evaluation is about and the one it says it contradicts, once both are
/// known to exist (`existing`, loaded for the whole batch); otherwise the reason it cannot be
/// stored.
fn check_evaluation(
    evaluation: &Evaluation,
    existing: &HashMap<Uuid, Uuid>,
) -> Result<(Uuid, Option<Uuid>), String> {
    if let Some(problem) = self_check::validate_evaluation(evaluation).first() {
        return Err(problem.to_string());
    }
    let (Ok(requirement), Ok(contradicts)) = (
        Uuid::parse_str(&evaluation.requirement_id),
        evaluation
            .contradicts
            .as_deref()
            .map(Uuid::parse_str)
            .transpose(),
    ) else {
        return Err("Требование указано неверно.".to_owned());
    };
    // The same id spelt differently (upper case) would pass the text check above.
    if contradicts == Some(requirement) {
        return Err(self_check::Problem::ContradictsItself.to_string());
    }
    if std::iter::once(requirement)
        .chain(contradicts)
        .any(|id| !existing.contains_key(&id))
    {
        return Err("Такого требования нет в каталоге: возможно, его уже исключили.".to_owned());
    }
    Ok((requirement, contradicts))
}

/// Stores checked evaluations in one statement, each replacing the user's earlier one of the
/// same requirement. Within the batch the later operation wins, as if applied one by one (one
/// `INSERT … ON CONFLICT DO UPDATE` may not touch a row twice).
async fn store_evaluations(
    tx: &mut PgConnection,
    user_id: Uuid,
    evaluations: &[CheckedEvaluation],
) -> Result<(), sqlx::Error> {
    let mut seen = HashSet::new();
    let latest: Vec<&CheckedEvaluation> = evaluations
        .iter()
        .rev()
        .filter(|e| seen.insert(e.requirement))
        .collect();
    if latest.is_empty() {
        return Ok(());
    }
    let mut ids = Vec::new();
    let mut op_ids = Vec::new();
    let mut requirements = Vec::new();
    let mut clarity = Vec::new();
    let mut feasibility = Vec::new();
    let mut contradicts = Vec::new();
    let mut hours = Vec::new();
    let mut rates = Vec::new();
    let mut direct = Vec::new();
    let mut yearly = Vec::new();
    let mut proposals = Vec::new();
    for e in latest {
        let cost = e.evaluation.cost;
        ids.push(e.id);
        op_ids.push(e.op_id);
        requirements.push(e.requirement);
        clarity.push(i16::from(e.evaluation.clarity));
        feasibility.push(i16::from(e.evaluation.feasibility));
        contradicts.push(e.contradicts);
        hours.push(cost.map(|c| c.hours));
        rates.push(cost.map(|c| c.hourly_rate));
        direct.push(cost.map(|c| c.direct_costs));
        yearly.push(cost.and_then(|c| c.yearly().ok()));
        proposals.push(e.evaluation.proposal.trim());
    }
    sqlx::query(
        "INSERT INTO requirement_evaluation (id, op_id, user_id, requirement_id, clarity,
             feasibility, contradicts_id, contradicts, hours, hourly_rate, direct_costs,
             yearly_cost, proposal)
         SELECT id, op_id, $3, requirement_id, clarity, feasibility, contradicts_id,
                contradicts_id IS NOT NULL, hours::numeric, hourly_rate::numeric,
                direct_costs::numeric, yearly_cost::numeric, proposal
         FROM UNNEST($1::uuid[], $2::uuid[], $4::uuid[], $5::int2[], $6::int2[], $7::uuid[],
                     $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::text[])
              AS e (id, op_id, requirement_id, clarity, feasibility, contradicts_id, hours,
                    hourly_rate, direct_costs, yearly_cost, proposal)
         ON CONFLICT (user_id, requirement_id) DO UPDATE SET
             id = EXCLUDED.id, op_id = EXCLUDED.op_id, clarity = EXCLUDED.clarity,
             feasibility = EXCLUDED.feasibility, contradicts_id = EXCLUDED.contradicts_id,
             contradicts = EXCLUDED.contradicts, hours = EXCLUDED.hours,
             hourly_rate = EXCLUDED.hourly_rate, direct_costs = EXCLUDED.direct_costs,
             yearly_cost = EXCLUDED.yearly_cost, proposal = EXCLUDED.proposal,
             created_at = now()",
    )
    .bind(&ids)
    .bind(&op_ids)
    .bind(user_id)
    .bind(&requirements)
    .bind(&clarity)
    .bind(&feasibility)
    .bind(&contradicts)
    .bind(&hours)
    .bind(&rates)
    .bind(&direct)
    .bind(&yearly)
    .bind(&proposals)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
