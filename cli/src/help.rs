//! Usage text (`-?`, `-v -?`, `-new -?`) and the INF key reference (`-new -? Key`).

use certreq_keydocs as keydocs;

use crate::args::Verb;

/// Exit status of a successful run (and of help).
pub const EXIT_OK: i32 = 0;
/// Exit status when the work failed: INF errors, files, keys.
pub const EXIT_FAILED: i32 = 1;
/// Exit status when the command line is wrong.
pub const EXIT_USAGE: i32 = 2;

const HEADER: &str = "certreq for Linux and macOS (certreq-web): certreq's INF files in, PKCS #10 requests out,\n\
certificates from AD CS Web Enrollment or EST back in.\n";

const VERBS_SHORT: &str = "\
Usage:
  CertReq -?
  CertReq [-v] -?
  CertReq [-Command] -?
  CertReq -new -? [KeyName | SectionName]

  CertReq -New [Options] PolicyFileIn [RequestFileOut]
    Create a new key and request as directed by PolicyFileIn (a certreq INF file)

  CertReq [-Submit] [Options] RequestFileIn [CertFileOut [CertChainFileOut]]
    Submit a request to a CA (-config URL) and save the certificate and chain

  CertReq -Retrieve [Options] RequestId [CertFileOut [CertChainFileOut]]
    Fetch the certificate of a request the CA left pending

  CertReq -Accept [Options] [CertChainFileIn | FullResponseFileIn | CertFileIn]
    Pair an issued certificate with its key in the key store (optionally export a PFX)

  CertReq -Policy [Options] RequestFileIn PolicyFileIn RequestFileOut [PKCS10FileOut]
    Construct a cross certification or qualified subordination request from an existing
    CA certificate or from an existing request

  CertReq -Sign [Options] RequestFileIn RequestFileOut
    Sign a certificate request with an enrollment agent or qualified subordination
    signing certificate (-cert CertId)

  CertReq -ImportPFX [Options] PfxFileIn
    Extension: put the key and certificates of a PFX (PKCS #12) into the key store

  CertReq -Templates [Options]
    Extension: list the CA's certificate templates (AD CS) or what it asks of requests (EST)

  CertReq -CACert [Options] [-renewal N] CertFileOut
  CertReq -CAChain [Options] [-renewal N] CertChainFileOut
    Extension: download the CA's certificate (current, or renewal N) or its chain (PKCS #7)

  CertReq -CRL [Options] [-delta] [-renewal N] CrlFileOut
    Extension: download the CA's base (or delta) CRL, checked before it is written

  CertReq -Enroll
    Not available yet in this version
";

const OPTIONS: &str = "\
Options:
  -binary           Write DER instead of base64 (PEM): the request (-new), the certificate
                    and chain (-submit, -retrieve)
  -rfc7468          Armor with the RFC 7468 label CERTIFICATE REQUEST (CMS for a CMC
                    request) instead of certreq's NEW CERTIFICATE REQUEST (more tools
                    accept it)
  -f                Overwrite existing output files; with -importpfx, replace the store entry
                    that holds the same key
  -q                Quiet: no notes and no progress lines (errors and warnings still shown)
  -v                Verbose help
  -user             Use the current user's key store (the default; the only store here)
  -config URL       The CA: https://host/certsrv (AD CS Web Enrollment) or
                    https://host/.well-known/est[/label] (EST); else $CERTREQ_CONFIG
  -attrib AttributeString
                    Request attributes for Web Enrollment: Name:Value pairs separated by \\n,
                    e.g. \"CertificateTemplate:WebServer\\nSAN:dns=a.example&dns=b.example\"
  -username UserName, -p Password
                    HTTP Basic (or Digest) credentials for the CA (else $CERTREQ_USER,
                    $CERTREQ_PASSWORD); with -accept and -importpfx, -p (or -password) is the
                    PFX password
  -cafile File      Extension: also trust the CA certificates in File (PEM or DER) for HTTPS,
                    besides the system roots (else $CERTREQ_CA_FILE)
  -pfx PfxFileOut   Extension, -accept: also write key, certificate and chain as PKCS #12
                    (only for keys made with Exportable = TRUE; password -p or
                    $CERTREQ_PFX_PASSWORD)
  -legacy           Extension, with -pfx: 3DES and SHA-1 MAC for old Windows instead of
                    AES-256 and SHA-256
  -allownomac       Extension, -importpfx: import a PFX that has no integrity check (MAC);
                    without it such a file is refused, as nothing shows it was not altered
  -cert CertId      The certificate that signs, from the key store, by SHA-1 thumbprint,
                    serial number or subject text: an enrollment agent's (-new with
                    RequesterName), a PKCS #7 or CMC co-signer (-new, -sign, -policy), or
                    the CA that signs a RequestType = Cert certificate (-new)
  -xchg ExchangeCertFile
                    -new with PrivateKeyArchive = TRUE: the CA's exchange certificate (else
                    fetched from the -config CA)
  -RenewOnBehalfOf  -submit: check that the request is a renewal signed by the renewed
                    certificate (certreq's CR_IN_ROBO; Web Enrollment carries no flags)
  -HashAlgorithm Algorithm
                    -sign, -policy: the hash to sign with (sha256 unless given)
  -renewal N        Extension, -cacert/-cachain/-crl: the CA certificate of AD CS renewal N
                    (0 is the first; default: the current one, from certcarc.asp)
  -delta            Extension, -crl: the delta CRL instead of the base CRL
  -Kerberos         Sign in to the CA with Kerberos (HTTP Negotiate, SPNEGO) from the first
                    request, with the ticket in your cache (kinit; $KRB5CCNAME); without
                    -username, Kerberos is also used when the CA answers 401 Negotiate. The
                    service is HTTP/host of the -config URL
  -ClientCertificate PfxFile
                    Sign in to the CA with a TLS client certificate: a PFX file (password
                    $CERTREQ_PFX_PASSWORD; -p is the CA sign-in's) or the KeyContainer name
                    of a store entry
  -machine          Not supported here
  -?                Show help; `-new -? KeyName` shows the reference for one INF key
  --                End of options: later arguments are file names even if they start with -
";

const DETAILS: &str = "\
Verbs and options start with - or / and are not case-sensitive (-new, /New). A /word argument
that is not a verb or option is a file name, so Unix paths work as they are.

-new without RequestFileOut writes next to PolicyFileIn, with the extension .req (certreq asks
with a Save dialog instead). An existing output file is kept unless -f is given; -submit and
-retrieve likewise (their defaults: RequestFileIn with .cer, and certnew.cer).

Private keys stay in the pending-request store, one directory per key holding key.pk8 (PKCS #8,
mode 0600), request.der, request.inf and meta; -submit records the CA's request id there and
-accept adds cert.pem and chain.p7b. The store is $CERTREQ_STORE, else
$XDG_DATA_HOME/certreq-web/store or ~/.local/share/certreq-web/store
(macOS: ~/Library/Application Support/certreq-web/store). -importpfx adds an issued entry
(key.pk8, cert.pem, chain.p7b, meta) for a key that came in a PFX; INF files reuse it with
UseExistingKeySet = TRUE and KeyContainer = the container name it prints.

A request the CA keeps pending is not an error: -submit prints its RequestId; collect the
certificate later with -retrieve (EST has no request id: run the same -submit again).

Exit status: 0 success or help, 1 the request could not be made or the CA did not issue
(errors in the INF, files, keys, denied, unreachable), 2 the command line is wrong.
";

/// `certreq -?` and `certreq -v -?`.
pub fn general(verbose: bool) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    out.push_str(VERBS_SHORT);
    out.push('\n');
    if verbose {
        out.push_str(OPTIONS);
        out.push('\n');
        out.push_str(DETAILS);
    } else {
        out.push_str("Run `certreq -v -?` for the options, the key store and exit status.\n");
    }
    out
}

/// `certreq -Verb -?`.
pub fn verb(verb: Verb, verbose: bool) -> String {
    match verb {
        Verb::New => new_help(verbose),
        Verb::Submit => with_details(SUBMIT_HELP, verbose),
        Verb::Retrieve => with_details(RETRIEVE_HELP, verbose),
        Verb::Accept => with_details(ACCEPT_HELP, verbose),
        Verb::ImportPfx => with_details(IMPORTPFX_HELP, verbose),
        Verb::Sign => with_details(SIGN_HELP, verbose),
        Verb::Policy => with_details(POLICY_HELP, verbose),
        Verb::Templates | Verb::CaCert | Verb::CaChain | Verb::Crl => {
            with_details(KNOWCA_HELP, verbose)
        }
        other => format!(
            "Usage:\n  CertReq -{} ...\n\n-{} is not available yet in this version; -New, -Submit, -Retrieve, -Accept, -Sign, -Policy, -ImportPFX, -Templates, -CACert, -CAChain and -CRL are.\n",
            other.name(),
            other.name()
        ),
    }
}

const SIGN_HELP: &str = "\
Usage:
  CertReq -Sign -cert CertId [Options] RequestFileIn RequestFileOut
    Sign a request with a stored certificate's key: a PKCS #7 or CMC request gets the
    certificate's signature beside the others (a certificate that signed already signs
    again); a PKCS #10 request is wrapped in a PKCS #7 the certificate signs

Options:
  -cert CertId      The signing certificate (thumbprint, serial number or subject text)
  -HashAlgorithm H  sha256 (the default), sha384, sha512 or sha1
  -binary           Write DER instead of base64 (PEM)
  -rfc7468          PEM label CMS instead of NEW CERTIFICATE REQUEST
  -f                Overwrite RequestFileOut (also when it is RequestFileIn)
  -q                No progress lines
";

const POLICY_HELP: &str = "\
Usage:
  CertReq -Policy [Options] RequestFileIn PolicyFileIn RequestFileOut [PKCS10FileOut]
    Apply a policy INF (name constraints, policy statements, mappings and constraints,
    basic constraints, [Extensions], [RequestAttributes]) to a request or CA certificate:
    a cross certification or qualified subordination request

Options:
  -cert CertId      A certificate that signs the new request too (a CMC request)
  -HashAlgorithm H  sha256 (the default), sha384, sha512 or sha1
  -binary, -rfc7468, -f, -q
                    As for -sign

The new request is signed with the request's key when the key store holds it. When it does
not (another CA's certificate, a request made elsewhere) -cert is needed: the new request
then carries MS-WCCE's null signature inside a CMC request the certificate signs. Without
either, nothing is written. PKCS10FileOut gets the new PKCS #10 request alone.
";

const SUBMIT_HELP: &str = "\
Usage:
  CertReq [-Submit] [Options] RequestFileIn [CertFileOut [CertChainFileOut]]
    Submit a request to a CA and save the certificate (CertFileOut, default RequestFileIn
    with .cer) and the chain (CertChainFileOut, PKCS #7)

Options:
  -config URL       https://host/certsrv (AD CS Web Enrollment) or
                    https://host/.well-known/est[/label] (EST; end it in /simplereenroll to
                    re-enroll, RFC 7030 4.2.2); else $CERTREQ_CONFIG
  -attrib AttributeString
                    Name:Value pairs separated by \\n (Web Enrollment only)
  -username UserName, -p Password
                    HTTP Basic (or Digest) credentials (else $CERTREQ_USER, $CERTREQ_PASSWORD)
  -cafile File      Also trust these CA certificates for HTTPS (else $CERTREQ_CA_FILE)
  -binary           Write DER instead of base64 (PEM)
  -f                Overwrite existing output files
  -q                No progress lines
  -RenewOnBehalfOf  Check that the request is a renewal its renewed certificate signed
                    (Web Enrollment carries no request flags: the CA decides)

Issued: the certificate and chain are written. Pending: the RequestId is printed and recorded
with the key; run certreq -retrieve later (EST: run the same -submit again). Denied: the CA's
message is shown, the exit status is 1, and the key stays in the store.
";

const RETRIEVE_HELP: &str = "\
Usage:
  CertReq -Retrieve [Options] RequestId [CertFileOut [CertChainFileOut]]
    Fetch the certificate of request RequestId (decimal, or hex with 0x) from AD CS Web
    Enrollment; CertFileOut defaults to certnew.cer

Options:
  -config URL       https://host/certsrv; else $CERTREQ_CONFIG
  -username UserName, -p Password, -cafile File, -binary, -f, -q
                    As for -submit

Still pending: says so and exits 0. Unknown or denied request: the CA's message, exit 1.
";

const ACCEPT_HELP: &str = "\
Usage:
  CertReq -Accept [Options] [CertChainFileIn | FullResponseFileIn | CertFileIn]
    Find the key in the key store that the certificate was issued for and attach the
    certificate and its chain to it (cert.pem, chain.p7b); a .cer, .p7b or CMC .rsp, PEM or DER.
    Issuers the file lacks come from the CA certificates the key store holds already.

Options:
  -pfx PfxFileOut   Extension: also write key, certificate and chain as PKCS #12; only for
                    keys made with Exportable = TRUE
  -p Password       The PFX password (also -password; else $CERTREQ_PFX_PASSWORD)
  -legacy           With -pfx: 3DES and a SHA-1 MAC (any Windows) instead of AES-256 and
                    SHA-256 (Windows 10 1709+, OpenSSL 1.1+)
  -f                Overwrite PfxFileOut
  -q                No progress lines

A certificate whose key is not in the store is refused and nothing changes.
";

const KNOWCA_HELP: &str = "\
Usage (extensions to certreq's syntax):
  CertReq -Templates -config URL
    AD CS: the templates the CA offers you (its advanced request page), one per line: the
    name a request gives (-attrib CertificateTemplate:NAME) and the display name.
    EST: what the server asks of requests (its CSR attributes)
  CertReq -CACert -config URL [-renewal N] CertFileOut
  CertReq -CAChain -config URL [-renewal N] CertChainFileOut
    The CA certificate, or its chain as PKCS #7: AD CS renewal N (default the current one);
    EST: /cacerts
  CertReq -CRL -config URL [-delta] [-renewal N] CrlFileOut
    AD CS's base CRL (or delta CRL) of renewal N's key; refused and not written unless it
    parses, is the kind asked for and is issued by that CA certificate

Options:
  -username UserName, -p Password, -cafile File, -Kerberos, -ClientCertificate PfxFile
                    As for -submit
  -binary           Write DER instead of PEM
  -f                Overwrite the output file
  -q                No summary line
";

const IMPORTPFX_HELP: &str = "\
Usage:
  CertReq -ImportPFX [Options] PfxFileIn
    Extension (certutil -importPFX on Windows): put the private key of a PFX (PKCS #12,
    .pfx or .p12) and its certificate and chain into the key store as an issued entry,
    as -accept leaves one: key.pk8 (mode 0600), cert.pem, chain.p7b

Options:
  -p Password       The PFX password (also -password; else $CERTREQ_PFX_PASSWORD, else
                    $CERTREQ_PASSWORD); -p \"\" for a PFX without one
  -f                Replace the entry that already holds the same key
  -allownomac       Import a PFX without an integrity check (MAC); refused otherwise
  -q                No progress lines

Reads PBES2/AES (Windows 10+, OpenSSL 3) and 3DES or RC2 files (-legacy, older Windows and
OpenSSL). Refused, and nothing changes: a wrong password, a PFX without a private key, with
several, or without a certificate for its key, and a key the store already has (the entry
is named; -f replaces it). The key stays exportable: -accept -pfx exports it again.
";

fn with_details(text: &str, verbose: bool) -> String {
    let mut out = String::from(text);
    if verbose {
        out.push('\n');
        out.push_str(DETAILS);
    }
    out
}

fn new_help(verbose: bool) -> String {
    let mut out = String::from(
        "\
Usage:
  CertReq -New [Options] PolicyFileIn [RequestFileOut]
    Create a new key and request as directed by PolicyFileIn (a certreq INF file)

Options:
  -binary           Write DER instead of base64 (PEM)
  -rfc7468          PEM label CERTIFICATE REQUEST instead of NEW CERTIFICATE REQUEST
  -f                Overwrite RequestFileOut if it exists
  -q                No notes and no progress lines
  -user             The current user's key store (the default)

  -cert CertId      The certificate that signs: an enrollment agent's (RequesterName), a
                    PKCS #7 signer or CMC co-signer, or the CA of a RequestType = Cert
                    certificate (thumbprint, serial number or subject text)
  -xchg ExchangeCertFile
                    With PrivateKeyArchive = TRUE: the CA's exchange certificate
  -config URL       With PrivateKeyArchive = TRUE and no -xchg: the Web Enrollment CA to
                    fetch the exchange certificate from (-username, -p, -cafile as -submit)

Without RequestFileOut the request goes next to PolicyFileIn with the extension .req.
With RequestType = Cert the output is a certificate (.cer by default), self-signed or signed
by -cert's CA, kept in the key store with its key. RenewalCert finds the certificate to renew
in the key store (thumbprint or serial number) and signs with its key.
",
    );
    if verbose {
        out.push('\n');
        out.push_str(DETAILS);
    }
    out.push_str("\nINF sections and keys (`certreq -new -? KeyName` shows one in full):\n");
    out.push_str(&key_list());
    out
}

/// Every documented section and its keys, in the reference's order.
fn key_list() -> String {
    let mut out = String::new();
    for section in keydocs::sections() {
        let keys: Vec<&str> = keydocs::keys_in(section.name).map(|d| d.key).collect();
        let required = if section.required { " (required)" } else { "" };
        out.push_str(&format!("  [{}]{required}\n", section.name));
        out.push_str(&wrap(&keys, "    ", 78));
    }
    if out.is_empty() {
        out.push_str("  (the key reference is not available in this build)\n");
    }
    out
}

/// Words joined with spaces, wrapped at `width` columns.
fn wrap(words: &[&str], indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for w in words {
        if line.len() > indent.len() && line.len() + 1 + w.len() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if line.len() > indent.len() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `certreq -new -? Name`: the reference page for a key (`Exportable`, `[NewRequest]
/// Exportable`, `2.5.29.17`) or a section (`NewRequest`, `[Extensions]`). `Err` carries the
/// message for an unknown name, with a suggestion when one is close.
pub fn key(name: &str) -> Result<String, String> {
    if let Some(page) = keydocs::help(name) {
        return Ok(page);
    }
    let query = name.trim();
    let suggestion = match query.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((section, key)) if !key.trim().is_empty() => keydocs::suggest(section, key)
                .map(|k| format!("[{}] {k}", section.trim()))
                .or_else(|| {
                    keydocs::suggest_section(section).map(|s| format!("[{s}] {}", key.trim()))
                }),
            Some((section, _)) => keydocs::suggest_section(section).map(|s| format!("[{s}]")),
            None => keydocs::suggest_section(rest).map(|s| format!("[{s}]")),
        },
        None => keydocs::suggest("", query)
            .or_else(|| keydocs::suggest_section(query))
            .map(str::to_string),
    };
    Err(match suggestion {
        Some(s) => format!("no INF key or section named `{query}`; did you mean `{s}`?"),
        None => {
            format!("no INF key or section named `{query}`; run `certreq -new -?` for the list")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_within_width() {
        let words = ["alpha", "beta", "gamma", "delta"];
        assert_eq!(wrap(&words, "  ", 14), "  alpha beta\n  gamma delta\n");
    }

    #[test]
    fn general_help_lists_the_verbs_and_verbose_help_the_options() {
        let short = general(false);
        assert!(short.contains("CertReq -New [Options] PolicyFileIn [RequestFileOut]"));
        assert!(!short.contains("-binary"));
        let long = general(true);
        assert!(long.contains("  -binary ") && long.contains("Exit status: 0"));
    }

    #[test]
    fn documented_keys_and_sections_have_pages() {
        let page = key("hashalgorithm").unwrap();
        assert!(
            page.starts_with("HashAlgorithm in [NewRequest]\n"),
            "{page}"
        );
        assert!(key("[Extensions]").unwrap().starts_with("[Extensions]"));
        let index = new_help(false);
        assert!(index.contains("  [NewRequest] (required)\n"), "{index}");
        assert!(index.contains(" KeyLength "), "{index}");
    }

    #[test]
    fn unknown_key_is_an_error_naming_it() {
        let err = key("NoSuchKeyAnywhere").unwrap_err();
        assert_eq!(
            err,
            "no INF key or section named `NoSuchKeyAnywhere`; run `certreq -new -?` for the list"
        );
        assert_eq!(
            key("KeyLenght").unwrap_err(),
            "no INF key or section named `KeyLenght`; did you mean `KeyLength`?"
        );
        assert_eq!(
            key("[NewReqest]").unwrap_err(),
            "no INF key or section named `[NewReqest]`; did you mean `[NewRequest]`?"
        );
    }
}
