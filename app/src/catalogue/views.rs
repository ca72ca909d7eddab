//! What the catalogue pages show, assembled from the rows. Pure functions over a `Snapshot`:
//! the server runs them over its cached copy, the browser over the device's copy.

use serde::{Deserialize, Serialize};

use super::model::*;

/// Items per page of the long lists.
pub const PAGE_SIZE: usize = 20;

/// A link to a body or a kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Link {
    pub slug: String,
    pub name: String,
}

/// A page of a long list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// 1-based.
    pub page: usize,
    pub pages: usize,
    pub total: usize,
}

impl<T: Clone> Paged<T> {
    /// Page `page` (1-based, clamped into range) of `all`.
    pub fn of(all: &[T], page: usize) -> Paged<T> {
        let pages = all.len().div_ceil(PAGE_SIZE).max(1);
        let page = page.clamp(1, pages);
        let items = all
            .iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .cloned()
            .collect();
        Paged {
            items,
            page,
            pages,
            total: all.len(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BodyCard {
    pub slug: String,
    pub name: String,
    pub short_name: String,
    pub address: String,
    pub phones: Vec<String>,
    pub kinds: Vec<Link>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BodyPage {
    pub body: BodyRow,
    pub kinds: Vec<Link>,
    pub news: Vec<NewsRow>,
    /// The latest change of the body or its kinds.
    pub updated_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KindCard {
    pub slug: String,
    pub name: String,
    pub body: Link,
    pub requirements: usize,
    pub faq: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActView {
    pub act: ActRow,
    pub requirements: Vec<RequirementRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ViolationView {
    pub violation: ViolationRow,
    pub requirement: String,
    /// "п. 5 ст. 12 Федерального закона … № 248-ФЗ".
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KindPage {
    pub kind: KindRow,
    pub body: Link,
    pub officials: Vec<OfficialRow>,
    pub documents: Vec<DocumentRow>,
    pub acts: Vec<ActView>,
    pub indicators: Vec<IndicatorRow>,
    pub faq: Vec<FaqRow>,
    pub violations: Vec<ViolationView>,
    /// The latest change of anything on the page.
    pub updated_on: String,
}

/// The pages of a kind: the overview and the sections too long for it. The overview keeps
/// its HTML small for phones (issue 14: under 60 KB with its hydration data), so it lists the
/// acts (with how many requirements each sets), the questions of the FAQ and the typical
/// violations, and the requirements, answers and violations have pages of their own; so has the
/// checklist (`/kinds/{slug}/checklist`, `ui::self_check::kind_section`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindPart {
    Overview,
    Requirements,
    Faq,
    Violations,
}

impl KindPart {
    /// The address of this part of the kind `slug`.
    pub fn href(self, slug: &str) -> String {
        match self {
            KindPart::Overview => format!("/kinds/{slug}"),
            KindPart::Requirements => format!("/kinds/{slug}/requirements"),
            KindPart::Faq => format!("/kinds/{slug}/faq"),
            KindPart::Violations => format!("/kinds/{slug}/violations"),
        }
    }
}

impl KindPage {
    /// The page with only what `part` shows: the data a page carries for hydration is what it
    /// renders, so the rest is dropped before it is rendered.
    pub fn part(mut self, part: KindPart) -> Self {
        let keep_lists = part == KindPart::Overview;
        if !keep_lists {
            self.officials.clear();
            self.documents.clear();
            self.indicators.clear();
        }
        match part {
            KindPart::Overview => {
                // The overview counts each act's requirements; their text is on their page.
                for a in &mut self.acts {
                    for r in &mut a.requirements {
                        *r = RequirementRow {
                            id: std::mem::take(&mut r.id),
                            ..Default::default()
                        };
                    }
                }
                for f in &mut self.faq {
                    f.answer.clear();
                }
                for v in &mut self.violations {
                    v.violation.how_to_avoid.clear();
                    v.violation.how_to_fix.clear();
                    v.requirement.clear();
                }
            }
            KindPart::Requirements => {
                self.faq.clear();
                self.violations.clear();
            }
            KindPart::Faq => {
                self.acts.clear();
                self.violations.clear();
            }
            // Violations cite their requirements, and the editor chooses among them.
            KindPart::Violations => self.faq.clear(),
        }
        self
    }
}

/// A dated item of a list (discussion, programme, report, news) with its body and kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Listed<T> {
    pub item: T,
    pub body: Link,
    pub kind: Option<Link>,
}

fn body_link(rows: &Rows, body_id: &str) -> Link {
    rows.bodies
        .iter()
        .find(|b| b.id == body_id)
        .map(|b| Link {
            slug: b.slug.clone(),
            name: b.short_name.clone(),
        })
        .unwrap_or_else(|| Link {
            slug: String::new(),
            name: String::new(),
        })
}

fn kind_link(rows: &Rows, kind_id: &str) -> Option<Link> {
    rows.kinds.iter().find(|k| k.id == kind_id).map(|k| Link {
        slug: k.slug.clone(),
        name: k.name.clone(),
    })
}

fn sorted<T: Clone>(rows: impl Iterator<Item = T>, key: impl Fn(&T) -> (i32, String)) -> Vec<T> {
    let mut rows: Vec<T> = rows.collect();
    rows.sort_by_key(|r| key(r));
    rows
}

pub fn bodies(snapshot: &Snapshot) -> Vec<BodyCard> {
    let rows = &snapshot.rows;
    let mut cards: Vec<BodyCard> = rows
        .bodies
        .iter()
        .map(|b| BodyCard {
            slug: b.slug.clone(),
            name: b.name.clone(),
            short_name: b.short_name.clone(),
            address: b.address.clone(),
            phones: b.phones.clone(),
            kinds: kinds_of(rows, &b.id),
        })
        .collect();
    cards.sort_by(|a, b| a.name.cmp(&b.name));
    cards
}

fn kinds_of(rows: &Rows, body_id: &str) -> Vec<Link> {
    let mut kinds: Vec<Link> = rows
        .kinds
        .iter()
        .filter(|k| k.body_id == body_id)
        .map(|k| Link {
            slug: k.slug.clone(),
            name: k.name.clone(),
        })
        .collect();
    kinds.sort_by(|a, b| a.name.cmp(&b.name));
    kinds
}

pub fn body(snapshot: &Snapshot, slug: &str) -> Option<BodyPage> {
    let rows = &snapshot.rows;
    let body = rows.bodies.iter().find(|b| b.slug == slug)?.clone();
    let updated_on = rows
        .kinds
        .iter()
        .filter(|k| k.body_id == body.id)
        .map(|k| k.updated_on.clone())
        .chain([body.updated_on.clone()])
        .max()
        .unwrap_or_default();
    let mut news: Vec<NewsRow> = rows
        .news
        .iter()
        .filter(|n| n.body_id == body.id)
        .cloned()
        .collect();
    news.sort_by(|a, b| b.published_on.cmp(&a.published_on));
    news.truncate(3);
    Some(BodyPage {
        kinds: kinds_of(rows, &body.id),
        news,
        updated_on,
        body,
    })
}

pub fn kinds(snapshot: &Snapshot) -> Vec<KindCard> {
    let rows = &snapshot.rows;
    let mut cards: Vec<KindCard> = rows
        .kinds
        .iter()
        .map(|k| KindCard {
            slug: k.slug.clone(),
            name: k.name.clone(),
            body: body_link(rows, &k.body_id),
            requirements: rows
                .requirements
                .iter()
                .filter(|r| r.kind_id == k.id)
                .count(),
            faq: rows.faq.iter().filter(|f| f.kind_id == k.id).count(),
        })
        .collect();
    cards.sort_by(|a, b| a.name.cmp(&b.name));
    cards
}

pub fn kind(snapshot: &Snapshot, slug: &str) -> Option<KindPage> {
    let rows = &snapshot.rows;
    let kind = rows.kinds.iter().find(|k| k.slug == slug)?.clone();
    let id = kind.id.as_str();
    let acts = sorted(rows.acts.iter().filter(|a| a.kind_id == id).cloned(), |a| {
        (a.sort, a.title.clone())
    });
    let acts: Vec<ActView> = acts
        .into_iter()
        .map(|act| ActView {
            requirements: sorted(
                rows.requirements
                    .iter()
                    .filter(|r| r.act_id == act.id)
                    .cloned(),
                |r| (r.sort, r.id.clone()),
            ),
            act,
        })
        .collect();
    let violations = sorted(
        rows.violations.iter().filter(|v| v.kind_id == id).cloned(),
        |v| (v.sort, v.id.clone()),
    )
    .into_iter()
    .map(|violation| {
        let requirement = rows
            .requirements
            .iter()
            .find(|r| r.id == violation.requirement_id);
        let act = requirement.and_then(|r| rows.acts.iter().find(|a| a.id == r.act_id));
        ViolationView {
            requirement: requirement.map(|r| r.text.clone()).unwrap_or_default(),
            reference: match (requirement, act) {
                (Some(r), Some(a)) => format!("{} — {}", r.structural_unit, a.title),
                _ => String::new(),
            },
            violation,
        }
    })
    .collect();
    let updated_on = acts
        .iter()
        .flat_map(|a| a.requirements.iter().map(|r| r.updated_on.clone()))
        .chain(
            rows.faq
                .iter()
                .filter(|f| f.kind_id == id)
                .map(|f| f.updated_on.clone()),
        )
        .chain([kind.updated_on.clone()])
        .max()
        .unwrap_or_default();
    Some(KindPage {
        body: body_link(rows, &kind.body_id),
        officials: sorted(
            rows.officials.iter().filter(|o| o.kind_id == id).cloned(),
            |o| (o.sort, o.full_name.clone()),
        ),
        documents: sorted(
            rows.documents.iter().filter(|d| d.kind_id == id).cloned(),
            |d| (d.sort, d.title.clone()),
        ),
        indicators: sorted(
            rows.indicators.iter().filter(|i| i.kind_id == id).cloned(),
            |i| (i.sort, i.text.clone()),
        ),
        faq: sorted(rows.faq.iter().filter(|f| f.kind_id == id).cloned(), |f| {
            (f.sort, f.question.clone())
        }),
        acts,
        violations,
        updated_on,
        kind,
    })
}

fn listed<T: Clone>(
    rows: &Rows,
    items: &[T],
    ids: impl Fn(&T) -> (&str, Option<&str>),
) -> Vec<Listed<T>> {
    items
        .iter()
        .map(|item| {
            let (body, kind) = ids(item);
            Listed {
                item: item.clone(),
                body: body_link(rows, body),
                kind: kind.and_then(|k| kind_link(rows, k)),
            }
        })
        .collect()
}

/// Public discussions, the coming ones first, then the past ones from the latest.
pub fn discussions(snapshot: &Snapshot) -> Vec<Listed<DiscussionRow>> {
    let rows = &snapshot.rows;
    let mut items = rows.discussions.clone();
    items.sort_by(|a, b| {
        (b.held_on.as_str(), b.starts_at.as_str()).cmp(&(a.held_on.as_str(), a.starts_at.as_str()))
    });
    listed(rows, &items, |d| (&d.body_id, Some(&d.kind_id)))
}

pub fn programmes(snapshot: &Snapshot) -> Vec<Listed<ProgrammeRow>> {
    let rows = &snapshot.rows;
    let mut items = rows.programmes.clone();
    items.sort_by(|a, b| b.year.cmp(&a.year).then(a.title.cmp(&b.title)));
    listed(rows, &items, |p| (&p.body_id, Some(&p.kind_id)))
}

pub fn reports(snapshot: &Snapshot) -> Vec<Listed<ReportRow>> {
    let rows = &snapshot.rows;
    let mut items = rows.reports.clone();
    items.sort_by(|a, b| b.period.cmp(&a.period).then(a.id.cmp(&b.id)));
    listed(rows, &items, |r| (&r.body_id, Some(&r.kind_id)))
}

pub fn news(snapshot: &Snapshot) -> Vec<Listed<NewsRow>> {
    let rows = &snapshot.rows;
    let mut items = rows.news.clone();
    items.sort_by(|a, b| b.published_on.cmp(&a.published_on).then(a.id.cmp(&b.id)));
    listed(rows, &items, |n| (&n.body_id, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_clamped_and_counted() {
        let all: Vec<usize> = (0..45).collect();
        let last = Paged::of(&all, 9);
        assert_eq!((last.page, last.pages, last.total), (3, 3, 45));
        assert_eq!(last.items, (40..45).collect::<Vec<_>>());
        let empty = Paged::of(&Vec::<usize>::new(), 0);
        assert_eq!((empty.page, empty.pages, empty.items.len()), (1, 1, 0));
    }
}
