use super::*;
use std::path::{Path, PathBuf};
use std::process::Command;

use certreq_testsupport::{data_der as data, data_dir, python_with, scratch_dir, tool};

struct Fixture {
    key: Vec<u8>,
    leaf: Vec<u8>,
    ca: Vec<u8>,
}

fn fixture() -> Fixture {
    Fixture {
        key: data("pfx-leaf.key"),
        leaf: data("pfx-leaf.crt"),
        ca: data("pfx-ca.crt"),
    }
}

/// A deterministic "random" source: a counter.
fn counter() -> impl FnMut(&mut [u8]) -> Result<(), RandomUnavailable> {
    let mut n = 0u8;
    move |buf: &mut [u8]| {
        for b in buf {
            n = n.wrapping_add(1);
            *b = n;
        }
        Ok(())
    }
}

fn build(f: &Fixture, profile: Profile, password: &str) -> Vec<u8> {
    let chain = [f.ca.as_slice()];
    let input = PfxInput {
        private_key_pkcs8: &f.key,
        leaf: &f.leaf,
        chain: &chain,
        friendly_name: Some("Test – Zertifikat"),
    };
    write(&input, password, profile, &mut counter()).unwrap()
}

fn read_key(contents: &PfxContents) -> Option<&[u8]> {
    contents.private_key_pkcs8.as_ref().map(|k| k.as_slice())
}

/// The same PFX without its MacData.
fn without_mac(pfx: &[u8]) -> Vec<u8> {
    let mut items = Vec::<Any>::from_der(pfx).unwrap();
    assert_eq!(items.len(), 3, "version, authSafe, macData");
    items.pop();
    items.to_der().unwrap()
}

#[test]
fn round_trips_through_own_reader_in_both_profiles() {
    let f = fixture();
    for (profile, digest) in [
        (Profile::Modern, MacDigest::Sha256),
        (Profile::Legacy, MacDigest::Sha1),
    ] {
        let pfx = build(&f, profile, "pässword");
        let back = read(&pfx, "pässword", MacPolicy::Required).unwrap();
        assert_eq!(read_key(&back), Some(f.key.as_slice()));
        assert_eq!(back.key_count, 1);
        assert_eq!(back.certificates, vec![f.leaf.clone(), f.ca.clone()]);
        assert_eq!(back.friendly_name.as_deref(), Some("Test – Zertifikat"));
        assert_eq!(back.local_key_id, Some(Sha1::digest(&f.leaf).to_vec()));
        assert_eq!(back.integrity, Integrity::Mac(digest));
        assert_eq!(
            read(&pfx, "wrong", MacPolicy::Required),
            Err(Pkcs12Error::WrongPassword)
        );
    }
}

#[test]
fn a_friendly_name_beyond_the_bmp_is_left_out_not_an_error() {
    // certreq's INF takes any FriendlyName; PKCS #12 writes it as a BMPString, which has no
    // room for an emoji. The PFX is still written, without the name, and reads back whole.
    let f = fixture();
    let chain = [f.ca.as_slice()];
    let input = PfxInput {
        private_key_pkcs8: &f.key,
        leaf: &f.leaf,
        chain: &chain,
        friendly_name: Some("Web \u{1F512} server"),
    };
    for profile in [Profile::Modern, Profile::Legacy] {
        let pfx = write(&input, "pw", profile, &mut counter()).unwrap();
        let back = read(&pfx, "pw", MacPolicy::Required).unwrap();
        assert_eq!(read_key(&back), Some(f.key.as_slice()));
        assert_eq!(back.certificates, vec![f.leaf.clone(), f.ca.clone()]);
        assert_eq!(back.friendly_name, None);
        assert_eq!(back.local_key_id, Some(Sha1::digest(&f.leaf).to_vec()));
    }
}

#[test]
fn a_mac_off_by_one_byte_or_cut_short_is_refused() {
    let f = fixture();
    let pfx = build(&f, Profile::Modern, "x");
    // the MAC value is the 32 bytes of the last OCTET STRING of 32 in the file
    let at = pfx.windows(2).rposition(|w| w == [0x04, 0x20]).unwrap() + 2;
    for change in [at, at + 31] {
        let mut altered = pfx.clone();
        altered[change] ^= 1;
        assert_eq!(
            read(&altered, "x", MacPolicy::Required),
            Err(Pkcs12Error::WrongPassword)
        );
    }
    // a shorter MAC (the first 20 bytes: right as far as it goes) is not a match
    let mut items = Vec::<Any>::from_der(&pfx).unwrap();
    let mut mac: MacData = items.pop().unwrap().decode_as().unwrap();
    let short = mac.mac.digest.as_bytes()[..20].to_vec();
    mac.mac.digest = OctetString::new(short).unwrap();
    items.push(Any::encode_from(&mac).unwrap());
    assert_eq!(
        read(&items.to_der().unwrap(), "x", MacPolicy::Required),
        Err(Pkcs12Error::WrongPassword)
    );
    // an altered authenticated safe fails the MAC too
    let mut altered = pfx.clone();
    let middle = pfx.len() / 2;
    altered[middle] ^= 0x80;
    assert!(read(&altered, "x", MacPolicy::Required).is_err());
}

#[test]
fn a_pfx_without_a_mac_is_read_only_when_the_caller_allows_it() {
    let f = fixture();
    for profile in [Profile::Modern, Profile::Legacy] {
        let bare = without_mac(&build(&f, profile, "s3cret"));
        assert_eq!(
            read(&bare, "s3cret", MacPolicy::Required),
            Err(Pkcs12Error::MacMissing)
        );
        let back = read(&bare, "s3cret", MacPolicy::AllowMissing).unwrap();
        assert_eq!(back.integrity, Integrity::Unchecked);
        assert_eq!(read_key(&back), Some(f.key.as_slice()));
        assert_eq!(back.certificates.len(), 2);
        // no MAC to tell: the decryption says the password is wrong, without a word of a MAC
        let wrong = read(&bare, "wrong", MacPolicy::AllowMissing);
        assert_eq!(
            wrong,
            Err(Pkcs12Error::DoesNotDecrypt {
                mac_verified: false
            }),
            "{profile:?}"
        );
        assert!(!wrong.unwrap_err().to_string().contains("MAC"));
    }
}

#[test]
fn a_mac_password_that_does_not_decrypt_the_contents_says_so() {
    // `openssl pkcs12 -twopass`: the MAC under one password, the contents under another
    let f = fixture();
    let chain = [f.ca.as_slice()];
    let input = PfxInput {
        private_key_pkcs8: &f.key,
        leaf: &f.leaf,
        chain: &chain,
        friendly_name: None,
    };
    let mac_password = kdf_passwords("for the mac").swap_remove(0);
    let pfx = write_as(
        &input,
        "for the contents",
        &mac_password,
        Profile::Modern,
        &mut counter(),
    )
    .unwrap();
    let e = read(&pfx, "for the mac", MacPolicy::Required).unwrap_err();
    assert_eq!(e, Pkcs12Error::DoesNotDecrypt { mac_verified: true });
    assert!(
        e.to_string().contains("encrypted with another password"),
        "{e}"
    );
    assert_eq!(
        read(&pfx, "for the contents", MacPolicy::Required),
        Err(Pkcs12Error::WrongPassword)
    );
}

#[test]
fn an_empty_password_opens_files_written_with_either_of_its_forms() {
    let f = fixture();
    let input = PfxInput {
        private_key_pkcs8: &f.key,
        leaf: &f.leaf,
        chain: &[],
        friendly_name: None,
    };
    // BMPString "" is two zero bytes (RFC 7292 B.1, what OpenSSL and Python write for "");
    // some writers use no bytes at all for no password, as OpenSSL's reader allows
    for form in [&[0u8, 0][..], &[]] {
        for profile in [Profile::Modern, Profile::Legacy] {
            let pfx = write_as(&input, "", form, profile, &mut counter()).unwrap();
            let back = read(&pfx, "", MacPolicy::Required)
                .unwrap_or_else(|e| panic!("{profile:?} {form:?}: {e}"));
            assert_eq!(read_key(&back), Some(f.key.as_slice()));
            assert_eq!(
                read(&pfx, "x", MacPolicy::Required),
                Err(Pkcs12Error::WrongPassword)
            );
        }
    }
}

#[test]
fn same_random_bytes_give_the_same_file() {
    let f = fixture();
    assert_eq!(
        build(&f, Profile::Modern, "x"),
        build(&f, Profile::Modern, "x")
    );
}

#[test]
fn profiles_use_the_promised_algorithms() {
    let f = fixture();
    let modern = build(&f, Profile::Modern, "x");
    let legacy = build(&f, Profile::Legacy, "x");
    let has = |hay: &[u8], oid: ObjectIdentifier| {
        let needle = oid.as_bytes();
        hay.windows(needle.len()).any(|w| w == needle)
    };
    let hmac_sha256 = pbes2::HMAC_WITH_SHA256_OID;
    assert!(has(&modern, PBES2) && has(&modern, pbes2::AES_256_CBC_OID));
    assert!(has(&modern, hmac_sha256) && has(&modern, SHA256));
    assert!(!has(&modern, PBE_SHA1_3DES));
    assert!(has(&legacy, PBE_SHA1_3DES) && has(&legacy, SHA1) && !has(&legacy, PBES2));
}

#[test]
fn refuses_bad_input_without_panicking() {
    let f = fixture();
    let input = PfxInput {
        private_key_pkcs8: &f.key,
        leaf: b"not a cert",
        chain: &[],
        friendly_name: None,
    };
    assert_eq!(
        write(&input, "x", Profile::Modern, &mut counter()),
        Err(Pkcs12Error::NotACertificate { index: 0 })
    );
    let chain: [&[u8]; 2] = [&f.ca, b"junk"];
    let input = PfxInput {
        private_key_pkcs8: &f.key,
        leaf: &f.leaf,
        chain: &chain,
        friendly_name: None,
    };
    assert_eq!(
        write(&input, "x", Profile::Modern, &mut counter()),
        Err(Pkcs12Error::NotACertificate { index: 2 })
    );
    for profile in [Profile::Legacy, Profile::Modern] {
        let pfx = build(&f, profile, "x");
        for cut in (0..pfx.len()).step_by(53) {
            assert!(read(pfx.get(..cut).unwrap_or_default(), "x", MacPolicy::Required).is_err());
        }
    }
}

#[test]
fn nothing_is_written_when_the_random_source_fails() {
    let f = fixture();
    let input = PfxInput {
        private_key_pkcs8: &f.key,
        leaf: &f.leaf,
        chain: &[],
        friendly_name: None,
    };
    for profile in [Profile::Modern, Profile::Legacy] {
        let mut calls = 0;
        let mut failing = |buf: &mut [u8]| {
            calls += 1;
            if calls > 1 {
                return Err(RandomUnavailable);
            }
            buf.fill(7);
            Ok(())
        };
        assert_eq!(
            write(&input, "x", profile, &mut failing),
            Err(Pkcs12Error::RandomUnavailable)
        );
    }
}

#[test]
fn absurd_iteration_counts_are_refused_when_reading() {
    let f = fixture();
    let pfx = build(&f, Profile::Legacy, "x");
    // Replace the MAC's iteration count (the last field of MacData) with 2^31 - 1.
    let mut items = Vec::<Any>::from_der(&pfx).unwrap();
    let mac = items.pop().unwrap();
    let mut mac_items = Vec::<Any>::from_der(&mac.to_der().unwrap()).unwrap();
    assert_eq!(mac_items.pop().unwrap().decode_as::<u32>().unwrap(), 2048);
    mac_items.push(Any::encode_from(&0x7fff_ffffu32).unwrap());
    items.push(Any::encode_from(&mac_items).unwrap());
    let hostile = items.to_der().unwrap();
    let err = read(&hostile, "x", MacPolicy::Required).unwrap_err();
    assert_eq!(err, Pkcs12Error::IterationCount(0x7fff_ffff));
    assert_eq!(
        err.to_string(),
        "unsupported in PFX files: an iteration count of 2147483647 (at most 10000000 is read)"
    );
}

#[test]
fn refuses_a_key_that_is_not_pkcs8() {
    let f = fixture();
    let input = PfxInput {
        private_key_pkcs8: &f.leaf,
        leaf: &f.leaf,
        chain: &[],
        friendly_name: None,
    };
    let err = write(&input, "x", Profile::Modern, &mut counter()).unwrap_err();
    assert_eq!(err, Pkcs12Error::NotPkcs8);
    assert_eq!(
        err.to_string(),
        "the private key is not PKCS #8 PrivateKeyInfo DER"
    );
}

/// PBES2 parameters with the given key derivation and cipher, as an AlgorithmIdentifier.
fn pbes2_alg(
    kdf: AlgorithmIdentifierOwned,
    cipher: AlgorithmIdentifierOwned,
) -> AlgorithmIdentifierOwned {
    let outline = Pbes2Outline {
        key_derivation_func: kdf,
        encryption_scheme: cipher,
    };
    AlgorithmIdentifierOwned {
        oid: PBES2,
        parameters: Some(Any::encode_from(&outline).unwrap()),
    }
}

fn alg(
    oid: ObjectIdentifier,
    params: &(impl der::EncodeValue + der::Tagged),
) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: Some(Any::encode_from(params).unwrap()),
    }
}

fn decrypt_with(alg: &AlgorithmIdentifierOwned) -> Result<Zeroizing<Vec<u8>>, Pkcs12Error> {
    decrypt_after(alg, 0)
}

/// [`decrypt`] in a read that has already done `done` iterations of key derivation.
fn decrypt_after(
    alg: &AlgorithmIdentifierOwned,
    done: u64,
) -> Result<Zeroizing<Vec<u8>>, Pkcs12Error> {
    let work = Work::default();
    work.0.set(done);
    let secrets = Secrets {
        password: "x",
        kdf_password: b"\0x\0\0",
        work: &work,
    };
    decrypt(alg, &secrets, &[0u8; 32])
}

/// Each count within [`MAX_READ_ITERATIONS`], but many of them: a file of thousands of key
/// bags at 10^7 iterations each would take hours (under the fuzzer, one with three at 5·10^6
/// took over 10 s). A read stops, before deriving, once its derivations would add up to more
/// than [`MAX_READ_WORK`].
#[test]
fn key_derivation_adds_up_to_a_bound_over_the_whole_file() {
    let pbkdf2 = |n| {
        pbes2_alg(
            alg(
                PBKDF2,
                &pbes2::Pbkdf2Params::hmac_sha256(n, b"saltsalt").unwrap(),
            ),
            alg(
                pbes2::AES_256_CBC_OID,
                &OctetString::new([7u8; 16]).unwrap(),
            ),
        )
    };
    let pbe = |n: u32| {
        alg(
            PBE_SHA1_3DES,
            &PbeParams {
                salt: OctetString::new([1u8; 8]).unwrap(),
                iterations: n,
            },
        )
    };
    // within the bound: derived (the dummy ciphertext then fails to decrypt)
    assert_eq!(
        decrypt_after(&pbkdf2(1000), MAX_READ_WORK - 1000),
        Err(Pkcs12Error::DoesNotDecrypt {
            mac_verified: false
        })
    );
    // one iteration past it: refused before any work, PBES2 and the PKCS #12 PBE (which derives
    // twice, the key and the IV) alike
    assert_eq!(
        decrypt_after(&pbkdf2(1000), MAX_READ_WORK - 999),
        Err(Pkcs12Error::TooMuchWork(MAX_READ_WORK + 1))
    );
    assert_eq!(
        decrypt_after(&pbe(1000), MAX_READ_WORK - 1999),
        Err(Pkcs12Error::TooMuchWork(MAX_READ_WORK + 1))
    );
    assert_eq!(
        Pkcs12Error::TooMuchWork(20_000_000).to_string(),
        "unsupported in PFX files: key derivations adding up to 20000000 iterations (at most \
         10000000 are done for one file)"
    );
    // and a whole file at our own counts reads as before (the MAC and two safes: 3 x 2048 x 2)
    let f = fixture();
    assert!(read(&build(&f, Profile::Legacy, "x"), "x", MacPolicy::Required).is_ok());
}

#[test]
fn scrypt_and_unknown_pbes2_schemes_are_refused_before_any_work() {
    let pbkdf2 = alg(
        PBKDF2,
        &pbes2::Pbkdf2Params::hmac_sha256(2048, b"saltsalt").unwrap(),
    );
    let aes = alg(
        pbes2::AES_256_CBC_OID,
        &OctetString::new(vec![0u8; 16]).unwrap(),
    );
    // scrypt with a cost that would take 1 TiB: named and refused, never run
    let scrypt_params = pbes2::ScryptParams::from_params_and_salt(
        pkcs5::scrypt::Params::new(30, 8, 1).unwrap(),
        b"saltsalt",
    )
    .unwrap();
    let scrypt = alg(SCRYPT, &scrypt_params);
    let err = decrypt_with(&pbes2_alg(scrypt, aes.clone())).unwrap_err();
    assert_eq!(
        err,
        Pkcs12Error::UnsupportedAlgorithm {
            purpose: Purpose::KeyDerivation,
            oid: SCRYPT
        }
    );
    assert_eq!(
        err.to_string(),
        "unsupported in PFX files: key derivation 1.3.6.1.4.1.11591.4.11 (scrypt)"
    );
    // DES-EDE3-CBC under PBES2 with a 3-byte IV (pkcs5's "3des" would panic on it)
    let des = alg(DES_EDE3_CBC, &OctetString::new(vec![1, 2, 3]).unwrap());
    assert_eq!(
        decrypt_with(&pbes2_alg(pbkdf2.clone(), des)),
        Err(Pkcs12Error::UnsupportedAlgorithm {
            purpose: Purpose::Encryption,
            oid: DES_EDE3_CBC
        })
    );
    // an unknown PBKDF2 function (HMAC-SM3)
    let sm3 = ObjectIdentifier::new_unwrap("1.2.156.10197.1.401.3.1");
    let kdf = Pbkdf2Outline {
        salt: Any::encode_from(&OctetString::new(b"saltsalt".to_vec()).unwrap()).unwrap(),
        iteration_count: Any::encode_from(&2048u32).unwrap(),
        key_length: None,
        prf: Some(AlgorithmIdentifierOwned {
            oid: sm3,
            parameters: Some(Any::from(Null)),
        }),
    };
    assert_eq!(
        decrypt_with(&pbes2_alg(alg(PBKDF2, &kdf), aes.clone())),
        Err(Pkcs12Error::UnsupportedAlgorithm {
            purpose: Purpose::Prf,
            oid: sm3
        })
    );
    // an absurd PBKDF2 count is refused before it runs
    let slow = alg(
        PBKDF2,
        &pbes2::Pbkdf2Params::hmac_sha256(50_000_000, b"saltsalt").unwrap(),
    );
    assert_eq!(
        decrypt_with(&pbes2_alg(slow, aes)),
        Err(Pkcs12Error::IterationCount(50_000_000))
    );
}

// ---- held to OpenSSL and Python `cryptography` ----

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn temp_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("tool runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// Our RFC 7292 Appendix B derivation is ours (the `pkcs12` crate does not line up with our
/// crates: see the module's documentation), so OpenSSL's `PKCS12KDF` checks it: every use
/// the reader and writer make of it (3DES/2DES/RC2 keys and IVs, MAC keys for SHA-1 and the
/// SHA-2s, whose 128-byte block takes another path), with ASCII, non-ASCII, empty and
/// longer-than-a-block passwords and salts.
#[test]
fn our_kdf_computes_what_openssl_computes() {
    let Some(openssl) = tool("openssl") else {
        return;
    };
    let long = "a password longer than one sixty-four-byte block of SHA-1, and then some";
    struct Case {
        digest: &'static str,
        what: &'static str,
        id: u8,
        len: usize,
        password: &'static str,
        salt: &'static [u8],
        iterations: u32,
    }
    let case = |digest, what, id, len, password, salt, iterations| Case {
        digest,
        what,
        id,
        len,
        password,
        salt,
        iterations,
    };
    let salt8: &[u8] = &[1, 2, 3, 4, 5, 6, 7, 8];
    let cases = [
        case("SHA1", "3DES key", 1, 24, "s3cret", salt8, 2048),
        case("SHA1", "3DES IV", 2, 8, "s3cret", salt8, 2048),
        case("SHA1", "RC2-40 key", 1, 5, "pässword – ünï", &[9; 8], 1),
        case("SHA1", "MAC key", 3, 20, "", &[0xff; 20], 3),
        case("SHA1", "3DES key", 1, 24, long, &[0x5a; 70], 2),
        case("SHA256", "MAC key", 3, 32, "pässword", &[0; 16], 10_000),
        case("SHA384", "MAC key", 3, 48, long, &[1; 16], 5),
        case("SHA512", "MAC key", 3, 64, "s3cret", &[2; 16], 2048),
        case("SHA512", "long key", 1, 200, "x", &[3; 130], 2),
    ];
    for Case {
        digest,
        what,
        id,
        len,
        password,
        salt,
        iterations,
    } in cases
    {
        let bmp = kdf_passwords(password).swap_remove(0);
        let ours = match digest {
            "SHA1" => pkcs12_kdf::<Sha1>(&bmp, salt, id, iterations, len),
            "SHA256" => pkcs12_kdf::<Sha256>(&bmp, salt, id, iterations, len),
            "SHA384" => pkcs12_kdf::<Sha384>(&bmp, salt, id, iterations, len),
            _ => pkcs12_kdf::<Sha512>(&bmp, salt, id, iterations, len),
        };
        let theirs = run(Command::new(&openssl).args([
            "kdf",
            "-keylen",
            &len.to_string(),
            "-kdfopt",
            &format!("digest:{digest}"),
            "-kdfopt",
            &format!("hexpass:{}", hex(&bmp)),
            "-kdfopt",
            &format!("hexsalt:{}", hex(salt)),
            "-kdfopt",
            &format!("iter:{iterations}"),
            "-kdfopt",
            &format!("id:{id}"),
            "PKCS12KDF",
        ]));
        assert_eq!(
            hex(&ours),
            theirs.trim().replace(':', "").to_ascii_lowercase(),
            "{digest} {what} for {password:?}"
        );
    }
}

#[test]
fn openssl_reads_both_profiles_and_the_key_matches() {
    let Some(openssl) = tool("openssl") else {
        return;
    };
    let f = fixture();
    let dir = scratch_dir("pkcs12-openssl");
    let leaf_pem = data_dir().join("pfx-leaf.crt");
    let cert_pub = run(Command::new(&openssl)
        .args(["x509", "-noout", "-pubkey", "-in"])
        .arg(&leaf_pem));
    for (profile, expect) in [
        (
            Profile::Modern,
            [
                "PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256",
                "MAC: sha256, Iteration 10000",
            ],
        ),
        (
            Profile::Legacy,
            [
                "pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048",
                "MAC: sha1, Iteration 2048",
            ],
        ),
    ] {
        let pfx = temp_file(
            &dir,
            &format!("{profile:?}.pfx"),
            &build(&f, profile, "s3cret"),
        );
        let info = run(Command::new(&openssl)
            .args(["pkcs12", "-info", "-nodes", "-passin", "pass:s3cret", "-in"])
            .arg(&pfx));
        for e in expect {
            assert!(info.contains(e), "{profile:?}: {e:?} missing in\n{info}");
        }
        // OpenSSL 3.0 prints only the ASCII of a BMPString name; Python checks it whole.
        assert!(info.contains("friendlyName: Test"), "{info}");
        assert!(info.contains("subject=CN = pfx-test.example"), "{info}");
        assert!(info.contains("subject=CN = certreq-web Test CA"), "{info}");
        assert!(info.contains("-----BEGIN PRIVATE KEY-----"), "{info}");
        let key = run(Command::new(&openssl)
            .args([
                "pkcs12",
                "-nocerts",
                "-nodes",
                "-passin",
                "pass:s3cret",
                "-in",
            ])
            .arg(&pfx));
        let key_file = temp_file(&dir, &format!("{profile:?}.key"), key.as_bytes());
        let key_pub = run(Command::new(&openssl)
            .args(["pkey", "-pubout", "-in"])
            .arg(&key_file));
        assert_eq!(
            key_pub, cert_pub,
            "{profile:?}: the key does not match the certificate"
        );
        // and OpenSSL refuses a wrong password, so the MAC is the one it computes
        let wrong = Command::new(&openssl)
            .args(["pkcs12", "-noout", "-passin", "pass:wrong", "-in"])
            .arg(&pfx)
            .output()
            .unwrap();
        assert!(!wrong.status.success(), "{profile:?}");
    }
}

#[test]
fn python_cryptography_reads_both_profiles() {
    let Some(python) = python_with("cryptography") else {
        return;
    };
    let f = fixture();
    let dir = scratch_dir("pkcs12-python");
    let script = r#"
import sys
from cryptography.hazmat.primitives.serialization import pkcs12, Encoding, PublicFormat
data = open(sys.argv[1], 'rb').read()
p = pkcs12.load_pkcs12(data, b's3cret')
pub = lambda k: k.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
assert pub(p.key.public_key()) == pub(p.cert.certificate.public_key()), 'key mismatch'
print(p.cert.friendly_name.decode('utf-8'))
print(len(p.additional_certs))
print(p.additional_certs[0].certificate.subject.rfc4514_string())
"#;
    for profile in [Profile::Modern, Profile::Legacy] {
        let pfx = temp_file(
            &dir,
            &format!("{profile:?}.pfx"),
            &build(&f, profile, "s3cret"),
        );
        let out = run(Command::new(&python).args(["-c", script]).arg(&pfx));
        assert_eq!(
            out, "Test – Zertifikat\n1\nCN=certreq-web Test CA\n",
            "{profile:?}"
        );
    }
}

/// `openssl pkcs12 -export` with `extra` options and `password`; the PFX's bytes.
fn openssl_export(openssl: &Path, dir: &Path, extra: &[&str], password: &str) -> Vec<u8> {
    let data = data_dir();
    let out = dir.join("export.pfx");
    run(Command::new(openssl)
        .args(["pkcs12", "-export", "-name", "From OpenSSL", "-passout"])
        .arg(format!("pass:{password}"))
        .args(extra)
        .arg("-inkey")
        .arg(data.join("pfx-leaf.key"))
        .arg("-in")
        .arg(data.join("pfx-leaf.crt"))
        .arg("-certfile")
        .arg(data.join("pfx-ca.crt"))
        .arg("-out")
        .arg(&out));
    std::fs::read(&out).unwrap()
}

#[test]
fn reads_what_openssl_exports_in_each_of_its_forms() {
    let Some(openssl) = tool("openssl") else {
        return;
    };
    let f = fixture();
    let dir = scratch_dir("pkcs12-openssl-export");
    let triple_des = [
        "-keypbe",
        "PBE-SHA1-3DES",
        "-certpbe",
        "PBE-SHA1-3DES",
        "-macalg",
        "sha1",
    ];
    let cases: [(&str, &[&str], &str, Integrity); 6] = [
        (
            "default (PBES2, AES-256)",
            &[],
            "s3cret",
            Integrity::Mac(MacDigest::Sha256),
        ),
        (
            "-legacy (RC2-40 certificates)",
            &["-legacy"],
            "s3cret",
            Integrity::Mac(MacDigest::Sha1),
        ),
        (
            "3DES, SHA-1 MAC",
            &triple_des,
            "s3cret",
            Integrity::Mac(MacDigest::Sha1),
        ),
        (
            "SHA-512 MAC",
            &["-macalg", "sha512"],
            "pässword",
            Integrity::Mac(MacDigest::Sha512),
        ),
        (
            "unencrypted",
            &["-keypbe", "NONE", "-certpbe", "NONE"],
            "s3cret",
            Integrity::Mac(MacDigest::Sha256),
        ),
        ("empty password", &[], "", Integrity::Mac(MacDigest::Sha256)),
    ];
    for (what, extra, password, integrity) in cases {
        let pfx = openssl_export(&openssl, &dir, extra, password);
        let back =
            read(&pfx, password, MacPolicy::Required).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(read_key(&back), Some(f.key.as_slice()), "{what}");
        assert_eq!(
            back.friendly_name.as_deref(),
            Some("From OpenSSL"),
            "{what}"
        );
        assert_eq!(back.certificates.len(), 2, "{what}");
        assert!(back.certificates.contains(&f.leaf) && back.certificates.contains(&f.ca));
        assert_eq!(back.integrity, integrity, "{what}");
        assert_eq!(
            read(&pfx, "wrong", MacPolicy::Required),
            Err(Pkcs12Error::WrongPassword),
            "{what}"
        );
    }
    // -nomac: refused, unless allowed
    let pfx = openssl_export(&openssl, &dir, &["-nomac"], "s3cret");
    assert_eq!(
        read(&pfx, "s3cret", MacPolicy::Required),
        Err(Pkcs12Error::MacMissing)
    );
    let back = read(&pfx, "s3cret", MacPolicy::AllowMissing).unwrap();
    assert_eq!(read_key(&back), Some(f.key.as_slice()));
    assert_eq!(back.integrity, Integrity::Unchecked);
}

#[test]
fn reads_what_python_cryptography_writes() {
    let Some(python) = python_with("cryptography") else {
        return;
    };
    let f = fixture();
    let dir = scratch_dir("pkcs12-python-export");
    let data = data_dir();
    let script = r#"
import sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12, PrivateFormat
key = serialization.load_pem_private_key(open(sys.argv[1], 'rb').read(), None)
cert = x509.load_pem_x509_certificate(open(sys.argv[2], 'rb').read())
ca = x509.load_pem_x509_certificate(open(sys.argv[3], 'rb').read())
legacy = (PrivateFormat.PKCS12.encryption_builder()
          .kdf_rounds(2048)
          .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
          .hmac_hash(hashes.SHA1())
          .build(b's3cret'))
for name, enc in [('best', serialization.BestAvailableEncryption(b's3cret')),
                  ('legacy', legacy),
                  ('none', serialization.NoEncryption())]:
    out = pkcs12.serialize_key_and_certificates(b'From Python', key, cert, [ca], enc)
    open(sys.argv[4] + '/' + name + '.pfx', 'wb').write(out)
"#;
    run(Command::new(&python)
        .args(["-c", script])
        .arg(data.join("pfx-leaf.key"))
        .arg(data.join("pfx-leaf.crt"))
        .arg(data.join("pfx-ca.crt"))
        .arg(&dir));
    for (name, password, integrity) in [
        ("best", "s3cret", Integrity::Mac(MacDigest::Sha256)),
        ("legacy", "s3cret", Integrity::Mac(MacDigest::Sha1)),
        ("none", "", Integrity::Mac(MacDigest::Sha256)),
    ] {
        let pfx = std::fs::read(dir.join(format!("{name}.pfx"))).unwrap();
        let back =
            read(&pfx, password, MacPolicy::Required).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(read_key(&back), Some(f.key.as_slice()), "{name}");
        assert_eq!(back.friendly_name.as_deref(), Some("From Python"), "{name}");
        assert_eq!(back.certificates.len(), 2, "{name}");
        assert_eq!(back.integrity, integrity, "{name}");
    }
}

/// A bundle of two keys (one with its certificate, one without any), a CA certificate and
/// our data: two key bags, the leaf paired with its key by `localKeyId`.
fn bundle_file(profile: Profile) -> Vec<u8> {
    let f = fixture();
    let other = data("test-rsa-2048.pk8.pem");
    // the key with a certificate first: OpenSSL's PKCS12_parse (and so `cryptography`)
    // returns the first key, with the certificate that matches it
    let keys = [
        BundleKey {
            pkcs8: &f.key,
            local_key_id: b"k1",
            friendly_name: Some("issued key"),
        },
        BundleKey {
            pkcs8: &other,
            local_key_id: b"k0",
            friendly_name: Some("pending key"),
        },
    ];
    let certificates = [
        BundleCert {
            der: &f.leaf,
            local_key_id: Some(b"k1"),
            friendly_name: Some("issued key"),
        },
        BundleCert {
            der: &f.ca,
            local_key_id: None,
            friendly_name: None,
        },
    ];
    let bundle = Bundle {
        keys: &keys,
        certificates: &certificates,
        data: Some(b"our own bytes"),
    };
    write_bundle(&bundle, "s3cret", profile, &mut counter()).unwrap()
}

#[test]
fn a_bundle_round_trips_every_key_certificate_and_its_data() {
    let f = fixture();
    for profile in [Profile::Modern, Profile::Legacy] {
        let pfx = bundle_file(profile);
        let got = read(&pfx, "s3cret", MacPolicy::Required).unwrap();
        assert_eq!(got.key_count, 2, "{profile:?}");
        let keys: Vec<_> = got
            .keys
            .iter()
            .map(|k| {
                (
                    k.pkcs8.to_vec(),
                    k.local_key_id.clone(),
                    k.friendly_name.clone(),
                )
            })
            .collect();
        assert_eq!(
            keys,
            vec![
                (
                    f.key.clone(),
                    Some(b"k1".to_vec()),
                    Some("issued key".to_owned())
                ),
                (
                    data("test-rsa-2048.pk8.pem"),
                    Some(b"k0".to_vec()),
                    Some("pending key".to_owned())
                ),
            ]
        );
        assert_eq!(got.certificates, vec![f.leaf.clone(), f.ca.clone()]);
        assert_eq!(got.data, vec![b"our own bytes".to_vec()]);
        // one flipped byte anywhere in the file, a short file or a wrong password: refused
        assert_eq!(
            read(&pfx, "S3cret", MacPolicy::Required),
            Err(Pkcs12Error::WrongPassword)
        );
        let mut tampered = pfx.clone();
        let at = tampered.len() / 2;
        tampered[at] ^= 1;
        assert!(read(&tampered, "s3cret", MacPolicy::Required).is_err());
        assert!(read(&pfx[..pfx.len() - 7], "s3cret", MacPolicy::Required).is_err());
    }
}

#[test]
fn openssl_and_cryptography_read_a_bundle_and_skip_its_data() {
    let dir = scratch_dir("pkcs12-bundle");
    let pfx = temp_file(&dir, "bundle.p12", &bundle_file(Profile::Modern));
    if let Some(openssl) = tool("openssl") {
        let out = run(Command::new(&openssl)
            .args(["pkcs12", "-info", "-nodes", "-passin", "pass:s3cret", "-in"])
            .arg(&pfx));
        assert_eq!(
            out.matches("-----BEGIN PRIVATE KEY-----").count(),
            2,
            "{out}"
        );
        assert_eq!(
            out.matches("-----BEGIN CERTIFICATE-----").count(),
            2,
            "{out}"
        );
        assert!(out.contains("Secret bag"), "{out}");
    }
    if let Some(python) = python_with("cryptography") {
        let script = r#"
import sys
from cryptography.hazmat.primitives.serialization import pkcs12, Encoding, PublicFormat
p = pkcs12.load_pkcs12(open(sys.argv[1], 'rb').read(), b's3cret')
print(p.key is not None, p.cert is not None, len(p.additional_certs))
"#;
        let out = run(Command::new(&python).args(["-c", script]).arg(&pfx));
        assert!(out.starts_with("True True 1"), "{out}");
    }
}

/// Re-encodes a PFX in BER with pyasn1 (indefinite lengths, OCTET STRINGs in pieces of 64
/// bytes, as Java's and macOS's writers send them): the outer PFX only, which leaves the MAC's
/// octets as they were; (`all`) every level, encryptedContent included; or (`inner`) the safes
/// and the encryptedData in BER inside an authenticated safe and a PFX written in DER.
const BER_SCRIPT: &str = r#"
import sys
from pyasn1.codec.der import decoder, encoder as der_encoder
from pyasn1.codec.ber import encoder
from pyasn1.type import univ
from pyasn1_modules import rfc7292, rfc5652
ber = lambda v: encoder.encode(v, defMode=False, maxChunkSize=64)
pfx, _ = decoder.decode(open(sys.argv[1], 'rb').read(), asn1Spec=rfc7292.PFX())
if sys.argv[3] in ('all', 'inner'):
    data = bytes(decoder.decode(bytes(pfx['authSafe']['content']), asn1Spec=univ.OctetString())[0])
    safe, _ = decoder.decode(data, asn1Spec=rfc7292.AuthenticatedSafe())
    out = rfc7292.AuthenticatedSafe()
    kinds = []
    for i, ci in enumerate(safe):
        new = rfc5652.ContentInfo()
        new['contentType'] = ci['contentType']
        if ci['contentType'] == rfc5652.id_data:
            inner = bytes(decoder.decode(bytes(ci['content']), asn1Spec=univ.OctetString())[0])
            bags, _ = decoder.decode(inner, asn1Spec=rfc7292.SafeContents())
            wrap = ber if sys.argv[3] == 'all' else der_encoder.encode
            new['content'] = univ.Any(wrap(univ.OctetString(ber(bags))))
            kinds.append('data')
        else:
            ed, _ = decoder.decode(bytes(ci['content']), asn1Spec=rfc5652.EncryptedData())
            ed = ber(ed)
            if sys.argv[3] == 'inner':
                # its own length definite, BER inside (a list that reads as DER)
                body = ed[2:-2]
                n = len(body).to_bytes(4, 'big').lstrip(b'\0')
                ed = bytes([0x30, 0x80 | len(n)]) + n + body if len(body) > 127 else bytes([0x30, len(body)]) + body
            new['content'] = univ.Any(ed)
            kinds.append('encryptedData')
        out[i] = new
    outer = ber if sys.argv[3] == 'all' else der_encoder.encode
    pfx['authSafe']['content'] = univ.Any(outer(univ.OctetString(outer(out))))
    print(' '.join(kinds))
open(sys.argv[2], 'wb').write(ber(pfx) if sys.argv[3] != 'inner' else der_encoder.encode(pfx))
"#;

#[test]
fn reads_a_pfx_in_ber_as_java_and_macos_write_it() {
    let (Some(openssl), Some(python)) = (tool("openssl"), python_with("pyasn1_modules")) else {
        return;
    };
    let dir = scratch_dir("pkcs12-ber");
    let f = fixture();
    let aes_nomac = &[
        "-nomac",
        "-certpbe",
        "AES-256-CBC",
        "-keypbe",
        "AES-256-CBC",
    ][..];
    for (extra, depth, policy) in [
        (&[][..], "outer", MacPolicy::Required),
        (aes_nomac, "all", MacPolicy::AllowMissing),
        (aes_nomac, "inner", MacPolicy::AllowMissing),
    ] {
        let der = openssl_export(&openssl, &dir, extra, "s3cret");
        let der_path = temp_file(&dir, "der.pfx", &der);
        let ber_path = dir.join(format!("ber-{depth}.pfx"));
        let kinds = run(Command::new(&python)
            .args(["-c", BER_SCRIPT])
            .arg(&der_path)
            .arg(&ber_path)
            .arg(depth));
        if depth != "outer" {
            // the certificates in an encryptedData, the key in a data safe
            assert!(
                kinds.contains("encryptedData") && kinds.contains("data"),
                "{kinds}"
            );
        }
        let ber = std::fs::read(&ber_path).unwrap();
        assert_ne!(ber, der);
        assert!(
            ber.windows(2).any(|w| w == [0x30, 0x80]),
            "no indefinite length"
        );
        // OpenSSL reads the BER file: it is what it should be
        run(Command::new(&openssl)
            .args(["pkcs12", "-noout", "-passin", "pass:s3cret", "-in"])
            .arg(&ber_path));
        let want = read(&der, "s3cret", policy).unwrap();
        let got = read(&ber, "s3cret", policy).unwrap();
        assert_eq!(read_key(&got), Some(f.key.as_slice()), "{depth}");
        assert_eq!(got.certificates, want.certificates, "{depth}");
        assert_eq!(got.friendly_name.as_deref(), Some("From OpenSSL"));
        assert_eq!(got.integrity, want.integrity);
        if policy == MacPolicy::Required {
            assert_eq!(read(&ber, "wrong", policy), Err(Pkcs12Error::WrongPassword));
        }
    }
}
