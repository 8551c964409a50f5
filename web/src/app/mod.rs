//! The app shell: one Yew component that renders [`State`] and runs the reducer's commands.
//!
//! Data flow: DOM event → [`Msg`] → [`State::update`] (pure) → [`Command`]s → `services`
//! (async) → another [`Msg`]. The view functions below only read the state.
//!
//! Test hooks (`data-testid`), kept stable for the end-to-end tests: `inf-editor`, `diagnostics`
//! (items carry `data-line`, 1-based, and `data-severity`), `preview`, `generate`, `progress`,
//! `notice`, `request-pem`, `download-request`, `copy-request`, `store-list`, `store-item`
//! (with `data-state` and `data-id`), `key-doc`, `template-gallery` (buttons with
//! `data-template`), `open-inf`, `editor-status`, `restore-text`, `decode-input`, `decode-file`,
//! `decode-output`, `persistence`; enrollment: `accept-file`, `entry-details` (`entry-subject`,
//! `entry-issuer`, `entry-validity`, `entry-thumbprint`, `entry-key`, `expiry-reminder`),
//! `export-cer-pem`, `export-cer-der`, `export-p7b`, `export-pfx`, `pfx-dialog` (`pfx-password`,
//! `pfx-confirm`, `pfx-modern`, `pfx-legacy`, `pfx-problem`, `pfx-save`, `pfx-cancel`),
//! `endpoint-kind`, `endpoint-url`, `template`, `extra-attributes`, `submit`, `submit-file`, `submit-which` (`data-key-match`), `submit-file-error`,
//! `entry-submit` (on a pending entry without a request id), `disposition-download`, `retrieve` (on a
//! pending entry), `retrieve-number` + `retrieve-number-go`, `disposition` (`data-status`
//! issued|pending|denied|error, `data-answer` counts answers), `request-id`.

pub mod jobs;
pub mod preview;
pub mod state;
pub mod templates;
pub mod text;

use certreq_inf::diag::Severity;
use certreq_wire::DocPage;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::services::{dom, files, store, tools};
use preview::{Preview, preview};
use state::{Command, DocPanel, FileTarget, Msg, Notice, State};
use state::{ExportFormat, PfxDialog, Profile};
use text::{Kind, format_utc, mark_line};

/// The root component.
pub struct App {
    state: State,
    editor: NodeRef,
    gutter: NodeRef,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let mut state = State::default();
        state.enrollment = state::Enrollment::for_origin(&crate::services::enroll::page_origin());
        let app = App {
            state,
            editor: NodeRef::default(),
            gutter: NodeRef::default(),
        };
        for command in State::init() {
            app.run(ctx, command);
        }
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        for command in self.state.update(msg) {
            self.run(ctx, command);
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let ondragover = Callback::from(|e: DragEvent| dom::allow_drop(&e));
        let ondrop = file_drop(ctx, FileTarget::Page);
        html! {
            <div class="app" {ondragover} {ondrop}>
                <header class="top">
                    <h1>{ "certreq-web" }</h1>
                    <p class="tagline">
                        { "Certificate requests from certreq INF files, made in this browser. \
                           Keys never leave it." }
                    </p>
                </header>
                <main class="layout">
                    <section class="panel editor-panel" aria-labelledby="h-inf">
                        { view_gallery(ctx) }
                        { self.view_editor(ctx) }
                        { self.view_diagnostics(ctx) }
                        { self.view_key_doc() }
                    </section>
                    <section class="panel request-panel" aria-labelledby="h-request">
                        { self.view_request(ctx) }
                    </section>
                    <section class="panel store-panel" aria-labelledby="h-store">
                        { self.view_store(ctx) }
                    </section>
                    <section class="panel decoder-panel" aria-labelledby="h-decode">
                        { self.view_decoder(ctx) }
                    </section>
                </main>
            </div>
        }
    }
}

impl App {
    /// Runs one command; results come back as messages.
    fn run(&self, ctx: &Context<Self>, command: Command) {
        let link = ctx.link();
        match command {
            Command::Generate {
                request,
                inf,
                reuse,
            } => {
                link.send_future(async move {
                    Msg::Generated(jobs::generate(*request, inf, reuse).await)
                });
            }
            Command::LoadStore => {
                link.send_future(async { Msg::StoreLoaded(jobs::load_store().await) })
            }
            Command::Accept(bytes) => {
                link.send_future(async move { Msg::Accepted(jobs::accept(bytes).await) })
            }
            Command::Export { id, format } => {
                link.send_future(async move { Msg::Exported(jobs::export(id, format).await) })
            }
            Command::Submit { id, enrollment } => {
                link.send_future(async move { Msg::Enrolled(jobs::submit(id, enrollment).await) })
            }
            Command::SubmitRequest { der, enrollment } => link.send_future(async move {
                Msg::Enrolled(jobs::submit_request(der, enrollment).await)
            }),
            Command::MatchKey(spki) => {
                link.send_future(async move { Msg::KeyMatched(jobs::match_key(spki).await) })
            }
            Command::DownloadCertificate { name, der } => {
                link.send_message(Msg::Exported(jobs::download_certificate(name, der)))
            }
            Command::Retrieve {
                id,
                number,
                enrollment,
            } => link.send_future(async move {
                Msg::Enrolled(jobs::retrieve(id, number, enrollment).await)
            }),
            Command::Doc(query) => link.send_future(async move {
                let page = tools::doc(&query).await.map_err(|e| e.to_string());
                Msg::DocLooked { query, page }
            }),
            Command::Decode { seq, bytes } => link.send_future(async move {
                Msg::Decoded {
                    seq,
                    result: tools::dump(&bytes).await.map_err(|e| e.to_string()),
                }
            }),
            Command::ExportPfx {
                id,
                password,
                profile,
            } => link.send_future(async move {
                Msg::Exported(jobs::export_pfx(id, password, profile).await)
            }),
            Command::Select { start, end } => {
                if let Some(editor) = self.editor.cast::<HtmlTextAreaElement>() {
                    dom::select(&editor, start, end);
                }
                let line = self.state.lines.line_of(self.state.caret);
                if let Some(gutter) = self.gutter.cast::<web_sys::Element>() {
                    dom::reveal(&gutter, &format!("[data-gutter-line=\"{}\"]", line + 1));
                }
            }
            Command::Copy(text) => link.send_future(async move {
                Msg::Notify(match files::copy_text(&text).await {
                    Ok(()) => Notice::info("copied to the clipboard"),
                    Err(e) => Notice::error(e.to_string()),
                })
            }),
            Command::DownloadEntry(id) => link.send_future(async move {
                Msg::Notify(match jobs::download_entry(id).await {
                    Ok(()) => Notice::info("request file offered for download"),
                    Err(e) => Notice::error(e),
                })
            }),
            Command::Delete(id) => {
                let question = "Delete this request and its private key? A certificate issued \
                                for it later cannot be used without the key.";
                if dom::confirm(question) {
                    link.send_future(async move {
                        Msg::Deleted(
                            store::delete(&id)
                                .await
                                .map(|()| id)
                                .map_err(|e| e.to_string()),
                        )
                    });
                }
            }
            Command::RequestPersistence => link.send_future(async {
                Msg::Persistence(match store::request_persistence().await {
                    store::Persistence::Granted => Some(true),
                    store::Persistence::Denied => Some(false),
                    store::Persistence::Unsupported => None,
                })
            }),
        }
    }

    fn view_editor(&self, ctx: &Context<Self>) -> Html {
        let state = &self.state;
        let line_count = state.lines.line_count();
        let widest = (0..line_count)
            .map(|l| {
                state
                    .text
                    .get(state.lines.line_range(&state.text, l))
                    .map_or(0, |s| s.chars().count())
            })
            .max()
            .unwrap_or(0);
        let size = format!("--lines:{line_count};--cols:{widest}");
        let gutter = (0..line_count).map(|l| {
            let class = match state.line_severity(l) {
                Some(Severity::Error) => "ln sev-error",
                Some(Severity::Warning) => "ln sev-warning",
                Some(Severity::Note) => "ln sev-note",
                None => "ln",
            };
            html! { <span class={class} data-gutter-line={(l + 1).to_string()}>{ l + 1 }</span> }
        });
        let overlay = (0..line_count).map(|l| {
            let range = state.lines.line_range(&state.text, l);
            let line = state.text.get(range.clone()).unwrap_or("");
            // underline each diagnostic on the line it starts on (an empty span: one character)
            let marks: Vec<(core::ops::Range<usize>, Severity)> = state
                .compiled
                .diagnostics
                .iter()
                .filter(|d| d.span.start >= range.start && d.span.start <= range.end)
                .map(|d| {
                    let start = d.span.start - range.start;
                    let end = d.span.end.clamp(d.span.start, range.end) - range.start;
                    let end = if end > start { end } else { start + 1 };
                    (start..end, d.severity)
                })
                .collect();
            let pieces = mark_line(line, &marks)
                .into_iter()
                .map(|(kind, piece, mark)| {
                    let class = classes!(
                        (kind != Kind::Plain).then_some(kind.class()),
                        mark.map(|s| format!("squiggle sev-{}", s.as_str()))
                    );
                    if class.is_empty() {
                        html! { { piece } }
                    } else {
                        html! { <span class={class}>{ piece }</span> }
                    }
                });
            html! { <>{ for pieces }{ "\n" }</> }
        });
        let oninput = ctx.link().batch_callback(|e: InputEvent| {
            dom::editor_of(&e)
                .map(|t| vec![Msg::Edit(t.value()), Msg::Caret(dom::caret(&t))])
                .unwrap_or_default()
        });
        let on_caret = ctx
            .link()
            .batch_callback(|e: Event| dom::editor_of(&e).map(|t| Msg::Caret(dom::caret(&t))));
        let on_key = {
            let on_caret = on_caret.clone();
            Callback::from(move |e: KeyboardEvent| on_caret.emit(e.into()))
        };
        let on_click = {
            let on_caret = on_caret.clone();
            Callback::from(move |e: MouseEvent| on_caret.emit(e.into()))
        };
        html! {
            <>
                <h2 id="h-inf"><label for="inf-editor">{ "Request file (INF)" }</label></h2>
                <p class="hint" id="inf-hint">
                    { "Type or paste a certreq INF, open one, or drop it on the page. Problems \
                       and the preview update as you type." }
                </p>
                <p class="open-file">
                    <label for="open-inf">{ "Open an .inf file: " }</label>
                    <input type="file" id="open-inf" data-testid="open-inf"
                        accept=".inf,.txt,text/plain" onchange={file_pick(ctx, FileTarget::Editor)} />
                </p>
                if state.source.is_some() || state.previous.is_some() {
                    <p class="editor-status" data-testid="editor-status" role="status">
                        if let Some(source) = &state.source { { format!("Editor text: {source}. ") } }
                        if state.previous.is_some() {
                            <button type="button" data-testid="restore-text"
                                onclick={ctx.link().callback(|_| Msg::RestorePrevious)}>
                                { "Restore previous text" }
                            </button>
                        }
                    </p>
                }
                <div class="editor" style={size}>
                    <div class="gutter" aria-hidden="true" ref={self.gutter.clone()}>{ for gutter }</div>
                    <div class="code">
                        <pre class="overlay" aria-hidden="true">{ for overlay }</pre>
                        <textarea
                            id="inf-editor"
                            data-testid="inf-editor"
                            ref={self.editor.clone()}
                            aria-describedby="inf-hint"
                            spellcheck="false"
                            autocomplete="off"
                            autocapitalize="off"
                            wrap="off"
                            value={state.text.clone()}
                            {oninput}
                            onkeyup={on_key}
                            onclick={on_click}
                        />
                    </div>
                </div>
            </>
        }
    }

    fn view_diagnostics(&self, ctx: &Context<Self>) -> Html {
        let state = &self.state;
        let (errors, warnings, notes) = state.counts();
        let summary = if errors + warnings + notes == 0 {
            "no problems found".to_owned()
        } else {
            let mut parts = Vec::new();
            for (n, word) in [(errors, "error"), (warnings, "warning"), (notes, "note")] {
                if n > 0 {
                    parts.push(format!("{n} {word}{}", if n == 1 { "" } else { "s" }));
                }
            }
            parts.join(", ")
        };
        let items = state.compiled.diagnostics.iter().enumerate().map(|(i, d)| {
            let (line, col) = state.position(d);
            let severity = d.severity.as_str();
            let onclick = ctx.link().callback(move |_| Msg::JumpTo(i));
            html! {
                <li class={classes!("diag", format!("sev-{severity}"))}
                    data-line={line.to_string()} data-col={col.to_string()}
                    data-severity={severity} data-code={d.code}>
                    <button type="button" class="diag-jump" {onclick}
                        title="Move the cursor to this place in the INF">
                        <span class="diag-where">{ format!("{line}:{col}") }</span>
                        <span class="diag-sev">{ severity }</span>
                        <span class="diag-msg">{ &d.message }</span>
                    </button>
                    if let Some(help) = &d.help {
                        <p class="diag-help">{ format!("help: {help}") }</p>
                    }
                </li>
            }
        });
        html! {
            <section class="diagnostics-box" aria-labelledby="h-diag">
                <h2 id="h-diag">{ "Problems" }<span class="count">{ format!(" — {summary}") }</span></h2>
                <ul class="diagnostics" data-testid="diagnostics">{ for items }</ul>
            </section>
        }
    }

    fn view_key_doc(&self) -> Html {
        let body = match &self.state.doc {
            None => html! {
                <p class="hint">{ "Put the cursor on a key or a [section] to read what it does." }</p>
            },
            Some(DocPanel { query, page }) => {
                let title = match &query.key {
                    Some(key) => format!("[{}] {key}", query.section),
                    None => format!("[{}]", query.section),
                };
                match page {
                    Some(Ok(Some(page))) => view_doc_page(page),
                    other => {
                        let hint = match other {
                            None => "Looking it up in the reference…".to_owned(),
                            Some(Err(why)) => format!("The reference could not be loaded: {why}"),
                            Some(_) if query.key.is_some() => {
                                "certreq does not know this key here.".to_owned()
                            }
                            Some(_) => "certreq does not know this section.".to_owned(),
                        };
                        html! {
                            <>
                                <h3>{ title }</h3>
                                <p class="hint">{ hint }</p>
                            </>
                        }
                    }
                }
            }
        };
        let busy = matches!(&self.state.doc, Some(DocPanel { page: None, .. }));
        html! {
            <aside class="keydoc" data-testid="key-doc" aria-live="polite"
                aria-busy={busy.to_string()}>{ body }</aside>
        }
    }

    fn view_request(&self, ctx: &Context<Self>) -> Html {
        let state = &self.state;
        let preview_html = match &state.compiled.request {
            Some(request) => view_preview(&preview(request)),
            None => html! {
                <p class="hint" data-testid="preview">
                    { "Fix the errors on the left to see the request." }
                </p>
            },
        };
        let generate = ctx.link().callback(|_| Msg::Generate);
        let busy = state.busy.is_some();
        html! {
            <>
                <h2 id="h-request">{ "The request" }</h2>
                { preview_html }
                <div class="actions">
                    <button type="button" class="primary" data-testid="generate"
                        disabled={!state.can_generate()} aria-busy={busy.to_string()}
                        onclick={generate}>
                        { match (busy, state.makes_certificate()) {
                            (true, _) => "Generating…",
                            (false, true) => "Generate key and self-signed certificate",
                            (false, false) => "Generate key and request",
                        } }
                    </button>
                </div>
                if let Some(what) = &state.busy {
                    <p class="progress" data-testid="progress" role="status">
                        <progress aria-label="key generation"></progress>{ " " }{ what }
                    </p>
                }
                if let Some(notice) = &state.notice {
                    <p class={classes!("notice", notice.error.then_some("error"))}
                        data-testid="notice" role={if notice.error { "alert" } else { "status" }}>
                        { &notice.text }
                    </p>
                }
                if let Some(result) = &state.result {
                    { view_result(ctx, result) }
                }
                { self.view_enroll(ctx) }
            </>
        }
    }

    fn view_enroll(&self, ctx: &Context<Self>) -> Html {
        use state::EndpointKind;
        let state = &self.state;
        let e = &state.enrollment;
        let link = ctx.link();
        let kind = link.batch_callback(|ev: Event| {
            dom::select_value(&ev).map(|v| {
                Msg::EndpointKind(if v == "est" {
                    EndpointKind::Est
                } else {
                    EndpointKind::AdCs
                })
            })
        });
        let url = link.batch_callback(|ev: InputEvent| dom::input_value(&ev).map(Msg::EndpointUrl));
        let template =
            link.batch_callback(|ev: InputEvent| dom::input_value(&ev).map(Msg::Template));
        let attributes = link
            .batch_callback(|ev: InputEvent| dom::textarea_value(&ev).map(Msg::ExtraAttributes));
        let number =
            link.batch_callback(|ev: InputEvent| dom::input_value(&ev).map(Msg::RetrieveNumber));
        let submit = link.callback(|_| Msg::Submit);
        let retrieve = link.callback(|_| Msg::RetrieveNumbered);
        let busy = state.busy.is_some();
        let disposition = state.disposition.as_ref().map(|d| {
            html! {
                <div class={classes!("disposition", d.status.as_str())} data-testid="disposition"
                    data-status={d.status.as_str()} data-answer={state.answers.to_string()}
                    role={if matches!(d.status, state::Status::Error | state::Status::Denied) { "alert" } else { "status" }}>
                    <strong>{ d.status.as_str() }</strong>{ ": " }
                    <span data-testid="disposition-message">{ &d.message }</span>
                    if let Some(n) = d.request_id {
                        <p>{ "Request id: " }<span data-testid="request-id">{ n }</span></p>
                    }
                    if d.certificate.is_some() {
                        <p><button type="button" data-testid="disposition-download"
                            onclick={link.callback(|_| Msg::DownloadIssued)}>
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
                        value={e.url.clone()} oninput={url} spellcheck="false" />
                    if e.kind == EndpointKind::AdCs {
                        <label for="template">{ "Template" }</label>
                        <input type="text" id="template" data-testid="template" placeholder="WebServer"
                            value={e.template.clone()} oninput={template} spellcheck="false" />
                        <label for="extra-attributes">{ "Attributes" }</label>
                        <textarea id="extra-attributes" data-testid="extra-attributes" rows="2"
                            placeholder="SAN:dns=www.example.com" value={e.attributes.clone()}
                            oninput={attributes} spellcheck="false" />
                    }
                </div>
                <div class="submit-file">
                    <label for="submit-file">{ "Or submit a request file (.req; PEM or DER): " }</label>
                    <input type="file" id="submit-file" data-testid="submit-file"
                        accept=".req,.csr,.pem,.der,.p10,.txt" onchange={submit_pick(ctx)} />
                </div>
                { view_submit_which(state) }
                <div class="actions">
                    <button type="button" class="primary" data-testid="submit"
                        disabled={!state.can_submit()} onclick={submit}>
                        { "Submit the request" }
                    </button>
                    if e.kind == EndpointKind::AdCs {
                        <label for="retrieve-number">{ "Retrieve request " }</label>
                        <input type="text" id="retrieve-number" data-testid="retrieve-number" size="8"
                            inputmode="numeric" value={state.retrieve_number.clone()} oninput={number} />
                        <button type="button" data-testid="retrieve-number-go" disabled={busy}
                            onclick={retrieve}>{ "Retrieve" }</button>
                    }
                </div>
                { for disposition }
            </section>
        }
    }

    fn view_store(&self, ctx: &Context<Self>) -> Html {
        let state = &self.state;
        let persistence = match state.persistent {
            Some(true) => {
                "Storage is persistent: the browser keeps these keys until you delete them."
            }
            Some(false) => {
                "The browser may clear these keys when space runs low; \
                 install the page or bookmark it to make storage persistent."
            }
            None => {
                "This browser cannot say whether storage is persistent; keys are kept in its \
                 IndexedDB for this page's origin."
            }
        };
        let items = state.store.iter().rev().map(|entry| {
            let id = entry.id.clone();
            let download = ctx.link().callback(move |_| Msg::DownloadEntry(id.clone()));
            let id = entry.id.clone();
            let delete = ctx.link().callback(move |_| Msg::Delete(id.clone()));
            html! {
                <li class="store-item" data-testid="store-item"
                    data-state={entry.state.as_str()} data-id={entry.id.clone()}>
                    <div class="store-main">
                        <span class="store-name">{ &entry.friendly_name }</span>
                        <span class={classes!("badge", entry.state.as_str())}>{ entry.state.as_str() }</span>
                    </div>
                    <div class="store-meta">
                        { format_utc(entry.created_ms) }
                        if let Some(container) = &entry.container {
                            { format!(" · container {container}") }
                        }
                    </div>
                    { view_entry_details(entry) }
                    <div class="actions small">
                        if entry.has_request {
                            <button type="button" onclick={download}
                                aria-label={format!("Download the request for {}", entry.friendly_name)}>
                                { "Download .req" }
                            </button>
                        }
                        if entry.certificate.is_some() {
                            { view_exports(ctx, entry) }
                        } else {
                            if entry.request_id.is_none() && entry.state == state::EntryState::Pending {
                                <button type="button" data-testid="entry-submit"
                                    disabled={state.busy.is_some()}
                                    onclick={{
                                        let id = entry.id.clone();
                                        ctx.link().callback(move |_| Msg::SubmitEntry(id.clone()))
                                    }}
                                    aria-label={format!("Send the request of {} to the CA", entry.friendly_name)}>
                                    { "Submit" }
                                </button>
                            }
                            <button type="button" data-testid="retrieve"
                                disabled={state.busy.is_some()}
                                onclick={{
                                    let id = entry.id.clone();
                                    ctx.link().callback(move |_| Msg::Retrieve(id.clone()))
                                }}
                                aria-label={format!("Ask the CA for the certificate of {}", entry.friendly_name)}>
                                { "Retrieve" }
                            </button>
                        }
                        <button type="button" class="danger" onclick={delete}
                            aria-label={format!("Delete {} and its key", entry.friendly_name)}>
                            { "Delete" }
                        </button>
                    </div>
                </li>
            }
        });
        html! {
            <>
                <h2 id="h-store">{ "Keys kept in this browser" }</h2>
                <p class="persistence" data-testid="persistence" role="status"
                    data-persistent={state.persistent.map_or("unknown", |p| if p { "yes" } else { "no" })}>
                    { persistence }
                </p>
                if state.store.is_empty() {
                    <p class="hint">{ "None yet: generated requests appear here with their keys." }</p>
                }
                <div class="accept-box" ondragover={Callback::from(|e: DragEvent| dom::allow_drop(&e))}
                    ondrop={accept_drop(ctx)}>
                    <label for="accept-file">
                        { "Accept a certificate (.cer, .crt, .p7b; PEM or DER) for a key kept here: " }
                    </label>
                    <input type="file" id="accept-file" data-testid="accept-file"
                        accept=".cer,.crt,.pem,.der,.p7b,.p7c,.p7s,.rsp"
                        onchange={accept_pick(ctx)} />
                    <p class="hint">{ "Or drop the file on this box. The certificate is matched to its key by the public key." }</p>
                </div>
                if let Some(dialog) = &state.pfx {
                    { view_pfx_dialog(ctx, dialog) }
                }
                <ul class="store-list" data-testid="store-list">{ for items }</ul>
            </>
        }
    }
}

impl App {
    fn view_decoder(&self, ctx: &Context<Self>) -> Html {
        let state = &self.state;
        let oninput = ctx
            .link()
            .batch_callback(|e: InputEvent| dom::textarea_value(&e).map(Msg::DecodeInput));
        let ondragover = Callback::from(|e: DragEvent| dom::allow_drop(&e));
        let output = match &state.decoded {
            None if state.decoding() => html! {
                <p class="hint" data-testid="decode-output" aria-busy="true">{ "Decoding…" }</p>
            },
            None => html! {
                <p class="hint" data-testid="decode-output">{ "Nothing to decode yet." }</p>
            },
            Some(Err(why)) => html! {
                <p class="notice error" data-testid="decode-output" role="alert">
                    { format!("cannot decode this: {why}") }
                </p>
            },
            Some(Ok(dump)) => html! {
                <div class="dump" data-testid="decode-output" data-kind={dump.kind.clone()}>
                    <h3 class="dump-title">{ &dump.title }</h3>
                    <ul class="dump-tree">{ for dump.nodes.iter().map(view_node) }</ul>
                </div>
            },
        };
        html! {
            <>
                <h2 id="h-decode">{ "Decode a certificate, request or response" }</h2>
                <p class="hint" id="decode-hint">
                    { "Paste PEM (any label) or base64, open a file, or drop one on the box: \
                       certificates, requests, PKCS #7 and CMC responses, CRLs, keys. DER files \
                       show as base64." }
                </p>
                <label for="decode-input">{ "Encoded data" }</label>
                <textarea id="decode-input" data-testid="decode-input" class="decode-input"
                    aria-describedby="decode-hint" spellcheck="false" autocomplete="off"
                    value={state.decode_input.clone()} {oninput} {ondragover}
                    ondrop={file_drop(ctx, FileTarget::Decoder)} />
                <p class="open-file">
                    <label for="decode-file">{ "Or open a file: " }</label>
                    <input type="file" id="decode-file" data-testid="decode-file"
                        onchange={file_pick(ctx, FileTarget::Decoder)} />
                </p>
                if let Some(source) = &state.decode_source {
                    <p class="hint" role="status">{ format!("Decoded from {source}.") }</p>
                }
                { output }
            </>
        }
    }
}

/// One line of a decoded tree: a leaf, or an open `<details>` with its children.
fn view_node(node: &certreq_wire::Node) -> Html {
    let line = html! {
        <>
            <span class="dump-label">{ &node.label }</span>
            if !node.value.is_empty() {
                { ": " }<span class="dump-value">{ &node.value }</span>
            }
        </>
    };
    if node.children.is_empty() {
        html! { <li>{ line }</li> }
    } else {
        html! {
            <li>
                <details open=true>
                    <summary>{ line }</summary>
                    <ul>{ for node.children.iter().map(view_node) }</ul>
                </details>
            </li>
        }
    }
}

/// Subject, issuer, validity, thumbprint and key of an entry (the certificate's, once issued).
fn view_entry_details(entry: &state::EntryMeta) -> Html {
    let key = entry.key_algorithm.clone();
    let exportable = match entry.exportable {
        Some(true) => "exportable",
        Some(false) => "not exportable",
        None => "no key kept",
    };
    let key_line = match key {
        Some(k) => format!("{k}, {exportable}"),
        None => exportable.to_owned(),
    };
    let Some(d) = &entry.details else {
        return html! {
            <dl class="entry-details" data-testid="entry-details">
                <dt>{ "Key" }</dt><dd data-testid="entry-key">{ key_line }</dd>
                if let Some(n) = entry.request_id {
                    <dt>{ "CA request id" }</dt><dd data-testid="request-id">{ n }</dd>
                }
            </dl>
        };
    };
    let reminder = state::expiry_reminder(d.not_after, store::now_ms());
    html! {
        <>
            <dl class="entry-details" data-testid="entry-details">
                <dt>{ "Subject" }</dt><dd data-testid="entry-subject">{ &d.subject }</dd>
                <dt>{ "Issuer" }</dt><dd data-testid="entry-issuer">{ &d.issuer }</dd>
                <dt>{ "Valid" }</dt>
                <dd data-testid="entry-validity">
                    { format!("{} to {}", format_utc(d.not_before as f64 * 1000.0),
                        format_utc(d.not_after as f64 * 1000.0)) }
                </dd>
                <dt>{ "SHA-1 thumbprint" }</dt>
                <dd data-testid="entry-thumbprint"><code>{ &d.thumbprint_sha1 }</code></dd>
                <dt>{ "Serial" }</dt><dd><code>{ &d.serial }</code></dd>
                <dt>{ "Key" }</dt><dd data-testid="entry-key">{ key_line }</dd>
                if !entry.chain.is_empty() {
                    <dt>{ "Chain" }</dt>
                    <dd>{ format!("{} issuing certificate{}", entry.chain.len(),
                        if entry.chain.len() == 1 { "" } else { "s" }) }</dd>
                }
            </dl>
            if let Some(text) = reminder {
                <p class="notice error" data-testid="expiry-reminder" role="alert">{ text }</p>
            }
        </>
    }
}

/// The export buttons of an issued entry.
fn view_exports(ctx: &Context<App>, entry: &state::EntryMeta) -> Html {
    let export = |format: ExportFormat| {
        let id = entry.id.clone();
        ctx.link().callback(move |_| Msg::Export {
            id: id.clone(),
            format,
        })
    };
    let id = entry.id.clone();
    let pfx = ctx.link().callback(move |_| Msg::PfxOpen(id.clone()));
    html! {
        <>
            <button type="button" data-testid="export-cer-pem" onclick={export(ExportFormat::CerPem)}>
                { ".cer (PEM)" }
            </button>
            <button type="button" data-testid="export-cer-der" onclick={export(ExportFormat::CerDer)}>
                { ".cer (DER)" }
            </button>
            <button type="button" data-testid="export-p7b" onclick={export(ExportFormat::P7b)}>
                { ".p7b with chain" }
            </button>
            if entry.exportable == Some(true) {
                <button type="button" data-testid="export-pfx" onclick={pfx}>{ ".pfx with key" }</button>
            }
        </>
    }
}

/// The PFX dialog: password twice and the protection profile.
fn view_pfx_dialog(ctx: &Context<App>, dialog: &PfxDialog) -> Html {
    let link = ctx.link();
    let password = link.batch_callback(|e: InputEvent| dom::input_value(&e).map(Msg::PfxPassword));
    let confirm = link.batch_callback(|e: InputEvent| dom::input_value(&e).map(Msg::PfxConfirm));
    let modern = link.callback(|_| Msg::PfxProfile(Profile::Modern));
    let legacy = link.callback(|_| Msg::PfxProfile(Profile::Legacy));
    let submit = link.callback(|e: SubmitEvent| {
        e.prevent_default();
        Msg::PfxSubmit
    });
    let cancel = link.callback(|_| Msg::PfxCancel);
    html! {
        <form class="pfx-dialog" data-testid="pfx-dialog" role="dialog" aria-labelledby="h-pfx"
            onsubmit={submit}>
            <h3 id="h-pfx">{ "Export the key and certificate (.pfx)" }</h3>
            <p class="hint">{ "The password protects the private key in the file; you need it to import the file." }</p>
            <label for="pfx-password">{ "Password" }</label>
            <input type="password" id="pfx-password" data-testid="pfx-password" autocomplete="new-password"
                value={dialog.password.clone()} oninput={password} />
            <label for="pfx-confirm">{ "Password again" }</label>
            <input type="password" id="pfx-confirm" data-testid="pfx-confirm" autocomplete="new-password"
                value={dialog.confirm.clone()} oninput={confirm} />
            <fieldset>
                <legend>{ "Protection" }</legend>
                <label>
                    <input type="radio" name="pfx-profile" data-testid="pfx-modern"
                        checked={dialog.profile == Profile::Modern} onchange={modern} />
                    { " AES-256 (Windows 10 1709 and later, OpenSSL 3)" }
                </label>
                <label>
                    <input type="radio" name="pfx-profile" data-testid="pfx-legacy"
                        checked={dialog.profile == Profile::Legacy} onchange={legacy} />
                    { " Triple DES (older Windows, OpenSSL 1.x, Java 8)" }
                </label>
            </fieldset>
            if let Some(problem) = &dialog.problem {
                <p class="notice error" data-testid="pfx-problem" role="alert">{ problem }</p>
            }
            <div class="actions">
                <button type="submit" class="primary" data-testid="pfx-save">{ "Export .pfx" }</button>
                <button type="button" data-testid="pfx-cancel" onclick={cancel}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

/// Which request Submit sends, or why a loaded file was not taken.
fn view_submit_which(state: &state::State) -> Html {
    let text = match (&state.loaded, &state.result) {
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
        (_, Some(r)) if !r.is_certificate() => format!(
            "Submit sends the request just made (“{}”)",
            r.meta.friendly_name
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

/// Reads a picked `.req` file to submit.
fn submit_pick(ctx: &Context<App>) -> Callback<Event> {
    let link = ctx.link().clone();
    Callback::from(move |e: Event| {
        if let Some(file) = dom::picked_file(&e) {
            link.send_future(async move {
                match files::read_file(&file).await {
                    Ok((name, bytes)) => Msg::SubmitFile { name, bytes },
                    Err(e) => Msg::Notify(Notice::error(e.to_string())),
                }
            });
        }
    })
}

/// Reads a picked certificate file and accepts it.
fn accept_pick(ctx: &Context<App>) -> Callback<Event> {
    let link = ctx.link().clone();
    Callback::from(move |e: Event| {
        if let Some(file) = dom::picked_file(&e) {
            read_accept(&link, file);
        }
    })
}

/// Reads a certificate file dropped on the accept box and accepts it.
fn accept_drop(ctx: &Context<App>) -> Callback<DragEvent> {
    let link = ctx.link().clone();
    Callback::from(move |e: DragEvent| {
        if let Some(file) = dom::dropped_file(&e) {
            read_accept(&link, file);
        }
    })
}

fn read_accept(link: &yew::html::Scope<App>, file: web_sys::File) {
    link.send_future(async move {
        match files::read_file(&file).await {
            Ok((name, bytes)) => Msg::AcceptFile { name, bytes },
            Err(e) => Msg::Notify(Notice::error(e.to_string())),
        }
    });
}

/// The template gallery: one button per template.
fn view_gallery(ctx: &Context<App>) -> Html {
    let buttons = templates::TEMPLATES.iter().map(|t| {
        let onclick = ctx
            .link()
            .callback(move |_| Msg::UseTemplate(t.id.to_owned()));
        html! {
            <li>
                <button type="button" class="template" data-template={t.id} {onclick}>
                    <span class="template-title">{ t.title }</span>
                    <span class="template-summary">{ t.summary }</span>
                </button>
            </li>
        }
    });
    html! {
        <nav class="gallery" aria-labelledby="h-templates" data-testid="template-gallery">
            <h2 id="h-templates">{ "Start from a template" }</h2>
            <p class="hint">{ "Choosing one replaces the editor text; the text it replaces can be restored." }</p>
            <ul class="templates">{ for buttons }</ul>
        </nav>
    }
}

/// Reads a picked file and sends it to `target`.
fn file_pick(ctx: &Context<App>, target: FileTarget) -> Callback<Event> {
    let link = ctx.link().clone();
    Callback::from(move |e: Event| {
        if let Some(file) = dom::picked_file(&e) {
            read_into(&link, target, file);
        }
    })
}

/// Reads a dropped file and sends it to `target`.
fn file_drop(ctx: &Context<App>, target: FileTarget) -> Callback<DragEvent> {
    let link = ctx.link().clone();
    Callback::from(move |e: DragEvent| {
        if let Some(file) = dom::dropped_file(&e) {
            read_into(&link, target, file);
        }
    })
}

fn read_into(link: &yew::html::Scope<App>, target: FileTarget, file: web_sys::File) {
    link.send_future(async move {
        match files::read_file(&file).await {
            Ok((name, bytes)) => Msg::FileOpened {
                target,
                name,
                bytes,
            },
            Err(e) => Msg::Notify(Notice::error(e.to_string())),
        }
    });
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

fn view_result(ctx: &Context<App>, result: &state::Generated) -> Html {
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
    let copy = ctx.link().callback(|_| Msg::Copy);
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
                <button type="button" data-testid="copy-request" onclick={copy}>
                    { "Copy to clipboard" }
                </button>
            </div>
        </section>
    }
}

/// Starts the app in the page's `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}

/// One page of the INF reference.
fn view_doc_page(page: &DocPage) -> Html {
    match page {
        DocPage::Key {
            section,
            key,
            values,
            default,
            acts_on,
            summary,
            here,
            example,
        } => html! {
            <>
                <h3>{ format!("[{section}] {key}") }</h3>
                <p>{ summary }</p>
                <dl>
                    if !values.is_empty() { <dt>{ "Values" }</dt><dd><code>{ values }</code></dd> }
                    if !default.is_empty() { <dt>{ "Default" }</dt><dd>{ default }</dd> }
                    <dt>{ "Acts on" }</dt><dd>{ acts_on }</dd>
                    if !here.is_empty() { <dt>{ "Here" }</dt><dd>{ here }</dd> }
                    if !example.is_empty() { <dt>{ "Example" }</dt><dd><code>{ example }</code></dd> }
                </dl>
            </>
        },
        DocPage::Section {
            name,
            summary,
            here,
            example,
        } => html! {
            <>
                <h3>{ format!("[{name}]") }</h3>
                <p>{ summary }</p>
                if !here.is_empty() { <p>{ here }</p> }
                if !example.is_empty() { <pre class="example">{ example }</pre> }
            </>
        },
    }
}
