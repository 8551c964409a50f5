//! DER one TLV at a time: a reader and a writer with no generics and no allocation beyond the
//! output, for code that walks or assembles a known structure and should not link a full ASN.1
//! decoder for it (the web app's first download, devca's request reader, the decoder's generic
//! tree, the certs-only PKCS #7 writer).
//!
//! Only one-byte tags and definite lengths of up to four length bytes are read, and only in
//! their DER form: a length written longer than it needs to be is refused, as `der` refuses
//! it. That covers every structure here.

/// One TLV split off the front of a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The identifier octet.
    pub tag: u8,
    /// The contents octets.
    pub content: &'a [u8],
    /// The whole TLV: identifier, length and contents.
    pub whole: &'a [u8],
    /// What follows it in the buffer.
    pub rest: &'a [u8],
}

/// `(tag, header length, content length)` of the TLV at the front of `input`, whether or not
/// its content is all there; `None` for a multi-byte tag, an indefinite length, more than four
/// length bytes, a length not in its shortest form, or a header cut short.
pub fn header(input: &[u8]) -> Option<(u8, usize, usize)> {
    let tag = *input.first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let first = *input.get(1)?;
    if first < 0x80 {
        return Some((tag, 2, usize::from(first)));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | usize::from(*input.get(2 + i)?);
    }
    // DER: the long form only from 128 on, and no leading zero length octet
    if len < 0x80 || *input.get(2)? == 0 {
        return None;
    }
    Some((tag, 2 + n, len))
}

impl<'a> Tlv<'a> {
    /// Splits one TLV off the front of `input`; `None` when [`header`] is or the content is
    /// cut short.
    pub fn read(input: &'a [u8]) -> Option<Tlv<'a>> {
        let (tag, header, len) = header(input)?;
        let end = header.checked_add(len)?;
        let (whole, rest) = (input.get(..end)?, input.get(end..)?);
        Some(Tlv {
            tag,
            content: whole.get(header..)?,
            whole,
            rest,
        })
    }

    /// Reads `input` as exactly one TLV with tag `tag`; its content.
    pub fn only(input: &'a [u8], tag: u8) -> Option<&'a [u8]> {
        match Tlv::read(input)? {
            Tlv {
                tag: t,
                content,
                rest: [],
                ..
            } if t == tag => Some(content),
            _ => None,
        }
    }

    /// Reads `input` as one TLV of tag `tag` followed by anything; its content and the rest.
    pub fn expect(input: &'a [u8], tag: u8) -> Option<(&'a [u8], &'a [u8])> {
        let t = Tlv::read(input)?;
        (t.tag == tag).then_some((t.content, t.rest))
    }
}

/// Splits one TLV off the front of `input` (see [`Tlv::read`]).
pub fn read(input: &[u8]) -> Option<Tlv<'_>> {
    Tlv::read(input)
}

/// Reads `input` as exactly one TLV with tag `tag`; its content.
pub fn only(input: &[u8], tag: u8) -> Option<&[u8]> {
    Tlv::only(input, tag)
}

/// The TLVs that make up `content` (a SEQUENCE's or SET's), as `(tag, content)`; `None` when
/// any is malformed.
pub fn items(content: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let t = Tlv::read(rest)?;
        out.push((t.tag, t.content));
        rest = t.rest;
    }
    Some(out)
}

/// Appends one TLV: `tag`, the definite length of `content` in its shortest form, `content`.
pub fn push(out: &mut Vec<u8>, tag: u8, content: &[u8]) {
    push_header(out, tag, content.len());
    out.extend_from_slice(content);
}

/// Appends a TLV's header alone: `tag` and the definite length `len` in its shortest form.
pub fn push_header(out: &mut Vec<u8>, tag: u8, len: usize) {
    out.push(tag);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// One TLV as a new buffer (see [`push`]).
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    push(&mut out, tag, content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::{Decode, Encode};

    #[test]
    fn lengths_short_and_long_read_back_as_der_writes_them() {
        for n in [0usize, 1, 127, 128, 255, 256, 300, 65_535, 65_536] {
            let value = der::asn1::OctetString::new(vec![7u8; n]).unwrap();
            let by_der = value.to_der().unwrap();
            let mut ours = Vec::new();
            push(&mut ours, 0x04, &vec![7u8; n]);
            assert_eq!(ours, by_der, "length {n}");
            let mut followed = ours.clone();
            followed.extend_from_slice(&[0x05, 0x00]);
            let t = read(&followed).unwrap();
            assert_eq!(
                (t.tag, t.content.len(), t.whole, t.rest),
                (0x04, n, &ours[..], &[5u8, 0][..])
            );
            assert_eq!(only(&ours, 0x04).map(<[u8]>::len), Some(n));
            assert_eq!(only(&ours, 0x30), None, "another tag");
            assert_eq!(only(&followed, 0x04), None, "bytes after it");
        }
    }

    #[test]
    fn what_is_cut_short_or_out_of_scope_is_refused() {
        assert_eq!(read(&[]), None);
        assert_eq!(read(&[0x30]), None);
        assert_eq!(read(&[0x30, 0x05, 1]), None, "shorter than its length");
        assert_eq!(read(&[0x30, 0x80, 0, 0]), None, "indefinite length");
        assert_eq!(
            read(&[0x30, 0x85, 1, 1, 1, 1, 1]),
            None,
            "five length bytes"
        );
        assert_eq!(read(&[0x30, 0x82, 0x01]), None, "length bytes cut short");
        assert_eq!(read(&[0x1f, 0x81, 0x00, 0x00]), None, "multi-byte tag");
        assert_eq!(
            read(&[0x04, 0x81, 0x01, 0x00]),
            None,
            "long form for a short length"
        );
        let mut padded = vec![0x04, 0x82, 0x00, 0x80];
        padded.extend([0u8; 0x80]);
        assert_eq!(read(&padded), None, "a leading zero length octet");
        for bad in [&[0x04, 0x81, 0x01, 0x00][..], &padded] {
            assert!(
                der::asn1::OctetString::from_der(bad).is_err(),
                "der refuses it too"
            );
        }
        assert_eq!(items(&[0x02, 0x01, 0x05, 0x02]), None);
        assert_eq!(
            items(&[0x02, 0x01, 0x05, 0x04, 0x00]),
            Some(vec![(0x02, &[5u8][..]), (0x04, &[][..])])
        );
    }
}
