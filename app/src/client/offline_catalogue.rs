//! The catalogue copy on the device: fetched after the first online visit, kept current by
//! deltas (`/api/v1/catalogue/changes` with the version and ETag the device has), stored in
//! IndexedDB, and used by the pages whenever the server cannot be reached.
//!
//! Refreshed on app start, when the network comes back, when the tab becomes visible again, every
//! 15 minutes while open, and on request. Applying a delta twice changes nothing, so two tabs
//! refreshing at once do no harm.

use leptos::prelude::*;

use crate::catalogue::model::Snapshot;
use crate::error::AppError;

/// What the pages show about the device's copy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CopyStatus {
    /// The catalogue version on the device; 0 when there is no copy yet.
    pub version: i64,
    /// When the copy was last confirmed current (ms since the epoch).
    pub synced_at_ms: Option<f64>,
    pub syncing: bool,
    /// The last refresh failed (offline, or the server answered with an error).
    pub failed: bool,
    /// How long writing the copy to IndexedDB took the last time, in ms.
    pub store_ms: Option<f64>,
}

#[derive(Clone, Copy)]
pub struct CatalogueCopy {
    pub status: RwSignal<CopyStatus>,
}

impl CatalogueCopy {
    /// Asks the server for what changed, now.
    pub fn refresh(&self) {
        #[cfg(feature = "hydrate")]
        imp::refresh(self.status);
    }
}

/// Creates the copy's state; in the browser, loads the stored copy and starts refreshing it.
pub fn provide_catalogue_copy() -> CatalogueCopy {
    let copy = CatalogueCopy {
        status: RwSignal::new(CopyStatus::default()),
    };
    provide_context(copy);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| imp::start(copy.status));
    copy
}

pub fn use_catalogue_copy() -> CatalogueCopy {
    expect_context::<CatalogueCopy>()
}

/// The server's answer, or, when the server cannot be reached, the same view built from the
/// device's copy (404 when the copy does not have it). Without a copy the error stands.
pub fn or_device<T: Send + 'static>(
    online: Result<T, AppError>,
    view: impl FnOnce(&Snapshot) -> Option<T> + Send + 'static,
) -> impl std::future::Future<Output = Result<T, AppError>> + Send {
    let fallback = async move {
        match online {
            Err(error) if error.try_later() => {
                #[cfg(feature = "hydrate")]
                if let Some(snapshot) = imp::load().await {
                    return view(&snapshot).ok_or(AppError::NotFound);
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = view;
                Err(error)
            }
            other => other,
        }
    };
    // IndexedDB futures are not `Send`; in the browser everything runs on one thread.
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(fallback);
    #[cfg(not(feature = "hydrate"))]
    fallback
}

/// Whether the device has a copy of the catalogue (always `false` on the server). Asks the
/// copy's small record of its version: the snapshot is written in the same transaction.
pub async fn has_copy() -> bool {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(imp::meta()).await.is_some();
    #[cfg(not(feature = "hydrate"))]
    false
}

#[cfg(feature = "hydrate")]
mod imp {
    use std::{cell::RefCell, rc::Rc};

    use leptos::prelude::*;
    use serde::{Deserialize, Serialize};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use super::CopyStatus;
    use crate::catalogue::model::{Delta, Snapshot};
    use crate::client::chunk::{Job, Unloaded};
    use crate::client::idb::{self, CATALOGUE};
    use crate::client::offline_gate;

    const SNAPSHOT_KEY: &str = "snapshot";
    const META_KEY: &str = "meta";
    const EVERY_MS: i32 = 15 * 60 * 1000;

    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct Meta {
        version: i64,
        etag: Option<String>,
        synced_at_ms: f64,
    }

    thread_local! {
        static COPY: RefCell<Option<Rc<Snapshot>>> = const { RefCell::new(None) };
        /// Another refresh was asked for while one was running.
        static AGAIN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    /// The copy, from memory or from IndexedDB.
    pub async fn load() -> Option<Rc<Snapshot>> {
        if let Some(copy) = COPY.with(|c| c.borrow().clone()) {
            return Some(copy);
        }
        let json = idb::get(CATALOGUE, SNAPSHOT_KEY).await.ok().flatten()?;
        let snapshot: Snapshot = serde_json::from_str(&json).ok()?;
        let snapshot = Rc::new(snapshot);
        COPY.with(|c| *c.borrow_mut() = Some(snapshot.clone()));
        Some(snapshot)
    }

    pub async fn meta() -> Option<Meta> {
        let json = idb::get(CATALOGUE, META_KEY).await.ok().flatten()?;
        serde_json::from_str(&json).ok()
    }

    pub fn start(status: RwSignal<CopyStatus>) {
        // Reading the stored copy and asking for changes wait until the page is interactive
        // (see `offline_gate`); so do the refreshes below.
        offline_gate::when_open(move || {
            wasm_bindgen_futures::spawn_local(async move {
                // The version from the small record, not the snapshot: reading the whole copy
                // is left to a page that shows it (and to the refresh, in its own chunk).
                if let Some(meta) = meta().await {
                    status.update(|s| {
                        s.version = meta.version;
                        s.synced_at_ms = Some(meta.synced_at_ms);
                    });
                }
                sync(status).await;
            })
        });
        let refresh_if_open = move || {
            if offline_gate::is_open() {
                refresh(status);
            }
        };
        let window = window();
        let on_online =
            leptos::prelude::window_event_listener(leptos::ev::online, move |_| refresh_if_open());
        let on_visible =
            leptos::prelude::window_event_listener(leptos::ev::visibilitychange, move |_| {
                if document().visibility_state() == web_sys::VisibilityState::Visible {
                    refresh_if_open();
                }
            });
        let tick = wasm_bindgen::closure::Closure::<dyn Fn()>::new(refresh_if_open);
        let timer = window
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
                leptos::prelude::window().clear_interval_with_handle(timer);
            }
        });
    }

    pub fn refresh(status: RwSignal<CopyStatus>) {
        wasm_bindgen_futures::spawn_local(sync(status));
    }

    async fn sync(status: RwSignal<CopyStatus>) {
        if status.get_untracked().syncing {
            // A refresh asked for during one in flight runs right after it: the user (or the
            // `online` event) may be asking because something changed since it started.
            AGAIN.set(true);
            return;
        }
        loop {
            AGAIN.set(false);
            status.update(|s| s.syncing = true);
            let outcome = match refresh_job(status).await {
                Ok(job) => job.await,
                Err(Unloaded) => Err(JsValue::from_str("the offline copy's code is not loaded")),
            };
            status.update(|s| {
                s.syncing = false;
                s.failed = outcome.is_err();
            });
            if let Err(error) = outcome {
                leptos::logging::debug_warn!("catalogue refresh failed: {error:?}");
            }
            if !AGAIN.get() {
                break;
            }
        }
    }

    /// One refresh, from the chunk `offline_copy` (see `client::chunk`).
    #[leptos::wasm_split::wasm_split(offline_copy, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn refresh_job(status: RwSignal<CopyStatus>) -> Result<Job<Result<(), JsValue>>, Unloaded> {
        Ok(Box::pin(fetch_and_store(status)))
    }

    async fn fetch_and_store(status: RwSignal<CopyStatus>) -> Result<(), JsValue> {
        let current = load().await;
        let meta = if current.is_some() {
            meta().await
        } else {
            None
        };
        let since = meta.as_ref().map_or(0, |m| m.version);
        let init = web_sys::RequestInit::new();
        let headers = web_sys::Headers::new()?;
        headers.set("accept", "application/json")?;
        if let Some(etag) = meta.as_ref().and_then(|m| m.etag.as_deref()) {
            headers.set("if-none-match", etag)?;
        }
        init.set_headers(&headers);
        let url = format!("/api/v1/catalogue/changes?since={since}");
        let response = JsFuture::from(window().fetch_with_str_and_init(&url, &init)).await;
        // What the network did tells whether the app is online (`client::network`).
        let response: web_sys::Response = match response {
            Ok(response) => {
                crate::client::network::report_reachable();
                response.dyn_into()?
            }
            Err(error) => {
                crate::client::network::report_unreachable();
                return Err(error);
            }
        };
        let synced_at_ms = now_ms();
        if response.status() == 304 {
            if let Some(mut meta) = meta {
                meta.synced_at_ms = synced_at_ms;
                let json = serde_json::to_string(&meta).map_err(|e| e.to_string())?;
                idb::put_all(CATALOGUE, &[(META_KEY, &json)]).await?;
            }
            status.update(|s| s.synced_at_ms = Some(synced_at_ms));
            return Ok(());
        }
        if !response.ok() {
            return Err(JsValue::from_str(&format!("status {}", response.status())));
        }
        let etag = response.headers().get("etag")?;
        let text = JsFuture::from(response.text()?)
            .await?
            .as_string()
            .unwrap_or_default();
        let delta: Delta = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        let mut snapshot = match (&current, delta.full) {
            (Some(current), false) => (**current).clone(),
            _ => Snapshot::default(),
        };
        snapshot.apply(&delta);
        let meta = Meta {
            version: snapshot.version,
            etag,
            synced_at_ms,
        };
        let snapshot_json = serde_json::to_string(&snapshot).map_err(|e| e.to_string())?;
        let meta_json = serde_json::to_string(&meta).map_err(|e| e.to_string())?;
        let started = now_ms();
        idb::put_all(
            CATALOGUE,
            &[(SNAPSHOT_KEY, &snapshot_json), (META_KEY, &meta_json)],
        )
        .await?;
        let store_ms = now_ms() - started;
        let version = snapshot.version;
        COPY.with(|c| *c.borrow_mut() = Some(Rc::new(snapshot)));
        status.update(|s| {
            s.version = version;
            s.synced_at_ms = Some(synced_at_ms);
            s.store_ms = Some(store_ms);
        });
        Ok(())
    }
}
