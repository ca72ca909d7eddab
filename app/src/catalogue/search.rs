//! Search results, and the search the device runs over its own copy when offline. Online, the
//! server searches with PostgreSQL's Russian full-text configuration (stemming and ranking);
//! offline, every word typed must begin a word of the text (so «пожарн» finds «пожарной»),
//! ranked by where it matched.

use serde::{Deserialize, Serialize};

use super::model::Snapshot;

/// Most results returned.
pub const MAX_HITS: usize = 50;
/// Shortest query searched.
pub const MIN_QUERY_CHARS: usize = 2;
/// Longest query accepted.
pub const MAX_QUERY_CHARS: usize = 200;

/// What a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Body,
    Kind,
    Act,
    Requirement,
    Faq,
    Violation,
    Discussion,
    Programme,
    Report,
    News,
}

/// A piece of a snippet; `marked` pieces matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Segment {
    pub text: String,
    pub marked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Hit {
    pub kind: HitKind,
    pub title: String,
    pub snippet: Vec<Segment>,
    /// Where the result is shown in the portal.
    pub url: String,
}

/// Lower case with «ё» as «е», as people type.
pub fn normalise(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// The words of a text (letters and digits), normalised.
pub fn words(text: &str) -> Vec<String> {
    normalise(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Why a query is not searched.
pub fn check_query(query: &str) -> Result<String, String> {
    crate::domain::text::check(query).map_err(|issue| issue.to_string())?;
    let query = query.split_whitespace().collect::<Vec<_>>().join(" ");
    if query.chars().count() < MIN_QUERY_CHARS || words(&query).is_empty() {
        return Err(format!(
            "Введите не меньше {MIN_QUERY_CHARS} букв или цифр для поиска."
        ));
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(format!("Запрос длиннее {MAX_QUERY_CHARS} символов."));
    }
    Ok(query)
}

/// Splits `text` into segments, marking the words that begin with a query word.
pub fn highlight(text: &str, query: &[String]) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    let mut push = |piece: &str, marked: bool| match segments.last_mut() {
        Some(last) if last.marked == marked => last.text.push_str(piece),
        _ => segments.push(Segment {
            text: piece.to_owned(),
            marked,
        }),
    };
    let mut word = String::new();
    let flush = |word: &mut String, push: &mut dyn FnMut(&str, bool)| {
        if !word.is_empty() {
            let w = normalise(word);
            let marked = query.iter().any(|q| w.starts_with(q.as_str()));
            push(word, marked);
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut push);
            push(c.encode_utf8(&mut [0; 4]), false);
        }
    }
    flush(&mut word, &mut push);
    segments
}

/// A window of about `width` characters around the first match, cut at word boundaries.
fn excerpt(text: &str, query: &[String], width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width {
        return text.to_owned();
    }
    let lower: Vec<char> = normalise(text).chars().collect();
    let first = query
        .iter()
        .filter_map(|q| {
            let q: Vec<char> = q.chars().collect();
            lower.windows(q.len()).position(|w| w == q.as_slice())
        })
        .min()
        .unwrap_or(0);
    let start = first.saturating_sub(width / 3);
    let start = (start..first.max(start))
        .find(|&i| i == 0 || !chars[i - 1].is_alphanumeric())
        .unwrap_or(start);
    let end = (start + width).min(chars.len());
    let mut out: String = chars[start..end].iter().collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

struct Doc<'a> {
    kind: HitKind,
    title: &'a str,
    body: &'a str,
    url: String,
}

/// Searches the device's copy of the catalogue.
pub fn search_offline(snapshot: &Snapshot, query: &str) -> Vec<Hit> {
    let query = words(query);
    if query.is_empty() {
        return Vec::new();
    }
    let rows = &snapshot.rows;
    let kind_slug = |id: &str| {
        rows.kinds
            .iter()
            .find(|k| k.id == id)
            .map(|k| k.slug.clone())
            .unwrap_or_default()
    };
    let mut docs: Vec<Doc> = Vec::new();
    for b in &rows.bodies {
        docs.push(Doc {
            kind: HitKind::Body,
            title: &b.name,
            body: &b.address,
            url: format!("/bodies/{}", b.slug),
        });
    }
    for k in &rows.kinds {
        docs.push(Doc {
            kind: HitKind::Kind,
            title: &k.name,
            body: &k.description,
            url: format!("/kinds/{}", k.slug),
        });
    }
    for a in &rows.acts {
        docs.push(Doc {
            kind: HitKind::Act,
            title: &a.title,
            body: &a.number,
            url: format!("/kinds/{}#act-{}", kind_slug(&a.kind_id), a.id),
        });
    }
    for r in &rows.requirements {
        docs.push(Doc {
            kind: HitKind::Requirement,
            title: &r.structural_unit,
            body: &r.text,
            url: format!("/kinds/{}#req-{}", kind_slug(&r.kind_id), r.id),
        });
    }
    for f in &rows.faq {
        docs.push(Doc {
            kind: HitKind::Faq,
            title: &f.question,
            body: &f.answer,
            url: format!("/kinds/{}#faq-{}", kind_slug(&f.kind_id), f.id),
        });
    }
    for v in &rows.violations {
        docs.push(Doc {
            kind: HitKind::Violation,
            title: &v.what_goes_wrong,
            body: &v.how_to_fix,
            url: format!("/kinds/{}#violation-{}", kind_slug(&v.kind_id), v.id),
        });
    }
    for d in &rows.discussions {
        docs.push(Doc {
            kind: HitKind::Discussion,
            title: &d.topic,
            body: &d.place,
            url: format!("/discussions#discussion-{}", d.id),
        });
    }
    for p in &rows.programmes {
        docs.push(Doc {
            kind: HitKind::Programme,
            title: &p.title,
            body: &p.document_url,
            url: format!("/programmes#programme-{}", p.id),
        });
    }
    for r in &rows.reports {
        docs.push(Doc {
            kind: HitKind::Report,
            title: &r.period,
            body: &r.summary,
            url: format!("/reports#report-{}", r.id),
        });
    }
    for n in &rows.news {
        docs.push(Doc {
            kind: HitKind::News,
            title: &n.title,
            body: &n.text,
            url: format!("/news#news-{}", n.id),
        });
    }
    let mut scored: Vec<(u32, Hit)> = docs
        .into_iter()
        .filter_map(|doc| {
            let (title, body) = (words(doc.title), words(doc.body));
            let mut score = 0;
            for q in &query {
                let in_title = title.iter().filter(|w| w.starts_with(q.as_str())).count() as u32;
                let in_body = body.iter().filter(|w| w.starts_with(q.as_str())).count() as u32;
                if in_title + in_body == 0 {
                    return None;
                }
                score += 3 * in_title + in_body;
            }
            Some((
                score,
                Hit {
                    kind: doc.kind,
                    title: doc.title.to_owned(),
                    snippet: highlight(&excerpt(doc.body, &query, 180), &query),
                    url: doc.url,
                },
            ))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.title.cmp(&b.1.title)));
    scored
        .into_iter()
        .take(MAX_HITS)
        .map(|(_, hit)| hit)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_with_a_control_character_is_refused() {
        assert!(check_query("пожар\0").is_err());
        assert_eq!(check_query("пожар\tная").unwrap(), "пожар ная");
    }
    use crate::catalogue::model::{FaqRow, KindRow, Rows};

    fn snapshot() -> Snapshot {
        Snapshot {
            version: 1,
            rows: Rows {
                kinds: vec![KindRow {
                    id: "k1".into(),
                    body_id: "b1".into(),
                    slug: "chs".into(),
                    name: "Надзор в области защиты от чрезвычайных ситуаций".into(),
                    short_name: "ЧС".into(),
                    description: "Проверка мер пожарной безопасности и готовности к ЧС.".into(),
                    version: 1,
                    updated_on: "2026-11-01".into(),
                }],
                faq: vec![FaqRow {
                    id: "f1".into(),
                    kind_id: "k1".into(),
                    question: "Нужен ли журнал эксплуатации систем противопожарной защиты?".into(),
                    answer: "Да, журнал ведётся с момента ввода систем в эксплуатацию.".into(),
                    updated_on: "2026-10-01".into(),
                    sort: 0,
                    version: 1,
                }],
                ..Rows::default()
            },
        }
    }

    #[test]
    fn a_word_beginning_finds_its_forms() {
        let hits = search_offline(&snapshot(), "пожарн");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].kind, HitKind::Kind);
        assert_eq!(hits[0].url, "/kinds/chs");
        assert!(hits[0]
            .snippet
            .iter()
            .any(|s| s.marked && s.text == "пожарной"));
    }

    #[test]
    fn every_word_must_match_and_case_and_yo_do_not_matter() {
        assert_eq!(search_offline(&snapshot(), "ЖУРНАЛ ведется").len(), 1);
        assert!(search_offline(&snapshot(), "журнал лифт").is_empty());
    }

    #[test]
    fn queries_are_checked() {
        assert!(check_query(" a ").is_err());
        assert!(check_query("--").is_err());
        assert_eq!(
            check_query("  пожарная   безопасность ").unwrap(),
            "пожарная безопасность"
        );
    }

    #[test]
    fn highlighting_keeps_the_text_whole() {
        let query = words("пожар");
        let text = "Меры пожарной безопасности, пожар!";
        let segments = highlight(text, &query);
        let joined: String = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, text);
        let marked: Vec<&str> = segments
            .iter()
            .filter(|s| s.marked)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marked, ["пожарной", "пожар"]);
    }
}
