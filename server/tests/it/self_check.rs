//! Self-assessment over the real router and a fresh PostgreSQL database per test: checklists
//! from the catalogue, a submission through `POST /api/sync/push` applied exactly once, the
//! declaration of compliance, evaluations of requirements and their published figures, the
//! body's overview, and who may see a self-assessment.

use crate::common;

use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

use app::server::{account, password};
use common::{call, router, sign_in};
use server::seed::DEMO_PASSWORD;

const PUSH: &str = "/api/sync/push";
/// The demo manager's body runs this kind.
const KIND: &str = "chs-nadzor";

/// The demo data without its demo self-assessments and evaluations, so that the figures each
/// test expects are exactly those of its own submissions.
async fn seeded(pool: &PgPool) -> axum::Router {
    server::seed::seed_demo(pool).await.unwrap();
    sqlx::query("DELETE FROM requirement_evaluation")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM self_assessment")
        .execute(pool)
        .await
        .unwrap();
    router(pool.clone())
}

async fn demo_business(pool: &PgPool) -> Uuid {
    sqlx::query_scalar("SELECT id FROM organisation WHERE inn = '2721001237' AND parent_id IS NULL")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn today(pool: &PgPool) -> String {
    sqlx::query_scalar("SELECT current_date::text")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn checklist(app: &axum::Router, kind: &str) -> Value {
    let (status, lists) = call(
        app,
        "/api/self_check/checklists",
        json!({ "kinds": [kind] }),
        None,
    )
    .await;
    assert_eq!(status, 200, "{lists}");
    assert_eq!(lists.as_array().unwrap().len(), 1);
    lists[0].clone()
}

fn ids(checklist: &Value) -> Vec<String> {
    checklist["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["requirement_id"].as_str().unwrap().to_owned())
        .collect()
}

/// A submission answering yes to every question but the listed `no` and `na` ones.
fn submission(org: Uuid, started: &str, checklist: &Value, no: &[usize], na: &[usize]) -> Value {
    let replies: Vec<Value> = ids(checklist)
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let answer = if no.contains(&i) {
                "no"
            } else if na.contains(&i) {
                "na"
            } else {
                "yes"
            };
            json!({ "requirement_id": id, "answer": answer, "note": "" })
        })
        .collect();
    json!({
        "organisation_id": org,
        "started_on": started,
        "checklists": [checklist],
        "replies": replies,
        "to_body": true,
        "declare": false,
        "evaluations": [],
    })
}

fn op(id: Uuid, kind: &str, payload: Value) -> Value {
    json!({ "op_id": id, "kind": kind, "payload": payload })
}

async fn push(app: &axum::Router, cookie: &str, ops: &[Value]) -> Value {
    let (status, answer) = call(app, PUSH, json!({ "ops": ops }), Some(cookie)).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn every_kind_has_a_checklist_of_at_least_five_questions(pool: PgPool) {
    let app = seeded(&pool).await;
    let (status, lists) = call(
        &app,
        "/api/self_check/checklists",
        json!({ "kinds": [] }),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let kinds = count(&pool, "SELECT count(*) FROM control_kind").await;
    let lists = lists.as_array().unwrap();
    assert_eq!(lists.len() as i64, kinds, "a checklist per kind");
    for list in lists {
        let questions = list["questions"].as_array().unwrap();
        assert!(
            questions.len() >= 5,
            "{} has {}",
            list["kind"],
            questions.len()
        );
        for q in questions {
            assert!(q["question"]
                .as_str()
                .unwrap()
                .starts_with("Соблюдается ли"));
            assert!(!q["act"].as_str().unwrap().is_empty());
            assert!(!q["structural_unit"].as_str().unwrap().is_empty());
        }
    }
    // The open data document carries the same checklist.
    let response = common::get(&app, &format!("/api/v1/control-kinds/{KIND}/checklist")).await;
    assert_eq!(response.status(), 200);
    let open: Value = serde_json::from_str(&common::body_text(response).await).unwrap();
    assert_eq!(open, checklist(&app, KIND).await);
    let missing = common::get(&app, "/api/v1/control-kinds/net-takogo/checklist").await;
    assert_eq!(missing.status(), 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_self_assessment_arrives_once_with_its_result_evaluations_and_the_bodys_view(
    pool: PgPool,
) {
    let app = seeded(&pool).await;
    let cookie = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let org = demo_business(&pool).await;
    let today = today(&pool).await;
    let list = checklist(&app, KIND).await;
    let requirements = ids(&list);
    let total = requirements.len();
    let mut payload = submission(org, &today, &list, &[0, 1], &[2, 3, 4]);
    payload["evaluations"] = json!([
        { "requirement_id": requirements[0], "clarity": 2, "feasibility": 3,
          "contradicts": requirements[5], "cost": { "hours": 10, "hourly_rate": 500, "direct_costs": 1000 },
          "proposal": "Уточнить срок." },
        { "requirement_id": requirements[1], "clarity": 4, "feasibility": 5 },
    ]);
    let id = Uuid::now_v7();
    let first = push(
        &app,
        &cookie,
        &[op(id, "self_check.submit", payload.clone())],
    )
    .await;
    assert_eq!(first[0]["status"], "applied", "{first}");
    let applicable = total - 3;
    let met = applicable - 2;
    assert_eq!(first[0]["result"]["met"], met);
    assert_eq!(first[0]["result"]["applicable"], applicable);
    let percent = ((met * 100) as f64 / applicable as f64).round() as i64;
    assert_eq!(first[0]["result"]["percent"], percent);
    assert!(first[0]["result"]["declared_until"].is_null());

    // The same operation again, and twice more in one batch: stored once.
    let again = push(
        &app,
        &cookie,
        &[
            op(id, "self_check.submit", payload.clone()),
            op(id, "self_check.submit", payload),
        ],
    )
    .await;
    assert_eq!(again[0]["status"], "duplicate");
    assert_eq!(again[0]["result"], first[0]["result"]);
    assert_eq!(again[1]["status"], "duplicate");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM self_assessment").await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM self_assessment_answer").await,
        total as i64
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM requirement_evaluation").await,
        2
    );

    // The user's list and the report.
    let (_, mine) = call(&app, "/api/self_check/mine", json!({}), Some(&cookie)).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["met"], met);
    let assessment = first[0]["result"]["assessment_id"].as_str().unwrap();
    let (status, report) = call(
        &app,
        "/api/self_check/report",
        json!({ "id": assessment }),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        report["submission"]["replies"].as_array().unwrap().len(),
        total
    );

    // Published figures.
    let response = common::get(&app, "/api/v1/requirements/evaluations").await;
    assert_eq!(response.status(), 200);
    let published: Value = serde_json::from_str(&common::body_text(response).await).unwrap();
    let first_req = published
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["requirement_id"] == requirements[0].as_str())
        .expect("the evaluated requirement is listed");
    // One evaluation is fewer than the five the figures need (tests/privacy.rs has the rest).
    assert_eq!(first_req["withheld"], true);
    for figure in [
        "count",
        "clarity",
        "feasibility",
        "contradictory_share",
        "median_cost",
    ] {
        assert!(first_req[figure].is_null(), "{figure}: {first_req}");
    }
    let stored: (i16, i16, bool, f64, String) = sqlx::query_as(
        "SELECT clarity, feasibility, contradicts, yearly_cost::float8, proposal
         FROM requirement_evaluation WHERE requirement_id = $1::uuid",
    )
    .bind(&requirements[0])
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored, (2, 3, true, 6000.0, "Уточнить срок.".to_owned()));

    // The body's manager sees it and what fails.
    let manager = sign_in(&app, "manager@demo.knd.local", DEMO_PASSWORD).await;
    let (status, overview) = call(
        &app,
        "/api/self_check/body_overview",
        json!({}),
        Some(&manager),
    )
    .await;
    assert_eq!(status, 200, "{overview}");
    assert_eq!(overview["assessments"].as_array().unwrap().len(), 1);
    let failing: Vec<&str> = overview["failing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["requirement_id"].as_str().unwrap())
        .collect();
    assert_eq!(failing.len(), 2);
    assert!(failing.contains(&requirements[0].as_str()));
    assert_eq!(
        overview["unclear"],
        json!([]),
        "single evaluations rank nothing, not even for the body"
    );
    let (status, _) = call(
        &app,
        "/api/self_check/report",
        json!({ "id": assessment }),
        Some(&manager),
    )
    .await;
    assert_eq!(status, 200, "sent to the body: its manager reads it");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fully_met_checklist_becomes_a_declaration_for_one_year(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let org = demo_business(&pool).await;
    let today = today(&pool).await;
    let list = checklist(&app, KIND).await;

    // Declaring a checklist with a gap is refused and stores nothing.
    let mut gap = submission(org, &today, &list, &[0], &[]);
    gap["declare"] = json!(true);
    let refused = push(
        &app,
        &cookie,
        &[op(Uuid::now_v7(), "self_check.submit", gap)],
    )
    .await;
    assert_eq!(refused[0]["status"], "rejected");
    assert!(refused[0]["reason"]
        .as_str()
        .unwrap()
        .contains("Декларацию соблюдения"));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM self_assessment").await,
        0
    );

    let mut met = submission(org, &today, &list, &[], &[1]);
    met["declare"] = json!(true);
    let answer = push(
        &app,
        &cookie,
        &[op(Uuid::now_v7(), "self_check.submit", met)],
    )
    .await;
    assert_eq!(answer[0]["status"], "applied", "{answer}");
    let expected: String = sqlx::query_scalar(
        "SELECT (current_date + interval '1 year' - interval '1 day')::date::text",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(answer[0]["result"]["declared_until"], expected.as_str());
    assert_eq!(answer[0]["result"]["percent"], 100);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_submissions_are_rejected_and_change_nothing(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let org = demo_business(&pool).await;
    let today = today(&pool).await;
    let list = checklist(&app, KIND).await;
    let requirements = ids(&list);
    let other_org: Uuid = sqlx::query_scalar(
        "SELECT id FROM organisation WHERE kind = 'legal_entity' AND inn <> '2721001237'
         ORDER BY id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();

    let mut unanswered = submission(org, &today, &list, &[], &[]);
    unanswered["replies"].as_array_mut().unwrap().pop();
    let mut not_mine = submission(other_org, &today, &list, &[], &[]);
    not_mine["to_body"] = json!(false);
    let mut unknown_kind = submission(org, &today, &list, &[], &[]);
    unknown_kind["checklists"][0]["kind"] = json!("net-takogo");
    let mut bad_evaluation = submission(org, &today, &list, &[], &[]);
    bad_evaluation["evaluations"] =
        json!([{ "requirement_id": requirements[0], "clarity": 9, "feasibility": 3 }]);
    let mut missing_requirement = submission(org, &today, &list, &[], &[]);
    missing_requirement["evaluations"] =
        json!([{ "requirement_id": Uuid::now_v7(), "clarity": 3, "feasibility": 3 }]);
    let mut future = submission(org, &today, &list, &[], &[]);
    future["started_on"] = json!("2100-01-01");
    let cases = [
        (unanswered, "осталось 1"),
        (not_mine, "представитель организации"),
        (unknown_kind, "нет в каталоге"),
        (bad_evaluation, "понятность"),
        (missing_requirement, "нет в каталоге"),
        (future, "Дата начала"),
        (json!({ "organisation_id": org }), "неверном формате"),
    ];
    for (payload, reason) in cases {
        let answer = push(
            &app,
            &cookie,
            &[op(Uuid::now_v7(), "self_check.submit", payload)],
        )
        .await;
        assert_eq!(answer[0]["status"], "rejected", "{answer}");
        let text = answer[0]["reason"].as_str().unwrap();
        assert!(text.contains(reason), "{text} should say {reason}");
    }
    assert_eq!(
        count(&pool, "SELECT count(*) FROM self_assessment").await,
        0
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM requirement_evaluation").await,
        0
    );

    // Staff do not self-assess businesses, nor evaluate requirements.
    let inspector = sign_in(&app, "inspector@demo.knd.local", DEMO_PASSWORD).await;
    let answer = push(
        &app,
        &inspector,
        &[
            op(
                Uuid::now_v7(),
                "self_check.submit",
                submission(org, &today, &list, &[], &[]),
            ),
            op(
                Uuid::now_v7(),
                "requirement.evaluate",
                json!({ "requirement_id": requirements[0], "clarity": 3, "feasibility": 3 }),
            ),
        ],
    )
    .await;
    assert_eq!(answer[0]["status"], "rejected");
    assert_eq!(answer[1]["status"], "rejected");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM self_assessment").await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_evaluation_from_the_catalogue_replaces_the_users_earlier_one(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let list = checklist(&app, KIND).await;
    let requirement = ids(&list)[0].clone();
    for clarity in [1, 5] {
        let answer = push(
            &app,
            &cookie,
            &[op(
                Uuid::now_v7(),
                "requirement.evaluate",
                json!({ "requirement_id": requirement, "clarity": clarity, "feasibility": 2 }),
            )],
        )
        .await;
        assert_eq!(answer[0]["status"], "applied", "{answer}");
    }
    let (status, published) = call(
        &app,
        "/api/self_check/evaluations",
        json!({ "kind": KIND }),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let published = published.as_array().unwrap();
    assert_eq!(
        published.len(),
        ids(&list).len(),
        "every requirement is listed"
    );
    assert!(published
        .iter()
        .all(|a| a["withheld"] == true && a["count"].is_null()));
    let stored: Vec<(i16,)> = sqlx::query_as(
        "SELECT clarity FROM requirement_evaluation WHERE requirement_id = $1::uuid",
    )
    .bind(&requirement)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        stored,
        [(5,)],
        "the later evaluation replaced the earlier one"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn one_business_never_sees_anothers_self_assessment(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let org = demo_business(&pool).await;
    let today = today(&pool).await;
    let list = checklist(&app, KIND).await;
    let mut private = submission(org, &today, &list, &[], &[]);
    private["to_body"] = json!(false);
    let answer = push(
        &app,
        &cookie,
        &[op(Uuid::now_v7(), "self_check.submit", private)],
    )
    .await;
    let assessment = answer[0]["result"]["assessment_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Another business: its own organisation, none of the demo one's.
    let hash = password::hash_password(DEMO_PASSWORD.into()).await.unwrap();
    let email = app::domain::account::Email::parse("other@example.ru").unwrap();
    let other = account::insert_user(&pool, &email, &hash, "Другой предприниматель")
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO membership (user_id, organisation_id, role)
         SELECT $1, id, 'business' FROM organisation
         WHERE kind = 'legal_entity' AND inn <> '2721001237' ORDER BY id LIMIT 1",
    )
    .bind(other)
    .execute(&pool)
    .await
    .unwrap();
    let other_cookie = sign_in(&app, "other@example.ru", DEMO_PASSWORD).await;
    let (_, mine) = call(&app, "/api/self_check/mine", json!({}), Some(&other_cookie)).await;
    assert_eq!(mine, json!([]));
    let (status, _) = call(
        &app,
        "/api/self_check/report",
        json!({ "id": assessment }),
        Some(&other_cookie),
    )
    .await;
    assert_eq!(status, 404, "answered like an unknown id");
    // Not sent to the body: its manager does not see it either.
    let manager = sign_in(&app, "manager@demo.knd.local", DEMO_PASSWORD).await;
    let (status, _) = call(
        &app,
        "/api/self_check/report",
        json!({ "id": assessment }),
        Some(&manager),
    )
    .await;
    assert_eq!(status, 404, "answered like an unknown id");
    let (_, overview) = call(
        &app,
        "/api/self_check/body_overview",
        json!({}),
        Some(&manager),
    )
    .await;
    assert_eq!(overview["assessments"], json!([]));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_bodys_manager_rewords_a_question_and_its_revision_moves(pool: PgPool) {
    let app = seeded(&pool).await;
    let before = checklist(&app, KIND).await;
    let question = before["questions"][0].clone();
    let manager = sign_in(&app, "manager@demo.knd.local", DEMO_PASSWORD).await;
    let (status, answer) = call(
        &app,
        "/api/self_check/reword",
        json!({ "requirement_id": question["requirement_id"], "question": "Есть ли у вас план действий при ЧС?" }),
        Some(&manager),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let after = checklist(&app, KIND).await;
    assert_eq!(
        after["questions"][0]["question"],
        "Есть ли у вас план действий при ЧС?"
    );
    assert_eq!(
        after["questions"][0]["requirement_id"],
        question["requirement_id"]
    );
    assert!(
        after["questions"][0]["revision"].as_i64().unwrap()
            > question["revision"].as_i64().unwrap()
    );
    // Too short: a Russian message naming the field, nothing changed.
    let (status, answer) = call(
        &app,
        "/api/self_check/reword",
        json!({ "requirement_id": question["requirement_id"], "question": "Да?" }),
        Some(&manager),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(checklist(&app, KIND).await, after);
    // A requirement of another body's kind: refused.
    let foreign: Uuid = sqlx::query_scalar(
        "SELECT r.id FROM requirement r JOIN control_kind k ON k.id = r.kind_id
         WHERE k.slug = 'zhilishchnyj-nadzor' LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (status, _) = call(
        &app,
        "/api/self_check/reword",
        json!({ "requirement_id": foreign, "question": "Есть ли у вас договор управления?" }),
        Some(&manager),
    )
    .await;
    assert_eq!(status, 403);
    // An empty text restores the generated question.
    let (status, _) = call(
        &app,
        "/api/self_check/reword",
        json!({ "requirement_id": question["requirement_id"], "question": "" }),
        Some(&manager),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        checklist(&app, KIND).await["questions"][0]["question"],
        question["question"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_openapi_document_lists_checklists_and_evaluations(pool: PgPool) {
    let app = router(pool);
    let response = common::get(&app, "/api/v1/openapi.json").await;
    let doc: Value = serde_json::from_str(&common::body_text(response).await).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/requirements/evaluations"));
    assert!(paths.contains_key("/api/v1/control-kinds/{slug}/checklist"));
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let aggregate = &schemas["Aggregate"]["properties"];
    for field in [
        "requirement_id",
        "withheld",
        "count",
        "clarity",
        "feasibility",
        "contradictory_share",
        "median_cost",
    ] {
        assert!(aggregate.get(field).is_some(), "Aggregate.{field}");
    }
    let question = &schemas["Question"]["properties"];
    for field in [
        "requirement_id",
        "question",
        "act",
        "structural_unit",
        "fixes",
        "revision",
    ] {
        assert!(question.get(field).is_some(), "Question.{field}");
    }
}

/// Good faith beside the business rating: a self-assessment sent to the body and a valid
/// declaration show next to the business's score on `/ratings` (not part of the score).
#[sqlx::test(migrations = "../migrations")]
async fn a_self_assessment_sent_to_the_body_shows_beside_the_business_rating(pool: PgPool) {
    let app = seeded(&pool).await;
    let mut conn = pool.acquire().await.unwrap();
    let before = app::server::rating_stats::business_scores(&mut conn)
        .await
        .unwrap();
    let rated = before.first().expect("rated businesses").clone();
    let organisation: Uuid = sqlx::query_scalar(
        "SELECT id FROM organisation WHERE name = $1 AND kind = 'legal_entity' LIMIT 1",
    )
    .bind(&rated.name)
    .fetch_one(&pool)
    .await
    .unwrap();
    let hash = password::hash_password(DEMO_PASSWORD.into()).await.unwrap();
    let email = app::domain::account::Email::parse("owner@example.ru").unwrap();
    let owner = account::insert_user(&pool, &email, &hash, "Руководитель")
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO membership (user_id, organisation_id, role) VALUES ($1, $2, 'business')",
    )
    .bind(owner)
    .bind(organisation)
    .execute(&pool)
    .await
    .unwrap();
    let cookie = sign_in(&app, "owner@example.ru", DEMO_PASSWORD).await;
    let list = checklist(&app, KIND).await;
    let mut payload = submission(organisation, &today(&pool).await, &list, &[], &[]);
    payload["declare"] = json!(true);
    let answer = push(
        &app,
        &cookie,
        &[op(Uuid::now_v7(), "self_check.submit", payload)],
    )
    .await;
    assert_eq!(answer[0]["status"], "applied", "{answer}");
    let after = app::server::rating_stats::business_scores(&mut conn)
        .await
        .unwrap();
    let now = after.iter().find(|b| b.name == rated.name).unwrap();
    assert_eq!(now.self_checks, rated.self_checks + 1);
    assert!(now.declared);
    assert_eq!(
        now.score, rated.score,
        "good faith is shown beside the score, not in it"
    );
}
