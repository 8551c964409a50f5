//! The request panel's view: what the INF will make, the Generate button, the job under
//! way and the last notice, and the request (or certificate) just made.

use yew::prelude::*;

use super::{Generated, Msg, Preview, State, preview};
use crate::app::status::Status;
use crate::app::{editor, store};

pub struct RequestProps<'a> {
    pub state: &'a State,
    /// The editor, whose request this panel describes.
    pub editor: &'a editor::State,
    pub can_generate: bool,
    pub status: Status,
    pub on: Callback<Msg>,
    /// The stored entries, offered as the signer of a request on behalf of another user.
    pub store: &'a store::State,
}

/// The request panel.
pub fn panel(props: &RequestProps<'_>) -> Html {
    let status = &props.status;
    let editor = props.editor;
    let described = match &editor.compiled.request {
        Some(request) => view_preview(&preview(request)),
        None if editor.unread => html! {
            <p class="hint" data-testid="preview">{ "Reading the INF…" }</p>
        },
        None => html! {
            <p class="hint" data-testid="preview">
                { "Fix the errors on the left to see the request." }
            </p>
        },
    };
    let busy = status.busy.is_some();
    let signer = editor
        .compiled
        .request
        .as_ref()
        .and_then(|r| r.requester_name.as_deref())
        .map(|name| view_signers(props, name));
    html! {
        <>
            <h2 id="h-request">{ "The request" }</h2>
            { described }
            { for signer }
            <div class="actions">
                <button type="button" class="primary" data-testid="generate"
                    disabled={!props.can_generate} aria-busy={busy.to_string()}
                    onclick={props.on.reform(|_| Msg::Generate)}>
                    { match (busy, editor.makes_certificate()) {
                        (true, _) => "Generating…",
                        (false, true) => "Generate key and self-signed certificate",
                        (false, false) => "Generate key and request",
                    } }
                </button>
            </div>
            if let Some(what) = &status.busy {
                <p class="progress" data-testid="progress" role="status">
                    <progress aria-label="key generation"></progress>{ " " }{ what }
                </p>
            }
            if let Some(notice) = &status.notice {
                <p class={classes!("notice", notice.error.then_some("error"))}
                    data-testid="notice" role={if notice.error { "alert" } else { "status" }}>
                    { &notice.text }
                </p>
            }
            if let Some(result) = &props.state.result {
                { view_result(&props.on, result) }
            }
        </>
    }
}

/// The stored certificates that may sign a request on behalf of `name` (enrollment agents'),
/// to choose from; the others with the reason each is not offered.
fn view_signers(props: &RequestProps<'_>, name: &str) -> Html {
    let now = crate::services::store::now_ms();
    let chosen = props.state.signer.as_deref();
    let items = props
        .store
        .entries
        .iter()
        .filter(|e| e.record.certificate.is_some())
        .map(|e| {
            let id = e.record.id.clone();
            let label = match &e.details {
                Some(d) => format!("{} ({})", e.record.friendly_name, d.subject),
                None => e.record.friendly_name.clone(),
            };
            match store::State::agent_fitness(e, now) {
                Ok(()) => {
                    let checked = chosen == Some(id.as_str());
                    let pick = {
                        let id = id.clone();
                        props.on.reform(move |_| Msg::Signer(id.clone()))
                    };
                    html! {
                        <li data-testid="signer-option" data-id={id}>
                            <label>
                                <input type="radio" name="signer" {checked} onchange={pick} />
                                { " " }{ label }
                            </label>
                        </li>
                    }
                }
                Err(why) => html! {
                    <li data-testid="signer-refused" data-id={id} class="hint">
                        { format!("{label}: not offered, {why}") }
                    </li>
                },
            }
        });
    html! {
        <fieldset class="signer" data-testid="signer-picker">
            <legend>{ format!("Signed by: an enrollment agent's certificate, on behalf of {name}") }</legend>
            <ul>{ for items }</ul>
        </fieldset>
    }
}

fn view_preview(p: &Preview) -> Html {
    let subject = if p.subject.is_empty() {
        html! { <span class="hint">{ "(empty)" }</span> }
    } else {
        let rdns = p.subject.iter().map(|rdn| {
            let parts = rdn.iter().map(|part| {
                html! {
                    <span class="rdn-part" title={part.string_type}>
                        <span class="attr">{ &part.attribute }</span>{ "=" }{ &part.value }
                    </span>
                }
            });
            html! { <li>{ for parts }</li> }
        });
        html! { <ol class="subject">{ for rdns }</ol> }
    };
    let extensions: Vec<Html> = p
        .extensions
        .iter()
        .map(|e| {
            let details = e.details.iter().map(|d| html! { <li>{ d }</li> });
            html! {
                <li>
                    <span class="ext-name">{ &e.name }</span>
                    <span class="oid">{ format!(" {}", e.oid) }</span>
                    if e.critical { <span class="badge critical">{ "critical" }</span> }
                    <ul class="ext-details">{ for details }</ul>
                </li>
            }
        })
        .collect();
    let mut attributes: Vec<Html> = p
        .attributes
        .iter()
        .map(|(k, v)| html! { <li><span class="attr">{ k }</span>{ ": " }{ v }</li> })
        .collect();
    if p.default_attributes {
        attributes.push(html! {
            <li class="hint">{ "certreq's defaults: OS version, client information, key provider" }</li>
        });
    }
    html! {
        <dl class="preview" data-testid="preview">
            <dt>{ "Type" }</dt><dd>{ p.request_type }</dd>
            <dt>{ "Subject" }<span class="hint">{ " (encoded order)" }</span></dt><dd>{ subject }</dd>
            <dt>{ "Key" }</dt>
            <dd>{ &p.key }{ if p.exportable { ", exportable" } else { ", not exportable" } }</dd>
            <dt>{ "Signature" }</dt><dd>{ &p.signature }</dd>
            if let Some(validity) = &p.validity {
                <dt>{ "Validity" }</dt><dd data-testid="preview-validity">{ validity }</dd>
            }
            <dt>{ "Extensions" }</dt>
            <dd>
                if extensions.is_empty() { <span class="hint">{ "none" }</span> }
                else { <ul class="extensions">{ for extensions }</ul> }
            </dd>
            <dt>{ "Attributes" }</dt>
            <dd>
                if attributes.is_empty() { <span class="hint">{ "none" }</span> }
                else { <ul class="attributes">{ for attributes }</ul> }
            </dd>
        </dl>
    }
}

fn view_result(on: &Callback<Msg>, result: &Generated) -> Html {
    use base64ct::Encoding;
    let (mime, what) = if result.is_certificate() {
        ("application/pkix-cert", "self-signed certificate")
    } else {
        ("application/pkcs10", "request")
    };
    let href = format!(
        "data:{mime};base64,{}",
        base64ct::Base64::encode_string(result.pem.as_bytes())
    );
    html! {
        <section class="result" aria-labelledby="h-result">
            <h3 id="h-result">{ format!("Your {what}") }</h3>
            <pre class="pem" data-testid="request-pem" tabindex="0"
                aria-label={format!("the {what} in PEM form")}>{ &result.pem }</pre>
            <div class="actions">
                <a class="button primary" data-testid="download-request"
                    href={href} download={result.file_name.clone()}>
                    { format!("Download {}", result.file_name) }
                </a>
                <button type="button" data-testid="copy-request" onclick={on.reform(|_| Msg::Copy)}>
                    { "Copy to clipboard" }
                </button>
            </div>
        </section>
    }
}
