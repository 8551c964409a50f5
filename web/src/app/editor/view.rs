//! The editor's view: the template gallery, the INF editor (gutter, colouring overlay,
//! textarea), the diagnostics list and the reference panel.

use certreq_inf::diag::Severity;
use certreq_wire::DocPage;
use certreq_wire::ca::TemplateOffer;
use yew::prelude::*;

use super::{DocPanel, LISTED, Msg, State, WINDOW_ABOVE};
use crate::app::status::Notice;
use crate::app::templates;
use crate::app::text::{Kind, mark_line};
use crate::app::ui;
use crate::services::dom;

/// A paste longer than this (bytes) into a text that is or becomes windowed is put in by the
/// reducer, not by the textarea (which would lay it all out first).
const PASTE_ABOVE: usize = 16 * 1024;

pub struct EditorProps<'a> {
    pub state: &'a State,
    pub on: Callback<Msg>,
    pub notify: Callback<Notice>,
    /// The textarea (the shell selects in it) and the gutter (the shell scrolls it).
    pub textarea: NodeRef,
    pub gutter: NodeRef,
    /// The CA's templates, when its list was loaded (the gallery says which it offers).
    pub offered: Option<&'a [TemplateOffer]>,
}

/// The editor panel's content.
pub fn panel(props: &EditorProps<'_>) -> Html {
    let state = props.state;
    html! {
        <>
            { gallery(&props.on, props.offered) }
            { editor(state, props) }
            { diagnostics(state, &props.on) }
            { key_doc(state) }
        </>
    }
}

/// The template gallery: one button per template, with the CA template it fits.
fn gallery(on: &Callback<Msg>, offered: Option<&[TemplateOffer]>) -> Html {
    let buttons = templates::TEMPLATES.iter().map(|t| {
        let onclick = on.reform(move |_| Msg::UseTemplate(t.id.to_owned()));
        let fit = templates::fit(t, offered).map(|(text, state)| {
            html! {
                <span class="template-fit" data-testid="template-fit" data-fits={t.fits}
                    data-offered={state}>{ text }</span>
            }
        });
        html! {
            <li>
                <button type="button" class="template" data-template={t.id} {onclick}>
                    <span class="template-title">{ t.title }</span>
                    <span class="template-summary">{ t.summary }</span>
                    { for fit }
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

/// The INF editor: a textarea over a coloured copy of its text, with a gutter of line numbers
/// marked by the worst diagnostic on each line. Only the lines around the visible ones are
/// coloured and numbered (the rest are blank lines of the same height, so any length of text
/// draws as fast as a screenful); a hidden copy of the longest line keeps the width.
fn editor(state: &State, props: &EditorProps<'_>) -> Html {
    let line_count = state.lines.line_count();
    let drawn = state.drawn();
    let gutter = drawn.clone().map(|l| {
        let class = match state.line_severity(l) {
            Some(Severity::Error) => "ln sev-error",
            Some(Severity::Warning) => "ln sev-warning",
            Some(Severity::Note) => "ln sev-note",
            None => "ln",
        };
        html! { <span class={class} data-gutter-line={(l + 1).to_string()}>{ l + 1 }</span> }
    });
    let overlay = drawn.clone().map(|l| {
        let range = state.lines.line_range(&state.text, l);
        let line = state.text.get(range.clone()).unwrap_or("");
        // underline each diagnostic on the line it starts on (an empty span: one character)
        let marks: Vec<(core::ops::Range<usize>, Severity)> = state
            .diagnostics_on(l..l + 1)
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
    // the lines not drawn, as blocks of blank lines (so an edit lays out only the drawn ones)
    let above = gap(drawn.start, String::new());
    let below = gap(line_count - drawn.end, String::new());
    // the textarea holds the window's lines, between blank lines standing for the rest
    let (first, end) = state.window_lines();
    let widest = state
        .text
        .get(state.lines.line_range(&state.text, state.widest))
        .unwrap_or("");
    let detached = state.detached();
    let onscroll = {
        let on = props.on.clone();
        let gutter = props.gutter.clone();
        let textarea = props.textarea.clone();
        let first = drawn.start;
        let drawn = drawn.clone();
        Callback::from(move |e: Event| {
            let Some(view) = e.target_dyn_into::<web_sys::Element>() else {
                return;
            };
            if let Some((top, rows)) = gutter
                .cast::<web_sys::Element>()
                .and_then(|g| dom::lines_in_view(&view, &g, first))
                // redraw only when other lines are to be drawn
                .filter(|&(top, rows)| super::drawn(top, rows, line_count) != drawn)
            {
                // the selection as it is now (a held key moves it with no event until it is
                // up), when the textarea holds it
                let selection = textarea
                    .cast::<web_sys::HtmlTextAreaElement>()
                    .filter(|_| !detached)
                    .map(|t| dom::selection(&t));
                on.emit(Msg::View {
                    top,
                    rows,
                    selection,
                });
            }
        })
    };
    let on = &props.on;
    let oninput = ui::filter(on, |e: InputEvent| {
        dom::editor_of(&e).map(|t| {
            let (start, end) = dom::selection(&t);
            Msg::Input {
                text: t.value(),
                start,
                end,
                shown: dom::shown(&t),
            }
        })
    });
    let on_caret = ui::filter(on, |e: Event| {
        dom::editor_of(&e).map(|t| {
            let (start, end) = dom::selection(&t);
            Msg::Selected { start, end }
        })
    });
    let on_key = {
        let on_caret = on_caret.clone();
        Callback::from(move |e: KeyboardEvent| on_caret.emit(e.into()))
    };
    let on_click = Callback::from(move |e: MouseEvent| on_caret.emit(e.into()));
    // a key going down while the caret is on a line the textarea does not hold (or near its
    // window's edge): the textarea is given the caret's lines first (the app's update runs in
    // a microtask, before the key acts, and puts them in). With a long text wholly selected,
    // what replaces it is put in by the reducer.
    let whole = state.whole;
    let reattach = state.reattach();
    let windowed = state.windowed();
    let on_keydown = ui::filter(on, move |e: KeyboardEvent| {
        let (key, held, alt, shift) = dom::key(&e);
        if held && !alt && key.eq_ignore_ascii_case("a") {
            return Some(Msg::SelectAll);
        }
        // Ctrl+Home and Ctrl+End go to the text's ends, not the window's
        if windowed && held && !alt && !shift && matches!(key.as_str(), "Home" | "End") {
            e.prevent_default();
            return Some(Msg::Home(key == "End"));
        }
        // keys that neither edit nor move the caret
        let function =
            key.len() > 1 && key.starts_with('F') && key[1..].bytes().all(|b| b.is_ascii_digit());
        if function
            || matches!(
                key.as_str(),
                "Shift" | "Control" | "Alt" | "Meta" | "AltGraph" | "CapsLock" | "Escape" | "Tab"
            )
        {
            return None;
        }
        if !whole {
            return reattach.then_some(Msg::Reattach);
        }
        // a composition (a dead key, an input method) starts in the emptied text; what else
        // a key puts in place of the whole text, its `beforeinput` says (the shell listens)
        matches!(key.as_str(), "Dead" | "Process" | "Unidentified")
            .then(|| Msg::Replace(String::new()))
    });
    // a copy or cut of the whole text when it is all selected (a cut then empties it)
    let all = state.whole.then(|| state.text.clone());
    let on_clip = ui::filter(on, move |e: Event| {
        let all = all.as_ref()?;
        dom::put_clipboard(&e, all);
        dom::is_cut(&e).then(|| Msg::Replace(String::new()))
    });
    // a paste the textarea would lay out whole, or one it cannot place
    let length = state.text.len();
    let on_paste = {
        let on = on.clone();
        Callback::from(move |e: Event| {
            let Some(text) = dom::pasted(&e) else {
                return;
            };
            if whole || text.len() > PASTE_ABOVE && length + text.len() > WINDOW_ABOVE {
                e.prevent_default();
                // at the textarea's selection as it is now (a drag that ended outside it told
                // nothing), unless a long text is wholly selected
                if let Some(t) = dom::editor_of(&e).filter(|_| !whole) {
                    let (start, end) = dom::selection(&t);
                    on.emit(Msg::Selected { start, end });
                }
                on.emit(Msg::Replace(text));
            }
        })
    };
    let open = ui::on_pick(ui::then(on, &props.notify, |name, bytes| Msg::Open {
        name,
        bytes,
    }));
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
                    accept=".inf,.txt,text/plain" onchange={open} />
            </p>
            if state.source.is_some() || state.previous.is_some() {
                <p class="editor-status" data-testid="editor-status" role="status">
                    if let Some(source) = &state.source { { format!("Editor text: {source}. ") } }
                    if state.previous.is_some() {
                        <button type="button" data-testid="restore-text"
                            onclick={on.reform(|_| Msg::RestorePrevious)}>
                            { "Restore previous text" }
                        </button>
                    }
                </p>
            }
            <div class="editor" {onscroll}>
                <div class="gutter" aria-hidden="true" ref={props.gutter.clone()}>
                    { gap(drawn.start, String::new()) }{ for gutter }
                    // the last gap ends with the widest number, hidden, which keeps the
                    // gutter's width wherever it scrolls
                    { gap(line_count - drawn.end, line_count.to_string()) }
                </div>
                <div class="code">
                    <pre class="overlay" aria-hidden="true">
                        { above }{ for overlay }{ below }
                        <span class="sizer">{ widest }{ " " }</span>
                    </pre>
                    <div class="window">
                        <div class="spacer" aria-hidden="true">{ gap(first, String::new()) }</div>
                        <textarea
                            id="inf-editor"
                            data-testid="inf-editor"
                            ref={props.textarea.clone()}
                            aria-describedby="inf-hint"
                            spellcheck="false"
                            autocomplete="off"
                            autocapitalize="off"
                            wrap="off"
                            value={state.window_text().to_owned()}
                            {oninput}
                            onkeyup={on_key}
                            onkeydown={on_keydown}
                            onclick={on_click}
                            oncopy={on_clip.clone()}
                            oncut={on_clip}
                            onpaste={on_paste}
                        />
                        // the lines below the window and the overlay's line for the widest
                        <div class="spacer" aria-hidden="true">
                            { gap(line_count - end + 1, String::new()) }
                        </div>
                    </div>
                </div>
            </div>
        </>
    }
}

/// `n` blank lines (of the gutter, the overlay or a spacer), the last holding `last` (none
/// when `n` is 0).
fn gap(n: usize, last: String) -> Html {
    if n == 0 {
        return html! {};
    }
    let mut blank = "\n".repeat(n - 1);
    blank.push(' ');
    blank.push_str(&last);
    html! { <span class="gap">{ blank }</span> }
}

/// The diagnostics: a summary, then each one at its place, a button that moves the caret
/// there.
fn diagnostics(state: &State, on: &Callback<Msg>) -> Html {
    let (errors, warnings, notes) = state.counts();
    let summary = if state.unread {
        // a long text just put in, not read yet: its problems are not known
        "reading the INF…".to_owned()
    } else if errors + warnings + notes == 0 {
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
    let total = state.compiled.diagnostics.len();
    let items = state
        .compiled
        .diagnostics
        .iter()
        .take(LISTED)
        .enumerate()
        .map(|(i, d)| {
            let (line, col) = state.position(d);
            let severity = d.severity.as_str();
            let onclick = on.reform(move |_| Msg::JumpTo(i));
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
        // busy while a long text waits to be read again after an edit
        <section class="diagnostics-box" aria-labelledby="h-diag"
            aria-busy={state.stale.to_string()} data-testid="diagnostics-box">
            <h2 id="h-diag">{ "Problems" }<span class="count">{ format!(" — {summary}") }</span></h2>
            <ul class="diagnostics" data-testid="diagnostics">{ for items }</ul>
            if total > LISTED {
                <p class="hint" data-testid="diagnostics-more">
                    { format!("{} more not listed here; the line numbers beside the text mark \
                               the lines they are on.", total - LISTED) }
                </p>
            }
        </section>
    }
}

/// The reference panel: the page for the key or section under the caret.
fn key_doc(state: &State) -> Html {
    let doc = &state.doc;
    let body = match doc {
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
    let busy = matches!(doc, Some(DocPanel { page: None, .. }));
    html! {
        <aside class="keydoc" data-testid="key-doc" aria-live="polite"
            aria-busy={busy.to_string()}>{ body }</aside>
    }
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
