//! Background work loaded on demand. The code that keeps the offline copies (reading and
//! writing the catalogue snapshot, sending the outbox) runs only after a page is interactive,
//! yet it would sit in the main wasm module that every first visit downloads before the page
//! responds. Each job below is a split point (`cargo leptos build --split`): its code goes to a
//! chunk of its own, fetched the first time the job runs (the service worker keeps it for
//! offline use like the page chunks).
//!
//! A job returns its future boxed (split functions cannot be `async`), and a chunk that cannot
//! be fetched (offline before the service worker stored it) is an error of that one run, not
//! a panic that would stop the whole app.

use std::{future::Future, pin::Pin};

/// A job's work, to be awaited on the page's thread.
pub type Job<T> = Pin<Box<dyn Future<Output = T>>>;

/// The job's chunk could not be fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unloaded;

impl From<leptos::wasm_split::SplitLoaderError> for Unloaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Unloaded
    }
}
