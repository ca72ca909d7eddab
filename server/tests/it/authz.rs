//! The authorisation matrix: every server function × every role (and anonymous), from one
//! table. A server function without a row fails `every_server_function_has_a_row`; a row whose
//! expectation does not hold fails `the_matrix_holds`. The closing notes print this table.

use crate::common;

use std::collections::BTreeSet;

use app::domain::{
    account::{Email, Role},
    registry_number::{Inn, Ogrn},
};
use app::server::{account, password};
use axum::Router;
use serde_json::{json, Value};
use server::seed::DEMO_PASSWORD;
use sqlx::PgPool;
use uuid::Uuid;

/// Who calls: anonymous or one of the demo accounts (one role each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Business,
    Inspector,
    Manager,
    Consultant,
    Admin,
}

use Who::*;

const EVERYONE: &[Who] = &[Anonymous, Business, Inspector, Manager, Consultant, Admin];
const SIGNED_IN: &[Who] = &[Business, Inspector, Manager, Consultant, Admin];
const MANAGERS: &[Who] = &[Manager, Admin];
const ADMIN: &[Who] = &[Admin];
/// Who takes part in events: the business and the staff of bodies.
const PARTIES: &[Who] = &[Business, Inspector, Manager];

/// Every server function and who may call it. Allowed calls must succeed (2xx) with a valid
/// request; refused ones answer 401 (anonymous) or 403.
const MATRIX: &[(&str, &[Who])] = &[
    ("/api/portal/region", EVERYONE),
    ("/api/session/login", EVERYONE),
    ("/api/session/logout", EVERYONE),
    ("/api/session/whoami", EVERYONE),
    ("/api/account/signup", EVERYONE),
    ("/api/catalogue/bodies", EVERYONE),
    ("/api/catalogue/body", EVERYONE),
    ("/api/catalogue/kinds", EVERYONE),
    ("/api/catalogue/kind", EVERYONE),
    ("/api/catalogue/discussions", EVERYONE),
    ("/api/catalogue/programmes", EVERYONE),
    ("/api/catalogue/reports", EVERYONE),
    ("/api/catalogue/news", EVERYONE),
    ("/api/catalogue/search", EVERYONE),
    ("/api/catalogue/risk", EVERYONE),
    ("/api/catalogue/can_edit", EVERYONE),
    ("/api/catalogue/can_edit_body", EVERYONE),
    ("/api/rating/criteria", EVERYONE),
    // The public rating: all figures are open, raters and staff names never are.
    ("/api/ratings/overview", EVERYONE),
    // Each party finds an event it took part in; others cannot look events up at all.
    ("/api/rating/event", PARTIES),
    // Every signed-in user may push; what each operation may do is checked per operation.
    ("/api/sync/push", SIGNED_IN),
    ("/api/rating/my_events", SIGNED_IN),
    ("/api/rating/reviews", EVERYONE),
    // Alerts and internal actions are the body's own work: its manager only.
    ("/api/rating/alerts", &[Manager]),
    ("/api/rating/act", &[Manager]),
    // The rated party replies: the body's manager to a rating of the body, the business to a
    // rating of the business (each gets one of its own in the request below).
    ("/api/rating/reply", &[Business, Manager]),
    ("/api/rating/hide", ADMIN),
    ("/api/rating/reference", ADMIN),
    ("/api/rating/reference_save", ADMIN),
    ("/api/self_check/checklists", EVERYONE),
    ("/api/self_check/evaluations", EVERYONE),
    ("/api/self_check/mine", SIGNED_IN),
    // Its organisation's representatives, the managers of the body it was sent to, the admin.
    ("/api/self_check/report", &[Business, Manager, Admin]),
    ("/api/self_check/reword", MANAGERS),
    ("/api/self_check/body_overview", &[Manager]),
    ("/api/catalogue/editable", EVERYONE),
    ("/api/session/me", SIGNED_IN),
    ("/api/session/logout_everywhere", SIGNED_IN),
    ("/api/session/switch", SIGNED_IN),
    ("/api/organisations/mine", SIGNED_IN),
    ("/api/organisations/leave", SIGNED_IN),
    ("/api/institutions/list", MANAGERS),
    ("/api/institutions/add_unit", MANAGERS),
    ("/api/members/list", MANAGERS),
    ("/api/members/grant", MANAGERS),
    ("/api/members/revoke", MANAGERS),
    ("/api/institutions/create", ADMIN),
    // The demo manager heads the body that runs the first kind's FAQ (see the fixture).
    ("/api/catalogue/faq/save", MANAGERS),
    ("/api/catalogue/update", MANAGERS),
    ("/api/catalogue/faq/add", MANAGERS),
    ("/api/catalogue/add", MANAGERS),
    ("/api/catalogue/delete", MANAGERS),
    // Representation (last: accepting an invitation makes the caller a business of a fresh
    // organisation). Anyone signed in may claim, see their own and take them back.
    ("/api/representation/claim", SIGNED_IN),
    ("/api/representation/mine", SIGNED_IN),
    ("/api/representation/withdraw", SIGNED_IN),
    // Each sees the requests they may decide (none for most).
    ("/api/representation/queue", SIGNED_IN),
    // A request about the demo business: its representative or the admin decides.
    ("/api/representation/decide", &[Business, Admin]),
    ("/api/representation/invite", &[Business]),
    ("/api/representation/invitation", SIGNED_IN),
    ("/api/representation/accept", SIGNED_IN),
];

fn email_of(who: Who) -> Option<&'static str> {
    match who {
        Anonymous => None,
        Business => Some("business@demo.knd.local"),
        Inspector => Some("inspector@demo.knd.local"),
        Manager => Some("manager@demo.knd.local"),
        Consultant => Some("consultant@demo.knd.local"),
        Admin => Some("admin@demo.knd.local"),
    }
}

/// The demo data every call works against.
struct Fixture {
    pool: PgPool,
    app: Router,
    control_body: Uuid,
    spare_user: Uuid,
    /// Makes every generated ИНН and name unique across calls.
    counter: std::sync::atomic::AtomicU32,
}

impl Fixture {
    async fn new(pool: PgPool) -> Fixture {
        server::seed::seed_demo(&pool).await.unwrap();
        let (control_body,): (Uuid,) = sqlx::query_as(
            "SELECT m.organisation_id FROM membership m JOIN app_user u ON u.id = m.user_id
             WHERE u.email = 'manager@demo.knd.local' AND m.role = 'kno_manager'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        let hash = password::hash_password(DEMO_PASSWORD.into()).await.unwrap();
        let spare_user = account::insert_user(
            &pool,
            &Email::parse("spare@example.ru").unwrap(),
            &hash,
            "Запасной сотрудник",
        )
        .await
        .unwrap();
        Fixture {
            app: common::router(pool.clone()),
            pool,
            control_body,
            spare_user,
            counter: Default::default(),
        }
    }

    fn next(&self) -> u32 {
        self.counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    async fn cookie(&self, who: Who) -> Option<String> {
        match email_of(who) {
            Some(email) => Some(common::sign_in(&self.app, email, DEMO_PASSWORD).await),
            None => None,
        }
    }

    /// A new low rating (unconfirmed, so it never collides with another): of the demo
    /// manager's body by the demo business (`business`), or of the demo business by that body.
    async fn fresh_rating(&self, side: &str) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO rating (id, side, event_type, event_date, body_id, kind_id,
                                 organisation_id, average, low, comment)
             SELECT $1, $2, 'knm', current_date - 3, b.id, k.id, o.id, 3, true, 'Долго.'
             FROM control_body b
             JOIN control_kind k ON k.body_id = b.id
             JOIN organisation o ON o.inn = '2721001237' AND o.parent_id IS NULL
             WHERE b.organisation_id = $3
             ORDER BY k.slug LIMIT 1",
        )
        .bind(id)
        .bind(side)
        .bind(self.control_body)
        .execute(&self.pool)
        .await
        .unwrap();
        id
    }

    /// A self-assessment of the demo business sent to the demo manager's body.
    async fn fresh_assessment(&self) -> Uuid {
        let id = Uuid::now_v7();
        let op = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO sync_op (op_id, user_id, kind)
             SELECT $1, id, 'self_check.submit' FROM app_user WHERE email = 'business@demo.knd.local'",
        )
        .bind(op)
        .execute(&self.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO self_assessment (id, op_id, user_id, organisation_id, started_on, to_body,
                                          total, applicable, met, report)
             SELECT $1, $2, u.id, o.id, current_date, true, 0, 0, 0, $3
             FROM app_user u, organisation o
             WHERE u.email = 'business@demo.knd.local' AND o.inn = '2721001237'
               AND o.parent_id IS NULL",
        )
        .bind(id)
        .bind(op)
        .bind(json!({ "organisation_id": "", "started_on": "2026-01-01", "checklists": [], "replies": [] }))
        .execute(&self.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO self_assessment_kind (assessment_id, kind_id)
             SELECT $1, k.id FROM control_kind k JOIN control_body b ON b.id = k.body_id
             WHERE b.organisation_id = $2 ORDER BY k.slug LIMIT 1",
        )
        .bind(id)
        .bind(self.control_body)
        .execute(&self.pool)
        .await
        .unwrap();
        id
    }

    async fn user_of(&self, who: Who) -> Option<Uuid> {
        let email = email_of(who)?;
        account::find_user_by_email(&self.pool, &Email::parse(email).unwrap())
            .await
            .unwrap()
            .map(|u| u.id)
    }

    /// A new account that nobody signs in as.
    async fn fresh_user(&self) -> Uuid {
        let email = Email::parse(&format!("requester{}@example.ru", self.next())).unwrap();
        account::insert_user(&self.pool, &email, "unusable-hash", "Заявитель")
            .await
            .unwrap()
    }

    /// A business nobody represents.
    async fn fresh_business(&self) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query("INSERT INTO organisation (id, kind, name) VALUES ($1, 'self_employed', $2)")
            .bind(id)
            .bind(format!("Самозанятый {}", self.next()))
            .execute(&self.pool)
            .await
            .unwrap();
        id
    }

    async fn demo_business(&self) -> Uuid {
        sqlx::query_scalar(
            "SELECT id FROM organisation WHERE inn = '2721001237' AND parent_id IS NULL",
        )
        .fetch_one(&self.pool)
        .await
        .unwrap()
    }

    async fn pending_request(&self, user: Uuid, organisation: Uuid) -> Uuid {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO representation_request (id, user_id, organisation_id) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(user)
        .bind(organisation)
        .execute(&self.pool)
        .await
        .unwrap();
        id
    }

    /// An open invitation to a fresh business for this e-mail; its token.
    async fn invitation_for(&self, email: &str) -> String {
        let organisation = self.fresh_business().await;
        let (token, hash) = app::server::representation::new_token();
        app::server::representation::create_invitation(
            &self.pool,
            organisation,
            email,
            &hash,
            self.spare_user,
            7,
        )
        .await
        .unwrap();
        token
    }

    /// A valid legal entity form with a fresh ИНН.
    fn new_legal_entity(&self, kind: &str) -> Value {
        let n = self.next();
        let inn = Inn::complete(&format!("7701{n:05}")).unwrap();
        let ogrn = Ogrn::complete(&format!("1027700{n:05}")).unwrap();
        json!({ "kind": kind, "name": format!("Организация {n}"), "inn": inn.as_str(), "ogrn": ogrn.as_str() })
    }

    /// A valid request to `path` on behalf of `who`, with whatever it needs set up first.
    async fn request(&self, path: &str, who: Who) -> Value {
        match path {
            "/api/portal/region"
            | "/api/session/logout"
            | "/api/session/whoami"
            | "/api/session/me"
            | "/api/session/logout_everywhere"
            | "/api/organisations/mine"
            | "/api/institutions/list"
            | "/api/catalogue/bodies"
            | "/api/catalogue/editable"
            | "/api/catalogue/kinds" => json!({}),
            "/api/catalogue/body" | "/api/catalogue/kind" => {
                let table = if path.ends_with("body") {
                    "control_body"
                } else {
                    "control_kind"
                };
                let (slug,): (String,) =
                    sqlx::query_as(&format!("SELECT slug FROM {table} ORDER BY slug LIMIT 1"))
                        .fetch_one(&self.pool)
                        .await
                        .unwrap();
                json!({ "slug": slug })
            }
            "/api/catalogue/discussions"
            | "/api/catalogue/programmes"
            | "/api/catalogue/reports"
            | "/api/catalogue/news" => json!({ "page": 1 }),
            "/api/catalogue/search" => json!({ "query": "пожарн" }),
            "/api/catalogue/can_edit" => json!({ "slug": "chs-nadzor" }),
            "/api/rating/criteria" | "/api/ratings/overview" => json!({}),
            "/api/sync/push" => json!({ "ops": [] }),
            "/api/rating/my_events" | "/api/rating/alerts" => json!({}),
            "/api/rating/reviews" => json!({ "body": null, "page": 1 }),
            "/api/rating/reference" => json!({}),
            "/api/rating/reference_save" => json!({ "entry": {
                "list": "reason", "side": "business", "code": format!("r_{}", self.next()).replace(|c: char| c.is_ascii_digit(), "x"),
                "title_ru": "Причина", "title_en": "Reason", "position": 50, "active": true
            } }),
            "/api/rating/reply" => {
                let side = if who == Business { "body" } else { "business" };
                json!({ "rating_id": self.fresh_rating(side).await, "text": "Спасибо за оценку." })
            }
            "/api/rating/act" => {
                json!({ "rating_id": self.fresh_rating("business").await, "note": "Проведена беседа." })
            }
            "/api/rating/hide" => {
                json!({ "rating_id": self.fresh_rating("business").await, "reason": "Оскорбления." })
            }
            "/api/self_check/checklists" => json!({ "kinds": ["chs-nadzor"] }),
            "/api/self_check/evaluations" => json!({ "kind": "chs-nadzor" }),
            "/api/self_check/mine" | "/api/self_check/body_overview" => json!({}),
            "/api/self_check/report" => json!({ "id": self.fresh_assessment().await }),
            "/api/self_check/reword" => {
                let id: Uuid = sqlx::query_scalar(
                    "SELECT r.id FROM requirement r JOIN control_kind k ON k.id = r.kind_id
                     JOIN control_body b ON b.id = k.body_id
                     WHERE b.organisation_id = $1 ORDER BY r.id LIMIT 1",
                )
                .bind(self.control_body)
                .fetch_one(&self.pool)
                .await
                .unwrap();
                json!({ "requirement_id": id, "question": "Есть ли план действий при ЧС?" })
            }
            "/api/rating/event" => {
                let number: String = if who == Business {
                    sqlx::query_scalar(
                        "SELECT e.erknm_number FROM control_event e
                         JOIN organisation o ON o.id = e.organisation_id
                         WHERE o.inn = '2721001237' ORDER BY 1 LIMIT 1",
                    )
                    .fetch_one(&self.pool)
                    .await
                    .unwrap()
                } else {
                    sqlx::query_scalar(
                        "SELECT e.erknm_number FROM control_event e
                         JOIN control_body b ON b.id = e.body_id
                         WHERE b.organisation_id = $1 ORDER BY 1 LIMIT 1",
                    )
                    .bind(self.control_body)
                    .fetch_one(&self.pool)
                    .await
                    .unwrap()
                };
                json!({ "number": number })
            }
            "/api/catalogue/can_edit_body" => json!({ "slug": "gku" }),
            "/api/catalogue/faq/add" => json!({
                "kind_slug": "chs-nadzor",
                "question": format!("Новый вопрос {}?", self.next()),
                "answer": "Ответ.",
            }),
            "/api/catalogue/add" => json!({
                "entity": "news",
                "parent": "gku",
                "fields": [
                    ["published_on", "2026-11-22"],
                    ["title", format!("Новость {}", self.next())],
                    ["text", "Текст новости."],
                ],
            }),
            "/api/catalogue/delete" => {
                // A fresh FAQ of the manager's body each time, so every allowed call deletes one.
                let (kind,): (Uuid,) =
                    sqlx::query_as("SELECT id FROM control_kind WHERE slug = 'chs-nadzor'")
                        .fetch_one(&self.pool)
                        .await
                        .unwrap();
                let id = Uuid::now_v7();
                sqlx::query("INSERT INTO faq (id, kind_id, question, answer, updated_on) VALUES ($1, $2, 'Удаляемый?', 'Да.', current_date)")
                    .bind(id)
                    .bind(kind)
                    .execute(&self.pool)
                    .await
                    .unwrap();
                json!({ "entity": "faq", "id": id })
            }
            "/api/catalogue/update" => {
                let (id,): (String,) =
                    sqlx::query_as("SELECT id::text FROM control_body WHERE organisation_id = $1")
                        .bind(self.control_body)
                        .fetch_one(&self.pool)
                        .await
                        .unwrap();
                json!({
                    "entity": "control_body",
                    "id": id,
                    "fields": [["address", format!("г. Хабаровск, ул. Демо, д. {}", self.next())]],
                })
            }
            "/api/catalogue/faq/save" => {
                let (id,): (String,) = sqlx::query_as(
                    "SELECT f.id::text FROM faq f JOIN control_kind k ON k.id = f.kind_id
                     WHERE k.body_id = (SELECT id FROM control_body WHERE organisation_id = $1)
                     ORDER BY f.id LIMIT 1",
                )
                .bind(self.control_body)
                .fetch_one(&self.pool)
                .await
                .unwrap();
                json!({ "faq_id": id, "question": "Вопрос?", "answer": format!("Ответ {}.", self.next()) })
            }
            "/api/catalogue/risk" => json!({ "query": "2721001237", "page": 1 }),
            "/api/session/login" => {
                json!({ "email": "business@demo.knd.local", "password": DEMO_PASSWORD })
            }
            "/api/account/signup" => json!({
                "display_name": "Новый пользователь",
                "email": format!("new{}@example.ru", self.next()),
                "password": "длинный-пароль",
            }),
            "/api/session/switch" => {
                let (role, organisation): (String, Uuid) = sqlx::query_as(
                    "SELECT m.role, m.organisation_id FROM membership m JOIN app_user u ON u.id = m.user_id
                     WHERE u.email = $1 LIMIT 1",
                )
                .bind(email_of(who).unwrap_or("business@demo.knd.local"))
                .fetch_one(&self.pool)
                .await
                .unwrap();
                json!({ "role": role, "organisation_id": organisation })
            }
            "/api/representation/claim" => {
                json!({ "form": self.new_legal_entity("legal_entity"), "note": "", "files": [] })
            }
            "/api/representation/mine" | "/api/representation/queue" => json!({}),
            "/api/representation/withdraw" => {
                let user = self.user_of(who).await.unwrap_or(self.spare_user);
                let organisation = self.fresh_business().await;
                json!({ "request_id": self.pending_request(user, organisation).await })
            }
            "/api/representation/decide" => {
                let user = self.fresh_user().await;
                let organisation = self.demo_business().await;
                json!({
                    "request_id": self.pending_request(user, organisation).await,
                    "decision": { "approve": true, "reason": "" },
                })
            }
            "/api/representation/invite" => json!({
                "organisation_id": self.demo_business().await,
                "email": format!("colleague{}@example.ru", self.next()),
            }),
            "/api/representation/invitation" | "/api/representation/accept" => {
                let email = email_of(who).unwrap_or("nobody@example.ru");
                json!({ "token": self.invitation_for(email).await })
            }
            "/api/organisations/leave" => {
                // The caller first acts for an organisation of their own, which they then leave.
                let organisation = Uuid::now_v7();
                sqlx::query("INSERT INTO organisation (id, kind, name) VALUES ($1, 'self_employed', 'Уходящий')")
                    .bind(organisation)
                    .execute(&self.pool)
                    .await
                    .unwrap();
                if let Some(email) = email_of(who) {
                    let user =
                        account::find_user_by_email(&self.pool, &Email::parse(email).unwrap())
                            .await
                            .unwrap()
                            .unwrap();
                    account::grant_role(&self.pool, user.id, organisation, Role::Business, None)
                        .await
                        .unwrap();
                }
                json!({ "organisation_id": organisation })
            }
            "/api/institutions/create" => json!({ "form": self.new_legal_entity("control_body") }),
            "/api/institutions/add_unit" => json!({
                "body_id": self.control_body,
                "name": format!("Отдел № {}", self.next()),
            }),
            "/api/members/list" => json!({ "organisation_id": self.control_body }),
            "/api/members/grant" => json!({
                "organisation_id": self.control_body,
                "email": "spare@example.ru",
                "role": "kno_staff",
            }),
            "/api/members/revoke" => {
                account::grant_role(
                    &self.pool,
                    self.spare_user,
                    self.control_body,
                    Role::KnoStaff,
                    None,
                )
                .await
                .unwrap();
                json!({ "organisation_id": self.control_body, "user_id": self.spare_user, "role": "kno_staff" })
            }
            other => panic!("no request for {other}: add one next to its row in MATRIX"),
        }
    }
}

#[test]
fn every_server_function_has_a_row() {
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    let listed: BTreeSet<String> = MATRIX.iter().map(|(path, _)| (*path).to_owned()).collect();
    let missing: Vec<_> = registered.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&registered).collect();
    assert!(
        missing.is_empty(),
        "server functions without a row in the authorisation matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "rows for server functions that no longer exist: {stale:?}"
    );
    assert_eq!(MATRIX.len(), listed.len(), "a function is listed twice");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_matrix_holds(pool: PgPool) {
    let fixture = Fixture::new(pool).await;
    let mut failures = Vec::new();
    for (path, allowed) in MATRIX {
        for who in EVERYONE.iter().copied() {
            let cookie = fixture.cookie(who).await;
            let body = fixture.request(path, who).await;
            let (status, answer) = common::call(&fixture.app, path, body, cookie.as_deref()).await;
            let expected_ok = allowed.contains(&who);
            let holds = if expected_ok {
                (200..300).contains(&status)
            } else if who == Anonymous {
                status == 401
            } else {
                status == 403
            };
            if !holds {
                failures.push(format!(
                    "{path} as {who:?}: expected {}, got {status} {answer}",
                    if expected_ok { "2xx" } else { "a refusal" }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
