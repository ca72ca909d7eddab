//! `POST /api/sync/push`: exactly once under repeats, concurrent sessions and lost answers, over
//! the real router and a real PostgreSQL database per test.

use crate::common;

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

use common::{call, router, sign_in};
use server::seed::DEMO_PASSWORD;

const PUSH: &str = "/api/sync/push";
const CRITERIA: [&str; 5] = [
    "courtesy",
    "competence",
    "procedure",
    "clarity",
    "usefulness",
];

async fn seeded(pool: &PgPool) -> axum::Router {
    server::seed::seed_demo(pool).await.unwrap();
    router(pool.clone())
}

/// ЕРКНМ numbers of the demo business's events nobody has rated yet.
async fn unrated_demo_events(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT e.erknm_number FROM control_event e JOIN organisation o ON o.id = e.organisation_id
         WHERE o.inn = '2721001237'
           AND NOT EXISTS (SELECT 1 FROM rating r WHERE r.event_id = e.id)
         ORDER BY e.erknm_number",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

fn business_rating(number: &str, courtesy: u8, reasons: &[&str]) -> Value {
    let scores: Vec<Value> = CRITERIA
        .iter()
        .map(|c| {
            if *c == "courtesy" {
                json!({ "criterion": c, "score": courtesy, "reasons": reasons, "note": "" })
            } else {
                json!({ "criterion": c, "score": 8 })
            }
        })
        .collect();
    json!({
        "side": "business",
        "event": { "by": "register", "number": number },
        "scores": scores,
        "comment": "Демо-комментарий",
    })
}

fn op(id: Uuid, payload: Value) -> Value {
    json!({ "op_id": id, "kind": "rating.submit", "payload": payload })
}

async fn push(router: &axum::Router, cookie: &str, ops: &[Value]) -> (u16, Value) {
    call(router, PUSH, json!({ "ops": ops }), Some(cookie)).await
}

fn statuses(answer: &Value) -> Vec<String> {
    answer
        .as_array()
        .expect("one outcome per operation")
        .iter()
        .map(|o| o["status"].as_str().unwrap().to_owned())
        .collect()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_repeated_push_applies_each_operation_once(pool: PgPool) {
    let router = seeded(&pool).await;
    let cookie = sign_in(&router, "business@demo.knd.local", DEMO_PASSWORD).await;
    let events = unrated_demo_events(&pool).await;
    assert!(events.len() >= 3);
    let before = count(&pool, "SELECT count(*) FROM rating").await;
    let ops: Vec<Value> = events[..3]
        .iter()
        .map(|n| op(Uuid::now_v7(), business_rating(n, 9, &[])))
        .collect();

    let (status, first) = push(&router, &cookie, &ops).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(statuses(&first), ["applied"; 3]);
    let (status, second) = push(&router, &cookie, &ops).await;
    assert_eq!(status, 200);
    assert_eq!(statuses(&second), ["duplicate"; 3]);
    for (a, b) in first
        .as_array()
        .unwrap()
        .iter()
        .zip(second.as_array().unwrap())
    {
        assert_eq!(a["op_id"], b["op_id"]);
        assert_eq!(
            a["result"], b["result"],
            "a repeat answers the stored result"
        );
        assert!(a["result"]["rating_id"].is_string());
    }
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rating").await,
        before + 3
    );

    // The same operation twice in one batch is applied once.
    let again = op(Uuid::now_v7(), business_rating(&events[3], 9, &[]));
    let (_, answer) = push(&router, &cookie, &[again.clone(), again]).await;
    assert_eq!(statuses(&answer), ["applied", "duplicate"]);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rating").await,
        before + 4
    );

    // Another operation for an event already rated by this side is refused, with the reason.
    let (_, answer) = push(
        &router,
        &cookie,
        &[op(
            Uuid::now_v7(),
            business_rating(&events[0], 2, &["rude"]),
        )],
    )
    .await;
    assert_eq!(statuses(&answer), ["rejected"]);
    assert!(answer[0]["reason"]
        .as_str()
        .unwrap()
        .contains("уже оценено"));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rating").await,
        before + 4
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn two_sessions_pushing_at_once_make_one_rating_per_operation(pool: PgPool) {
    let router = seeded(&pool).await;
    let phone = sign_in(&router, "business@demo.knd.local", DEMO_PASSWORD).await;
    let laptop = sign_in(&router, "business@demo.knd.local", DEMO_PASSWORD).await;
    let events = unrated_demo_events(&pool).await;
    let before = count(&pool, "SELECT count(*) FROM rating").await;
    let ops: Vec<Value> = events
        .iter()
        .map(|n| op(Uuid::now_v7(), business_rating(n, 7, &[])))
        .collect();
    let reversed: Vec<Value> = ops.iter().rev().cloned().collect();

    // Same operations, opposite orders, at the same time: no deadlock, no double.
    let ((s1, a1), (s2, a2)) = tokio::join!(
        push(&router, &phone, &ops),
        push(&router, &laptop, &reversed)
    );
    assert_eq!((s1, s2), (200, 200), "{a1} {a2}");
    let mut applied: HashMap<String, usize> = HashMap::new();
    for outcome in a1.as_array().unwrap().iter().chain(a2.as_array().unwrap()) {
        let status = outcome["status"].as_str().unwrap();
        assert!(status == "applied" || status == "duplicate", "{outcome}");
        if status == "applied" {
            *applied
                .entry(outcome["op_id"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    assert_eq!(applied.len(), ops.len(), "every operation applied...");
    assert!(applied.values().all(|n| *n == 1), "...exactly once");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rating").await,
        before + ops.len() as i64
    );
}

/// A tiny deterministic generator for the fault plan.
struct Faults(u64);

impl Faults {
    fn percent(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % 100
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn ten_thousand_operations_survive_lost_answers(pool: PgPool) {
    let router = seeded(&pool).await;
    let cookie = sign_in(&router, "business@demo.knd.local", DEMO_PASSWORD).await;
    // 10,000 more events of the demo business, so each operation rates its own event.
    sqlx::query(
        "INSERT INTO control_event (id, erknm_number, event_type, kind_id, body_id,
                                    organisation_id, starts_on, ends_on)
         SELECT gen_random_uuid(), '9999' || lpad(n::text, 16, '0'), 'knm', k.id, k.body_id,
                o.id, current_date - 10, current_date - 9
         FROM generate_series(1, 10000) AS n,
              (SELECT id, body_id FROM control_kind ORDER BY slug LIMIT 1) AS k,
              (SELECT id FROM organisation WHERE inn = '2721001237' AND parent_id IS NULL) AS o",
    )
    .execute(&pool)
    .await
    .unwrap();
    let before = count(&pool, "SELECT count(*) FROM rating").await;
    let queue: Vec<(Uuid, Value)> = (1..=10_000)
        .map(|n| {
            let number = format!("9999{n:016}");
            let low = n % 10 == 0;
            let payload = if low {
                business_rating(&number, 3, &["procedure"])
            } else {
                business_rating(&number, 9, &[])
            };
            (Uuid::now_v7(), op(Uuid::nil(), payload))
        })
        .map(|(id, mut op)| {
            op["op_id"] = json!(id);
            (id, op)
        })
        .collect();

    // The device sends its queue in batches of 100. A fifth of the answers are lost on the
    // way back (the server applied the batch, the device never hears of it), and a tenth of
    // the requests never arrive; the device retries whatever has no answer yet.
    let mut faults = Faults(2026);
    let mut confirmed: HashMap<Uuid, String> = HashMap::new();
    let (mut requests, mut lost_answers) = (0, 0);
    while confirmed.len() < queue.len() {
        let batch: Vec<Value> = queue
            .iter()
            .filter(|(id, _)| !confirmed.contains_key(id))
            .take(100)
            .map(|(_, op)| op.clone())
            .collect();
        requests += 1;
        assert!(requests < 1_000, "the queue drains");
        if faults.percent() < 10 {
            continue; // the request is lost
        }
        let (status, answer) = push(&router, &cookie, &batch).await;
        assert_eq!(status, 200, "{answer}");
        if faults.percent() < 20 {
            lost_answers += 1;
            continue; // the answer is lost
        }
        for outcome in answer.as_array().unwrap() {
            let id: Uuid = serde_json::from_value(outcome["op_id"].clone()).unwrap();
            let status = outcome["status"].as_str().unwrap().to_owned();
            assert_ne!(status, "rejected", "{outcome}");
            confirmed.insert(id, status);
        }
    }
    assert!(lost_answers > 10, "the plan lost answers: {lost_answers}");
    assert!(
        confirmed.values().any(|s| s == "duplicate"),
        "retries after lost answers came back as duplicates"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rating").await - before,
        10_000,
        "none lost, none doubled"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM (SELECT event_id FROM rating WHERE event_id IS NOT NULL
                                   GROUP BY event_id, side HAVING count(*) > 1) d"
        )
        .await,
        0
    );
    let ops: HashSet<Uuid> = queue.iter().map(|(id, _)| *id).collect();
    let stored: Vec<Uuid> = sqlx::query_scalar("SELECT op_id FROM rating WHERE op_id IS NOT NULL")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(stored.iter().filter(|id| ops.contains(id)).count(), 10_000);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rating_score s JOIN rating r ON r.id = s.rating_id WHERE r.op_id IS NOT NULL").await,
        50_000
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn each_side_rates_only_its_own_events(pool: PgPool) {
    let router = seeded(&pool).await;
    let business = sign_in(&router, "business@demo.knd.local", DEMO_PASSWORD).await;
    let inspector = sign_in(&router, "inspector@demo.knd.local", DEMO_PASSWORD).await;
    let events = unrated_demo_events(&pool).await;
    let before = count(&pool, "SELECT count(*) FROM rating").await;

    // The business cannot submit the body's side, nor rate an event of another organisation.
    let as_body = json!({
        "side": "body",
        "event": { "by": "register", "number": events[0] },
        "scores": [
            { "criterion": "readiness", "score": 9 }, { "criterion": "documents", "score": 9 },
            { "criterion": "cooperation", "score": 9 }, { "criterion": "remedy", "score": 9 }
        ],
    });
    let other: String = sqlx::query_scalar(
        "SELECT e.erknm_number FROM control_event e JOIN organisation o ON o.id = e.organisation_id
         WHERE o.inn <> '2721001237' AND e.event_type = 'knm'
           AND NOT EXISTS (SELECT 1 FROM rating r WHERE r.event_id = e.id)
         ORDER BY 1 LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let (status, answer) = push(
        &router,
        &business,
        &[
            op(Uuid::now_v7(), as_body.clone()),
            op(Uuid::now_v7(), business_rating(&other, 9, &[])),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(statuses(&answer), ["rejected", "rejected"], "{answer}");
    // The inspector cannot submit the business's side.
    let (_, answer) = push(
        &router,
        &inspector,
        &[op(Uuid::now_v7(), business_rating(&events[0], 9, &[]))],
    )
    .await;
    assert_eq!(statuses(&answer), ["rejected"], "{answer}");
    assert_eq!(count(&pool, "SELECT count(*) FROM rating").await, before);

    // A score below 5 without a reason is refused by the same rule the device applies.
    let (_, answer) = push(
        &router,
        &business,
        &[op(Uuid::now_v7(), business_rating(&events[0], 3, &[]))],
    )
    .await;
    assert_eq!(statuses(&answer), ["rejected"]);
    assert!(
        answer[0]["reason"].as_str().unwrap().contains("причину"),
        "{answer}"
    );
    // A repeat of a rejected operation stays rejected with the same reason.
    let rejected = op(Uuid::now_v7(), business_rating(&events[0], 3, &[]));
    let (_, first) = push(&router, &business, std::slice::from_ref(&rejected)).await;
    let (_, again) = push(&router, &business, &[rejected]).await;
    assert_eq!(first[0]["reason"], again[0]["reason"]);
    assert_eq!(statuses(&again), ["rejected"]);

    // Another user's operation id is refused without telling what it carried.
    let mine = op(Uuid::now_v7(), business_rating(&events[1], 9, &[]));
    let (_, answer) = push(&router, &business, std::slice::from_ref(&mine)).await;
    assert_eq!(statuses(&answer), ["applied"]);
    let (_, answer) = push(&router, &inspector, &[mine]).await;
    assert_eq!(statuses(&answer), ["rejected"]);
    assert!(answer[0].get("result").is_none());
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rating").await,
        before + 1
    );

    // The inspector's body ran the demo business's events: the body's side is theirs to rate.
    let body_event: String = sqlx::query_scalar(
        "SELECT e.erknm_number FROM control_event e
         JOIN control_body b ON b.id = e.body_id
         JOIN membership m ON m.organisation_id = b.organisation_id
         JOIN app_user u ON u.id = m.user_id AND u.email = 'inspector@demo.knd.local'
         WHERE e.event_type <> 'consultation'
           AND NOT EXISTS (SELECT 1 FROM rating r WHERE r.event_id = e.id AND r.side = 'body')
         ORDER BY 1 LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let mut payload = as_body;
    payload["event"]["number"] = json!(body_event);
    let (_, answer) = push(&router, &inspector, &[op(Uuid::now_v7(), payload)]).await;
    assert_eq!(statuses(&answer), ["applied"], "{answer}");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_pushes_answer_4xx_and_change_nothing(pool: PgPool) {
    let router = seeded(&pool).await;
    let cookie = sign_in(&router, "business@demo.knd.local", DEMO_PASSWORD).await;
    let events = unrated_demo_events(&pool).await;
    let good = op(Uuid::now_v7(), business_rating(&events[0], 9, &[]));
    // The demo seed applies operations of its own (self-assessments); count from here.
    let applied = "SELECT count(*) FROM sync_op WHERE status = 'applied'";
    let before = count(&pool, applied).await;

    let (status, _) = call(&router, PUSH, json!({ "ops": [good.clone()] }), None).await;
    assert_eq!(status, 401, "anonymous");
    let too_many: Vec<Value> = (0..101)
        .map(|_| op(Uuid::now_v7(), business_rating(&events[0], 9, &[])))
        .collect();
    for body in [
        json!({}),
        json!({ "ops": "many" }),
        json!({ "ops": [{ "op_id": "not-a-uuid", "kind": "rating.submit", "payload": {} }] }),
        json!({ "ops": [{ "op_id": Uuid::nil(), "kind": "rating.submit", "payload": {} }] }),
        json!({ "ops": too_many }),
    ] {
        let (status, answer) = call(&router, PUSH, body.clone(), Some(&cookie)).await;
        assert!((400..500).contains(&status), "{body} → {status} {answer}");
    }
    let response = common::send(&router, common::post(PUSH, "{\"ops\": [", Some(&cookie))).await;
    assert!(response.status().is_client_error(), "{}", response.status());

    // A malformed payload or an unknown kind is refused per operation; the rest apply.
    let (status, answer) = push(
        &router,
        &cookie,
        &[
            json!({ "op_id": Uuid::now_v7(), "kind": "rating.submit", "payload": { "side": 5 } }),
            json!({ "op_id": Uuid::now_v7(), "kind": "appeal.teleport", "payload": {} }),
            good,
        ],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(statuses(&answer), ["rejected", "rejected", "applied"]);
    assert_eq!(count(&pool, applied).await, before + 1);
}

/// A QR code as printed on an event document, drawn to grey pixels: 6 px per module and a
/// quiet zone, as a phone camera frame would hold it.
fn qr_frame(text: &str) -> (u32, u32, Vec<u8>) {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let (scale, quiet) = (6, 4);
    let side = (modules + 2 * quiet) * scale;
    let mut luma = vec![255u8; (side * side) as usize];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (x / scale, y / scale);
            if mx >= quiet && my >= quiet && mx < quiet + modules && my < quiet + modules {
                let i = ((my - quiet) * modules + (mx - quiet)) as usize;
                if colors[i] == qrcode::Color::Dark {
                    luma[(y * side + x) as usize] = 0;
                }
            }
        }
    }
    (side, side, luma)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_scanned_code_finds_its_event(pool: PgPool) {
    let router = seeded(&pool).await;
    let cookie = sign_in(&router, "business@demo.knd.local", DEMO_PASSWORD).await;
    let number = unrated_demo_events(&pool).await.remove(0);
    for printed in [
        format!("https://proverki.gov.ru/portal/public-knm/view/{number}"),
        format!("https://proverki.gov.ru/portal/public-knm/view?knmId={number}"),
        number.clone(),
    ] {
        let (w, h, luma) = qr_frame(&printed);
        let text = app::qr::decode_luma(w, h, &luma).expect("the code is read");
        let parsed = app::domain::erknm::parse(&text).expect("an ЕРКНМ number or link");
        let (status, card) = call(
            &router,
            "/api/rating/event",
            json!({ "number": parsed.as_str() }),
            Some(&cookie),
        )
        .await;
        assert_eq!(status, 200, "{printed}: {card}");
        assert_eq!(card["number"], json!(number));
        assert_eq!(card["organisation"], json!("ООО «Демо Амур»"));
        assert_eq!(card["side"], json!("business"));
        assert_eq!(card["rated"], json!(false));
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_admin_manages_criteria_and_hides_abusive_text(pool: PgPool) {
    let router = seeded(&pool).await;
    let admin = sign_in(&router, "admin@demo.knd.local", DEMO_PASSWORD).await;
    let business = sign_in(&router, "business@demo.knd.local", DEMO_PASSWORD).await;
    let events = unrated_demo_events(&pool).await;

    // A bad code changes nothing; switching a criterion off makes ratings without it complete.
    let entry = |code: &str, active: bool| {
        json!({ "entry": { "list": "criterion", "side": "business", "code": code,
            "title_ru": "Полезность рекомендаций", "title_en": "Usefulness of advice",
            "position": 4, "active": active } })
    };
    let (status, answer) = call(
        &router,
        "/api/rating/reference_save",
        entry("Полезность", false),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    let (status, _) = call(
        &router,
        "/api/rating/reference_save",
        entry("usefulness", false),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200);
    let (_, criteria) = call(&router, "/api/rating/criteria", json!({}), None).await;
    assert!(!criteria["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"] == "usefulness"));
    let mut four = business_rating(&events[0], 9, &[]);
    four["scores"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s["criterion"] != "usefulness");
    let (_, answer) = push(&router, &business, &[op(Uuid::now_v7(), four)]).await;
    assert_eq!(statuses(&answer), ["applied"], "{answer}");
    // The five-criteria rating now names one the portal no longer asks for.
    let (_, answer) = push(
        &router,
        &business,
        &[op(Uuid::now_v7(), business_rating(&events[1], 9, &[]))],
    )
    .await;
    assert_eq!(statuses(&answer), ["rejected"]);

    // Hiding: the comment disappears from the public list, the reason takes its place.
    let rating_id = answer_rating_id(&pool, &events[0]).await;
    let (status, _) = call(
        &router,
        "/api/rating/hide",
        json!({ "rating_id": rating_id, "reason": "Оскорбительные выражения." }),
        Some(&business),
    )
    .await;
    assert_eq!(status, 403, "only the admin hides");
    let (status, _) = call(
        &router,
        "/api/rating/hide",
        json!({ "rating_id": rating_id, "reason": "Оскорбительные выражения." }),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 200);
    let (_, reviews) = call(
        &router,
        "/api/rating/reviews",
        json!({ "body": null, "page": 1 }),
        None,
    )
    .await;
    let review = reviews
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == json!(rating_id))
        .expect("the newest rating is listed");
    assert_eq!(review["comment"], Value::Null);
    assert_eq!(review["hidden_reason"], "Оскорбительные выражения.");
    assert!(!reviews.to_string().contains("Анна"), "never the rater");
}

async fn answer_rating_id(pool: &PgPool, number: &str) -> String {
    sqlx::query_scalar(
        "SELECT r.id::text FROM rating r JOIN control_event e ON e.id = r.event_id
         WHERE e.erknm_number = $1 AND r.side = 'business'",
    )
    .bind(number)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A business rates an event the register does not know: the body follows from the kind, the
/// rating has no event and is published as unconfirmed; wrong details are refused in Russian.
#[sqlx::test(migrations = "../migrations")]
async fn a_manual_rating_is_applied_unconfirmed(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let (body, organisation, other_body, date): (String, Uuid, String, String) = sqlx::query_as(
        "SELECT b.slug, o.id,
                (SELECT slug FROM control_body WHERE id <> b.id ORDER BY slug LIMIT 1),
                (current_date - 10)::text
         FROM control_kind k JOIN control_body b ON b.id = k.body_id,
              organisation o
         WHERE k.slug = 'chs-nadzor' AND o.inn = '2721001237' AND o.parent_id IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let manual = |body: &str, kind: &str, organisation: String, comment: &str| {
        let mut rating = business_rating("", 8, &[]);
        rating["event"] = json!({
            "by": "manual", "body": body, "kind": kind, "date": date,
            "event_type": "knm", "organisation_id": organisation,
        });
        rating["comment"] = json!(comment);
        rating
    };
    let ratings_before = count(&pool, "SELECT count(*) FROM rating").await;
    let (_, answer) = push(
        &app,
        &cookie,
        &[
            op(
                Uuid::now_v7(),
                manual(
                    &body,
                    "chs-nadzor",
                    organisation.to_string(),
                    "Вручную: без номера.",
                ),
            ),
            op(
                Uuid::now_v7(),
                manual(
                    &other_body,
                    "chs-nadzor",
                    organisation.to_string(),
                    "Чужой орган",
                ),
            ),
            op(
                Uuid::now_v7(),
                manual(
                    &body,
                    "net-takogo-vida",
                    organisation.to_string(),
                    "Нет вида",
                ),
            ),
            op(
                Uuid::now_v7(),
                manual(
                    &body,
                    "chs-nadzor",
                    Uuid::now_v7().to_string(),
                    "Чужая организация",
                ),
            ),
            op(Uuid::now_v7(), manual("", "", String::new(), "Пусто")),
        ],
    )
    .await;
    assert_eq!(
        statuses(&answer),
        ["applied", "rejected", "rejected", "rejected", "rejected"],
        "{answer}"
    );
    let reasons: Vec<&str> = answer.as_array().unwrap()[1..]
        .iter()
        .map(|o| o["reason"].as_str().unwrap())
        .collect();
    assert!(reasons[0].contains("другой орган"), "{}", reasons[0]);
    assert!(reasons[1].contains("нет в каталоге"), "{}", reasons[1]);
    assert!(reasons[2].contains("представитель"), "{}", reasons[2]);
    assert!(
        reasons[3].contains("Выберите вид контроля"),
        "{}",
        reasons[3]
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM rating").await,
        ratings_before + 1
    );
    let unconfirmed: bool = sqlx::query_scalar(
        "SELECT event_id IS NULL FROM rating WHERE comment = 'Вручную: без номера.'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(unconfirmed);
    let (status, reviews) = call(
        &app,
        "/api/rating/reviews",
        json!({ "body": body, "page": 1 }),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let review = reviews
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["comment"] == "Вручную: без номера.")
        .expect("the rating is public");
    assert_eq!(review["unconfirmed"], true);

    // Staff never rate by hand: the register is theirs.
    let inspector = sign_in(&app, "inspector@demo.knd.local", DEMO_PASSWORD).await;
    let mut by_body = manual(&body, "chs-nadzor", organisation.to_string(), "Орган");
    by_body["side"] = json!("body");
    let (_, answer) = push(&app, &inspector, &[op(Uuid::now_v7(), by_body)]).await;
    assert_eq!(statuses(&answer), ["rejected"]);
}
