//! certreq's command line, parsed by hand.
//!
//! certreq's syntax is not GNU-style: verbs and options are words that start with `-` or `/`,
//! compared case-insensitively (`-new`, `/New`, `-BINARY`); options that take a value take the
//! next argument (`-config URL`). Everything else is a positional argument (file names, key
//! names). On Unix a path such as `/tmp/a.inf` also starts with `/`, so a `/word` argument is an
//! option only when `word` is a known verb or option; `--` ends options.

/// A certreq verb (`-new`, `-submit`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    New,
    Submit,
    Retrieve,
    Accept,
    /// Extension: a PFX's key and certificates into the key store.
    ImportPfx,
    /// Extension: the templates the CA offers (AD CS) or what it asks of requests (EST).
    Templates,
    /// Extension: a CA certificate (current, or of a renewal).
    CaCert,
    /// Extension: the CA's chain as PKCS #7.
    CaChain,
    /// Extension: the CA's base or delta CRL.
    Crl,
    Policy,
    Sign,
    Enroll,
}

impl Verb {
    pub const ALL: [Verb; 12] = [
        Verb::New,
        Verb::Submit,
        Verb::Retrieve,
        Verb::Accept,
        Verb::ImportPfx,
        Verb::Templates,
        Verb::CaCert,
        Verb::CaChain,
        Verb::Crl,
        Verb::Policy,
        Verb::Sign,
        Verb::Enroll,
    ];

    /// The verb as certreq's usage text spells it (without the dash).
    pub fn name(self) -> &'static str {
        match self {
            Verb::New => "New",
            Verb::Submit => "Submit",
            Verb::Retrieve => "Retrieve",
            Verb::Accept => "Accept",
            Verb::ImportPfx => "ImportPFX",
            Verb::Templates => "Templates",
            Verb::CaCert => "CACert",
            Verb::CaChain => "CAChain",
            Verb::Crl => "CRL",
            Verb::Policy => "Policy",
            Verb::Sign => "Sign",
            Verb::Enroll => "Enroll",
        }
    }

    fn from_word(word: &str) -> Option<Verb> {
        Verb::ALL
            .into_iter()
            .find(|v| v.name().eq_ignore_ascii_case(word))
    }
}

/// An option (a switch or an option with a value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    Help,
    Verbose,
    Binary,
    Force,
    Quiet,
    Rfc7468,
    User,
    Machine,
    Config,
    Attrib,
    Cert,
    UserName,
    Password,
    CaFile,
    Pfx,
    Legacy,
    AllowNoMac,
    Xchg,
    RenewOnBehalfOf,
    HashAlgorithm,
    /// Extension: which CA certificate (AD CS renewal index) for -cacert, -cachain, -crl.
    Renewal,
    /// Extension: the delta CRL instead of the base CRL.
    Delta,
    /// Sign in to the CA with Kerberos (HTTP Negotiate).
    Kerberos,
    /// Sign in to the CA with a TLS client certificate (a PFX file, or a store entry).
    ClientCertificate,
}

impl Opt {
    pub const ALL: [Opt; 24] = [
        Opt::Help,
        Opt::Verbose,
        Opt::Binary,
        Opt::Force,
        Opt::Quiet,
        Opt::Rfc7468,
        Opt::User,
        Opt::Machine,
        Opt::Config,
        Opt::Attrib,
        Opt::Cert,
        Opt::UserName,
        Opt::Password,
        Opt::CaFile,
        Opt::Pfx,
        Opt::Legacy,
        Opt::AllowNoMac,
        Opt::Xchg,
        Opt::RenewOnBehalfOf,
        Opt::HashAlgorithm,
        Opt::Renewal,
        Opt::Delta,
        Opt::Kerberos,
        Opt::ClientCertificate,
    ];

    /// The option as written in usage text (without the dash).
    pub fn name(self) -> &'static str {
        match self {
            Opt::Help => "?",
            Opt::Verbose => "v",
            Opt::Binary => "binary",
            Opt::Force => "f",
            Opt::Quiet => "q",
            Opt::Rfc7468 => "rfc7468",
            Opt::User => "user",
            Opt::Machine => "machine",
            Opt::Config => "config",
            Opt::Attrib => "attrib",
            Opt::Cert => "cert",
            Opt::UserName => "username",
            Opt::Password => "p",
            Opt::CaFile => "cafile",
            Opt::Pfx => "pfx",
            Opt::Legacy => "legacy",
            Opt::AllowNoMac => "allownomac",
            Opt::Xchg => "xchg",
            Opt::RenewOnBehalfOf => "RenewOnBehalfOf",
            Opt::HashAlgorithm => "HashAlgorithm",
            Opt::Renewal => "renewal",
            Opt::Delta => "delta",
            Opt::Kerberos => "Kerberos",
            Opt::ClientCertificate => "ClientCertificate",
        }
    }

    /// The placeholder of the option's value, for options that take one.
    pub fn value_name(self) -> Option<&'static str> {
        match self {
            Opt::Config => Some("ConfigString"),
            Opt::Attrib => Some("AttributeString"),
            Opt::Cert => Some("CertId"),
            Opt::UserName => Some("UserName"),
            Opt::Password => Some("Password"),
            Opt::CaFile => Some("CaFile"),
            Opt::Pfx => Some("PfxFileOut"),
            Opt::Xchg => Some("ExchangeCertFile"),
            Opt::HashAlgorithm => Some("HashAlgorithm"),
            Opt::Renewal => Some("N"),
            Opt::ClientCertificate => Some("PfxFileOrContainer"),
            _ => None,
        }
    }

    fn from_word(word: &str) -> Option<Opt> {
        if word == "h" || word.eq_ignore_ascii_case("help") {
            return Some(Opt::Help);
        }
        if word.eq_ignore_ascii_case("password") {
            return Some(Opt::Password);
        }
        Opt::ALL
            .into_iter()
            .find(|o| o.name().eq_ignore_ascii_case(word))
    }
}

/// What the command line asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Invocation {
    /// The verb; `None` means certreq's default verb (`-submit`) or, with `-?`, general help.
    pub verb: Option<Verb>,
    /// The switches and options in the order given (values included).
    pub options: Vec<(Opt, Option<String>)>,
    /// Positional arguments in order.
    pub args: Vec<String>,
}

impl Invocation {
    pub fn has(&self, opt: Opt) -> bool {
        self.options.iter().any(|(o, _)| *o == opt)
    }

    /// The value of the last occurrence of an option that takes one.
    pub fn value(&self, opt: Opt) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(o, _)| *o == opt)
            .and_then(|(_, v)| v.as_deref())
    }
}

/// A command line certreq cannot make sense of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

/// Parses the arguments after the program name.
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Invocation, UsageError> {
    let mut inv = Invocation::default();
    let mut it = args.into_iter();
    let mut options_done = false;
    while let Some(arg) = it.next() {
        if options_done {
            inv.args.push(arg);
            continue;
        }
        if arg == "--" {
            options_done = true;
            continue;
        }
        // what Linux and macOS users type for help, beside certreq's own -? (and -h, -help)
        if arg == "--help" {
            inv.options.push((Opt::Help, None));
            continue;
        }
        let Some((dash, word)) = switch_word(&arg) else {
            inv.args.push(arg);
            continue;
        };
        if let Some(verb) = Verb::from_word(word) {
            match inv.verb {
                Some(prev) if prev != verb => {
                    return Err(UsageError(format!(
                        "two verbs given (-{} and {arg}): certreq does one thing at a time",
                        prev.name()
                    )));
                }
                _ => inv.verb = Some(verb),
            }
            continue;
        }
        if let Some(opt) = Opt::from_word(word) {
            let value = match opt.value_name() {
                Some(placeholder) => match it.next() {
                    Some(v) => Some(v),
                    None => {
                        return Err(UsageError(format!(
                            "{arg} needs a value: {arg} {placeholder}"
                        )));
                    }
                },
                None => None,
            };
            inv.options.push((opt, value));
            continue;
        }
        if dash == '/' {
            // `/word` that is not a verb or option: a file at the root of the file system.
            inv.args.push(arg);
            continue;
        }
        return Err(UsageError(format!(
            "unknown verb or option {arg}; run `certreq -v -?` for the list"
        )));
    }
    if inv.has(Opt::Binary) && inv.has(Opt::Rfc7468) {
        return Err(UsageError(
            "-binary writes DER and -rfc7468 a PEM label: give one or the other".into(),
        ));
    }
    Ok(inv)
}

/// `Some((dash, word))` when `arg` is written like a switch: `-word`, or `/word` without a
/// further `/` (so that Unix paths stay positional). `-` alone is positional (certreq uses it as
/// a value, e.g. `-config -`).
fn switch_word(arg: &str) -> Option<(char, &str)> {
    let mut chars = arg.chars();
    let dash = chars.next()?;
    let word = chars.as_str();
    if word.is_empty() {
        return None;
    }
    match dash {
        '-' => Some(('-', word)),
        '/' if !word.contains('/') => Some(('/', word)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Invocation, UsageError> {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn verbs_and_options_are_case_insensitive_with_dash_or_slash() {
        let inv = p(&["/NEW", "-Binary", "/f", "-Q", "a.inf", "b.req"]).unwrap();
        assert_eq!(inv.verb, Some(Verb::New));
        assert!(inv.has(Opt::Binary) && inv.has(Opt::Force) && inv.has(Opt::Quiet));
        assert!(!inv.has(Opt::Rfc7468));
        assert_eq!(inv.args, ["a.inf", "b.req"]);
    }

    #[test]
    fn unix_paths_are_positional() {
        let inv = p(&["-new", "/tmp/a.inf", "/out", "/q"]).unwrap();
        assert_eq!(inv.args, ["/tmp/a.inf", "/out"]);
        assert!(inv.has(Opt::Quiet));
    }

    #[test]
    fn double_dash_ends_options() {
        let inv = p(&["-new", "--", "-weird.inf", "-q"]).unwrap();
        assert_eq!(inv.args, ["-weird.inf", "-q"]);
        assert!(!inv.has(Opt::Quiet));
    }

    #[test]
    fn options_with_values_take_the_next_argument() {
        let inv = p(&["-submit", "-config", "-", "-attrib", "A:b", "x.req"]).unwrap();
        assert_eq!(inv.verb, Some(Verb::Submit));
        assert_eq!(inv.value(Opt::Config), Some("-"));
        assert_eq!(inv.value(Opt::Attrib), Some("A:b"));
        assert_eq!(inv.args, ["x.req"]);
        assert_eq!(
            p(&["-submit", "-config"]),
            Err(UsageError(
                "-config needs a value: -config ConfigString".into()
            ))
        );
    }

    #[test]
    fn help_forms() {
        for gnu in [&["--help"][..], &["-new", "--help"]] {
            let inv = p(gnu).unwrap();
            assert!(inv.has(Opt::Help), "{gnu:?}");
        }
        assert_eq!(p(&["-new", "--help"]).unwrap().verb, Some(Verb::New));
        let inv = p(&["-v", "-?"]).unwrap();
        assert!(inv.has(Opt::Help) && inv.has(Opt::Verbose));
        assert_eq!(inv.verb, None);
        let inv = p(&["-new", "/?", "KeyLength"]).unwrap();
        assert!(inv.has(Opt::Help));
        assert_eq!(inv.args, ["KeyLength"]);
    }

    #[test]
    fn unknown_options_and_two_verbs_are_usage_errors() {
        assert_eq!(
            p(&["-new", "-bogus"]),
            Err(UsageError(
                "unknown verb or option -bogus; run `certreq -v -?` for the list".into()
            ))
        );
        assert!(p(&["-new", "-submit"]).is_err());
        assert!(p(&["-new", "-new"]).is_ok());
    }

    #[test]
    fn importpfx_is_a_verb_and_allownomac_a_switch() {
        let inv = p(&["/ImportPfx", "-AllowNoMac", "-p", "pw", "a.pfx"]).unwrap();
        assert_eq!(inv.verb, Some(Verb::ImportPfx));
        assert!(inv.has(Opt::AllowNoMac));
        assert_eq!(inv.value(Opt::Password), Some("pw"));
        assert_eq!(inv.args, ["a.pfx"]);
    }

    #[test]
    fn a_lone_dash_is_positional() {
        assert_eq!(p(&["-"]).unwrap().args, ["-"]);
    }
}
