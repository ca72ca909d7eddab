//! Rows of the catalogue as the server sends them and the device stores them. Every row carries
//! the catalogue version of its last change; ids are UUID strings, dates ISO strings.

use serde::{Deserialize, Serialize};

use crate::domain::catalogue::{DiscussionStatus, WorkingHours};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct BodyRow {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub short_name: String,
    pub head_name: String,
    pub head_position: String,
    pub address: String,
    pub phones: Vec<String>,
    pub email: String,
    pub website: String,
    #[cfg_attr(feature = "ssr", sqlx(json))]
    pub hours: WorkingHours,
    pub units: Vec<String>,
    pub version: i64,
    pub updated_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct KindRow {
    pub id: String,
    pub body_id: String,
    pub slug: String,
    pub name: String,
    pub short_name: String,
    pub description: String,
    pub version: i64,
    pub updated_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OfficialRow {
    pub id: String,
    pub kind_id: String,
    pub position: String,
    pub full_name: String,
    pub phone: String,
    pub sort: i32,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DocumentRow {
    pub id: String,
    pub kind_id: String,
    pub title: String,
    pub sort: i32,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ActRow {
    pub id: String,
    pub kind_id: String,
    pub title: String,
    pub number: String,
    pub adopted_on: String,
    pub url: String,
    pub sort: i32,
    pub version: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RequirementRow {
    pub id: String,
    pub kind_id: String,
    pub act_id: String,
    pub text: String,
    pub structural_unit: String,
    pub sort: i32,
    pub version: i64,
    pub updated_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct IndicatorRow {
    pub id: String,
    pub kind_id: String,
    pub text: String,
    pub sort: i32,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct FaqRow {
    pub id: String,
    pub kind_id: String,
    pub question: String,
    pub answer: String,
    pub updated_on: String,
    pub sort: i32,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ViolationRow {
    pub id: String,
    pub kind_id: String,
    pub requirement_id: String,
    pub what_goes_wrong: String,
    pub how_to_avoid: String,
    pub how_to_fix: String,
    pub sort: i32,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DiscussionRow {
    pub id: String,
    pub body_id: String,
    pub kind_id: String,
    pub held_on: String,
    /// `HH:MM`.
    pub starts_at: String,
    pub topic: String,
    pub place: String,
    pub link: Option<String>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: DiscussionStatus,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ProgrammeRow {
    pub id: String,
    pub body_id: String,
    pub kind_id: String,
    pub year: i32,
    pub title: String,
    pub document_url: String,
    pub measures: Vec<String>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ReportRow {
    pub id: String,
    pub body_id: String,
    pub kind_id: String,
    pub period: String,
    pub summary: String,
    pub document_url: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct NewsRow {
    pub id: String,
    pub body_id: String,
    pub published_on: String,
    pub title: String,
    pub text: String,
    pub version: i64,
}

/// Rows of every table devices keep: the whole catalogue, or (in a delta) what changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Rows {
    pub bodies: Vec<BodyRow>,
    pub kinds: Vec<KindRow>,
    pub officials: Vec<OfficialRow>,
    pub documents: Vec<DocumentRow>,
    pub acts: Vec<ActRow>,
    pub requirements: Vec<RequirementRow>,
    pub indicators: Vec<IndicatorRow>,
    pub faq: Vec<FaqRow>,
    pub violations: Vec<ViolationRow>,
    pub discussions: Vec<DiscussionRow>,
    pub programmes: Vec<ProgrammeRow>,
    pub reports: Vec<ReportRow>,
    pub news: Vec<NewsRow>,
}

/// The whole catalogue at one version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Snapshot {
    pub version: i64,
    pub rows: Rows,
}

/// A row deleted since the version the device has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Deleted {
    /// The table, as in `Entity::table`.
    pub entity: String,
    pub id: String,
}

/// What changed between `since` and `version`. `full` means the device was too far behind (or
/// had nothing): `rows` is then the whole catalogue and replaces what it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Delta {
    pub since: i64,
    pub version: i64,
    pub full: bool,
    pub rows: Rows,
    pub deleted: Vec<Deleted>,
}

/// Applies an id-keyed upsert/delete to one table, keeping the order stable.
fn merge<T: Clone>(table: &mut Vec<T>, changed: &[T], deleted: &[&str], id: impl Fn(&T) -> &str) {
    table.retain(|row| !deleted.contains(&id(row)));
    for row in changed {
        match table.iter_mut().find(|r| id(r) == id(row)) {
            Some(existing) => *existing = row.clone(),
            None => table.push(row.clone()),
        }
    }
}

impl Snapshot {
    /// The catalogue after a delta: replaced when the delta is full, merged otherwise.
    pub fn apply(&mut self, delta: &Delta) {
        if delta.full {
            self.rows = delta.rows.clone();
            self.version = delta.version;
            return;
        }
        let gone = |table: &str| -> Vec<&str> {
            delta
                .deleted
                .iter()
                .filter(|d| d.entity == table)
                .map(|d| d.id.as_str())
                .collect()
        };
        let (r, d) = (&mut self.rows, &delta.rows);
        merge(&mut r.bodies, &d.bodies, &gone("control_body"), |x| &x.id);
        merge(&mut r.kinds, &d.kinds, &gone("control_kind"), |x| &x.id);
        merge(
            &mut r.officials,
            &d.officials,
            &gone("kind_official"),
            |x| &x.id,
        );
        merge(
            &mut r.documents,
            &d.documents,
            &gone("kind_document"),
            |x| &x.id,
        );
        merge(&mut r.acts, &d.acts, &gone("legal_act"), |x| &x.id);
        merge(
            &mut r.requirements,
            &d.requirements,
            &gone("requirement"),
            |x| &x.id,
        );
        merge(
            &mut r.indicators,
            &d.indicators,
            &gone("risk_indicator"),
            |x| &x.id,
        );
        merge(&mut r.faq, &d.faq, &gone("faq"), |x| &x.id);
        merge(
            &mut r.violations,
            &d.violations,
            &gone("typical_violation"),
            |x| &x.id,
        );
        merge(
            &mut r.discussions,
            &d.discussions,
            &gone("public_discussion"),
            |x| &x.id,
        );
        merge(
            &mut r.programmes,
            &d.programmes,
            &gone("prevention_programme"),
            |x| &x.id,
        );
        merge(&mut r.reports, &d.reports, &gone("practice_report"), |x| {
            &x.id
        });
        merge(&mut r.news, &d.news, &gone("news"), |x| &x.id);
        self.version = delta.version;
    }

    /// The rows changed after `since` (for a delta computed from a full copy).
    pub fn changed_since(&self, since: i64) -> Rows {
        fn after<T: Clone>(rows: &[T], since: i64, version: impl Fn(&T) -> i64) -> Vec<T> {
            rows.iter()
                .filter(|r| version(r) > since)
                .cloned()
                .collect()
        }
        let r = &self.rows;
        Rows {
            bodies: after(&r.bodies, since, |x| x.version),
            kinds: after(&r.kinds, since, |x| x.version),
            officials: after(&r.officials, since, |x| x.version),
            documents: after(&r.documents, since, |x| x.version),
            acts: after(&r.acts, since, |x| x.version),
            requirements: after(&r.requirements, since, |x| x.version),
            indicators: after(&r.indicators, since, |x| x.version),
            faq: after(&r.faq, since, |x| x.version),
            violations: after(&r.violations, since, |x| x.version),
            discussions: after(&r.discussions, since, |x| x.version),
            programmes: after(&r.programmes, since, |x| x.version),
            reports: after(&r.reports, since, |x| x.version),
            news: after(&r.news, since, |x| x.version),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faq(id: &str, question: &str, version: i64) -> FaqRow {
        FaqRow {
            id: id.into(),
            kind_id: "k".into(),
            question: question.into(),
            answer: "Ответ.".into(),
            updated_on: "2026-11-01".into(),
            sort: 0,
            version,
        }
    }

    #[test]
    fn a_delta_updates_adds_and_deletes_rows() {
        let mut snapshot = Snapshot {
            version: 10,
            rows: Rows {
                faq: vec![faq("a", "Первый?", 5), faq("b", "Второй?", 6)],
                ..Rows::default()
            },
        };
        let delta = Delta {
            since: 10,
            version: 13,
            full: false,
            rows: Rows {
                faq: vec![
                    faq("a", "Первый, исправленный?", 12),
                    faq("c", "Третий?", 13),
                ],
                ..Rows::default()
            },
            deleted: vec![Deleted {
                entity: "faq".into(),
                id: "b".into(),
            }],
        };
        snapshot.apply(&delta);
        let questions: Vec<&str> = snapshot
            .rows
            .faq
            .iter()
            .map(|f| f.question.as_str())
            .collect();
        assert_eq!(questions, ["Первый, исправленный?", "Третий?"]);
        assert_eq!(snapshot.version, 13);
        assert_eq!(snapshot.changed_since(12).faq.len(), 1);
    }

    #[test]
    fn a_full_delta_replaces_everything() {
        let mut snapshot = Snapshot {
            version: 3,
            rows: Rows {
                faq: vec![faq("old", "Старый?", 1)],
                ..Rows::default()
            },
        };
        snapshot.apply(&Delta {
            since: 0,
            version: 40,
            full: true,
            rows: Rows {
                faq: vec![faq("new", "Новый?", 40)],
                ..Rows::default()
            },
            deleted: vec![],
        });
        assert_eq!(snapshot.rows.faq.len(), 1);
        assert_eq!(snapshot.rows.faq[0].id, "new");
    }
}
