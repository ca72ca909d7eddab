//! CSV export of the open data lists: one header line, one line per row, lists inside a cell
//! joined with "; ". UTF-8 with a byte order mark, so spreadsheet programs read Cyrillic.

use app::catalogue::model::*;
use axum::{
    http::header,
    response::{IntoResponse, Response},
};

/// A row as CSV cells.
pub trait CsvRow {
    const HEADER: &'static [&'static str];
    fn cells(&self) -> Vec<String>;
}

pub fn response<T: CsvRow>(rows: &[T], name: &str) -> Result<Response, csv::Error> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(T::HEADER)?;
    for row in rows {
        writer.write_record(row.cells())?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

impl CsvRow for BodyRow {
    const HEADER: &'static [&'static str] = &[
        "id",
        "slug",
        "name",
        "short_name",
        "head_name",
        "head_position",
        "address",
        "phones",
        "email",
        "website",
        "units",
        "updated_on",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.slug.clone(),
            self.name.clone(),
            self.short_name.clone(),
            self.head_name.clone(),
            self.head_position.clone(),
            self.address.clone(),
            self.phones.join("; "),
            self.email.clone(),
            self.website.clone(),
            self.units.join("; "),
            self.updated_on.clone(),
        ]
    }
}

impl CsvRow for KindRow {
    const HEADER: &'static [&'static str] = &[
        "id",
        "body_id",
        "slug",
        "name",
        "short_name",
        "description",
        "updated_on",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.body_id.clone(),
            self.slug.clone(),
            self.name.clone(),
            self.short_name.clone(),
            self.description.clone(),
            self.updated_on.clone(),
        ]
    }
}

impl CsvRow for RequirementRow {
    const HEADER: &'static [&'static str] = &[
        "id",
        "kind_id",
        "act_id",
        "text",
        "structural_unit",
        "updated_on",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.kind_id.clone(),
            self.act_id.clone(),
            self.text.clone(),
            self.structural_unit.clone(),
            self.updated_on.clone(),
        ]
    }
}

impl CsvRow for FaqRow {
    const HEADER: &'static [&'static str] = &["id", "kind_id", "question", "answer", "updated_on"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.kind_id.clone(),
            self.question.clone(),
            self.answer.clone(),
            self.updated_on.clone(),
        ]
    }
}

impl CsvRow for ViolationRow {
    const HEADER: &'static [&'static str] = &[
        "id",
        "kind_id",
        "requirement_id",
        "what_goes_wrong",
        "how_to_avoid",
        "how_to_fix",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.kind_id.clone(),
            self.requirement_id.clone(),
            self.what_goes_wrong.clone(),
            self.how_to_avoid.clone(),
            self.how_to_fix.clone(),
        ]
    }
}

impl CsvRow for DiscussionRow {
    const HEADER: &'static [&'static str] = &[
        "id",
        "body_id",
        "kind_id",
        "held_on",
        "starts_at",
        "topic",
        "place",
        "link",
        "status",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.body_id.clone(),
            self.kind_id.clone(),
            self.held_on.clone(),
            self.starts_at.clone(),
            self.topic.clone(),
            self.place.clone(),
            self.link.clone().unwrap_or_default(),
            self.status.as_str().to_owned(),
        ]
    }
}

impl CsvRow for ProgrammeRow {
    const HEADER: &'static [&'static str] = &[
        "id",
        "body_id",
        "kind_id",
        "year",
        "title",
        "document_url",
        "measures",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.body_id.clone(),
            self.kind_id.clone(),
            self.year.to_string(),
            self.title.clone(),
            self.document_url.clone(),
            self.measures.join("; "),
        ]
    }
}

impl CsvRow for ReportRow {
    const HEADER: &'static [&'static str] = &[
        "id",
        "body_id",
        "kind_id",
        "period",
        "summary",
        "document_url",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.body_id.clone(),
            self.kind_id.clone(),
            self.period.clone(),
            self.summary.clone(),
            self.document_url.clone(),
        ]
    }
}

impl CsvRow for NewsRow {
    const HEADER: &'static [&'static str] = &["id", "body_id", "published_on", "title", "text"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.body_id.clone(),
            self.published_on.clone(),
            self.title.clone(),
            self.text.clone(),
        ]
    }
}

/// A withheld figure is an empty cell, never a zero.
fn cell<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl CsvRow for app::domain::self_check::Aggregate {
    const HEADER: &'static [&'static str] = &[
        "requirement_id",
        "kind",
        "requirement",
        "withheld",
        "count",
        "clarity",
        "feasibility",
        "contradictory_share",
        "median_cost",
        "costs",
        "proposals",
    ];
    fn cells(&self) -> Vec<String> {
        vec![
            self.requirement_id.clone(),
            self.kind.clone(),
            self.requirement.clone(),
            self.withheld.to_string(),
            cell(self.count),
            cell(self.clarity),
            cell(self.feasibility),
            cell(self.contradictory_share),
            cell(self.median_cost),
            cell(self.costs),
            cell(self.proposals),
        ]
    }
}
