//! What of the catalogue may be added and edited, field by field, and how every value is
//! checked. Shared by the server, which trusts nothing else and takes column names only from
//! here, and the browser, which builds its forms from the same table and checks values the same
//! way before sending them.

use crate::domain::catalogue::DiscussionStatus;
use crate::error::AppError;

/// The type of an editable column: what the form shows and how the value is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text, at most this many characters.
    Text(usize),
    /// Several lines of text (a text area), at most this many characters.
    LongText(usize),
    /// An e-mail address.
    Email,
    /// An http(s) address.
    Url,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// A time of day, `HH:MM`.
    Time,
    /// A year from `MIN_YEAR` to `MAX_YEAR`.
    Year,
    /// The status of a public discussion: `planned`, `held` or `cancelled`.
    Status,
    /// The id of a row of this table of the same kind of control.
    Ref(&'static str),
    /// A list, one item a line; at most this many characters an item.
    Lines(usize),
}

/// Years a prevention programme may be for (as the table's check says).
pub const MIN_YEAR: i32 = 2020;
pub const MAX_YEAR: i32 = 2100;
/// Longest address accepted.
pub const MAX_URL_CHARS: usize = 500;
/// Most items a list field takes.
pub const MAX_LINES: usize = 100;

/// An editable column of a catalogue table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: FieldKind,
    /// Must be filled in (otherwise an empty value is stored as NULL or an empty list).
    pub required: bool,
}

const fn text(name: &'static str, max: usize) -> Column {
    Column {
        name,
        kind: FieldKind::Text(max),
        required: true,
    }
}

const fn long(name: &'static str, max: usize) -> Column {
    Column {
        name,
        kind: FieldKind::LongText(max),
        required: true,
    }
}

const fn of(name: &'static str, kind: FieldKind) -> Column {
    Column {
        name,
        kind,
        required: true,
    }
}

const fn optional(name: &'static str, kind: FieldKind) -> Column {
    Column {
        name,
        kind,
        required: false,
    }
}

/// Where rows of a table belong, which decides who may edit them and what a new row needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// The row is a body.
    Itself,
    /// The row has `body_id`: added to a body (given by its slug).
    Body,
    /// The row has `kind_id`: added to a kind of control (given by its slug).
    Kind,
    /// The row has `kind_id` and `body_id`: added to a kind of control, the body being the
    /// kind's.
    KindAndBody,
}

/// A catalogue table that may be edited (and maybe added to) from the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entity {
    pub table: &'static str,
    pub parent: Parent,
    /// New rows may be added through `catalogue/add`.
    pub addable: bool,
    /// The table has a `sort` column: a new row goes last.
    pub sorted: bool,
    pub columns: &'static [Column],
}

/// Every catalogue table that can be edited, and its columns. Column names come only from here,
/// never from a request.
pub const ENTITIES: &[Entity] = &[
    Entity {
        table: "control_body",
        parent: Parent::Itself,
        addable: false,
        sorted: false,
        columns: &[
            text("name", 500),
            text("short_name", 200),
            text("head_name", 200),
            text("head_position", 300),
            text("address", 500),
            of("email", FieldKind::Email),
            of("website", FieldKind::Url),
        ],
    },
    Entity {
        table: "control_kind",
        parent: Parent::Body,
        addable: false,
        sorted: false,
        columns: &[
            text("name", 500),
            text("short_name", 200),
            long("description", 5000),
        ],
    },
    Entity {
        table: "kind_official",
        parent: Parent::Kind,
        addable: true,
        sorted: true,
        columns: &[
            text("full_name", 200),
            text("position", 300),
            text("phone", 50),
        ],
    },
    Entity {
        table: "kind_document",
        parent: Parent::Kind,
        addable: true,
        sorted: true,
        columns: &[long("title", 1000)],
    },
    Entity {
        table: "legal_act",
        parent: Parent::Kind,
        addable: true,
        sorted: true,
        columns: &[
            long("title", 1000),
            text("number", 100),
            of("adopted_on", FieldKind::Date),
            of("url", FieldKind::Url),
        ],
    },
    Entity {
        table: "requirement",
        parent: Parent::Kind,
        addable: true,
        sorted: true,
        columns: &[
            of("act_id", FieldKind::Ref("legal_act")),
            long("text", 5000),
            text("structural_unit", 200),
        ],
    },
    Entity {
        table: "risk_indicator",
        parent: Parent::Kind,
        addable: true,
        sorted: true,
        columns: &[long("text", 2000)],
    },
    Entity {
        table: "typical_violation",
        parent: Parent::Kind,
        addable: true,
        sorted: true,
        columns: &[
            of("requirement_id", FieldKind::Ref("requirement")),
            long("what_goes_wrong", 2000),
            long("how_to_avoid", 5000),
            long("how_to_fix", 5000),
        ],
    },
    Entity {
        table: "public_discussion",
        parent: Parent::KindAndBody,
        addable: true,
        sorted: false,
        columns: &[
            long("topic", 1000),
            of("held_on", FieldKind::Date),
            of("starts_at", FieldKind::Time),
            text("place", 500),
            optional("link", FieldKind::Url),
            of("status", FieldKind::Status),
        ],
    },
    Entity {
        table: "prevention_programme",
        parent: Parent::KindAndBody,
        addable: true,
        sorted: false,
        columns: &[
            of("year", FieldKind::Year),
            long("title", 1000),
            of("document_url", FieldKind::Url),
            optional("measures", FieldKind::Lines(1000)),
        ],
    },
    Entity {
        table: "practice_report",
        parent: Parent::KindAndBody,
        addable: true,
        sorted: false,
        columns: &[
            text("period", 200),
            long("summary", 5000),
            of("document_url", FieldKind::Url),
        ],
    },
    Entity {
        table: "news",
        parent: Parent::Body,
        addable: true,
        sorted: false,
        columns: &[
            of("published_on", FieldKind::Date),
            text("title", 500),
            long("text", 10000),
        ],
    },
];

/// The editable table of this name.
pub fn entity(table: &str) -> Option<&'static Entity> {
    ENTITIES.iter().find(|e| e.table == table)
}

impl Entity {
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A checked value, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text, a date, a time, a status, an address or an id, trimmed; `None` for an emptied
    /// optional field.
    Text(Option<String>),
    Year(i32),
    Lines(Vec<String>),
}

impl Value {
    /// The value as a form shows it (the same text a user would type).
    pub fn to_form(&self) -> String {
        match self {
            Value::Text(text) => text.clone().unwrap_or_default(),
            Value::Year(year) => year.to_string(),
            Value::Lines(lines) => lines.join("\n"),
        }
    }
}

impl FieldKind {
    /// The PostgreSQL type a value of this kind is cast to.
    pub fn sql_type(self) -> &'static str {
        match self {
            FieldKind::Date => "date",
            FieldKind::Time => "time",
            FieldKind::Year => "integer",
            FieldKind::Ref(_) => "uuid",
            FieldKind::Lines(_) => "text[]",
            _ => "text",
        }
    }
}

fn is_leap(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// `YYYY-MM-DD` for a real day from 1900 to 2100.
pub fn check_date(value: &str) -> Result<(), &'static str> {
    const FORMAT: &str = "Укажите дату в виде ГГГГ-ММ-ДД, например 2026-11-22.";
    let b = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) {
        return Err(FORMAT);
    }
    if !digits(8..10) {
        return Err(FORMAT);
    }
    let number = |s: &str| s.parse::<u32>().unwrap_or(0);
    let (year, month, day) = (
        number(&value[0..4]),
        number(&value[5..7]),
        number(&value[8..10]),
    );
    if !(1900..=2100).contains(&year) {
        return Err("Укажите год от 1900 до 2100.");
    }
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return Err("Такой даты нет: месяц от 01 до 12."),
    };
    if day == 0 || day > days {
        return Err("Такой даты нет в календаре.");
    }
    Ok(())
}

/// `HH:MM`, from 00:00 to 23:59.
pub fn check_time(value: &str) -> Result<(), &'static str> {
    let b = value.as_bytes();
    let ok = b.len() == 5
        && b[2] == b':'
        && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit())
        && value[0..2].parse::<u32>().is_ok_and(|h| h < 24)
        && value[3..5].parse::<u32>().is_ok_and(|m| m < 60);
    if ok {
        Ok(())
    } else {
        Err("Укажите время в виде ЧЧ:ММ, например 14:30.")
    }
}

/// A UUID in its usual text form (the server also checks the row exists).
fn is_uuid(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Checks one value of a column; the message says what to fix, in Russian.
pub fn check(column: &Column, raw: &str) -> Result<Value, String> {
    crate::domain::text::check(raw).map_err(|issue| issue.to_string())?;
    // Names and titles are read by everyone: no direction overrides in them.
    let stripped;
    let raw = if matches!(column.kind, FieldKind::Text(_)) {
        stripped = crate::domain::text::strip_bidi(raw);
        stripped.as_str()
    } else {
        raw
    };
    let value = raw.trim();
    if let FieldKind::Lines(max) = column.kind {
        let lines: Vec<String> = value
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if lines.is_empty() && column.required {
            return Err("Заполните поле.".to_owned());
        }
        if lines.len() > MAX_LINES {
            return Err(format!("Не больше {MAX_LINES} строк."));
        }
        if let Some(n) = lines.iter().position(|l| l.chars().count() > max) {
            return Err(format!("Строка {} длиннее {max} символов.", n + 1));
        }
        return Ok(Value::Lines(lines));
    }
    if value.is_empty() {
        return match (column.required, column.kind) {
            (false, _) => Ok(Value::Text(None)),
            (true, FieldKind::Ref(_) | FieldKind::Status) => Err("Выберите из списка.".to_owned()),
            (true, _) => Err("Заполните поле.".to_owned()),
        };
    }
    let max = match column.kind {
        FieldKind::Text(max) | FieldKind::LongText(max) => max,
        FieldKind::Url => MAX_URL_CHARS,
        FieldKind::Email => 254,
        _ => 100,
    };
    if value.chars().count() > max {
        return Err(format!("Не больше {max} символов."));
    }
    match column.kind {
        FieldKind::Url => {
            let rest = value
                .strip_prefix("https://")
                .or_else(|| value.strip_prefix("http://"));
            if !rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace)) {
                return Err("Укажите адрес, начинающийся с https://".to_owned());
            }
        }
        FieldKind::Email => {
            crate::domain::account::Email::parse(value).map_err(|e| e.to_string())?;
        }
        FieldKind::Date => check_date(value)?,
        FieldKind::Time => check_time(value)?,
        FieldKind::Year => {
            return match value.parse::<i32>() {
                Ok(year) if (MIN_YEAR..=MAX_YEAR).contains(&year) => Ok(Value::Year(year)),
                _ => Err(format!("Укажите год от {MIN_YEAR} до {MAX_YEAR}.")),
            };
        }
        FieldKind::Status => {
            if DiscussionStatus::parse(value).is_none() {
                return Err("Выберите статус: запланировано, состоялось или отменено.".to_owned());
            }
        }
        FieldKind::Ref(_) => {
            if !is_uuid(value) {
                return Err("Выберите из списка.".to_owned());
            }
        }
        FieldKind::Text(_) | FieldKind::LongText(_) | FieldKind::Lines(_) => {}
    }
    Ok(Value::Text(Some(value.to_owned())))
}

/// Whether the values are for a new row (every required column must be given) or change some
/// columns of an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Add,
    Update,
}

/// Checked values of a new or changed row, by column, in the order given.
pub type Checked = Vec<(&'static Column, Value)>;

/// Checks the values for a row of `table`; the first wrong field is reported by its name.
pub fn validate(
    table: &str,
    fields: &[(String, String)],
    mode: Mode,
) -> Result<(&'static Entity, Checked), AppError> {
    let entity = entity(table).filter(|e| mode == Mode::Update || e.addable);
    let Some(entity) = entity else {
        return Err(AppError::Invalid(match mode {
            Mode::Add => "Такие сведения нельзя добавить.".to_owned(),
            Mode::Update => "Эти сведения нельзя изменить.".to_owned(),
        }));
    };
    if fields.is_empty() && mode == Mode::Update {
        return Err(AppError::Invalid("Нет изменений.".to_owned()));
    }
    let mut clean: Checked = Vec::new();
    for (name, raw) in fields {
        let column = entity
            .column(name)
            .ok_or_else(|| AppError::field(name, "Это поле нельзя изменить."))?;
        if clean.iter().any(|(c, _)| c.name == column.name) {
            return Err(AppError::field(name, "Поле указано дважды."));
        }
        let value = check(column, raw).map_err(|message| AppError::field(name, message))?;
        clean.push((column, value));
    }
    if mode == Mode::Add {
        for column in entity.columns {
            if !clean.iter().any(|(c, _)| c.name == column.name) {
                if column.required {
                    return Err(AppError::field(column.name, "Заполните поле."));
                }
                let empty = check(column, "").map_err(|m| AppError::field(column.name, m))?;
                clean.push((column, empty));
            }
        }
    }
    Ok((entity, clean))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn column(table: &str, name: &str) -> &'static Column {
        entity(table).unwrap().column(name).unwrap()
    }

    #[test]
    fn control_characters_are_refused_and_titles_lose_direction_overrides() {
        let title = column("news", "title");
        assert!(check(title, "Новость\0")
            .unwrap_err()
            .contains("служебный символ"));
        assert_eq!(
            check(title, "\u{202E}Новость").unwrap(),
            Value::Text(Some("Новость".to_owned()))
        );
        let error = validate("news", &fields(&[("title", "a\u{0000}b")]), Mode::Update);
        assert!(error.unwrap_err().for_field("title").is_some());
    }

    #[test]
    fn only_listed_columns_of_listed_tables_are_edited_or_added() {
        for mode in [Mode::Add, Mode::Update] {
            assert!(validate("app_user", &fields(&[("email", "a@b.ru")]), mode).is_err());
            let error = validate("news", &fields(&[("version", "1")]), mode).unwrap_err();
            assert_eq!(
                error.for_field("version"),
                Some("Это поле нельзя изменить.")
            );
            let error =
                validate("news", &fields(&[("title; DROP TABLE news", "x")]), mode).unwrap_err();
            assert!(error.for_field("title; DROP TABLE news").is_some());
            for column in ["id", "body_id", "kind_id", "updated_by", "sort", "search"] {
                let error = validate("requirement", &fields(&[(column, "x")]), mode).unwrap_err();
                assert!(error.for_field(column).is_some(), "{column}");
            }
        }
        // Bodies and kinds are edited, never added from the portal; FAQ has its own functions.
        for table in ["control_body", "control_kind", "faq"] {
            assert!(matches!(
                validate(table, &[], Mode::Add),
                Err(AppError::Invalid(_))
            ));
        }
        // Every column name is a plain identifier: safe to put into SQL.
        for entity in ENTITIES {
            for c in entity.columns {
                assert!(c
                    .name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '_'));
            }
        }
    }

    #[test]
    fn values_are_checked_and_trimmed() {
        let (_, clean) = validate(
            "public_discussion",
            &fields(&[("topic", "  Тема "), ("link", " ")]),
            Mode::Update,
        )
        .unwrap();
        let names: Vec<_> = clean.iter().map(|(c, v)| (c.name, v.clone())).collect();
        assert_eq!(
            names,
            vec![
                ("topic", Value::Text(Some("Тема".to_owned()))),
                ("link", Value::Text(None))
            ]
        );
        let error =
            validate("control_body", &fields(&[("email", "нет")]), Mode::Update).unwrap_err();
        assert!(error.for_field("email").is_some());
        let error = validate(
            "control_body",
            &fields(&[("website", "ftp://x")]),
            Mode::Update,
        )
        .unwrap_err();
        assert!(error.for_field("website").unwrap().contains("https://"));
        let error = validate("news", &fields(&[("title", "")]), Mode::Update).unwrap_err();
        assert_eq!(error.for_field("title"), Some("Заполните поле."));
        let long = "я".repeat(501);
        assert!(validate("news", &fields(&[("title", &long)]), Mode::Update).is_err());
        assert!(validate(
            "news",
            &fields(&[("title", &"я".repeat(500))]),
            Mode::Update
        )
        .is_ok());
        assert!(validate("news", &[], Mode::Update).is_err());
        let error = validate(
            "news",
            &fields(&[("title", "А"), ("title", "Б")]),
            Mode::Update,
        )
        .unwrap_err();
        assert_eq!(error.for_field("title"), Some("Поле указано дважды."));
    }

    #[test]
    fn dates_are_real_days() {
        let date = column("news", "published_on");
        for good in [
            "2026-11-22",
            "2024-02-29",
            "2000-02-29",
            "1900-01-01",
            "2100-12-31",
        ] {
            assert_eq!(
                check(date, good),
                Ok(Value::Text(Some(good.to_owned()))),
                "{good}"
            );
        }
        assert!(check(date, " 2026-01-05 ").is_ok(), "trimmed");
        for bad in [
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-04-00",
            "22.11.2026",
            "2026-1-5",
            "2026-11-22T10:00",
            "１２３４-11-22",
            "1899-12-31",
            "2101-01-01",
            "абвг-де-жз",
        ] {
            assert!(check(date, bad).is_err(), "{bad}");
        }
        assert_eq!(check(date, ""), Err("Заполните поле.".to_owned()));
    }

    #[test]
    fn times_years_and_statuses() {
        let time = column("public_discussion", "starts_at");
        for good in ["00:00", "09:05", "23:59"] {
            assert!(check(time, good).is_ok(), "{good}");
        }
        for bad in [
            "24:00", "12:60", "9:05", "12-30", "12:30:00", "ab:cd", "+1:30",
        ] {
            assert!(check(time, bad).is_err(), "{bad}");
        }
        let year = column("prevention_programme", "year");
        assert_eq!(check(year, "2020"), Ok(Value::Year(2020)));
        assert_eq!(check(year, " 2100 "), Ok(Value::Year(2100)));
        for bad in ["2019", "2101", "двадцать", "2026.5", "-2026"] {
            assert_eq!(
                check(year, bad),
                Err("Укажите год от 2020 до 2100.".to_owned()),
                "{bad}"
            );
        }
        let status = column("public_discussion", "status");
        for good in ["planned", "held", "cancelled"] {
            assert!(check(status, good).is_ok());
        }
        assert!(check(status, "Planned").is_err());
        assert!(check(status, "deleted").is_err());
        assert_eq!(check(status, ""), Err("Выберите из списка.".to_owned()));
    }

    #[test]
    fn references_lines_and_addresses() {
        let act = column("requirement", "act_id");
        assert_eq!(act.kind, FieldKind::Ref("legal_act"));
        assert!(check(act, "0192f3c4-7d1a-7b3e-8a5d-1c2b3a4d5e6f").is_ok());
        for bad in [
            "",
            "42",
            "0192f3c4-7d1a-7b3e-8a5d-1c2b3a4d5e6",
            "' OR 1=1 --",
        ] {
            assert!(check(act, bad).is_err(), "{bad}");
        }
        let measures = column("prevention_programme", "measures");
        assert_eq!(
            check(measures, " Консультирование \n\n  Информирование\r\n"),
            Ok(Value::Lines(vec![
                "Консультирование".to_owned(),
                "Информирование".to_owned()
            ]))
        );
        assert_eq!(check(measures, "  "), Ok(Value::Lines(vec![])));
        let error = check(measures, &format!("Первая\n{}", "я".repeat(1001))).unwrap_err();
        assert!(error.contains("Строка 2"), "{error}");
        assert!(check(measures, &"x\n".repeat(MAX_LINES + 1)).is_err());
        let link = column("public_discussion", "link");
        assert_eq!(check(link, ""), Ok(Value::Text(None)));
        assert!(check(link, "https://").is_err());
        assert!(check(link, "https://a b").is_err());
        assert!(check(link, "javascript:alert(1)").is_err());
        assert!(check(link, "http://vks.example/1").is_ok());
    }

    #[test]
    fn a_new_row_needs_every_required_field() {
        let error = validate(
            "news",
            &fields(&[("title", "Заголовок"), ("text", "Текст")]),
            Mode::Add,
        )
        .unwrap_err();
        assert_eq!(error.for_field("published_on"), Some("Заполните поле."));
        let (entity, clean) = validate(
            "prevention_programme",
            &fields(&[
                ("year", "2027"),
                ("title", "Программа"),
                ("document_url", "https://example.ru/p.pdf"),
            ]),
            Mode::Add,
        )
        .unwrap();
        assert_eq!(entity.parent, Parent::KindAndBody);
        // The optional list not given is stored empty.
        assert!(clean
            .iter()
            .any(|(c, v)| c.name == "measures" && *v == Value::Lines(vec![])));
        assert_eq!(clean.len(), entity.columns.len());
    }
}
