//! The CMC Full PKI Response (RFC 5272 §3.2.3) devca answers at EST's `/fullcmc` (RFC 7030
//! §4.3), laid out as AD CS's (corpus `mswstep/cmc-full-response.b64`): a `SignedData`
//! version 3 of `id-cct-PKIResponse`, whose controls are the status (bodyPartID 1,
//! id-cmc-statusInfo naming the request, body part 1) and, when issued, Microsoft's CMC
//! attributes (bodyPartID 2) holding the issued certificate's SHA-1 hash
//! (1.3.6.1.4.1.311.21.17); the CA's and the issued certificate; signed by the CA (issuer and
//! serial number, content type and message digest).

use certreq_pkix::cert::CertParts;
use certreq_pkix::oid;
use certreq_pkix::tlv::tlv;
use sha1::Digest;

use crate::ca::Ca;
use crate::store::{Record, Status};

fn attribute(ty: &[u8], value: &[u8]) -> Vec<u8> {
    let mut body = tlv(0x06, ty);
    body.extend(tlv(0x31, value));
    tlv(0x30, &body)
}

/// How long after a pending answer devca suggests asking again (an operator approves).
const PEND_AFTER_SECONDS: i64 = 60;

/// `PendInfo ::= SEQUENCE { pendToken OCTET STRING, pendTime GeneralizedTime }` (RFC 5272
/// §6.1.1: present when the status is pending). devca's token is the request id in decimal
/// digits, the number `-retrieve` and certnew.cer take (how AD CS fills it is not known here);
/// the time is when to ask again.
fn pend_info(id: u64, at: i64) -> Vec<u8> {
    let c = certreq_pkix::time::civil(at);
    let time = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    );
    let mut body = tlv(0x04, id.to_string().as_bytes());
    body.extend(tlv(0x18, time.as_bytes()));
    tlv(0x30, &body)
}

/// The full response for a recorded request.
pub fn response(ca: &Ca, rec: &Record) -> Result<Vec<u8>, String> {
    // CMCStatusInfo ::= SEQUENCE { cMCStatus, bodyList SEQUENCE OF BodyPartID,
    //   statusString UTF8String OPTIONAL, otherInfo CHOICE { failInfo … } OPTIONAL }
    let (status, text, fail): (u8, &str, Option<u8>) = match rec.status {
        Status::Issued => (0, "Issued", None),
        Status::Pending => (3, "Taken Under Submission", None),
        // badRequest (2)
        Status::Denied | Status::Failed => (2, rec.message.as_str(), Some(2)),
    };
    let mut info = tlv(0x02, &[status]);
    info.extend(tlv(0x30, &tlv(0x02, &[1])));
    info.extend(tlv(0x0c, text.as_bytes()));
    if let Some(f) = fail {
        info.extend(tlv(0x02, &[f]));
    }
    if rec.status == Status::Pending {
        info.extend(pend_info(
            rec.id,
            crate::lifecycle::now().saturating_add(PEND_AFTER_SECONDS),
        ));
    }
    let mut control = tlv(0x02, &[1]);
    control.extend(tlv(0x06, oid::ID_CMC_STATUS_INFO.as_bytes()));
    control.extend(tlv(0x31, &tlv(0x30, &info)));
    let mut controls = tlv(0x30, &control);
    let mut certificates = vec![ca.cert_der.clone()];
    if rec.status == Status::Issued {
        let hash = sha1::Sha1::digest(&rec.cert);
        let attrs = attribute(oid::ISSUED_CERT_HASH.as_bytes(), &tlv(0x04, &hash));
        let mut add = tlv(0x02, &[0]);
        add.extend(tlv(0x30, &tlv(0x02, &[1])));
        add.extend(tlv(0x31, &attrs));
        let mut control = tlv(0x02, &[2]);
        control.extend(tlv(0x06, oid::CMC_ATTRIBUTES.as_bytes()));
        control.extend(tlv(0x31, &tlv(0x30, &add)));
        controls.extend(tlv(0x30, &control));
        certificates.push(rec.cert.clone());
    }
    let mut body = tlv(0x30, &controls);
    body.extend([0x30, 0x00, 0x30, 0x00]);
    let pki_response = tlv(0x30, &body);

    let digest = sha2::Sha256::digest(&pki_response);
    let mut ct = tlv(0x06, oid::CONTENT_TYPE.as_bytes());
    ct.extend(tlv(0x31, &tlv(0x06, oid::ID_CCT_PKI_RESPONSE.as_bytes())));
    let mut md = tlv(0x06, oid::MESSAGE_DIGEST.as_bytes());
    md.extend(tlv(0x31, &tlv(0x04, &digest)));
    let (ct, md) = (tlv(0x30, &ct), tlv(0x30, &md));
    let attrs = if ct <= md {
        [ct, md].concat()
    } else {
        [md, ct].concat()
    };
    let signature = ca.sign(&tlv(0x31, &attrs))?;

    let mut sha256 = tlv(0x06, oid::SHA256.as_bytes());
    sha256.extend([0x05, 0x00]);
    let sha256 = tlv(0x30, &sha256);
    let mut rsa = tlv(0x06, oid::RSA_ENCRYPTION.as_bytes());
    rsa.extend([0x05, 0x00]);
    let ca_parts = CertParts::read(&ca.cert_der).ok_or("the CA certificate does not read")?;
    let mut signer = tlv(0x02, &[1]);
    signer.extend(ca_parts.issuer_and_serial());
    signer.extend_from_slice(&sha256);
    signer.extend(tlv(0xa0, &attrs));
    signer.extend(tlv(0x30, &rsa));
    signer.extend(tlv(0x04, &signature));

    let mut encap = tlv(0x06, oid::ID_CCT_PKI_RESPONSE.as_bytes());
    encap.extend(tlv(0xa0, &tlv(0x04, &pki_response)));
    certificates.sort();
    let mut signed = tlv(0x02, &[3]);
    signed.extend(tlv(0x31, &sha256));
    signed.extend(tlv(0x30, &encap));
    signed.extend(tlv(0xa0, &certificates.concat()));
    signed.extend(tlv(0x31, &tlv(0x30, &signer)));
    let mut out = tlv(0x06, oid::ID_SIGNED_DATA.as_bytes());
    out.extend(tlv(0xa0, &tlv(0x30, &signed)));
    Ok(tlv(0x30, &out))
}
