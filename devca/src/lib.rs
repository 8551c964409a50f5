//! What devca reads from its clients, as a library: the form and query decoding (`util`) and
//! the request parsing and signature checks (`csr`). The fuzz targets (`tests/fuzz`) call these
//! exactly as the server does; the `devca` binary compiles the same two files as its own
//! modules, so nothing here changes how it runs.

pub mod csr;
pub mod util;
