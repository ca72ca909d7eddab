//! Sending the queue: on start, on `online`, on return to the tab and every minute, under the
//! Web Lock `knd-outbox` (one tab at a time), in batches. Each item is tried at most once per
//! flush, so nothing can make the device loop; an item the server could not apply waits out
//! its backoff while the rest goes on.

use std::cell::Cell;
use std::collections::HashSet;

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

use super::store::{self, all, update};
use super::{backoff_ms, Item, ItemStatus, Outbox};
use crate::client::chunk::{Job, Unloaded};
use crate::client::network;
use crate::error::AppError;
use crate::sync::{batch_len, Op, Outcome, Status, MAX_BATCH};

const EVERY_MS: i32 = 60_000;
const LOCK: &str = "knd-outbox";
/// The reason shown on an item whose operation id cannot be read.
const DAMAGED: &str =
    "Запись повреждена на устройстве и не может быть отправлена. Откройте черновик и отправьте \
     его заново.";
/// Server faults in a row, one item at a time, after which the server is taken to be down.
const FAULTS_BEFORE_PAUSE: usize = 3;

thread_local! {
    /// This tab is flushing now.
    static FLUSHING: Cell<bool> = const { Cell::new(false) };
    /// Another flush was asked for meanwhile (`true`: ignoring backoffs).
    static AGAIN: Cell<Option<bool>> = const { Cell::new(None) };
}

pub fn start(outbox: Outbox) {
    store::reload(outbox);
    flush(outbox, false);
    let on_online = window_event_listener(leptos::ev::online, move |_| flush(outbox, false));
    let on_visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            store::reload(outbox);
            flush(outbox, false);
        }
    });
    let tick = Closure::<dyn Fn()>::new(move || flush(outbox, false));
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

/// Sends what is due; `now` also sends what waits out a backoff (the user asked for it).
pub fn flush(outbox: Outbox, now: bool) {
    if FLUSHING.get() {
        // Asked for during a flush: once more right after it, so nothing asked for is missed.
        AGAIN.set(Some(now || AGAIN.get().unwrap_or(false)));
        return;
    }
    FLUSHING.set(true);
    wasm_bindgen_futures::spawn_local(async move {
        let mut now = now;
        loop {
            // Nothing queued on the device (most visits): the sending code is not even fetched.
            let queued = all()
                .await
                .iter()
                .any(|item| item.status == ItemStatus::Queued);
            if !queued {
                // The items themselves are not set here: every change already reloads them
                // (`store::changed`), and setting the signal from this main-module future made
                // wasm-split put 140 KB (brotli) more into the main module (measured
                // 2026-12-07: 281 → 422 KB), which every page pays.
                outbox.problem.set(None);
            } else {
                match send_job(outbox, now).await {
                    Ok(job) => job.await,
                    // Offline before the service worker kept the chunk: the queue stays as it
                    // is and goes with the next flush (`online`, the minute's tick).
                    Err(Unloaded) => outbox.problem.set(Some(
                        "Нет связи с сервером: отправим, когда связь появится.".to_owned(),
                    )),
                }
            }
            match AGAIN.take() {
                Some(again) => now = again,
                None => break,
            }
        }
        FLUSHING.set(false);
    });
}

/// One flush, from the chunk `outbox_send` (see `client::chunk`).
#[leptos::wasm_split::wasm_split(outbox_send, wasm_split_path = ::leptos::wasm_split, fallible)]
fn send_job(outbox: Outbox, now: bool) -> Result<Job<()>, Unloaded> {
    Ok(Box::pin(with_lock(outbox, now)))
}

/// Runs the flush under the Web Lock `knd-outbox` when the browser has Web Locks, so two
/// tabs never send the same queue at once (the server would still apply it once; this
/// saves the traffic and keeps the statuses the user sees consistent).
async fn with_lock(outbox: Outbox, now: bool) {
    let locks = js_sys::Reflect::get(&window().navigator(), &JsValue::from_str("locks"))
        .ok()
        .filter(|l| !l.is_undefined() && !l.is_null());
    let Some(locks) = locks else {
        send_queue(outbox, now).await;
        return;
    };
    let request = js_sys::Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(request) = request else {
        send_queue(outbox, now).await;
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
            send_queue(outbox, now).await;
            Ok(JsValue::UNDEFINED)
        })
        .into()
    });
    let promise = request.call3(&locks, &JsValue::from_str(LOCK), &options, &callback);
    if let Ok(promise) = promise.and_then(|p| p.dyn_into::<js_sys::Promise>()) {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

fn parsed_op_id(item: &Item) -> Option<uuid::Uuid> {
    item.op_id.as_deref()?.parse().ok()
}

/// Items that cannot be sent because their operation id is unreadable: shown as rejected
/// with the reason (editable again; a new submission gets a new id), never sent.
async fn mark_damaged(items: &[Item]) {
    for item in items
        .iter()
        .filter(|i| i.status == ItemStatus::Queued && parsed_op_id(i).is_none())
    {
        let _ = update(&item.id, |stored| {
            let mut stored = stored.filter(|s| s.status == ItemStatus::Queued)?;
            stored.status = ItemStatus::Rejected;
            stored.reason = Some(DAMAGED.to_owned());
            Some(stored)
        })
        .await;
    }
}

/// Records what the server answered for one item (by its operation id, so an item another
/// tab edited and resubmitted meanwhile is left alone).
async fn record(item: &Item, outcome: Option<Outcome>) {
    let op_id = item.op_id.clone();
    let now = js_sys::Date::now();
    let _ = update(&item.id, move |stored| {
        let mut stored = stored.filter(|s| s.status == ItemStatus::Queued && s.op_id == op_id)?;
        match outcome {
            Some(Outcome {
                status: Status::Applied | Status::Duplicate,
                result,
                ..
            }) => {
                stored.status = ItemStatus::Sent;
                stored.result = result;
                stored.attempts = 0;
                stored.retry_at_ms = None;
            }
            Some(Outcome {
                status: Status::Rejected,
                reason,
                ..
            }) => {
                stored.status = ItemStatus::Rejected;
                stored.reason = reason;
            }
            // `retry`, a server fault, or no answer for it: wait, then try again.
            _ => {
                stored.attempts += 1;
                stored.retry_at_ms = Some(now + backoff_ms(stored.attempts));
            }
        }
        stored.updated_ms = now;
        Some(stored)
    })
    .await;
}

/// Sends the due part of the queue in batches and records each answer on the device.
async fn send_queue(outbox: Outbox, force: bool) {
    // Each item at most once per flush: whatever the server answers, this ends.
    let mut tried: HashSet<String> = HashSet::new();
    // After a batch failed as a whole, items go one at a time, so one bad item costs only itself.
    let mut one_by_one = false;
    let mut faults_in_a_row = 0;
    let mut problem = None;
    loop {
        let items = all().await;
        mark_damaged(&items).await;
        let now = js_sys::Date::now();
        let due: Vec<Item> = items
            .into_iter()
            .filter(|i| {
                i.status == ItemStatus::Queued
                    && parsed_op_id(i).is_some()
                    && (force || i.retry_at_ms.is_none_or(|at| at <= now))
                    && !tried.contains(&i.id)
            })
            .rev() // oldest first
            .take(if one_by_one { 1 } else { MAX_BATCH })
            .collect();
        // Within the body limit: cut by the payloads' size too.
        let fits = batch_len(due.iter().map(|i| i.payload.to_string().len()));
        let due: Vec<Item> = due.into_iter().take(fits).collect();
        if due.is_empty() {
            break;
        }
        let ops: Vec<Op> = due
            .iter()
            .filter_map(|i| {
                Some(Op {
                    op_id: parsed_op_id(i)?,
                    kind: i.kind.clone(),
                    payload: i.payload.clone(),
                })
            })
            .collect();
        outbox.sending.set(true);
        let answer = crate::api::sync::push(ops).await;
        outbox.sending.set(false);
        if !matches!(answer, Err(AppError::Transport(_))) {
            network::report_reachable();
        }
        match answer {
            Ok(outcomes) => {
                faults_in_a_row = 0;
                for item in &due {
                    let outcome = outcomes
                        .iter()
                        .find(|o| Some(o.op_id) == parsed_op_id(item))
                        .cloned();
                    record(item, outcome).await;
                    tried.insert(item.id.clone());
                }
            }
            // Not an answer for the operations: they stay queued and are tried again.
            Err(AppError::Unauthorized) => {
                problem = Some("Войдите в личный кабинет: очередь отправится после входа.");
                break;
            }
            Err(AppError::Transport(_)) => {
                problem = Some("Нет связи с сервером: отправим, когда связь появится.");
                break;
            }
            // Nothing was applied: the whole queue waits, no item is blamed.
            Err(AppError::Unavailable) => {
                problem = Some("Сервис временно недоступен: отправим, когда он заработает.");
                break;
            }
            Err(
                AppError::Invalid(reason)
                | AppError::Field {
                    message: reason, ..
                },
            ) if due.len() == 1 => {
                // This one item is unreadable to the server: retrying cannot help, so it goes
                // back to the user, intact and editable.
                let item = &due[0];
                let outcome = parsed_op_id(item).map(|op_id| Outcome::rejected(op_id, reason));
                record(item, outcome).await;
                tried.insert(item.id.clone());
            }
            Err(_) if due.len() > 1 => {
                // The batch failed as a whole (unreadable, too large, a server fault): find
                // the item at fault by sending them one at a time.
                one_by_one = true;
            }
            Err(_) => {
                // A server fault for this one item: it waits out its backoff, the rest goes on,
                // unless the server looks down.
                record(&due[0], None).await;
                tried.insert(due[0].id.clone());
                faults_in_a_row += 1;
                if faults_in_a_row >= FAULTS_BEFORE_PAUSE {
                    problem =
                        Some("Сервер временно не принимает отправки: попробуем ещё раз позже.");
                    break;
                }
            }
        }
    }
    outbox.problem.set(problem.map(str::to_owned));
    outbox.items.set(Some(all().await));
}
