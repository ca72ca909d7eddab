//! A minimal IndexedDB key-value store over web-sys: object stores of JSON strings, and one of
//! structured-cloned values for files.
//! The IndexedDB crates on crates.io (idb, indexed_db_futures, rexie) all depend on tokio for
//! their channels, and tokio must stay out of the wasm build; the few calls needed here are
//! wrapped by hand, each request turned into a promise.

use js_sys::Promise;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

const DATABASE: &str = "knd";
const VERSION: u32 = 3;
/// The object store of the catalogue copy.
pub const CATALOGUE: &str = "catalogue";
/// Drafts and the outbox in one store: an item's status says whether it waits to be sent, so
/// "submitted" and "queued" are one write, never two.
pub const ITEMS: &str = "items";
/// Work kept with its files (claims made offline): structured-cloned objects, not JSON, so a
/// `File` is stored whole.
pub const FILES: &str = "files";

/// Resolves with the request's result once it succeeds.
async fn settle(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let request = request.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let error = failed
                .error()
                .ok()
                .flatten()
                .map_or(JsValue::NULL, JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

/// Resolves when the transaction has committed (its data is on disk), fails if it aborts.
async fn committed(tx: &IdbTransaction) -> Result<(), JsValue> {
    let tx = tx.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let reject_abort = reject.clone();
        let on_abort = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject_abort.call1(&JsValue::NULL, &JsValue::from_str("aborted"));
        });
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("failed"));
        });
        tx.set_oncomplete(Some(on_complete.unchecked_ref()));
        tx.set_onabort(Some(on_abort.unchecked_ref()));
        tx.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ())
}

async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()?
        .ok_or("IndexedDB is not available")?;
    let request: IdbOpenDbRequest = factory.open_with_u32(DATABASE, VERSION)?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move |_: web_sys::Event| {
        if let Ok(db) = upgrading.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
            for store in [CATALOGUE, ITEMS, FILES] {
                if !db.object_store_names().contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    settle(&request).await?.dyn_into::<IdbDatabase>()
}

/// The string stored under `key`, if any.
pub async fn get(store: &str, key: &str) -> Result<Option<String>, JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str(store)?;
    let request = tx.object_store(store)?.get(&JsValue::from_str(key))?;
    let value = settle(&request).await?;
    db.close();
    Ok(value.as_string())
}

/// Stores several strings in one transaction: all of them or none.
pub async fn put_all(store: &str, entries: &[(&str, &str)]) -> Result<(), JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str_and_mode(store, IdbTransactionMode::Readwrite)?;
    let object_store = tx.object_store(store)?;
    for (key, value) in entries {
        object_store.put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))?;
    }
    let result = committed(&tx).await;
    db.close();
    result
}

/// Reads the string under `key` and writes what `change` makes of it (nothing when it answers
/// `None`), in one readwrite transaction: no other tab's write can come in between. `change`
/// runs inside the request's success event, so the transaction is still active when it writes.
pub async fn update<T: 'static>(
    store: &str,
    key: &str,
    change: impl FnOnce(Option<String>) -> (Option<String>, T) + 'static,
) -> Result<T, JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str_and_mode(store, IdbTransactionMode::Readwrite)?;
    let object_store = tx.object_store(store)?;
    let request = object_store.get(&JsValue::from_str(key))?;
    let outcome = std::rc::Rc::new(std::cell::RefCell::new(None::<Result<T, JsValue>>));
    let done = request.clone();
    let slot = outcome.clone();
    let key = key.to_owned();
    let on_success = Closure::once_into_js(move |_: web_sys::Event| {
        let current = done.result().ok().and_then(|v| v.as_string());
        let (next, value) = change(current);
        let written = match next {
            Some(next) => object_store
                .put_with_key(&JsValue::from_str(&next), &JsValue::from_str(&key))
                .map(|_| ()),
            None => Ok(()),
        };
        *slot.borrow_mut() = Some(written.map(|()| value));
    });
    request.set_onsuccess(Some(on_success.unchecked_ref()));
    let result = committed(&tx).await;
    db.close();
    result?;
    let value = outcome.borrow_mut().take();
    value.unwrap_or_else(|| Err(JsValue::from_str("the read did not complete")))
}

/// Every string in a store.
pub async fn get_all(store: &str) -> Result<Vec<String>, JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str(store)?;
    let request = tx.object_store(store)?.get_all()?;
    let values = settle(&request).await?;
    db.close();
    Ok(js_sys::Array::from(&values)
        .iter()
        .filter_map(|v| v.as_string())
        .collect())
}

/// Removes the entry under `key`.
pub async fn delete(store: &str, key: &str) -> Result<(), JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str_and_mode(store, IdbTransactionMode::Readwrite)?;
    tx.object_store(store)?.delete(&JsValue::from_str(key))?;
    let result = committed(&tx).await;
    db.close();
    result
}

/// Stores any structured-cloneable value (an object holding `File`s, say) under `key`.
pub async fn put_value(store: &str, key: &str, value: &JsValue) -> Result<(), JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str_and_mode(store, IdbTransactionMode::Readwrite)?;
    tx.object_store(store)?
        .put_with_key(value, &JsValue::from_str(key))?;
    let result = committed(&tx).await;
    db.close();
    result
}

/// Every value in a store, as stored.
pub async fn get_all_values(store: &str) -> Result<Vec<JsValue>, JsValue> {
    let db = open().await?;
    let tx = db.transaction_with_str(store)?;
    let request = tx.object_store(store)?.get_all()?;
    let values = settle(&request).await?;
    db.close();
    Ok(js_sys::Array::from(&values).iter().collect())
}
