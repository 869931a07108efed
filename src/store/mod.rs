//! The version store (being written).
