//! Who may act for an organisation: a representation is requested (by a claim, an invitation,
//! or later an identity check through ЕСИА), and becomes real only when someone entitled to
//! decide approves it. The rules here are shared by the cabinet form and the server.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest note a requester may add, and longest reason of a decision, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// The reason a submission in an organisation's name is refused while the sender's
/// representation of it waits for a decision.
pub const UNCONFIRMED: &str = "Представительство не подтверждено: организация ещё не \
    подтвердила, что вы её представитель. Черновик сохранён — отправьте его после \
    подтверждения.";

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for a representative of the organisation or the admin.
    Pending,
    /// The user acts for the organisation.
    Approved,
    /// Refused, with the reason.
    Declined,
    /// The requester took it back.
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Pending,
        Status::Approved,
        Status::Declined,
        Status::Withdrawn,
    ];

    /// The name stored in the database and sent in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Declined => "declined",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// A decision on a request as the decider typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub approve: bool,
    #[serde(default)]
    pub reason: String,
}

/// What is wrong with a note or a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// A refusal must say why: the requester reads it in the cabinet.
    ReasonMissing,
    TooLong,
}

impl fmt::Display for TextProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextProblem::ReasonMissing => {
                f.write_str("Укажите причину отказа: заявитель увидит её в личном кабинете.")
            }
            TextProblem::TooLong => write!(f, "Не больше {MAX_TEXT_CHARS} символов."),
        }
    }
}

impl Decision {
    /// The reason, trimmed; a refusal without one is refused.
    pub fn validate(&self) -> Result<String, TextProblem> {
        let reason = self.reason.trim();
        if reason.chars().count() > MAX_TEXT_CHARS {
            return Err(TextProblem::TooLong);
        }
        if !self.approve && reason.is_empty() {
            return Err(TextProblem::ReasonMissing);
        }
        Ok(reason.to_owned())
    }
}

/// A requester's note, trimmed and bounded.
pub fn validate_note(note: &str) -> Result<String, TextProblem> {
    let note = note.trim();
    if note.chars().count() > MAX_TEXT_CHARS {
        return Err(TextProblem::TooLong);
    }
    Ok(note.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{}\"", status.as_str())
            );
        }
        assert_eq!(Status::parse("granted"), None);
    }

    #[test]
    fn a_refusal_needs_a_reason_and_an_approval_does_not() {
        let refuse = |reason: &str| Decision {
            approve: false,
            reason: reason.into(),
        };
        assert_eq!(refuse("   ").validate(), Err(TextProblem::ReasonMissing));
        assert_eq!(
            refuse(" Доверенность просрочена ").validate().unwrap(),
            "Доверенность просрочена"
        );
        let approve = Decision {
            approve: true,
            reason: String::new(),
        };
        assert_eq!(approve.validate().unwrap(), "");
        assert!(TextProblem::ReasonMissing.to_string().contains("причину"));
    }

    #[test]
    fn texts_are_bounded_in_characters_not_bytes() {
        let at_limit = "я".repeat(MAX_TEXT_CHARS);
        assert!(validate_note(&at_limit).is_ok());
        assert_eq!(
            validate_note(&format!("{at_limit}я")),
            Err(TextProblem::TooLong)
        );
        let long_reason = Decision {
            approve: false,
            reason: format!("{at_limit}я"),
        };
        assert_eq!(long_reason.validate(), Err(TextProblem::TooLong));
    }
}
