//! User A can read or change nothing of user B's through any endpoint that takes an id: the
//! organisation being switched to, left, listed, granted or revoked in, or given a unit; a
//! self-assessment report, a rating to reply to or act on. Where an id is someone else's, the
//! answer is exactly that of an unknown id, so guessing tells nothing about what exists.

use crate::common;

use app::domain::{
    account::{Email, Role},
    registry_number::{Inn, Ogrn},
};
use app::server::{account, password};
use axum::Router;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

const PASSWORD: &str = "пароль-для-теста";

async fn user_in(
    pool: &PgPool,
    email: &str,
    kind: &str,
    inn_body: &str,
    role: Role,
) -> (Uuid, Uuid) {
    let hash = password::hash_password(PASSWORD.into()).await.unwrap();
    let user = account::insert_user(pool, &Email::parse(email).unwrap(), &hash, email)
        .await
        .unwrap();
    let organisation = Uuid::now_v7();
    sqlx::query("INSERT INTO organisation (id, kind, name, inn) VALUES ($1, $2, $3, $4)")
        .bind(organisation)
        .bind(kind)
        .bind(format!("Организация {email}"))
        .bind(Inn::complete(inn_body).unwrap().as_str())
        .execute(pool)
        .await
        .unwrap();
    account::grant_role(pool, user, organisation, role, None)
        .await
        .unwrap();
    (user, organisation)
}

async fn memberships(pool: &PgPool) -> Vec<(Uuid, Uuid, String)> {
    sqlx::query_as("SELECT user_id, organisation_id, role FROM membership ORDER BY 1, 2, 3")
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn organisations(pool: &PgPool) -> i64 {
    sqlx::query_as::<_, (i64,)>("SELECT count(*) FROM organisation")
        .fetch_one(pool)
        .await
        .unwrap()
        .0
}

/// Calls that must be refused (403 or 404) and change nothing.
async fn assert_refused_and_unchanged(
    pool: &PgPool,
    app: &Router,
    cookie: &str,
    calls: Vec<(&str, serde_json::Value)>,
) {
    let before = (memberships(pool).await, organisations(pool).await);
    for (path, body) in calls {
        let (status, answer) = common::call(app, path, body.clone(), Some(cookie)).await;
        assert!(
            status == 403 || status == 404,
            "{path} {body}: expected a refusal, got {status} {answer}"
        );
    }
    assert_eq!(before, (memberships(pool).await, organisations(pool).await));
}

#[sqlx::test(migrations = "../migrations")]
async fn one_business_cannot_touch_anothers_organisation(pool: PgPool) {
    let (_, a_org) = user_in(
        &pool,
        "a@example.ru",
        "legal_entity",
        "272100501",
        Role::Business,
    )
    .await;
    let (b, b_org) = user_in(
        &pool,
        "b@example.ru",
        "legal_entity",
        "272100502",
        Role::Business,
    )
    .await;
    let app = common::router(pool.clone());
    let a = common::sign_in(&app, "a@example.ru", PASSWORD).await;

    let (status, mine) = common::call(&app, "/api/organisations/mine", json!({}), Some(&a)).await;
    assert_eq!(status, 200);
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["id"], a_org.to_string());

    assert_refused_and_unchanged(
        &pool,
        &app,
        &a,
        vec![
            (
                "/api/session/switch",
                json!({ "role": "business", "organisation_id": b_org }),
            ),
            (
                "/api/organisations/leave",
                json!({ "organisation_id": b_org }),
            ),
            ("/api/members/list", json!({ "organisation_id": b_org })),
            (
                "/api/members/grant",
                json!({ "organisation_id": b_org, "email": "a@example.ru", "role": "business" }),
            ),
            (
                "/api/members/revoke",
                json!({ "organisation_id": b_org, "user_id": b, "role": "business" }),
            ),
            (
                "/api/institutions/add_unit",
                json!({ "body_id": b_org, "name": "Отдел" }),
            ),
            // Malformed and unknown ids are refused the same way.
            (
                "/api/organisations/leave",
                json!({ "organisation_id": "not-an-id" }),
            ),
            (
                "/api/members/list",
                json!({ "organisation_id": Uuid::now_v7() }),
            ),
        ],
    )
    .await;

    // Typing B's ИНН does not make A a representative of B's organisation: it is a request
    // that waits for B (or the admin).
    let b_inn = Inn::complete("272100502").unwrap();
    let before = memberships(&pool).await;
    let (status, request) = common::call(
        &app,
        "/api/representation/claim",
        json!({ "form": { "kind": "legal_entity", "name": "Чужая", "inn": b_inn.as_str(), "ogrn": Ogrn::complete("102770000001").unwrap().as_str() }, "note": "", "files": [] }),
        Some(&a),
    )
    .await;
    assert_eq!(status, 200, "{request}");
    assert_eq!(request["status"], "pending", "{request}");
    assert_eq!(before, memberships(&pool).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_manager_manages_only_their_own_body_and_only_its_staff(pool: PgPool) {
    let (_, body_x) = user_in(
        &pool,
        "x@example.ru",
        "control_body",
        "272100601",
        Role::KnoManager,
    )
    .await;
    let (y_manager, body_y) = user_in(
        &pool,
        "y@example.ru",
        "control_body",
        "272100602",
        Role::KnoManager,
    )
    .await;
    let app = common::router(pool.clone());
    let x = common::sign_in(&app, "x@example.ru", PASSWORD).await;

    assert_refused_and_unchanged(
        &pool,
        &app,
        &x,
        vec![
            ("/api/members/list", json!({ "organisation_id": body_y })),
            (
                "/api/members/grant",
                json!({ "organisation_id": body_y, "email": "x@example.ru", "role": "kno_staff" }),
            ),
            (
                "/api/members/revoke",
                json!({ "organisation_id": body_y, "user_id": y_manager, "role": "kno_manager" }),
            ),
            ("/api/institutions/add_unit", json!({ "body_id": body_y, "name": "Отдел" })),
            // In their own body a manager appoints staff, not other managers.
            (
                "/api/members/grant",
                json!({ "organisation_id": body_x, "email": "y@example.ru", "role": "kno_manager" }),
            ),
        ],
    )
    .await;

    let (status, list) = common::call(&app, "/api/institutions/list", json!({}), Some(&x)).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [body_x.to_string()], "the other body is not listed");

    // Their own unit and its staff are theirs to manage.
    let (status, unit) = common::call(
        &app,
        "/api/institutions/add_unit",
        json!({ "body_id": body_x, "name": "Отдел надзора" }),
        Some(&x),
    )
    .await;
    assert_eq!(status, 200, "{unit}");
    let (status, member) = common::call(
        &app,
        "/api/members/grant",
        json!({ "organisation_id": unit["id"], "email": "y@example.ru", "role": "kno_staff" }),
        Some(&x),
    )
    .await;
    assert_eq!(status, 200, "{member}");
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_see_nothing_of_their_colleagues(pool: PgPool) {
    let (_, body) = user_in(
        &pool,
        "boss@example.ru",
        "control_body",
        "272100701",
        Role::KnoManager,
    )
    .await;
    let hash = password::hash_password(PASSWORD.into()).await.unwrap();
    let inspector =
        account::insert_user(&pool, &Email::parse("insp@example.ru").unwrap(), &hash, "И")
            .await
            .unwrap();
    account::grant_role(&pool, inspector, body, Role::KnoStaff, None)
        .await
        .unwrap();
    let app = common::router(pool.clone());
    let cookie = common::sign_in(&app, "insp@example.ru", PASSWORD).await;
    assert_refused_and_unchanged(
        &pool,
        &app,
        &cookie,
        vec![
            ("/api/members/list", json!({ "organisation_id": body })),
            ("/api/institutions/list", json!({})),
            (
                "/api/members/revoke",
                json!({ "organisation_id": body, "user_id": inspector, "role": "kno_staff" }),
            ),
        ],
    )
    .await;
}

/// The catalogue's version and its number of rows and change records.
async fn catalogue_state(pool: &PgPool) -> (i64, i64) {
    let version = app::server::catalogue::current_version(pool).await.unwrap();
    let (changes,): (i64,) = sqlx::query_as("SELECT count(*) FROM catalogue_change")
        .fetch_one(pool)
        .await
        .unwrap();
    (version, changes)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_manager_adds_and_edits_nothing_of_another_body(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = common::router(pool.clone());
    let manager =
        common::sign_in(&app, "manager@demo.knd.local", server::seed::DEMO_PASSWORD).await;
    let (other_discussion, other_requirement, other_act): (String, String, String) =
        sqlx::query_as(
            "SELECT
               (SELECT d.id::text FROM public_discussion d JOIN control_body b ON b.id = d.body_id
                WHERE b.slug <> 'gku' ORDER BY d.id LIMIT 1),
               (SELECT r.id::text FROM requirement r JOIN control_kind k ON k.id = r.kind_id
                WHERE k.slug = 'veterinarnyj-nadzor' ORDER BY r.id LIMIT 1),
               (SELECT a.id::text FROM legal_act a JOIN control_kind k ON k.id = a.kind_id
                WHERE k.slug = 'veterinarnyj-nadzor' ORDER BY a.id LIMIT 1)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
    let news = json!([
        ["published_on", "2026-11-22"],
        ["title", "Чужая"],
        ["text", "Текст."]
    ]);
    let requirement = json!([
        ["act_id", other_act],
        ["text", "Чужое требование."],
        ["structural_unit", "п. 1"]
    ]);
    let calls = vec![
        // Another body's body and kind, valid input or not: refused before anything is read.
        json!({ "entity": "news", "parent": "vetkom", "fields": news }),
        json!({ "entity": "news", "parent": "vetkom", "fields": [["title", ""]] }),
        json!({ "entity": "requirement", "parent": "veterinarnyj-nadzor", "fields": requirement }),
        json!({ "entity": "public_discussion", "parent": "veterinarnyj-nadzor", "fields": [] }),
        // Unknown parents are refused like others' (ids cannot be probed).
        json!({ "entity": "news", "parent": "no-such-body", "fields": news }),
    ];
    let before = catalogue_state(&pool).await;
    for body in calls {
        let (status, answer) =
            common::call(&app, "/api/catalogue/add", body.clone(), Some(&manager)).await;
        assert_eq!(status, 403, "{body}: {answer}");
    }
    for body in [
        json!({ "entity": "public_discussion", "id": other_discussion,
                "fields": [["status", "cancelled"]] }),
        json!({ "entity": "requirement", "id": other_requirement,
                "fields": [["text", "Изменено чужим."]] }),
    ] {
        let (status, answer) =
            common::call(&app, "/api/catalogue/update", body.clone(), Some(&manager)).await;
        assert_eq!(status, 403, "{body}: {answer}");
    }
    assert_eq!(before, catalogue_state(&pool).await, "nothing changed");

    // The admin is told an unknown parent does not exist; anybody signed out must sign in.
    let admin = common::sign_in(&app, "admin@demo.knd.local", server::seed::DEMO_PASSWORD).await;
    let unknown = json!({ "entity": "news", "parent": "no-such-body", "fields": news });
    let (status, _) = common::call(&app, "/api/catalogue/add", unknown.clone(), Some(&admin)).await;
    assert_eq!(status, 404);
    let (status, _) = common::call(&app, "/api/catalogue/add", unknown, None).await;
    assert_eq!(status, 401);
    assert_eq!(before, catalogue_state(&pool).await, "nothing changed");

    // What the manager may edit: their own body and its kinds only.
    let (status, rights) =
        common::call(&app, "/api/catalogue/editable", json!({}), Some(&manager)).await;
    assert_eq!(status, 200);
    let bodies: Vec<&str> = rights["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["slug"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["gku"]);
    assert!(rights["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["slug"] == "chs-nadzor"));
    assert!(!rights["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["slug"] == "veterinarnyj-nadzor"));
}

/// A self-assessment of `organisation`, made by `user`, sent (or not) to the body of `kind`.
async fn assessment_of(
    pool: &PgPool,
    user: Uuid,
    organisation: Uuid,
    kind: &str,
    to_body: bool,
) -> Uuid {
    let id = Uuid::now_v7();
    let op = Uuid::now_v7();
    sqlx::query("INSERT INTO sync_op (op_id, user_id, kind) VALUES ($1, $2, 'self_check.submit')")
        .bind(op)
        .bind(user)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO self_assessment (id, op_id, user_id, organisation_id, started_on, to_body,
                                      total, applicable, met, report)
         VALUES ($1, $2, $3, $4, current_date, $5, 0, 0, 0, $6)",
    )
    .bind(id)
    .bind(op)
    .bind(user)
    .bind(organisation)
    .bind(to_body)
    .bind(
        json!({ "organisation_id": organisation.to_string(), "started_on": "2026-01-01",
                  "checklists": [], "replies": [] }),
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO self_assessment_kind (assessment_id, kind_id)
         SELECT $1, id FROM control_kind WHERE slug = $2",
    )
    .bind(id)
    .bind(kind)
    .execute(pool)
    .await
    .unwrap();
    id
}

/// The status and the exact body of a call.
async fn answer(app: &Router, path: &str, body: serde_json::Value, cookie: &str) -> (u16, String) {
    let response = common::send(app, common::post(path, &body.to_string(), Some(cookie))).await;
    let status = response.status().as_u16();
    (status, common::body_text(response).await)
}

/// A manager of another body than the demo manager's (`vetkom`), signed in.
async fn other_body_manager(pool: &PgPool, app: &Router) -> String {
    let hash = password::hash_password(PASSWORD.into()).await.unwrap();
    let user = account::insert_user(
        pool,
        &Email::parse("other.manager@example.ru").unwrap(),
        &hash,
        "Руководитель другого органа",
    )
    .await
    .unwrap();
    let (body,): (Uuid,) =
        sqlx::query_as("SELECT organisation_id FROM control_body WHERE slug = 'vetkom'")
            .fetch_one(pool)
            .await
            .unwrap();
    account::grant_role(pool, user, body, Role::KnoManager, None)
        .await
        .unwrap();
    common::sign_in(app, "other.manager@example.ru", PASSWORD).await
}

#[sqlx::test(migrations = "../migrations")]
async fn someone_elses_self_assessment_answers_like_an_unknown_id(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    // Another business sends a self-assessment to the demo manager's body (`chs-nadzor` is
    // one of its kinds), and keeps another to itself.
    let (b_user, b_org) = user_in(
        &pool,
        "b@example.ru",
        "legal_entity",
        "272100801",
        Role::Business,
    )
    .await;
    let sent = assessment_of(&pool, b_user, b_org, "chs-nadzor", true).await;
    let kept = assessment_of(&pool, b_user, b_org, "chs-nadzor", false).await;
    let app = common::router(pool.clone());
    let demo = server::seed::DEMO_PASSWORD;
    let business = common::sign_in(&app, "business@demo.knd.local", demo).await;
    let manager = common::sign_in(&app, "manager@demo.knd.local", demo).await;
    let other_manager = other_body_manager(&pool, &app).await;
    let owner = common::sign_in(&app, "b@example.ru", PASSWORD).await;

    let report = |id: String| json!({ "id": id });
    let unknown = report(Uuid::now_v7().to_string());
    for (who, cookie, theirs) in [
        ("another business", &business, sent),
        ("another business", &business, kept),
        (
            "a manager of the body it was not sent to",
            &other_manager,
            sent,
        ),
        ("the manager of a body it was kept from", &manager, kept),
    ] {
        let guessed = answer(
            &app,
            "/api/self_check/report",
            report(theirs.to_string()),
            cookie,
        )
        .await;
        let nothing = answer(&app, "/api/self_check/report", unknown.clone(), cookie).await;
        assert_eq!(guessed.0, 404, "{who}: {guessed:?}");
        assert_eq!(
            guessed, nothing,
            "{who} tells a real id from an unknown one"
        );
        let malformed = answer(&app, "/api/self_check/report", report("1".into()), cookie).await;
        assert_eq!(malformed, nothing, "{who}: a malformed id");
    }
    // Those it is for see it, so the ids above were real.
    for cookie in [&owner, &manager] {
        let (status, body) = answer(
            &app,
            "/api/self_check/report",
            report(sent.to_string()),
            cookie,
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, _) = answer(
        &app,
        "/api/self_check/report",
        report(kept.to_string()),
        &owner,
    )
    .await;
    assert_eq!(status, 200);
}

/// Every reply and internal action, to see that nothing was written.
async fn reactions(pool: &PgPool) -> (Vec<(Uuid, String)>, Vec<(Uuid, String)>) {
    let replies = sqlx::query_as("SELECT rating_id, text FROM rating_reply ORDER BY 1")
        .fetch_all(pool)
        .await
        .unwrap();
    let actions = sqlx::query_as("SELECT rating_id, note FROM rating_action ORDER BY 1, 2")
        .fetch_all(pool)
        .await
        .unwrap();
    (replies, actions)
}

/// A low rating of the demo manager's body (`gku`) by the demo business, or (side `body`) of
/// the demo business by that body, without a reply or action yet.
async fn low_rating(pool: &PgPool, side: &str) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO rating (id, side, event_type, event_date, body_id, kind_id, organisation_id,
                             average, low, comment)
         SELECT $1, $2, 'knm', current_date - 3, b.id, k.id, o.id, 3, true, 'Долго.'
         FROM control_body b JOIN control_kind k ON k.body_id = b.id
         JOIN organisation o ON o.inn = '2721001237' AND o.parent_id IS NULL
         WHERE b.slug = 'gku' ORDER BY k.slug LIMIT 1",
    )
    .bind(id)
    .bind(side)
    .execute(pool)
    .await
    .unwrap();
    id
}

#[sqlx::test(migrations = "../migrations")]
async fn a_manager_cannot_reply_to_or_act_on_another_bodys_rating_nor_tell_it_exists(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = common::router(pool.clone());
    let demo = server::seed::DEMO_PASSWORD;
    let manager = common::sign_in(&app, "manager@demo.knd.local", demo).await;
    let other_manager = other_body_manager(&pool, &app).await;
    let of_body = low_rating(&pool, "business").await;
    let of_business = low_rating(&pool, "body").await;
    // Another business's representative, for the body's rating of the demo business.
    user_in(
        &pool,
        "c@example.ru",
        "legal_entity",
        "272100802",
        Role::Business,
    )
    .await;
    let other_business = common::sign_in(&app, "c@example.ru", PASSWORD).await;

    let before = reactions(&pool).await;
    let reply = |id: String| json!({ "rating_id": id, "text": "Ответ чужого органа." });
    let act = |id: String| json!({ "rating_id": id, "note": "Запись чужого органа." });
    let unknown = Uuid::now_v7().to_string();
    for (who, cookie, path, theirs, nothing) in [
        (
            "another body's manager",
            &other_manager,
            "/api/rating/reply",
            reply(of_body.to_string()),
            reply(unknown.clone()),
        ),
        (
            "another body's manager",
            &other_manager,
            "/api/rating/act",
            act(of_body.to_string()),
            act(unknown.clone()),
        ),
        (
            "another business",
            &other_business,
            "/api/rating/reply",
            reply(of_business.to_string()),
            reply(unknown.clone()),
        ),
        // A rating of a business is not the body's to act on, even its own body's.
        (
            "the body's manager",
            &manager,
            "/api/rating/act",
            act(of_business.to_string()),
            act(unknown.clone()),
        ),
    ] {
        let guessed = answer(&app, path, theirs, cookie).await;
        let unknown = answer(&app, path, nothing, cookie).await;
        assert_eq!(guessed.0, 404, "{who} {path}: {guessed:?}");
        assert_eq!(
            guessed, unknown,
            "{who} tells a real id from an unknown one at {path}"
        );
    }
    assert_eq!(before, reactions(&pool).await, "nothing was written");

    // The body's own manager may: the refusals above were about the body, not the rating.
    for (path, body) in [
        ("/api/rating/reply", reply(of_body.to_string())),
        ("/api/rating/act", act(of_body.to_string())),
    ] {
        let (status, text) = answer(&app, path, body, &manager).await;
        assert_eq!(status, 200, "{path}: {text}");
    }
    assert_ne!(before, reactions(&pool).await);
}
