//! PEM/base64/DER armor, then the strict one-TLV-at-a-time reader on what comes out: `tlv`
//! accepts only what `der` accepts, and reads the same header.
#![no_main]
#![allow(clippy::unwrap_used)]
use certreq_pkix::{pem, tlv};
use der::{Decode, Reader};
use libfuzzer_sys::fuzz_target;

fn walk(bytes: &[u8], depth: usize) {
    let _ = tlv::header(bytes);
    let _ = tlv::items(bytes);
    let Some(t) = tlv::read(bytes) else { return };
    // what tlv reads, der reads the same way (low tag numbers: tlv is one byte of tag)
    let len = bytes.len() - t.rest.len();
    let mut reader = der::SliceReader::new(&bytes[..len]).unwrap();
    let any = match der::asn1::AnyRef::decode(&mut reader) {
        Ok(any) => any,
        // a universal tag der has no type for (RELATIVE-OID, EXTERNAL…): not a DER question
        Err(e) if matches!(e.kind(), der::ErrorKind::TagUnknown { .. }) => return,
        Err(e) => panic!("tlv read {:02x?} but der refuses it: {e}", &bytes[..len]),
    };
    assert!(reader.is_finished());
    assert_eq!(any.value(), t.content);
    if t.tag & 0x20 != 0 && depth < 16 {
        let mut rest = t.content;
        while let Some(inner) = tlv::read(rest) {
            walk(rest, depth + 1);
            rest = inner.rest;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(blocks) = pem::read(data) {
        for block in &blocks {
            walk(&block.der, 0);
        }
    }
    walk(data, 0);
});
