//! certreq-web: the browser app.
pub fn start() {}
