//! Bytes to text: the encodings real INF files come in.

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

/// Decoded text and what it was decoded from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
}

/// Decodes an INF file's bytes: UTF-8 with or without BOM, UTF-16LE/BE with BOM, otherwise
/// Windows-1252. The BOM is not part of the text.
pub fn decode(bytes: &[u8]) -> Decoded {
    let _ = bytes;
    unimplemented!("text::decode")
}
