//! The exactly-once channel from devices to the server (OFFLINE.md): the device gives every
//! operation an id (UUID v7) when the user commits to it, keeps it queued until the server has
//! answered for it, and may send it any number of times; the server applies each id once and
//! answers a repeat with the stored outcome. Ratings use it first; self-assessments, appeals
//! and bookings add their own kinds.

use serde::{Deserialize, Serialize};

/// Most operations one push may carry; a device sends its queue in batches of this size.
pub const MAX_BATCH: usize = 100;

/// The kinds of operation the server applies.
pub mod kinds {
    /// A rating of an event (payload: [`crate::domain::rating::Submission`]).
    pub const RATING_SUBMIT: &str = "rating.submit";
    /// A finished self-assessment (payload: [`crate::domain::self_check::Submission`]).
    pub const SELF_CHECK_SUBMIT: &str = "self_check.submit";
    /// An evaluation of a requirement from the catalogue (payload:
    /// [`crate::domain::self_check::Evaluation`]).
    pub const REQUIREMENT_EVALUATE: &str = "requirement.evaluate";
}

/// One operation as the device queued it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Op {
    /// Chosen by the device; the same operation always travels with the same id.
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = "uuid"))]
    pub op_id: uuid::Uuid,
    pub kind: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub payload: serde_json::Value,
}

/// What became of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Applied now.
    Applied,
    /// Applied earlier; `result` is what was stored then.
    Duplicate,
    /// Not applied, and sending it again will not change that; `reason` says why.
    Rejected,
    /// Not applied because of a fault on the server (not the operation's content): nothing of
    /// it was kept, not even its id, so sending it again later applies it once.
    Retry,
}

/// The answer for one operation, in the order they were sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub op_id: uuid::Uuid,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Outcome {
    pub fn rejected(op_id: uuid::Uuid, reason: impl Into<String>) -> Self {
        Outcome {
            op_id,
            status: Status::Rejected,
            result: None,
            reason: Some(reason.into()),
        }
    }

    /// The server could not apply it now; the device keeps it queued and sends it again.
    pub fn retry(op_id: uuid::Uuid) -> Self {
        Outcome {
            op_id,
            status: Status::Retry,
            result: None,
            reason: Some(
                "Сервер временно не смог принять эту операцию; она будет отправлена снова.".into(),
            ),
        }
    }
}
