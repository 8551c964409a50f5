//! Help and command-line errors: none of these need a working INF engine.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failure is the test failing

mod common;
use common::TempDir;

#[test]
fn question_mark_lists_the_verbs_and_exits_zero() {
    let t = TempDir::new("help");
    for form in ["-?", "/?", "-h"] {
        let run = t.certreq(&[form]);
        run.ok();
        assert!(run.stderr.is_empty(), "{}", run.stderr);
        assert!(
            run.stdout
                .contains("  CertReq -New [Options] PolicyFileIn [RequestFileOut]\n")
        );
        assert!(run.stdout.contains("  CertReq -Accept [Options]"));
        assert!(
            run.stdout
                .contains("  CertReq -ImportPFX [Options] PfxFileIn\n")
        );
        assert!(run.stdout.contains("Run `certreq -v -?`"), "{}", run.stdout);
        assert!(!run.stdout.contains("-rfc7468"));
    }
}

#[test]
fn verbose_help_lists_every_option_store_and_exit_status() {
    let t = TempDir::new("vhelp");
    let run = t.certreq(&["-v", "-?"]);
    run.ok();
    for needle in [
        "  -binary ",
        "  -rfc7468 ",
        "  -f ",
        "  -q ",
        "$CERTREQ_STORE",
        "Exit status: 0 success or help, 1 the request could not be made",
    ] {
        assert!(
            run.stdout.contains(needle),
            "missing {needle:?} in\n{}",
            run.stdout
        );
    }
}

#[test]
fn new_help_shows_its_usage_and_the_inf_reference_index() {
    let t = TempDir::new("newhelp");
    let run = t.certreq(&["-new", "-?"]);
    run.ok();
    assert!(
        run.stdout
            .starts_with("Usage:\n  CertReq -New [Options] PolicyFileIn [RequestFileOut]\n")
    );
    assert!(
        run.stdout
            .contains("INF sections and keys (`certreq -new -? KeyName` shows one in full):\n")
    );
}

#[test]
fn new_help_for_an_unknown_key_is_an_error() {
    let t = TempDir::new("badkey");
    let run = t.certreq(&["-new", "-?", "NoSuchKeyAtAll"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .starts_with("certreq: error: no INF key or section named `NoSuchKeyAtAll`"),
        "{}",
        run.stderr
    );
}

#[test]
fn new_help_for_a_documented_key_prints_its_reference_page() {
    let t = TempDir::new("goodkey");
    let doc = certreq_keydocs::lookup_in("NewRequest", "KeyLength").expect("documented");
    let run = t.certreq(&["-new", "-?", "KEYLENGTH"]);
    run.ok();
    assert_eq!(run.stdout, certreq_keydocs::render_text(&doc));
    let run = t.certreq(&["-new", "-?", "[RequestAttributes]"]);
    run.ok();
    assert!(
        run.stdout.starts_with("[RequestAttributes]"),
        "{}",
        run.stdout
    );
}

#[test]
fn new_help_suggests_the_key_a_typo_was_meant_to_be() {
    let t = TempDir::new("typo");
    let run = t.certreq(&["-new", "-?", "Exportabel"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(
        run.stderr,
        "certreq: error: no INF key or section named `Exportabel`; did you mean `Exportable`?\n"
    );
}

#[test]
fn command_line_mistakes_exit_2_with_a_message() {
    let t = TempDir::new("usage");
    let cases: [(&[&str], &str); 13] = [
        (
            &["-new", "-machine", "a.inf"],
            "certreq: error: -machine is not supported: keys are kept per user, in the store of whoever runs certreq\n",
        ),
        (
            &["-new", "-bogus", "a.inf"],
            "certreq: error: unknown verb or option -bogus; run `certreq -v -?` for the list\n",
        ),
        (
            &["-new"],
            "certreq: error: -new needs the INF file to read: certreq -new PolicyFileIn [RequestFileOut]\n",
        ),
        (
            &["-new", "a.inf", "b.req", "c"],
            "certreq: error: unexpected argument `c`: certreq -new takes PolicyFileIn and RequestFileOut\n",
        ),
        (
            &["-new", "-pfx", "x", "a.inf"],
            "certreq: error: -pfx does not apply to -new; run `certreq -new -?` for its options\n",
        ),
        (
            &["-sign", "-cert", "x", "a.req"],
            "certreq: error: -sign needs the request and where to write it: certreq -sign -cert CertId RequestFileIn RequestFileOut (the same file again, with -f, replaces it)\n",
        ),
        (
            &["-sign", "a.req", "b.req"],
            "certreq: error: -sign needs the signing certificate: -cert CertId (its thumbprint, serial number or subject; certreq would ask in a dialog)\n",
        ),
        (
            &["-policy", "a.req", "policy.inf"],
            "certreq: error: -policy needs RequestFileIn PolicyFileIn RequestFileOut [PKCS10FileOut] (a request or CA certificate, a policy INF, and where to write the new request)\n",
        ),
        (
            &[
                "-submit",
                "-Kerberos",
                "-username",
                "u",
                "-p",
                "pw",
                "-config",
                "http://ca/certsrv",
                "a.req",
            ],
            "certreq: error: -Kerberos signs in with your Kerberos ticket, -username and -p with a password: give one or the other\n",
        ),
        (
            &["-new", "-binary", "-rfc7468", "a.inf", "a.req"],
            "certreq: error: -binary writes DER and -rfc7468 a PEM label: give one or the other\n",
        ),
        (
            &["-templates", "-binary", "-config", "http://ca/certsrv"],
            "certreq: error: -binary applies to the file -cacert, -cachain and -crl write; -templates prints its list\n",
        ),
        (
            &["-submit", "a.req"],
            "certreq: error: -submit needs the CA: give -config https://host/certsrv (AD CS Web Enrollment) or -config https://host/.well-known/est (EST), or set CERTREQ_CONFIG\n",
        ),
        (
            &["a.req"],
            "certreq: error: -submit needs the CA: give -config https://host/certsrv (AD CS Web Enrollment) or -config https://host/.well-known/est (EST), or set CERTREQ_CONFIG\n",
        ),
    ];
    for (args, expected) in cases {
        let run = t.certreq(args);
        assert_eq!(run.code, Some(2), "{args:?}");
        assert_eq!(run.stderr, expected, "{args:?}");
        assert!(run.stdout.is_empty());
    }
    assert!(t.store_entries().is_empty());
}

#[test]
fn no_arguments_prints_usage_to_stderr_and_exits_2() {
    let t = TempDir::new("noargs");
    let run = t.certreq(&[]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("CertReq -New [Options]"));
}

#[test]
fn a_missing_inf_file_is_reported_and_nothing_is_written() {
    let t = TempDir::new("missing");
    let run = t.certreq(&["-new", "absent.inf", "out.req"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .starts_with("certreq: error: cannot read absent.inf: "),
        "{}",
        run.stderr
    );
    assert!(!t.join("out.req").exists());
    assert!(t.store_entries().is_empty());
}

#[test]
fn an_existing_output_is_refused_before_anything_else() {
    let t = TempDir::new("exists");
    t.write("a.inf", "[NewRequest]\nSubject = \"CN=x\"\n");
    t.write("out.req", "keep me");
    let run = t.certreq(&["-new", "a.inf", "out.req"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "certreq: error: out.req already exists; use -f to overwrite it\n"
    );
    assert_eq!(
        std::fs::read_to_string(t.join("out.req")).unwrap(),
        "keep me"
    );
    assert!(t.store_entries().is_empty());
}

#[test]
fn the_inf_is_never_overwritten_by_its_own_request() {
    let t = TempDir::new("self");
    let inf = "[NewRequest]\nSubject = \"CN=x\"\nKeyAlgorithm = ECDSA_P256\n";
    t.write("a.req", inf);
    let run = t.certreq(&["-new", "-q", "-f", "a.req"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("would overwrite the INF file"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(t.join("a.req")).unwrap(), inf);
    assert!(t.store_entries().is_empty(), "no key was made");
}

#[test]
fn no_output_of_policy_or_accept_takes_the_place_of_an_input() {
    let t = TempDir::new("inputs");
    t.write("ca.pem", "the CA certificate");
    t.write("policy.inf", "[PolicyStatementExtension]\n");
    t.write("me.cer", "the certificate");
    for args in [
        &["-policy", "-f", "ca.pem", "policy.inf", "policy.inf"][..],
        &["-policy", "-f", "ca.pem", "policy.inf", "out.req", "ca.pem"],
        &["-accept", "-f", "-pfx", "me.cer", "-p", "pw", "me.cer"],
    ] {
        let run = t.certreq(args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("would destroy"), "{}", run.stderr);
    }
    assert_eq!(
        std::fs::read_to_string(t.join("policy.inf")).unwrap(),
        "[PolicyStatementExtension]\n"
    );
    assert_eq!(
        std::fs::read_to_string(t.join("ca.pem")).unwrap(),
        "the CA certificate"
    );
    assert_eq!(
        std::fs::read_to_string(t.join("me.cer")).unwrap(),
        "the certificate"
    );
    assert!(!t.join("out.req").exists());
}

#[test]
fn a_directory_or_huge_file_is_not_read_as_an_inf() {
    let t = TempDir::new("notinf");
    std::fs::create_dir(t.join("dir.inf")).unwrap();
    let run = t.certreq(&["-new", "dir.inf", "out.req"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .starts_with("certreq: error: cannot read dir.inf: "),
        "{}",
        run.stderr
    );
    let big = std::fs::File::create(t.join("big.inf")).unwrap();
    big.set_len(5 << 20).unwrap();
    let run = t.certreq(&["-new", "big.inf", "out.req"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stderr,
        "certreq: error: big.inf is larger than 4 MiB; that is not an INF file\n"
    );
    assert!(!t.join("out.req").exists());
    assert!(t.store_entries().is_empty());
}
