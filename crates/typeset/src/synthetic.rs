//! Synthetic resolutions (stub).
