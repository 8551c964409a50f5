//! From a parsed INF to a typed [`NewRequest`]: every key validated, certreq's defaults applied.

use crate::diag::Diagnostic;
use crate::inf::Inf;
use crate::model::NewRequest;

/// Decides the request an INF describes. `None` when there are errors (the diagnostics say
/// why); warnings and notes travel with a successful result too.
pub fn lower(inf: &Inf) -> (Option<NewRequest>, Vec<Diagnostic>) {
    let _ = inf;
    unimplemented!("request::lower")
}

/// The whole front half of the pipeline for one INF text.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub inf: Inf,
    /// `None` when any diagnostic is an error.
    pub request: Option<NewRequest>,
    /// Reader and lowering diagnostics, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and lowers INF text (already decoded; see [`crate::text::decode`]).
pub fn compile(text: &str) -> Compiled {
    let (inf, mut diagnostics) = crate::inf::parse(text);
    let (request, more) = lower(&inf);
    diagnostics.extend(more);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    let request = if crate::diag::has_errors(&diagnostics) {
        None
    } else {
        request
    };
    Compiled {
        inf,
        request,
        diagnostics,
    }
}
