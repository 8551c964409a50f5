"""Entries that share a key, in headless Chromium against devca (same origin): a renewal that
kept its key, a certificate accepted for a key an issued entry holds, and a request made with
UseExistingKeySet = TRUE after the first one was sent. Nothing one entry does may take away
another's certificate or request: accepting a certificate some entry already holds changes
nothing, another certificate for an issued entry's key becomes an entry of its own, a request
already sent keeps its entry, and a backup of two entries with one key restores both.

Binary: $DEVCA_BIN, default target/release/devca (`cargo build --release -p devca`).
"""
from selenium.webdriver.common.by import By

import pytest

from browser import all_testid, by_testid, fill_editor, wait_download, wait_for
from test_backup import records, restore
from test_ca_app import set_field
from test_renew import open_renewal
from test_enroll import (accept_file, devca_and_app, entry_button, fresh, generate, item, notice,
                         press_generate, submit_entry, submit_pending)

downloads, ca, app = devca_and_app("shared-keys", policy="issue")

INF = ('[NewRequest]\nSubject = "CN=shared-key.example"\nKeyAlgorithm = ECDSA_P256\n'
       'Exportable = TRUE\n')
PASSWORD = "shared keys 1"


def listed(driver):
    """Each listed entry's id → (state, certificate thumbprint or None)."""
    out = {}
    for e in all_testid(driver, "store-item"):
        t = e.find_elements(By.CSS_SELECTOR, '[data-testid="entry-thumbprint"]')
        out[e.get_attribute("data-id")] = (e.get_attribute("data-state"),
                                           t[0].text if t else None)
    return out


@pytest.fixture(scope="module")
def renewed(app, ca):
    """An issued entry and its renewal with the same key, issued too: (old id, its request id,
    new id, its request id, the first request's PEM)."""
    old_id, request_pem = generate(app, inf=INF)
    old_request = submit_entry(app, old_id)
    open_renewal(app, old_id, same_key=True)
    new_id = press_generate(app).get_attribute("data-id")
    new_request = submit_entry(app, new_id)
    return old_id, old_request, new_id, new_request, request_pem


def test_accepting_a_certificate_an_entry_holds_changes_nothing(app, ca, renewed, tmp_path):
    old_id, old_request, new_id, new_request, _ = renewed
    before = listed(app)
    assert before[old_id][1] != before[new_id][1], "two certificates, one key"
    for request_id in (new_request, old_request):
        app.refresh()  # no notice left from the last step
        wait_for(lambda: listed(app) == before, timeout=30, what="the entries after a reload")
        path = tmp_path / f"{request_id}.cer"
        path.write_bytes(ca.certificate(request_id))
        accept_file(app, path)
        wait_for(lambda: "accepted" in notice(app), timeout=30, what="the accept's notice")
        assert listed(app) == before
    app.refresh()
    wait_for(lambda: listed(app) == before, timeout=30, what="the same entries after a reload")


def test_another_certificate_for_an_issued_key_is_an_entry_of_its_own(app, ca, renewed,
                                                                       tmp_path):
    old_id, _, new_id, _, request_pem = renewed
    before = listed(app)
    # the first request sent again: a third certificate for the same key
    third = ca.submit(request_pem)
    path = tmp_path / "third.cer"
    path.write_bytes(ca.certificate(third))
    accept_file(app, path)
    after = wait_for(lambda: len(listed(app)) == len(before) + 1 and listed(app), timeout=30,
                     what="a new entry for the third certificate")
    for entry_id, was in before.items():
        assert after[entry_id] == was, "the issued entries keep their certificates"
    (added,) = set(after) - set(before)
    assert after[added][0] == "issued"
    assert after[added][1] not in {was[1] for was in before.values()}


def test_a_backup_of_two_entries_with_one_key_restores_both(app, ca, renewed, downloads):
    before = listed(app)
    kept = records(app)
    name = "certreq-web-backup.p12"
    fresh(downloads, name)
    by_testid(app, "backup-open").click()
    by_testid(app, "backup-password").send_keys(PASSWORD)
    by_testid(app, "backup-confirm").send_keys(PASSWORD)
    by_testid(app, "backup-save").click()
    path = downloads / "shared-keys.p12"
    path.write_bytes(wait_download(downloads, name, timeout=60))
    wait_for(lambda: name in notice(app), timeout=30, what="the backup's notice")
    app.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": ca.origin, "storageTypes": "all"})
    app.refresh()
    by_testid(app, "inf-editor")
    wait_for(lambda: records(app) == [], timeout=30, what="an empty store")

    restore(app, path, PASSWORD)
    report = wait_for(lambda: (r := all_testid(app, "restore-report")) and r[0].text,
                      timeout=60, what="the restore's report")
    assert f"Restored {len(before)} entries." in report, report
    assert "kept here already" not in report, report
    by_testid(app, "backup-cancel").click()
    wait_for(lambda: listed(app) == before, timeout=30, what="every entry with its certificate")
    assert records(app) == kept
    old_id = renewed[0]
    assert item(app, old_id).get_attribute("data-renewed") == "yes"


def test_a_request_sent_keeps_its_entry_when_its_key_is_used_again(app, ca):
    inf = ('[NewRequest]\nSubject = "CN={}.example"\nKeyAlgorithm = ECDSA_P256\n'
           'KeyContainer = "shared-container"\n')
    first, _ = generate(app, inf=inf.format("first"))
    # not sent yet: Submit, and no Retrieve (the CA has no number for it)
    buttons = item(app, first).find_elements(By.CSS_SELECTOR, "button[data-testid]")
    testids = {b.get_attribute("data-testid") for b in buttons}
    assert "entry-submit" in testids and "retrieve" not in testids, testids
    # devca's Approval template holds the request: it is sent, and not answered yet
    set_field(app, "template", "Approval")
    try:
        request_id = submit_pending(app, entry_button(app, first, "entry-submit"))
    finally:
        set_field(app, "template", "")
    fill_editor(app, inf.format("second") + "UseExistingKeySet = TRUE\n")
    second = press_generate(app).get_attribute("data-id")
    assert second != first, "a new entry for the new request"
    got = {r["id"]: r for r in records(app)}
    assert got[first]["request_id"] == request_id, "the first request keeps its id"
    assert got[first]["spki"] == got[second]["spki"], "one key"
    assert item(app, first).get_attribute("data-state") == "pending"
    buttons = item(app, first).find_elements(By.CSS_SELECTOR, "button[data-testid]")
    testids = {b.get_attribute("data-testid") for b in buttons}
    assert "retrieve" in testids and "entry-submit" not in testids, testids
    # the second request, issued: its certificate goes to its own entry, not to the first
    # (pending with the same key)
    from test_enroll import issued_by
    issued_by(app, second, entry_button(app, second, "entry-submit"))
    got = {r["id"]: r for r in records(app)}
    assert got[second]["state"] == "issued" and got[second]["certificate"], got[second]
    assert got[first]["state"] == "pending" and not got[first]["certificate"], got[first]
    assert got[first]["request_id"] == request_id


def test_delete_names_the_entry_and_says_an_issued_ones_certificate_goes_too(app, renewed):
    old_id = renewed[0]
    name = item(app, old_id).find_element(By.CSS_SELECTOR, ".store-name").text
    # the question is asked and answered No: nothing is deleted
    app.execute_script("window.__asked = []; window.confirm = (q) => { "
                       "window.__asked.push(q); return false; };")
    item(app, old_id).find_element(By.CSS_SELECTOR, "button.danger").click()
    asked = wait_for(lambda: app.execute_script("return window.__asked"), timeout=10,
                     what="Delete's question")
    assert f"“{name}”" in asked[0] and "its certificate and its private key" in asked[0], asked
    assert item(app, old_id).get_attribute("data-state") == "issued"
