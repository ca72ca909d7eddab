//! The server's integration tests, in one binary: each file a module (one binary links once
//! and takes a fraction of the disk of one per file). nextest still runs each test in a process
//! of its own, against a fresh database.

mod abuse;
mod authz;
mod client_address;
mod common;
mod control_chars;
mod cross_site;
mod files;
mod idor;
mod infra;
mod open_data;
mod page_cache;
mod pages;
mod privacy;
mod ratings;
mod read_replica;
mod representation;
mod self_check;
mod session;
mod sign_in_throttle;
mod sync;
mod sync_batch;
