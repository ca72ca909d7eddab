//! The public rating over small hand-made data: smoothed scores and means checked to the
//! figure, what counts (confirmed ratings, hidden ones too) and what does not (unconfirmed),
//! the staff threshold (4 ratings hidden, 5 shown), that no inspector's name, email or id ever
//! reaches the page or the open data, the businesses shown (legal entities from 3 ratings),
//! the prevention indicators, the server-drawn SVG charts and the OpenAPI document.

use crate::common;

use app::domain::account::Email;
use app::server::{account, rating_stats};
use axum::Router;
use common::{body_text, get};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

const INSPECTOR_A: (&str, &str) = ("ivanov.secret@example.ru", "Иванов Тайный");
const INSPECTOR_B: (&str, &str) = ("petrova.hidden@example.ru", "Петрова Скрытая");

/// Two bodies with a kind each, two business criteria and one body criterion, two inspectors
/// of the first body, a company and a sole trader with risk categories in its kind.
struct Data {
    pool: PgPool,
    alpha: Uuid,
    beta: Uuid,
    alpha_kind: Uuid,
    beta_kind: Uuid,
    courtesy: Uuid,
    competence: Uuid,
    readiness: Uuid,
    inspector_a: Uuid,
    inspector_b: Uuid,
    company: Uuid,
    sole_trader: Uuid,
    events: std::sync::atomic::AtomicU64,
}

async fn organisation(pool: &PgPool, kind: &str, name: &str) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query("INSERT INTO organisation (id, kind, name) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(kind)
        .bind(name)
        .execute(pool)
        .await
        .unwrap();
    id
}

async fn body(pool: &PgPool, slug: &str, name: &str) -> (Uuid, Uuid) {
    let org = organisation(pool, "control_body", name).await;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO control_body (id, organisation_id, slug, name, short_name, head_name,
                                   head_position, address, email, website, working_hours)
         VALUES ($1, $2, $3, $4, $4, 'Руководитель', 'Начальник', 'г. Хабаровск',
                 'body@example.ru', 'https://example.ru', '{}'::jsonb)",
    )
    .bind(id)
    .bind(org)
    .bind(slug)
    .bind(name)
    .execute(pool)
    .await
    .unwrap();
    let kind = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO control_kind (id, body_id, slug, name, short_name, description)
         VALUES ($1, $2, $3, 'Вид', 'Вид', 'Описание')",
    )
    .bind(kind)
    .bind(id)
    .bind(format!("{slug}-kind"))
    .execute(pool)
    .await
    .unwrap();
    (id, kind)
}

async fn criterion(pool: &PgPool, side: &str, code: &str, title: &str, position: i32) -> Uuid {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO rating_criterion (id, side, code, title_ru, title_en, position)
         VALUES ($1, $2, $3, $4, $3, $5)",
    )
    .bind(id)
    .bind(side)
    .bind(code)
    .bind(title)
    .bind(position)
    .execute(pool)
    .await
    .unwrap();
    id
}

async fn inspector(pool: &PgPool, (email, name): (&str, &str)) -> Uuid {
    account::insert_user(pool, &Email::parse(email).unwrap(), "not-a-real-hash", name)
        .await
        .unwrap()
}

impl Data {
    async fn new(pool: PgPool) -> Data {
        let (alpha, alpha_kind) = body(&pool, "alpha", "Орган Альфа").await;
        let (beta, beta_kind) = body(&pool, "beta", "Орган Бета").await;
        let courtesy = criterion(&pool, "business", "courtesy", "Вежливость", 0).await;
        let competence = criterion(&pool, "business", "competence", "Компетентность", 1).await;
        let readiness = criterion(&pool, "body", "readiness", "Готовность", 0).await;
        let inspector_a = inspector(&pool, INSPECTOR_A).await;
        let inspector_b = inspector(&pool, INSPECTOR_B).await;
        let company = organisation(&pool, "legal_entity", "ООО «Ромашка»").await;
        let sole_trader = organisation(&pool, "sole_trader", "ИП Петров Пётр Петрович").await;
        for org in [company, sole_trader] {
            sqlx::query(
                "INSERT INTO risk_assignment (organisation_id, kind_id, category, assigned_on)
                 VALUES ($1, $2, 'medium', current_date)",
            )
            .bind(org)
            .bind(alpha_kind)
            .execute(&pool)
            .await
            .unwrap();
        }
        Data {
            pool,
            alpha,
            beta,
            alpha_kind,
            beta_kind,
            courtesy,
            competence,
            readiness,
            inspector_a,
            inspector_b,
            company,
            sole_trader,
            events: Default::default(),
        }
    }

    /// An event of a body for an organisation, `ago` days back, lasting `days` days.
    async fn event(
        &self,
        body: Uuid,
        event_type: &str,
        organisation: Uuid,
        inspectors: &[Uuid],
        ago: i32,
        days: i32,
    ) -> Uuid {
        let n = self
            .events
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let kind = if body == self.alpha {
            self.alpha_kind
        } else {
            self.beta_kind
        };
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO control_event (id, erknm_number, event_type, kind_id, body_id,
                                        organisation_id, starts_on, ends_on)
             VALUES ($1, $2, $3, $4, $5, $6, current_date - $7, current_date - $7 + $8 - 1)",
        )
        .bind(id)
        .bind(format!("{:020}", 27_000_000_000_000_000u64 + n))
        .bind(event_type)
        .bind(kind)
        .bind(body)
        .bind(organisation)
        .bind(ago)
        .bind(days)
        .execute(&self.pool)
        .await
        .unwrap();
        for user in inspectors {
            sqlx::query("INSERT INTO event_inspector (event_id, user_id) VALUES ($1, $2)")
                .bind(id)
                .bind(user)
                .execute(&self.pool)
                .await
                .unwrap();
        }
        id
    }

    /// A rating of an event (or, with `event` None, an unconfirmed one of `body`) with its
    /// criterion scores.
    async fn rate(
        &self,
        side: &str,
        event: Option<Uuid>,
        body: Uuid,
        organisation: Uuid,
        scores: &[(Uuid, i16)],
        hidden: bool,
    ) {
        let id = Uuid::now_v7();
        let average = scores.iter().map(|s| f64::from(s.1)).sum::<f64>() / scores.len() as f64;
        let kind = if body == self.alpha {
            self.alpha_kind
        } else {
            self.beta_kind
        };
        sqlx::query(
            "INSERT INTO rating (id, side, event_id, event_type, event_date, body_id, kind_id,
                                 organisation_id, rater_user_id, average, low, hidden_reason)
             VALUES ($1, $2, $3, 'knm', current_date - 5, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(side)
        .bind(event)
        .bind(body)
        .bind(kind)
        .bind(organisation)
        .bind(self.inspector_a)
        .bind(average)
        .bind(scores.iter().any(|s| s.1 < 5))
        .bind(hidden.then_some("Оскорбительные выражения"))
        .execute(&self.pool)
        .await
        .unwrap();
        for (criterion, score) in scores {
            sqlx::query(
                "INSERT INTO rating_score (rating_id, criterion_id, score) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(criterion)
            .bind(score)
            .execute(&self.pool)
            .await
            .unwrap();
        }
    }

    /// Alpha: five rated events (means 9, 9, 7, 10, 6 — one of them hidden), inspector A on
    /// all five, B on four; beta: one (mean 3) and one unconfirmed (10) that must not count.
    async fn fill(&self) {
        let scores = [(10, 8), (9, 9), (8, 6), (10, 10), (7, 5)];
        for (i, (courtesy, competence)) in scores.into_iter().enumerate() {
            let staff = if i < 4 {
                vec![self.inspector_a, self.inspector_b]
            } else {
                vec![self.inspector_a]
            };
            let event = self
                .event(self.alpha, "knm", self.company, &staff, 30 + i as i32, 1)
                .await;
            self.rate(
                "business",
                Some(event),
                self.alpha,
                self.company,
                &[(self.courtesy, courtesy), (self.competence, competence)],
                i == 1,
            )
            .await;
        }
        let event = self.event(self.beta, "knm", self.company, &[], 40, 1).await;
        self.rate(
            "business",
            Some(event),
            self.beta,
            self.company,
            &[(self.courtesy, 2), (self.competence, 4)],
            false,
        )
        .await;
        self.rate(
            "business",
            None,
            self.beta,
            self.company,
            &[(self.courtesy, 10), (self.competence, 10)],
            false,
        )
        .await;
    }

    async fn app(&self) -> Router {
        common::router(self.pool.clone())
    }
}

async fn json(app: &Router, path: &str) -> Value {
    let response = get(app, path).await;
    assert_eq!(response.status(), 200, "{path}");
    serde_json::from_str(&body_text(response).await).unwrap()
}

fn close(actual: &Value, expected: f64) {
    let actual = actual
        .as_f64()
        .unwrap_or_else(|| panic!("a number: {actual}"));
    assert!(
        (actual - expected).abs() < 0.005,
        "{actual} is not {expected}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn smoothed_scores_and_means_are_exact(pool: PgPool) {
    let data = Data::new(pool).await;
    data.fill().await;
    let bodies = json(&data.app().await, "/api/v1/ratings/bodies").await;
    let bodies = bodies.as_array().unwrap();
    assert_eq!(bodies.len(), 2);
    // n = 6 confirmed ratings, Σ = 41 + 3, m = 44 / 6; the unconfirmed ten is left out.
    let m = 44.0 / 6.0;
    let alpha = &bodies[0];
    assert_eq!(
        alpha["slug"], "alpha",
        "the better smoothed score comes first"
    );
    assert_eq!(alpha["count"], 5, "the hidden rating still counts");
    close(&alpha["average"], 8.2);
    close(&alpha["score"], (10.0 * m + 41.0) / 15.0);
    let criteria = alpha["criteria"].as_array().unwrap();
    assert_eq!(criteria[0]["code"], "courtesy");
    assert_eq!(criteria[0]["title"], "Вежливость");
    close(&criteria[0]["average"], 8.8);
    assert_eq!(criteria[1]["code"], "competence");
    close(&criteria[1]["average"], 7.6);
    let beta = &bodies[1];
    assert_eq!(beta["count"], 1);
    close(&beta["average"], 3.0);
    close(&beta["score"], (10.0 * m + 3.0) / 11.0);
    assert!(
        alpha.get("distribution").is_none(),
        "the API lists no charts"
    );

    let mut conn = data.pool.acquire().await.unwrap();
    let summary = rating_stats::overview(&mut conn).await.unwrap();
    assert_eq!(summary.total, 6);
    close(&serde_json::json!(summary.regional_mean), m);
    // Scores 10,8 9,9 8,6 10,10 7,5 2,4.
    assert_eq!(summary.distribution, vec![0, 1, 0, 1, 1, 1, 1, 2, 2, 3]);
    assert_eq!(summary.trend.len(), 24);
    let this_month = summary.trend.last().unwrap();
    assert_eq!(this_month.count, 6, "all rated this month");
    close(&serde_json::json!(this_month.average), m);
    assert!(summary.trend[..23]
        .iter()
        .all(|p| p.count == 0 && p.average.is_none()));
    let alpha = &summary.bodies[0];
    assert_eq!(alpha.distribution.iter().sum::<i64>(), 10);
    assert_eq!(alpha.trend.last().unwrap().count, 5);
}

#[sqlx::test(migrations = "../migrations")]
async fn staff_appear_from_five_ratings_and_only_anonymised(pool: PgPool) {
    let data = Data::new(pool).await;
    data.fill().await;
    let app = data.app().await;
    // A: five ratings, shown; B: four, hidden.
    let staff = json(&app, "/api/v1/ratings/staff").await;
    let staff = staff.as_array().unwrap();
    assert_eq!(staff.len(), 1, "{staff:?}");
    assert_eq!(staff[0]["slug"], "alpha");
    let entries = staff[0]["staff"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "four ratings are not enough: {entries:?}");
    assert_eq!(entries[0]["count"], 5);
    close(&entries[0]["average"], 8.2);
    let label = entries[0]["label"].as_str().unwrap().to_owned();
    let number: u32 = label
        .strip_prefix("Инспектор №")
        .unwrap_or_else(|| panic!("{label}"))
        .parse()
        .unwrap();
    assert!((100..1000).contains(&number));
    assert_eq!(
        entries[0].as_object().unwrap().len(),
        3,
        "label, count, average and nothing else"
    );

    // B's fifth rating: now both are shown, A keeps its number.
    let event = data
        .event(data.alpha, "knm", data.company, &[data.inspector_b], 20, 1)
        .await;
    data.rate(
        "business",
        Some(event),
        data.alpha,
        data.company,
        &[(data.courtesy, 4), (data.competence, 4)],
        false,
    )
    .await;
    // Stored straight in the database, as by another instance: an instance shows it once its
    // copy of the figures expires (a minute at most); a fresh instance shows it at once.
    let app = data.app().await;
    let staff = json(&app, "/api/v1/ratings/staff").await;
    let entries = staff[0]["staff"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(
        entries[0]["label"],
        label.as_str(),
        "A is better and keeps its number"
    );
    assert_eq!(entries[1]["count"], 5);
    close(&entries[1]["average"], (9.0 + 9.0 + 7.0 + 10.0 + 4.0) / 5.0);
    assert_ne!(entries[1]["label"], label.as_str());

    let html = body_text(get(&app, "/ratings").await).await;
    let api = staff.to_string();
    for secret in [
        INSPECTOR_A.0,
        INSPECTOR_A.1,
        INSPECTOR_B.0,
        INSPECTOR_B.1,
        "ivanov",
        "petrova",
        &data.inspector_a.to_string(),
        &data.inspector_b.to_string(),
        &data.inspector_a.simple().to_string(),
    ] {
        assert!(!html.contains(secret), "the page shows {secret}");
        assert!(!api.contains(secret), "the API shows {secret}");
    }
    assert!(html.contains(&label), "the page lists {label}");
}

#[sqlx::test(migrations = "../migrations")]
async fn businesses_are_legal_entities_with_three_ratings(pool: PgPool) {
    let data = Data::new(pool).await;
    let mut sum = 0.0;
    for (i, score) in [8i16, 6, 7].into_iter().enumerate() {
        for org in [data.company, data.sole_trader] {
            let event = data
                .event(
                    data.alpha,
                    "knm",
                    org,
                    &[data.inspector_a],
                    50 + i as i32,
                    1,
                )
                .await;
            data.rate(
                "body",
                Some(event),
                data.alpha,
                org,
                &[(data.readiness, score)],
                false,
            )
            .await;
        }
        sum += f64::from(score);
    }
    let mut conn = data.pool.acquire().await.unwrap();
    let businesses = rating_stats::business_scores(&mut conn).await.unwrap();
    assert_eq!(
        businesses.len(),
        1,
        "the sole trader is a person: {businesses:?}"
    );
    assert_eq!(businesses[0].name, "ООО «Ромашка»");
    assert_eq!(businesses[0].count, 3);
    assert_eq!(businesses[0].average, Some(7.0));
    // m is 7 as well (both got 8, 6, 7): the smoothed score is 7.
    assert_eq!(businesses[0].score, Some((10.0 * 7.0 + sum) / 13.0));
    let html = body_text(get(&data.app().await, "/ratings").await).await;
    assert!(html.contains("ООО «Ромашка»") || html.contains("ООО &laquo;Ромашка&raquo;"));
    assert!(!html.contains("Петров"));

    // Two ratings are not enough.
    sqlx::query(
        "DELETE FROM rating WHERE id =
             (SELECT id FROM rating WHERE organisation_id = $1 ORDER BY id DESC LIMIT 1)",
    )
    .bind(data.company)
    .execute(&data.pool)
    .await
    .unwrap();
    assert!(rating_stats::business_scores(&mut conn)
        .await
        .unwrap()
        .is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn prevention_indicators_come_from_preventive_events(pool: PgPool) {
    let data = Data::new(pool).await;
    // Two preventive events of alpha for the company (3 and 1 days), one control event, and a
    // preventive event older than the period.
    data.event(data.alpha, "pm", data.company, &[], 10, 3).await;
    data.event(data.alpha, "pm", data.company, &[], 20, 1).await;
    data.event(data.alpha, "knm", data.sole_trader, &[], 20, 5)
        .await;
    data.event(data.alpha, "pm", data.sole_trader, &[], 400, 1)
        .await;
    let mut conn = data.pool.acquire().await.unwrap();
    let prevention = rating_stats::prevention(&mut conn).await.unwrap();
    let alpha = prevention.iter().find(|p| p.slug == "alpha").unwrap();
    assert_eq!(alpha.events, 2);
    assert_eq!(alpha.covered, 1);
    assert_eq!(alpha.subjects, 2);
    assert_eq!(alpha.share, Some(50.0));
    assert_eq!(alpha.average_days, Some(2.0));
    let beta = prevention.iter().find(|p| p.slug == "beta").unwrap();
    assert_eq!((beta.events, beta.subjects), (0, 0));
    assert_eq!((beta.share, beta.average_days), (None, None));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_pages_are_server_rendered_with_svg_charts(pool: PgPool) {
    let data = Data::new(pool).await;
    data.fill().await;
    let app = data.app().await;
    let response = get(&app, "/ratings").await;
    assert_eq!(response.status(), 200);
    let html = body_text(response).await;
    assert!(
        html.contains("<title>Региональный рейтинг — КНД.Онлайн</title>"),
        "{html}"
    );
    assert!(html.contains(r#"name="description""#));
    assert!(
        html.contains(r#"href="/ratings""#),
        "the navigation links the rating"
    );
    for id in [
        "dist-region",
        "trend-region",
        "count-region",
        "dist-body-alpha",
    ] {
        assert!(html.contains(&format!(r#"id="{id}""#)), "chart {id}");
    }
    assert!(html.contains(r#"role="img""#));
    assert!(html.contains(r#"<title id="dist-region-title">"#));
    assert!(html.contains("class=\"chart-bar\""));
    assert!(html.contains("class=\"chart-line\""));
    // The description reads out the figures: three tens.
    assert!(html.contains("10: 3"), "the distribution is described");
    assert!(html.contains("Орган Альфа"));
    assert!(
        html.contains("7,62"),
        "alpha's smoothed score, Russian style"
    );
    assert!(html.contains("Рейтинг по обращениям"));

    let response = get(&app, "/ratings/methodology").await;
    assert_eq!(response.status(), 200);
    let html = body_text(response).await;
    assert!(html.contains("<title>Методика рейтинга — КНД.Онлайн</title>"));
    assert!(html.contains("S = (C · m + Σ) / (C + n)"));
    assert!(html.contains("Вежливость"), "the criteria are listed");
    assert!(html.contains("экспертных организаций"));
    assert!(html.contains("не устанавливает весов"));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_empty_rating_renders_and_answers_empty_lists(pool: PgPool) {
    let app = common::router(pool);
    let response = get(&app, "/ratings").await;
    assert_eq!(response.status(), 200);
    let html = body_text(response).await;
    assert!(html.contains(r#"id="dist-region""#));
    assert_eq!(
        json(&app, "/api/v1/ratings/bodies").await,
        serde_json::json!([])
    );
    assert_eq!(
        json(&app, "/api/v1/ratings/staff").await,
        serde_json::json!([])
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_openapi_document_lists_the_rating(pool: PgPool) {
    let app = common::router(pool);
    let doc = json(&app, "/api/v1/openapi.json").await;
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/ratings/bodies"));
    assert!(paths.contains_key("/api/v1/ratings/staff"));
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let body = &schemas["BodyScore"]["properties"];
    for field in ["slug", "name", "count", "average", "score", "criteria"] {
        assert!(body.get(field).is_some(), "BodyScore.{field}");
    }
    assert!(body.get("distribution").is_none());
    let entry = schemas["StaffEntry"]["properties"].as_object().unwrap();
    let mut fields: Vec<_> = entry.keys().cloned().collect();
    fields.sort();
    assert_eq!(fields, ["average", "count", "label"]);
    // The same rate limiting as the rest of the open API (the router's own layer).
    let response = get(&app, "/api/v1/ratings/bodies").await;
    assert_eq!(response.status(), 200);
}
