//! Heavy work off the main thread: [`client`] runs `sightline_core::offload` jobs in the
//! background worker (the `sightline-worker` crate), [`jobs`] decides per job whether to send it
//! there or run it here, and is what the rest of the app calls ([`trace_jobs`] for trace
//! bodies); [`slices`] spreads work that stays on the main thread over several tasks.

pub mod client;
pub mod jobs;
pub mod slices;
pub mod trace_jobs;
