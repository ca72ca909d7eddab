//! The installable, offline side of the app: service-worker registration, the "new version"
//! prompt, the install prompt, and the offline shell's address fix-up before hydration.
//! The service worker itself is `sw.js` beside this file, served by the server with the build's
//! asset list filled in.

use leptos::prelude::*;

/// The service worker's source; the server fills in `__BUILD_ID__` and `__PRECACHE__`.
pub const SERVICE_WORKER_TEMPLATE: &str = include_str!("sw.js");

/// Name of the meta tag that marks the offline shell page.
pub const SHELL_META: &str = "knd-shell";

/// What the UI needs to know about the installed app.
#[derive(Clone, Copy)]
pub struct Pwa {
    /// A new build is installed and waiting for the user's consent.
    pub update_ready: RwSignal<bool>,
    /// The browser offered to install the app (`beforeinstallprompt`).
    pub install_available: RwSignal<bool>,
}

impl Pwa {
    /// Activates the waiting build; the page reloads when it takes control.
    pub fn apply_update(&self) {
        self.update_ready.set(false);
        #[cfg(feature = "hydrate")]
        imp::apply_update();
    }

    /// Shows the browser's install dialog.
    pub fn install(&self) {
        self.install_available.set(false);
        #[cfg(feature = "hydrate")]
        imp::install();
    }
}

/// Creates the PWA state and, in the browser, registers the service worker.
pub fn provide_pwa() -> Pwa {
    let pwa = Pwa {
        update_ready: RwSignal::new(false),
        install_available: RwSignal::new(false),
    };
    provide_context(pwa);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| imp::start(pwa));
    pwa
}

/// Called on every client-side route change: the service worker stores the page (a page
/// loaded directly is stored by the worker as it passes through).
pub fn remember_page(url: &str) {
    #[cfg(feature = "hydrate")]
    imp::remember_page(url);
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// The PWA state provided by the layout.
pub fn use_pwa() -> Pwa {
    expect_context::<Pwa>()
}

/// When the service worker answered a navigation with the offline shell, the address still
/// names the page asked for; hydrating the shell against that route would not match the markup.
/// So the address becomes `/offline?from=…` before hydration, keeping what was asked for.
pub fn prepare_for_hydration() {
    #[cfg(feature = "hydrate")]
    imp::redirect_shell_address();
}

/// Marks the document as hydrated (`<html data-hydrated>`): from then on its buttons work.
/// Called from an effect of the root component, which runs once hydration has gone through;
/// end-to-end tests wait for it before they click.
pub fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    if let Some(root) = leptos::prelude::document().document_element() {
        _ = root.set_attribute("data-hydrated", "");
    }
}

#[cfg(feature = "hydrate")]
mod imp {
    use std::cell::{Cell, RefCell};

    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use web_sys::{ServiceWorkerRegistration, ServiceWorkerState};

    use super::{Pwa, SHELL_META};
    use crate::app::OFFLINE_PATH;

    thread_local! {
        static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
        static INSTALL_EVENT: RefCell<Option<JsValue>> = const { RefCell::new(None) };
        /// This tab asked the waiting worker to take over, so this tab reloads when it does.
        static UPDATE_REQUESTED: Cell<bool> = const { Cell::new(false) };
    }

    fn meta(name: &str) -> Option<String> {
        document()
            .query_selector(&format!("meta[name=\"{name}\"]"))
            .ok()
            .flatten()
            .and_then(|el| el.get_attribute("content"))
    }

    pub fn redirect_shell_address() {
        if meta(SHELL_META).is_none() {
            return;
        }
        let location = window().location();
        let path = location.pathname().unwrap_or_default();
        if path == OFFLINE_PATH {
            return;
        }
        let from = format!("{path}{}", location.search().unwrap_or_default());
        let target = format!(
            "{OFFLINE_PATH}?from={}",
            js_sys::encode_uri_component(&from)
        );
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&target));
        }
    }

    pub fn start(pwa: Pwa) {
        listen_for_install_prompt(pwa);
        let navigator = window().navigator();
        if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
            return;
        }
        let container = navigator.service_worker();
        let had_controller = Cell::new(container.controller().is_some());
        let on_controller_change = Closure::<dyn FnMut()>::new(move || {
            if UPDATE_REQUESTED.get() {
                // The user agreed here: load the page of the new build.
                let _ = window().location().reload();
            } else if had_controller.get() {
                // Another tab updated; this page still runs the old build and is offered a reload.
                pwa.update_ready.set(true);
            } else {
                // The very first worker claimed this page: nothing to update.
                had_controller.set(true);
            }
        });
        container.set_oncontrollerchange(Some(on_controller_change.as_ref().unchecked_ref()));
        on_controller_change.forget();
        listen_to_worker(&container);
        announce_build(&container);

        // Registering installs the worker, which fetches the whole app for offline use: not
        // before the page is interactive (see `offline_gate`).
        crate::client::offline_gate::when_open(move || {
            let promise = container.register("/sw.js");
            wasm_bindgen_futures::spawn_local(async move {
                let Ok(value) = wasm_bindgen_futures::JsFuture::from(promise).await else {
                    return;
                };
                // Browsers where workers are switched off by policy resolve without one.
                let Ok(registration) = value.dyn_into::<ServiceWorkerRegistration>() else {
                    return;
                };
                watch_for_updates(&registration, pwa);
                REGISTRATION.with(|cell| *cell.borrow_mut() = Some(registration.clone()));
                check_for_update_when_visible();
            });
        });
    }

    /// The worker tells the page what the network did: it answered this page (or a file) from
    /// its cache because the network failed, or the network answered. Setting `onmessage`
    /// also starts the delivery of messages the worker sent before the page was ready.
    fn listen_to_worker(container: &web_sys::ServiceWorkerContainer) {
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let data = event.data();
                let field = |name: &str| js_sys::Reflect::get(&data, &name.into()).ok();
                if field("type").and_then(|t| t.as_string()).as_deref() != Some("network") {
                    return;
                }
                match field("online").and_then(|o| o.as_bool()) {
                    Some(true) => crate::client::network::report_reachable(),
                    Some(false) => crate::client::network::report_unreachable(),
                    None => {}
                }
            },
        );
        container.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
    }

    /// Tells the worker which build this page is, so it keeps that build's cache while open.
    fn announce_build(container: &web_sys::ServiceWorkerContainer) {
        let Some(build) = meta("knd-build") else {
            return;
        };
        let message = message("hello");
        let _ = js_sys::Reflect::set(&message, &"build".into(), &build.into());
        if let Some(controller) = container.controller() {
            let _ = controller.post_message(&message);
        }
        let ready = container.ready();
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(registration) = ready {
                let ready = wasm_bindgen_futures::JsFuture::from(registration).await;
                if let Some(reg) = ready
                    .ok()
                    .and_then(|reg| reg.dyn_into::<ServiceWorkerRegistration>().ok())
                {
                    if let Some(active) = reg.active() {
                        let _ = active.post_message(&message);
                    }
                }
            }
        });
    }

    fn watch_for_updates(registration: &ServiceWorkerRegistration, pwa: Pwa) {
        let has_controller = || window().navigator().service_worker().controller().is_some();
        if registration.waiting().is_some() && has_controller() {
            pwa.update_ready.set(true);
        }
        let reg = registration.clone();
        let on_update = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = reg.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                // The first install has no controller: nothing to update from.
                if worker.state() == ServiceWorkerState::Installed && has_controller() {
                    pwa.update_ready.set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
        on_update.forget();
    }

    /// Long-open tabs learn about a new build when the user comes back to them.
    fn check_for_update_when_visible() {
        let handle = window_event_listener_untyped("visibilitychange", move |_| {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                REGISTRATION.with(|cell| {
                    if let Some(reg) = cell.borrow().as_ref() {
                        let _ = reg.update();
                    }
                });
            }
        });
        // Lives as long as the page.
        std::mem::forget(handle);
    }

    pub fn apply_update() {
        let waiting =
            REGISTRATION.with(|cell| cell.borrow().as_ref().and_then(|reg| reg.waiting()));
        match waiting {
            Some(waiting) => {
                UPDATE_REQUESTED.set(true);
                let _ = waiting.post_message(&message("SKIP_WAITING"));
            }
            // The new worker is already active (another tab agreed): just load the new build.
            None => {
                let _ = window().location().reload();
            }
        }
    }

    /// Asks the worker to keep a page the user saw through client-side navigation, so it opens
    /// offline like pages loaded directly.
    pub fn remember_page(url: &str) {
        if let Some(controller) = window().navigator().service_worker().controller() {
            let msg = message("visited");
            let _ = js_sys::Reflect::set(&msg, &"url".into(), &url.into());
            let _ = controller.post_message(&msg);
        }
    }

    fn message(kind: &str) -> js_sys::Object {
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &kind.into());
        message
    }

    fn listen_for_install_prompt(pwa: Pwa) {
        let handle = window_event_listener_untyped("beforeinstallprompt", move |event| {
            event.prevent_default();
            INSTALL_EVENT.with(|cell| *cell.borrow_mut() = Some(event.into()));
            pwa.install_available.set(true);
        });
        std::mem::forget(handle);
        let installed = window_event_listener_untyped("appinstalled", move |_| {
            pwa.install_available.set(false);
        });
        std::mem::forget(installed);
    }

    pub fn install() {
        let Some(event) = INSTALL_EVENT.with(|cell| cell.borrow_mut().take()) else {
            return;
        };
        if let Ok(prompt) = js_sys::Reflect::get(&event, &"prompt".into()) {
            if let Some(prompt) = prompt.dyn_ref::<js_sys::Function>() {
                let _ = prompt.call0(&event);
            }
        }
    }
}
