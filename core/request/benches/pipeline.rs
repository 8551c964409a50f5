//! INF text → signed PKCS#10 DER, key generation excluded: each stage of the pipeline alone and
//! the whole of it, for a typical web server INF with an RSA-2048 key and a P-256 key.
//!
//! `cargo bench -p certreq-request --bench pipeline` (or `scripts/bench.sh`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: any failure is the run's

use std::hint::black_box;

use certreq_pkix::pem::{self, Label};
use certreq_request::encode::{ClientInfo, prepare};
use certreq_request::model::SignatureScheme;
use certreq_request::{self as request};
use criterion::{Criterion, criterion_group, criterion_main};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use rsa::signature::{SignatureEncoding, Signer};

const RSA_KEY: &str = include_str!("../../../tests/data/test-rsa-2048.pk8.pem");

const WEB_SERVER: &str = r#"[Version]
Signature="$Windows NT$"

[NewRequest]
Subject = "CN=www.example.com, OU=Web, O=Example Corp, L=Springfield, S=Oregon, C=US"
KeyLength = 2048
KeySpec = 1
KeyUsage = 0xa0
HashAlgorithm = sha256
MachineKeySet = TRUE

[EnhancedKeyUsageExtension]
OID = 1.3.6.1.5.5.7.3.1

[Extensions]
2.5.29.17 = "{text}"
_continue_ = "dns=www.example.com&"
_continue_ = "dns=example.com&"
_continue_ = "ipaddress=192.0.2.10"

[RequestAttributes]
CertificateTemplate = WebServer
"#;

fn client() -> ClientInfo {
    ClientInfo {
        os_version: "6.1.0".into(),
        machine: "bench".into(),
        user: "bench".into(),
        process: "certreq".into(),
        provider: "certreq-web bench".into(),
    }
}

fn pipeline(c: &mut Criterion) {
    let key = rsa::PrivateKey::from_pkcs8_pem(RSA_KEY).expect("test key");
    let spki = key.to_public_key().to_public_key_der().expect("spki");
    let signer = SigningKey::<sha2::Sha256>::new(key);
    let client = client();
    let req = request::compile(WEB_SERVER)
        .request
        .expect("the INF is valid");
    let unsigned = prepare(&req, spki.as_bytes(), &client).expect("prepare");
    let signature = signer.sign(&unsigned.to_be_signed).to_vec();
    assert!(matches!(unsigned.scheme, SignatureScheme::RsaPkcs1(_)));

    let mut g = c.benchmark_group("inf-to-der");
    g.bench_function("parse INF", |b| {
        b.iter(|| certreq_inf::parse(black_box(WEB_SERVER)))
    });
    g.bench_function("compile INF (parse + lower)", |b| {
        b.iter(|| request::compile(black_box(WEB_SERVER)))
    });
    g.bench_function("prepare to-be-signed", |b| {
        b.iter(|| prepare(black_box(&req), spki.as_bytes(), &client))
    });
    g.bench_function("finish + PEM", |b| {
        b.iter(|| {
            pem::write(
                Label::NewCertificateRequest,
                &unsigned.finish(black_box(&signature)).unwrap(),
            )
        })
    });
    g.bench_function("whole request without signing", |b| {
        b.iter(|| {
            let req = request::compile(black_box(WEB_SERVER)).request.unwrap();
            let unsigned = prepare(&req, spki.as_bytes(), &client).unwrap();
            pem::write(
                Label::NewCertificateRequest,
                &unsigned.finish(&signature).unwrap(),
            )
        })
    });
    g.bench_function("whole request with RSA-2048 signing", |b| {
        b.iter(|| {
            let req = request::compile(black_box(WEB_SERVER)).request.unwrap();
            let unsigned = prepare(&req, spki.as_bytes(), &client).unwrap();
            let sig = signer.sign(&unsigned.to_be_signed).to_vec();
            pem::write(
                Label::NewCertificateRequest,
                &unsigned.finish(&sig).unwrap(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
