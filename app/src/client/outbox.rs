//! Drafts and the outbox on the device (OFFLINE.md): every draft is saved to IndexedDB as the
//! user types; submitting flips it to `queued` with a fresh operation id in the same write; the
//! queue is sent through `POST /api/sync/push` on app start, when the network comes back, when
//! the tab becomes visible and every minute, by one tab at a time (a Web Lock). An item leaves
//! the queue only when the server has answered for it: `sent`, or `rejected` with the reason
//! (then it is editable again and a new submission gets a new id).
//!
//! Several tabs may edit one draft: each save writes only the fields that tab changed, in one
//! read-modify-write transaction (`client::merge`), and tells the other tabs on a
//! BroadcastChannel so they show the merged draft at once.
//!
//! The queue never jams: an item the server answers `retry` (or that fails with a server error)
//! waits with an exponential backoff while the rest is sent; after a few failures it is shown
//! as stuck with «Повторить» and «Удалить черновик». An item whose operation id is unreadable
//! (damaged storage) is marked and shown, never sent.

#[cfg(feature = "hydrate")]
mod send;
#[cfg(feature = "hydrate")]
mod store;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::merge::Stamps;

/// Failed attempts after which a queued item is shown as stuck (it is still retried).
pub const STUCK_AFTER: u32 = 3;
/// The first wait after a failed attempt, doubled after each failure up to [`MAX_BACKOFF_MS`].
pub const FIRST_BACKOFF_MS: f64 = 30_000.0;
pub const MAX_BACKOFF_MS: f64 = 30.0 * 60_000.0;

/// How long to wait after the `attempts`-th failure in a row.
pub fn backoff_ms(attempts: u32) -> f64 {
    let doublings = attempts.saturating_sub(1).min(16);
    (FIRST_BACKOFF_MS * f64::from(1u32 << doublings)).min(MAX_BACKOFF_MS)
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Draft,
    Queued,
    Sent,
    Rejected,
}

/// A draft or a submission, as the device keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The draft's id (UUID v7 made on the device).
    pub id: String,
    /// The operation kind it is sent as (`rating.submit`, …).
    pub kind: String,
    /// What the list shows, e.g. «Оценка мероприятия № …».
    pub title: String,
    pub payload: Value,
    pub status: ItemStatus,
    /// The id it travels with once submitted; a new one after an edit of a rejected item.
    #[serde(default)]
    pub op_id: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub result: Option<Value>,
    /// Last change, ms since the epoch.
    pub updated_ms: f64,
    /// When each field of the draft was last edited, for merging the edits of several tabs.
    #[serde(default)]
    pub stamps: Stamps,
    /// Sending attempts in a row that the server could not apply (queued items).
    #[serde(default)]
    pub attempts: u32,
    /// Not sent again automatically before this moment (ms since the epoch).
    #[serde(default)]
    pub retry_at_ms: Option<f64>,
}

impl Item {
    /// The part of an item that several tabs edit and merge: its title and payload.
    pub fn doc(&self) -> Value {
        serde_json::json!({ "title": self.title, "payload": self.payload })
    }

    /// A queued item that failed several times in a row; the user may retry or delete it.
    pub fn is_stuck(&self) -> bool {
        self.status == ItemStatus::Queued && self.attempts >= STUCK_AFTER
    }

    /// Editable in its form: a draft, or a submission the server turned down.
    pub fn is_editable(&self) -> bool {
        matches!(self.status, ItemStatus::Draft | ItemStatus::Rejected)
    }
}

/// What the pages see of the outbox.
#[derive(Clone, Copy)]
pub struct Outbox {
    /// Every item on the device, newest first; `None` until loaded (and on the server).
    pub items: RwSignal<Option<Vec<Item>>>,
    pub sending: RwSignal<bool>,
    /// Why the last attempt did not reach the server (offline, signed out…), if it did not.
    pub problem: RwSignal<Option<String>>,
    /// The id of the item another tab (or this one) changed last; set on every change.
    pub changed: RwSignal<Option<String>>,
}

impl Outbox {
    pub fn queued(&self) -> usize {
        self.items
            .get()
            .map(|items| {
                items
                    .iter()
                    .filter(|i| i.status == ItemStatus::Queued)
                    .count()
            })
            .unwrap_or(0)
    }

    /// Sends what is queued and due, now.
    pub fn flush(&self) {
        #[cfg(feature = "hydrate")]
        send::flush(*self, false);
    }

    /// Sends everything queued now, also what waits out a backoff after a failure: the user
    /// asked for it.
    pub fn send_now(&self) {
        #[cfg(feature = "hydrate")]
        send::flush(*self, true);
    }

    /// Re-reads the items from the device.
    pub fn reload(&self) {
        #[cfg(feature = "hydrate")]
        store::reload(*self);
    }
}

pub fn provide_outbox() -> Outbox {
    let outbox = Outbox {
        items: RwSignal::new(None),
        sending: RwSignal::new(false),
        problem: RwSignal::new(None),
        changed: RwSignal::new(None),
    };
    provide_context(outbox);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        store::listen(outbox);
        send::start(outbox);
    });
    outbox
}

pub fn use_outbox() -> Outbox {
    expect_context::<Outbox>()
}

/// A new id made on the device: UUID v7 from the clock and `crypto.getRandomValues`.
#[cfg(feature = "hydrate")]
pub fn new_id() -> uuid::Uuid {
    let mut random = [0u8; 10];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut random);
    }
    let millis = js_sys::Date::now() as u64;
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
}

/// What became of a tab's save of a draft.
#[derive(Debug, Clone)]
pub struct Saved {
    /// The item as stored now: this tab's changes merged with every other tab's.
    pub item: Item,
    /// Some of this tab's changes were dropped: another tab edited the same field later, or
    /// the draft was submitted meanwhile.
    pub lost: bool,
}

/// Saves a new item as it is (a draft just started, a status change).
pub async fn save(item: &Item) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(store::put(item.clone())).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = item;
        Err("no device storage on the server".to_owned())
    }
}

/// Saves a tab's edit of a draft: the fields it changed since `base` (the draft's
/// [`Item::doc`] as this tab last read or wrote it) are written over the stored draft, in one
/// transaction; other tabs are told.
pub async fn save_draft(item: Item, base: Option<Value>) -> Result<Saved, String> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(store::merge_draft(item, base, false)).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (item, base);
        Err("no device storage on the server".to_owned())
    }
}

/// The stored item with this id.
pub async fn load(id: String) -> Option<Item> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(store::load(id)).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}

/// Deletes a draft. A queued item only when it is stuck and the user confirmed: otherwise it is
/// the user's submission in flight.
pub async fn discard(id: String) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(store::discard(id)).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        Ok(())
    }
}

/// Sends a stuck item again now, without waiting for its backoff.
pub async fn retry_now(id: String) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(store::retry_now(id)).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        Ok(())
    }
}

/// Submits an item: this tab's changes since `base` are merged into the stored draft, which
/// becomes `queued` with a new operation id in the same write; then the queue is flushed.
pub async fn submit(item: Item, base: Option<Value>) -> Result<Item, String> {
    #[cfg(feature = "hydrate")]
    {
        let saved = send_wrapper::SendWrapper::new(store::merge_draft(item, base, true)).await?;
        if let Some(outbox) = store::outbox() {
            outbox.flush();
        }
        Ok(saved.item)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (item, base);
        Err("no device storage on the server".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_half_a_minute_and_stops_at_half_an_hour() {
        assert_eq!(backoff_ms(1), 30_000.0);
        assert_eq!(backoff_ms(2), 60_000.0);
        assert_eq!(backoff_ms(3), 120_000.0);
        assert_eq!(backoff_ms(7), MAX_BACKOFF_MS);
        assert_eq!(backoff_ms(1_000), MAX_BACKOFF_MS);
    }

    #[test]
    fn items_stored_before_merging_existed_still_read() {
        let old = r#"{"id":"d","kind":"rating.submit","title":"t","payload":{},"status":"queued",
                      "op_id":"x","updated_ms":1.0}"#;
        let item: Item = serde_json::from_str(old).unwrap();
        assert!(item.stamps.is_empty());
        assert_eq!((item.attempts, item.retry_at_ms), (0, None));
        assert!(!item.is_stuck());
    }
}
