//! Server functions: thin entry points that authorise, validate into domain types, call the
//! repositories and map the result. Functions a cached or offline client calls have a fixed
//! endpoint so a deploy never moves their address.

pub mod portal;
pub mod session;
