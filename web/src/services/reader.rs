//! The editor's reading of a long INF, off the page's thread: a dedicated worker holds its own
//! instance of the tools module (the module the page already compiled, handed over as a
//! `WebAssembly.Module`, so nothing is fetched or compiled twice) and answers
//! [`wire::OP_COMPILE`] with the [`Reading`], and a long INF's check against its CA template
//! ([`wire::OP_TEMPLATE_CHECK`], which reads the INF again). Typing goes on while it reads; the
//! page only takes the answer apart.
//!
//! The worker's script is a few lines made into a `blob:` URL here (the single-file page has no
//! file to load one from), which the page's policy allows with `worker-src blob:`. One question
//! is in flight at a time (the worker's `onmessage` answer is the question's). A browser that
//! refuses the worker, or a worker that fails, is dropped for the rest of the session and the
//! caller reads on the page's thread as before ([`read`] says so with an error).

use std::cell::RefCell;

use certreq_wire::reading::Reading;
use certreq_wire::{self as wire};
use js_sys::{Array, Function, Object, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, Url};

use super::{ServiceError, get, set};

/// The worker: the first message hands it the module, each later one is a question
/// `{op, input}`, answered `{status, output}` (or `{error}`). A failure leaves the instance as
/// it is; the page drops the worker on the first one.
const SCRIPT: &str = "let ready;\
onmessage=(e)=>{const d=e.data;\
if(d.module){ready=WebAssembly.instantiate(d.module,{});return;}\
ready.then((i)=>{const x=i.exports,n=d.input.length,at=x.tools_input(n);\
new Uint8Array(x.memory.buffer,at,n).set(d.input);const status=x.tools_run(d.op);\
const output=new Uint8Array(x.memory.buffer,x.tools_output(),x.tools_output_len()).slice();\
postMessage({status,output},[output.buffer]);})\
.catch((err)=>postMessage({error:String(err)}));};";

/// The worker as it stands.
enum State {
    /// Not started yet.
    None,
    /// Started.
    Running(JsValue),
    /// It could not start or failed: the page reads for itself from now on.
    Gone,
}

thread_local! {
    static WORKER: RefCell<State> = const { RefCell::new(State::None) };
    /// The last question asked: the next is asked once it is answered, so the worker's one
    /// `onmessage` answer is always the question in flight's.
    static LAST: RefCell<Option<Promise>> = const { RefCell::new(None) };
    /// How many readings have been queued: one that finds a newer queued behind it when its
    /// turn comes is not asked (its asker's text has been edited since).
    static QUEUED: RefCell<u32> = const { RefCell::new(0) };
}

/// How long a reading may take before the worker is taken for lost (a 4 MiB INF takes well
/// under a second).
const TIMEOUT_MS: i32 = 60_000;

/// The mark a reading that fell back to the page's thread leaves on the page's performance
/// timeline (what the tests look for, and a profile shows).
pub const ON_PAGE_MARK: &str = "certreq-web:read-on-page";

/// Reads `text` as the editor does, in the worker: `None` when a newer question was queued
/// before this one's turn came (its answer would be dropped: the editor asks only for its
/// latest text). An error means the worker cannot (or can no longer) do it: the caller reads
/// on the page's thread.
pub async fn read(text: &str) -> Result<Option<Reading>, ServiceError> {
    let result = match in_worker(wire::OP_COMPILE, text.as_bytes(), true).await {
        Ok(Some(bytes)) => Reading::from_wire(&bytes).map(Some).map_err(|e| {
            give_up();
            ServiceError(format!("the reading worker's answer: {e}"))
        }),
        other => other.map(|_| None),
    };
    if result.is_err() {
        mark(ON_PAGE_MARK);
    }
    result
}

/// A long INF's mismatches with its CA template, found in the worker (the check reads the
/// whole INF again, as long as the editor's reading takes). Every check asked is answered
/// (the caller drops one for a text edited since). An error means the worker cannot do it:
/// the caller checks on the page's thread.
pub async fn template_check(
    check: &wire::ca::TemplateCheck,
) -> Result<Vec<wire::ca::Finding>, ServiceError> {
    let result = match in_worker(wire::OP_TEMPLATE_CHECK, &check.to_wire(), false).await {
        Ok(Some(bytes)) => wire::ca::findings_from_wire(&bytes).map_err(|e| {
            give_up();
            ServiceError(format!("the reading worker's answer: {e}"))
        }),
        Ok(None) => Err(ServiceError("the check was not asked".into())),
        Err(e) => Err(e),
    };
    if result.is_err() {
        mark(ON_PAGE_MARK);
    }
    result
}

/// Asks the worker `op` on `input`, after the question before it is answered. With
/// `latest_only`, a question that finds a newer one of its kind queued behind it when its
/// turn comes is not asked (`None`).
async fn in_worker(
    op: u32,
    input: &[u8],
    latest_only: bool,
) -> Result<Option<Vec<u8>>, ServiceError> {
    // wait for the question before this one (its answer is its asker's)
    let before = LAST.with_borrow(Clone::clone);
    let (done, finish) = {
        let mut finish = None;
        let done = Promise::new(&mut |resolve, _| finish = Some(resolve));
        (done, finish)
    };
    LAST.set(Some(done));
    let mine = latest_only.then(|| {
        QUEUED.with_borrow_mut(|n| {
            *n = n.wrapping_add(1);
            *n
        })
    });
    if let Some(before) = before {
        let _ = JsFuture::from(before).await;
    }
    let answer = match mine {
        Some(mine) if QUEUED.with_borrow(|n| *n) != mine => Ok(None),
        _ => ask(op, input).await.map(Some),
    };
    if let Some(finish) = finish {
        let _ = finish.call0(&JsValue::NULL);
    }
    let Some(data) = answer? else {
        return Ok(None);
    };
    let error = get(&data, "error");
    if !error.is_undefined() {
        give_up();
        return Err(ServiceError::js("the reading worker failed", error));
    }
    let status = get(&data, "status").as_f64().unwrap_or(-1.0) as u32;
    let output = get(&data, "output")
        .dyn_into::<Uint8Array>()
        .map(|o| o.to_vec())
        .unwrap_or_default();
    // a refusal is this question's (the worker is fine); an answer that does not read back
    // is a worker out of step with the page (an older module cached, say): dropped for good
    wire::answer(status, output)
        .map(Some)
        .map_err(|why| ServiceError(why.0))
}

/// Posts the question and waits for the worker's `message` (its data); its `error` or
/// `messageerror` event, or no answer in [`TIMEOUT_MS`], drops the worker.
async fn ask(op: u32, input: &[u8]) -> Result<JsValue, ServiceError> {
    let worker = worker().await?;
    let input = Uint8Array::from(input);
    let message = Object::new();
    set(&message, "op", &op.into());
    set(&message, "input", &input);
    let target = worker.unchecked_ref::<Object>();
    let answer = Promise::new(&mut |resolve, reject| {
        set(target, "onmessage", &resolve);
        set(target, "onerror", &reject);
        set(target, "onmessageerror", &reject);
    });
    let lost = |why: ServiceError| {
        give_up();
        why
    };
    post(&worker, &message, Some(&input.buffer()))
        .map_err(|e| lost(ServiceError::js("the reading worker cannot be asked", e)))?;
    let late = Promise::new(&mut |resolve, _| {
        if let Ok(timer) = get(&js_sys::global(), "setTimeout").dyn_into::<Function>() {
            let _ = timer.call2(&JsValue::NULL, &resolve, &TIMEOUT_MS.into());
        }
    });
    let event = JsFuture::from(Promise::race(&Array::of2(&answer, &late)))
        .await
        .map_err(|e| {
            let message = get(&e, "message");
            lost(ServiceError::js(
                "the reading worker stopped",
                if message.is_undefined() { e } else { message },
            ))
        })?;
    if event.is_undefined() {
        return Err(lost(ServiceError(
            "the reading worker did not answer in time".into(),
        )));
    }
    Ok(get(&event, "data"))
}

/// The running worker, started (and handed the tools module) on first use. A tools module that
/// cannot be loaded now may be later (its loading is tried again): only a worker that cannot
/// start is given up on.
async fn worker() -> Result<JsValue, ServiceError> {
    match WORKER.with_borrow(|w| match w {
        State::None => None,
        State::Running(worker) => Some(Ok(worker.clone())),
        State::Gone => Some(Err(())),
    }) {
        Some(Ok(worker)) => return Ok(worker),
        Some(Err(())) => {
            return Err(ServiceError(
                "the reading worker is not available here".into(),
            ));
        }
        None => {}
    }
    let module = super::tools::module().await?;
    // another question may have started one while the module loaded
    if let Some(worker) = WORKER.with_borrow(|w| match w {
        State::Running(worker) => Some(worker.clone()),
        _ => None,
    }) {
        return Ok(worker);
    }
    let worker = start(&module).map_err(|e| {
        give_up();
        ServiceError::js("the reading worker cannot start", e)
    })?;
    WORKER.set(State::Running(worker.clone()));
    Ok(worker)
}

/// `performance.mark(name)`, where there is a performance timeline.
fn mark(name: &str) {
    let performance = get(&js_sys::global(), "performance");
    if let Ok(mark) = get(&performance, "mark").dyn_into::<Function>() {
        let _ = mark.call1(&performance, &name.into());
    }
}

fn start(module: &JsValue) -> Result<JsValue, JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&Array::of1(&SCRIPT.into()), &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let class = get(&js_sys::global(), "Worker")
        .dyn_into::<Function>()
        .map_err(|_| JsValue::from_str("this browser has no workers"))?;
    // the URL is kept (one small blob a session): revoked at once, an engine that reads the
    // script only once the worker starts would find nothing there
    let worker = js_sys::Reflect::construct(&class, &Array::of1(&url.as_str().into()))?;
    let hello = Object::new();
    set(&hello, "module", module);
    post(&worker, &hello, None)?;
    Ok(worker)
}

/// `worker.postMessage(message, [transfer])`.
fn post(worker: &JsValue, message: &Object, transfer: Option<&JsValue>) -> Result<(), JsValue> {
    let post = get(worker, "postMessage").dyn_into::<Function>()?;
    match transfer {
        Some(t) => post.call2(worker, message, &Array::of1(t)),
        None => post.call1(worker, message),
    }
    .map(drop)
}

/// Drops the worker for the rest of the session.
fn give_up() {
    if let State::Running(worker) = WORKER.replace(State::Gone)
        && let Ok(terminate) = get(&worker, "terminate").dyn_into::<Function>()
    {
        let _ = terminate.call0(&worker);
    }
}
