//! The rating rule, one for the device (instant feedback on a draft, offline) and the server
//! (the authority): every active criterion of the side scored 1–10, and any score below
//! [`LOW_SCORE`] explained by at least one listed reason.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Scores below this need the follow-up: reasons from the list, optionally a note.
pub const LOW_SCORE: u8 = 5;
pub const MIN_SCORE: u8 = 1;
pub const MAX_SCORE: u8 = 10;
pub const MAX_NOTE_CHARS: usize = 1000;
pub const MAX_COMMENT_CHARS: usize = 2000;
pub const MAX_REPLY_CHARS: usize = 2000;

/// Who rates: the business rates the body, or the body rates the business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Business,
    Body,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Business => "business",
            Side::Body => "body",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "business" => Some(Side::Business),
            "body" => Some(Side::Body),
            _ => None,
        }
    }
}

/// A control event (КНМ), a preventive event (ПМ), or a consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Knm,
    Pm,
    Consultation,
}

impl EventType {
    pub const ALL: [EventType; 3] = [EventType::Knm, EventType::Pm, EventType::Consultation];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Knm => "knm",
            EventType::Pm => "pm",
            EventType::Consultation => "consultation",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }

    /// A body rates a business only after a КНМ or ПМ it ran, never after a consultation.
    pub fn rateable_by(self, side: Side) -> bool {
        side == Side::Business || self != EventType::Consultation
    }
}

/// One criterion or one reason for a low score, as reference data reaches the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ReferenceItem {
    pub side: String,
    pub code: String,
    pub title_ru: String,
    pub title_en: String,
}

/// The active criteria and reasons of both sides, in their display order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criteria {
    pub criteria: Vec<ReferenceItem>,
    pub reasons: Vec<ReferenceItem>,
}

impl Criteria {
    pub fn criteria_of(&self, side: Side) -> impl Iterator<Item = &ReferenceItem> {
        self.criteria
            .iter()
            .filter(move |c| c.side == side.as_str())
    }

    pub fn reasons_of(&self, side: Side) -> impl Iterator<Item = &ReferenceItem> {
        self.reasons.iter().filter(move |c| c.side == side.as_str())
    }
}

/// Which event is rated: one the register knows (by its ЕРКНМ number), or one entered by hand,
/// in which case the rating is marked unconfirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum EventRef {
    Register {
        number: String,
    },
    Manual {
        body: String,
        kind: String,
        /// `YYYY-MM-DD`.
        date: String,
        event_type: EventType,
        /// The rater's organisation the event concerned.
        organisation_id: String,
    },
}

/// One criterion's score with its follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub criterion: String,
    pub score: u8,
    #[serde(default)]
    pub reasons: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// A rating as the device sends it (the payload of a `rating.submit` operation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub side: Side,
    pub event: EventRef,
    pub scores: Vec<Score>,
    #[serde(default)]
    pub comment: String,
}

/// What is wrong with a draft; the message says what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    MissingScore {
        criterion: String,
    },
    UnknownCriterion {
        criterion: String,
    },
    RepeatedCriterion {
        criterion: String,
    },
    OutOfRange {
        criterion: String,
    },
    ReasonRequired {
        criterion: String,
    },
    UnknownReason {
        criterion: String,
    },
    NoteTooLong {
        criterion: String,
    },
    CommentTooLong,
    BadNumber,
    BadDate,
    /// Entered by hand without the control body.
    NoBody,
    /// Entered by hand without the kind of control.
    NoKind,
    /// Entered by hand without the rater's organisation.
    NoOrganisation,
    ManualByBody,
    ConsultationByBody,
}

impl Problem {
    /// The criterion the problem is about, to show it next to that criterion.
    pub fn criterion(&self) -> Option<&str> {
        match self {
            Problem::MissingScore { criterion }
            | Problem::UnknownCriterion { criterion }
            | Problem::RepeatedCriterion { criterion }
            | Problem::OutOfRange { criterion }
            | Problem::ReasonRequired { criterion }
            | Problem::UnknownReason { criterion }
            | Problem::NoteTooLong { criterion } => Some(criterion),
            _ => None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::MissingScore { .. } => f.write_str("Поставьте оценку от 1 до 10."),
            Problem::UnknownCriterion { .. } => f.write_str("Такого критерия нет."),
            Problem::RepeatedCriterion { .. } => f.write_str("Критерий оценён дважды."),
            Problem::OutOfRange { .. } => f.write_str("Оценка должна быть от 1 до 10."),
            Problem::ReasonRequired { .. } => {
                f.write_str("Оценка ниже 5: выберите хотя бы одну причину.")
            }
            Problem::UnknownReason { .. } => f.write_str("Такой причины нет в списке."),
            Problem::NoteTooLong { .. } => {
                write!(f, "Пояснение длиннее {MAX_NOTE_CHARS} символов.")
            }
            Problem::CommentTooLong => {
                write!(f, "Комментарий длиннее {MAX_COMMENT_CHARS} символов.")
            }
            Problem::BadNumber => f.write_str("Номер мероприятия в ЕРКНМ — 20 цифр."),
            Problem::BadDate => f.write_str("Укажите дату мероприятия, не позже сегодняшней."),
            Problem::NoBody => f.write_str("Выберите контрольный орган."),
            Problem::NoKind => f.write_str("Выберите вид контроля, который ведёт этот орган."),
            Problem::NoOrganisation => {
                f.write_str("Выберите организацию, которой касалось мероприятие.")
            }
            Problem::ManualByBody => {
                f.write_str("Орган оценивает только мероприятия из реестра, которые он провёл.")
            }
            Problem::ConsultationByBody => f.write_str(
                "Орган оценивает бизнес только после КНМ или профилактического мероприятия.",
            ),
        }
    }
}

/// Whether a text is a canonical ЕРКНМ number (20 digits).
pub fn is_register_number(number: &str) -> bool {
    number.len() == 20 && number.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a submission against the criteria; `today` (`YYYY-MM-DD`) bounds a manual date.
/// Returns every problem at once so the form can mark them all.
pub fn validate(submission: &Submission, criteria: &Criteria, today: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let side = submission.side;
    match &submission.event {
        EventRef::Register { number } => {
            if !is_register_number(number) {
                problems.push(Problem::BadNumber);
            }
        }
        EventRef::Manual {
            body,
            kind,
            date,
            event_type,
            organisation_id,
        } => {
            if side == Side::Body {
                problems.push(Problem::ManualByBody);
            } else {
                // The kind first: the server reports the first problem, and the kind says most.
                if kind.trim().is_empty() {
                    problems.push(Problem::NoKind);
                }
                if body.trim().is_empty() {
                    problems.push(Problem::NoBody);
                }
                if !is_date(date) || date.as_str() > today {
                    problems.push(Problem::BadDate);
                }
                if organisation_id.trim().is_empty() {
                    problems.push(Problem::NoOrganisation);
                }
            }
            if !event_type.rateable_by(side) {
                problems.push(Problem::ConsultationByBody);
            }
        }
    }
    for score in &submission.scores {
        let criterion = &score.criterion;
        if !criteria.criteria_of(side).any(|c| &c.code == criterion) {
            problems.push(Problem::UnknownCriterion {
                criterion: criterion.clone(),
            });
            continue;
        }
        if submission
            .scores
            .iter()
            .filter(|s| &s.criterion == criterion)
            .count()
            > 1
        {
            if !problems.contains(&Problem::RepeatedCriterion {
                criterion: criterion.clone(),
            }) {
                problems.push(Problem::RepeatedCriterion {
                    criterion: criterion.clone(),
                });
            }
            continue;
        }
        if !(MIN_SCORE..=MAX_SCORE).contains(&score.score) {
            problems.push(Problem::OutOfRange {
                criterion: criterion.clone(),
            });
            continue;
        }
        if score
            .reasons
            .iter()
            .any(|r| !criteria.reasons_of(side).any(|known| &known.code == r))
        {
            problems.push(Problem::UnknownReason {
                criterion: criterion.clone(),
            });
        }
        if score.score < LOW_SCORE && score.reasons.is_empty() {
            problems.push(Problem::ReasonRequired {
                criterion: criterion.clone(),
            });
        }
        if score.note.chars().count() > MAX_NOTE_CHARS {
            problems.push(Problem::NoteTooLong {
                criterion: criterion.clone(),
            });
        }
    }
    for criterion in criteria.criteria_of(side) {
        if !submission
            .scores
            .iter()
            .any(|s| s.criterion == criterion.code)
        {
            problems.push(Problem::MissingScore {
                criterion: criterion.code.clone(),
            });
        }
    }
    if submission.comment.chars().count() > MAX_COMMENT_CHARS {
        problems.push(Problem::CommentTooLong);
    }
    problems
}

/// The mean of the scores, rounded to hundredths as stored.
pub fn average(scores: &[Score]) -> f64 {
    if scores.is_empty() {
        return 0.0;
    }
    let sum: u32 = scores.iter().map(|s| u32::from(s.score)).sum();
    (f64::from(sum) / scores.len() as f64 * 100.0).round() / 100.0
}

/// Whether any score needs the follow-up.
pub fn is_low(scores: &[Score]) -> bool {
    scores.iter().any(|s| s.score < LOW_SCORE)
}

fn is_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| value[range].parse::<u32>().ok();
    match (number(0..4), number(5..7), number(8..10)) {
        (Some(year), Some(month), Some(day)) => {
            let days = match month {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
                2 => 28,
                _ => return false,
            };
            (2000..=2100).contains(&year) && (1..=days).contains(&day)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(side: &str, code: &str) -> ReferenceItem {
        ReferenceItem {
            side: side.to_owned(),
            code: code.to_owned(),
            title_ru: code.to_owned(),
            title_en: code.to_owned(),
        }
    }

    fn criteria() -> Criteria {
        Criteria {
            criteria: vec![
                item("business", "courtesy"),
                item("business", "competence"),
                item("body", "readiness"),
            ],
            reasons: vec![item("business", "rude"), item("body", "late")],
        }
    }

    fn score(criterion: &str, score: u8, reasons: &[&str]) -> Score {
        Score {
            criterion: criterion.to_owned(),
            score,
            reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
            note: String::new(),
        }
    }

    fn by_business(scores: Vec<Score>) -> Submission {
        Submission {
            side: Side::Business,
            event: EventRef::Register {
                number: "27220011000100012345".to_owned(),
            },
            scores,
            comment: String::new(),
        }
    }

    #[test]
    fn a_complete_rating_passes() {
        let s = by_business(vec![
            score("courtesy", 10, &[]),
            score("competence", 5, &[]),
        ]);
        assert_eq!(validate(&s, &criteria(), "2026-11-22"), vec![]);
    }

    #[test]
    fn a_score_below_five_needs_a_listed_reason() {
        let s = by_business(vec![score("courtesy", 4, &[]), score("competence", 8, &[])]);
        assert_eq!(
            validate(&s, &criteria(), "2026-11-22"),
            vec![Problem::ReasonRequired {
                criterion: "courtesy".into()
            }]
        );
        let s = by_business(vec![
            score("courtesy", 3, &["rude"]),
            score("competence", 8, &[]),
        ]);
        assert!(validate(&s, &criteria(), "2026-11-22").is_empty());
        // A reason of the other side's list does not count.
        let s = by_business(vec![
            score("courtesy", 3, &["late"]),
            score("competence", 8, &[]),
        ]);
        assert_eq!(
            validate(&s, &criteria(), "2026-11-22")[0],
            Problem::UnknownReason {
                criterion: "courtesy".into()
            }
        );
    }

    #[test]
    fn every_criterion_of_the_side_and_nothing_else() {
        let s = by_business(vec![score("courtesy", 7, &[]), score("readiness", 7, &[])]);
        let problems = validate(&s, &criteria(), "2026-11-22");
        assert!(problems.contains(&Problem::UnknownCriterion {
            criterion: "readiness".into()
        }));
        assert!(problems.contains(&Problem::MissingScore {
            criterion: "competence".into()
        }));
        let s = by_business(vec![
            score("courtesy", 7, &[]),
            score("courtesy", 2, &[]),
            score("competence", 7, &[]),
        ]);
        assert_eq!(
            validate(&s, &criteria(), "2026-11-22"),
            vec![Problem::RepeatedCriterion {
                criterion: "courtesy".into()
            }]
        );
    }

    #[test]
    fn scores_stay_between_one_and_ten() {
        for bad in [0, 11, 255] {
            let s = by_business(vec![
                score("courtesy", bad, &[]),
                score("competence", 7, &[]),
            ]);
            assert_eq!(
                validate(&s, &criteria(), "2026-11-22"),
                vec![Problem::OutOfRange {
                    criterion: "courtesy".into()
                }]
            );
        }
        for edge in [1, 10] {
            let reasons: &[&str] = if edge < LOW_SCORE { &["rude"] } else { &[] };
            let s = by_business(vec![
                score("courtesy", edge, reasons),
                score("competence", 7, &[]),
            ]);
            assert!(validate(&s, &criteria(), "2026-11-22").is_empty());
        }
    }

    #[test]
    fn manual_events_are_for_businesses_with_a_past_date() {
        let manual = |side, date: &str, event_type| Submission {
            side,
            event: EventRef::Manual {
                body: "gku".into(),
                kind: "chs-nadzor".into(),
                date: date.into(),
                event_type,
                organisation_id: "x".into(),
            },
            scores: vec![],
            comment: String::new(),
        };
        let only_event = |s: &Submission| {
            validate(s, &Criteria::default(), "2026-11-22")
                .into_iter()
                .filter(|p| p.criterion().is_none())
                .collect::<Vec<_>>()
        };
        assert!(only_event(&manual(
            Side::Business,
            "2026-11-22",
            EventType::Consultation
        ))
        .is_empty());
        assert_eq!(
            only_event(&manual(Side::Business, "2026-11-23", EventType::Knm)),
            vec![Problem::BadDate]
        );
        for date in ["2026-02-29", "2026-13-01", "22.11.2026", "", "2024-02-30"] {
            assert_eq!(
                only_event(&manual(Side::Business, date, EventType::Knm)),
                vec![Problem::BadDate],
                "{date}"
            );
        }
        assert!(only_event(&manual(Side::Business, "2024-02-29", EventType::Knm)).is_empty());
        assert_eq!(
            only_event(&manual(Side::Body, "2026-11-01", EventType::Knm)),
            vec![Problem::ManualByBody]
        );
        // The kind, the body and the organisation are required, each named on its own.
        let mut blank = manual(Side::Business, "2026-11-01", EventType::Knm);
        if let EventRef::Manual {
            kind,
            organisation_id,
            ..
        } = &mut blank.event
        {
            kind.clear();
            *organisation_id = " ".into();
        }
        assert_eq!(
            only_event(&blank),
            vec![Problem::NoKind, Problem::NoOrganisation]
        );
        let mut no_body = manual(Side::Business, "2026-11-01", EventType::Knm);
        if let EventRef::Manual { body, .. } = &mut no_body.event {
            *body = " ".into();
        }
        assert_eq!(only_event(&no_body), vec![Problem::NoBody]);
        assert!(Problem::NoBody.to_string().contains("орган"));
    }

    #[test]
    fn register_numbers_are_twenty_digits() {
        assert!(is_register_number("27220011000100012345"));
        for bad in [
            "2722001100010001234",
            "2722001100010001234x",
            "",
            "272200110001000123456",
        ] {
            assert!(!is_register_number(bad), "{bad}");
        }
    }

    #[test]
    fn average_and_low() {
        let scores = vec![score("a", 3, &[]), score("b", 10, &[]), score("c", 10, &[])];
        assert_eq!(average(&scores), 7.67);
        assert!(is_low(&scores));
        assert!(!is_low(&scores[1..]));
        assert_eq!(average(&[]), 0.0);
    }

    #[test]
    fn problems_read_in_russian() {
        let text = Problem::ReasonRequired {
            criterion: "x".into(),
        }
        .to_string();
        assert!(text.contains("ниже 5"));
    }
}
