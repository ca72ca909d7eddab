//! The text of a page's `<Title>`.
//!
//! On the server, leptos_meta reads a title's text when it writes the document head, after
//! the page's render; by then the render's reactive owner (and with it the locale signal) may
//! be disposed, and reading the signal panics and drops the response. The locale cannot change
//! within one request, so the server reads the text now; the browser keeps it reactive, so the
//! title follows a language switch.

use leptos::text_prop::TextProp;

/// A `<Title text=…>` that is safe on the server; `text` is read once there.
pub fn page_title(text: impl Fn() -> String + Send + Sync + 'static) -> TextProp {
    #[cfg(feature = "ssr")]
    return TextProp::from(text());
    #[cfg(not(feature = "ssr"))]
    TextProp::from(text)
}
