//! Small status widgets of the shell: online/offline indicator, the "new version" prompt and the
//! install button.

use leptos::prelude::*;

use crate::client::{network::use_online, pwa::use_pwa};
use crate::i18n::{t, t_string, use_i18n};

/// Shows whether the device is online; announced politely to screen readers when it changes.
#[component]
pub fn NetworkStatus() -> impl IntoView {
    let i18n = use_i18n();
    let online = use_online();
    view! {
        <p
            class="network-status"
            class:offline=move || !online.get()
            role="status"
            title=move || (!online.get()).then(|| t_string!(i18n, network.offline_hint))
        >
            <span class="dot" aria-hidden="true"></span>
            // Its own element: narrow phones show only the dot (the words stay for screen readers).
            <span class="network-label">
                {move || {
                    if online.get() {
                        t_string!(i18n, network.online)
                    } else {
                        t_string!(i18n, network.offline)
                    }
                }}
            </span>
        </p>
    }
}

/// Offers the waiting new build; nothing changes until the user agrees.
#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let i18n = use_i18n();
    let pwa = use_pwa();
    view! {
        <Show when=move || pwa.update_ready.get()>
            <div class="update-prompt" role="alert">
                <p>{t!(i18n, update.available)}</p>
                <button type="button" class="button primary" on:click=move |_| pwa.apply_update()>
                    {t!(i18n, update.apply)}
                </button>
                <button type="button" class="button" on:click=move |_| pwa.update_ready.set(false)>
                    {t!(i18n, update.later)}
                </button>
            </div>
        </Show>
    }
}

/// Shown only where the browser offers installation.
#[component]
pub fn InstallButton() -> impl IntoView {
    let i18n = use_i18n();
    let pwa = use_pwa();
    view! {
        <Show when=move || pwa.install_available.get()>
            <button
                type="button"
                class="button install"
                title=move || t_string!(i18n, install.hint)
                on:click=move |_| pwa.install()
            >
                {t!(i18n, install.action)}
            </button>
        </Show>
    }
}
