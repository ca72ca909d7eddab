//! Browser-only capabilities behind a facade that compiles on both targets, so components never
//! write `#[cfg]`: on the server the functions are inert, in the browser they do the work.

#[cfg(feature = "hydrate")]
pub mod chunk;
pub mod draft;
#[cfg(feature = "hydrate")]
pub mod idb;
pub mod kept_claims;
pub mod location;
pub mod merge;
pub mod network;
pub mod offline_catalogue;
pub mod offline_gate;
pub mod outbox;
pub mod prefs;
pub mod pwa;
pub mod session;
pub mod upload;
