//! The web app's second wasm module, instantiated on first use: the decoder, the readers of CA
//! answers, the enrollment steps, the PFX writer, the CMC wrapping and the reference's prose
//! ([`serve`], over `certreq-wire`), which the first download does without.
//!
//! It has no imports and no JavaScript glue, so the app can instantiate it from fetched bytes
//! or from bytes inlined in the single-file page alike. The app talks to it through linear
//! memory: `tools_input(len)` gives a buffer of `len` bytes for the question, which the app
//! writes; `tools_run(op)` answers into a buffer read through `tools_output()` and
//! `tools_output_len()`, and returns the status. The buffers live in this module's statics, so
//! the Rust here never touches memory through a raw pointer; it only hands out addresses.
//!
//! `#[unsafe(no_mangle)]` is the only `unsafe` word here, allowed for these four functions
//! alone: it is how an exported function keeps its name, and these four names are the
//! module's interface with the app (nothing else in the module defines them).

use std::cell::RefCell;

mod serve;
pub use serve::serve;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A zeroed buffer of `len` bytes for the next question; its address in linear memory.
#[allow(unsafe_code)] // exported by name: see the module documentation
#[unsafe(no_mangle)]
pub extern "C" fn tools_input(len: usize) -> *mut u8 {
    INPUT.with_borrow_mut(|b| {
        b.clear();
        b.resize(len, 0);
        b.as_mut_ptr()
    })
}

/// Answers the question in the input buffer; returns `certreq_wire::STATUS_*`.
#[allow(unsafe_code)] // exported by name: see the module documentation
#[unsafe(no_mangle)]
pub extern "C" fn tools_run(op: u32) -> u32 {
    let mut input = INPUT.with_borrow_mut(core::mem::take);
    let (status, answer) = serve(op, &input);
    // a question may hold a private key or a password: overwritten before it is freed
    zeroize::Zeroize::zeroize(&mut input);
    OUTPUT.set(answer);
    status
}

/// The address of the last answer.
#[allow(unsafe_code)] // exported by name: see the module documentation
#[unsafe(no_mangle)]
pub extern "C" fn tools_output() -> *const u8 {
    OUTPUT.with_borrow(|b| b.as_ptr())
}

/// The length of the last answer.
#[allow(unsafe_code)] // exported by name: see the module documentation
#[unsafe(no_mangle)]
pub extern "C" fn tools_output_len() -> usize {
    OUTPUT.with_borrow(Vec::len)
}
