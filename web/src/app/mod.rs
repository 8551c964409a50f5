//! The app: a thin shell (its one component) that composes the features' views, feeds their
//! messages to [`State::update`] and runs the [`Command`]s it returns through each feature's
//! jobs.
//!
//! Data flow: DOM event → a feature's `Msg` → [`State::update`] (pure; features hear of each
//! other only through it) → [`Command`]s → `services` (async) → another message.
//!
//! Features, each a folder with its state, messages and reducer (`mod.rs`, tested natively),
//! its view (`view.rs`: Props that borrow the state, and `panel`, a plain function; a component
//! type per feature cost the first download 7.4 KiB) and, where it does browser work of its
//! own, its jobs (`jobs.rs`):
//! [`editor`], [`preview`] (the request panel), [`decoder`], [`store`] and [`enrollment`].
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

pub mod decoder;
pub mod editor;
pub mod enrollment;
pub mod files;
pub mod preview;
pub mod state;
pub mod status;
pub mod store;
pub mod templates;
#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod testing;
pub mod text;
mod ui;

use std::future::Future;
use std::pin::Pin;

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::services::{dom, files as file_service, store as store_service, tools};
use state::{Command, FileTarget, Msg, State};
use status::Notice;

/// The root component.
pub struct App {
    /// The state; each feature's view reads its part while the shell renders.
    state: State,
    /// The editor's textarea and gutter, which [`editor::Command::Select`] acts on.
    textarea: NodeRef,
    gutter: NodeRef,
    /// The gutter line (1-based) to scroll into view once the next render has drawn it.
    reveal: std::cell::Cell<Option<usize>>,
    /// Whether a long INF is wholly selected (`editor::State::whole`), for the page's
    /// `beforeinput` listener (Yew has none for that event): with it, what a key or an input
    /// method would put in place of the textarea's lines replaces the whole INF instead.
    whole: std::rc::Rc<std::cell::Cell<bool>>,
    before_input: Option<wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>>,
    /// Each feature's way back in, made once.
    on: Handlers,
}

struct Handlers {
    editor: Callback<editor::Msg>,
    preview: Callback<preview::Msg>,
    decoder: Callback<decoder::Msg>,
    store: Callback<store::Msg>,
    enrollment: Callback<enrollment::Msg>,
    notify: Callback<Notice>,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let state = State {
            enrollment: enrollment::State::for_origin(&crate::services::enroll::page_origin()),
            ..State::default()
        };
        let link = ctx.link();
        let mut app = App {
            state,
            textarea: NodeRef::default(),
            gutter: NodeRef::default(),
            reveal: std::cell::Cell::new(None),
            whole: Default::default(),
            before_input: None,
            on: Handlers {
                editor: link.callback(Msg::Editor),
                preview: link.callback(Msg::Preview),
                decoder: link.callback(Msg::Decoder),
                store: link.callback(Msg::Store),
                enrollment: link.callback(Msg::Enrollment),
                notify: link.callback(Msg::Notify),
            },
        };
        for command in State::init() {
            app.run(ctx, command);
        }
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        let commands = self.state.update(msg);
        for command in commands {
            self.run(ctx, command);
        }
        self.show_window();
        self.whole.set(self.state.editor.whole);
        true
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first_render: bool) {
        if first_render {
            self.listen_before_input();
        }
        if let Some(line) = self.reveal.take()
            && let Some(gutter) = self.gutter.cast::<web_sys::Element>()
        {
            dom::reveal(&gutter, &format!("[data-gutter-line=\"{line}\"]"));
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let s = &self.state;
        let on = &self.on;
        let ondrop = ui::on_drop(ctx.link().callback(|read: ui::Read| match read {
            Ok((name, bytes)) => Msg::FileOpened {
                target: FileTarget::Page,
                name,
                bytes,
            },
            Err(notice) => Msg::Notify(notice),
        }));
        let busy = !s.status.idle();
        html! {
            <div class="app" ondragover={ui::allow_drop()} {ondrop}>
                <header class="top">
                    <h1>{ "certreq-web" }</h1>
                    <p class="tagline">
                        { "Certificate requests from certreq INF files, made in this browser. \
                           Keys never leave it." }
                    </p>
                </header>
                <main class="layout">
                    <section class="panel editor-panel" aria-labelledby="h-inf">
                        { editor::view::panel(&editor::view::EditorProps {
                            state: &s.editor,
                            on: on.editor.clone(),
                            notify: on.notify.clone(),
                            textarea: self.textarea.clone(),
                            gutter: self.gutter.clone(),
                            offered: match &s.enrollment.templates {
                                Some(Ok(f)) => f.offered.as_deref(),
                                _ => None,
                            },
                        }) }
                    </section>
                    <section class="panel request-panel" aria-labelledby="h-request">
                        { preview::view::panel(&preview::view::RequestProps {
                            state: &s.preview,
                            editor: &s.editor,
                            can_generate: s.can_generate(),
                            status: s.status.clone(),
                            on: on.preview.clone(),
                            store: &s.store,
                        }) }
                        { enrollment::view::panel(&enrollment::view::EnrollProps {
                            state: &s.enrollment,
                            preview: &s.preview,
                            busy,
                            can_submit: s.can_submit(),
                            on: on.enrollment.clone(),
                            notify: on.notify.clone(),
                        }) }
                    </section>
                    <section class="panel store-panel" aria-labelledby="h-store">
                        { store::view::panel(&store::view::StoreProps {
                            state: &s.store,
                            busy,
                            on: on.store.clone(),
                            enroll: on.enrollment.clone(),
                            notify: on.notify.clone(),
                            endpoint: &s.enrollment.settings,
                        }) }
                    </section>
                    <section class="panel decoder-panel" aria-labelledby="h-decode">
                        { decoder::view::panel(&decoder::view::DecoderProps {
                            state: &s.decoder,
                            on: on.decoder.clone(),
                            notify: on.notify.clone(),
                        }) }
                    </section>
                </main>
            </div>
        }
    }
}

impl App {
    /// Puts the lines the editor's window holds in its textarea now, when they are not there:
    /// after every update, not at the render, which Yew may put off past events the browser
    /// acts on meanwhile (its scheduler yields after 16 ms). An input event made in lines the
    /// textarea held before says so ([`editor::Msg::Input`]'s `shown`) and is dropped. Lines
    /// the textarea was last given or reported are not put back ([`editor::State::put_due`]).
    fn show_window(&mut self) {
        if let Some(textarea) = self.textarea.cast::<HtmlTextAreaElement>() {
            let editor = &mut self.state.editor;
            // a textarea not named with the editor's last lines is a new one: it is given them
            let other = dom::shown(&textarea) != editor.shown;
            if (editor.put_due() || other) && dom::show(&textarea, editor.window_text()) {
                dom::name_shown(&textarea, editor.showing());
            }
        }
    }

    /// Listens for the editor's `beforeinput` (on the document, for whichever textarea the
    /// editor's is): while a long INF is wholly selected, the textarea's own edit of its lines
    /// is cancelled and its text put in place of the whole INF.
    fn listen_before_input(&mut self) {
        let (whole, textarea, on) = (
            self.whole.clone(),
            self.textarea.clone(),
            self.on.editor.clone(),
        );
        self.before_input = dom::on_document("beforeinput", move |e| {
            let ours = e.target().map(wasm_bindgen::JsValue::from)
                == textarea.get().map(wasm_bindgen::JsValue::from);
            // a select-all the textarea no longer shows (an arrow key down, not yet up) is not
            // acted on: the input is the textarea's own
            let shown = textarea
                .cast::<HtmlTextAreaElement>()
                .is_some_and(|t| dom::selects_all(&t));
            if !whole.get() || !ours || !shown {
                return;
            }
            e.prevent_default();
            if let Some(text) = dom::input_text(&e) {
                on.emit(editor::Msg::Replace(text));
            }
        });
    }

    /// Runs one command through its feature's jobs; results come back as messages.
    fn run(&mut self, ctx: &Context<Self>, command: Command) {
        let link = ctx.link();
        match command {
            Command::Editor(editor::Command::Select { start, end, focus }) => {
                // now, in the lines the textarea is to hold (the render then finds them there
                // and leaves the selection alone), not in `rendered`: Yew lets the browser act
                // on events between a render and `rendered` (its scheduler yields after 16 ms),
                // and a key that moved the window back to the caret acts as soon as this
                // update's microtask ends
                self.show_window();
                if let Some(textarea) = self.textarea.cast::<HtmlTextAreaElement>() {
                    dom::select(&textarea, start, end, focus);
                }
                if !focus {
                    return;
                }
                let state = &self.state;
                let line = state.editor.lines.line_of(state.editor.caret);
                // the editor draws only the lines near the view: the line is there after the
                // render this update asks for
                self.reveal.set(Some(line + 1));
            }
            Command::Editor(editor::Command::Recompile {
                generation,
                after_ms,
            }) => spawn(link, async move {
                dom::sleep(after_ms).await;
                editor::Msg::Recompile(generation)
            }),
            Command::Editor(editor::Command::Read { generation, text }) => {
                spawn(link, async move {
                    // a question overtaken by a newer one is answered with an error: its
                    // edit's generation is past, so the editor drops it either way
                    let reading = match crate::services::reader::read(&text).await {
                        Ok(Some(reading)) => Ok(reading),
                        Ok(None) => Err("a newer text is being read".to_owned()),
                        Err(e) => Err(e.to_string()),
                    };
                    editor::Msg::Read {
                        generation,
                        reading,
                    }
                })
            }
            Command::Editor(editor::Command::Doc(query)) => spawn(link, async move {
                let page = tools::doc(&query).await.map_err(|e| e.to_string());
                editor::Msg::DocLooked { query, page }
            }),
            Command::Decoder(decoder::Command::Decode { seq, bytes }) => spawn(link, async move {
                let result = tools::dump(&bytes).await.map_err(|e| e.to_string());
                decoder::Msg::Decoded { seq, result }
            }),
            Command::Preview(command) => run_preview(link, command),
            Command::Store(command) => run_store(link, command),
            Command::Enrollment(command) => run_enrollment(link, command),
        }
    }
}

fn run_preview(link: &yew::html::Scope<App>, command: preview::Command) {
    use preview::{Command, Msg, jobs};
    match command {
        Command::Generate {
            request,
            inf,
            reuse,
            renews,
            signer,
        } => spawn(link, async move {
            Msg::Generated(
                jobs::generate(*request, inf, reuse, renews, signer)
                    .await
                    .map(Box::new),
            )
        }),
        Command::Copy(text) => spawn(link, async move {
            state::Msg::Notify(match file_service::copy_text(&text).await {
                Ok(()) => Notice::info("copied to the clipboard"),
                Err(e) => Notice::error(e.to_string()),
            })
        }),
    }
}

fn run_store(link: &yew::html::Scope<App>, command: store::Command) {
    use store::{Command, Msg, jobs};
    match command {
        Command::Load => spawn(link, async { Msg::Loaded(jobs::load_store().await) }),
        Command::RequestPersistence => spawn(link, async {
            Msg::Persistence(match store_service::request_persistence().await {
                store_service::Persistence::Granted => Some(true),
                store_service::Persistence::Denied => Some(false),
                store_service::Persistence::Unsupported => None,
            })
        }),
        Command::DownloadEntry(id) => spawn(link, async move {
            state::Msg::Notify(match jobs::download_entry(id).await {
                Ok(()) => Notice::info("request file offered for download"),
                Err(e) => Notice::error(e),
            })
        }),
        Command::Delete { id, question } => {
            if dom::confirm(&question) {
                spawn(link, async move { Msg::Deleted(jobs::delete(id).await) });
            }
        }
        Command::Accept(bytes) => spawn(
            link,
            async move { Msg::Accepted(jobs::accept(bytes).await) },
        ),
        Command::Export { id, format } => spawn(link, async move {
            Msg::Exported(jobs::export(id, format).await)
        }),
        Command::ExportPfx {
            id,
            password,
            profile,
        } => spawn(link, async move {
            Msg::Exported(jobs::export_pfx(id, password, profile).await)
        }),
        Command::ImportPfx {
            pfx,
            password,
            extractable,
        } => spawn(link, async move {
            Msg::Imported(jobs::import_pfx(pfx, password, extractable).await)
        }),
        Command::Backup { password } => {
            spawn(
                link,
                async move { Msg::BackedUp(jobs::backup(password).await) },
            )
        }
        Command::Restore { file, password } => spawn(link, async move {
            Msg::Restored(jobs::restore(file, password).await)
        }),
        Command::RenewalInf {
            id,
            certificate,
            same_key,
        } => spawn(link, async move {
            let (binding, exportable) = jobs::renewal_key(&id).await;
            let inf = tools::renewal_inf(&certreq_wire::RenewalInfQuery {
                certificate,
                same_key,
                binding,
                exportable,
            })
            .await
            .map_err(|e| e.to_string());
            Msg::RenewalInf { id, inf }
        }),
    }
}

fn run_enrollment(link: &yew::html::Scope<App>, command: enrollment::Command) {
    use enrollment::{Command, Msg, jobs};
    // the app's own policy would stop the browser before the request leaves: said as that,
    // not as a network, TLS or CORS failure
    let settings = match &command {
        Command::Submit { enrollment, .. }
        | Command::SubmitRequest { enrollment, .. }
        | Command::Retrieve { enrollment, .. } => Some(enrollment),
        _ => None,
    };
    if let Some(why) = settings.and_then(|e| e.app_policy_blocks()) {
        return link.send_message(state::Msg::from(Msg::Enrolled(Err(why))));
    }
    match command {
        Command::Submit { id, enrollment } => spawn(link, async move {
            Msg::Enrolled(jobs::submit(id, enrollment).await.map(Box::new))
        }),
        Command::SubmitRequest { der, enrollment } => spawn(link, async move {
            Msg::Enrolled(jobs::submit_request(der, enrollment).await.map(Box::new))
        }),
        Command::Retrieve {
            id,
            number,
            enrollment,
        } => spawn(link, async move {
            Msg::Enrolled(jobs::retrieve(id, number, enrollment).await.map(Box::new))
        }),
        Command::LoadTemplates(settings) => spawn(link, async move {
            Msg::TemplatesLoaded(jobs::templates(settings).await)
        }),
        Command::CheckTemplate {
            inf,
            template,
            facts,
        } => spawn(link, async move {
            let found = jobs::check(&inf, template, facts).await;
            Msg::TemplateChecked { inf, found }
        }),
        Command::ListCaFiles(url) => spawn(link, async move {
            Msg::CaFilesListed(jobs::ca_files(url).await)
        }),
        Command::FetchCaFile { url, name, open } => spawn(link, async move {
            match jobs::ca_file(url, &name, open).await {
                Ok(bytes) if open => decoder::Msg::Open { name, bytes }.into(),
                Ok(bytes) => state::Msg::Notify(
                    match file_service::download(&name, "application/octet-stream", &bytes) {
                        Ok(()) => Notice::info(format!("{name} offered for download")),
                        Err(e) => Notice::error(e.to_string()),
                    },
                ),
                Err(why) => Msg::CaFileRefused { name, why }.into(),
            }
        }),
        Command::MatchKey(spki) => spawn(link, async move {
            Msg::KeyMatched(store::jobs::match_key(spki).await)
        }),
        Command::DownloadCertificate { name, der } => link.send_message(state::Msg::Notify(
            match store::jobs::download_certificate(name, der) {
                Ok(what) => Notice::info(what),
                Err(why) => Notice::error(why),
            },
        )),
    }
}

/// Runs a job and sends its message. Boxed, so that yew's `send_future` and wasm-bindgen's
/// `spawn_local` are one copy for every job rather than one per job, each with its own
/// polling and drop code.
fn spawn<M: Into<state::Msg>>(
    link: &yew::html::Scope<App>,
    job: impl Future<Output = M> + 'static,
) {
    let job: Pin<Box<dyn Future<Output = state::Msg>>> = Box::pin(async move { job.await.into() });
    link.send_future(job);
}

/// Starts the app in the page's `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
