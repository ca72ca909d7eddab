//! Demo self-assessments: entrepreneurs of controlled organisations (one account each) who
//! went through one kind's checklist over the last year, most of them sending it to the body,
//! every fifth fully compliant and declared, each evaluating three requirements of the kind.
//! This gives the bodies' overviews and the published evaluations something to show. Runs
//! only while there are no self-assessments, in the caller's transaction; deterministic except
//! for dates, which count back from the day of loading.

use anyhow::Context;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use app::domain::account::{Email, Role};
use app::domain::self_check::{Answer, Reply, Submission};
use app::server::{account, self_check};
use app::sync::kinds;

use super::catalogue_content::Rng;
use super::rating::DEMO_INN;

/// What a run inserted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SelfCheckReport {
    pub entrepreneurs: usize,
    pub assessments: usize,
    pub evaluations: usize,
}

const ENTREPRENEURS: usize = 30;
const EVALUATIONS_EACH: usize = 3;

const PROPOSALS: [&str; 4] = [
    "Указать конкретный срок выполнения требования.",
    "Разрешить подавать сведения в электронном виде.",
    "Установить облегчённый порядок для микропредприятий.",
    "Привести формулировку в соответствие с федеральным законом.",
];

pub async fn load(
    tx: &mut PgConnection,
    password_hash: &str,
) -> anyhow::Result<Option<SelfCheckReport>> {
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM self_assessment")
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        return Ok(None);
    }
    let lists = self_check::checklists(&mut *tx, None)
        .await
        .context("building checklists")?;
    if lists.is_empty() {
        return Ok(None);
    }
    let organisations: Vec<Uuid> = sqlx::query_scalar(
        "SELECT o.id FROM organisation o
         WHERE o.kind = 'legal_entity' AND o.parent_id IS NULL AND o.inn <> $1
           AND EXISTS (SELECT 1 FROM risk_assignment r WHERE r.organisation_id = o.id)
         ORDER BY o.id LIMIT $2",
    )
    .bind(DEMO_INN)
    .bind(ENTREPRENEURS as i64)
    .fetch_all(&mut *tx)
    .await?;
    let mut report = SelfCheckReport::default();
    let mut rng = Rng(0x5EED_0006_2026);
    for (n, organisation) in organisations.into_iter().enumerate() {
        let email = Email::parse(&format!("entrepreneur{}@demo.knd.local", n + 1))
            .expect("a valid demo email");
        let user_id = match account::find_user_by_email(&mut *tx, &email).await? {
            Some(user) => user.id,
            None => {
                report.entrepreneurs += 1;
                account::insert_user(
                    &mut *tx,
                    &email,
                    password_hash,
                    &format!("Предприниматель {} (демо)", n + 1),
                )
                .await?
            }
        };
        account::grant_role(&mut *tx, user_id, organisation, Role::Business, None).await?;

        let list = lists[n % lists.len()].clone();
        let compliant = n % 5 == 0;
        let replies: Vec<Reply> = list
            .questions
            .iter()
            .map(|q| {
                let roll = rng.below(100);
                let answer = match roll {
                    _ if compliant => Answer::Yes,
                    0..=81 => Answer::Yes,
                    82..=93 => Answer::No,
                    _ => Answer::Na,
                };
                Reply {
                    requirement_id: q.requirement_id.clone(),
                    answer,
                    note: String::new(),
                }
            })
            .collect();
        let days_ago = 1 + rng.below(360) as i32;
        let (started_on,): (String,) = sqlx::query_as("SELECT (current_date - $1)::text")
            .bind(days_ago + 2)
            .fetch_one(&mut *tx)
            .await?;
        let submission = Submission {
            organisation_id: organisation.to_string(),
            started_on,
            checklists: vec![list.clone()],
            replies,
            to_body: n % 3 != 2,
            declare: compliant,
            evaluations: Vec::new(),
        };
        let score = submission.score();
        let assessment = Uuid::now_v7();
        let op = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO sync_op (op_id, user_id, kind, result, received_at)
             VALUES ($1, $2, $3, $4, now() - make_interval(days => $5))",
        )
        .bind(op)
        .bind(user_id)
        .bind(kinds::SELF_CHECK_SUBMIT)
        .bind(json!({ "assessment_id": assessment, "percent": score.percent() }))
        .bind(days_ago)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO self_assessment (id, op_id, user_id, organisation_id, started_on,
                 submitted_at, to_body, total, applicable, met, declared_until, report)
             VALUES ($1, $2, $3, $4, $5::date, now() - make_interval(days => $6), $7, $8, $9,
                     $10, CASE WHEN $11 THEN (current_date - $6 + interval '1 year'
                                              - interval '1 day')::date END, $12)",
        )
        .bind(assessment)
        .bind(op)
        .bind(user_id)
        .bind(organisation)
        .bind(&submission.started_on)
        .bind(days_ago)
        .bind(submission.to_body)
        .bind(score.total as i32)
        .bind(score.applicable as i32)
        .bind(score.met as i32)
        .bind(compliant && score.fully_met())
        .bind(serde_json::to_value(&submission)?)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO self_assessment_kind (assessment_id, kind_id)
             SELECT $1, id FROM control_kind WHERE slug = $2",
        )
        .bind(assessment)
        .bind(&list.kind)
        .execute(&mut *tx)
        .await?;
        let ids: Vec<Uuid> = submission
            .replies
            .iter()
            .filter_map(|r| Uuid::parse_str(&r.requirement_id).ok())
            .collect();
        let answers: Vec<&str> = submission
            .replies
            .iter()
            .map(|r| r.answer.as_str())
            .collect();
        sqlx::query(
            "INSERT INTO self_assessment_answer (assessment_id, requirement_id, answer)
             SELECT $1, r, a FROM UNNEST($2::uuid[], $3::text[]) AS x (r, a)",
        )
        .bind(assessment)
        .bind(&ids)
        .bind(&answers)
        .execute(&mut *tx)
        .await?;
        report.assessments += 1;

        // Three requirements of the kind, evaluated.
        let mut picked: Vec<usize> = Vec::new();
        while picked.len() < EVALUATIONS_EACH.min(ids.len()) {
            let i = rng.below(ids.len());
            if !picked.contains(&i) {
                picked.push(i);
            }
        }
        for i in picked {
            let op = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO sync_op (op_id, user_id, kind, received_at)
                 VALUES ($1, $2, $3, now() - make_interval(days => $4))",
            )
            .bind(op)
            .bind(user_id)
            .bind(kinds::REQUIREMENT_EVALUATE)
            .bind(days_ago)
            .execute(&mut *tx)
            .await?;
            let contradicts = (rng.below(10) == 0).then(|| ids[(i + 1) % ids.len()]);
            let cost = rng.below(10) < 6;
            let hours = (2 + rng.below(79)) as f64;
            let rate = (300 + 50 * rng.below(25)) as f64;
            let direct = (1000 * rng.below(51)) as f64;
            let proposal = if rng.below(10) < 3 {
                rng.pick(&PROPOSALS)
            } else {
                ""
            };
            sqlx::query(
                "INSERT INTO requirement_evaluation (id, op_id, user_id, requirement_id, clarity,
                     feasibility, contradicts_id, contradicts, hours, hourly_rate, direct_costs,
                     yearly_cost, proposal, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::float8::numeric,
                         $10::float8::numeric, $11::float8::numeric, $12::float8::numeric, $13,
                         now() - make_interval(days => $14))",
            )
            .bind(Uuid::now_v7())
            .bind(op)
            .bind(user_id)
            .bind(ids[i])
            .bind(1 + rng.below(5) as i16)
            .bind(2 + rng.below(4) as i16)
            .bind(contradicts)
            .bind(contradicts.is_some())
            .bind(cost.then_some(hours))
            .bind(cost.then_some(rate))
            .bind(cost.then_some(direct))
            .bind(cost.then_some(hours * rate + direct))
            .bind(proposal)
            .bind(days_ago)
            .execute(&mut *tx)
            .await?;
            report.evaluations += 1;
        }
    }
    Ok(Some(report))
}
