//! Whether the browser believes it is online, as a signal that follows `online`/`offline` events.

use leptos::prelude::*;

/// A signal that is `true` while the browser reports a network connection. Server-side rendering
/// assumes online; the browser corrects it right after hydration.
pub fn use_online() -> ReadSignal<bool> {
    let (online, set_online) = signal(true);
    #[cfg(feature = "hydrate")]
    {
        use leptos::ev;
        Effect::new(move |_| set_online.set(window().navigator().on_line()));
        let on = window_event_listener(ev::online, move |_| set_online.set(true));
        let off = window_event_listener(ev::offline, move |_| set_online.set(false));
        on_cleanup(move || {
            on.remove();
            off.remove();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_online;
    online
}
