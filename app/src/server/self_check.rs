//! Self-assessment on the server: checklists generated from the catalogue, applying the
//! `self_check.submit` and `requirement.evaluate` operations devices push (validated by the
//! shared rule in `domain::self_check`), and the published figures.

mod apply;

use sqlx::PgConnection;
use uuid::Uuid;

use super::authz::Actor;
use crate::domain::account::Role;
use crate::domain::self_check::{default_question, Aggregate, Checklist, Fix, Question, Tally};

pub use apply::{apply_evaluations, apply_submissions};

/// A checklist row: kind slug, kind name, body short name, requirement id, wording, requirement
/// text, act title, structural unit, act url, revision, typical violations.
type QuestionRow = (
    String,
    String,
    String,
    Uuid,
    Option<String>,
    String,
    String,
    String,
    String,
    i64,
    sqlx::types::Json<Vec<Fix>>,
);

/// The checklists of the given kinds (all kinds when `kinds` is `None`), in the catalogue's
/// order: one question per mandatory requirement.
pub async fn checklists(
    db: &mut PgConnection,
    kinds: Option<&[String]>,
) -> Result<Vec<Checklist>, sqlx::Error> {
    let rows: Vec<QuestionRow> = sqlx::query_as(
        "SELECT k.slug, k.name, b.short_name, r.id, w.question, r.text, a.title,
                r.structural_unit, a.url, GREATEST(r.version, COALESCE(w.version, 0)),
                COALESCE((SELECT jsonb_agg(jsonb_build_object(
                              'what_goes_wrong', v.what_goes_wrong, 'how_to_fix', v.how_to_fix)
                              ORDER BY v.sort, v.id)
                          FROM typical_violation v WHERE v.requirement_id = r.id), '[]')
         FROM requirement r
         JOIN control_kind k ON k.id = r.kind_id
         JOIN control_body b ON b.id = k.body_id
         JOIN legal_act a ON a.id = r.act_id
         LEFT JOIN checklist_wording w ON w.requirement_id = r.id
         WHERE $1::text[] IS NULL OR k.slug = ANY($1)
         ORDER BY k.name, k.slug, r.sort, r.id",
    )
    .bind(kinds)
    .fetch_all(db)
    .await?;
    let mut lists: Vec<Checklist> = Vec::new();
    for (kind, kind_name, body, id, wording, text, act, unit, url, revision, fixes) in rows {
        if lists.last().is_none_or(|c| c.kind != kind) {
            lists.push(Checklist {
                kind,
                kind_name,
                body,
                questions: Vec::new(),
            });
        }
        let question = wording.unwrap_or_else(|| default_question(&text));
        if let Some(list) = lists.last_mut() {
            list.questions.push(Question {
                requirement_id: id.to_string(),
                question,
                requirement: text,
                act,
                structural_unit: unit,
                act_url: url,
                fixes: fixes.0,
                revision,
            });
        }
    }
    Ok(lists)
}

/// The organisations the actor acts for as a business.
pub fn businesses(actor: &Actor) -> Vec<Uuid> {
    actor
        .roles
        .iter()
        .filter(|g| g.role == Role::Business)
        .map(|g| g.organisation_id)
        .collect()
}

/// The published figures of every requirement (of these kinds, when given). A requirement with
/// fewer than `k` evaluations — none included, so that «none» and «a few» look alike — is
/// listed without figures ([`Tally::publish`]).
pub async fn aggregates(
    db: &mut PgConnection,
    kinds: Option<&[String]>,
) -> Result<Vec<Aggregate>, sqlx::Error> {
    type Row = (
        Uuid,
        String,
        String,
        i64,
        f64,
        f64,
        f64,
        Option<f64>,
        i64,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.id, k.slug, r.text, count(e.id),
                coalesce(avg(e.clarity), 0)::float8, coalesce(avg(e.feasibility), 0)::float8,
                coalesce(avg(CASE WHEN e.contradicts THEN 1.0 ELSE 0.0 END), 0)::float8,
                (percentile_cont(0.5) WITHIN GROUP (ORDER BY e.yearly_cost))::float8,
                count(e.yearly_cost), count(e.id) FILTER (WHERE e.proposal <> '')
         FROM requirement r
         JOIN control_kind k ON k.id = r.kind_id
         LEFT JOIN requirement_evaluation e ON e.requirement_id = r.id
         WHERE $1::text[] IS NULL OR k.slug = ANY($1)
         GROUP BY r.id, k.slug, r.text, r.sort
         ORDER BY k.slug, r.sort, r.id",
    )
    .bind(kinds)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                kind,
                requirement,
                count,
                clarity,
                feasibility,
                contradictory_share,
                median_cost,
                costs,
                proposals,
            )| {
                Tally {
                    requirement_id: id.to_string(),
                    kind,
                    requirement,
                    count,
                    clarity,
                    feasibility,
                    contradictory_share,
                    median_cost,
                    costs,
                    proposals,
                }
                .publish()
            },
        )
        .collect())
}
