//! Nobody learns who rated. With the demo data loaded and known test users (distinctive names,
//! e-mails, organisations and ИНН) rating events, evaluating requirements, self-assessing and
//! being replied to, a guest walks every public endpoint of the OpenAPI document (JSON and CSV,
//! parameters filled from real ids), every page of the route table and every server function a
//! guest may call (the `EVERYONE` rows of the authorisation matrix), and finds no rater
//! organisation, no ИНН of one, no user's e-mail and no staff member's name. The lists drive the
//! walk, so an endpoint, page or server function added later is walked too — or the test says
//! which parameters it needs. Also: evaluations of a requirement show figures only from five
//! people, and public ratings carry no organisation and months instead of days.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::AhoCorasick;
use app::domain::{
    account::{Email, Role},
    rating_stats::MIN_RESPONDENTS,
    registry_number::Inn,
};
use app::server::{account, password};
use axum::Router;
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

const PASSWORD: &str = "пароль-для-теста-приватности";
/// The demo manager's body and one of its kinds.
const BODY: &str = "gku";
const KIND: &str = "chs-nadzor";

/// A test rater: a person representing a company, both with names nobody else has.
struct Rater {
    email: String,
    name: String,
    organisation: String,
    inn: String,
    organisation_id: Uuid,
    cookie: String,
}

/// Everything the test made, and the router.
struct World {
    pool: PgPool,
    app: Router,
    raters: Vec<Rater>,
    /// A test inspector of the demo body, on every test event.
    inspector: (String, String),
    /// Self-assessments of the raters.
    reports: Vec<Uuid>,
    /// Requirements the raters evaluated: every rater the first, two of them the second.
    evaluated: [String; 2],
}

const RATERS: usize = 6;
const INSPECTOR: (&str, &str) = (
    "nevidimkin.inspector@example.ru",
    "Невидимкин Засекречен Инспекторович",
);

fn rater_identity(n: usize) -> (String, String, String, String) {
    let words = ["Первый", "Второй", "Третий", "Четвёртый", "Пятый", "Шестой"];
    (
        format!("tajnyj.ocenshchik{n}@example.ru"),
        format!("Скрытова Оценщица {}", words[n]),
        format!("ООО Незримый Оценщик {}", words[n]),
        Inn::complete(&format!("77990{n:04}"))
            .unwrap()
            .as_str()
            .to_owned(),
    )
}

async fn push(app: &Router, cookie: &str, kind: &str, payload: Value) -> Value {
    let (status, answer) = common::call(
        app,
        "/api/sync/push",
        json!({ "ops": [{ "op_id": Uuid::now_v7(), "kind": kind, "payload": payload }] }),
        Some(cookie),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer[0]["status"], "applied", "{kind}: {answer}");
    answer[0].clone()
}

/// A control event of the demo body's kind for `organisation`, `ago` days back, with the test
/// inspector; its ЕРКНМ number.
async fn event(pool: &PgPool, organisation: Uuid, inspector: Uuid, n: usize) -> String {
    let number = format!("{:020}", 27_990_000_000_000_000u64 + n as u64);
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO control_event (id, erknm_number, event_type, kind_id, body_id,
                                    organisation_id, starts_on, ends_on)
         SELECT $1, $2, 'knm', k.id, k.body_id, $3, current_date - 10 - $4, current_date - 9 - $4
         FROM control_kind k WHERE k.slug = $5",
    )
    .bind(id)
    .bind(&number)
    .bind(organisation)
    .bind(n as i32)
    .bind(KIND)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO event_inspector (event_id, user_id) VALUES ($1, $2)")
        .bind(id)
        .bind(inspector)
        .execute(pool)
        .await
        .unwrap();
    number
}

fn business_rating(number: &str, courtesy: u8) -> Value {
    let scores: Vec<Value> = [
        "courtesy",
        "competence",
        "procedure",
        "clarity",
        "usefulness",
    ]
    .iter()
    .map(|c| {
        if *c == "courtesy" && courtesy < 5 {
            json!({ "criterion": c, "score": courtesy, "reasons": ["procedure"], "note": "" })
        } else {
            json!({ "criterion": c, "score": courtesy.max(5) })
        }
    })
    .collect();
    json!({
        "side": "business",
        "event": { "by": "register", "number": number },
        "scores": scores,
        "comment": "Проверка прошла, комментарий без имён.",
    })
}

async fn checklist(app: &Router) -> Value {
    let (status, lists) = common::call(
        app,
        "/api/self_check/checklists",
        json!({ "kinds": [KIND] }),
        None,
    )
    .await;
    assert_eq!(status, 200, "{lists}");
    lists[0].clone()
}

fn requirement_ids(checklist: &Value) -> Vec<String> {
    checklist["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["requirement_id"].as_str().unwrap().to_owned())
        .collect()
}

fn evaluation(requirement: &str, clarity: u8, feasibility: u8) -> Value {
    json!({ "requirement_id": requirement, "clarity": clarity, "feasibility": feasibility,
            "cost": { "hours": 10, "hourly_rate": 500, "direct_costs": 1000 },
            "proposal": "Уточнить срок." })
}

/// A test user representing a new company of their own (not in the risk register).
async fn new_rater(pool: &PgPool, app: &Router, n: usize) -> Rater {
    let (email, name, organisation, inn) = rater_identity(n);
    let hash = password::hash_password(PASSWORD.into()).await.unwrap();
    let user = account::insert_user(pool, &Email::parse(&email).unwrap(), &hash, &name)
        .await
        .unwrap();
    let organisation_id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO organisation (id, kind, name, inn) VALUES ($1, 'legal_entity', $2, $3)",
    )
    .bind(organisation_id)
    .bind(&organisation)
    .bind(&inn)
    .execute(pool)
    .await
    .unwrap();
    account::grant_role(pool, user, organisation_id, Role::Business, None)
        .await
        .unwrap();
    let cookie = common::sign_in(app, &email, PASSWORD).await;
    Rater {
        email,
        name,
        organisation,
        inn,
        organisation_id,
        cookie,
    }
}

impl World {
    /// The demo data, then the test users' ratings (one low, one hidden, one replied to and
    /// acted on), the inspector's rating of a business, evaluations and self-assessments.
    async fn new(pool: PgPool) -> World {
        server::seed::seed_demo(&pool).await.unwrap();
        let app = common::router(pool.clone());
        let hash = password::hash_password(PASSWORD.into()).await.unwrap();
        let inspector = account::insert_user(
            &pool,
            &Email::parse(INSPECTOR.0).unwrap(),
            &hash,
            INSPECTOR.1,
        )
        .await
        .unwrap();
        let (body_org,): (Uuid,) =
            sqlx::query_as("SELECT organisation_id FROM control_body WHERE slug = $1")
                .bind(BODY)
                .fetch_one(&pool)
                .await
                .unwrap();
        account::grant_role(&pool, inspector, body_org, Role::KnoStaff, None)
            .await
            .unwrap();
        let inspector_cookie = common::sign_in(&app, INSPECTOR.0, PASSWORD).await;
        let list = checklist(&app).await;
        let requirements = requirement_ids(&list);
        let evaluated = [requirements[0].clone(), requirements[1].clone()];
        let today: String = sqlx::query_scalar("SELECT current_date::text")
            .fetch_one(&pool)
            .await
            .unwrap();

        let mut raters = Vec::new();
        let mut reports = Vec::new();
        for n in 0..RATERS {
            let rater = new_rater(&pool, &app, n).await;
            let number = event(&pool, rater.organisation_id, inspector, n).await;
            push(
                &app,
                &rater.cookie,
                "rating.submit",
                business_rating(&number, if n < 2 { 3 } else { 8 }),
            )
            .await;
            if n == 0 {
                // The body rates the business back, through its (test) inspector.
                push(
                    &app,
                    &inspector_cookie,
                    "rating.submit",
                    json!({
                        "side": "body",
                        "event": { "by": "register", "number": number },
                        "scores": [
                            { "criterion": "readiness", "score": 9 },
                            { "criterion": "documents", "score": 8 },
                            { "criterion": "cooperation", "score": 9 },
                            { "criterion": "remedy", "score": 9 }
                        ],
                    }),
                )
                .await;
            }
            push(
                &app,
                &rater.cookie,
                "requirement.evaluate",
                evaluation(&evaluated[0], 2 + (n % 3) as u8, 3),
            )
            .await;
            if n < 2 {
                push(
                    &app,
                    &rater.cookie,
                    "requirement.evaluate",
                    evaluation(&evaluated[1], 1, 1),
                )
                .await;
            }
            if n < 3 {
                let replies: Vec<Value> = requirements
                    .iter()
                    .map(|id| json!({ "requirement_id": id, "answer": "yes", "note": "" }))
                    .collect();
                let outcome = push(
                    &app,
                    &rater.cookie,
                    "self_check.submit",
                    json!({
                        "organisation_id": rater.organisation_id,
                        "started_on": today,
                        "checklists": [list.clone()],
                        "replies": replies,
                        "to_body": n != 2,
                        "declare": n == 0,
                        "evaluations": [],
                    }),
                )
                .await;
                reports.push(
                    outcome["result"]["assessment_id"]
                        .as_str()
                        .unwrap()
                        .parse()
                        .unwrap(),
                );
            }
            raters.push(rater);
        }

        // The body's manager replies to the first low rating and notes what was done; the
        // admin hides the second one's text.
        let demo = server::seed::DEMO_PASSWORD;
        let manager = common::sign_in(&app, "manager@demo.knd.local", demo).await;
        let admin = common::sign_in(&app, "admin@demo.knd.local", demo).await;
        let low: Vec<String> = sqlx::query_scalar(
            "SELECT r.id::text FROM rating r WHERE r.side = 'business' AND r.organisation_id = ANY($1)
             ORDER BY r.organisation_id",
        )
        .bind(raters[..2].iter().map(|r| r.organisation_id).collect::<Vec<_>>())
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(low.len(), 2);
        for (path, who, body) in [
            (
                "/api/rating/reply",
                &manager,
                json!({ "rating_id": low[0], "text": "Спасибо, разберёмся." }),
            ),
            (
                "/api/rating/act",
                &manager,
                json!({ "rating_id": low[0], "note": "Беседа с инспектором." }),
            ),
            (
                "/api/rating/hide",
                &admin,
                json!({ "rating_id": low[1], "reason": "Оскорбления." }),
            ),
        ] {
            let (status, answer) = common::call(&app, path, body, Some(who)).await;
            assert_eq!(status, 200, "{path}: {answer}");
        }
        World {
            pool,
            app,
            raters,
            inspector: (INSPECTOR.0.to_owned(), INSPECTOR.1.to_owned()),
            reports,
            evaluated,
        }
    }

    /// What must never reach a guest: every user's e-mail and name (staff above all), and the
    /// name and ИНН of every organisation that rated, evaluated or self-assessed through its
    /// people — except businesses the public table names as *rated* (that is public by design
    /// and says nothing about whom they rated).
    async fn secrets(&self) -> BTreeSet<String> {
        let mut secrets = BTreeSet::new();
        for r in &self.raters {
            secrets.extend([
                r.email.clone(),
                r.name.clone(),
                r.organisation.clone(),
                r.inn.clone(),
            ]);
        }
        secrets.extend([self.inspector.0.clone(), self.inspector.1.clone()]);
        let users: Vec<(String, String)> =
            sqlx::query_as("SELECT email, display_name FROM app_user")
                .fetch_all(&self.pool)
                .await
                .unwrap();
        for (email, name) in users {
            secrets.insert(email);
            secrets.insert(name);
        }
        let mut conn = self.pool.acquire().await.unwrap();
        let rated_in_public: BTreeSet<String> =
            app::server::rating_stats::business_scores(&mut conn)
                .await
                .unwrap()
                .into_iter()
                .map(|b| b.name)
                .collect();
        let raters: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT o.name, o.inn FROM organisation o WHERE o.kind NOT IN
                 ('control_body', 'portal_operator', 'consulting_firm')
               AND (EXISTS (SELECT 1 FROM rating r WHERE r.side = 'business' AND r.organisation_id = o.id)
                 OR EXISTS (SELECT 1 FROM self_assessment s WHERE s.organisation_id = o.id)
                 OR EXISTS (SELECT 1 FROM membership m JOIN requirement_evaluation e
                            ON e.user_id = m.user_id WHERE m.organisation_id = o.id))",
        )
        .fetch_all(&self.pool)
        .await
        .unwrap();
        assert!(
            raters.len() > 100,
            "the demo history has raters: {}",
            raters.len()
        );
        for (name, inn) in raters {
            if rated_in_public.contains(&name) {
                continue;
            }
            secrets.insert(name);
            // ИНН of people we made or whose accounts exist; the 10,000 register ИНН of the
            // demo history could match digits of unrelated numbers by chance.
            if let Some(inn) = inn.filter(|i| i.starts_with("7799") || i == "2721001237") {
                secrets.insert(inn);
            }
        }
        secrets.retain(|s| s.chars().count() >= 6);
        secrets
    }
}

/// Finds secrets in what a guest was shown.
struct Scanner {
    matcher: AhoCorasick,
    secrets: Vec<String>,
    walked: usize,
    found: BTreeMap<String, BTreeSet<String>>,
}

impl Scanner {
    fn new(secrets: BTreeSet<String>) -> Scanner {
        let secrets: Vec<String> = secrets.into_iter().collect();
        Scanner {
            matcher: AhoCorasick::new(&secrets).unwrap(),
            secrets,
            walked: 0,
            found: BTreeMap::new(),
        }
    }

    /// The secrets in `text` (HTML, JSON or CSV; JSON's `\"` and HTML's entities are undone).
    fn find(&self, text: &str) -> BTreeSet<String> {
        let plain = text
            .replace("\\\"", "\"")
            .replace("&quot;", "\"")
            .replace("&laquo;", "«")
            .replace("&raquo;", "»")
            .replace("&amp;", "&");
        self.matcher
            .find_overlapping_iter(&plain)
            .map(|m| self.secrets[m.pattern().as_usize()].clone())
            .collect()
    }

    fn scan(&mut self, what: &str, status: u16, text: &str) {
        assert!(status < 500, "{what}: {status} {text}");
        self.walked += 1;
        let found = self.find(text);
        if !found.is_empty() {
            self.found.insert(what.to_owned(), found);
        }
    }

    async fn get(&mut self, app: &Router, path: &str) -> (u16, String) {
        let response = common::get(app, path).await;
        let status = response.status().as_u16();
        let text = common::body_text(response).await;
        self.scan(&format!("GET {path}"), status, &text);
        (status, text)
    }

    async fn call(&mut self, app: &Router, path: &str, body: Value) {
        let response = common::send(app, common::post(path, &body.to_string(), None)).await;
        let status = response.status().as_u16();
        let text = common::body_text(response).await;
        self.scan(&format!("POST {path} {body}"), status, &text);
    }
}

/// Values for a path parameter, by the path it is in.
fn values_for(path: &str, param: &str, ids: &Ids) -> Vec<String> {
    match (param, path) {
        ("slug", p) if p.contains("bodies") => ids.bodies.clone(),
        ("slug", p) if p.contains("kind") => ids.kinds.clone(),
        ("id", p) if p.starts_with("/self-check/report") => ids.reports.clone(),
        ("id", p) if p.starts_with("/requirements/") => ids.requirements.clone(),
        // Drafts live on the device: any id renders the same page.
        ("id", p) if p.starts_with("/self-check/") || p.starts_with("/rate/") => {
            vec![Uuid::now_v7().to_string()]
        }
        // An invitation link: a guest is asked to sign in, whatever the token.
        ("token", p) if p.starts_with("/invitation/") => vec![Uuid::now_v7().simple().to_string()],
        _ => panic!("the guest scan does not know how to fill {{{param}}} in {path}: add it here"),
    }
}

/// Real ids to fill parameters with.
struct Ids {
    bodies: Vec<String>,
    kinds: Vec<String>,
    reports: Vec<String>,
    requirements: Vec<String>,
    /// Search words: the raters' names, organisations and ИНН.
    queries: Vec<String>,
}

/// Fills `{param}`s in `path` every way `values_for` knows (the product of them).
fn expand(path: &str, ids: &Ids) -> Vec<String> {
    let Some(start) = path.find('{') else {
        return vec![path.to_owned()];
    };
    let end = start + path[start..].find('}').unwrap();
    let param = path[start + 1..end].trim_start_matches('*');
    values_for(path, param, ids)
        .into_iter()
        .flat_map(|v| expand(&format!("{}{v}{}", &path[..start], &path[end + 1..]), ids))
        .collect()
}

/// The server functions everybody may call, as the authorisation matrix lists them.
fn public_server_functions() -> Vec<String> {
    include_str!("authz.rs")
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.strip_prefix("(\"/api/")?;
            let (name, who) = rest.split_once("\",")?;
            (who.trim() == "EVERYONE),").then(|| format!("/api/{name}"))
        })
        .collect()
}

/// What a guest sends to a public server function: every way that shows data.
fn guest_calls(path: &str, ids: &Ids, rater: &Rater) -> Vec<Value> {
    let pages = |extra: Value| -> Vec<Value> {
        (1..=3)
            .map(|page| {
                let mut body = extra.clone();
                body["page"] = json!(page);
                body
            })
            .collect()
    };
    match path {
        "/api/portal/region"
        | "/api/session/logout"
        | "/api/session/whoami"
        | "/api/catalogue/bodies"
        | "/api/catalogue/kinds"
        | "/api/catalogue/editable"
        | "/api/rating/criteria"
        | "/api/ratings/overview" => vec![json!({})],
        "/api/catalogue/body" | "/api/catalogue/can_edit_body" => {
            ids.bodies.iter().map(|s| json!({ "slug": s })).collect()
        }
        "/api/catalogue/kind" | "/api/catalogue/can_edit" => {
            ids.kinds.iter().map(|s| json!({ "slug": s })).collect()
        }
        "/api/catalogue/discussions"
        | "/api/catalogue/programmes"
        | "/api/catalogue/reports"
        | "/api/catalogue/news" => pages(json!({})),
        "/api/catalogue/search" => ids.queries.iter().map(|q| json!({ "query": q })).collect(),
        "/api/catalogue/risk" => ids
            .queries
            .iter()
            .map(|q| json!({ "query": q, "page": 1 }))
            .collect(),
        "/api/rating/reviews" => {
            let mut calls = pages(json!({ "body": null }));
            calls.extend(ids.bodies.iter().map(|b| json!({ "body": b, "page": 1 })));
            calls
        }
        "/api/self_check/checklists" => vec![json!({ "kinds": [] })],
        "/api/self_check/evaluations" => ids.kinds.iter().map(|k| json!({ "kind": k })).collect(),
        // A guest trying a rater's address: the answer must not confirm anything either.
        "/api/session/login" => vec![json!({ "email": rater.email, "password": "не тот пароль" })],
        "/api/account/signup" => vec![json!({
            "display_name": "Гость", "email": rater.email, "password": "длинный-пароль-гостя",
        })],
        other => panic!("the guest scan has no call for {other}: add one here"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_guest_finds_no_rater_email_or_staff_name_anywhere(pool: PgPool) {
    let world = World::new(pool).await;
    let app = &world.app;
    let pool = &world.pool;
    let secrets = world.secrets().await;
    let mut scanner = Scanner::new(secrets);

    // The matcher works on real answers: the staff-only alert list names the test inspector,
    // and a rater's own organisations name theirs.
    let manager = common::sign_in(app, "manager@demo.knd.local", server::seed::DEMO_PASSWORD).await;
    let (_, alerts) = common::call(app, "/api/rating/alerts", json!({}), Some(&manager)).await;
    assert!(
        scanner.find(&alerts.to_string()).contains(INSPECTOR.1),
        "{alerts}"
    );
    let (_, mine) = common::call(
        app,
        "/api/organisations/mine",
        json!({}),
        Some(&world.raters[0].cookie),
    )
    .await;
    assert!(scanner
        .find(&mine.to_string())
        .contains(&world.raters[0].organisation));

    let column = |sql: &'static str| async move {
        sqlx::query_scalar::<_, String>(sql)
            .fetch_all(pool)
            .await
            .unwrap()
    };
    let mut queries: Vec<String> = Vec::new();
    for r in &world.raters[..2] {
        queries.extend([r.name.clone(), r.organisation.clone(), r.inn.clone()]);
    }
    let ids = Ids {
        bodies: column("SELECT slug FROM control_body ORDER BY slug").await,
        kinds: column("SELECT slug FROM control_kind ORDER BY slug").await,
        reports: world.reports.iter().map(Uuid::to_string).collect(),
        requirements: world.evaluated.to_vec(),
        queries,
    };

    // Every path of the OpenAPI document, JSON and CSV, all pages, filled from real ids.
    let (_, doc) = scanner.get(app, "/api/v1/openapi.json").await;
    let doc: Value = serde_json::from_str(&doc).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 18, "{:?}", paths.keys());
    for (template, item) in paths {
        let operation = &item["get"];
        assert!(operation.is_object(), "{template}: the open API only reads");
        let params: Vec<&Value> = operation["parameters"]
            .as_array()
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        let query_names: BTreeSet<&str> = params
            .iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        for path in expand(template, &ids) {
            let mut variants: Vec<String> = Vec::new();
            let required: Vec<&str> = params
                .iter()
                .filter(|p| p["in"] == "query" && p["required"] == true)
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            match required.as_slice() {
                [] => variants.push(path.clone()),
                ["q"] => variants.extend(
                    ids.queries
                        .iter()
                        .map(|q| format!("{path}?q={}", urlencode(q))),
                ),
                ["inn"] => {
                    variants.extend(world.raters.iter().map(|r| format!("{path}?inn={}", r.inn)))
                }
                other => {
                    panic!("the guest scan cannot fill {other:?} of {template}: add them here")
                }
            }
            let mut all = Vec::new();
            for url in variants {
                let sep = if url.contains('?') { '&' } else { '?' };
                if query_names.contains("per_page") {
                    let (_, first) = scanner.get(app, &format!("{url}{sep}per_page=200")).await;
                    let pages = serde_json::from_str::<Value>(&first).unwrap()["pages"]
                        .as_u64()
                        .unwrap();
                    for page in 2..=pages {
                        all.push(format!("{url}{sep}per_page=200&page={page}"));
                    }
                    if query_names.contains("body") {
                        all.extend(ids.bodies.iter().map(|b| format!("{url}{sep}body={b}")));
                    }
                } else {
                    all.push(url.clone());
                }
                if query_names.contains("format") {
                    all.push(format!("{url}{sep}format=csv"));
                }
            }
            for url in all {
                scanner.get(app, &url).await;
            }
        }
    }

    // Every page of the route table, with its parameters from real ids, and the pages that
    // read a query with the raters' names and the public lists' filters.
    let routes = leptos_axum::generate_route_list(app::app::App);
    assert!(routes.len() > 25, "{} routes", routes.len());
    for route in &routes {
        for path in expand(route.path(), &ids) {
            scanner.get(app, &path).await;
        }
    }
    for q in &ids.queries {
        scanner
            .get(app, &format!("/search?q={}", urlencode(q)))
            .await;
        scanner.get(app, &format!("/risk?q={}", urlencode(q))).await;
    }
    for page in 1..=3 {
        scanner
            .get(app, &format!("/ratings/feedback?page={page}"))
            .await;
    }
    for body in &ids.bodies {
        scanner
            .get(app, &format!("/ratings/feedback?body={body}"))
            .await;
    }

    // Every server function a guest may call.
    let public = public_server_functions();
    assert!(public.len() >= 20, "{public:?}");
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_owned())
        .collect();
    for path in &public {
        assert!(
            registered.contains(path),
            "{path} is in the matrix but not registered"
        );
        for body in guest_calls(path, &ids, &world.raters[0]) {
            scanner.call(app, path, body).await;
        }
    }

    assert!(scanner.walked > 150, "walked only {}", scanner.walked);
    assert!(
        scanner.found.is_empty(),
        "a guest was shown who rated (or a person's name or e-mail):\n{:#?}",
        scanner.found
    );
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The published evaluations of the first test requirement, as JSON, as CSV (its row), as the
/// kind page's server function and as the kind page.
async fn published(app: &Router, requirement: &str) -> (Value, String, Value, String) {
    let (status, all) = json_get(app, "/api/v1/requirements/evaluations").await;
    assert_eq!(status, 200);
    let item = all
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["requirement_id"] == requirement)
        .unwrap_or_else(|| panic!("{requirement} is listed"))
        .clone();
    let csv =
        common::body_text(common::get(app, "/api/v1/requirements/evaluations?format=csv").await)
            .await;
    let row = csv
        .lines()
        .find(|l| l.starts_with(requirement))
        .unwrap()
        .to_owned();
    let (_, by_kind) = common::call(
        app,
        "/api/self_check/evaluations",
        json!({ "kind": KIND }),
        None,
    )
    .await;
    let from_fn = by_kind
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["requirement_id"] == requirement)
        .unwrap()
        .clone();
    assert_eq!(item, from_fn, "the API and the page show the same");
    let html = common::body_text(common::get(app, &format!("/kinds/{KIND}/checklist")).await).await;
    let start = html
        .find(&format!("id=\"cq-{requirement}\""))
        .expect("the question is on the kind page");
    let end = html[start..].find("</li>").unwrap() + start;
    (item, row, from_fn, html[start..end].to_owned())
}

async fn json_get(app: &Router, path: &str) -> (u16, Value) {
    let response = common::get(app, path).await;
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_str(&common::body_text(response).await).unwrap(),
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn a_requirement_shows_figures_only_from_five_evaluations(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = common::router(pool.clone());
    // A requirement nobody in the demo evaluated.
    let list = checklist(&app).await;
    let evaluated: BTreeSet<String> =
        sqlx::query_scalar("SELECT requirement_id::text FROM requirement_evaluation")
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let requirement = requirement_ids(&list)
        .into_iter()
        .find(|id| !evaluated.contains(id))
        .expect("a requirement without demo evaluations");

    // Nobody yet: listed, no figures, the reader told why — never a zero.
    let (item, row, _, html) = published(&app, &requirement).await;
    assert_eq!(item["withheld"], true, "{item}");
    assert!(
        item["count"].is_null() && item["clarity"].is_null(),
        "{item}"
    );
    assert!(row.contains(",true,,,,,,,"), "{row}");
    assert!(
        html.contains(&format!("меньше {MIN_RESPONDENTS} оценок")),
        "{html}"
    );

    let k = MIN_RESPONDENTS as usize;
    let clarity = [1u8, 2, 3, 4, 5];
    let mut raters = Vec::new();
    for n in 0..k {
        raters.push(new_rater(&pool, &app, n).await);
    }
    for (n, rater) in raters.iter().enumerate().take(k - 1) {
        push(
            &app,
            &rater.cookie,
            "requirement.evaluate",
            evaluation(&requirement, clarity[n], 4),
        )
        .await;
    }
    // Four: still nothing that could give an answer away.
    let (item, row, _, html) = published(&app, &requirement).await;
    assert_eq!(item["withheld"], true, "{item}");
    for figure in [
        "count",
        "clarity",
        "feasibility",
        "contradictory_share",
        "median_cost",
        "costs",
        "proposals",
    ] {
        assert!(
            item[figure].is_null(),
            "{figure} of four evaluations: {item}"
        );
    }
    assert!(row.ends_with(",true,,,,,,,"), "{row}");
    assert!(html.contains("меньше 5 оценок"), "{html}");
    assert!(
        !html.contains("оценок: 4") && !html.contains("Понятность"),
        "{html}"
    );

    // The fifth: every figure, exactly.
    push(
        &app,
        &raters[k - 1].cookie,
        "requirement.evaluate",
        evaluation(&requirement, clarity[k - 1], 4),
    )
    .await;
    let (item, row, _, html) = published(&app, &requirement).await;
    assert_eq!(item["withheld"], false, "{item}");
    assert_eq!(item["count"], 5);
    assert_eq!(item["clarity"], 3.0);
    assert_eq!(item["feasibility"], 4.0);
    assert_eq!(item["contradictory_share"], 0.0);
    assert_eq!(item["median_cost"], 6000.0, "5 × (10 h × 500 ₽ + 1000 ₽)");
    assert_eq!(item["costs"], 5);
    assert_eq!(item["proposals"], 5);
    assert!(row.contains(",false,5,3,4,0,6000,5,5"), "{row}");
    assert!(html.contains("оценок: 5"), "{html}");
    assert!(!html.contains("меньше 5 оценок"), "{html}");
}

#[sqlx::test(migrations = "../migrations")]
async fn public_ratings_name_no_organisation_and_give_months_not_days(pool: PgPool) {
    let world = World::new(pool).await;
    let app = &world.app;
    let (status, reviews) = common::call(
        app,
        "/api/rating/reviews",
        json!({ "body": BODY, "page": 1 }),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let reviews = reviews.as_array().unwrap();
    let ours: Vec<&Value> = reviews
        .iter()
        .filter(|r| {
            r["comment"] == "Проверка прошла, комментарий без имён."
                || r["hidden_reason"] == "Оскорбления."
        })
        .collect();
    assert_eq!(ours.len(), RATERS, "{reviews:?}");
    // A rating's public id is random: a UUID v7 would carry the moment of rating, which the
    // page rounds to the month.
    for review in reviews {
        let id: Uuid = review["id"].as_str().unwrap().parse().unwrap();
        assert_eq!(id.get_version_num(), 4, "{review}");
    }
    let by_body = reviews
        .iter()
        .find(|r| r["side"] == "body")
        .expect("the body's rating");
    for review in reviews {
        let fields: BTreeSet<&str> = review
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert!(!fields.contains("organisation"), "{review}");
        let month = |v: &Value| {
            v.as_str().is_some_and(|s| {
                s.len() == 7
                    && s.as_bytes()[4] == b'-'
                    && s.chars().filter(char::is_ascii_digit).count() == 6
            })
        };
        assert!(month(&review["event_date"]), "{review}");
        assert!(month(&review["created_at"]), "{review}");
        assert!(
            review["reply_at"].is_null() || month(&review["reply_at"]),
            "{review}"
        );
    }
    // The business rated by the body is not named on the page either.
    let html =
        common::body_text(common::get(app, &format!("/ratings/feedback?body={BODY}")).await).await;
    assert!(
        html.contains("оценка проверенной организации"),
        "the body's rating is shown"
    );
    assert!(!html.contains(&world.raters[0].organisation));
    assert!(by_body["body"].is_string());

    // The body's manager, who knows its own events, still gets days and the inspectors.
    let manager = common::sign_in(app, "manager@demo.knd.local", server::seed::DEMO_PASSWORD).await;
    let (status, alerts) = common::call(app, "/api/rating/alerts", json!({}), Some(&manager)).await;
    assert_eq!(status, 200, "{alerts}");
    let alert = alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["inspectors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i == INSPECTOR.1)
        })
        .expect("the low rating of the test inspector's event");
    assert_eq!(alert["review"]["event_date"].as_str().unwrap().len(), 10);
    assert!(alert["review"].get("organisation").is_none(), "{alert}");
}
