//! Private keys in every wrapping the decoder might open: a PKCS #8 PrivateKeyInfo (v1 or v2,
//! any algorithm, with attributes and a public key or not), nested in SEQUENCEs, SETs, tagged
//! values, OCTET and BIT STRINGs, a PKCS #7 data content or an unencrypted PFX key bag, as DER,
//! PEM of any label or bare base64. What the decoder prints never holds the key's bytes.
#![no_main]
#![allow(clippy::unwrap_used)]
use arbitrary::Arbitrary;
use base64ct::{Base64, Encoding};
use certreq_pkix::tlv::tlv;
use der::Encode;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Wrap {
    Sequence,
    Set,
    Context(u8),
    OctetString,
    BitString,
    Pkcs7Data,
    PfxKeyBag,
    Beside(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Armor {
    Der,
    Pem(u8),
    Base64,
}

#[derive(Arbitrary, Debug)]
struct Input {
    secret: Vec<u8>,
    version: u8,
    algorithm: u8,
    attributes: bool,
    public_key: bool,
    wrappers: Vec<Wrap>,
    armor: Armor,
}

const LABELS: &[&str] = &[
    "PRIVATE KEY",
    "RSA PRIVATE KEY",
    "EC PRIVATE KEY",
    "CERTIFICATE",
    "PKCS7",
    "NEW CERTIFICATE REQUEST",
    "X",
];

fn oid(s: &str) -> Vec<u8> {
    der::asn1::ObjectIdentifier::new_unwrap(s).to_der().unwrap()
}

fn pkcs8(i: &Input, secret: &[u8]) -> Vec<u8> {
    let mut alg = match i.algorithm % 4 {
        0 => {
            let mut a = oid("1.2.840.113549.1.1.1");
            a.extend([5, 0]);
            a
        }
        1 => {
            let mut a = oid("1.2.840.10045.2.1");
            a.extend(oid("1.2.840.10045.3.1.7"));
            a
        }
        2 => oid("1.3.101.112"),
        _ => oid("1.2.3.4.5"),
    };
    alg = tlv(0x30, &alg);
    let mut body = tlv(0x02, &[i.version % 2]);
    body.extend(alg);
    body.extend(tlv(0x04, secret));
    if i.attributes {
        body.extend(tlv(0xa0, &[]));
    }
    if i.public_key {
        body.extend(tlv(0x81, &[0, 4, 1, 2, 3]));
    }
    tlv(0x30, &body)
}

fn wrap(w: &Wrap, inner: Vec<u8>) -> Vec<u8> {
    match w {
        Wrap::Sequence => tlv(0x30, &inner),
        Wrap::Set => tlv(0x31, &inner),
        Wrap::Context(n) => tlv(0xa0 | (n % 31), &inner),
        Wrap::OctetString => tlv(0x04, &inner),
        Wrap::BitString => {
            let mut bits = vec![0];
            bits.extend(inner);
            tlv(0x03, &bits)
        }
        Wrap::Pkcs7Data => {
            let mut body = oid("1.2.840.113549.1.7.1");
            body.extend(tlv(0xa0, &tlv(0x04, &inner)));
            tlv(0x30, &body)
        }
        Wrap::PfxKeyBag => {
            // SafeBag { keyBag, [0] PrivateKeyInfo } in SafeContents in a data AuthenticatedSafe
            let mut bag = oid("1.2.840.113549.1.12.10.1.1");
            bag.extend(tlv(0xa0, &inner));
            let contents = tlv(0x30, &tlv(0x30, &bag));
            let mut data = oid("1.2.840.113549.1.7.1");
            data.extend(tlv(0xa0, &tlv(0x04, &contents)));
            let auth_safe = tlv(0x30, &tlv(0x30, &data));
            let mut outer = oid("1.2.840.113549.1.7.1");
            outer.extend(tlv(0xa0, &tlv(0x04, &auth_safe)));
            let mut pfx = tlv(0x02, &[3]);
            pfx.extend(tlv(0x30, &outer));
            tlv(0x30, &pfx)
        }
        Wrap::Beside(other) => {
            let mut body = tlv(0x04, other);
            body.extend(inner);
            tlv(0x30, &body)
        }
    }
}

fuzz_target!(|i: Input| {
    // long enough not to turn up by chance, and not made of one repeated byte
    let mut secret = i.secret.clone();
    secret.truncate(64);
    while secret.len() < 16 {
        secret.push(0xa5 ^ secret.len() as u8);
    }
    if secret.iter().all(|&b| b == secret[0]) {
        secret[0] ^= 0x5a;
    }
    let mut der = pkcs8(&i, &secret);
    for w in i.wrappers.iter().take(6) {
        der = wrap(w, der);
    }
    // the secret's bytes also elsewhere (a value `Beside` the key holding a copy): the decoder
    // may rightly print that copy, and no check on the text can tell the two apart
    if der.windows(secret.len()).filter(|w| *w == secret).count() > 1 {
        return;
    }
    let bytes = match i.armor {
        Armor::Der => der,
        Armor::Pem(label) => {
            let label = LABELS[usize::from(label) % LABELS.len()];
            let b64 = Base64::encode_string(&der);
            format!("-----BEGIN {label}-----\n{b64}\n-----END {label}-----\n").into_bytes()
        }
        Armor::Base64 => Base64::encode_string(&der).into_bytes(),
    };
    certreq_fuzz::check_dump_hides(&bytes, &secret);
});
