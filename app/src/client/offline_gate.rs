//! When the offline copy is fetched: the service worker's precache (the whole app, every page's
//! chunks) and the catalogue snapshot. Only once the page has loaded and the browser is idle, so
//! the copy never competes with what the page needs to become interactive. On a connection that
//! asks to save data (`Save-Data`), not until the user asks for it («Сохранить для работы без
//! сети»), which the device remembers; a device that already holds a copy keeps it current.

use leptos::prelude::*;

/// What the pages show about the gate.
#[derive(Clone, Copy)]
pub struct OfflineGate {
    /// The connection saves data and the user has not asked for the offline copy yet.
    pub waiting_for_consent: RwSignal<bool>,
}

impl OfflineGate {
    /// The user asked for the offline copy: fetch it now, and on later visits without asking.
    pub fn consent(&self) {
        self.waiting_for_consent.set(false);
        #[cfg(feature = "hydrate")]
        imp::consent();
    }
}

/// Creates the gate; in the browser, opens it after load and idle (or waits for consent).
pub fn provide_offline_gate() -> OfflineGate {
    let gate = OfflineGate {
        waiting_for_consent: RwSignal::new(false),
    };
    provide_context(gate);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| imp::start(gate));
    gate
}

pub fn use_offline_gate() -> OfflineGate {
    expect_context::<OfflineGate>()
}

/// Whether the offline copy may be fetched now (never on the server).
pub fn is_open() -> bool {
    #[cfg(feature = "hydrate")]
    return imp::is_open();
    #[cfg(not(feature = "hydrate"))]
    false
}

/// Runs `work` once the gate opens (at once if it is open already). Inert on the server.
pub fn when_open(work: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    imp::when_open(Box::new(work));
    #[cfg(not(feature = "hydrate"))]
    let _ = work;
}

#[cfg(feature = "hydrate")]
mod imp {
    use std::cell::{Cell, RefCell};

    use gloo_storage::{LocalStorage, Storage};
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};

    use super::OfflineGate;

    /// Remembers that the user asked for the offline copy on a data-saving connection.
    const CONSENT_KEY: &str = "knd.offline-consent";
    /// The browser may postpone idle work this long at most.
    const IDLE_TIMEOUT_MS: u32 = 3_000;

    thread_local! {
        static OPEN: Cell<bool> = const { Cell::new(false) };
        static PENDING: RefCell<Vec<Box<dyn FnOnce()>>> = RefCell::new(Vec::new());
    }

    pub fn is_open() -> bool {
        OPEN.get()
    }

    pub fn when_open(work: Box<dyn FnOnce()>) {
        if OPEN.get() {
            work();
        } else {
            PENDING.with(|p| p.borrow_mut().push(work));
        }
    }

    fn open() {
        if OPEN.replace(true) {
            return;
        }
        let pending = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
        for work in pending {
            work();
        }
    }

    pub fn consent() {
        // A full or disabled storage only means asking again next time.
        let _ = LocalStorage::set(CONSENT_KEY, "1");
        open();
    }

    pub fn start(gate: OfflineGate) {
        let consented = LocalStorage::get::<String>(CONSENT_KEY).is_ok_and(|v| v == "1");
        let has_copy = window().navigator().service_worker().controller().is_some();
        if saves_data() && !consented && !has_copy {
            gate.waiting_for_consent.set(true);
            return;
        }
        after_load_and_idle(open);
    }

    /// `navigator.connection.saveData`, where the browser tells it (Chromium-based ones).
    fn saves_data() -> bool {
        let navigator: JsValue = window().navigator().into();
        js_sys::Reflect::get(&navigator, &"connection".into())
            .ok()
            .filter(|c| c.is_object())
            .and_then(|c| js_sys::Reflect::get(&c, &"saveData".into()).ok())
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }

    fn after_load_and_idle(then: fn()) {
        let window = window();
        if document().ready_state() == "complete" {
            when_idle(then);
            return;
        }
        // `load` fires once per page, so a once-only closure is enough.
        let on_load = Closure::once_into_js(move || when_idle(then));
        let _ = window.add_event_listener_with_callback("load", on_load.unchecked_ref());
    }

    /// `requestIdleCallback` where there is one (not in Safari), else a short timeout.
    fn when_idle(then: fn()) {
        let window = window();
        let callback = Closure::once_into_js(then);
        let idle = js_sys::Reflect::get(&window, &"requestIdleCallback".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let scheduled = idle.is_some_and(|idle| {
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"timeout".into(), &IDLE_TIMEOUT_MS.into());
            idle.call2(&window, &callback, &options).is_ok()
        });
        if !scheduled {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.unchecked_ref(),
                500,
            );
        }
    }
}
