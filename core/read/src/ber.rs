//! BER as PKCS #12 and CMS writers other than OpenSSL send it, made DER for the readers.
//!
//! RFC 7292 lets a PFX be BER, and RFC 5652 a PKCS #7 outside its signed attributes.
//! BouncyCastle's default keystore and CMS writers (so Java tools and EJBCA, also as an EST
//! server), macOS's Keychain export and PKI.js use it: indefinite lengths, and OCTET STRINGs
//! cut into a constructed string of pieces. OpenSSL and Python's `cryptography` read those
//! files; `der` refuses them by design. No kept Rust library turns BER into DER without
//! pulling in a second ASN.1 stack, so this is our own, small and bounded:
//!
//! * an indefinite length becomes the definite one, a long-form length its shortest form;
//! * a constructed OCTET STRING (universal, `0x24`) becomes one primitive OCTET STRING holding
//!   its pieces in order (what a MAC over the authSafe's octets is computed on);
//! * everything else is copied as it is, the contents of primitive values byte for byte.
//!
//! An IMPLICIT `[0]` OCTET STRING (CMS `encryptedContent`) sent in pieces cannot be told from
//! an EXPLICIT `[0]` by its bytes; [`implicit_octets`] joins it where the reader knows that is
//! what the field is. Nesting is limited to [`MAX_DEPTH`]; anything malformed gives `None`.

use zeroize::Zeroizing;

/// How deep constructed values may nest (a PFX needs about a dozen levels).
pub const MAX_DEPTH: usize = 40;

/// `input` (one value, nothing after it) in DER as described above; `None` when it is not
/// BER, is cut short, has bytes after the value or nests deeper than [`MAX_DEPTH`].
///
/// The DER is measured first and written into one buffer of that size, wiped when dropped:
/// the input may be a decrypted safe holding a plain key bag, and a buffer that grew would
/// leave copies behind.
pub fn to_der(input: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let (len, rest) = measure(input, 0)?;
    if !rest.is_empty() {
        return None;
    }
    let tag = header(input)?.tag;
    let tag = if tag == [0x24u8] { &[0x04][..] } else { tag };
    let mut out = Zeroizing::new(Vec::with_capacity(header_len(tag, len) + len));
    write(input, &mut out, 0)?;
    (out.len() == out.capacity()).then_some(out)
}

/// A value's header as read.
struct Header<'a> {
    /// The identifier octets.
    tag: &'a [u8],
    constructed: bool,
    /// `None`: indefinite.
    len: Option<usize>,
    /// What follows the header.
    rest: &'a [u8],
}

fn header(input: &[u8]) -> Option<Header<'_>> {
    // identifier octets: one, or a first with 0x1f and base-128 continuation octets
    let first = *input.first()?;
    let mut n = 1;
    if first & 0x1f == 0x1f {
        loop {
            let b = *input.get(n)?;
            n += 1;
            if b & 0x80 == 0 {
                break;
            }
            if n > 6 {
                return None;
            }
        }
    }
    let tag = input.get(..n)?;
    let constructed = first & 0x20 != 0;
    let l = *input.get(n)?;
    n += 1;
    let len = if l < 0x80 {
        Some(usize::from(l))
    } else if l == 0x80 {
        if !constructed {
            return None;
        }
        None
    } else {
        let k = usize::from(l & 0x7f);
        if k > 4 {
            return None;
        }
        let mut len = 0usize;
        for _ in 0..k {
            len = (len << 8) | usize::from(*input.get(n)?);
            n += 1;
        }
        Some(len)
    };
    Some(Header {
        tag,
        constructed,
        len,
        rest: input.get(n..)?,
    })
}

/// The bytes of a DER header for `tag` and `len` content octets.
fn header_len(tag: &[u8], len: usize) -> usize {
    let bytes = (usize::BITS - len.leading_zeros()).div_ceil(8) as usize;
    tag.len() + 1 + if len < 0x80 { 0 } else { bytes }
}

/// Calls `each` on every child of a constructed value whose header said `len` (`None`:
/// indefinite, ended by the end-of-contents octets) and whose contents begin `body`; each call
/// returns what follows that child. What follows the value.
fn children<'a>(
    len: Option<usize>,
    body: &'a [u8],
    mut each: impl FnMut(&'a [u8]) -> Option<&'a [u8]>,
) -> Option<&'a [u8]> {
    match len {
        Some(len) => {
            let mut inner = body.get(..len)?;
            while !inner.is_empty() {
                inner = each(inner)?;
            }
            body.get(len..)
        }
        None => {
            let mut inner = body;
            loop {
                if inner.starts_with(&[0, 0]) {
                    return inner.get(2..);
                }
                inner = each(inner)?;
            }
        }
    }
}

/// The DER length of the contents of the value at the front of `input` (a constructed OCTET
/// STRING's: its pieces' joined), and what follows the value.
fn measure(input: &[u8], depth: usize) -> Option<(usize, &[u8])> {
    let h = header(input)?;
    // end-of-contents octets, or tag 0, where a value belongs
    if depth > MAX_DEPTH || h.tag == [0u8] {
        return None;
    }
    if !h.constructed {
        let len = h.len?;
        h.rest.get(..len)?;
        return Some((len, h.rest.get(len..)?));
    }
    let pieces = h.tag == [0x24u8];
    let mut total = 0usize;
    let rest = children(h.len, h.rest, |child| {
        let tag = header(child)?.tag;
        let (n, rest) = measure(child, depth + 1)?;
        let add = if pieces {
            // each piece an OCTET STRING, itself whole or in pieces
            (tag == [0x04u8] || tag == [0x24u8]).then_some(n)?
        } else {
            let tag = if tag == [0x24u8] { &[0x04][..] } else { tag };
            header_len(tag, n).checked_add(n)?
        };
        total = total.checked_add(add)?;
        Some(rest)
    })?;
    Some((total, rest))
}

/// Writes the value at the front of `input` to `out` in DER; what follows it.
fn write<'a>(input: &'a [u8], out: &mut Vec<u8>, depth: usize) -> Option<&'a [u8]> {
    let h = header(input)?;
    let (len, rest) = measure(input, depth)?;
    if h.tag == [0x24u8] {
        push_header(out, &[0x04], len);
        pieces(input, out)?;
        return Some(rest);
    }
    push_header(out, h.tag, len);
    if h.constructed {
        children(h.len, h.rest, |child| write(child, out, depth + 1))?;
    } else {
        out.extend_from_slice(h.rest.get(..len)?);
    }
    Some(rest)
}

/// Appends the contents of an OCTET STRING, whole or in pieces (already measured); what
/// follows it.
fn pieces<'a>(input: &'a [u8], out: &mut Vec<u8>) -> Option<&'a [u8]> {
    let h = header(input)?;
    if h.constructed {
        children(h.len, h.rest, |piece| pieces(piece, out))
    } else {
        let len = h.len?;
        out.extend_from_slice(h.rest.get(..len)?);
        h.rest.get(len..)
    }
}

/// A DER header: `tag`'s identifier octets (one or more) and the shortest definite length of
/// `len`.
fn push_header(out: &mut Vec<u8>, tag: &[u8], len: usize) {
    if let Some((&last, leading)) = tag.split_last() {
        out.extend_from_slice(leading);
        certreq_pkix::tlv::push_header(out, last, len);
    }
}

/// A CMS `EncryptedData` (DER, as [`to_der`] left it) whose `encryptedContent` — an IMPLICIT
/// `[0]` OCTET STRING — came in pieces: the same with the pieces joined into a primitive
/// `[0]`. `None` when the structure is not that.
pub fn implicit_octets(encrypted_data: &[u8]) -> Option<Vec<u8>> {
    use certreq_pkix::tlv::{items, only, tlv};
    let fields = items(only(encrypted_data, 0x30)?)?;
    let mut out = Vec::new();
    for (i, (tag, content)) in fields.iter().enumerate() {
        if i == 1 && *tag == 0x30 {
            let mut eci = Vec::new();
            for (j, (t, c)) in items(content)?.into_iter().enumerate() {
                if j == 2 && t == 0xa0 {
                    let mut joined = Vec::new();
                    for (pt, pc) in items(c)? {
                        if pt != 0x04 {
                            return None;
                        }
                        joined.extend_from_slice(pc);
                    }
                    eci.extend(tlv(0x80, &joined));
                } else {
                    eci.extend(tlv(t, c));
                }
            }
            out.extend(tlv(0x30, &eci));
        } else {
            out.extend(tlv(*tag, content));
        }
    }
    Some(tlv(0x30, &out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indefinite_lengths_and_pieces_become_der() {
        // SEQUENCE (indefinite) { OCTET STRING in two pieces (indefinite), INTEGER 5 }
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00, 0x02,
            0x01, 0x05, 0x00, 0x00,
        ];
        assert_eq!(
            *to_der(&ber).unwrap(),
            [0x30, 0x08, 0x04, 0x03, b'a', b'b', b'c', 0x02, 0x01, 0x05]
        );
        // a long-form length where the short one does
        assert_eq!(
            *to_der(&[0x04, 0x81, 0x01, 0x07]).unwrap(),
            [0x04, 0x01, 0x07]
        );
        // DER comes out as it went in
        let der = [0x30, 0x06, 0xa0, 0x04, 0x04, 0x02, 0x01, 0x02];
        assert_eq!(*to_der(&der).unwrap(), der);
    }

    #[test]
    fn pieces_in_pieces_and_long_lengths_come_out_exact() {
        // an OCTET STRING whose second piece is itself in pieces
        let ber = [
            0x24, 0x80, 0x04, 0x01, b'a', 0x24, 0x80, 0x04, 0x01, b'b', 0x00, 0x00, 0x00, 0x00,
        ];
        assert_eq!(*to_der(&ber).unwrap(), [0x04, 0x02, b'a', b'b']);
        // 70,000 octets in pieces of 1,000 inside an indefinite SEQUENCE: lengths of three
        // octets, measured and written to the byte
        let data: Vec<u8> = (0..70_000u32).map(|i| i as u8).collect();
        let mut ber = vec![0x30, 0x80, 0x24, 0x80];
        for piece in data.chunks(1000) {
            ber.extend(certreq_pkix::tlv::tlv(0x04, piece));
        }
        ber.extend([0, 0, 0, 0]);
        let want = certreq_pkix::tlv::tlv(0x30, &certreq_pkix::tlv::tlv(0x04, &data));
        assert_eq!(*to_der(&ber).unwrap(), want);
    }

    #[test]
    fn malformed_or_too_deep_input_is_refused() {
        for bad in [
            &[0x30, 0x80, 0x02, 0x01, 0x05][..], // no end-of-contents
            &[0x04, 0x80, 0x00, 0x00],           // an indefinite primitive
            &[0x24, 0x03, 0x02, 0x01, 0x05],     // a piece that is no OCTET STRING
            &[0x04, 0x05, 0x01],                 // cut short
            &[0x04, 0x01, 0x01, 0x00],           // bytes after the value
            &[0x30, 0x02, 0x00, 0x00],           // end-of-contents in a definite length
            &[0x00, 0x00],                       // end-of-contents alone
        ] {
            assert_eq!(to_der(bad), None, "{bad:02x?}");
        }
        let mut deep = Vec::new();
        for _ in 0..=MAX_DEPTH + 1 {
            deep.extend([0x30, 0x80]);
        }
        deep.extend([0x05, 0x00]);
        for _ in 0..=MAX_DEPTH + 1 {
            deep.extend([0x00, 0x00]);
        }
        assert_eq!(to_der(&deep), None);
    }

    #[test]
    fn encrypted_content_in_pieces_is_joined() {
        // EncryptedData { 0, { data OID, alg { OID }, [0] { 04 'ab', 04 'c' } } }
        let alg = [0x30, 0x03, 0x06, 0x01, 0x2a];
        let mut eci = vec![0x06, 0x01, 0x2b];
        eci.extend(alg);
        eci.extend([0xa0, 0x07, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c']);
        let mut ed = vec![0x02, 0x01, 0x00, 0x30, eci.len() as u8];
        ed.extend(&eci);
        let ed = certreq_pkix::tlv::tlv(0x30, &ed);
        let joined = implicit_octets(&ed).unwrap();
        let mut want_eci = vec![0x06, 0x01, 0x2b];
        want_eci.extend(alg);
        want_eci.extend([0x80, 0x03, b'a', b'b', b'c']);
        let mut want = vec![0x02, 0x01, 0x00, 0x30, want_eci.len() as u8];
        want.extend(want_eci);
        assert_eq!(joined, certreq_pkix::tlv::tlv(0x30, &want));
    }
}
