//! The catalogue of the information portal as plain rows (`model`), and the views the pages show
//! assembled from them (`views`). The same code runs on the server, over its cached copy, and in
//! the browser, over the copy stored on the device: online and offline pages are one thing.

pub mod edit;
pub mod model;
pub mod search;
pub mod views;
