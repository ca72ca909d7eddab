//! Drafts and the outbox on the device (OFFLINE.md): every draft is saved to IndexedDB as the
//! user types; submitting flips it to `queued` with a fresh operation id in the same write; the
//! queue is sent through `POST /api/sync/push` on app start, when the network comes back, when
//! the tab becomes visible and every minute, by one tab at a time (a Web Lock). An item leaves
//! the queue only when the server has answered for it: `sent`, or `rejected` with the reason
//! (then it is editable again and a new submission gets a new id).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
}

/// What the pages see of the outbox.
#[derive(Clone, Copy)]
pub struct Outbox {
    /// Every item on the device, newest first; `None` until loaded (and on the server).
    pub items: RwSignal<Option<Vec<Item>>>,
    pub sending: RwSignal<bool>,
    /// Why the last attempt did not reach the server (offline, signed out…), if it did not.
    pub problem: RwSignal<Option<String>>,
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

    /// Sends what is queued, now.
    pub fn flush(&self) {
        #[cfg(feature = "hydrate")]
        imp::flush(*self);
    }

    /// Re-reads the items from the device.
    pub fn reload(&self) {
        #[cfg(feature = "hydrate")]
        imp::reload(*self);
    }
}

pub fn provide_outbox() -> Outbox {
    let outbox = Outbox {
        items: RwSignal::new(None),
        sending: RwSignal::new(false),
        problem: RwSignal::new(None),
    };
    provide_context(outbox);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| imp::start(outbox));
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

/// Saves an item (a draft as it is typed, or a status change).
pub async fn save(item: &Item) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(imp::save(item.clone())).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = item;
        Err("no device storage on the server".to_owned())
    }
}

/// The stored item with this id.
pub async fn load(id: String) -> Option<Item> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(imp::load(id)).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        None
    }
}

/// Deletes a draft (never a queued item: that is the user's submission in flight).
pub async fn discard(id: String) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(imp::discard(id)).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        Ok(())
    }
}

/// Submits an item: it becomes `queued` with a new operation id in one write, then the queue
/// is flushed.
pub async fn submit(item: Item) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        let mut item = item;
        item.status = ItemStatus::Queued;
        item.op_id = Some(new_id().to_string());
        item.reason = None;
        item.updated_ms = js_sys::Date::now();
        save(&item).await?;
        if let Some(outbox) = use_context::<Outbox>() {
            outbox.reload();
            outbox.flush();
        }
        Ok(())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = item;
        Err("no device storage on the server".to_owned())
    }
}

#[cfg(feature = "hydrate")]
mod imp {
    use std::cell::Cell;

    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};

    use super::{Item, ItemStatus, Outbox};
    use crate::client::idb::{self, ITEMS};
    use crate::error::AppError;
    use crate::sync::{Op, Status, MAX_BATCH};

    const EVERY_MS: i32 = 60_000;
    const LOCK: &str = "knd-outbox";

    thread_local! {
        /// This tab is flushing now.
        static FLUSHING: Cell<bool> = const { Cell::new(false) };
    }

    pub async fn save(item: Item) -> Result<(), String> {
        let json = serde_json::to_string(&item).map_err(|e| e.to_string())?;
        idb::put_all(ITEMS, &[(&item.id, &json)])
            .await
            .map_err(|e| format!("{e:?}"))
    }

    pub async fn load(id: String) -> Option<Item> {
        let json = idb::get(ITEMS, &id).await.ok().flatten()?;
        serde_json::from_str(&json).ok()
    }

    pub async fn discard(id: String) -> Result<(), String> {
        if let Some(item) = load(id.clone()).await {
            if item.status == ItemStatus::Queued {
                return Err("Отправка уже в очереди.".to_owned());
            }
        }
        idb::delete(ITEMS, &id)
            .await
            .map_err(|e| format!("{e:?}"))?;
        if let Some(outbox) = use_context::<Outbox>() {
            outbox.reload();
        }
        Ok(())
    }

    async fn all() -> Vec<Item> {
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

    pub fn start(outbox: Outbox) {
        reload(outbox);
        flush(outbox);
        let on_online = window_event_listener(leptos::ev::online, move |_| flush(outbox));
        let on_visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                reload(outbox);
                flush(outbox);
            }
        });
        let tick = Closure::<dyn Fn()>::new(move || flush(outbox));
        let timer = window()
            .set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                EVERY_MS,
            )
            .ok();
        tick.forget();
        on_cleanup(move || {
            on_online.remove();
            on_visible.remove();
            if let Some(timer) = timer {
                window().clear_interval_with_handle(timer);
            }
        });
    }

    pub fn flush(outbox: Outbox) {
        if FLUSHING.with(Cell::get) {
            return;
        }
        FLUSHING.with(|f| f.set(true));
        wasm_bindgen_futures::spawn_local(async move {
            with_lock(outbox).await;
            FLUSHING.with(|f| f.set(false));
        });
    }

    /// Runs the flush under the Web Lock `knd-outbox` when the browser has Web Locks, so two
    /// tabs never send the same queue at once (the server would still apply it once; this
    /// saves the traffic and keeps the statuses the user sees consistent).
    async fn with_lock(outbox: Outbox) {
        let locks = js_sys::Reflect::get(&window().navigator(), &JsValue::from_str("locks"))
            .ok()
            .filter(|l| !l.is_undefined() && !l.is_null());
        let Some(locks) = locks else {
            send_queue(outbox).await;
            return;
        };
        let request = js_sys::Reflect::get(&locks, &JsValue::from_str("request"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let Some(request) = request else {
            send_queue(outbox).await;
            return;
        };
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
        let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
            if lock.is_null() {
                // Another tab is sending; it will answer for the queue.
                return js_sys::Promise::resolve(&JsValue::UNDEFINED).into();
            }
            wasm_bindgen_futures::future_to_promise(async move {
                send_queue(outbox).await;
                Ok(JsValue::UNDEFINED)
            })
            .into()
        });
        let promise = request.call3(&locks, &JsValue::from_str(LOCK), &options, &callback);
        if let Ok(promise) = promise.and_then(|p| p.dyn_into::<js_sys::Promise>()) {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
    }

    /// Sends the queue in batches and records each answer on the device.
    async fn send_queue(outbox: Outbox) {
        loop {
            let queued: Vec<Item> = all()
                .await
                .into_iter()
                .filter(|i| i.status == ItemStatus::Queued && i.op_id.is_some())
                .rev() // oldest first
                .take(MAX_BATCH)
                .collect();
            if queued.is_empty() {
                outbox.problem.set(None);
                break;
            }
            outbox.sending.set(true);
            let ops: Vec<Op> = queued
                .iter()
                .filter_map(|i| {
                    Some(Op {
                        op_id: i.op_id.as_deref()?.parse().ok()?,
                        kind: i.kind.clone(),
                        payload: i.payload.clone(),
                    })
                })
                .collect();
            let answer = crate::api::sync::push(ops).await;
            outbox.sending.set(false);
            match answer {
                Ok(outcomes) => {
                    for outcome in outcomes {
                        let op_id = outcome.op_id.to_string();
                        let Some(mut item) = queued
                            .iter()
                            .find(|i| i.op_id.as_deref() == Some(op_id.as_str()))
                            .cloned()
                        else {
                            continue;
                        };
                        match outcome.status {
                            Status::Applied | Status::Duplicate => {
                                item.status = ItemStatus::Sent;
                                item.result = outcome.result;
                            }
                            Status::Rejected => {
                                item.status = ItemStatus::Rejected;
                                item.reason = outcome.reason;
                            }
                        }
                        item.updated_ms = js_sys::Date::now();
                        let _ = save(item).await;
                    }
                    outbox.problem.set(None);
                    outbox.items.set(Some(all().await));
                }
                // Not an answer for the operations: they stay queued and are tried again.
                Err(AppError::Unauthorized) => {
                    outbox.problem.set(Some(
                        "Войдите в личный кабинет: очередь отправится после входа.".to_owned(),
                    ));
                    break;
                }
                Err(AppError::Invalid(reason)) => {
                    // The whole batch is unreadable to the server: retrying cannot help, so
                    // the items go back to the user, intact and editable.
                    for mut item in queued {
                        item.status = ItemStatus::Rejected;
                        item.reason = Some(reason.clone());
                        let _ = save(item).await;
                    }
                    outbox.items.set(Some(all().await));
                }
                Err(AppError::Transport(_)) => {
                    outbox.problem.set(Some(
                        "Нет связи с сервером: отправим, когда связь появится.".to_owned(),
                    ));
                    break;
                }
                Err(_) => {
                    outbox.problem.set(Some(
                        "Сервер временно не принял отправку: попробуем ещё раз через минуту."
                            .to_owned(),
                    ));
                    break;
                }
            }
        }
    }
}
