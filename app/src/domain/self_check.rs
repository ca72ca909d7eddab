//! The self-assessment «Электронный инспектор» and the evaluation of requirements (seed 001):
//! one rule for the device (progress, result and problems while offline) and the server (the
//! authority when the submission arrives).
//!
//! A checklist is a kind's mandatory requirements, one question each. The device keeps the
//! questions as they were when the user started; if the catalogue changed since, the draft
//! keeps its version and [`changes`] says what is different.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::rating_stats::MIN_RESPONDENTS;

pub const MAX_NOTE_CHARS: usize = 1000;
pub const MAX_PROPOSAL_CHARS: usize = 4000;
pub const MIN_QUESTION_CHARS: usize = 10;
pub const MAX_QUESTION_CHARS: usize = 1000;
/// A declaration of compliance is valid this many years from the day it is made.
pub const DECLARATION_YEARS: i32 = 1;
/// The reminder shows this many days before a declaration lapses.
pub const REMIND_DAYS: i64 = 30;
/// Bounds of the cost calculator: beyond them the figure is a typing mistake.
pub const MAX_HOURS: f64 = 1_000_000.0;
pub const MAX_HOURLY_RATE: f64 = 100_000.0;
pub const MAX_DIRECT_COSTS: f64 = 10_000_000_000.0;

/// The answer to «Соблюдается ли требование …?».
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    /// The requirement does not apply to this business.
    Na,
}

impl Answer {
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::Na => "na",
        }
    }
}

/// How to fix a gap: a typical violation of the requirement (seed 000's catalogue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Fix {
    pub what_goes_wrong: String,
    pub how_to_fix: String,
}

/// One question of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Question {
    pub requirement_id: String,
    /// «Соблюдается ли требование …?», or the wording the body gave it.
    pub question: String,
    pub requirement: String,
    /// The legal reference: the act and its structural unit.
    pub act: String,
    pub structural_unit: String,
    pub act_url: String,
    pub fixes: Vec<Fix>,
    /// Moves whenever the requirement or the question's wording is edited.
    pub revision: i64,
}

/// A kind's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Checklist {
    pub kind: String,
    pub kind_name: String,
    pub body: String,
    pub questions: Vec<Question>,
}

/// The question generated for a requirement that nobody reworded.
pub fn default_question(requirement: &str) -> String {
    let text = requirement.trim().trim_end_matches(['.', ';']);
    format!("Соблюдается ли требование: «{text}»?")
}

/// One answered question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub requirement_id: String,
    pub answer: Answer,
    #[serde(default)]
    pub note: String,
}

/// The yearly cost of compliance: hours a year × the hourly rate + direct costs, in roubles.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Cost {
    pub hours: f64,
    pub hourly_rate: f64,
    pub direct_costs: f64,
}

impl Cost {
    /// The yearly total rounded to kopecks, or why the inputs cannot be right.
    pub fn yearly(&self) -> Result<f64, Problem> {
        let bounded = |value: f64, max: f64| value.is_finite() && (0.0..=max).contains(&value);
        if !bounded(self.hours, MAX_HOURS) {
            return Err(Problem::BadHours);
        }
        if !bounded(self.hourly_rate, MAX_HOURLY_RATE) {
            return Err(Problem::BadRate);
        }
        if !bounded(self.direct_costs, MAX_DIRECT_COSTS) {
            return Err(Problem::BadDirectCosts);
        }
        let total = self.hours * self.hourly_rate + self.direct_costs;
        Ok((total * 100.0).round() / 100.0)
    }
}

/// A user's evaluation of one requirement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub requirement_id: String,
    /// 1–5: how clear the requirement is.
    pub clarity: u8,
    /// 1–5: how feasible compliance is.
    pub feasibility: u8,
    /// The requirement it contradicts, if the user says it does.
    #[serde(default)]
    pub contradicts: Option<String>,
    #[serde(default)]
    pub cost: Option<Cost>,
    #[serde(default)]
    pub proposal: String,
}

/// A self-assessment as the device sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub organisation_id: String,
    /// `YYYY-MM-DD`, the day the user started.
    pub started_on: String,
    pub checklists: Vec<Checklist>,
    pub replies: Vec<Reply>,
    /// Send it to the bodies of these kinds (it then counts for good faith).
    #[serde(default)]
    pub to_body: bool,
    /// Keep it as a declaration of compliance (only a fully met checklist).
    #[serde(default)]
    pub declare: bool,
    #[serde(default)]
    pub evaluations: Vec<Evaluation>,
}

impl Submission {
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.checklists.iter().flat_map(|c| c.questions.iter())
    }

    pub fn reply(&self, requirement_id: &str) -> Option<&Reply> {
        self.replies
            .iter()
            .find(|r| r.requirement_id == requirement_id)
    }

    pub fn score(&self) -> Score {
        score(self.questions(), &self.replies)
    }

    /// The first question without an answer: where the user resumes.
    pub fn next_unanswered(&self) -> Option<&Question> {
        self.questions()
            .find(|q| self.reply(&q.requirement_id).is_none())
    }
}

/// How far a checklist is answered and how well it is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Score {
    pub total: u32,
    pub answered: u32,
    /// Answered yes or no.
    pub applicable: u32,
    pub met: u32,
}

impl Score {
    /// The share of applicable requirements met, 0–100 %; `None` when nothing applies.
    pub fn percent(&self) -> Option<u32> {
        (self.applicable > 0).then(|| {
            ((u64::from(self.met) * 100 + u64::from(self.applicable) / 2)
                / u64::from(self.applicable)) as u32
        })
    }

    pub fn complete(&self) -> bool {
        self.answered == self.total
    }

    /// Every applicable requirement met, and at least one applies: what a declaration needs.
    pub fn fully_met(&self) -> bool {
        self.complete() && self.applicable > 0 && self.met == self.applicable
    }

    pub fn gaps(&self) -> u32 {
        self.applicable - self.met
    }
}

/// Scores the answers given to `questions` (answers to anything else are ignored).
pub fn score<'a>(questions: impl Iterator<Item = &'a Question>, replies: &[Reply]) -> Score {
    let mut score = Score::default();
    for question in questions {
        score.total += 1;
        let Some(reply) = replies
            .iter()
            .find(|r| r.requirement_id == question.requirement_id)
        else {
            continue;
        };
        score.answered += 1;
        match reply.answer {
            Answer::Yes => {
                score.applicable += 1;
                score.met += 1;
            }
            Answer::No => score.applicable += 1,
            Answer::Na => {}
        }
    }
    score
}

/// What users think of one requirement (seed 001), as published: the figures count people
/// (a user's later evaluation replaces their earlier one). With fewer than
/// [`MIN_RESPONDENTS`] evaluations the requirement is listed with `withheld` set and every
/// figure `null`: a mean of two answers gives away each of them to whoever knows one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Aggregate {
    pub requirement_id: String,
    /// The kind of control's slug.
    pub kind: String,
    pub requirement: String,
    /// Fewer than 5 users evaluated it: the figures below are not published (`null`).
    pub withheld: bool,
    /// How many users evaluated it (5 or more).
    pub count: Option<i64>,
    /// Mean clarity, 1–5.
    pub clarity: Option<f64>,
    /// Mean feasibility, 1–5.
    pub feasibility: Option<f64>,
    /// Share of evaluations saying it contradicts another requirement, 0–1.
    pub contradictory_share: Option<f64>,
    /// Median yearly cost of compliance in roubles, over those who gave one; `null` unless at
    /// least 5 gave one.
    pub median_cost: Option<f64>,
    /// How many gave a cost.
    pub costs: Option<i64>,
    /// How many proposed a change.
    pub proposals: Option<i64>,
}

/// The raw figures of one requirement's evaluations, before [`Tally::publish`] decides what
/// of them may be shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub requirement_id: String,
    pub kind: String,
    pub requirement: String,
    pub count: i64,
    pub clarity: f64,
    pub feasibility: f64,
    pub contradictory_share: f64,
    pub median_cost: Option<f64>,
    pub costs: i64,
    pub proposals: i64,
}

impl Tally {
    /// The published figures (two decimals): all of them from [`MIN_RESPONDENTS`] evaluations
    /// on, none below; the median cost only when that many gave a cost.
    pub fn publish(self) -> Aggregate {
        let enough = self.count >= MIN_RESPONDENTS;
        let round = |x: f64| (x * 100.0).round() / 100.0;
        let shown = |x: f64| enough.then(|| round(x));
        Aggregate {
            withheld: !enough,
            count: enough.then_some(self.count),
            clarity: shown(self.clarity),
            feasibility: shown(self.feasibility),
            contradictory_share: shown(self.contradictory_share),
            median_cost: self
                .median_cost
                .filter(|_| enough && self.costs >= MIN_RESPONDENTS)
                .map(round),
            costs: enough.then_some(self.costs),
            proposals: enough.then_some(self.proposals),
            requirement_id: self.requirement_id,
            kind: self.kind,
            requirement: self.requirement,
        }
    }
}

/// What is wrong with a submission or an evaluation, in the words the user sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    NoOrganisation,
    NoChecklist,
    BadStartDate,
    Unanswered { count: u32 },
    NoteTooLong,
    DeclarationNotMet,
    BadClarity,
    BadFeasibility,
    ContradictsItself,
    BadHours,
    BadRate,
    BadDirectCosts,
    ProposalTooLong,
    QuestionLength,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoOrganisation => f.write_str("Выберите организацию."),
            Problem::NoChecklist => f.write_str("Выберите хотя бы один вид контроля."),
            Problem::BadStartDate => f.write_str("Дата начала самопроверки указана неверно."),
            Problem::Unanswered { count } => {
                write!(f, "Ответьте на все вопросы: осталось {count}.")
            }
            Problem::NoteTooLong => write!(f, "Примечание — не длиннее {MAX_NOTE_CHARS} символов."),
            Problem::DeclarationNotMet => f.write_str(
                "Декларацию соблюдения можно оформить, только если соблюдены все применимые \
                 требования.",
            ),
            Problem::BadClarity => f.write_str("Оцените понятность от 1 до 5."),
            Problem::BadFeasibility => f.write_str("Оцените выполнимость от 1 до 5."),
            Problem::ContradictsItself => {
                f.write_str("Требование не может противоречить самому себе.")
            }
            Problem::BadHours => f.write_str("Часы в год — число от 0 до 1 000 000."),
            Problem::BadRate => f.write_str("Стоимость часа — от 0 до 100 000 ₽."),
            Problem::BadDirectCosts => f.write_str("Прямые затраты — от 0 до 10 000 000 000 ₽."),
            Problem::ProposalTooLong => {
                write!(f, "Предложение — не длиннее {MAX_PROPOSAL_CHARS} символов.")
            }
            Problem::QuestionLength => write!(
                f,
                "Вопрос — от {MIN_QUESTION_CHARS} до {MAX_QUESTION_CHARS} символов."
            ),
        }
    }
}

/// Checks a self-assessment before it is sent (device) and when it arrives (server).
pub fn validate(submission: &Submission, today: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    if submission.organisation_id.trim().is_empty() {
        problems.push(Problem::NoOrganisation);
    }
    if submission.checklists.is_empty() {
        problems.push(Problem::NoChecklist);
    }
    if parse_date(&submission.started_on).is_none() || submission.started_on.as_str() > today {
        problems.push(Problem::BadStartDate);
    }
    let score = submission.score();
    if !score.complete() {
        problems.push(Problem::Unanswered {
            count: score.total - score.answered,
        });
    }
    if submission
        .replies
        .iter()
        .any(|r| r.note.chars().count() > MAX_NOTE_CHARS)
    {
        problems.push(Problem::NoteTooLong);
    }
    if submission.declare && score.complete() && !score.fully_met() {
        problems.push(Problem::DeclarationNotMet);
    }
    for evaluation in &submission.evaluations {
        problems.extend(validate_evaluation(evaluation));
    }
    problems.dedup();
    problems
}

/// Checks one evaluation of a requirement.
pub fn validate_evaluation(evaluation: &Evaluation) -> Vec<Problem> {
    let mut problems = Vec::new();
    if !(1..=5).contains(&evaluation.clarity) {
        problems.push(Problem::BadClarity);
    }
    if !(1..=5).contains(&evaluation.feasibility) {
        problems.push(Problem::BadFeasibility);
    }
    if evaluation.contradicts.as_deref() == Some(evaluation.requirement_id.as_str()) {
        problems.push(Problem::ContradictsItself);
    }
    if let Some(cost) = evaluation.cost {
        if let Err(problem) = cost.yearly() {
            problems.push(problem);
        }
    }
    if evaluation.proposal.chars().count() > MAX_PROPOSAL_CHARS {
        problems.push(Problem::ProposalTooLong);
    }
    problems
}

/// Checks a rewording of a question.
pub fn validate_question(question: &str) -> Result<String, Problem> {
    let question = question.trim();
    let length = question.chars().count();
    if (MIN_QUESTION_CHARS..=MAX_QUESTION_CHARS).contains(&length) {
        Ok(question.to_owned())
    } else {
        Err(Problem::QuestionLength)
    }
}

/// What changed in a kind's checklist since the device took its copy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// New requirements (their questions now).
    pub added: Vec<String>,
    /// Requirements no longer in the catalogue (their questions then).
    pub removed: Vec<String>,
    /// Requirements or questions edited since (their questions now).
    pub changed: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares the questions the draft started with to the catalogue's current ones.
pub fn changes(started: &[Question], current: &[Question]) -> Changes {
    let find = |list: &[Question], id: &str| list.iter().position(|q| q.requirement_id == id);
    let mut result = Changes::default();
    for question in current {
        match find(started, &question.requirement_id) {
            None => result.added.push(question.question.clone()),
            Some(i) if started[i].revision != question.revision => {
                result.changed.push(question.question.clone())
            }
            Some(_) => {}
        }
    }
    for question in started {
        if find(current, &question.requirement_id).is_none() {
            result.removed.push(question.question.clone());
        }
    }
    result
}

/// A declaration's standing on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Valid {
        days_left: i64,
    },
    /// Valid, but lapses within [`REMIND_DAYS`]: time to self-assess again.
    Expiring {
        days_left: i64,
    },
    Expired,
}

/// The last day a declaration made on `made_on` is valid: one year on, less a day (a
/// declaration of 29 February runs to 28 February).
pub fn declared_until(made_on: &str) -> Option<String> {
    let date = parse_date(made_on)?;
    let year = date.year() + DECLARATION_YEARS;
    let anniversary = date
        .replace_year(year)
        .or_else(|_| time::Date::from_calendar_date(year, time::Month::March, 1))
        .ok()?;
    Some(format_date(anniversary.previous_day()?))
}

/// Whether a declaration valid until `until` is still valid on `today`.
pub fn validity(until: &str, today: &str) -> Option<Validity> {
    let until = parse_date(until)?;
    let today = parse_date(today)?;
    let days_left = (until - today).whole_days();
    Some(if days_left < 0 {
        Validity::Expired
    } else if days_left <= REMIND_DAYS {
        Validity::Expiring { days_left }
    } else {
        Validity::Valid { days_left }
    })
}

/// A `YYYY-MM-DD` date, or `None`.
pub fn parse_date(value: &str) -> Option<time::Date> {
    let bytes = value.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i32 = value[0..4].parse().ok()?;
    let month: u8 = value[5..7].parse().ok()?;
    let day: u8 = value[8..10].parse().ok()?;
    if !(2000..=2100).contains(&year) {
        return None;
    }
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

fn format_date(date: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(id: &str, revision: i64) -> Question {
        Question {
            requirement_id: id.to_owned(),
            question: format!("Вопрос {id}"),
            requirement: format!("Требование {id}"),
            act: "Закон".to_owned(),
            structural_unit: "ст. 1".to_owned(),
            act_url: String::new(),
            fixes: Vec::new(),
            revision,
        }
    }

    fn reply(id: &str, answer: Answer) -> Reply {
        Reply {
            requirement_id: id.to_owned(),
            answer,
            note: String::new(),
        }
    }

    fn submission(answers: &[Answer]) -> Submission {
        let questions: Vec<Question> = (0..answers.len())
            .map(|i| question(&i.to_string(), 1))
            .collect();
        Submission {
            organisation_id: "org".to_owned(),
            started_on: "2026-11-01".to_owned(),
            checklists: vec![Checklist {
                kind: "k".to_owned(),
                kind_name: "Вид".to_owned(),
                body: "Орган".to_owned(),
                questions,
            }],
            replies: answers
                .iter()
                .enumerate()
                .map(|(i, a)| reply(&i.to_string(), *a))
                .collect(),
            to_body: false,
            declare: false,
            evaluations: Vec::new(),
        }
    }

    fn evaluation() -> Evaluation {
        Evaluation {
            requirement_id: "a".to_owned(),
            clarity: 3,
            feasibility: 4,
            contradicts: None,
            cost: None,
            proposal: String::new(),
        }
    }

    #[test]
    fn the_share_counts_only_applicable_requirements() {
        use Answer::*;
        let s = submission(&[Yes, No, Na, Yes]).score();
        assert_eq!(
            s,
            Score {
                total: 4,
                answered: 4,
                applicable: 3,
                met: 2
            }
        );
        assert_eq!(s.percent(), Some(67));
        assert_eq!(s.gaps(), 1);
        assert!(!s.fully_met());
    }

    #[test]
    fn all_not_applicable_has_no_share_and_no_declaration() {
        let mut sub = submission(&[Answer::Na; 5]);
        let s = sub.score();
        assert_eq!(s.percent(), None);
        assert!(s.complete());
        assert!(!s.fully_met());
        sub.declare = true;
        assert_eq!(
            validate(&sub, "2026-11-22"),
            vec![Problem::DeclarationNotMet]
        );
    }

    #[test]
    fn a_fully_met_checklist_may_be_declared() {
        use Answer::*;
        let mut sub = submission(&[Yes, Na, Yes]);
        sub.declare = true;
        assert!(sub.score().fully_met());
        assert_eq!(sub.score().percent(), Some(100));
        assert!(validate(&sub, "2026-11-22").is_empty());
        sub.replies[0].answer = No;
        assert_eq!(
            validate(&sub, "2026-11-22"),
            vec![Problem::DeclarationNotMet]
        );
    }

    #[test]
    fn an_unfinished_checklist_says_how_many_are_left_and_where_to_resume() {
        let mut sub = submission(&[Answer::Yes; 4]);
        sub.replies.remove(1);
        sub.replies.remove(1);
        assert_eq!(sub.next_unanswered().unwrap().requirement_id, "1");
        assert_eq!(sub.score().answered, 2);
        assert_eq!(
            validate(&sub, "2026-11-22"),
            vec![Problem::Unanswered { count: 2 }]
        );
        // Answers to questions that are not in the checklist do not count.
        sub.replies.push(reply("zzz", Answer::Yes));
        assert_eq!(sub.score().answered, 2);
    }

    #[test]
    fn bad_submissions_are_refused() {
        let mut sub = submission(&[Answer::Yes]);
        sub.organisation_id = " ".to_owned();
        sub.started_on = "2026-11-23".to_owned();
        sub.replies[0].note = "я".repeat(MAX_NOTE_CHARS + 1);
        assert_eq!(
            validate(&sub, "2026-11-22"),
            vec![
                Problem::NoOrganisation,
                Problem::BadStartDate,
                Problem::NoteTooLong
            ]
        );
        sub.checklists.clear();
        sub.started_on = "2026-02-30".to_owned();
        let problems = validate(&sub, "2026-11-22");
        assert!(problems.contains(&Problem::NoChecklist));
        assert!(problems.contains(&Problem::BadStartDate));
    }

    #[test]
    fn the_cost_calculator_multiplies_and_adds_in_roubles() {
        let cost = Cost {
            hours: 12.5,
            hourly_rate: 850.0,
            direct_costs: 30_000.0,
        };
        assert_eq!(cost.yearly(), Ok(40_625.0));
        assert_eq!(Cost::default().yearly(), Ok(0.0));
        let kopecks = Cost {
            hours: 0.333,
            hourly_rate: 1000.0,
            direct_costs: 0.0,
        };
        assert_eq!(kopecks.yearly(), Ok(333.0));
        let at_the_bounds = Cost {
            hours: MAX_HOURS,
            hourly_rate: MAX_HOURLY_RATE,
            direct_costs: MAX_DIRECT_COSTS,
        };
        assert_eq!(at_the_bounds.yearly(), Ok(110_000_000_000.0));
    }

    #[test]
    fn the_cost_calculator_refuses_impossible_figures() {
        let base = Cost::default();
        for (cost, problem) in [
            (
                Cost {
                    hours: -1.0,
                    ..base
                },
                Problem::BadHours,
            ),
            (
                Cost {
                    hours: f64::NAN,
                    ..base
                },
                Problem::BadHours,
            ),
            (
                Cost {
                    hours: MAX_HOURS + 1.0,
                    ..base
                },
                Problem::BadHours,
            ),
            (
                Cost {
                    hourly_rate: f64::INFINITY,
                    ..base
                },
                Problem::BadRate,
            ),
            (
                Cost {
                    direct_costs: -0.01,
                    ..base
                },
                Problem::BadDirectCosts,
            ),
        ] {
            assert_eq!(cost.yearly(), Err(problem));
        }
    }

    #[test]
    fn evaluations_are_checked() {
        assert!(validate_evaluation(&evaluation()).is_empty());
        let mut bad = evaluation();
        bad.clarity = 0;
        bad.feasibility = 6;
        bad.contradicts = Some("a".to_owned());
        bad.cost = Some(Cost {
            hourly_rate: -5.0,
            ..Cost::default()
        });
        bad.proposal = "я".repeat(MAX_PROPOSAL_CHARS + 1);
        assert_eq!(
            validate_evaluation(&bad),
            vec![
                Problem::BadClarity,
                Problem::BadFeasibility,
                Problem::ContradictsItself,
                Problem::BadRate,
                Problem::ProposalTooLong
            ]
        );
        let mut sub = submission(&[Answer::Yes]);
        sub.evaluations.push(bad);
        assert!(validate(&sub, "2026-11-22").contains(&Problem::BadClarity));
    }

    #[test]
    fn a_declaration_is_valid_for_one_year() {
        assert_eq!(declared_until("2026-11-22").as_deref(), Some("2027-11-21"));
        assert_eq!(declared_until("2026-01-01").as_deref(), Some("2026-12-31"));
        // 29 February: the anniversary does not exist; valid through 28 February.
        assert_eq!(declared_until("2028-02-29").as_deref(), Some("2029-02-28"));
        assert_eq!(declared_until("2026-13-01"), None);
        assert_eq!(declared_until("вчера"), None);
    }

    #[test]
    fn a_reminder_comes_thirty_days_before_a_declaration_lapses() {
        let until = "2027-11-21";
        assert_eq!(
            validity(until, "2026-11-22"),
            Some(Validity::Valid { days_left: 364 })
        );
        assert_eq!(
            validity(until, "2027-10-21"),
            Some(Validity::Valid { days_left: 31 })
        );
        assert_eq!(
            validity(until, "2027-10-22"),
            Some(Validity::Expiring { days_left: 30 })
        );
        assert_eq!(
            validity(until, "2027-11-21"),
            Some(Validity::Expiring { days_left: 0 })
        );
        assert_eq!(validity(until, "2027-11-22"), Some(Validity::Expired));
        assert_eq!(validity("bad", "2027-11-22"), None);
    }

    #[test]
    fn changes_since_the_draft_started_are_named() {
        let started = vec![question("a", 1), question("b", 1), question("c", 1)];
        let current = vec![question("a", 1), question("b", 7), question("d", 9)];
        let changes = changes(&started, &current);
        assert_eq!(changes.added, vec!["Вопрос d"]);
        assert_eq!(changes.removed, vec!["Вопрос c"]);
        assert_eq!(changes.changed, vec!["Вопрос b"]);
        assert!(super::changes(&started, &started).is_empty());
    }

    #[test]
    fn a_draft_keeps_the_version_it_started_with() {
        // The score is over the questions the draft holds, whatever the catalogue says now.
        let mut sub = submission(&[Answer::Yes, Answer::No]);
        let current = vec![question("0", 5)];
        assert!(!changes(&sub.checklists[0].questions, &current).is_empty());
        assert_eq!(sub.score().total, 2);
        sub.replies[1].answer = Answer::Yes;
        assert!(sub.score().fully_met());
    }

    #[test]
    fn questions_are_generated_and_reworded_within_bounds() {
        assert_eq!(
            default_question("Наличие огнетушителей. "),
            "Соблюдается ли требование: «Наличие огнетушителей»?"
        );
        assert_eq!(
            validate_question("  Есть ли огнетушители на каждом этаже?  ").as_deref(),
            Ok("Есть ли огнетушители на каждом этаже?")
        );
        assert_eq!(validate_question("Есть?"), Err(Problem::QuestionLength));
        assert_eq!(
            validate_question(&"я".repeat(MAX_QUESTION_CHARS + 1)),
            Err(Problem::QuestionLength)
        );
    }

    fn tally(count: i64, costs: i64) -> Tally {
        Tally {
            requirement_id: "r".into(),
            kind: "k".into(),
            requirement: "Требование".into(),
            count,
            clarity: 3.456,
            feasibility: 2.0,
            contradictory_share: 0.25,
            median_cost: Some(12_000.0),
            costs,
            proposals: 1,
        }
    }

    #[test]
    fn evaluations_are_published_only_from_k_people() {
        let below = tally(MIN_RESPONDENTS - 1, MIN_RESPONDENTS - 1).publish();
        assert!(below.withheld);
        assert_eq!(
            (below.count, below.clarity, below.feasibility),
            (None, None, None)
        );
        assert_eq!(
            (below.contradictory_share, below.median_cost, below.costs),
            (None, None, None)
        );
        assert_eq!(below.proposals, None);
        assert_eq!(below.requirement, "Требование", "the item is still listed");

        let enough = tally(MIN_RESPONDENTS, MIN_RESPONDENTS).publish();
        assert!(!enough.withheld);
        assert_eq!(enough.count, Some(MIN_RESPONDENTS));
        assert_eq!(enough.clarity, Some(3.46));
        assert_eq!(enough.median_cost, Some(12_000.0));

        // Enough evaluations, but too few of them gave a cost: no median of a few costs.
        let few_costs = tally(MIN_RESPONDENTS + 3, MIN_RESPONDENTS - 1).publish();
        assert_eq!(few_costs.clarity, Some(3.46));
        assert_eq!(few_costs.median_cost, None);
        assert_eq!(few_costs.costs, Some(MIN_RESPONDENTS - 1));
    }
}
