//! The decoder: PEM, base64 or DER in, the tools module's tree out. An answer for older
//! input is dropped.

pub mod view;

use certreq_wire::Dump;

use super::files::decoder_text;

/// What can happen in the decoder.
#[derive(Clone, Debug)]
pub enum Msg {
    /// The input text changed.
    Input(String),
    /// A file's bytes arrived (opened, or dropped on the box or the page).
    Open { name: String, bytes: Vec<u8> },
    /// The tools module's answer for decode request `seq`.
    Decoded {
        seq: u32,
        result: Result<Dump, String>,
    },
    /// Accept what is decoded into the key store (the app hands [`State::to_accept`] to the
    /// store, which matches it to a kept key).
    Accept,
}

/// What the decoder offers to accept: the kinds that carry a certificate. A bundle of PEM
/// blocks is offered only when every block is one of them (`certificate bundle`): the store
/// refuses a bundle that also holds a private key or a request.
const ACCEPTABLE: [&str; 4] = [
    "certificate",
    "PKCS #7",
    "CMC response",
    "certificate bundle",
];

/// Browser work the decoder asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Decode `bytes` for display (in the lazily loaded module); answer with
    /// [`Msg::Decoded`] carrying `seq`.
    Decode { seq: u32, bytes: Vec<u8> },
}

/// The decoder's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// The input (PEM, base64; a DER file shows as base64).
    pub input: String,
    /// Where the input came from, if a file.
    pub source: Option<String>,
    /// The decoded tree, or why nothing could be decoded; `None` for an empty input and
    /// while decoding.
    pub output: Option<Result<Dump, String>>,
    /// Which decode request the output must answer: an answer for older input is dropped.
    pub seq: u32,
}

impl State {
    /// Applies a message; returns the browser work it calls for.
    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Input(text) => {
                let bytes = text.as_bytes().to_vec();
                self.input = text;
                self.source = None;
                self.decode(bytes)
            }
            Msg::Open { name, bytes } => {
                self.input = decoder_text(&bytes);
                self.source = Some(format!("{name}, {} bytes", bytes.len()));
                self.decode(bytes)
            }
            Msg::Decoded { seq, result } => {
                if seq == self.seq {
                    self.output = Some(result);
                }
                Vec::new()
            }
            Msg::Accept => Vec::new(),
        }
    }

    /// The input to accept into the key store, when what it decoded to can carry a certificate
    /// (a pasted `.cer` or `.p7b`, or a CA's answer); `None` otherwise.
    pub fn to_accept(&self) -> Option<Vec<u8>> {
        match &self.output {
            Some(Ok(dump)) if ACCEPTABLE.contains(&dump.kind.as_str()) => {
                Some(self.input.as_bytes().to_vec())
            }
            _ => None,
        }
    }

    /// Whether the answer for the current input is still to come (the input is not blank,
    /// and no output is shown for it yet).
    pub fn decoding(&self) -> bool {
        self.output.is_none() && !self.input.bytes().all(|b| b.is_ascii_whitespace())
    }

    /// Asks for `bytes` to be decoded (PEM with any label, base64 or DER); blank input
    /// clears the output instead.
    fn decode(&mut self, bytes: Vec<u8>) -> Vec<Command> {
        self.seq = self.seq.wrapping_add(1);
        self.output = None;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Vec::new();
        }
        vec![Command::Decode {
            seq: self.seq,
            bytes,
        }]
    }
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;

    /// What the decoder module answers, asked as the app asks it.
    fn answer(command: &Command) -> Msg {
        let Command::Decode { seq, bytes } = command;
        Msg::Decoded {
            seq: *seq,
            result: crate::app::testing::tools(certreq_wire::OP_DUMP, bytes)
                .map(|bytes| certreq_wire::dump_from_wire(&bytes).expect("a dump")),
        }
    }

    /// Whether `text` is anywhere in the decoded tree.
    fn dump_shows(dump: &certreq_wire::Dump, text: &str) -> bool {
        fn in_nodes(nodes: &[certreq_wire::Node], text: &str) -> bool {
            nodes.iter().any(|n| {
                n.label.contains(text) || n.value.contains(text) || in_nodes(&n.children, text)
            })
        }
        dump.title.contains(text) || in_nodes(&dump.nodes, text)
    }

    #[test]
    fn the_decoder_reads_pem_base64_and_der_alike() {
        // a tiny DER structure: SEQUENCE { INTEGER 5 }
        let der = [0x30, 0x03, 0x02, 0x01, 0x05];
        let mut s = State::default();
        let asked = s.update(Msg::Open {
            name: "thing.der".into(),
            bytes: der.to_vec(),
        });
        assert_eq!(s.input, "MAMCAQU=\n", "DER shows as base64");
        assert_eq!(s.source.as_deref(), Some("thing.der, 5 bytes"));
        assert!(
            s.decoding() && s.output.is_none(),
            "decoding, nothing shown yet"
        );
        assert!(
            matches!(&asked[..], [Command::Decode { bytes, .. }] if bytes == &der),
            "the file's own bytes are decoded: {asked:?}"
        );
        s.update(answer(&asked[0]));
        assert!(!s.decoding());
        let from_der = s.output.clone().expect("decoded").expect("ok");
        let asked = s.update(Msg::Input(
            "-----BEGIN WHATEVER-----\nMAMCAQU=\n-----END WHATEVER-----\n".into(),
        ));
        s.update(answer(&asked[0]));
        let from_pem = s.output.clone().expect("decoded").expect("ok");
        assert_eq!(from_pem.kind, from_der.kind);
        assert!(dump_shows(&from_pem, "WHATEVER"), "the PEM label is shown");
        assert!(s.update(Msg::Input("  \n".into())).is_empty());
        assert_eq!(s.output, None, "blank input shows nothing");
        assert!(!s.decoding());
        assert_eq!(s.source, None);
    }

    #[test]
    fn an_answer_for_older_input_is_dropped() {
        let mut s = State::default();
        let first = s.update(Msg::Input("MAMCAQU=".into()));
        let second = s.update(Msg::Input("not base64 at all!".into()));
        // the answers come back out of order: the newer one first
        s.update(answer(&second[0]));
        let shown = s.output.clone();
        assert!(matches!(shown, Some(Err(_))), "{shown:?}");
        s.update(answer(&first[0]));
        assert_eq!(
            s.output, shown,
            "the late answer for the old input is ignored"
        );
        assert!(!s.decoding());
    }
}
