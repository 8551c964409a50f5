//! Test support shared by the integration tests (see `tests/tests/`).
