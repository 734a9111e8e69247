//! `sightline-bench`: what `make bench` runs, shared by the native runner (`bench-native`) and the
//! WASM build (`sightline-bench-wasm`), so both time the same code on the same bytes.
//!
//! - [`rng`]: a seeded SplitMix64 and `ln`/`exp` written with `+ − × ÷ √` only, so every input is
//!   bit-identical natively and in WASM (libm's `ln`/`exp` may differ in the last bit).
//! - [`inputs`]: the seeded workload inputs and their checksums.
//! - [`reference`]: deliberately plain implementations every timed result is checked against.
//! - [`floor`]: the memory-bandwidth floor — one read of the same bytes.
//! - [`workloads`]: sizes, seeds and the timed kernels (thin calls into `sightline-core`).
//! - [`traces`]: the CP-* and SELF-100k trace workloads, and [`jaeger_cp`], the port of Jaeger UI's
//!   critical path they are checked against.
//! - [`logs`]: the JSON-LOKI workloads (a Loki answer into the columnar log store).

pub mod floor;
pub mod inputs;
pub mod reference;
pub mod rng;
pub mod workloads;
pub mod jaeger_cp;
pub mod traces;
pub mod logs;
