//! Risk categories of organisations, looked up by ИНН or name. Online only: 10,000 and more
//! organisations are not copied to devices.

use sqlx::PgExecutor;

use crate::api::catalogue::{KindRisk, RiskEntry};
use crate::catalogue::views::{Link, Paged, PAGE_SIZE};
use crate::domain::catalogue::RiskCategory;
use crate::domain::registry_number::Inn;
use crate::error::AppError;

/// What was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Inn(Inn),
    Name(String),
}

impl Lookup {
    /// Digits only: an ИНН, checked (a wrong checksum is a 422 with a Russian message);
    /// anything else: a part of the name, at least 3 characters.
    pub fn parse(query: &str) -> Result<Lookup, AppError> {
        crate::domain::text::check(query)
            .map_err(|issue| AppError::field("query", issue.to_string()))?;
        let query = query.split_whitespace().collect::<Vec<_>>().join(" ");
        if !query.is_empty() && query.chars().all(|c| c.is_ascii_digit() || c == ' ') {
            return Inn::parse(&query).map(Lookup::Inn).map_err(|e| {
                AppError::field("query", format!("ИНН: {}", lower_first(&e.to_string())))
            });
        }
        if query.chars().count() < 3 {
            return Err(AppError::field(
                "query",
                "Введите ИНН или не меньше 3 букв наименования.",
            ));
        }
        if query.chars().count() > 200 {
            return Err(AppError::field("query", "Запрос длиннее 200 символов."));
        }
        Ok(Lookup::Name(query))
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `%` and `_` typed by the user are literal characters, not wildcards.
fn like_pattern(part: &str) -> String {
    let escaped = part
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{}%", escaped.to_lowercase())
}

/// Name, ИНН, and per kind: slug, name and category.
type RiskRow = (String, String, Vec<String>, Vec<String>, Vec<String>);

pub async fn find(
    db: impl PgExecutor<'_> + Copy,
    lookup: &Lookup,
    page: usize,
) -> sqlx::Result<Paged<RiskEntry>> {
    let (condition, value) = match lookup {
        Lookup::Inn(inn) => ("o.inn = $1", inn.as_str().to_owned()),
        Lookup::Name(name) => ("lower(o.name) LIKE $1", like_pattern(name)),
    };
    let filter = format!(
        "FROM organisation o WHERE {condition} AND o.parent_id IS NULL
         AND EXISTS (SELECT 1 FROM risk_assignment r WHERE r.organisation_id = o.id)"
    );
    let (total,): (i64,) = sqlx::query_as(&format!("SELECT count(*) {filter}"))
        .bind(&value)
        .fetch_one(db)
        .await?;
    let total = total as usize;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = page.clamp(1, pages);
    let rows: Vec<RiskRow> = sqlx::query_as(&format!(
        "SELECT o.name, o.inn,
                array_agg(k.slug ORDER BY k.name), array_agg(k.name ORDER BY k.name),
                array_agg(r.category ORDER BY k.name)
         {filter_with_join}
         GROUP BY o.id, o.name, o.inn ORDER BY o.name, o.inn LIMIT $2 OFFSET $3",
        filter_with_join = filter.replace(
            "FROM organisation o",
            "FROM organisation o JOIN risk_assignment r ON r.organisation_id = o.id
             JOIN control_kind k ON k.id = r.kind_id"
        )
    ))
    .bind(&value)
    .bind(PAGE_SIZE as i64)
    .bind(((page - 1) * PAGE_SIZE) as i64)
    .fetch_all(db)
    .await?;
    let items = rows
        .into_iter()
        .map(|(name, inn, slugs, names, categories)| RiskEntry {
            name,
            inn,
            risks: slugs
                .into_iter()
                .zip(names)
                .zip(categories)
                .filter_map(|((slug, name), category)| {
                    RiskCategory::parse(&category).map(|category| KindRisk {
                        kind: Link { slug, name },
                        category,
                    })
                })
                .collect(),
        })
        .collect();
    Ok(Paged {
        items,
        page,
        pages,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_an_inn_and_its_checksum_is_checked() {
        assert!(matches!(Lookup::parse("2721001237"), Ok(Lookup::Inn(_))));
        let error = Lookup::parse("2721001238").unwrap_err();
        assert_eq!(error.status(), 422);
        assert!(error
            .to_string()
            .starts_with("ИНН: номер не прошёл проверку"));
        assert!(matches!(Lookup::parse("ООО Демо"), Ok(Lookup::Name(_))));
        assert!(Lookup::parse("ab").is_err());
    }

    #[test]
    fn wildcards_typed_by_the_user_are_literal() {
        assert_eq!(like_pattern("100%_A"), "%100\\%\\_a%");
    }
}
