//! Enrollment's view: the CA settings, the request file to submit, Submit and Retrieve,
//! and what the CA said.

use yew::prelude::*;

use super::{EndpointKind, Msg, State, Status};
use crate::app::preview::{self, Generated};
use crate::app::status::Notice;
use crate::app::ui;
use crate::services::dom;

pub struct EnrollProps<'a> {
    pub state: &'a State,
    /// The request panel, whose request just made Submit sends unless a `.req` is loaded.
    pub preview: &'a preview::State,
    pub busy: bool,
    pub can_submit: bool,
    pub on: Callback<Msg>,
    pub notify: Callback<Notice>,
}

/// The "Send it to a CA" section.
pub fn panel(props: &EnrollProps<'_>) -> Html {
    let state = props.state;
    let e = &state.settings;
    let on = &props.on;
    let kind = ui::filter(on, |ev: Event| {
        dom::select_value(&ev).map(|v| {
            Msg::EndpointKind(if v == "est" {
                EndpointKind::Est
            } else {
                EndpointKind::AdCs
            })
        })
    });
    let url = ui::filter(on, |ev: InputEvent| {
        dom::input_value(&ev).map(Msg::EndpointUrl)
    });
    let template = ui::filter(on, |ev: InputEvent| {
        dom::input_value(&ev).map(Msg::Template)
    });
    let attributes = ui::filter(on, |ev: InputEvent| {
        dom::textarea_value(&ev).map(Msg::ExtraAttributes)
    });
    let number = ui::filter(on, |ev: InputEvent| {
        dom::input_value(&ev).map(Msg::RetrieveNumber)
    });
    let pick = ui::on_pick(ui::then(on, &props.notify, |name, bytes| Msg::SubmitFile {
        name,
        bytes,
    }));
    let offered = match &state.templates {
        Some(Ok(f)) => f.offered.as_deref().unwrap_or_default(),
        _ => &[],
    };
    let templates_state = match &state.templates {
        None => String::new(),
        Some(Err(why)) => why.clone(),
        Some(Ok(f)) => match &f.offered {
            Some(list) => format!("{} templates offered", list.len()),
            None => "the CA's wishes are known; the INF is checked against them".into(),
        },
    };
    let disposition = state.disposition.as_ref().map(|d| {
        html! {
            <div class={classes!("disposition", d.status.as_str())} data-testid="disposition"
                data-status={d.status.as_str()} data-answer={state.answers.to_string()}
                role={if matches!(d.status, Status::Error | Status::Denied) { "alert" } else { "status" }}>
                <strong>{ d.status.as_str() }</strong>{ ": " }
                <span data-testid="disposition-message">{ d.app_message() }</span>
                if let Some(n) = d.request_id {
                    <p>{ "Request id: " }<span data-testid="request-id">{ n }</span></p>
                }
                if let Some(e) = &d.explanation {
                    <div class="why" data-testid="disposition-why">
                        <p><code data-testid="why-code">{ &e.code }</code>{ " " }{ &e.message }</p>
                        <p data-testid="why-meaning">{ &e.meaning }</p>
                        <p data-testid="why-action"><strong>{ "What to do: " }</strong>{ &e.action }</p>
                    </div>
                }
                if d.certificate.is_some() {
                    <p><button type="button" data-testid="disposition-download"
                        onclick={on.reform(|_| Msg::DownloadIssued)}>
                        { "Download the certificate (.cer)" }
                    </button></p>
                }
            </div>
        }
    });
    html! {
        <section class="enroll" aria-labelledby="h-enroll">
            <h3 id="h-enroll">{ "Send it to a CA" }</h3>
            <p class="hint">
                { "AD CS Web Enrollment or EST. The CA must be this page's own origin or allow                        it (CORS with credentials); otherwise download the request, submit it on                        the CA's page and accept the certificate below." }
            </p>
            <div class="enroll-grid">
                <label for="endpoint-kind">{ "Kind" }</label>
                <select id="endpoint-kind" data-testid="endpoint-kind" onchange={kind}>
                    <option value="adcs" selected={e.kind == EndpointKind::AdCs}>{ "AD CS Web Enrollment" }</option>
                    <option value="est" selected={e.kind == EndpointKind::Est}>{ "EST (RFC 7030)" }</option>
                </select>
                <label for="endpoint-url">{ "URL" }</label>
                <input type="url" id="endpoint-url" data-testid="endpoint-url"
                    placeholder={format!("https://ca.example.com{}", e.kind.default_path())}
                    value={e.url.clone()} oninput={url} spellcheck="false" />
                if e.kind == EndpointKind::AdCs {
                    <label for="template">{ "Template" }</label>
                    <span>
                        <input type="text" id="template" data-testid="template" placeholder="WebServer"
                            list="ca-templates" value={e.template.clone()} oninput={template}
                            spellcheck="false" />
                        <datalist id="ca-templates" data-testid="ca-templates">
                            { for offered.iter().map(|t| html! {
                                <option value={t.name.clone()} label={t.display.clone()} />
                            }) }
                        </datalist>
                    </span>
                    <label for="extra-attributes">{ "Attributes" }</label>
                    <textarea id="extra-attributes" data-testid="extra-attributes" rows="2"
                        placeholder="SAN:dns=www.example.com" value={e.attributes.clone()}
                        oninput={attributes} spellcheck="false" />
                }
            </div>
            <p>
                <button type="button" data-testid="load-templates" disabled={props.busy}
                    onclick={on.reform(|_| Msg::LoadTemplates)}>
                    { if e.kind == EndpointKind::AdCs { "Load the CA's templates" } else { "Ask what the CA wants (csrattrs)" } }
                </button>
                { " " }
                <span data-testid="templates-state">{ templates_state }</span>
            </p>
            { mismatches(state) }
            <div class="submit-file">
                <label for="submit-file">{ "Or submit a request file (.req; PEM or DER): " }</label>
                <input type="file" id="submit-file" data-testid="submit-file"
                    accept=".req,.csr,.pem,.der,.p10,.txt" onchange={pick} />
            </div>
            { view_submit_which(state, props.preview.submittable()) }
            <div class="actions">
                <button type="button" class="primary" data-testid="submit"
                    disabled={!props.can_submit} onclick={on.reform(|_| Msg::Submit)}>
                    { "Submit the request" }
                </button>
                if e.kind == EndpointKind::AdCs {
                    <label for="retrieve-number">{ "Retrieve request " }</label>
                    <input type="text" id="retrieve-number" data-testid="retrieve-number" size="8"
                        inputmode="numeric" value={state.retrieve_number.clone()} oninput={number} />
                    <button type="button" data-testid="retrieve-number-go" disabled={props.busy}
                        onclick={on.reform(|_| Msg::RetrieveNumbered)}>{ "Retrieve" }</button>
                }
            </div>
            { for disposition }
            { ca_files(state, on) }
        </section>
    }
}

/// How many mismatches with the CA's template the editor shows, or why none could be found.
fn mismatches(state: &State) -> Html {
    let text = match &state.mismatches {
        Some(Ok(0)) | None => return Html::default(),
        Some(Ok(1)) => "1 mismatch with the CA's template: see Problems, under the INF".into(),
        Some(Ok(n)) => {
            format!("{n} mismatches with the CA's template: see Problems, under the INF")
        }
        Some(Err(why)) => {
            format!("the request could not be checked against the CA's template: {why}")
        }
    };
    html! { <p class="warning" data-testid="template-warnings">{ text }</p> }
}

/// The CA's certificates, chains and CRLs: each saved, or opened in the decoder.
fn ca_files(state: &State, on: &Callback<Msg>) -> Html {
    let list = match &state.ca_files {
        Some(Ok(list)) => html! {
            <ul data-testid="ca-files">
                { for list.iter().enumerate().map(|(n, d)| {
                    let name = super::ca_file_name(d);
                    let refused = state.ca_file_refused.as_ref().filter(|(r, _)| *r == name);
                    html! {
                        <li data-testid="ca-file" data-what={d.what.clone()}
                            data-renewal={d.renewal.to_string()}>
                            { name }{ " " }
                            <button type="button" data-testid="ca-file-save"
                                onclick={on.reform(move |_| Msg::CaFile { n, open: false })}>{ "Save" }</button>
                            <button type="button" data-testid="ca-file-open"
                                onclick={on.reform(move |_| Msg::CaFile { n, open: true })}>{ "Decode" }</button>
                            if let Some((_, why)) = refused {
                                <p class="error" role="alert" data-testid="ca-file-error">{ why }</p>
                            }
                        </li>
                    }
                }) }
            </ul>
        },
        Some(Err(why)) => {
            html! { <p class="error" role="alert" data-testid="ca-files-error">{ why }</p> }
        }
        None => Html::default(),
    };
    html! {
        <details class="ca-panel" data-testid="ca-panel">
            <summary>{ "The CA's certificates and CRLs" }</summary>
            <button type="button" data-testid="list-ca-files"
                onclick={on.reform(|_| Msg::ListCaFiles)}>{ "List them" }</button>
            { list }
        </details>
    }
}

/// Which request Submit sends, or why a loaded file was not taken.
fn view_submit_which(state: &State, just_made: Option<&Generated>) -> Html {
    let text = match (&state.loaded, just_made) {
        (Some(Ok(l)), _) => {
            let key = match &l.key {
                None => "looking for its key among those kept here…".to_owned(),
                Some(Some(name)) => format!(
                    "the key kept here as “{name}” matches its public key, so the certificate \
                     will be accepted for it"
                ),
                Some(None) => "no key kept in this browser matches its public key: the \
                               certificate will be offered for download, not added to the store"
                    .to_owned(),
            };
            format!("Submit sends {} (subject “{}”); {key}", l.name, l.subject)
        }
        (_, Some(r)) => format!(
            "Submit sends the request just made (“{}”)",
            r.meta.record.friendly_name
        ),
        _ => "Make a request above or load a .req file to submit".to_owned(),
    };
    let match_state = match &state.loaded {
        Some(Ok(l)) => match &l.key {
            None => "checking",
            Some(Some(_)) => "yes",
            Some(None) => "no",
        },
        _ => "",
    };
    html! {
        <>
            if let Some(Err(why)) = &state.loaded {
                <p class="error" role="alert" data-testid="submit-file-error">{ why }</p>
            }
            <p class="hint" data-testid="submit-which" data-key-match={match_state}>{ text }</p>
        </>
    }
}
