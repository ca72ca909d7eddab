//! Server functions: thin entry points that authorise (through `server::authz`, first thing),
//! validate into domain types, call the repositories and map the result. Every one has a fixed
//! endpoint so a deploy never moves its address, and a row in the authorisation matrix test.

pub mod account;
pub mod catalogue;
pub mod catalogue_edit;
pub mod organisations;
pub mod portal;
pub mod rating;
pub mod rating_feedback;
pub mod ratings;
pub mod representation;
pub mod self_check;
pub mod session;
pub mod staff;
pub mod sync;
