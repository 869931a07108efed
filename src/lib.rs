//! Policywright's core: drafting, checking and exporting operations-staff
//! policies.
//!
//! The pipeline reads left to right, one module per step:
//!
//! ```text
//! model → template → markdown → docx → export;  store;  diff
//! ```
//!
//! Nothing but the store touches the disk, and nothing reads the clock:
//! callers pass file contents, dates and template overrides in, and get bytes
//! back.

pub mod diff;
pub mod docx;
pub mod error;
pub mod export;
pub mod files;
pub mod handbook;
pub mod markdown;
pub mod model;
pub mod presets;
pub mod store;
pub mod template;

pub use error::{Error, ErrorCode, Result};
