//! The few direct DOM operations the editor needs.

use web_sys::HtmlTextAreaElement;

/// Selects `start..end` (UTF-16 offsets, as the DOM counts) in a textarea; with `focus`, focuses
/// it too, which also scrolls the selection into view.
pub fn select(textarea: &HtmlTextAreaElement, start: u32, end: u32, focus: bool) {
    if focus {
        let _ = textarea.focus();
    }
    let _ = textarea.set_selection_range(start, end);
}

/// Puts `text` in a textarea when it holds other text; whether it did.
pub fn show(textarea: &HtmlTextAreaElement, text: &str) -> bool {
    let other = textarea.value() != text;
    if other {
        textarea.set_value(text);
    }
    other
}

/// Whether all of a textarea's text is selected.
pub fn selects_all(textarea: &HtmlTextAreaElement) -> bool {
    let (start, end) = selection(textarea);
    start == 0 && end as usize == textarea.value().encode_utf16().count()
}

/// A listener for `event` on the document, calling `f`; it listens while the returned value is
/// kept.
pub fn on_document(
    event: &str,
    f: impl FnMut(web_sys::Event) + 'static,
) -> Option<wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>> {
    use wasm_bindgen::JsCast;
    let listener = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(f);
    let document = web_sys::window()?.document()?;
    document
        .add_event_listener_with_callback(event, listener.as_ref().unchecked_ref())
        .ok()?;
    Some(listener)
}

/// The attribute naming the lines a textarea holds (`editor::State::shown`).
const SHOWN: &str = "data-lines";

/// Names the lines a textarea now holds (see [`shown`]).
pub fn name_shown(textarea: &HtmlTextAreaElement, shown: u32) {
    let _ = textarea.set_attribute(SHOWN, &shown.to_string());
}

/// Which lines a textarea holds, as [`name_shown`] named them (0: those it was first drawn with).
pub fn shown(textarea: &HtmlTextAreaElement) -> u32 {
    textarea
        .get_attribute(SHOWN)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The selection (start, end) as UTF-16 offsets.
pub fn selection(textarea: &HtmlTextAreaElement) -> (u32, u32) {
    let start = textarea.selection_start().ok().flatten().unwrap_or(0);
    let end = textarea.selection_end().ok().flatten().unwrap_or(start);
    (start, end)
}

/// Puts `text` on the clipboard in place of what a copy or cut event would have put there.
pub fn put_clipboard(event: &web_sys::Event, text: &str) {
    if let Some(data) = clipboard(event)
        && data.set_data("text/plain", text).is_ok()
    {
        event.prevent_default();
    }
}

/// A clipboard event's data (read through the property: a `ClipboardEvent` binding costs
/// the first download more).
fn clipboard(event: &web_sys::Event) -> Option<web_sys::DataTransfer> {
    use wasm_bindgen::JsCast;
    let data = super::get(event, "clipboardData");
    data.is_object().then(|| data.unchecked_into())
}

/// A keyboard event's `key`, whether Ctrl or Meta was held with it, whether Alt was, and
/// whether Shift was.
pub fn key(event: &web_sys::Event) -> (String, bool, bool, bool) {
    let held = |k| super::get(event, k).as_bool() == Some(true);
    (
        super::get(event, "key").as_string().unwrap_or_default(),
        held("ctrlKey") || held("metaKey"),
        held("altKey"),
        held("shiftKey"),
    )
}

/// What a `beforeinput` event would put in place of the selection: its text, a line break, or
/// nothing for a deletion; `None` for what is not typing (undo, a drop, a drag's deletion).
pub fn input_text(event: &web_sys::Event) -> Option<String> {
    let kind = super::get(event, "inputType")
        .as_string()
        .unwrap_or_default();
    match kind.as_str() {
        "insertText" | "insertReplacementText" => super::get(event, "data").as_string(),
        "insertLineBreak" | "insertParagraph" => Some("\n".into()),
        "deleteByDrag" => None,
        k if k.starts_with("delete") => Some(String::new()),
        _ => None,
    }
}

/// Whether a clipboard event is a cut (read through the property, as [`clipboard`]).
pub fn is_cut(event: &web_sys::Event) -> bool {
    super::get(event, "type").as_string().as_deref() == Some("cut")
}

/// The text a paste event carries.
pub fn pasted(event: &web_sys::Event) -> Option<String> {
    clipboard(event)?.get_data("text/plain").ok()
}

/// Asks the user to confirm something that cannot be undone.
pub fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

/// The editor textarea an event came from, if it came from a textarea.
pub fn editor_of(event: &web_sys::Event) -> Option<HtmlTextAreaElement> {
    use wasm_bindgen::JsCast;
    event.target()?.dyn_into::<HtmlTextAreaElement>().ok()
}

/// Scrolls the first element under `container` matching `selector` into view.
pub fn reveal(container: &web_sys::Element, selector: &str) {
    if let Ok(Some(element)) = container.query_selector(selector) {
        element.scroll_into_view_with_bool(false);
    }
}

/// Which lines a scrolled box shows: (the 0-based line at its top, how many lines fit), read
/// from where the gutter's numbered lines (`.ln`, each with its 1-based `data-gutter-line`)
/// are now. The line height is taken across the whole drawn block, not from one line: a
/// single box's height is rounded to the layout's unit, which, multiplied over tens of
/// thousands of lines, would land a block away from the view.
pub fn lines_in_view(
    view: &web_sys::Element,
    gutter: &web_sys::Element,
    first: usize,
) -> Option<(usize, usize)> {
    let number = |e: &web_sys::Element| {
        e.get_attribute("data-gutter-line")
            .and_then(|n| n.parse::<usize>().ok())
    };
    let head = gutter.query_selector(".ln").ok()??;
    // the last numbered line: the gutter's last child, or the one before the gap after it
    let mut tail = gutter.last_element_child()?;
    if number(&tail).is_none() {
        tail = tail.previous_element_sibling()?;
    }
    let top = head.get_bounding_client_rect().top();
    let (from, to) = (
        number(&head).unwrap_or(first + 1),
        number(&tail).unwrap_or(first + 1),
    );
    let height = if to > from {
        (tail.get_bounding_client_rect().top() - top) / (to - from) as f64
    } else {
        head.get_bounding_client_rect().height()
    };
    if height <= 0.0 {
        return None;
    }
    let above = (view.get_bounding_client_rect().top() - top) / height;
    let top = ((from - 1) as f64 + above).max(0.0);
    let rows = (f64::from(view.client_height()) / height).ceil();
    // whole lines, far below usize::MAX
    Some((top as usize, rows as usize))
}

/// Resolves after `ms` milliseconds (a `setTimeout`).
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let started = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                i32::try_from(ms).unwrap_or(i32::MAX),
            )
            .ok()
        });
        if started.is_none() {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The first file chosen in the `<input type="file">` an event came from (and clears the input,
/// so choosing the same file again fires another change).
pub fn picked_file(event: &web_sys::Event) -> Option<web_sys::File> {
    use wasm_bindgen::JsCast;
    let input = event
        .target()?
        .dyn_into::<web_sys::HtmlInputElement>()
        .ok()?;
    let file = input.files()?.get(0);
    input.set_value("");
    file
}

/// The first file in a drop, if any; then stops the browser from opening it itself (a drop
/// of text is left to the browser).
pub fn dropped_file(event: &web_sys::DragEvent) -> Option<web_sys::File> {
    let file = event.data_transfer()?.files()?.get(0)?;
    event.prevent_default();
    event.stop_propagation();
    Some(file)
}

/// Lets a drop happen on this element (a `dragover` must be cancelled for `drop` to fire).
pub fn allow_drop(event: &web_sys::DragEvent) {
    event.prevent_default();
}

/// The value of the textarea an event came from (for plain text boxes).
pub fn textarea_value(event: &web_sys::Event) -> Option<String> {
    editor_of(event).map(|t| t.value())
}

/// The value of the `<input>` an event came from.
pub fn input_value(event: &web_sys::Event) -> Option<String> {
    use wasm_bindgen::JsCast;
    Some(
        event
            .target()?
            .dyn_into::<web_sys::HtmlInputElement>()
            .ok()?
            .value(),
    )
}

/// Whether the checkbox an event came from is checked.
pub fn checked(event: &web_sys::Event) -> Option<bool> {
    use wasm_bindgen::JsCast;
    Some(
        event
            .target()?
            .dyn_into::<web_sys::HtmlInputElement>()
            .ok()?
            .checked(),
    )
}

/// The value of the `<select>` an event came from.
pub fn select_value(event: &web_sys::Event) -> Option<String> {
    let target: wasm_bindgen::JsValue = event.target()?.into();
    super::get(&target, "value").as_string()
}
