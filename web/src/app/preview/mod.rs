//! The request panel: what the INF will make, in words ([`describe`]), the Generate button,
//! and the request (or self-signed certificate) just made.

pub mod describe;
pub mod jobs;
pub mod view;

pub use describe::{Preview, preview};

use certreq_request::model::{KeyAlgorithm, NewRequest};

use super::editor;
use super::status::{Notice, Out, Status};
use super::store::{self, EntryMeta};

/// A request (or, with `RequestType = Cert`, a self-signed certificate) just made.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    pub meta: EntryMeta,
    pub pem: String,
    /// The suggested file name (`….req`, or `….cer` for a certificate).
    pub file_name: String,
    /// Whether the browser would hand out the private key (checked by asking it).
    pub exportable: bool,
}

impl Generated {
    /// A self-signed certificate (its entry holds the certificate from the start), not a
    /// request: nothing to submit.
    pub fn is_certificate(&self) -> bool {
        self.meta.record.certificate.is_some()
    }
}

/// What can happen in the request panel.
#[derive(Clone, Debug)]
pub enum Msg {
    /// Make the key pair and the request.
    Generate,
    /// The outcome of [`Command::Generate`].
    Generated(Result<Box<Generated>, String>),
    /// Copy the request PEM to the clipboard.
    Copy,
    /// Stored entry `id` is gone: if it was the one just made, it is not shown any more.
    Forget(String),
    /// The stored entry whose enrollment agent's certificate signs a request on behalf of
    /// another user (`RequesterName`).
    Signer(String),
}

/// Browser work the request panel asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Generate a key pair for `request`, sign, store, answer with [`Msg::Generated`].
    /// With `reuse`, the key pair of that stored entry signs instead of a new one, and the
    /// entry is updated in place (same key, new request).
    Generate {
        request: Box<NewRequest>,
        inf: String,
        reuse: Option<String>,
        /// For a renewal, the stored entry whose certificate it renews: its key signs the
        /// PKCS #7 wrapper (and with `UseExistingKeySet`, the request too).
        renews: Option<String>,
        /// For a request on behalf of another user, the stored enrollment agent's entry whose
        /// key signs the wrapper.
        signer: Option<String>,
    },
    /// Put text on the clipboard; answer with a notice.
    Copy(String),
}

/// What the other features hear from the request panel.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A request or certificate was made and its key stored as `entry`; `request` tells a
    /// request (which Submit sends next) from a self-signed certificate.
    Made { entry: EntryMeta, request: bool },
}

/// The request panel's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// The request made last, if any.
    pub result: Option<Generated>,
    /// The stored entry chosen to sign a request on behalf of another user.
    pub signer: Option<String>,
}

impl State {
    /// The request just made, when there is one to submit (a self-signed certificate is not).
    pub fn submittable(&self) -> Option<&Generated> {
        self.result.as_ref().filter(|r| !r.is_certificate())
    }

    /// Applies a message. Generate reads the editor (the request) and the store (a key to
    /// reuse); the store and enrollment hear what was made.
    pub fn update(
        &mut self,
        msg: Msg,
        status: &mut Status,
        editor: &editor::State,
        store: &store::State,
    ) -> Vec<Out<Command, Event>> {
        match msg {
            Msg::Generate => {
                if !status.idle() {
                    return Vec::new();
                }
                let Some(request) = editor.request() else {
                    return Vec::new();
                };
                let reuse = match store.key_to_use(request) {
                    Ok(reuse) => reuse,
                    Err(why) => {
                        status.notice = Some(Notice::error(why));
                        return Vec::new();
                    }
                };
                let renews = match request.renewal_cert.as_deref() {
                    None => None,
                    // refused here, before any key is made or anything stored
                    Some(cert_id) => match store.renewal_of(cert_id) {
                        Ok(old) => Some(old.record.id.clone()),
                        Err(why) => {
                            status.notice = Some(Notice::error(why));
                            return Vec::new();
                        }
                    },
                };
                let signer = match &request.requester_name {
                    None => None,
                    Some(name) => {
                        let chosen = self.signer.as_ref().and_then(|id| store.entry(id));
                        match chosen.map(|e| (e, store::State::agent_capable(e))) {
                            Some((e, Ok(()))) => Some(e.record.id.clone()),
                            Some((e, Err(why))) => {
                                status.notice = Some(Notice::error(format!(
                                    "RequesterName = {name}: “{}” cannot sign: {why}",
                                    e.record.friendly_name
                                )));
                                return Vec::new();
                            }
                            None => {
                                status.notice = Some(Notice::error(format!(
                                    "RequesterName = {name}: choose the enrollment agent's \
                                     certificate that signs this request, under “Signed by”"
                                )));
                                return Vec::new();
                            }
                        }
                    }
                };
                status.busy = Some(match (&reuse, &renews) {
                    (Some(_), _) => "signing with the stored key…".to_owned(),
                    (None, Some(_)) if request.key.use_existing => {
                        "signing the renewal with the stored key…".to_owned()
                    }
                    _ => progress_text(request),
                });
                status.notice = None;
                vec![Out::Run(Command::Generate {
                    request: Box::new(request.clone()),
                    inf: editor.text.clone(),
                    reuse,
                    renews,
                    signer,
                })]
            }
            Msg::Generated(Ok(generated)) => {
                status.busy = None;
                status.notice = Some(Notice::info(format!(
                    "{}; its key is kept in this browser as “{}”{}",
                    if generated.is_certificate() {
                        "self-signed certificate made"
                    } else {
                        "request made"
                    },
                    generated.meta.record.friendly_name,
                    if generated.exportable {
                        " (exportable)"
                    } else {
                        " and cannot be exported"
                    }
                )));
                let made = Event::Made {
                    entry: generated.meta.clone(),
                    request: !generated.is_certificate(),
                };
                self.result = Some(*generated);
                vec![Out::Tell(made)]
            }
            Msg::Generated(Err(why)) => {
                status.busy = None;
                status.notice = Some(Notice::error(why));
                Vec::new()
            }
            Msg::Copy => match &self.result {
                Some(r) => vec![Out::Run(Command::Copy(r.pem.clone()))],
                None => Vec::new(),
            },
            Msg::Forget(id) => {
                if self.result.as_ref().is_some_and(|r| r.meta.record.id == id) {
                    self.result = None;
                }
                if self.signer.as_ref() == Some(&id) {
                    self.signer = None;
                }
                Vec::new()
            }
            Msg::Signer(id) => {
                self.signer = Some(id);
                Vec::new()
            }
        }
    }
}

/// What the progress line says while the key is made (RSA takes a while).
pub fn progress_text(request: &NewRequest) -> String {
    match request.key.algorithm {
        KeyAlgorithm::Rsa { bits } if bits >= 4096 => {
            format!("generating an RSA {bits}-bit key; this can take a while…")
        }
        KeyAlgorithm::Rsa { bits } => format!("generating an RSA {bits}-bit key…"),
        KeyAlgorithm::Ecdsa(curve) => {
            format!("generating an ECDSA {} key…", curve.web_crypto_name())
        }
    }
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::app::testing::request;
    use certreq_request::model::Curve;

    #[test]
    fn progress_text_warns_about_slow_keys() {
        let mut r = request(None);
        r.key.algorithm = KeyAlgorithm::Rsa { bits: 4096 };
        assert!(progress_text(&r).contains("can take a while"));
        r.key.algorithm = KeyAlgorithm::Ecdsa(Curve::P384);
        assert_eq!(progress_text(&r), "generating an ECDSA P-384 key…");
    }
}
