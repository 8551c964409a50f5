//! Files out of the browser: downloads (a `Blob` behind a temporary link) and the clipboard.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use super::{ServiceError, get};

/// Offers `bytes` as a download named `file_name`: a `Blob` behind an object URL, revoked once
/// the link has been clicked (gloo-file's `ObjectUrl` did the same for more of the first
/// download: see ARCHITECTURE.md, "gloo and raw web-sys").
pub fn download(file_name: &str, mime: &str, bytes: &[u8]) -> Result<(), ServiceError> {
    let fail = |e| ServiceError::js("cannot offer the download", e);
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let result = click_link(&url, file_name);
    let _ = Url::revoke_object_url(&url);
    result
}

fn click_link(href: &str, file_name: &str) -> Result<(), ServiceError> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| ServiceError("downloads need a page (no document here)".into()))?;
    let link: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| ServiceError::js("cannot offer the download", e))?
        .unchecked_into();
    link.set_href(href);
    link.set_download(file_name);
    link.click();
    Ok(())
}

/// Puts text on the clipboard (`navigator.clipboard.writeText`).
pub async fn copy_text(text: &str) -> Result<(), ServiceError> {
    let clipboard = get(&get(&js_sys::global(), "navigator"), "clipboard");
    let write = get(&clipboard, "writeText");
    let write = write.dyn_ref::<js_sys::Function>().ok_or_else(|| {
        ServiceError("this browser does not allow copying here; select the text and copy it".into())
    })?;
    let promise = write
        .call1(&clipboard, &JsValue::from_str(text))
        .map_err(|e| ServiceError::js("cannot copy", e))?;
    JsFuture::from(js_sys::Promise::resolve(&promise))
        .await
        .map_err(|e| ServiceError::js("the browser refused to copy", e))?;
    Ok(())
}

/// The name and bytes of a file the user picked or dropped.
pub async fn read_file(file: &web_sys::File) -> Result<(String, Vec<u8>), ServiceError> {
    Ok((file.name(), read_bytes(file).await?))
}

/// The bytes of a file the user picked or dropped.
pub async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, ServiceError> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| ServiceError::js("cannot read the file", e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
