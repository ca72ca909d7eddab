//! Pure domain types and rules shared by the browser (instant form feedback) and the server (the
//! authority): validating constructors, no framework, database or browser code.

pub mod account;
pub mod catalogue;
pub mod erknm;
pub mod files;
pub mod organisation;
pub mod rating;
pub mod rating_stats;
pub mod registry_number;
pub mod representation;
pub mod self_check;
pub mod text;
