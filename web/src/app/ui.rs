//! What the features' views share: reading a picked or dropped file into a message. The
//! reading itself is `services::files`; a file that cannot be read becomes a notice.

use yew::{Callback, DragEvent, Event};

use super::status::Notice;
use crate::services::{dom, files};

/// A file's name and bytes, or why it could not be read.
pub type Read = Result<(String, Vec<u8>), Notice>;

/// Reads `file` and hands the outcome to `then`.
fn read(file: web_sys::File, then: Callback<Read>) {
    yew::platform::spawn_local(async move {
        let read = files::read_file(&file).await;
        then.emit(read.map_err(|e| Notice::error(e.to_string())));
    });
}

/// Where a read file goes: `make(name, bytes)` on `on`, or the notice saying why it could not
/// be read on `notify`.
pub fn then<M: 'static>(
    on: &Callback<M>,
    notify: &Callback<Notice>,
    make: fn(String, Vec<u8>) -> M,
) -> Callback<Read> {
    let (on, notify) = (on.clone(), notify.clone());
    Callback::from(move |read: Read| match read {
        Ok((name, bytes)) => on.emit(make(name, bytes)),
        Err(notice) => notify.emit(notice),
    })
}

/// An `<input type="file">`'s change: the file picked, read and handed to `then`.
pub fn on_pick(then: Callback<Read>) -> Callback<Event> {
    Callback::from(move |e: Event| {
        if let Some(file) = dom::picked_file(&e) {
            read(file, then.clone());
        }
    })
}

/// A drop on an element: the file dropped, read and handed to `then` (a drop of text is left
/// to the browser).
pub fn on_drop(then: Callback<Read>) -> Callback<DragEvent> {
    Callback::from(move |e: DragEvent| {
        if let Some(file) = dom::dropped_file(&e) {
            read(file, then.clone());
        }
    })
}

/// A callback that emits `f(event)` on `on` when it is something (an event from an element
/// that is not the expected kind is ignored).
pub fn filter<E: 'static, M: 'static>(
    on: &Callback<M>,
    f: impl Fn(E) -> Option<M> + 'static,
) -> Callback<E> {
    let on = on.clone();
    Callback::from(move |e: E| {
        if let Some(m) = f(e) {
            on.emit(m);
        }
    })
}

/// A `dragover` that lets a drop happen.
pub fn allow_drop() -> Callback<DragEvent> {
    Callback::from(|e: DragEvent| dom::allow_drop(&e))
}
