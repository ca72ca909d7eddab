//! Catalogue reference types shared by the server, the device store and the pages: risk
//! categories, structured working hours, statuses of public discussions. Dates travel as ISO
//! strings (`YYYY-MM-DD`) so the browser needs no date library.

use serde::{Deserialize, Serialize};

/// Risk category of an organisation for one kind of control (248-ФЗ, art. 23).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RiskCategory {
    ExtremelyHigh,
    High,
    Significant,
    Medium,
    Moderate,
    Low,
}

impl RiskCategory {
    pub const ALL: [RiskCategory; 6] = [
        RiskCategory::ExtremelyHigh,
        RiskCategory::High,
        RiskCategory::Significant,
        RiskCategory::Medium,
        RiskCategory::Moderate,
        RiskCategory::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskCategory::ExtremelyHigh => "extremely_high",
            RiskCategory::High => "high",
            RiskCategory::Significant => "significant",
            RiskCategory::Medium => "medium",
            RiskCategory::Moderate => "moderate",
            RiskCategory::Low => "low",
        }
    }

    pub fn parse(value: &str) -> Option<RiskCategory> {
        RiskCategory::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// The legal name, as documents write it.
    pub fn name_ru(self) -> &'static str {
        match self {
            RiskCategory::ExtremelyHigh => "чрезвычайно высокий риск",
            RiskCategory::High => "высокий риск",
            RiskCategory::Significant => "значительный риск",
            RiskCategory::Medium => "средний риск",
            RiskCategory::Moderate => "умеренный риск",
            RiskCategory::Low => "низкий риск",
        }
    }
}

/// Opening hours of one day; times are `HH:MM`, local time of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayHours {
    pub open: String,
    pub close: String,
    /// Lunch break, when the body closes for one: `["13:00", "14:00"]`.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Vec<String>>))]
    pub lunch: Option<(String, String)>,
}

/// When a body receives visitors: a week (Monday first; `None` = closed), the holidays it is
/// closed on and the pre-holiday days that end an hour early.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WorkingHours {
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Option<DayHours>>))]
    pub week: [Option<DayHours>; 7],
    pub holidays: Vec<String>,
    pub shortened: Vec<String>,
}

/// Where a public discussion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DiscussionStatus {
    Planned,
    Held,
    Cancelled,
}

impl DiscussionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DiscussionStatus::Planned => "planned",
            DiscussionStatus::Held => "held",
            DiscussionStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<DiscussionStatus> {
        [
            DiscussionStatus::Planned,
            DiscussionStatus::Held,
            DiscussionStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

impl TryFrom<String> for DiscussionStatus {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        DiscussionStatus::parse(&value).ok_or_else(|| format!("unknown discussion status {value}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_round_trip_and_are_ordered_from_the_highest() {
        for c in RiskCategory::ALL {
            assert_eq!(RiskCategory::parse(c.as_str()), Some(c));
        }
        assert!(RiskCategory::ExtremelyHigh < RiskCategory::Low);
        assert_eq!(RiskCategory::Moderate.name_ru(), "умеренный риск");
    }
}
