//! The store's view: the list of keys kept here with their details and actions, the
//! accept box, PFX import, and the PFX export and import dialogs.

use yew::prelude::*;

use super::{
    BackupDialog, EntryMeta, EntryState, ExportFormat, ImportDialog, Msg, PfxDialog, Profile,
    State, expiry_reminder,
};
use crate::app::enrollment;
use crate::app::status::Notice;
use crate::app::text::format_utc;
use crate::app::ui;
use crate::services::{dom, store};

pub struct StoreProps<'a> {
    pub state: &'a State,
    /// Whether a job is under way (Submit and Retrieve wait for it).
    pub busy: bool,
    pub on: Callback<Msg>,
    /// An entry's Submit and Retrieve buttons are enrollment's.
    pub enroll: Callback<enrollment::Msg>,
    pub notify: Callback<Notice>,
    /// The endpoint set now, to say where an entry's own CA differs.
    pub endpoint: &'a enrollment::Enrollment,
}

/// The "Keys kept in this browser" panel.
pub fn panel(props: &StoreProps<'_>) -> Html {
    let state = props.state;
    let persistence = match state.persistent {
        Some(true) => "Storage is persistent: the browser keeps these keys until you delete them.",
        Some(false) => {
            "The browser did not make storage persistent: it may clear these keys when space \
             runs low. Back them up, or install or bookmark the page and reload to ask again."
        }
        None => {
            "Persistent storage is asked for once a key is kept here; until the browser says \
             yes (some cannot say), it may clear stored keys when space runs low."
        }
    };
    let items = state
        .entries
        .iter()
        .rev()
        .map(|entry| view_item(props, entry));
    let accept = ui::then(&props.on, &props.notify, |name, bytes| Msg::AcceptFile {
        name,
        bytes,
    });
    html! {
        <>
            <h2 id="h-store">{ "Keys kept in this browser" }</h2>
            <p class="persistence" data-testid="persistence" role="status"
                data-persistent={state.persistent.map_or("unknown", |p| if p { "yes" } else { "no" })}>
                { persistence }
            </p>
            if state.entries.is_empty() {
                <p class="hint">{ "None yet: generated requests appear here with their keys." }</p>
            }
            <div class="accept-box" ondragover={ui::allow_drop()}
                ondrop={ui::on_drop(accept.clone())}>
                <label for="accept-file">
                    { "Accept a certificate (.cer, .crt, .p7b; PEM or DER) for a key kept here: " }
                </label>
                <input type="file" id="accept-file" data-testid="accept-file"
                    accept=".cer,.crt,.pem,.der,.p7b,.p7c,.p7s,.rsp"
                    onchange={ui::on_pick(accept)} />
                <p class="hint">{ "Or drop the file on this box. The certificate is matched to its key by the public key." }</p>
                <label for="import-pfx">
                    { "Import a key with its certificate (.pfx, .p12): " }
                </label>
                <input type="file" id="import-pfx" data-testid="import-pfx" accept=".pfx,.p12"
                    onchange={ui::on_pick(ui::then(&props.on, &props.notify, |name, bytes| {
                        Msg::ImportFile { name, bytes }
                    }))} />
            </div>
            if let Some(dialog) = &state.import {
                { pfx_import(dialog, &props.on) }
            }
            if let Some(dialog) = &state.pfx {
                { pfx_export(dialog, &props.on) }
            }
            <div class="actions small">
                <button type="button" data-testid="backup-open"
                    disabled={state.entries.is_empty() || state.backup_working()}
                    onclick={props.on.reform(|_| Msg::BackupOpen)}>{ "Back up the store" }</button>
                <label for="restore-file">{ "Restore a backup (.p12): " }</label>
                <input type="file" id="restore-file" data-testid="restore-file" accept=".p12,.pfx"
                    disabled={state.backup_working()}
                    onchange={ui::on_pick(ui::then(&props.on, &props.notify, |name, bytes| {
                        Msg::RestoreFile { name, bytes }
                    }))} />
            </div>
            if let Some(dialog) = &state.backup {
                { backup_dialog(state, dialog, &props.on) }
            }
            <ul class="store-list" data-testid="store-list">{ for items }</ul>
        </>
    }
}

/// One stored entry: its name and state, details, and what can be done with it.
fn view_item(props: &StoreProps<'_>, entry: &EntryMeta) -> Html {
    let (on, enroll) = (&props.on, &props.enroll);
    let record = &entry.record;
    let id = record.id.clone();
    let download = on.reform(move |_| Msg::DownloadEntry(id.clone()));
    let id = record.id.clone();
    let delete = on.reform(move |_| Msg::Delete(id.clone()));
    let renewed = props.state.is_renewed(&record.id);
    let submit = match record.state {
        EntryState::Denied => "Submit again",
        _ => "Submit",
    };
    html! {
        <li class="store-item" data-testid="store-item"
            data-state={record.state.as_str()} data-id={record.id.clone()}
            data-renewed={renewed.then_some("yes")} data-renews={record.renews.clone()}>
            <div class="store-main">
                <span class="store-name">{ &record.friendly_name }</span>
                <span class={classes!("badge", record.state.as_str())}>{ record.state.as_str() }</span>
                if renewed {
                    <span class="badge renewed" data-testid="entry-renewed">{ "renewed" }</span>
                }
            </div>
            <div class="store-meta">
                { format_utc(record.created_ms) }
                if let Some(container) = &record.container {
                    { format!(" · container {container}") }
                }
            </div>
            if let Some(ca) = props.state.ca_of(&record.id) {
                <div class="store-meta" data-testid="entry-ca" data-url={ca.url.clone()}
                    data-differs={props.endpoint.differs(ca).then_some("yes")}>
                    { format!("CA: {}", ca.url) }
                    if props.endpoint.differs(ca) {
                        { " — not the endpoint set now: this entry's Submit, Retrieve and \
                           Renew go to its own CA" }
                    }
                </div>
            }
            { view_entry_details(on, entry) }
            <div class="actions small">
                if entry.has_request {
                    <button type="button" onclick={download}
                        aria-label={format!("Download .req of {}", record.friendly_name)}>
                        { "Download .req" }
                    </button>
                }
                if record.certificate.is_some() {
                    { view_exports(on, entry) }
                    if entry.key_algorithm.is_some() {
                        { renew_button(on, entry, true) }
                        { renew_button(on, entry, false) }
                    }
                } else {
                    if record.request_id.is_none() || record.state == EntryState::Denied {
                        <button type="button" data-testid="entry-submit"
                            disabled={props.busy}
                            onclick={{
                                let id = record.id.clone();
                                enroll.reform(move |_| enrollment::Msg::SubmitEntry(id.clone()))
                            }}
                            aria-label={format!("{submit} {} to the CA", record.friendly_name)}>
                            { submit }
                        </button>
                    }
                    // a denied request the CA numbered: an administrator may issue it yet
                    if record.request_id.is_some() {
                    <button type="button" data-testid="retrieve"
                        disabled={props.busy}
                        onclick={{
                            let id = record.id.clone();
                            enroll.reform(move |_| enrollment::Msg::Retrieve(id.clone()))
                        }}
                        aria-label={format!("Retrieve {}", record.friendly_name)}>
                        { "Retrieve" }
                    </button>
                    }
                }
                <button type="button" class="danger" onclick={delete}
                    aria-label={format!("Delete {}", record.friendly_name)}>
                    { "Delete" }
                </button>
            </div>
        </li>
    }
}

/// Subject, issuer, validity, thumbprint and key of an entry (the certificate's, once issued).
fn view_entry_details(on: &Callback<Msg>, entry: &EntryMeta) -> Html {
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
                if let Some(n) = entry.record.request_id {
                    <dt>{ "CA request id" }</dt><dd data-testid="request-id">{ n }</dd>
                }
            </dl>
        };
    };
    let reminder = expiry_reminder(d.not_after, store::now_ms());
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
                if !entry.record.chain.is_empty() {
                    <dt>{ "Chain" }</dt>
                    <dd>{ format!("{} issuing certificate{}", entry.record.chain.len(),
                        if entry.record.chain.len() == 1 { "" } else { "s" }) }</dd>
                }
            </dl>
            if let Some(text) = reminder {
                <p class="notice error" data-testid="expiry-reminder" role="alert">
                    { text }{ " " }
                    if entry.key_algorithm.is_some() {
                        <button type="button" data-testid="expiry-renew"
                            onclick={renew(on, entry, true)}>{ "Renew now" }</button>
                    }
                </p>
            }
        </>
    }
}

/// Renew entry `entry`, keeping its key or not.
fn renew(on: &Callback<Msg>, entry: &EntryMeta, same_key: bool) -> Callback<MouseEvent> {
    let id = entry.record.id.clone();
    on.reform(move |_| Msg::Renew {
        id: id.clone(),
        same_key,
    })
}

/// Renew (same key) or Renew (new key): opens the renewal INF in the editor.
fn renew_button(on: &Callback<Msg>, entry: &EntryMeta, same_key: bool) -> Html {
    let (testid, label) = match same_key {
        true => ("entry-renew", "Renew (same key)"),
        false => ("entry-renew-new-key", "Renew (new key)"),
    };
    html! {
        <button type="button" data-testid={testid} onclick={renew(on, entry, same_key)}
            aria-label={format!("{label}: {}", entry.record.friendly_name)}>{ label }</button>
    }
}

/// The export buttons of an issued entry.
fn view_exports(on: &Callback<Msg>, entry: &EntryMeta) -> Html {
    let export = |format: ExportFormat| {
        let id = entry.record.id.clone();
        on.reform(move |_| Msg::Export {
            id: id.clone(),
            format,
        })
    };
    let id = entry.record.id.clone();
    let pfx = on.reform(move |_| Msg::PfxOpen(id.clone()));
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
fn pfx_export(dialog: &PfxDialog, on: &Callback<Msg>) -> Html {
    let password = ui::filter(on, |e: InputEvent| {
        dom::input_value(&e).map(Msg::PfxPassword)
    });
    let confirm = ui::filter(on, |e: InputEvent| {
        dom::input_value(&e).map(Msg::PfxConfirm)
    });
    let submit = on.reform(|e: SubmitEvent| {
        e.prevent_default();
        Msg::PfxSubmit
    });
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
                        checked={dialog.profile == Profile::Modern}
                        onchange={on.reform(|_| Msg::PfxProfile(Profile::Modern))} />
                    { " AES-256 (Windows 10 1709 and later, OpenSSL 3)" }
                </label>
                <label>
                    <input type="radio" name="pfx-profile" data-testid="pfx-legacy"
                        checked={dialog.profile == Profile::Legacy}
                        onchange={on.reform(|_| Msg::PfxProfile(Profile::Legacy))} />
                    { " Triple DES (older Windows, OpenSSL 1.x, Java 8)" }
                </label>
            </fieldset>
            if let Some(problem) = &dialog.problem {
                <p class="notice error" data-testid="pfx-problem" role="alert">{ problem }</p>
            }
            <div class="actions">
                <button type="submit" class="primary" data-testid="pfx-save">{ "Export .pfx" }</button>
                <button type="button" data-testid="pfx-cancel" onclick={on.reform(|_| Msg::PfxCancel)}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

/// The PFX import dialog: the password, and whether the key may leave the browser again.
fn pfx_import(dialog: &ImportDialog, on: &Callback<Msg>) -> Html {
    let password = ui::filter(on, |e: InputEvent| {
        dom::input_value(&e).map(Msg::ImportPassword)
    });
    let extractable = ui::filter(on, |e: Event| dom::checked(&e).map(Msg::ImportExtractable));
    let submit = on.reform(|e: SubmitEvent| {
        e.prevent_default();
        Msg::ImportSubmit
    });
    html! {
        <form class="pfx-dialog" data-testid="import-dialog" role="dialog" aria-labelledby="h-import"
            onsubmit={submit}>
            <h3 id="h-import">{ format!("Import {}", dialog.name) }</h3>
            <p class="hint">{ "The key and its certificate are kept in this browser like a key made here; the file is not kept." }</p>
            <label for="import-password">{ "The file's password" }</label>
            <input type="password" id="import-password" data-testid="import-password"
                autocomplete="off" value={dialog.password.clone()} oninput={password} />
            <label>
                <input type="checkbox" data-testid="import-extractable"
                    checked={dialog.extractable} onchange={extractable} />
                { " Keep the private key exportable (it can be saved as a .pfx again); otherwise \
                   the browser never hands it out" }
            </label>
            if let Some(problem) = &dialog.problem {
                <p class="notice error" data-testid="import-problem" role="alert">{ problem }</p>
            }
            <div class="actions">
                <button type="submit" class="primary" data-testid="import-save"
                    disabled={dialog.importing} aria-busy={dialog.importing.to_string()}>
                    { if dialog.importing { "Importing…" } else { "Import" } }
                </button>
                <button type="button" data-testid="import-cancel" disabled={dialog.importing}
                    onclick={on.reform(|_| Msg::ImportCancel)}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

/// The backup dialog: backing up (the password twice; the entries whose keys cannot leave
/// this browser named) or restoring a file (its password; then what was done).
fn backup_dialog(state: &State, dialog: &BackupDialog, on: &Callback<Msg>) -> Html {
    let password = ui::filter(on, |e: InputEvent| {
        dom::input_value(&e).map(Msg::BackupPassword)
    });
    let confirm = ui::filter(on, |e: InputEvent| {
        dom::input_value(&e).map(Msg::BackupConfirm)
    });
    let submit = on.reform(|e: SubmitEvent| {
        e.prevent_default();
        Msg::BackupSubmit
    });
    let locked: Vec<String> = state
        .entries
        .iter()
        .filter(|e| e.exportable == Some(false))
        .map(EntryMeta::label)
        .collect();
    let list = |id: &'static str, head: &'static str, names: &[String]| {
        html! {
            if !names.is_empty() {
                <div data-testid={id}>
                    <p>{ head }</p>
                    <ul>{ for names.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                </div>
            }
        }
    };
    let (title, action) = match &dialog.restore {
        Some((name, _)) => (format!("Restore {name}"), "Restore"),
        None => (
            "Back up every key and certificate kept here".to_owned(),
            "Save backup",
        ),
    };
    html! {
        <form class="pfx-dialog" data-testid="backup-dialog" role="dialog" aria-labelledby="h-backup"
            onsubmit={submit}>
            <h3 id="h-backup">{ title }</h3>
            if dialog.restore.is_none() {
                <p class="hint">{ "One .p12 file holds every entry, its certificates and request, and every exportable private key, encrypted under this password (AES-256; OpenSSL and Windows open it too)." }</p>
                if !locked.is_empty() {
                    <div class="notice error" data-testid="backup-locked">
                        <p>{ "Not exportable, so not in the backup and never restorable elsewhere:" }</p>
                        <ul>{ for locked.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                    </div>
                }
            } else {
                <p class="hint">{ "Entries already kept here (the same certificate or request) are skipped; nothing is overwritten." }</p>
            }
            <label for="backup-password">{ "Backup password" }</label>
            <input type="password" id="backup-password" data-testid="backup-password"
                autocomplete={if dialog.restore.is_some() { "off" } else { "new-password" }}
                value={dialog.password.clone()} oninput={password} />
            if dialog.restore.is_none() {
                <label for="backup-confirm">{ "Password again" }</label>
                <input type="password" id="backup-confirm" data-testid="backup-confirm"
                    autocomplete="new-password" value={dialog.confirm.clone()} oninput={confirm} />
            }
            if let Some(problem) = &dialog.problem {
                <p class="notice error" data-testid="backup-problem" role="alert">{ problem }</p>
            }
            if let Some(r) = &dialog.report {
                <div data-testid="restore-report" role="status">
                    <p>{ format!("Restored {} entr{}.", r.added.len(), if r.added.len() == 1 { "y" } else { "ies" }) }</p>
                    { list("restore-added", "Added:", &r.added) }
                    { list("restore-updated", "Updated:", &r.updated) }
                    { list("restore-skipped", "Skipped:", &r.skipped) }
                    { list("restore-lost", "Lost: their keys were not exportable, so the backup holds none and these entries cannot be restored here (one imported from a PFX can be imported again from it):", &r.lost) }
                </div>
            }
            <div class="actions">
                <button type="submit" class="primary" data-testid="backup-save"
                    disabled={dialog.working} aria-busy={dialog.working.to_string()}>{ action }</button>
                <button type="button" data-testid="backup-cancel" disabled={dialog.working}
                    onclick={on.reform(|_| Msg::BackupCancel)}>
                    { if dialog.report.is_some() { "Close" } else { "Cancel" } }
                </button>
            </div>
        </form>
    }
}
