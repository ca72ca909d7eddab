//! The outbox's items in IndexedDB, and the BroadcastChannel that tells the other tabs of this
//! device when one changed.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

use super::{new_id, Item, ItemStatus, Outbox, Saved};
use crate::client::idb::{self, ITEMS};
use crate::client::merge;

const CHANNEL: &str = "knd-outbox";

thread_local! {
    static CHANNEL_HANDLE: RefCell<Option<web_sys::BroadcastChannel>> = const { RefCell::new(None) };
    /// The page's outbox, reachable from futures that run outside any reactive owner.
    static OUTBOX: Cell<Option<Outbox>> = const { Cell::new(None) };
}

/// The page's outbox, once the layout provided it.
pub fn outbox() -> Option<Outbox> {
    OUTBOX.get()
}

fn js_error(error: JsValue) -> String {
    format!("{error:?}")
}

pub async fn put(item: Item) -> Result<(), String> {
    let json = serde_json::to_string(&item).map_err(|e| e.to_string())?;
    idb::put_all(ITEMS, &[(&item.id, &json)])
        .await
        .map_err(js_error)?;
    changed(&item.id);
    Ok(())
}

pub async fn load(id: String) -> Option<Item> {
    let json = idb::get(ITEMS, &id).await.ok().flatten()?;
    serde_json::from_str(&json).ok()
}

/// Every readable item, newest first.
pub async fn all() -> Vec<Item> {
    let mut items: Vec<Item> = idb::get_all(ITEMS)
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect();
    items.sort_by(|a, b| b.updated_ms.total_cmp(&a.updated_ms));
    items
}

pub fn reload(outbox: Outbox) {
    wasm_bindgen_futures::spawn_local(async move {
        outbox.items.set(Some(all().await));
    });
}

/// Changes one stored item in one transaction (`change` gets it as stored, if readable).
pub async fn update(
    id: &str,
    change: impl FnOnce(Option<Item>) -> Option<Item> + 'static,
) -> Result<Option<Item>, String> {
    let written = idb::update(ITEMS, id, move |current| {
        let stored = current.and_then(|json| serde_json::from_str::<Item>(&json).ok());
        match change(stored).and_then(|item| Some((serde_json::to_string(&item).ok()?, item))) {
            Some((json, item)) => (Some(json), Some(item)),
            None => (None, None),
        }
    })
    .await
    .map_err(js_error)?;
    if written.is_some() {
        changed(id);
    }
    Ok(written)
}

/// A tab's edit (or submission) of a draft, merged field by field into the stored one.
pub async fn merge_draft(item: Item, base: Option<Value>, submit: bool) -> Result<Saved, String> {
    let now = js_sys::Date::now();
    let id = item.id.clone();
    let saved = idb::update(ITEMS, &id, move |current| {
        let stored = current.and_then(|json| serde_json::from_str::<Item>(&json).ok());
        let (mut next, lost) = match stored {
            // New, or gone meanwhile: every field is this tab's.
            None => {
                let mut fresh = item;
                fresh.stamps = merge::diff(&Value::Null, &fresh.doc())
                    .iter()
                    .map(|change| (change.key(), now))
                    .collect();
                fresh.updated_ms = now;
                (fresh, false)
            }
            // Submitted meanwhile (by another tab): nothing of this edit can go in.
            Some(stored) if !stored.is_editable() => {
                return (
                    None,
                    Saved {
                        item: stored,
                        lost: true,
                    },
                );
            }
            Some(mut stored) => {
                let changes = merge::diff(&base.unwrap_or(Value::Null), &item.doc());
                let merged = merge::merge(&stored.doc(), &stored.stamps, &changes, now);
                if !merged.changed && !submit {
                    return (
                        None,
                        Saved {
                            item: stored,
                            lost: merged.lost,
                        },
                    );
                }
                if let Some(title) = merged.doc["title"].as_str() {
                    stored.title = title.to_owned();
                }
                stored.payload = merged.doc["payload"].clone();
                stored.stamps = merged.stamps;
                stored.updated_ms = now;
                (stored, merged.lost)
            }
        };
        if submit {
            next.status = ItemStatus::Queued;
            next.op_id = Some(new_id().to_string());
            next.reason = None;
            next.attempts = 0;
            next.retry_at_ms = None;
        }
        let json = serde_json::to_string(&next).ok();
        (json, Saved { item: next, lost })
    })
    .await
    .map_err(js_error)?;
    changed(&id);
    Ok(saved)
}

pub async fn discard(id: String) -> Result<(), String> {
    if let Some(item) = load(id.clone()).await {
        if item.status == ItemStatus::Queued && !item.is_stuck() {
            return Err("Отправка уже в очереди.".to_owned());
        }
    }
    idb::delete(ITEMS, &id).await.map_err(js_error)?;
    changed(&id);
    Ok(())
}

pub async fn retry_now(id: String) -> Result<(), String> {
    update(&id, |item| {
        let mut item = item.filter(|i| i.status == ItemStatus::Queued)?;
        item.retry_at_ms = None;
        Some(item)
    })
    .await?;
    if let Some(outbox) = outbox() {
        outbox.flush();
    }
    Ok(())
}

/// Tells this tab's pages and every other tab that an item changed.
pub fn changed(id: &str) {
    CHANNEL_HANDLE.with(|channel| {
        if let Some(channel) = channel.borrow().as_ref() {
            let _ = channel.post_message(&JsValue::from_str(id));
        }
    });
    if let Some(outbox) = outbox() {
        outbox.changed.set(Some(id.to_owned()));
        reload(outbox);
    }
}

/// Listens to the other tabs' changes (a channel message does not reach its own sender).
pub fn listen(outbox: Outbox) {
    OUTBOX.set(Some(outbox));
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(id) = event.data().as_string() {
                outbox.changed.set(Some(id));
                reload(outbox);
            }
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // Both live as long as the page.
    on_message.forget();
    CHANNEL_HANDLE.with(|c| *c.borrow_mut() = Some(channel));
}
