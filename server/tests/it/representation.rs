//! Representation must be proven, not typed: a claim is a pending request, decided by an
//! approved representative of the organisation or by the admin; until then what the requester
//! sends in the organisation's name is refused with its reason. Over the real router and a
//! real PostgreSQL database per test.

use crate::common;

use axum::Router;
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

use app::domain::registry_number::{Inn, Ogrn};
use common::{call, router, send, session_cookie, sign_in};
use server::seed::DEMO_PASSWORD;

/// The demo business's numbers, as the register has them.
const DEMO_INN: &str = "2721001237";

async fn demo_ogrn(pool: &PgPool) -> String {
    sqlx::query_scalar("SELECT ogrn FROM organisation WHERE inn = $1 AND parent_id IS NULL")
        .bind(DEMO_INN)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn seeded(pool: &PgPool) -> Router {
    server::seed::seed_demo(pool).await.unwrap();
    router(pool.clone())
}

/// Signs up a new account and returns its session cookie.
async fn sign_up(app: &Router, email: &str) -> String {
    let body = json!({ "display_name": "Новый представитель", "email": email,
                       "password": "длинный-пароль-2026" });
    let response = send(
        app,
        common::post("/api/account/signup", &body.to_string(), None),
    )
    .await;
    assert_eq!(response.status(), 200, "signing up {email}");
    session_cookie(&response)
}

fn legal_entity(name: &str, inn: &str, ogrn: &str) -> Value {
    json!({ "kind": "legal_entity", "name": name, "inn": inn, "ogrn": ogrn })
}

async fn claim(app: &Router, cookie: &str, form: Value) -> (u16, Value) {
    call(
        app,
        "/api/representation/claim",
        json!({ "form": form, "note": "Генеральный директор, доверенность не нужна.", "files": [] }),
        Some(cookie),
    )
    .await
}

/// Claims the demo business with the register's numbers.
async fn claim_demo(app: &Router, pool: &PgPool, cookie: &str) -> (u16, Value) {
    let ogrn = demo_ogrn(pool).await;
    claim(
        app,
        cookie,
        legal_entity("ООО «Демо Амур»", DEMO_INN, &ogrn),
    )
    .await
}

async fn mine(app: &Router, cookie: &str) -> Vec<Value> {
    let (status, list) = call(app, "/api/organisations/mine", json!({}), Some(cookie)).await;
    assert_eq!(status, 200);
    list.as_array().unwrap().clone()
}

async fn business_roles(pool: &PgPool, email: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM membership m JOIN app_user u ON u.id = m.user_id
         WHERE u.email = $1 AND m.role = 'business'",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn decide(app: &Router, cookie: &str, id: &str, approve: bool, reason: &str) -> (u16, Value) {
    call(
        app,
        "/api/representation/decide",
        json!({ "request_id": id, "decision": { "approve": approve, "reason": reason } }),
        Some(cookie),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_claim_is_a_pending_request_and_never_the_role(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_up(&app, "claimer@example.ru").await;
    let (status, request) = claim_demo(&app, &pool, &cookie).await;
    assert_eq!(status, 200, "{request}");
    assert_eq!(request["status"], "pending");
    assert_eq!(request["verified"], true, "a registry organisation");
    assert_eq!(business_roles(&pool, "claimer@example.ru").await, 0);
    // The cabinet names it as pending, so drafts can be prepared for it.
    let orgs = mine(&app, &cookie).await;
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0]["pending"], true);
    // The organisation's events stay private until approval.
    let (status, events) = call(&app, "/api/rating/my_events", json!({}), Some(&cookie)).await;
    assert_eq!(status, 200);
    assert_eq!(events, json!([]));
    // A second claim of the same organisation is refused at the field.
    let (status, error) = claim_demo(&app, &pool, &cookie).await;
    assert_eq!(status, 422);
    assert!(error.to_string().contains("уже отправлен"), "{error}");
    let (status, requests) = call(&app, "/api/representation/mine", json!({}), Some(&cookie)).await;
    assert_eq!(status, 200);
    assert_eq!(requests.as_array().unwrap().len(), 1);
    assert_eq!(
        requests[0]["requester_email"], "",
        "not echoed to the requester"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_typed_ogrn_that_differs_from_the_registers_is_refused(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_up(&app, "guesser@example.ru").await;
    let wrong = Ogrn::complete("102270000099").unwrap();
    let (status, error) = claim(
        &app,
        &cookie,
        legal_entity("ООО «Демо Амур»", DEMO_INN, wrong.as_str()),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(error["Field"]["field"], "ogrn", "{error}");
    assert!(error.to_string().contains("ОГРН не совпадает"), "{error}");
    let requests: i64 = sqlx::query_scalar("SELECT count(*) FROM representation_request")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(requests, 0, "nothing stored");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_admin_approves_a_claim_and_the_role_follows(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_up(&app, "newrep@example.ru").await;
    let (_, request) = claim_demo(&app, &pool, &cookie).await;
    let id = request["id"].as_str().unwrap().to_owned();
    let admin = sign_in(&app, "admin@demo.knd.local", DEMO_PASSWORD).await;
    let (status, queue) = call(&app, "/api/representation/queue", json!({}), Some(&admin)).await;
    assert_eq!(status, 200);
    let item = queue
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .expect("the admin sees the request");
    assert_eq!(item["requester_email"], "newrep@example.ru");
    let (status, answer) = decide(&app, &admin, &id, true, "").await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer, "approved");
    assert_eq!(business_roles(&pool, "newrep@example.ru").await, 1);
    let granted_by_admin: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM role_change c JOIN app_user u ON u.id = c.user_id
         JOIN app_user a ON a.id = c.changed_by
         WHERE u.email = 'newrep@example.ru' AND a.email = 'admin@demo.knd.local' AND c.granted",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        granted_by_admin, 1,
        "the grant is recorded with its decider"
    );
    assert_eq!(mine(&app, &cookie).await[0]["pending"], false);
    // Deciding again changes nothing and says why.
    let (status, again) = decide(&app, &admin, &id, false, "Передумал").await;
    assert_eq!(status, 422);
    assert!(again.to_string().contains("уже рассмотрен"), "{again}");
    assert_eq!(business_roles(&pool, "newrep@example.ru").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_representative_decides_for_their_organisation_only(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_up(&app, "colleague@example.ru").await;
    let (_, request) = claim_demo(&app, &pool, &cookie).await;
    let id = request["id"].as_str().unwrap().to_owned();
    // The requester cannot decide their own request.
    let (status, _) = decide(&app, &cookie, &id, true, "").await;
    assert_eq!(status, 403, "not entitled");
    // The inspector is not a representative: the same answer as an unknown id.
    let inspector = sign_in(&app, "inspector@demo.knd.local", DEMO_PASSWORD).await;
    let refused = decide(&app, &inspector, &id, true, "").await;
    let unknown = decide(&app, &inspector, &Uuid::now_v7().to_string(), true, "").await;
    assert_eq!(refused, unknown, "existence is not leaked");
    assert_eq!(refused.0, 403);
    // The demo business's approved representative declines, with a reason.
    let business = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let (status, queue) = call(
        &app,
        "/api/representation/queue",
        json!({}),
        Some(&business),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(queue.as_array().unwrap().len(), 1);
    let (status, error) = decide(&app, &business, &id, false, "   ").await;
    assert_eq!(status, 422, "a refusal needs a reason");
    assert_eq!(error["Field"]["field"], "reason");
    let (status, _) = decide(&app, &business, &id, false, "Не работает у нас").await;
    assert_eq!(status, 200);
    assert_eq!(business_roles(&pool, "colleague@example.ru").await, 0);
    let (_, requests) = call(&app, "/api/representation/mine", json!({}), Some(&cookie)).await;
    assert_eq!(requests[0]["status"], "declined");
    assert_eq!(requests[0]["reason"], "Не работает у нас");
    assert!(mine(&app, &cookie).await.is_empty());
    // A declined request may be followed by a new one, which the representative approves.
    let (status, again) = claim_demo(&app, &pool, &cookie).await;
    assert_eq!(status, 200, "{again}");
    let (status, _) = decide(&app, &business, again["id"].as_str().unwrap(), true, "").await;
    assert_eq!(status, 200);
    assert_eq!(business_roles(&pool, "colleague@example.ru").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn two_claims_at_once_of_a_new_inn_make_one_unverified_organisation_and_no_role(
    pool: PgPool,
) {
    let app = seeded(&pool).await;
    let first = sign_up(&app, "first@example.ru").await;
    let second = sign_up(&app, "second@example.ru").await;
    let inn = Inn::complete("770100777").unwrap();
    let ogrn = Ogrn::complete("102770077777").unwrap();
    let form = legal_entity("ООО «Новое»", inn.as_str(), ogrn.as_str());
    let (a, b) = tokio::join!(
        claim(&app, &first, form.clone()),
        claim(&app, &second, form.clone())
    );
    assert_eq!((a.0, b.0), (200, 200), "{a:?} {b:?}");
    assert_eq!(
        (&a.1["status"], &b.1["status"]),
        (&json!("pending"), &json!("pending"))
    );
    let (organisations, verified): (i64, bool) =
        sqlx::query_as("SELECT count(*), bool_and(verified) FROM organisation WHERE inn = $1")
            .bind(inn.as_str())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((organisations, verified), (1, false));
    assert_eq!(business_roles(&pool, "first@example.ru").await, 0);
    assert_eq!(business_roles(&pool, "second@example.ru").await, 0);
    // The admin checks the evidence and approves one: the organisation is verified now.
    let admin = sign_in(&app, "admin@demo.knd.local", DEMO_PASSWORD).await;
    let (status, _) = decide(&app, &admin, a.1["id"].as_str().unwrap(), true, "").await;
    assert_eq!(status, 200);
    let verified: bool = sqlx::query_scalar("SELECT verified FROM organisation WHERE inn = $1")
        .bind(inn.as_str())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(verified);
    assert_eq!(business_roles(&pool, "first@example.ru").await, 1);
    assert_eq!(business_roles(&pool, "second@example.ru").await, 0);
}

/// What a pending representative sends in the organisation's name is refused with the reason,
/// and the same operation is accepted by the approved representative.
#[sqlx::test(migrations = "../migrations")]
async fn a_pending_representatives_submission_is_rejected_with_its_reason(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_up(&app, "pending@example.ru").await;
    claim_demo(&app, &pool, &cookie).await;
    let (body, organisation, date): (String, Uuid, String) = sqlx::query_as(
        "SELECT b.slug, o.id, (current_date - 10)::text
         FROM control_kind k JOIN control_body b ON b.id = k.body_id, organisation o
         WHERE k.slug = 'chs-nadzor' AND o.inn = $1 AND o.parent_id IS NULL",
    )
    .bind(DEMO_INN)
    .fetch_one(&pool)
    .await
    .unwrap();
    let rating = manual_rating(&body, organisation, &date, "Черновик до подтверждения.");
    let self_check = json!({
        "organisation_id": organisation, "started_on": date, "replies": [],
        "checklists": [{ "kind": "chs-nadzor", "kind_name": "ЧС", "body": body, "questions": [] }],
    });
    let ops = json!({ "ops": [
        { "op_id": Uuid::now_v7(), "kind": "rating.submit", "payload": rating },
        { "op_id": Uuid::now_v7(), "kind": "self_check.submit", "payload": self_check },
    ] });
    let ratings_before: i64 = sqlx::query_scalar("SELECT count(*) FROM rating")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (status, answer) = call(&app, "/api/sync/push", ops, Some(&cookie)).await;
    assert_eq!(status, 200, "{answer}");
    for outcome in answer.as_array().unwrap() {
        assert_eq!(outcome["status"], "rejected", "{outcome}");
        assert!(
            outcome["reason"]
                .as_str()
                .unwrap()
                .starts_with("Представительство не подтверждено"),
            "{outcome}"
        );
    }
    let ratings_after: i64 = sqlx::query_scalar("SELECT count(*) FROM rating")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(ratings_before, ratings_after);
    // Approved, the same kind of rating goes through.
    let (_, requests) = call(&app, "/api/representation/mine", json!({}), Some(&cookie)).await;
    let admin = sign_in(&app, "admin@demo.knd.local", DEMO_PASSWORD).await;
    decide(&app, &admin, requests[0]["id"].as_str().unwrap(), true, "").await;
    let again = manual_rating(&body, organisation, &date, "После подтверждения.");
    let (status, answer) = call(
        &app,
        "/api/sync/push",
        json!({ "ops": [{ "op_id": Uuid::now_v7(), "kind": "rating.submit", "payload": again }] }),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer[0]["status"], "applied", "{answer}");
}

/// A business rating of an event the register does not know (so no event row is needed).
fn manual_rating(body: &str, organisation: Uuid, date: &str, comment: &str) -> Value {
    let scores = common::business_scores(8);
    json!({
        "side": "business",
        "event": { "by": "manual", "body": body, "kind": "chs-nadzor", "date": date,
                   "event_type": "knm", "organisation_id": organisation },
        "scores": scores,
        "comment": comment,
    })
}

#[sqlx::test(migrations = "../migrations")]
async fn a_representative_invites_a_colleague_by_a_one_time_link(pool: PgPool) {
    let app = seeded(&pool).await;
    let business = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let organisation: Uuid =
        sqlx::query_scalar("SELECT id FROM organisation WHERE inn = $1 AND parent_id IS NULL")
            .bind(DEMO_INN)
            .fetch_one(&pool)
            .await
            .unwrap();
    let (status, link) = call(
        &app,
        "/api/representation/invite",
        json!({ "organisation_id": organisation, "email": "Invitee@Example.ru" }),
        Some(&business),
    )
    .await;
    assert_eq!(status, 200, "{link}");
    let token = link["path"]
        .as_str()
        .unwrap()
        .strip_prefix("/invitation/")
        .unwrap()
        .to_owned();
    // The token itself is not stored.
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM representation_invitation WHERE encode(token_hash, 'hex') = $1",
    )
    .bind(&token)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored, 0);
    // Someone else who has the link cannot use it.
    let stranger = sign_up(&app, "stranger@example.ru").await;
    let (status, info) = call(
        &app,
        "/api/representation/invitation",
        json!({ "token": token }),
        Some(&stranger),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(info["for_me"], false);
    let (status, _) = call(
        &app,
        "/api/representation/accept",
        json!({ "token": token }),
        Some(&stranger),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(business_roles(&pool, "stranger@example.ru").await, 0);
    // The invitee signs up with the invited address and accepts.
    let invitee = sign_up(&app, "invitee@example.ru").await;
    let (status, info) = call(
        &app,
        "/api/representation/invitation",
        json!({ "token": token }),
        Some(&invitee),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (info["for_me"].clone(), info["open"].clone()),
        (json!(true), json!(true))
    );
    let (status, _) = call(
        &app,
        "/api/representation/accept",
        json!({ "token": token }),
        Some(&invitee),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(business_roles(&pool, "invitee@example.ru").await, 1);
    // Used once: a second acceptance changes nothing.
    let (status, _) = call(
        &app,
        "/api/representation/accept",
        json!({ "token": token }),
        Some(&invitee),
    )
    .await;
    assert_eq!(status, 422);
    // Only representatives invite: a stranger cannot invite to the demo business.
    let (status, _) = call(
        &app,
        "/api/representation/invite",
        json!({ "organisation_id": organisation, "email": "x@example.ru" }),
        Some(&stranger),
    )
    .await;
    assert_eq!(status, 403);
}

/// A user whose claim awaits its decision is told why they cannot reply for the business yet;
/// someone with no claim and no role is refused as before.
#[sqlx::test(migrations = "../migrations")]
async fn a_pending_representative_is_told_why_a_reply_is_refused(pool: PgPool) {
    let app = seeded(&pool).await;
    // The demo inspector rates the demo business after one of its body's events.
    let number: String = sqlx::query_scalar(
        "SELECT e.erknm_number FROM control_event e
         JOIN organisation o ON o.id = e.organisation_id
         JOIN control_kind k ON k.id = e.kind_id JOIN control_body b ON b.id = k.body_id
         JOIN membership m ON m.organisation_id = b.organisation_id
         JOIN app_user u ON u.id = m.user_id AND u.email = 'inspector@demo.knd.local'
         WHERE o.inn = $1 AND e.event_type = 'knm'
           AND NOT EXISTS (SELECT 1 FROM rating r WHERE r.event_id = e.id AND r.side = 'body')
         ORDER BY e.erknm_number LIMIT 1",
    )
    .bind(DEMO_INN)
    .fetch_one(&pool)
    .await
    .unwrap();
    let inspector = sign_in(&app, "inspector@demo.knd.local", DEMO_PASSWORD).await;
    let op = json!({ "ops": [{ "op_id": Uuid::now_v7(), "kind": "rating.submit", "payload": {
        "side": "body",
        "event": { "by": "register", "number": number },
        "scores": [
            { "criterion": "readiness", "score": 9 }, { "criterion": "documents", "score": 8 },
            { "criterion": "cooperation", "score": 9 }, { "criterion": "remedy", "score": 9 }
        ],
    } }] });
    let (_, answer) = call(&app, "/api/sync/push", op, Some(&inspector)).await;
    assert_eq!(answer[0]["status"], "applied", "{answer}");
    let rating: Uuid = answer[0]["result"]["rating_id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{answer}"));
    let body = json!({ "rating_id": rating, "text": "Спасибо за оценку." });
    let stranger = sign_up(&app, "stranger@example.ru").await;
    let (status, _) = call(&app, "/api/rating/reply", body.clone(), Some(&stranger)).await;
    assert_eq!(status, 403);
    let cookie = sign_up(&app, "pending-reply@example.ru").await;
    claim_demo(&app, &pool, &cookie).await;
    let (status, answer) = call(&app, "/api/rating/reply", body, Some(&cookie)).await;
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer
            .to_string()
            .contains("Представительство не подтверждено"),
        "{answer}"
    );
    let replies: i64 = sqlx::query_scalar("SELECT count(*) FROM rating_reply WHERE rating_id = $1")
        .bind(rating)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(replies, 0);
}
