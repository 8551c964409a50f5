//! Bytes to text: the encodings real INF files come in.
//!
//! Windows tools write INF files as UTF-8 (with or without a byte order mark), as UTF-16
//! ("Unicode" in Notepad, always with a BOM), or in the ANSI code page, which for the files
//! we see is Windows-1252. [`decode`] recognises them in that order:
//!
//! 1. `EF BB BF` → UTF-8 ([`Encoding::Utf8Bom`]); invalid sequences after the BOM become U+FFFD.
//! 2. `FF FE` → UTF-16LE, `FE FF` → UTF-16BE; unpaired surrogates and a dangling odd byte
//!    become U+FFFD.
//! 3. Valid UTF-8 without a BOM → [`Encoding::Utf8`].
//! 4. Anything else → Windows-1252. The five bytes that code page leaves undefined
//!    (0x81, 0x8D, 0x8F, 0x90, 0x9D) become the Latin-1 code points U+0081 … U+009D, as
//!    Windows' own conversion and the WHATWG encoding standard do, so no byte is lost.
//!
//! The BOM is never part of the returned text. Decoding never fails.

/// The encoding a file was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    /// Not valid UTF-8 and no BOM: read as Windows-1252, as Notepad's "ANSI" files are.
    Windows1252,
}

impl Encoding {
    /// A short human-readable name ("UTF-8 with BOM", "Windows-1252", …).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// Decoded text and what it was decoded from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
}

/// Decodes an INF file's bytes: UTF-8 with or without BOM, UTF-16LE/BE with BOM, otherwise
/// Windows-1252. The BOM is not part of the text.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Decoded {
            text: String::from_utf8_lossy(rest).into_owned(),
            encoding: Encoding::Utf8Bom,
        };
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Decoded {
            text: decode_utf16(rest, u16::from_le_bytes),
            encoding: Encoding::Utf16Le,
        };
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return Decoded {
            text: decode_utf16(rest, u16::from_be_bytes),
            encoding: Encoding::Utf16Be,
        };
    }
    match core::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: text.to_owned(),
            encoding: Encoding::Utf8,
        },
        Err(_) => Decoded {
            text: bytes.iter().map(|&b| windows_1252(b)).collect(),
            encoding: Encoding::Windows1252,
        },
    }
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    if bytes.len() % 2 == 1 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    text
}

/// Windows-1252 to Unicode. 0x80–0x9F use the code page's table; the five undefined bytes
/// map to the Latin-1 (C1 control) code point of the same value.
pub fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}',
        '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}',
        '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus_file(prefix: &str) -> Option<Vec<u8>> {
        let dir = match std::fs::read_dir(certreq_testsupport::corpus_dir().join("inf")) {
            Ok(dir) => dir,
            Err(e) => panic!("corpus directory unreadable: {e}"),
        };
        for entry in dir.flatten() {
            if entry.file_name().to_string_lossy().starts_with(prefix) {
                return std::fs::read(entry.path()).ok();
            }
        }
        panic!("corpus file {prefix}* missing from the corpus");
    }

    #[test]
    fn plain_utf8_is_taken_as_is() {
        let d = decode("[NewRequest]\r\nSubject = \"CN=é\"".as_bytes());
        assert_eq!(d.encoding, Encoding::Utf8);
        assert_eq!(d.text, "[NewRequest]\r\nSubject = \"CN=é\"");
    }

    #[test]
    fn utf8_bom_is_removed() {
        let d = decode(b"\xEF\xBB\xBF[Version]");
        assert_eq!(d.encoding, Encoding::Utf8Bom);
        assert_eq!(d.text, "[Version]");
    }

    #[test]
    fn utf16_both_byte_orders_with_bom() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("[A]\r\nk=é€".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("[A]\r\nk=é€".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(
            decode(&le),
            Decoded {
                text: "[A]\r\nk=é€".into(),
                encoding: Encoding::Utf16Le
            }
        );
        assert_eq!(
            decode(&be),
            Decoded {
                text: "[A]\r\nk=é€".into(),
                encoding: Encoding::Utf16Be
            }
        );
    }

    #[test]
    fn broken_utf16_becomes_replacement_characters() {
        // lone high surrogate, then a dangling odd byte
        let d = decode(&[0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0, b'c']);
        assert_eq!(d.encoding, Encoding::Utf16Le);
        assert_eq!(d.text, "a\u{FFFD}b\u{FFFD}");
    }

    #[test]
    fn invalid_utf8_is_read_as_windows_1252() {
        let d = decode(b"k = a\x96b \x80 \xE9 \x81\x8D\x8F\x90\x9D \x9F");
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert_eq!(
            d.text,
            "k = a\u{2013}b \u{20AC} \u{E9} \u{81}\u{8D}\u{8F}\u{90}\u{9D} \u{178}"
        );
    }

    #[test]
    fn corpus_017_utf8_bom() {
        let Some(bytes) = corpus_file("017-") else {
            return;
        };
        let d = decode(&bytes);
        assert_eq!(d.encoding, Encoding::Utf8Bom);
        assert!(d.text.starts_with("; http://blogs.technet.com/"));
        assert!(!d.text.contains('\u{FEFF}'));
    }

    #[test]
    fn corpus_029_utf16le() {
        let Some(bytes) = corpus_file("029-") else {
            return;
        };
        let d = decode(&bytes);
        assert_eq!(d.encoding, Encoding::Utf16Le);
        assert!(
            d.text
                .starts_with("[Version]\r\nSignature=\"$Windows NT$\"\r\n")
        );
        assert!(d.text.ends_with("_continue_ = \"DNS={NBNSAN}&\""));
        assert!(!d.text.contains('\0'));
    }

    #[test]
    fn corpus_030_windows_1252() {
        let Some(bytes) = corpus_file("030-") else {
            return;
        };
        let d = decode(&bytes);
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert!(
            d.text
                .contains("KeySpec = 1 ; Key Exchange \u{2013} Required for encryption\r\n")
        );
    }
}
