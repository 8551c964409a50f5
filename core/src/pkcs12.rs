//! PFX
