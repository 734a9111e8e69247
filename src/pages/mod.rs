//! One module per page. Pages whose issue has not landed say so plainly ([`not_built`]).

pub mod explore;
pub mod not_built;
pub mod settings;
pub mod slos;
pub mod traces;
