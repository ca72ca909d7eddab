//! Repository of the catalogue: the whole of it at one version (kept in memory per version, the
//! pages are built from it), deltas for devices, full-text search and the risk lookup.
//!
//! Versions: every row carries the sequence value of its last change. Writers take the
//! catalogue's advisory lock for their transaction, so versions become visible in order and a
//! reader's "highest visible version" never hides an earlier change still being written.

use std::sync::{Arc, RwLock};

use sqlx::{PgConnection, PgExecutor, PgPool};

use crate::catalogue::model::*;
use crate::catalogue::search::{highlight, words, Hit, HitKind, Segment, MAX_HITS};

/// Serialises catalogue writers (see the module comment). Call first in a writing transaction.
pub async fn lock_for_writing(tx: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('knd.catalogue'))")
        .execute(tx)
        .await?;
    Ok(())
}

/// Records who changed which row of the catalogue, and how.
pub async fn record_change(
    tx: &mut PgConnection,
    entity: &str,
    entity_id: uuid::Uuid,
    changed_by: uuid::Uuid,
    action: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO catalogue_change (entity, entity_id, changed_by, action) VALUES ($1, $2, $3, $4)",
    )
    .bind(entity)
    .bind(entity_id)
    .bind(changed_by)
    .bind(action)
    .execute(tx)
    .await?;
    Ok(())
}

const TABLES: [&str; 13] = [
    "control_body",
    "control_kind",
    "kind_official",
    "kind_document",
    "legal_act",
    "requirement",
    "risk_indicator",
    "faq",
    "typical_violation",
    "public_discussion",
    "prevention_programme",
    "practice_report",
    "news",
];

/// The highest version visible now: of any row or tombstone; 0 for an empty catalogue.
pub async fn current_version(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    let parts: Vec<String> = TABLES
        .iter()
        .chain(["catalogue_tombstone"].iter())
        .map(|t| format!("(SELECT max(version) FROM {t})"))
        .collect();
    let (version,): (Option<i64>,) =
        sqlx::query_as(&format!("SELECT greatest({})", parts.join(", ")))
            .fetch_one(db)
            .await?;
    Ok(version.unwrap_or(0))
}

const BODIES: &str =
    "SELECT b.id::text, b.slug, b.name, b.short_name, b.head_name, b.head_position,
        b.address, b.phones, b.email, b.website, b.working_hours AS hours,
        coalesce((SELECT array_agg(u.name ORDER BY u.name) FROM organisation u
                  WHERE u.parent_id = b.organisation_id), '{}') AS units,
        b.version, to_char(b.updated_at, 'YYYY-MM-DD') AS updated_on
    FROM control_body b";
const KINDS: &str = "SELECT id::text, body_id::text, slug, name, short_name, description, version,
        to_char(updated_at, 'YYYY-MM-DD') AS updated_on FROM control_kind";
const OFFICIALS: &str = "SELECT id::text, kind_id::text, position, full_name, phone, sort, version
    FROM kind_official";
const DOCUMENTS: &str = "SELECT id::text, kind_id::text, title, sort, version FROM kind_document";
const ACTS: &str = "SELECT id::text, kind_id::text, title, number, adopted_on::text AS adopted_on,
        url, sort, version FROM legal_act";
const REQUIREMENTS: &str = "SELECT id::text, kind_id::text, act_id::text, text, structural_unit,
        sort, version, to_char(updated_at, 'YYYY-MM-DD') AS updated_on FROM requirement";
const INDICATORS: &str = "SELECT id::text, kind_id::text, text, sort, version FROM risk_indicator";
const FAQ: &str =
    "SELECT id::text, kind_id::text, question, answer, updated_on::text AS updated_on,
        sort, version FROM faq";
const VIOLATIONS: &str = "SELECT id::text, kind_id::text, requirement_id::text, what_goes_wrong,
        how_to_avoid, how_to_fix, sort, version FROM typical_violation";
const DISCUSSIONS: &str = "SELECT id::text, body_id::text, kind_id::text, held_on::text AS held_on,
        to_char(starts_at, 'HH24:MI') AS starts_at, topic, place, link, status, version
    FROM public_discussion";
const PROGRAMMES: &str = "SELECT id::text, body_id::text, kind_id::text, year, title, document_url,
        measures, version FROM prevention_programme";
const REPORTS: &str = "SELECT id::text, body_id::text, kind_id::text, period, summary,
        document_url, version FROM practice_report";
const NEWS: &str = "SELECT id::text, body_id::text, published_on::text AS published_on, title,
        text, version FROM news";

/// Rows of every table with a version above `since` (0: all of them).
async fn rows_since(db: &mut PgConnection, since: i64) -> sqlx::Result<Rows> {
    async fn table<T>(db: &mut PgConnection, select: &str, since: i64) -> sqlx::Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        // The body query is aliased `b`; the others are plain.
        let column = if select.contains("FROM control_body b") {
            "b.version"
        } else {
            "version"
        };
        sqlx::query_as(&format!("{select} WHERE {column} > $1"))
            .bind(since)
            .fetch_all(db)
            .await
    }
    Ok(Rows {
        bodies: table(db, BODIES, since).await?,
        kinds: table(db, KINDS, since).await?,
        officials: table(db, OFFICIALS, since).await?,
        documents: table(db, DOCUMENTS, since).await?,
        acts: table(db, ACTS, since).await?,
        requirements: table(db, REQUIREMENTS, since).await?,
        indicators: table(db, INDICATORS, since).await?,
        faq: table(db, FAQ, since).await?,
        violations: table(db, VIOLATIONS, since).await?,
        discussions: table(db, DISCUSSIONS, since).await?,
        programmes: table(db, PROGRAMMES, since).await?,
        reports: table(db, REPORTS, since).await?,
        news: table(db, NEWS, since).await?,
    })
}

/// The whole catalogue, read in one consistent snapshot.
pub async fn load_snapshot(pool: &PgPool) -> sqlx::Result<Snapshot> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let version = current_version(&mut *tx).await?;
    let rows = rows_since(&mut tx, 0).await?;
    tx.commit().await?;
    Ok(Snapshot { version, rows })
}

/// How long deletions are remembered for devices that were away.
pub const TOMBSTONE_DAYS: i32 = 180;

/// Forgets deletions older than `days`; devices that synced before them get a full copy.
/// Returns how many were pruned.
pub async fn prune_tombstones(pool: &PgPool, days: i32) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    lock_for_writing(&mut tx).await?;
    let (pruned, through): (i64, Option<i64>) = sqlx::query_as(
        "WITH gone AS (DELETE FROM catalogue_tombstone
                       WHERE deleted_at < now() - make_interval(days => $1) RETURNING version)
         SELECT count(*), max(version) FROM gone",
    )
    .bind(days)
    .fetch_one(&mut *tx)
    .await?;
    if let Some(through) = through {
        sqlx::query("UPDATE catalogue_horizon SET pruned_through = greatest(pruned_through, $1)")
            .bind(through)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(pruned as u64)
}

/// What changed after `since`; the whole catalogue when `since` is 0, older than the pruned
/// deletions (the device was away too long to learn them), or not a version this database has
/// given out (a device of another installation, or one restored from backup).
pub async fn load_delta(pool: &PgPool, since: i64) -> sqlx::Result<Delta> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let version = current_version(&mut *tx).await?;
    let (pruned_through,): (i64,) = sqlx::query_as("SELECT pruned_through FROM catalogue_horizon")
        .fetch_one(&mut *tx)
        .await?;
    let full = since <= 0 || since > version || since < pruned_through;
    let from = if full { 0 } else { since };
    let rows = rows_since(&mut tx, from).await?;
    let deleted: Vec<(String, String)> = if full {
        Vec::new()
    } else {
        sqlx::query_as(
            "SELECT entity, id::text FROM catalogue_tombstone WHERE version > $1 ORDER BY version",
        )
        .bind(since)
        .fetch_all(&mut *tx)
        .await?
    };
    tx.commit().await?;
    Ok(Delta {
        since,
        version,
        full,
        rows,
        deleted: deleted
            .into_iter()
            .map(|(entity, id)| Deleted { entity, id })
            .collect(),
    })
}

/// The catalogue in memory, replaced when the database's version moves on. Each request asks
/// the database for the version (one cheap query), so every instance serves the newest data.
#[derive(Debug, Default)]
pub struct SnapshotCache {
    slot: RwLock<Option<Arc<Snapshot>>>,
}

impl SnapshotCache {
    pub async fn get(&self, pool: &PgPool) -> sqlx::Result<Arc<Snapshot>> {
        let version = current_version(pool).await?;
        if let Some(cached) = self
            .slot
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .filter(|s| s.version == version)
        {
            return Ok(cached.clone());
        }
        let fresh = Arc::new(load_snapshot(pool).await?);
        *self.slot.write().unwrap_or_else(|p| p.into_inner()) = Some(fresh.clone());
        Ok(fresh)
    }
}

/// Marks for `ts_headline`, turned into segments afterwards (they never occur in the texts).
const START: char = '\u{1}';
const STOP: char = '\u{2}';

fn segments(headline: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for (i, part) in headline.split(START).enumerate() {
        let (marked, rest) = match part.split_once(STOP) {
            Some((m, rest)) if i > 0 => (Some(m), rest),
            _ => (None, part),
        };
        if let Some(m) = marked.filter(|m| !m.is_empty()) {
            out.push(Segment {
                text: m.to_owned(),
                marked: true,
            });
        }
        if !rest.is_empty() {
            out.push(Segment {
                text: rest.to_owned(),
                marked: false,
            });
        }
    }
    out
}

/// The tsquery for what was typed: every word, as a prefix of a stemmed word («пожарн»
/// matches «пожарной»), all required.
fn ts_query(query: &str) -> Option<String> {
    let parts: Vec<String> = words(query)
        .into_iter()
        .take(10)
        .map(|w| format!("{w}:*"))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" & "))
}

/// Full-text search over the catalogue (Russian configuration: stemming, ranking, snippets).
pub async fn search(db: impl PgExecutor<'_>, query: &str) -> sqlx::Result<Vec<Hit>> {
    let Some(tsquery) = ts_query(query) else {
        return Ok(Vec::new());
    };
    // One branch per table: (kind, title, text for the snippet, url, search vector).
    let sources = [
        (
            "body",
            "t.name",
            "t.address",
            "'/bodies/' || t.slug",
            "control_body t",
        ),
        (
            "kind",
            "t.name",
            "t.description",
            "'/kinds/' || t.slug",
            "control_kind t",
        ),
        (
            "act",
            "t.title",
            "t.number",
            "'/kinds/' || k.slug || '#act-' || t.id",
            "legal_act t JOIN control_kind k ON k.id = t.kind_id",
        ),
        (
            "requirement",
            "t.structural_unit",
            "t.text",
            "'/kinds/' || k.slug || '#req-' || t.id",
            "requirement t JOIN control_kind k ON k.id = t.kind_id",
        ),
        (
            "faq",
            "t.question",
            "t.answer",
            "'/kinds/' || k.slug || '#faq-' || t.id",
            "faq t JOIN control_kind k ON k.id = t.kind_id",
        ),
        (
            "violation",
            "t.what_goes_wrong",
            "t.how_to_avoid || ' ' || t.how_to_fix",
            "'/kinds/' || k.slug || '#violation-' || t.id",
            "typical_violation t JOIN control_kind k ON k.id = t.kind_id",
        ),
        (
            "discussion",
            "t.topic",
            "t.place",
            "'/discussions#discussion-' || t.id",
            "public_discussion t",
        ),
        (
            "programme",
            "t.title",
            "array_to_string(t.measures, ' ')",
            "'/programmes#programme-' || t.id",
            "prevention_programme t",
        ),
        (
            "report",
            "t.period",
            "t.summary",
            "'/reports#report-' || t.id",
            "practice_report t",
        ),
        (
            "news",
            "t.title",
            "t.text",
            "'/news#news-' || t.id",
            "news t",
        ),
    ];
    let branches: Vec<String> = sources
        .iter()
        .map(|(kind, title, text, url, from)| {
            format!(
                "SELECT '{kind}' AS kind, {title} AS title, {text} AS text, {url} AS url,
                        ts_rank(t.search, q) AS rank
                 FROM {from}, q WHERE t.search @@ q"
            )
        })
        .collect();
    let sql = format!(
        "WITH q AS (SELECT to_tsquery('russian', $1) AS q),
         hits AS ({}),
         best AS (SELECT * FROM hits ORDER BY rank DESC, title LIMIT $2)
         SELECT kind, title, url,
                ts_headline('russian', text, (SELECT q FROM q),
                    'StartSel=\u{1}, StopSel=\u{2}, MaxWords=30, MinWords=12, MaxFragments=1')
         FROM best ORDER BY rank DESC, title",
        branches.join(" UNION ALL ")
    );
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(&sql)
        .bind(&tsquery)
        .bind(MAX_HITS as i64)
        .fetch_all(db)
        .await?;
    let query_words = words(query);
    Ok(rows
        .into_iter()
        .map(|(kind, title, url, headline)| {
            let mut snippet = segments(&headline);
            // A snippet PostgreSQL marked nothing in (the match was in the title): mark it here.
            if !snippet.iter().any(|s| s.marked) {
                snippet = highlight(&headline.replace([START, STOP], ""), &query_words);
            }
            Hit {
                kind: hit_kind(&kind),
                title,
                snippet,
                url,
            }
        })
        .collect())
}

fn hit_kind(kind: &str) -> HitKind {
    match kind {
        "body" => HitKind::Body,
        "kind" => HitKind::Kind,
        "act" => HitKind::Act,
        "requirement" => HitKind::Requirement,
        "faq" => HitKind::Faq,
        "violation" => HitKind::Violation,
        "discussion" => HitKind::Discussion,
        "programme" => HitKind::Programme,
        "report" => HitKind::Report,
        _ => HitKind::News,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_marks_become_segments() {
        let s = segments("Меры \u{1}пожарной\u{2} безопасности");
        assert_eq!(s.len(), 3);
        assert!(s[1].marked && s[1].text == "пожарной");
        assert_eq!(segments("без отметок")[0].text, "без отметок");
    }

    #[test]
    fn every_word_becomes_a_required_prefix() {
        assert_eq!(
            ts_query("Пожарн  безопасн!").as_deref(),
            Some("пожарн:* & безопасн:*")
        );
        assert_eq!(ts_query("!!"), None);
        // Quotes and operators typed by the user never reach the tsquery syntax.
        assert_eq!(ts_query("a' | b & !c").as_deref(), Some("a:* & b:* & c:*"));
    }
}
