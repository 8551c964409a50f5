//! What the feature components share: the one component type they are instances of, and
//! reading a picked or dropped file into a message. The reading itself is `services::files`; a
//! file that cannot be read becomes a notice.

use std::rc::Rc;

use yew::{Callback, Component, Context, DragEvent, Event, Html, Properties};

use super::status::Notice;
use crate::services::{dom, files};

/// A feature's props, which show themselves: each feature's `view.rs` implements it for its
/// props and a [`Panel`] shows them.
pub trait Part {
    /// The feature's part of the page.
    fn view(&self) -> Html;
}

/// The props of a [`Panel`]: a feature's props, and the revision of the state they are of.
#[derive(Properties)]
pub struct PanelProps {
    pub revision: u32,
    pub part: Rc<dyn Part>,
}

impl PartialEq for PanelProps {
    /// Equal at the same revision of the state: the features' props are made of the state
    /// (see `Seen`) and of callbacks the shell makes once, so they change only with it.
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
    }
}

/// A feature's component. One component type for every feature, its props a [`Part`]: each
/// component type costs the first download Yew's lifecycle code again (a function component
/// per feature cost 4.2 KiB gzipped more than this one), a `dyn Part` one call through a vtable.
pub struct Panel;

impl Component for Panel {
    type Message = ();
    type Properties = PanelProps;

    fn create(_: &Context<Self>) -> Self {
        Panel
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        ctx.props().part.view()
    }
}

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
