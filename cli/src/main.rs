//! `certreq` for Linux and macOS: certreq's verbs over certreq-core, with native keys kept in a
//! file store.
//!
//! Exit status: 0 success (and help; a request left pending at the CA is a success), 1 the
//! work failed (INF errors, files, keys, the CA denied or could not be reached), 2 the command
//! line is wrong (unknown verb or option, missing or extra arguments, a verb not available yet).

#![forbid(unsafe_code)]

// `outln!` and `out!`: standard output that a closed pipe does not stop, for every module
#[macro_use]
extern crate certreq_fsio;
use certreq_fsio::out;

mod accept;
mod args;
mod client;
mod config;
mod digest;
mod drive;
mod help;
mod http;
mod importpfx;
mod keys;
mod knowca;
mod negotiate;
mod newreq;
mod policyreq;
mod render;
mod retrieve;
mod sign;
mod signers;
mod store;
mod submit;

use args::{Invocation, Opt, Verb};
use certreq_fsio as fsio;
use help::{EXIT_OK, EXIT_USAGE};

fn main() {
    std::process::exit(out::status("certreq", run(std::env::args().skip(1))));
}

fn run(argv: impl Iterator<Item = String>) -> i32 {
    let inv = match args::parse(argv) {
        Ok(inv) => inv,
        Err(args::UsageError(message)) => {
            eprintln!("certreq: error: {message}");
            return EXIT_USAGE;
        }
    };
    if inv.has(Opt::Help) {
        return show_help(&inv);
    }
    match inv.verb {
        Some(Verb::New) => newreq::run(&inv),
        None if inv.args.is_empty() && inv.options.is_empty() => {
            eprint!("{}", help::general(false));
            EXIT_USAGE
        }
        // -submit is certreq's default verb
        Some(Verb::Submit) | None => submit::run(&inv),
        Some(Verb::Retrieve) => retrieve::run(&inv),
        Some(Verb::Accept) => accept::run(&inv),
        Some(Verb::ImportPfx) => importpfx::run(&inv),
        Some(Verb::Sign) => sign::run(&inv),
        Some(Verb::Policy) => policyreq::run(&inv),
        Some(v @ (Verb::Templates | Verb::CaCert | Verb::CaChain | Verb::Crl)) => {
            knowca::run(&inv, v)
        }
        Some(other) => {
            let name = other.name();
            eprintln!(
                "certreq: error: -{name} is not available yet in this version; -New, -Submit, -Retrieve, -Accept, -Sign, -Policy, -ImportPFX, -Templates, -CACert, -CAChain and -CRL are"
            );
            EXIT_USAGE
        }
    }
}

fn show_help(inv: &Invocation) -> i32 {
    let verbose = inv.has(Opt::Verbose);
    match inv.verb {
        None => out!("{}", help::general(verbose)),
        Some(Verb::New) if !inv.args.is_empty() => {
            let mut status = EXIT_OK;
            for (i, name) in inv.args.iter().enumerate() {
                match help::key(name) {
                    Ok(text) => {
                        if i > 0 {
                            outln!();
                        }
                        out!("{text}");
                    }
                    Err(message) => {
                        eprintln!("certreq: error: {message}");
                        status = EXIT_USAGE;
                    }
                }
            }
            return status;
        }
        Some(verb) => out!("{}", help::verb(verb, verbose)),
    }
    EXIT_OK
}
