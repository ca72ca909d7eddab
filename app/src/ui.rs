//! Pages (one route per file) and the components of the app shell.

pub mod about;
pub mod app_status;
pub mod auth;
pub mod cabinet;
pub mod catalogue;
pub mod charts;
pub mod feedback;
pub mod form;
pub mod home;
pub mod lang_switch;
pub mod layout;
pub mod nav;
pub mod not_found;
pub mod offline;
pub mod rate;
pub mod ratings;
pub mod representation;
pub mod scan;
pub mod self_check;
pub mod title;
pub mod user_chip;
