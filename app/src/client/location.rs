//! Where the page is served from, for links the user copies and passes on.

/// The page's origin (`https://knd.example.ru`); empty on the server, where links stay
/// relative.
pub fn origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .location()
            .origin()
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}
