//! The exactly-once channel from devices to the server (OFFLINE.md): the device gives every
//! operation an id (UUID v7) when the user commits to it, keeps it queued until the server has
//! answered for it, and may send it any number of times; the server applies each id once and
//! answers a repeat with the stored outcome. Ratings use it first; self-assessments, appeals
//! and bookings add their own kinds.

use serde::{Deserialize, Serialize};

/// Most operations one push may carry; a device sends its queue in batches of this size.
pub const MAX_BATCH: usize = 100;

/// Most payload bytes a device puts in one push. The server refuses bodies over 10 MiB (413),
/// and a hundred self-assessments of the largest checklist with long notes come close to that
/// (measured in `server/tests/it/abuse.rs`), so batches are cut by size as well as by count.
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

/// How many of the leading items, of these payload sizes, go in one push: at most
/// [`MAX_BATCH`], at most [`MAX_BATCH_BYTES`] together, and always at least one (an item
/// larger than the cap goes alone, and the server answers for it).
pub fn batch_len(sizes: impl IntoIterator<Item = usize>) -> usize {
    let mut total = 0usize;
    let mut count = 0usize;
    for size in sizes.into_iter().take(MAX_BATCH) {
        total = total.saturating_add(size);
        if count > 0 && total > MAX_BATCH_BYTES {
            break;
        }
        count += 1;
    }
    count
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_cut_by_count_and_by_bytes() {
        assert_eq!(batch_len([]), 0);
        assert_eq!(batch_len([10; 250]), MAX_BATCH);
        // 1 MiB items: four fit, the fifth would pass the cap.
        assert_eq!(batch_len([1024 * 1024; 10]), 4);
        // Exactly at the cap still fits.
        assert_eq!(batch_len([MAX_BATCH_BYTES / 2, MAX_BATCH_BYTES / 2, 1]), 2);
        // An item over the cap goes alone, never zero items (the queue must move).
        assert_eq!(batch_len([MAX_BATCH_BYTES * 3, 1]), 1);
        assert_eq!(batch_len([1, MAX_BATCH_BYTES * 3]), 1);
    }
}
