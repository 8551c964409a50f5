//! What the wrapper tests share: fixed keys, certificates made for them, and OpenSSL's CMS
//! verification (`openssl cms -verify`), which fails the test under `CI=true` without OpenSSL.

use certreq_pkix::pem;
use certreq_testsupport::{rsa_key, rsa_sign};
use p256::ecdsa::SigningKey as EcKey;
use rsa::pkcs8::EncodePublicKey;

use crate::compile;
use crate::encode::{self, ClientInfo};
use crate::model::SignatureScheme;

/// The fixed RSA test key's SPKI.
pub fn rsa_spki() -> Vec<u8> {
    rsa_key()
        .to_public_key()
        .to_public_key_der()
        .unwrap()
        .to_vec()
}

/// A fixed P-256 key (`seed` picks which).
pub fn ec_key(seed: u8) -> EcKey {
    EcKey::from_slice(&[seed; 32]).unwrap()
}

pub fn ec_spki(key: &EcKey) -> Vec<u8> {
    key.verifying_key()
        .to_public_key_der()
        .unwrap()
        .as_bytes()
        .to_vec()
}

/// Signs as `scheme` says with the RSA test key or `ec`.
pub fn sign_with(ec: Option<&EcKey>, scheme: SignatureScheme, bytes: &[u8]) -> Vec<u8> {
    match (scheme, ec) {
        (SignatureScheme::Ecdsa(_), Some(k)) => {
            use p256::ecdsa::signature::Signer;
            let sig: p256::ecdsa::DerSignature = k.sign(bytes);
            sig.as_bytes().to_vec()
        }
        (SignatureScheme::RsaPkcs1(h), None) => rsa_sign(&rsa_key(), h.web_crypto_name(), bytes),
        other => panic!("no test key signs {other:?}"),
    }
}

/// A certificate for the RSA test key, self-signed, with these INF lines added (an EKU…).
pub fn rsa_certificate(subject: &str, extra: &str) -> Vec<u8> {
    let inf = format!(
        "[NewRequest]\nSubject = \"{subject}\"\nRequestType = Cert\nHashAlgorithm = SHA256\n{extra}"
    );
    let req = compile(&inf).request.unwrap();
    let unsigned =
        encode::prepare_certificate(&req, &rsa_spki(), 1_700_000_000, 2_000_000_000, &[0x21; 16])
            .unwrap();
    unsigned
        .finish(&sign_with(None, unsigned.scheme, &unsigned.to_be_signed))
        .unwrap()
}

/// A P-256 PKCS #10 request from `inf`, with the renewed certificate when given.
pub fn ec_request(inf: &str, key: &EcKey, renewed: Option<&[u8]>) -> Vec<u8> {
    let c = compile(inf);
    let req = c
        .request
        .unwrap_or_else(|| panic!("no request: {:#?}", c.diagnostics));
    let unsigned = encode::prepare_with(
        &req,
        &ec_spki(key),
        &ClientInfo::example(),
        &encode::Additions {
            renewal_certificate: renewed,
        },
    )
    .unwrap();
    unsigned
        .finish(&sign_with(
            Some(key),
            unsigned.scheme,
            &unsigned.to_be_signed,
        ))
        .unwrap()
}

/// `openssl cms -verify -noverify` (signatures and digests, not chains) of `der`, with
/// `certs` (DER) for signers whose certificates the request does not carry. The content
/// verified, OpenSSL's complaint, or `None` without OpenSSL.
pub fn openssl_cms_verify(der: &[u8], certs: &[&[u8]]) -> Option<Result<Vec<u8>, String>> {
    let openssl = certreq_testsupport::tool("openssl")?;
    let dir = certreq_testsupport::scratch_dir("cms-verify");
    std::fs::write(dir.join("in.der"), der).unwrap();
    let mut cmd = std::process::Command::new(openssl);
    cmd.args([
        "cms",
        "-verify",
        "-inform",
        "DER",
        "-binary",
        "-noverify",
        "-in",
    ])
    .arg(dir.join("in.der"))
    .arg("-out")
    .arg(dir.join("out"));
    if !certs.is_empty() {
        let pems: String = certs
            .iter()
            .map(|c| pem::write(pem::Label::Certificate, c))
            .collect();
        std::fs::write(dir.join("certs.pem"), pems).unwrap();
        cmd.arg("-certfile").arg(dir.join("certs.pem"));
    }
    let out = cmd.output().unwrap();
    let result = if out.status.success() {
        Ok(std::fs::read(dir.join("out")).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let _ = std::fs::remove_dir_all(dir);
    Some(result)
}

/// `openssl cms -cmsout -print` of `der`.
pub fn openssl_cms_print(der: &[u8]) -> Option<String> {
    let out = certreq_testsupport::openssl_ok(
        &["cms", "-cmsout", "-print", "-inform", "DER", "-in", "{}"],
        der,
        "CMS",
    )?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}
