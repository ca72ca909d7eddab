//! The open data API over the demo catalogue: every documented endpoint answers, lists page,
//! filter and export CSV, search finds by the beginning of a word, the risk lookup checks ИНН,
//! and devices get deltas with ETags.

use crate::common;

use axum::{body::Body, http::Request, Router};
use common::{body_text, get, send};
use serde_json::Value;
use sqlx::PgPool;

async fn seeded(pool: &PgPool) -> Router {
    server::seed::seed_demo(pool).await.unwrap();
    common::router(pool.clone())
}

async fn json(app: &Router, path: &str) -> (u16, Value) {
    let response = get(app, path).await;
    let status = response.status().as_u16();
    let text = body_text(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}")),
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn every_documented_endpoint_answers_200(pool: PgPool) {
    let app = seeded(&pool).await;
    let (status, doc) = json(&app, "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let (_, kinds) = json(&app, "/api/v1/control-kinds").await;
    let kind = kinds["items"][0]["slug"].as_str().unwrap().to_owned();
    let (_, bodies) = json(&app, "/api/v1/control-bodies").await;
    let body = bodies["items"][0]["slug"].as_str().unwrap().to_owned();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 14, "{:?}", paths.keys());
    for path in paths.keys() {
        let url = path
            .replace(
                "{slug}",
                if path.contains("bodies") {
                    &body
                } else {
                    &kind
                },
            )
            .replace("/search", "/search?q=пожарн")
            .replace("/organisations/risk", "/organisations/risk?inn=2721001237");
        let response = get(&app, &url).await;
        assert_eq!(response.status(), 200, "{url}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn lists_page_filter_and_export_csv(pool: PgPool) {
    let app = seeded(&pool).await;
    let (status, page) = json(&app, "/api/v1/requirements?per_page=20&page=2").await;
    assert_eq!(status, 200);
    assert_eq!(page["items"].as_array().unwrap().len(), 20);
    assert_eq!(page["page"], 2);
    assert!(page["total"].as_u64().unwrap() >= 300);

    let (_, kinds) = json(&app, "/api/v1/control-kinds?per_page=200").await;
    assert_eq!(kinds["total"], 20);
    let kind = &kinds["items"][0];
    let (_, faq) = json(
        &app,
        &format!(
            "/api/v1/faq?kind={}&per_page=200",
            kind["slug"].as_str().unwrap()
        ),
    )
    .await;
    assert!(faq["total"].as_u64().unwrap() > 0);
    for item in faq["items"].as_array().unwrap() {
        assert_eq!(item["kind_id"], kind["id"]);
    }

    let response = get(&app, "/api/v1/control-bodies?format=csv").await;
    assert_eq!(response.status(), 200);
    assert!(common::header(&response, "content-type").starts_with("text/csv"));
    let csv = body_text(response).await;
    assert!(csv.starts_with("\u{feff}id,slug,name,"), "{}", &csv[..60]);
    assert!(csv.contains("(демо)"));
    assert!(csv.lines().count() >= 9);

    for (url, status) in [
        ("/api/v1/faq?kind=no-such-kind", 404),
        ("/api/v1/faq?per_page=0", 400),
        ("/api/v1/faq?per_page=100000", 400),
        ("/api/v1/faq?page=0", 400),
        ("/api/v1/faq?page=abc", 400),
        ("/api/v1/faq?format=xml", 400),
        ("/api/v1/control-kinds/no-such-kind", 404),
        ("/api/v1/no-such-endpoint", 404),
    ] {
        let (got, error) = json(&app, url).await;
        assert_eq!(got, status, "{url}");
        assert!(
            error["error"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| ('а'..='я').contains(&c)),
            "a Russian message for {url}: {error}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn typing_the_beginning_of_a_word_finds_fire_safety_content(pool: PgPool) {
    let app = seeded(&pool).await;
    let (status, hits) = json(&app, "/api/v1/search?q=пожарн").await;
    assert_eq!(status, 200);
    let hits = hits.as_array().unwrap();
    assert!(hits.len() >= 5, "{hits:?}");
    for hit in hits {
        let marked: Vec<&str> = hit["snippet"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["marked"] == true)
            .map(|s| s["text"].as_str().unwrap())
            .collect();
        let title = hit["title"].as_str().unwrap().to_lowercase();
        assert!(
            marked.iter().any(|m| m.to_lowercase().starts_with("пожар")) || title.contains("пожар"),
            "{hit}"
        );
    }
    let (status, _) = json(&app, "/api/v1/search?q=%20").await;
    assert_eq!(status, 422);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_risk_lookup_checks_the_inn(pool: PgPool) {
    let app = seeded(&pool).await;
    let (status, entry) = json(&app, "/api/v1/organisations/risk?inn=2721001237").await;
    assert_eq!(status, 200);
    assert_eq!(entry["name"], "ООО «Демо Амур»");
    assert!(!entry["risks"].as_array().unwrap().is_empty());

    let (status, error) = json(&app, "/api/v1/organisations/risk?inn=2721001238").await;
    assert_eq!(status, 422);
    assert!(error["error"]
        .as_str()
        .unwrap()
        .contains("контрольной суммы"));

    // A valid ИНН nobody registered.
    let unknown = app::domain::registry_number::Inn::complete("770000001").unwrap();
    let (status, _) = json(
        &app,
        &format!("/api/v1/organisations/risk?inn={}", unknown.as_str()),
    )
    .await;
    assert_eq!(status, 404);
}

#[sqlx::test(migrations = "../migrations")]
async fn devices_get_deltas_with_etags(pool: PgPool) {
    let app = seeded(&pool).await;
    let response = get(&app, "/api/v1/catalogue/changes").await;
    if response.status() != 200 {
        panic!("{}", body_text(response).await);
    }
    let etag = common::header(&response, "etag").to_owned();
    let full: Value = serde_json::from_str(&body_text(response).await).unwrap();
    assert_eq!(full["full"], true);
    assert!(full["rows"]["requirements"].as_array().unwrap().len() >= 300);
    let version = full["version"].as_i64().unwrap();

    // Nothing changed: 304 for the current ETag.
    let request = Request::get(format!("/api/v1/catalogue/changes?since={version}"))
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, request).await.status(), 304);

    // One FAQ edited, one deleted: the delta carries exactly that.
    let mut tx = pool.begin().await.unwrap();
    app::server::catalogue::lock_for_writing(&mut tx)
        .await
        .unwrap();
    let (edited,): (String,) = sqlx::query_as(
        "UPDATE faq SET answer = answer || ' Уточнено.' WHERE id = (SELECT id FROM faq ORDER BY id LIMIT 1)
         RETURNING id::text",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    let (deleted,): (String,) = sqlx::query_as(
        "DELETE FROM faq WHERE id = (SELECT id FROM faq ORDER BY id DESC LIMIT 1) RETURNING id::text",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let response = get(&app, &format!("/api/v1/catalogue/changes?since={version}")).await;
    assert_eq!(response.status(), 200);
    assert_ne!(common::header(&response, "etag"), etag);
    let delta: Value = serde_json::from_str(&body_text(response).await).unwrap();
    assert_eq!(delta["full"], false);
    assert_eq!(delta["rows"]["faq"].as_array().unwrap().len(), 1);
    assert_eq!(delta["rows"]["faq"][0]["id"], edited.as_str());
    assert!(delta["rows"]["requirements"].as_array().unwrap().is_empty());
    assert_eq!(
        delta["deleted"],
        serde_json::json!([{ "entity": "faq", "id": deleted }])
    );

    // A version this database never gave out (another installation) gets everything.
    let (_, again) = json(&app, "/api/v1/catalogue/changes?since=999999999").await;
    assert_eq!(again["full"], true);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_open_api_is_rate_limited_per_address(pool: PgPool) {
    let mut config = common::config(None);
    config.api_rate_per_sec = 1;
    let app = server::http::router(common::state(pool), &config);
    let statuses: Vec<u16> = {
        let mut out = Vec::new();
        for _ in 0..5 {
            out.push(get(&app, "/api/v1/openapi.json").await.status().as_u16());
        }
        out
    };
    assert_eq!(
        &statuses[..3],
        &[200, 200, 200],
        "a burst of three is allowed"
    );
    assert_eq!(statuses[4], 429);
    let response = get(&app, "/api/v1/openapi.json").await;
    assert!(response.headers().get("retry-after").is_some());
    assert!(body_text(response).await.contains("Слишком много запросов"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_managers_faq_edit_reaches_devices_and_only_their_own_body(pool: PgPool) {
    let app = seeded(&pool).await;
    let (_, before) = json(&app, "/api/v1/catalogue/changes").await;
    let version = before["version"].as_i64().unwrap();
    let faq_of = |own: bool| {
        let pool = pool.clone();
        async move {
            let (id,): (String,) = sqlx::query_as(&format!(
                "SELECT f.id::text FROM faq f JOIN control_kind k ON k.id = f.kind_id
                 JOIN control_body b ON b.id = k.body_id
                 WHERE b.organisation_id {} (SELECT m.organisation_id FROM membership m
                     JOIN app_user u ON u.id = m.user_id
                     WHERE u.email = 'manager@demo.knd.local' AND m.role = 'kno_manager')
                 ORDER BY f.id LIMIT 1",
                if own { "=" } else { "<>" }
            ))
            .fetch_one(&pool)
            .await
            .unwrap();
            id
        }
    };
    let (own, other) = (faq_of(true).await, faq_of(false).await);
    let cookie = common::sign_in(&app, "manager@demo.knd.local", server::seed::DEMO_PASSWORD).await;
    let save = |id: String, answer: &str| serde_json::json!({ "faq_id": id, "question": "Как подготовиться к проверке?", "answer": answer });

    let (status, _) = common::call(
        &app,
        "/api/catalogue/faq/save",
        save(other.clone(), "Чужой ответ."),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 403, "another body's FAQ");
    let (status, error) = common::call(
        &app,
        "/api/catalogue/faq/save",
        save(own.clone(), "  "),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(error["Field"]["field"], "answer");
    let (_, unchanged) = json(&app, &format!("/api/v1/catalogue/changes?since={version}")).await;
    assert!(
        unchanged["rows"]["faq"].as_array().unwrap().is_empty(),
        "nothing saved"
    );

    let (status, saved) = common::call(
        &app,
        "/api/catalogue/faq/save",
        save(own.clone(), "Изучите проверочный лист."),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    let response = get(&app, &format!("/api/v1/catalogue/changes?since={version}")).await;
    let text = body_text(response).await;
    let delta: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(delta["rows"]["faq"][0]["id"], own.as_str());
    assert_eq!(
        delta["rows"]["faq"][0]["answer"],
        "Изучите проверочный лист."
    );
    assert!(text.len() < 2048, "a one-FAQ delta is {} bytes", text.len());
    let (who,): (String,) = sqlx::query_as(
        "SELECT u.email FROM catalogue_change c JOIN app_user u ON u.id = c.changed_by
         WHERE c.entity = 'faq' AND c.entity_id::text = $1",
    )
    .bind(&own)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(who, "manager@demo.knd.local");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_device_away_longer_than_deletions_are_kept_gets_everything(pool: PgPool) {
    let app = seeded(&pool).await;
    let (_, before) = json(&app, "/api/v1/catalogue/changes").await;
    let version = before["version"].as_i64().unwrap();
    let mut tx = pool.begin().await.unwrap();
    app::server::catalogue::lock_for_writing(&mut tx)
        .await
        .unwrap();
    sqlx::query("DELETE FROM news WHERE id = (SELECT id FROM news ORDER BY id LIMIT 1)")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Recent deletions are kept: the device gets a small delta.
    let pruned = app::server::catalogue::prune_tombstones(&pool, 180)
        .await
        .unwrap();
    assert_eq!(pruned, 0);
    let (_, delta) = json(&app, &format!("/api/v1/catalogue/changes?since={version}")).await;
    assert_eq!(delta["full"], false);
    assert_eq!(delta["deleted"].as_array().unwrap().len(), 1);
    // Once the deletion is forgotten, a device that synced before it gets everything.
    sqlx::query("UPDATE catalogue_tombstone SET deleted_at = now() - interval '200 days'")
        .execute(&pool)
        .await
        .unwrap();
    let pruned = app::server::catalogue::prune_tombstones(&pool, 180)
        .await
        .unwrap();
    assert_eq!(pruned, 1);
    let (_, delta) = json(&app, &format!("/api/v1/catalogue/changes?since={version}")).await;
    assert_eq!(delta["full"], true);
    assert_eq!(delta["deleted"], serde_json::json!([]));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_manager_edits_their_bodys_texts_and_nothing_of_another_body(pool: PgPool) {
    let app = seeded(&pool).await;
    let (_, before) = json(&app, "/api/v1/catalogue/changes").await;
    let version = before["version"].as_i64().unwrap();
    let manager = "(SELECT m.organisation_id FROM membership m JOIN app_user u ON u.id = m.user_id
                    WHERE u.email = 'manager@demo.knd.local' AND m.role = 'kno_manager')";
    let (own_body,): (String,) = sqlx::query_as(&format!(
        "SELECT id::text FROM control_body WHERE organisation_id = {manager}"
    ))
    .fetch_one(&pool)
    .await
    .unwrap();
    let (other_news,): (String,) = sqlx::query_as(&format!(
        "SELECT n.id::text FROM news n JOIN control_body b ON b.id = n.body_id
         WHERE b.organisation_id <> {manager} ORDER BY n.id LIMIT 1"
    ))
    .fetch_one(&pool)
    .await
    .unwrap();
    let cookie = common::sign_in(&app, "manager@demo.knd.local", server::seed::DEMO_PASSWORD).await;
    let update = |entity: &str, id: &str, fields: Value| serde_json::json!({ "entity": entity, "id": id, "fields": fields });

    let (status, _) = common::call(
        &app,
        "/api/catalogue/update",
        update(
            "news",
            &other_news,
            serde_json::json!([["title", "Чужая новость"]]),
        ),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 403);
    let (status, error) = common::call(
        &app,
        "/api/catalogue/update",
        update(
            "control_body",
            &own_body,
            serde_json::json!([["website", "ftp://example"]]),
        ),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(error["Field"]["field"], "website");
    let (status, _) = common::call(
        &app,
        "/api/catalogue/update",
        update(
            "app_user",
            &own_body,
            serde_json::json!([["email", "x@y.ru"]]),
        ),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 422);
    let (_, unchanged) = json(&app, &format!("/api/v1/catalogue/changes?since={version}")).await;
    assert!(unchanged["rows"]["bodies"].as_array().unwrap().is_empty());
    assert!(unchanged["rows"]["news"].as_array().unwrap().is_empty());

    let (status, answer) = common::call(
        &app,
        "/api/catalogue/update",
        update(
            "control_body",
            &own_body,
            serde_json::json!([["address", " г. Хабаровск, ул. Новая, д. 1 "]]),
        ),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (_, delta) = json(&app, &format!("/api/v1/catalogue/changes?since={version}")).await;
    assert_eq!(
        delta["rows"]["bodies"][0]["address"],
        "г. Хабаровск, ул. Новая, д. 1"
    );
    let (who,): (String,) = sqlx::query_as(
        "SELECT u.email FROM control_body b JOIN app_user u ON u.id = b.updated_by WHERE b.id::text = $1",
    )
    .bind(&own_body)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(who, "manager@demo.knd.local");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_manager_adds_and_deletes_faq_of_their_body_only(pool: PgPool) {
    let app = seeded(&pool).await;
    let (_, before) = json(&app, "/api/v1/catalogue/changes").await;
    let version = before["version"].as_i64().unwrap();
    let cookie = common::sign_in(&app, "manager@demo.knd.local", server::seed::DEMO_PASSWORD).await;
    let add = |kind: &str, question: &str| serde_json::json!({ "kind_slug": kind, "question": question, "answer": "Ответ органа." });
    // Another body's kind: refused. Bad input: explained, nothing added.
    let (status, _) = common::call(
        &app,
        "/api/catalogue/faq/add",
        add("veterinarnyj-nadzor", "Чужой?"),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 403);
    let (status, error) = common::call(
        &app,
        "/api/catalogue/faq/add",
        add("chs-nadzor", " "),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(error["Field"]["field"], "question");

    let (status, added) = common::call(
        &app,
        "/api/catalogue/faq/add",
        add("chs-nadzor", "Как часто проводятся учения?"),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200, "{added}");
    let id = added["id"].as_str().unwrap().to_owned();
    let (_, delta) = json(&app, &format!("/api/v1/catalogue/changes?since={version}")).await;
    assert_eq!(
        delta["rows"]["faq"][0]["question"],
        "Как часто проводятся учения?"
    );

    // Deleting: not bodies or kinds, not another body's rows; then the manager's own FAQ.
    let (other_news,): (String,) = sqlx::query_as(
        "SELECT n.id::text FROM news n JOIN control_body b ON b.id = n.body_id
         WHERE b.slug <> 'gku' ORDER BY n.id LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let delete = |entity: &str, id: &str| serde_json::json!({ "entity": entity, "id": id });
    let (status, _) = common::call(
        &app,
        "/api/catalogue/delete",
        delete("news", &other_news),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = common::call(
        &app,
        "/api/catalogue/delete",
        delete("control_kind", &id),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 422);
    let after_add = delta["version"].as_i64().unwrap();
    let (status, _) = common::call(
        &app,
        "/api/catalogue/delete",
        delete("faq", &id),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200);
    let (_, delta) = json(
        &app,
        &format!("/api/v1/catalogue/changes?since={after_add}"),
    )
    .await;
    assert_eq!(
        delta["deleted"],
        serde_json::json!([{ "entity": "faq", "id": id }])
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_full_copy_is_sent_brotli_compressed_to_those_who_accept_it(pool: PgPool) {
    let app = seeded(&pool).await;
    let plain: Value = {
        let text = body_text(get(&app, "/api/v1/catalogue/changes").await).await;
        serde_json::from_str(&text).unwrap()
    };
    for _ in 0..2 {
        let request = Request::get("/api/v1/catalogue/changes?since=0")
            .header("accept-encoding", "gzip, deflate, br")
            .body(Body::empty())
            .unwrap();
        let response = send(&app, request).await;
        assert_eq!(response.status(), 200);
        assert_eq!(common::header(&response, "content-encoding"), "br");
        assert!(common::header(&response, "etag").starts_with("\"catalogue-"));
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let mut json = Vec::new();
        brotli::BrotliDecompress(&mut bytes.as_ref(), &mut json).unwrap();
        let delta: Value = serde_json::from_slice(&json).unwrap();
        assert!(
            bytes.len() * 5 < json.len(),
            "{} → {}",
            json.len(),
            bytes.len()
        );
        assert_eq!(delta["full"], true);
        assert_eq!(delta["rows"], plain["rows"]);
    }
}

/// The id of a row of `table` of the kind `kind` (the first one).
async fn row_of_kind(pool: &PgPool, table: &str, kind: &str) -> String {
    let (id,): (String,) = sqlx::query_as(&format!(
        "SELECT x.id::text FROM {table} x JOIN control_kind k ON k.id = x.kind_id
         WHERE k.slug = $1 ORDER BY x.sort, x.id LIMIT 1"
    ))
    .bind(kind)
    .fetch_one(pool)
    .await
    .unwrap();
    id
}

async fn changes_since(app: &Router, version: i64) -> Value {
    json(app, &format!("/api/v1/catalogue/changes?since={version}"))
        .await
        .1
}

/// Every table a delta carries, empty.
fn nothing_changed(delta: &Value) -> bool {
    delta["rows"]
        .as_object()
        .unwrap()
        .values()
        .all(|rows| rows.as_array().unwrap().is_empty())
        && delta["deleted"].as_array().unwrap().is_empty()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_manager_adds_news_discussions_and_requirements_to_their_body(pool: PgPool) {
    let app = seeded(&pool).await;
    let (_, before) = json(&app, "/api/v1/catalogue/changes").await;
    let version = before["version"].as_i64().unwrap();
    let cookie = common::sign_in(&app, "manager@demo.knd.local", server::seed::DEMO_PASSWORD).await;
    let add = |entity: &str, parent: &str, fields: Value| serde_json::json!({ "entity": entity, "parent": parent, "fields": fields });
    let own_act = row_of_kind(&pool, "legal_act", "chs-nadzor").await;

    let (status, news_id) = common::call(
        &app,
        "/api/catalogue/add",
        add(
            "news",
            "gku",
            serde_json::json!([
                ["published_on", "2026-11-20"],
                ["title", " Приём граждан в праздничные дни "],
                ["text", "Приём переносится на 5 января."],
            ]),
        ),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200, "{news_id}");
    let (status, discussion_id) = common::call(
        &app,
        "/api/catalogue/add",
        add(
            "public_discussion",
            "chs-nadzor",
            serde_json::json!([
                ["topic", "Обсуждение практики пожарного надзора"],
                ["held_on", "2026-12-15"],
                ["starts_at", "10:30"],
                ["place", "г. Хабаровск, ул. Демо, д. 1"],
                ["link", ""],
                ["status", "planned"],
            ]),
        ),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200, "{discussion_id}");
    let (status, requirement_id) = common::call(
        &app,
        "/api/catalogue/add",
        add(
            "requirement",
            "chs-nadzor",
            serde_json::json!([
                ["act_id", own_act],
                [
                    "text",
                    "Проводить учения по эвакуации не реже раза в полгода."
                ],
                ["structural_unit", "п. 9"],
            ]),
        ),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200, "{requirement_id}");

    // Devices get the new rows with the next delta.
    let delta = changes_since(&app, version).await;
    let news = &delta["rows"]["news"][0];
    assert_eq!(news["id"], news_id);
    assert_eq!(news["title"], "Приём граждан в праздничные дни");
    assert_eq!(news["published_on"], "2026-11-20");
    let discussion = &delta["rows"]["discussions"][0];
    assert_eq!(discussion["id"], discussion_id);
    assert_eq!(discussion["starts_at"], "10:30");
    assert_eq!(discussion["status"], "planned");
    assert_eq!(discussion["link"], Value::Null);
    let requirement = &delta["rows"]["requirements"][0];
    assert_eq!(requirement["id"], requirement_id);
    assert_eq!(requirement["act_id"], own_act.as_str());
    // The discussion belongs to the kind's body; the requirement goes last.
    let (body_ok, last, changes): (bool, bool, i64) = sqlx::query_as(
        "SELECT
           (SELECT d.body_id = k.body_id FROM public_discussion d
            JOIN control_kind k ON k.id = d.kind_id WHERE d.id::text = $1),
           (SELECT r.sort = (SELECT max(sort) FROM requirement WHERE kind_id = r.kind_id)
                AND r.updated_by = (SELECT id FROM app_user WHERE email = 'manager@demo.knd.local')
            FROM requirement r WHERE r.id::text = $2),
           (SELECT count(*) FROM catalogue_change WHERE action = 'insert'
            AND entity_id::text IN ($1, $2, $3))",
    )
    .bind(discussion_id.as_str().unwrap())
    .bind(requirement_id.as_str().unwrap())
    .bind(news_id.as_str().unwrap())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(body_ok && last);
    assert_eq!(changes, 3);
    // And the pages' API shows them.
    let (_, kind) = json(&app, "/api/v1/control-kinds/chs-nadzor").await;
    assert!(kind.to_string().contains("Проводить учения по эвакуации"));
    let (_, news_list) = json(&app, "/api/v1/news?body=gku").await;
    assert!(news_list
        .to_string()
        .contains("Приём граждан в праздничные дни"));

    // Typed columns are edited too.
    let (status, answer) = common::call(
        &app,
        "/api/catalogue/update",
        serde_json::json!({ "entity": "public_discussion", "id": discussion_id,
            "fields": [["status", "held"], ["starts_at", "11:00"], ["held_on", "2026-12-16"]] }),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let after_edit = changes_since(&app, version).await;
    let discussion = &after_edit["rows"]["discussions"][0];
    assert_eq!(
        (
            &discussion["status"],
            &discussion["starts_at"],
            &discussion["held_on"]
        ),
        (
            &Value::from("held"),
            &Value::from("11:00"),
            &Value::from("2026-12-16")
        )
    );

    // Bad input: explained at its field (or refused as a whole), nothing stored.
    let stable = after_edit["version"].as_i64().unwrap();
    let other_act = row_of_kind(&pool, "legal_act", "veterinarnyj-nadzor").await;
    let bad: Vec<(Value, Option<&str>)> = vec![
        (
            add(
                "news",
                "gku",
                serde_json::json!([
                    ["published_on", "2026-02-30"],
                    ["title", "Т"],
                    ["text", "Т"]
                ]),
            ),
            Some("published_on"),
        ),
        (
            add(
                "requirement",
                "chs-nadzor",
                serde_json::json!([
                    ["act_id", other_act],
                    ["text", "Т"],
                    ["structural_unit", "п. 1"]
                ]),
            ),
            Some("act_id"),
        ),
        (
            add(
                "news",
                "gku",
                serde_json::json!([["published_on", "2026-11-20"], ["title", "Без текста"]]),
            ),
            Some("text"),
        ),
        (
            add(
                "public_discussion",
                "chs-nadzor",
                serde_json::json!([
                    ["topic", "Т"],
                    ["held_on", "2026-12-15"],
                    ["starts_at", "25:00"],
                    ["place", "М"],
                    ["status", "planned"]
                ]),
            ),
            Some("starts_at"),
        ),
        (
            add(
                "prevention_programme",
                "chs-nadzor",
                serde_json::json!([
                    ["year", "2019"],
                    ["title", "П"],
                    ["document_url", "https://x.ru/p.pdf"]
                ]),
            ),
            Some("year"),
        ),
        (
            add(
                "news",
                "gku",
                serde_json::json!([
                    ["published_on", "2026-11-20"],
                    ["title", "Т"],
                    ["text", "Т"],
                    ["version", "1"]
                ]),
            ),
            Some("version"),
        ),
        (
            add("app_user", "gku", serde_json::json!([["email", "x@y.ru"]])),
            None,
        ),
        (
            add(
                "control_kind",
                "gku",
                serde_json::json!([["name", "Новый вид"]]),
            ),
            None,
        ),
        (
            serde_json::json!({ "entity": "requirement", "id": requirement_id,
                "fields": [["act_id", other_act]] }),
            Some("act_id"),
        ),
    ];
    for (body, field) in bad {
        let path = if body.get("parent").is_some() {
            "/api/catalogue/add"
        } else {
            "/api/catalogue/update"
        };
        let (status, error) = common::call(&app, path, body.clone(), Some(&cookie)).await;
        assert_eq!(status, 422, "{body}: {error}");
        if let Some(field) = field {
            assert_eq!(error["Field"]["field"], field, "{body}: {error}");
        }
    }
    assert!(nothing_changed(&changes_since(&app, stable).await));
}
