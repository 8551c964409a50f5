//! What the reducers' native tests share: a request, a stand-in compiler, stored entries,
//! test certificates, and the tools module answering as it does in the browser.

use certreq_inf::diag::Diagnostic;
use certreq_inf::{Entry, Inf, Section, Value};
use certreq_request::Compiled;
use certreq_request::model::{
    Hash, KeyAlgorithm, KeyPlan, KeySpec, NewRequest, RequestType, SignatureScheme, ValidityPlan,
};
use std::str::FromStr;
use x509_cert::name::Name;

use super::store::{EntryMeta, EntryState, RecordMeta};

pub fn request(friendly: Option<&str>) -> NewRequest {
    NewRequest {
        request_type: RequestType::Pkcs10,
        subject: Name::from_str("CN=www.example.com,O=Example").unwrap(),
        key: KeyPlan {
            algorithm: KeyAlgorithm::Rsa { bits: 2048 },
            exportable: false,
            key_spec: KeySpec::KeyExchange,
            container: None,
            use_existing: false,
        },
        signature: SignatureScheme::RsaPkcs1(Hash::Sha256),
        extensions: Vec::new(),
        subject_key_identifier: true,
        ski_position: 0,
        name_value_pairs: Vec::new(),
        default_attributes: true,
        friendly_name: friendly.map(str::to_owned),
        validity: ValidityPlan::default(),
        renewal_cert: None,
        requester_name: None,
    }
}

/// A stand-in compiler: text containing "BAD" has an error on the word; anything else
/// yields a request. One `[NewRequest]` entry per `key = value` line.
pub fn fake(text: &str) -> Compiled {
    let mut entries = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some((key, _)) = line.split_once('=') {
            let key = key.trim();
            entries.push(Entry {
                key: key.to_owned(),
                key_span: offset..offset + key.len(),
                value: Value::default(),
                span: offset..offset + line.trim_end().len(),
            });
        }
        offset += line.len();
    }
    let inf = Inf {
        sections: vec![Section {
            name: "NewRequest".into(),
            headers: Vec::new(),
            entries,
        }],
    };
    match text.find("BAD") {
        Some(at) => Compiled {
            inf,
            request: None,
            diagnostics: vec![Diagnostic::error(
                certreq_inf::codes::INVALID_NUMBER,
                at..at + 3,
                "this is bad",
            )],
        },
        None => Compiled {
            inf,
            request: Some(request(Some("web server"))),
            diagnostics: Vec::new(),
        },
    }
}

/// [`fake`] with a `[NewRequest]` header on the first line (bytes 0..12).
pub fn with_header(text: &str) -> Compiled {
    let mut c = fake(text);
    c.inf.sections[0].headers.push(0..12);
    c
}

/// The record of pending entry `id` (named `id` too), its key in container `container`.
pub fn pending_record(id: &str, container: Option<&str>) -> RecordMeta {
    RecordMeta {
        id: id.into(),
        friendly_name: id.into(),
        created_ms: 1.0,
        inf: String::new(),
        state: EntryState::Pending,
        container: container.map(str::to_owned),
        ..Default::default()
    }
}

/// Pending entry `id` as listed before its key is read.
pub fn pending(id: &str, container: Option<&str>) -> EntryMeta {
    EntryMeta {
        record: pending_record(id, container),
        ..Default::default()
    }
}

pub const LEAF_PEM: &[u8] = include_bytes!("../../../tests/data/pfx-leaf.crt");
pub const CA_PEM: &[u8] = include_bytes!("../../../tests/data/pfx-ca.crt");
pub const REQ_DER: &[u8] = include_bytes!("../../../tests/data/golden-008-minimal.der");

pub fn cert(pem: &[u8]) -> certreq_pkix::cert::Certificate {
    let r = certreq_read::response::parse(pem).expect("a certificate");
    r.certificates()[0].clone()
}

/// The shared corpus of real files (beside the repository, or `$CERTREQ_CORPUS`).
pub fn corpus() -> std::path::PathBuf {
    std::env::var_os("CERTREQ_CORPUS").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
        std::path::PathBuf::from,
    )
}

/// What the tools module answers to `op` with `input`, read as the app reads it.
pub fn tools(op: u32, input: &[u8]) -> Result<Vec<u8>, String> {
    let (status, answer) = certreq_web_tools::serve(op, input);
    certreq_wire::answer(status, answer).map_err(|why| why.0)
}
