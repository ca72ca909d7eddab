//! `POST /api/sync/push` under faults and at scale: an operation that fails for an unexpected
//! reason does not cost the others of its batch and is answered `retry`; every kind applies a
//! batch in the same number of statements whatever its size. Real router, real PostgreSQL.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};
use sqlx::PgPool;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;
use uuid::Uuid;

use common::{call, router, sign_in};
use server::seed::DEMO_PASSWORD;

const PUSH: &str = "/api/sync/push";
/// The demo manager's body runs this kind.
const KIND: &str = "chs-nadzor";

/// The demo data, and this many extra events of the demo business nobody has rated.
async fn seeded(pool: &PgPool, extra_events: i32) -> axum::Router {
    server::seed::seed_demo(pool).await.unwrap();
    sqlx::query(
        "INSERT INTO control_event (id, erknm_number, event_type, kind_id, body_id,
                                    organisation_id, starts_on, ends_on)
         SELECT gen_random_uuid(), '8888' || lpad(n::text, 16, '0'), 'knm', k.id, k.body_id,
                o.id, current_date - 10, current_date - 9
         FROM generate_series(1, $1) AS n,
              (SELECT id, body_id FROM control_kind ORDER BY slug LIMIT 1) AS k,
              (SELECT id FROM organisation WHERE inn = '2721001237' AND parent_id IS NULL) AS o",
    )
    .bind(extra_events)
    .execute(pool)
    .await
    .unwrap();
    router(pool.clone())
}

fn event(n: usize) -> String {
    format!("8888{n:016}")
}

fn rating(number: &str, comment: &str) -> Value {
    let scores = common::business_scores(8);
    json!({
        "side": "business",
        "event": { "by": "register", "number": number },
        "scores": scores,
        "comment": comment,
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

fn statuses(answer: &Value) -> Vec<&str> {
    answer
        .as_array()
        .expect("one outcome per operation")
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

async fn requirements(pool: &PgPool, kind: &str) -> Vec<Uuid> {
    sqlx::query_scalar(
        "SELECT r.id FROM requirement r JOIN control_kind k ON k.id = r.kind_id
         WHERE k.slug = $1 ORDER BY r.sort, r.id",
    )
    .bind(kind)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// A database fault no validation can foresee: inserting a rating whose comment is «сбой»
/// raises, as a full disk or a broken constraint would.
async fn install_fault(pool: &PgPool) {
    sqlx::raw_sql(
        "CREATE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             IF NEW.comment = 'сбой' THEN RAISE EXCEPTION 'injected fault'; END IF;
             RETURN NEW;
         END $$;
         CREATE TRIGGER test_fault BEFORE INSERT ON rating
             FOR EACH ROW EXECUTE FUNCTION test_fault();",
    )
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn one_operation_failing_unexpectedly_is_retried_and_the_others_apply(pool: PgPool) {
    let app = seeded(&pool, 3).await;
    let cookie = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    install_fault(&pool).await;
    let requirement = requirements(&pool, KIND).await[0];
    let ratings_before = count(&pool, "SELECT count(*) FROM rating").await;

    let faulty = op(Uuid::now_v7(), "rating.submit", rating(&event(2), "сбой"));
    let batch = [
        op(Uuid::now_v7(), "rating.submit", rating(&event(1), "хорошо")),
        faulty.clone(),
        op(Uuid::now_v7(), "rating.submit", rating(&event(3), "хорошо")),
        op(
            Uuid::now_v7(),
            "requirement.evaluate",
            json!({ "requirement_id": requirement, "clarity": 4, "feasibility": 3 }),
        ),
    ];
    let answer = push(&app, &cookie, &batch).await;
    assert_eq!(
        statuses(&answer),
        ["applied", "retry", "applied", "applied"],
        "{answer}"
    );
    assert!(
        !answer[1]["reason"].as_str().unwrap().contains("injected"),
        "no internal detail reaches the device: {answer}"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rating").await,
        ratings_before + 2
    );
    let evaluated: i64 =
        sqlx::query_scalar("SELECT count(*) FROM requirement_evaluation WHERE op_id = $1")
            .bind(Uuid::parse_str(batch[3]["op_id"].as_str().unwrap()).unwrap())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(evaluated, 1, "another kind in the batch is applied");
    // The faulty operation left nothing behind, not even its id.
    let claimed: i64 = sqlx::query_scalar("SELECT count(*) FROM sync_op WHERE op_id = $1")
        .bind(Uuid::parse_str(faulty["op_id"].as_str().unwrap()).unwrap())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(claimed, 0);

    // Still failing: still retry, and nothing else is disturbed.
    assert_eq!(
        statuses(&push(&app, &cookie, std::slice::from_ref(&faulty)).await),
        ["retry"]
    );

    // The fault is repaired; the device sends the same operation again: applied once.
    sqlx::raw_sql("DROP TRIGGER test_fault ON rating")
        .execute(&pool)
        .await
        .unwrap();
    let again = push(&app, &cookie, &[faulty.clone(), batch[0].clone()]).await;
    assert_eq!(statuses(&again), ["applied", "duplicate"], "{again}");
    let repeat = push(&app, &cookie, std::slice::from_ref(&faulty)).await;
    assert_eq!(statuses(&repeat), ["duplicate"]);
    assert_eq!(repeat[0]["result"], again[0]["result"]);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rating").await,
        ratings_before + 3
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_fault_in_a_self_assessment_batch_costs_only_its_operation(pool: PgPool) {
    let app = seeded(&pool, 0).await;
    let cookie = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let list = checklist(&app).await;
    let org = demo_business(&pool).await;
    let today: String = sqlx::query_scalar("SELECT current_date::text")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::raw_sql(
        "CREATE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             IF NEW.report->'replies'->0->>'note' = 'сбой' THEN
                 RAISE EXCEPTION 'injected fault';
             END IF;
             RETURN NEW;
         END $$;
         CREATE TRIGGER test_fault BEFORE INSERT ON self_assessment
             FOR EACH ROW EXECUTE FUNCTION test_fault();",
    )
    .execute(&pool)
    .await
    .unwrap();
    let before = count(&pool, "SELECT count(*) FROM self_assessment").await;
    let mut faulty = submission(org, &today, &list, 0);
    faulty["replies"][0]["note"] = json!("сбой");
    let batch: Vec<Value> = [
        submission(org, &today, &list, 0),
        faulty,
        submission(org, &today, &list, 1),
    ]
    .into_iter()
    .map(|payload| op(Uuid::now_v7(), "self_check.submit", payload))
    .collect();
    let answer = push(&app, &cookie, &batch).await;
    assert_eq!(
        statuses(&answer),
        ["applied", "retry", "applied"],
        "{answer}"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM self_assessment").await,
        before + 2
    );
    sqlx::raw_sql("DROP TRIGGER test_fault ON self_assessment")
        .execute(&pool)
        .await
        .unwrap();
    let again = push(&app, &cookie, &batch).await;
    assert_eq!(statuses(&again), ["duplicate", "applied", "duplicate"]);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM self_assessment").await,
        before + 3
    );
}

/// Counts the statements sqlx sends (it reports each as a `sqlx::query` event).
struct StatementCounter(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> Layer<S> for StatementCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Pushes `ops` and counts the statements the whole request took (session included).
async fn statements(app: &axum::Router, cookie: &str, ops: &[Value]) -> (usize, Value) {
    let counter = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(StatementCounter(counter.clone()));
    // The test runs on one thread (sqlx::test's runtime), so a thread default sees it all.
    let _guard = tracing::subscriber::set_default(subscriber);
    let answer = push(app, cookie, ops).await;
    (counter.load(Ordering::Relaxed), answer)
}

async fn demo_business(pool: &PgPool) -> Uuid {
    sqlx::query_scalar("SELECT id FROM organisation WHERE inn = '2721001237' AND parent_id IS NULL")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn checklist(app: &axum::Router) -> Value {
    let (status, lists) = call(
        app,
        "/api/self_check/checklists",
        json!({ "kinds": [KIND] }),
        None,
    )
    .await;
    assert_eq!(status, 200, "{lists}");
    lists[0].clone()
}

/// A complete self-assessment answering yes to everything, with an evaluation of the
/// `evaluated`-th question.
fn submission(org: Uuid, started: &str, checklist: &Value, evaluated: usize) -> Value {
    let questions = checklist["questions"].as_array().unwrap();
    let replies: Vec<Value> = questions
        .iter()
        .map(|q| json!({ "requirement_id": q["requirement_id"], "answer": "yes", "note": "" }))
        .collect();
    json!({
        "organisation_id": org,
        "started_on": started,
        "checklists": [checklist],
        "replies": replies,
        "to_body": true,
        "declare": false,
        "evaluations": [{
            "requirement_id": questions[evaluated % questions.len()]["requirement_id"],
            "clarity": 3,
            "feasibility": 4,
        }],
    })
}

#[sqlx::test(migrations = "../migrations")]
async fn every_kind_applies_a_batch_in_the_same_number_of_statements_whatever_its_size(
    pool: PgPool,
) {
    const N: usize = 12;
    let app = seeded(&pool, (2 * N + 2) as i32).await;
    let cookie = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let list = checklist(&app).await;
    let org = demo_business(&pool).await;
    let today: String = sqlx::query_scalar("SELECT current_date::text")
        .fetch_one(&pool)
        .await
        .unwrap();
    let evaluable = requirements(&pool, KIND).await;
    assert!(evaluable.len() >= 5);

    let ratings = |from: usize, n: usize| -> Vec<Value> {
        (from..from + n)
            .map(|i| op(Uuid::now_v7(), "rating.submit", rating(&event(i), "")))
            .collect()
    };
    let assessments = |n: usize| -> Vec<Value> {
        (0..n)
            .map(|i| {
                op(
                    Uuid::now_v7(),
                    "self_check.submit",
                    submission(org, &today, &list, i),
                )
            })
            .collect()
    };
    let evaluations = |n: usize, clarity: u8| -> Vec<Value> {
        (0..n)
            .map(|i| {
                op(
                    Uuid::now_v7(),
                    "requirement.evaluate",
                    json!({
                        "requirement_id": evaluable[i % evaluable.len()],
                        "clarity": clarity,
                        "feasibility": 2,
                        "cost": { "hours": 2.0, "hourly_rate": 500.0, "direct_costs": 100.0 },
                    }),
                )
            })
            .collect()
    };

    let assessments_before = count(&pool, "SELECT count(*) FROM self_assessment").await;
    let answers_before = count(&pool, "SELECT count(*) FROM self_assessment_answer").await;
    // Warm up: the first request of a session may do one-off work.
    push(&app, &cookie, &ratings(1, 1)).await;

    for (kind, one, many) in [
        ("rating.submit", ratings(2, 1), ratings(3, N)),
        ("self_check.submit", assessments(1), assessments(N)),
        ("requirement.evaluate", evaluations(1, 1), evaluations(N, 5)),
    ] {
        let (small, answer) = statements(&app, &cookie, &one).await;
        assert_eq!(statuses(&answer), ["applied"], "{kind}: {answer}");
        let (large, answer) = statements(&app, &cookie, &many).await;
        assert!(
            statuses(&answer).iter().all(|s| *s == "applied"),
            "{kind}: {answer}"
        );
        assert!(small > 0, "{kind}: statements are counted");
        assert_eq!(
            large, small,
            "{kind}: {N} operations took {large} statements, one took {small}"
        );
    }
    // What the batches wrote is all there: N + 1 self-assessments with all their answers, and
    // the later evaluation of a requirement replaced the earlier one.
    let questions = list["questions"].as_array().unwrap().len() as i64;
    assert_eq!(
        count(&pool, "SELECT count(*) FROM self_assessment").await - assessments_before,
        N as i64 + 1
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM self_assessment_answer").await - answers_before,
        (N as i64 + 1) * questions
    );
    let user_evaluations: Vec<(i16,)> = sqlx::query_as(
        "SELECT e.clarity FROM requirement_evaluation e JOIN app_user u ON u.id = e.user_id
         WHERE u.email = 'business@demo.knd.local' AND e.requirement_id = $1",
    )
    .bind(evaluable[0])
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(user_evaluations, [(5,)]);
}
