//! Whether the app can reach its server. `navigator.onLine` alone is not a reliable signal (a
//! captive portal or a signal with no data says "online"; some browsers keep saying it after the
//! connection is gone), so the app also learns from what the network does:
//! - a server call that fails in transit marks the app offline (`report_unreachable`),
//! - the service worker says when it answered a page from its cache because the network failed
//!   (and when the network answered), see `sw.js`,
//! - while offline, the app checks `/healthz` now and then (backing off), and at once on the
//!   `online` event and on return to the tab; a call that reaches the server marks it online.

use leptos::prelude::*;

/// A signal that is `true` while the app believes it can reach the server. Server-side
/// rendering assumes online; the browser corrects it right after hydration (an effect, so the
/// hydrated markup matches the server's).
pub fn use_online() -> Signal<bool> {
    let (shown, set_shown) = signal(true);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| set_shown.set(imp::state().get()));
    #[cfg(not(feature = "hydrate"))]
    let _ = set_shown;
    shown.into()
}

/// Whether the app believes, right now, that it can reach the server (on the server: `true`).
pub fn is_online() -> bool {
    #[cfg(feature = "hydrate")]
    {
        imp::state().get_untracked()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        true
    }
}

/// A request to the server failed in transit (no answer at all): the app is offline until a
/// request succeeds.
pub fn report_unreachable() {
    #[cfg(feature = "hydrate")]
    imp::set(false);
}

/// A request reached the server (any HTTP answer): the app is online.
pub fn report_reachable() {
    #[cfg(feature = "hydrate")]
    imp::set(true);
}

#[cfg(feature = "hydrate")]
mod imp {
    use std::cell::{Cell, RefCell};

    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    /// First check a second after going offline, then doubling up to half a minute.
    const FIRST_CHECK_MS: i32 = 1_000;
    const MAX_CHECK_MS: i32 = 30_000;

    thread_local! {
        static ONLINE: RefCell<Option<ArcRwSignal<bool>>> = const { RefCell::new(None) };
        /// The pending timer of the next check while offline, and its delay.
        static NEXT_CHECK: Cell<Option<i32>> = const { Cell::new(None) };
        static DELAY: Cell<i32> = const { Cell::new(FIRST_CHECK_MS) };
        static CHECKING: Cell<bool> = const { Cell::new(false) };
    }

    /// The shared state, created with its listeners on first use.
    pub fn state() -> ArcRwSignal<bool> {
        if let Some(online) = ONLINE.with(|o| o.borrow().clone()) {
            return online;
        }
        let online = ArcRwSignal::new(window().navigator().on_line());
        ONLINE.with(|o| *o.borrow_mut() = Some(online.clone()));
        listen();
        if !online.get_untracked() {
            schedule_check();
        }
        online
    }

    fn listen() {
        // These live as long as the page.
        std::mem::forget(window_event_listener(leptos::ev::offline, |_| set(false)));
        std::mem::forget(window_event_listener(leptos::ev::online, |_| check_now()));
        std::mem::forget(window_event_listener(leptos::ev::visibilitychange, |_| {
            let visible = document().visibility_state() == web_sys::VisibilityState::Visible;
            if visible && !state().get_untracked() {
                check_now();
            }
        }));
    }

    pub fn set(online: bool) {
        let state = state();
        if online {
            cancel_check();
            DELAY.set(FIRST_CHECK_MS);
        } else if NEXT_CHECK.get().is_none() && !CHECKING.get() {
            schedule_check();
        }
        if state.get_untracked() != online {
            state.set(online);
        }
    }

    fn cancel_check() {
        if let Some(timer) = NEXT_CHECK.take() {
            window().clear_timeout_with_handle(timer);
        }
    }

    fn schedule_check() {
        cancel_check();
        let delay = DELAY.get();
        DELAY.set((delay * 2).min(MAX_CHECK_MS));
        let tick = Closure::once_into_js(|| {
            NEXT_CHECK.set(None);
            check_now();
        });
        NEXT_CHECK.set(
            window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(tick.unchecked_ref(), delay)
                .ok(),
        );
    }

    /// Asks the server whether it answers; `/healthz` is never answered by the service worker.
    fn check_now() {
        if CHECKING.replace(true) {
            return;
        }
        cancel_check();
        wasm_bindgen_futures::spawn_local(async {
            let reached = probe().await.unwrap_or(false);
            CHECKING.set(false);
            set(reached);
        });
    }

    async fn probe() -> Result<bool, JsValue> {
        let init = web_sys::RequestInit::new();
        init.set_cache(web_sys::RequestCache::NoStore);
        let response: web_sys::Response =
            JsFuture::from(window().fetch_with_str_and_init("/healthz", &init))
                .await?
                .dyn_into()?;
        // Our server answers with its build header (whatever the status); a captive portal's
        // page does not.
        Ok(response.headers().get("x-knd-build")?.is_some())
    }
}
