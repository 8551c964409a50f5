//! The decoder's view: the input box (paste, open or drop) and the decoded tree.

use yew::prelude::*;

use super::{Msg, State};
use crate::app::status::Notice;
use crate::app::ui;
use crate::services::dom;

pub struct DecoderProps<'a> {
    pub state: &'a State,
    pub on: Callback<Msg>,
    pub notify: Callback<Notice>,
}

/// The decoder panel.
pub fn panel(props: &DecoderProps<'_>) -> Html {
    let state = props.state;
    let oninput = ui::filter(&props.on, |e: InputEvent| {
        dom::textarea_value(&e).map(Msg::Input)
    });
    let then = ui::then(&props.on, &props.notify, |name, bytes| Msg::Open {
        name,
        bytes,
    });
    let output = match &state.output {
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
                if state.to_accept().is_some() {
                    <p class="decode-accept">
                        <button type="button" data-testid="decode-accept"
                            onclick={props.on.reform(|_| Msg::Accept)}>
                            { "Accept into the key store" }
                        </button>
                        { " for the key kept here that it was issued to" }
                    </p>
                }
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
                value={state.input.clone()} {oninput} ondragover={ui::allow_drop()}
                ondrop={ui::on_drop(then.clone())} />
            <p class="open-file">
                <label for="decode-file">{ "Or open a file: " }</label>
                <input type="file" id="decode-file" data-testid="decode-file"
                    onchange={ui::on_pick(then)} />
            </p>
            if let Some(source) = &state.source {
                <p class="hint" role="status">{ format!("Decoded from {source}.") }</p>
            }
            { output }
        </>
    }
}

/// The most children of one node the tree shows: a CA's CRL can list tens of thousands of
/// revoked certificates, and the page redraws the tree with every message (a keystroke in
/// the editor too).
const SHOWN: usize = 200;

/// One line of a decoded tree: a leaf, or an open `<details>` with its children (at most
/// [`SHOWN`], then a line saying how many more there are).
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
                    <ul>
                        { for node.children.iter().take(SHOWN).map(view_node) }
                        if let Some(more) = node.children.len().checked_sub(SHOWN).filter(|n| *n > 0) {
                            <li class="hint" data-testid="dump-more">
                                { format!("… and {more} more, not shown") }
                            </li>
                        }
                    </ul>
                </details>
            </li>
        }
    }
}
