//! The public aggregates of the rating, computed in PostgreSQL: a fixed handful of grouped
//! queries for the whole page (never one per body).
//!
//! What counts: confirmed ratings only (`event_id` set: the event is in the register), so a
//! rating of an event nobody can check does not move a public figure. A rating an admin hid
//! (`hidden_reason`) still counts: hiding removes an abusive comment from view, not the scores
//! of a real event. Raters are never selected here at all.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::rating_stats::{
    round2, smoothed, staff_label, staff_numbers, BodyScore, BodyStaff, BusinessScore,
    CriterionAverage, MonthPoint, Prevention, RatingsSummary, StaffEntry, MIN_BUSINESS_RATINGS,
    MIN_RESPONDENTS, PREVENTION_MONTHS, PRIOR_WEIGHT, TREND_MONTHS,
};

/// A criterion businesses rate bodies by.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CriterionRow {
    pub id: Uuid,
    pub code: String,
    pub title_ru: String,
    pub title_en: String,
}

/// What [`body_scores`] finds.
pub struct BodyScores {
    /// Best smoothed score first.
    pub bodies: Vec<BodyScore>,
    /// `m`, unrounded.
    pub regional_mean: Option<f64>,
    pub criteria: Vec<CriterionRow>,
    /// The whole region's monthly trend (with `details` only).
    pub trend: Vec<MonthPoint>,
}

#[derive(sqlx::FromRow)]
struct BodyRow {
    id: Uuid,
    slug: String,
    name: String,
    count: i64,
    sum: f64,
}

/// How often a body got a score on a criterion: both the per-criterion means and the
/// distribution come from these, in one scan of the scores.
#[derive(sqlx::FromRow)]
struct ScoreCountRow {
    body_id: Uuid,
    criterion_id: Uuid,
    score: i32,
    count: i64,
}

#[derive(sqlx::FromRow)]
struct MonthRow {
    body_id: Uuid,
    month: String,
    count: i64,
    sum: f64,
}

#[derive(sqlx::FromRow)]
struct BusinessRow {
    name: String,
    count: i64,
    sum: f64,
    mean: Option<f64>,
    self_checks: i64,
    declared: bool,
}

#[derive(sqlx::FromRow)]
struct StaffRow {
    body_id: Uuid,
    user_id: Uuid,
    count: i64,
    sum: f64,
}

#[derive(sqlx::FromRow)]
struct PreventionRow {
    slug: String,
    name: String,
    events: i64,
    covered: i64,
    subjects: i64,
    covered_subjects: i64,
    average_days: Option<f64>,
}

/// Ratings of bodies that count (see the module note).
const COUNTED: &str = "r.side = 'business' AND r.event_id IS NOT NULL";

fn mean(sum: f64, count: i64) -> Option<f64> {
    (count > 0).then(|| sum / count as f64)
}

/// The active criteria businesses rate bodies by.
async fn criteria(db: &mut PgConnection) -> Result<Vec<CriterionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, code, title_ru, title_en FROM rating_criterion
         WHERE side = 'business' AND active ORDER BY position, code",
    )
    .fetch_all(db)
    .await
}

/// Every body with its count, raw mean, smoothed score and per-criterion means; also the
/// regional mean `m`. With `details`, each body's distribution and monthly trend too.
pub async fn body_scores(db: &mut PgConnection, details: bool) -> Result<BodyScores, sqlx::Error> {
    let criteria = criteria(&mut *db).await?;
    let rows: Vec<BodyRow> = sqlx::query_as(&format!(
        "SELECT b.id, b.slug, b.name, count(r.id) AS count,
                coalesce(sum(r.average), 0)::float8 AS sum
         FROM control_body b LEFT JOIN rating r ON r.body_id = b.id AND {COUNTED}
         GROUP BY b.id ORDER BY b.name"
    ))
    .fetch_all(&mut *db)
    .await?;
    let scores: Vec<ScoreCountRow> = sqlx::query_as(&format!(
        "SELECT r.body_id, s.criterion_id, s.score::int4 AS score, count(*) AS count
         FROM rating r JOIN rating_score s ON s.rating_id = r.id
         WHERE {COUNTED} GROUP BY r.body_id, s.criterion_id, s.score"
    ))
    .fetch_all(&mut *db)
    .await?;
    // (count, sum) per body and criterion.
    let mut sums: HashMap<(Uuid, Uuid), (i64, f64)> = HashMap::new();
    let mut distributions: HashMap<Uuid, Vec<i64>> = HashMap::new();
    for row in &scores {
        let entry = sums.entry((row.body_id, row.criterion_id)).or_default();
        entry.0 += row.count;
        entry.1 += f64::from(row.score) * row.count as f64;
        if (1..=10).contains(&row.score) {
            distributions
                .entry(row.body_id)
                .or_insert_with(|| vec![0i64; 10])[(row.score - 1) as usize] += row.count;
        }
    }
    let per_criterion: HashMap<(Uuid, Uuid), f64> = sums
        .into_iter()
        .filter_map(|(key, (count, sum))| mean(sum, count).map(|m| (key, m)))
        .collect();

    let mut trends = HashMap::new();
    let mut region_trend = Vec::new();
    if details {
        let months: Vec<String> = sqlx::query_scalar(
            "SELECT to_char(m, 'YYYY-MM') FROM generate_series(
                 date_trunc('month', now()) - make_interval(months => $1),
                 date_trunc('month', now()), interval '1 month') AS m ORDER BY m",
        )
        .bind(TREND_MONTHS as i32 - 1)
        .fetch_all(&mut *db)
        .await?;
        let monthly: Vec<MonthRow> = sqlx::query_as(&format!(
            "SELECT r.body_id, to_char(date_trunc('month', r.created_at), 'YYYY-MM') AS month,
                    count(*) AS count, sum(r.average)::float8 AS sum
             FROM rating r
             WHERE {COUNTED}
               AND r.created_at >= date_trunc('month', now()) - make_interval(months => $1)
             GROUP BY 1, 2"
        ))
        .bind(TREND_MONTHS as i32 - 1)
        .fetch_all(&mut *db)
        .await?;
        let mut region: HashMap<String, (i64, f64)> = HashMap::new();
        for r in &monthly {
            let entry = region.entry(r.month.clone()).or_default();
            entry.0 += r.count;
            entry.1 += r.sum;
        }
        region_trend = months
            .iter()
            .map(|month| {
                let (count, sum) = region.get(month).copied().unwrap_or((0, 0.0));
                MonthPoint {
                    month: month.clone(),
                    count,
                    average: mean(sum, count).map(round2),
                }
            })
            .collect();
        let monthly: HashMap<(Uuid, String), (i64, f64)> = monthly
            .into_iter()
            .map(|r| ((r.body_id, r.month), (r.count, r.sum)))
            .collect();
        for body in &rows {
            let trend: Vec<MonthPoint> = months
                .iter()
                .map(|month| {
                    let (count, sum) = monthly
                        .get(&(body.id, month.clone()))
                        .copied()
                        .unwrap_or((0, 0.0));
                    MonthPoint {
                        month: month.clone(),
                        count,
                        average: mean(sum, count).map(round2),
                    }
                })
                .collect();
            trends.insert(body.id, trend);
        }
    }

    let total: i64 = rows.iter().map(|b| b.count).sum();
    let regional_mean = mean(rows.iter().map(|b| b.sum).sum(), total);
    let mut bodies: Vec<BodyScore> = rows
        .into_iter()
        .map(|b| BodyScore {
            count: b.count,
            average: mean(b.sum, b.count).map(round2),
            score: (b.count > 0)
                .then(|| smoothed(PRIOR_WEIGHT, regional_mean, b.sum, b.count))
                .flatten()
                .map(round2),
            criteria: criteria
                .iter()
                .map(|c| CriterionAverage {
                    code: c.code.clone(),
                    title: c.title_ru.clone(),
                    average: per_criterion.get(&(b.id, c.id)).copied().map(round2),
                })
                .collect(),
            distribution: if details {
                distributions.remove(&b.id).unwrap_or_else(|| vec![0; 10])
            } else {
                Vec::new()
            },
            trend: trends.remove(&b.id).unwrap_or_default(),
            slug: b.slug,
            name: b.name,
        })
        .collect();
    // Best smoothed score first; unrated bodies last, by name (the query's order).
    bodies.sort_by(|a, b| {
        b.score
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&a.score.unwrap_or(f64::NEG_INFINITY))
    });
    Ok(BodyScores {
        bodies,
        regional_mean,
        criteria,
        trend: region_trend,
    })
}

/// Businesses (legal entities only: the names of sole traders and the self-employed are the
/// names of people) with at least [`MIN_BUSINESS_RATINGS`] ratings from bodies, best first.
pub async fn business_scores(db: &mut PgConnection) -> Result<Vec<BusinessScore>, sqlx::Error> {
    let rows: Vec<BusinessRow> = sqlx::query_as(
        "WITH r AS (
             SELECT organisation_id, average FROM rating
             WHERE side = 'body' AND event_id IS NOT NULL
         )
         SELECT o.name, count(*) AS count, sum(r.average)::float8 AS sum,
                (SELECT avg(average)::float8 FROM r) AS mean,
                (SELECT count(*) FROM self_assessment s
                 WHERE s.organisation_id = o.id AND s.to_body
                   AND s.submitted_at > now() - interval '12 months') AS self_checks,
                EXISTS (SELECT 1 FROM self_assessment s
                        WHERE s.organisation_id = o.id AND s.declared_until >= current_date)
                    AS declared
         FROM r JOIN organisation o ON o.id = r.organisation_id
         WHERE o.kind = 'legal_entity'
         GROUP BY o.id, o.name HAVING count(*) >= $1",
    )
    .bind(MIN_BUSINESS_RATINGS)
    .fetch_all(db)
    .await?;
    let mut businesses: Vec<BusinessScore> = rows
        .into_iter()
        .map(|r| BusinessScore {
            average: mean(r.sum, r.count).map(round2),
            score: smoothed(PRIOR_WEIGHT, r.mean, r.sum, r.count).map(round2),
            count: r.count,
            name: r.name,
            self_checks: r.self_checks,
            declared: r.declared,
        })
        .collect();
    businesses.sort_by(|a, b| {
        b.score
            .unwrap_or(0.0)
            .total_cmp(&a.score.unwrap_or(0.0))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(businesses)
}

/// A number for an inspector of a body that reveals nothing: a hash of both ids, which never
/// leave this module.
fn staff_hash(body_id: Uuid, user_id: Uuid) -> u64 {
    let mut digest = Sha256::new();
    digest.update(b"knd-staff-label\0");
    digest.update(body_id.as_bytes());
    digest.update(user_id.as_bytes());
    let bytes = digest.finalize();
    u64::from_be_bytes(bytes[..8].try_into().unwrap_or([0; 8]))
}

/// Per body (in the order of `bodies`), its inspectors with at least [`MIN_RESPONDENTS`]
/// ratings of events they took part in, anonymised, best average first.
pub async fn staff_scores(
    db: &mut PgConnection,
    bodies: &[(Uuid, String, String)],
) -> Result<Vec<BodyStaff>, sqlx::Error> {
    let rows: Vec<StaffRow> = sqlx::query_as(&format!(
        "SELECT r.body_id, ei.user_id, count(*) AS count, sum(r.average)::float8 AS sum
         FROM rating r JOIN event_inspector ei ON ei.event_id = r.event_id
         WHERE {COUNTED}
         GROUP BY r.body_id, ei.user_id HAVING count(*) >= $1"
    ))
    .bind(MIN_RESPONDENTS)
    .fetch_all(db)
    .await?;
    let mut by_body: HashMap<Uuid, Vec<StaffRow>> = HashMap::new();
    for row in rows {
        by_body.entry(row.body_id).or_default().push(row);
    }
    let mut out = Vec::new();
    for (id, slug, name) in bodies {
        let Some(rows) = by_body.remove(id) else {
            continue;
        };
        let hashes: Vec<u64> = rows
            .iter()
            .map(|r| staff_hash(r.body_id, r.user_id))
            .collect();
        let numbers = staff_numbers(&hashes);
        let mut staff: Vec<(u32, StaffEntry)> = rows
            .iter()
            .zip(numbers)
            .map(|(r, n)| {
                (
                    n,
                    StaffEntry {
                        label: staff_label(n),
                        count: r.count,
                        average: mean(r.sum, r.count).map(round2),
                    },
                )
            })
            .collect();
        staff.sort_by(|(na, a), (nb, b)| {
            b.average
                .unwrap_or(0.0)
                .total_cmp(&a.average.unwrap_or(0.0))
                .then(na.cmp(nb))
        });
        out.push(BodyStaff {
            slug: slug.clone(),
            name: name.clone(),
            staff: staff.into_iter().map(|(_, s)| s).collect(),
        });
    }
    Ok(out)
}

/// The bodies as (id, slug, name), by name.
async fn bodies(db: &mut PgConnection) -> Result<Vec<(Uuid, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, slug, name FROM control_body ORDER BY name")
        .fetch_all(db)
        .await
}

/// The anonymised staff of every body (for the open data API).
pub async fn staff(db: &mut PgConnection) -> Result<Vec<BodyStaff>, sqlx::Error> {
    let bodies = bodies(&mut *db).await?;
    staff_scores(db, &bodies).await
}

/// The prevention indicators of seed 002 §11 that the data holds, over the last
/// [`PREVENTION_MONTHS`] months, per body in one query.
pub async fn prevention(db: &mut PgConnection) -> Result<Vec<Prevention>, sqlx::Error> {
    let rows: Vec<PreventionRow> = sqlx::query_as(
        "WITH pm AS (
             SELECT body_id, organisation_id, (ends_on - starts_on + 1)::float8 AS days
             FROM control_event
             WHERE event_type = 'pm' AND starts_on > current_date - make_interval(months => $1)
               AND starts_on <= current_date
         ),
         subjects AS (
             SELECT DISTINCT k.body_id, ra.organisation_id
             FROM risk_assignment ra JOIN control_kind k ON k.id = ra.kind_id
         ),
         events AS (
             SELECT body_id, count(*) AS events, count(DISTINCT organisation_id) AS covered,
                    avg(days) AS average_days
             FROM pm GROUP BY body_id
         ),
         coverage AS (
             SELECT s.body_id, count(*) AS subjects,
                    count(*) FILTER (WHERE EXISTS (
                        SELECT 1 FROM pm WHERE pm.body_id = s.body_id
                                           AND pm.organisation_id = s.organisation_id
                    )) AS covered_subjects
             FROM subjects s GROUP BY s.body_id
         )
         SELECT b.slug, b.name, coalesce(e.events, 0) AS events, coalesce(e.covered, 0) AS covered,
                coalesce(c.subjects, 0) AS subjects,
                coalesce(c.covered_subjects, 0) AS covered_subjects, e.average_days
         FROM control_body b
         LEFT JOIN events e ON e.body_id = b.id
         LEFT JOIN coverage c ON c.body_id = b.id
         ORDER BY b.name",
    )
    .bind(PREVENTION_MONTHS)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Prevention {
            share: (r.subjects > 0)
                .then(|| round2(100.0 * r.covered_subjects as f64 / r.subjects as f64)),
            average_days: r.average_days.map(round2),
            slug: r.slug,
            name: r.name,
            events: r.events,
            covered: r.covered,
            subjects: r.subjects,
        })
        .collect())
}

/// Everything the `/ratings` page shows: nine queries on one connection, whatever the
/// number of bodies.
pub async fn overview(db: &mut PgConnection) -> Result<RatingsSummary, sqlx::Error> {
    let BodyScores {
        bodies,
        regional_mean,
        criteria,
        trend,
    } = body_scores(&mut *db, true).await?;
    let total = bodies.iter().map(|b| b.count).sum();
    let mut distribution = vec![0i64; 10];
    for b in &bodies {
        for (i, n) in b.distribution.iter().enumerate() {
            distribution[i] += n;
        }
    }
    let businesses = business_scores(&mut *db).await?;
    let listed = self::bodies(&mut *db).await?;
    let staff = staff_scores(&mut *db, &listed).await?;
    let prevention = prevention(&mut *db).await?;
    Ok(RatingsSummary {
        total,
        regional_mean: regional_mean.map(round2),
        prior_weight: PRIOR_WEIGHT,
        criteria: criteria
            .into_iter()
            .map(|c| (c.code, c.title_ru, c.title_en))
            .collect(),
        bodies,
        distribution,
        trend,
        businesses,
        staff,
        prevention,
        prevention_months: PREVENTION_MONTHS,
    })
}
