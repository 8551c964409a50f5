//! Extension values whose structure is fixed and small, written with `certreq_pkix::tlv`
//! rather than x509_cert's encoders: the lowering runs in the embedding module and the web
//! app's first download, where each of x509_cert's encoders brings der's generic writer for
//! its type (about 1 KB of wasm apiece). Each function is held to what x509_cert writes for
//! the same value by a test below.

use certreq_pkix::oid::ObjectIdentifier;
use certreq_pkix::tlv::{push, push_header, tlv};

const SEQUENCE: u8 = 0x30;

/// Appends a non-negative INTEGER (universal tag 0x02, or `tag` for an IMPLICIT one), in the
/// fewest octets, with a leading zero octet where the high bit would read as a sign.
pub fn push_uint(out: &mut Vec<u8>, tag: u8, n: u64) {
    let bytes = n.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
    let digits = &bytes[skip..];
    let pad = digits[0] & 0x80 != 0;
    push_header(out, tag, digits.len() + usize::from(pad));
    if pad {
        out.push(0);
    }
    out.extend_from_slice(digits);
}

/// Appends an OBJECT IDENTIFIER.
pub fn push_oid(out: &mut Vec<u8>, oid: &ObjectIdentifier) {
    push(out, 0x06, oid.as_bytes());
}

/// `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER
/// (0..MAX) OPTIONAL }` (RFC 5280 §4.2.1.9); cA false is left out, as DER has defaults.
pub fn basic_constraints(ca: bool, path_len: Option<u8>) -> Vec<u8> {
    let mut body = Vec::new();
    if ca {
        body.extend_from_slice(&[0x01, 0x01, 0xff]);
    }
    if let Some(n) = path_len {
        push_uint(&mut body, 0x02, u64::from(n));
    }
    tlv(SEQUENCE, &body)
}

/// `SEQUENCE OF OBJECT IDENTIFIER`: the extended key usage (RFC 5280 §4.2.1.12).
pub fn oid_sequence(oids: &[ObjectIdentifier]) -> Vec<u8> {
    let mut body = Vec::new();
    for oid in oids {
        push_oid(&mut body, oid);
    }
    tlv(SEQUENCE, &body)
}

/// `PolicyMappings ::= SEQUENCE OF SEQUENCE { issuerDomainPolicy, subjectDomainPolicy }`
/// (RFC 5280 §4.2.1.5).
pub fn policy_mappings(pairs: &[(ObjectIdentifier, ObjectIdentifier)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (issuer, subject) in pairs {
        let mut pair = Vec::new();
        push_oid(&mut pair, issuer);
        push_oid(&mut pair, subject);
        push(&mut body, SEQUENCE, &pair);
    }
    tlv(SEQUENCE, &body)
}

/// `PolicyConstraints ::= SEQUENCE { requireExplicitPolicy [0] SkipCerts OPTIONAL,
/// inhibitPolicyMapping [1] SkipCerts OPTIONAL }`, implicitly tagged (RFC 5280 §4.2.1.11).
pub fn policy_constraints(require_explicit: Option<u32>, inhibit_mapping: Option<u32>) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(n) = require_explicit {
        push_uint(&mut body, 0x80, u64::from(n));
    }
    if let Some(n) = inhibit_mapping {
        push_uint(&mut body, 0x81, u64::from(n));
    }
    tlv(SEQUENCE, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;
    use x509_cert::ext::pkix::{
        BasicConstraints, ExtendedKeyUsage, PolicyConstraints, PolicyMapping, PolicyMappings,
    };

    fn oid(s: &str) -> ObjectIdentifier {
        ObjectIdentifier::new_unwrap(s)
    }

    #[test]
    fn integers_are_ders() {
        for n in [0u64, 1, 127, 128, 255, 256, 32_767, 32_768, 65_535, u32::MAX.into(), u64::MAX]
        {
            let mut ours = Vec::new();
            push_uint(&mut ours, 0x02, n);
            assert_eq!(ours, n.to_der().unwrap(), "{n}");
        }
    }

    #[test]
    fn basic_constraints_are_x509_certs() {
        for ca in [false, true] {
            for path_len in [None, Some(0), Some(1), Some(127), Some(128), Some(255)] {
                let theirs = BasicConstraints {
                    ca,
                    path_len_constraint: path_len,
                };
                assert_eq!(
                    basic_constraints(ca, path_len),
                    theirs.to_der().unwrap(),
                    "ca {ca}, path length {path_len:?}"
                );
            }
        }
    }

    #[test]
    fn oid_sequences_are_x509_certs_extended_key_usage() {
        let oids = [
            oid("1.3.6.1.5.5.7.3.1"),
            oid("1.3.6.1.5.5.7.3.2"),
            oid("1.3.6.1.4.1.311.20.2.2"),
            oid("1.2.840.113549.1.9.1234567"),
        ];
        for n in 0..=oids.len() {
            let theirs = ExtendedKeyUsage(oids[..n].to_vec()).to_der().unwrap();
            assert_eq!(oid_sequence(&oids[..n]), theirs, "{n} OIDs");
        }
        // long enough for a two-octet length
        let many = vec![oid("1.3.6.1.4.1.311.21.8.1234.5678"); 20];
        assert_eq!(oid_sequence(&many), ExtendedKeyUsage(many.clone()).to_der().unwrap());
    }

    #[test]
    fn policy_mappings_are_x509_certs() {
        let pairs = [
            (oid("1.3.6.1.4.1.311.21.8.1"), oid("1.3.6.1.4.1.311.21.8.2")),
            (oid("2.16.840.1.101.3.2.1.48.1"), oid("1.2.3.4")),
        ];
        for n in 1..=pairs.len() {
            let theirs = PolicyMappings(
                pairs[..n]
                    .iter()
                    .map(|(i, s)| PolicyMapping {
                        issuer_domain_policy: *i,
                        subject_domain_policy: *s,
                    })
                    .collect(),
            );
            assert_eq!(policy_mappings(&pairs[..n]), theirs.to_der().unwrap(), "{n}");
        }
    }

    #[test]
    fn policy_constraints_are_x509_certs() {
        let values = [None, Some(0), Some(1), Some(128), Some(70_000), Some(u32::MAX)];
        for require in values {
            for inhibit in values {
                let theirs = PolicyConstraints {
                    require_explicit_policy: require,
                    inhibit_policy_mapping: inhibit,
                };
                assert_eq!(
                    policy_constraints(require, inhibit),
                    theirs.to_der().unwrap(),
                    "{require:?} {inhibit:?}"
                );
            }
        }
    }
}
