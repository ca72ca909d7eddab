//! Loads the demo catalogue (`catalogue_content`) into the database: bodies (linked to their
//! organisations, with units), kinds with everything they hold, the dated lists, and 10,000
//! controlled organisations with their risk categories. Runs only into an empty catalogue, in
//! the caller's transaction, so loading twice changes nothing.

use std::collections::HashMap;

use anyhow::Context;
use sqlx::PgConnection;
use uuid::Uuid;

use app::domain::registry_number::{Inn, Ogrn};
use app::server::{account, catalogue::lock_for_writing, organisation};

use super::catalogue_content::{demo_catalogue, Date};

/// What a run inserted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CatalogueReport {
    pub bodies: usize,
    pub kinds: usize,
    pub requirements: usize,
    pub organisations: usize,
}

fn date((y, m, d): Date) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a valid demo date")
}

/// `None` when the catalogue already has content.
pub async fn load(tx: &mut PgConnection) -> anyhow::Result<Option<CatalogueReport>> {
    lock_for_writing(tx).await?;
    let (loaded,): (bool,) = sqlx::query_as("SELECT EXISTS (SELECT 1 FROM control_body)")
        .fetch_one(&mut *tx)
        .await?;
    if loaded {
        return Ok(None);
    }
    let content = demo_catalogue();
    let mut report = CatalogueReport::default();

    let mut body_ids = Vec::new();
    for body in &content.bodies {
        let inn = Inn::complete(&body.inn_body).context("a body's ИНН")?;
        let ogrn = Ogrn::complete(&body.ogrn_body).context("a body's ОГРН")?;
        let organisation_id = account::ensure_organisation(
            tx,
            "control_body",
            &body.name,
            inn.as_str(),
            Some(ogrn.as_str()),
        )
        .await?;
        for unit in &body.units {
            match organisation::insert_unit(&mut *tx, organisation_id, unit).await {
                Ok(_) | Err(organisation::InsertOrganisationError::Duplicate) => {}
                Err(organisation::InsertOrganisationError::Db(e)) => return Err(e.into()),
            }
        }
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO control_body (id, organisation_id, slug, name, short_name, head_name,
                 head_position, address, phones, email, website, working_hours)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id)
        .bind(organisation_id)
        .bind(&body.slug)
        .bind(&body.name)
        .bind(&body.short_name)
        .bind(&body.head_name)
        .bind(&body.head_position)
        .bind(&body.address)
        .bind(&body.phones)
        .bind(&body.email)
        .bind(&body.website)
        .bind(sqlx::types::Json(&body.hours))
        .execute(&mut *tx)
        .await
        .with_context(|| format!("body {}", body.slug))?;
        body_ids.push(id);
        report.bodies += 1;
    }

    let mut kind_ids = Vec::new();
    for kind in &content.kinds {
        let id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO control_kind (id, body_id, slug, name, short_name, description)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(body_ids[kind.body])
        .bind(&kind.slug)
        .bind(&kind.name)
        .bind(&kind.short_name)
        .bind(&kind.description)
        .execute(&mut *tx)
        .await
        .with_context(|| format!("kind {}", kind.slug))?;
        kind_ids.push(id);
        report.kinds += 1;

        for (sort, o) in kind.officials.iter().enumerate() {
            sqlx::query(
                "INSERT INTO kind_official (id, kind_id, position, full_name, phone, sort)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(Uuid::now_v7())
            .bind(id)
            .bind(&o.position)
            .bind(&o.full_name)
            .bind(&o.phone)
            .bind(sort as i32)
            .execute(&mut *tx)
            .await?;
        }
        for (sort, title) in kind.documents.iter().enumerate() {
            sqlx::query(
                "INSERT INTO kind_document (id, kind_id, title, sort) VALUES ($1, $2, $3, $4)",
            )
            .bind(Uuid::now_v7())
            .bind(id)
            .bind(title)
            .bind(sort as i32)
            .execute(&mut *tx)
            .await?;
        }
        // Requirement ids by (act, requirement) index, for the typical violations.
        let mut requirement_ids: HashMap<(usize, usize), Uuid> = HashMap::new();
        let mut sort = 0;
        for (a, act) in kind.acts.iter().enumerate() {
            let act_id = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO legal_act (id, kind_id, title, number, adopted_on, url, sort)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(act_id)
            .bind(id)
            .bind(&act.title)
            .bind(&act.number)
            .bind(date(act.adopted_on))
            .bind(&act.url)
            .bind(a as i32)
            .execute(&mut *tx)
            .await?;
            for (r, requirement) in act.requirements.iter().enumerate() {
                let requirement_id = Uuid::now_v7();
                sqlx::query(
                    "INSERT INTO requirement (id, kind_id, act_id, text, structural_unit, sort)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(requirement_id)
                .bind(id)
                .bind(act_id)
                .bind(&requirement.text)
                .bind(&requirement.structural_unit)
                .bind(sort)
                .execute(&mut *tx)
                .await?;
                sort += 1;
                requirement_ids.insert((a, r), requirement_id);
                report.requirements += 1;
            }
        }
        for (sort, text) in kind.risk_indicators.iter().enumerate() {
            sqlx::query(
                "INSERT INTO risk_indicator (id, kind_id, text, sort) VALUES ($1, $2, $3, $4)",
            )
            .bind(Uuid::now_v7())
            .bind(id)
            .bind(text)
            .bind(sort as i32)
            .execute(&mut *tx)
            .await?;
        }
        for (sort, f) in kind.faq.iter().enumerate() {
            sqlx::query(
                "INSERT INTO faq (id, kind_id, question, answer, updated_on, sort)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(Uuid::now_v7())
            .bind(id)
            .bind(&f.question)
            .bind(&f.answer)
            .bind(date(f.updated_on))
            .bind(sort as i32)
            .execute(&mut *tx)
            .await?;
        }
        for (sort, v) in kind.violations.iter().enumerate() {
            let requirement_id = requirement_ids
                .get(&v.requirement)
                .with_context(|| format!("a violation of {} points nowhere", kind.slug))?;
            sqlx::query(
                "INSERT INTO typical_violation (id, kind_id, requirement_id, what_goes_wrong,
                     how_to_avoid, how_to_fix, sort)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(Uuid::now_v7())
            .bind(id)
            .bind(requirement_id)
            .bind(&v.what_goes_wrong)
            .bind(&v.how_to_avoid)
            .bind(&v.how_to_fix)
            .bind(sort as i32)
            .execute(&mut *tx)
            .await?;
        }
    }

    for d in &content.discussions {
        let starts_at =
            chrono::NaiveTime::parse_from_str(&d.time, "%H:%M").context("a discussion's time")?;
        sqlx::query(
            "INSERT INTO public_discussion (id, body_id, kind_id, held_on, starts_at, topic, place,
                 link, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(Uuid::now_v7())
        .bind(body_ids[d.body])
        .bind(kind_ids[d.kind])
        .bind(date(d.date))
        .bind(starts_at)
        .bind(&d.topic)
        .bind(&d.place)
        .bind(&d.link)
        .bind(d.status.as_str())
        .execute(&mut *tx)
        .await?;
    }
    for p in &content.programmes {
        sqlx::query(
            "INSERT INTO prevention_programme (id, body_id, kind_id, year, title, document_url,
                 measures)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::now_v7())
        .bind(body_ids[p.body])
        .bind(kind_ids[p.kind])
        .bind(p.year)
        .bind(&p.title)
        .bind(&p.document_url)
        .bind(&p.measures)
        .execute(&mut *tx)
        .await?;
    }
    for r in &content.reports {
        sqlx::query(
            "INSERT INTO practice_report (id, body_id, kind_id, period, summary, document_url)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(Uuid::now_v7())
        .bind(body_ids[r.body])
        .bind(kind_ids[r.kind])
        .bind(&r.period)
        .bind(&r.summary)
        .bind(&r.document_url)
        .execute(&mut *tx)
        .await?;
    }
    for n in &content.news {
        sqlx::query(
            "INSERT INTO news (id, body_id, published_on, title, text) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(Uuid::now_v7())
        .bind(body_ids[n.body])
        .bind(date(n.date))
        .bind(&n.title)
        .bind(&n.text)
        .execute(&mut *tx)
        .await?;
    }

    // Controlled organisations in bulk; one already registered (the demo business) is reused.
    let mut ids = Vec::new();
    let mut kinds = Vec::new();
    let mut names = Vec::new();
    let mut inns = Vec::new();
    let mut ogrns = Vec::new();
    for o in &content.organisations {
        ids.push(Uuid::now_v7());
        kinds.push(o.kind.to_owned());
        names.push(o.name.clone());
        inns.push(
            Inn::complete(&o.inn_body)
                .context("an organisation's ИНН")?
                .as_str()
                .to_owned(),
        );
        ogrns.push(
            Ogrn::complete(&o.ogrn_body)
                .context("an organisation's ОГРН")?
                .as_str()
                .to_owned(),
        );
    }
    let inserted = sqlx::query(
        "INSERT INTO organisation (id, kind, name, inn, ogrn)
         SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
         ON CONFLICT (inn) WHERE parent_id IS NULL DO NOTHING",
    )
    .bind(&ids)
    .bind(&kinds)
    .bind(&names)
    .bind(&inns)
    .bind(&ogrns)
    .execute(&mut *tx)
    .await?;
    report.organisations = inserted.rows_affected() as usize;
    let by_inn: HashMap<String, Uuid> = sqlx::query_as::<_, (String, Uuid)>(
        "SELECT inn, id FROM organisation WHERE parent_id IS NULL AND inn = ANY($1)",
    )
    .bind(&inns)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let (mut risk_orgs, mut risk_kinds, mut risk_categories) = (Vec::new(), Vec::new(), Vec::new());
    for (o, inn) in content.organisations.iter().zip(&inns) {
        let organisation_id = by_inn.get(inn).context("an organisation just inserted")?;
        for (kind, category) in &o.risks {
            risk_orgs.push(*organisation_id);
            risk_kinds.push(kind_ids[*kind]);
            risk_categories.push(category.as_str().to_owned());
        }
    }
    sqlx::query(
        "INSERT INTO risk_assignment (organisation_id, kind_id, category, assigned_on)
         SELECT o, k, c, DATE '2026-01-15' FROM UNNEST($1::uuid[], $2::uuid[], $3::text[]) AS t(o, k, c)
         ON CONFLICT DO NOTHING",
    )
    .bind(&risk_orgs)
    .bind(&risk_kinds)
    .bind(&risk_categories)
    .execute(&mut *tx)
    .await?;
    Ok(Some(report))
}
