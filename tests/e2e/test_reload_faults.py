"""A reload at any moment loses nothing: the page is reloaded at several points during key
generation, during a submit and during the accepting of an issued certificate, and afterwards
every record in the browser key store is whole (its key pair, and its request or its
certificate; an issued record always has its certificate), no pending key has gone, and the
interrupted step can simply be done again.

Binary: $DEVCA_BIN, default target/release/devca; the app from dist/ (`scripts/build-app.sh`).
"""
import time

import pytest
from selenium.webdriver.common.by import By

from browser import by_testid, wait_for
from test_enroll import click, devca_and_app, disposition, item

# after the click: at once, within the first task, mid-way, and (for the slow steps) late
DELAYS_MS = [0, 20, 80, 250, 700]

RECORDS = """
const done = arguments[arguments.length - 1];
const open = indexedDB.open('certreq-web');
open.onerror = () => done({error: String(open.error)});
open.onsuccess = () => {
  const db = open.result;
  if (!db.objectStoreNames.contains('requests')) { db.close(); done([]); return; }
  const all = db.transaction('requests').objectStore('requests').getAll();
  all.onsuccess = () => {
    db.close();
    done(all.result.map(r => ({
      id: r.id, state: r.state,
      private: !!(r.keys && r.keys.privateKey instanceof CryptoKey),
      public: !!(r.keys && r.keys.publicKey instanceof CryptoKey),
      request: r.request ? r.request.length : 0,
      certificate: r.certificate ? r.certificate.length : 0,
      request_id: r.request_id ?? null})));
  };
  all.onerror = () => { db.close(); done({error: String(all.error)}); };
};
"""


def records(driver):
    found = driver.execute_async_script(RECORDS)
    assert isinstance(found, list), found
    return {r["id"]: r for r in found}


def assert_whole(found):
    for r in found.values():
        assert r["private"] and r["public"], f"a record without its key pair: {r}"
        assert r["request"] or r["certificate"], f"a record with neither request nor certificate: {r}"
        assert r["state"] in ("pending", "issued"), r
        if r["state"] == "issued":
            assert r["certificate"], f"issued without a certificate: {r}"


def reload(driver):
    driver.refresh()
    by_testid(driver, "inf-editor")
    time.sleep(0.3)  # the store list is read after the first render


downloads, ca, app = devca_and_app("reload")


def start_generating(driver, template):
    by_testid(driver, "template-gallery").find_element(
        By.CSS_SELECTOR, f'button[data-template="{template}"]').click()
    button = by_testid(driver, "generate")
    wait_for(lambda: button.is_enabled(), timeout=10, what="generate to be enabled")
    button.click()


def made(driver, before):
    """Waits for the one entry made since `before` (a set of ids); returns its id."""
    new = wait_for(lambda: set(records(driver)) - before, timeout=120, what="a new entry")
    assert len(new) == 1, new
    return new.pop()


# generating a 2048-bit RSA key takes from a few hundred ms to seconds: the later points land
# after the key exists, while the request is signed and stored, or after it is stored
@pytest.mark.parametrize("delay_ms", [0, 50, 150, 400, 1000, 2500])
def test_a_reload_during_key_generation_leaves_no_half_made_entry(app, delay_ms):
    before = records(app)
    start_generating(app, "tls-server")
    time.sleep(delay_ms / 1000)
    reload(app)
    after = records(app)
    assert_whole(after)
    assert set(before) <= set(after), "an entry made before vanished"
    assert len(set(after) - set(before)) <= 1, "one click made more than one entry"


@pytest.mark.parametrize("delay_ms", DELAYS_MS)
def test_a_reload_during_submit_keeps_the_pending_key(app, delay_ms):
    before = set(records(app))
    start_generating(app, "ecdsa-device")
    entry_id = made(app, before)
    wait_for(lambda: by_testid(app, "submit").is_enabled(), timeout=10, what="submit enabled")
    by_testid(app, "submit").click()
    time.sleep(delay_ms / 1000)
    reload(app)
    after = records(app)
    assert_whole(after)
    assert entry_id in after, "the pending key was lost"
    assert after[entry_id]["state"] == "pending"
    # the interrupted step can be done again from the stored entry
    if after[entry_id]["request_id"] is None:
        wait_for(lambda: item(app, entry_id), timeout=30, what="the entry in the list")
        click(app, item(app, entry_id).find_element(By.CSS_SELECTOR, '[data-testid="entry-submit"]'))
        status, text = disposition(app)
        assert status == "pending", text
        wait_for(lambda: records(app)[entry_id]["request_id"] is not None, timeout=30,
                 what="the request id to be stored")


@pytest.mark.parametrize("delay_ms", DELAYS_MS)
def test_a_reload_while_an_issued_certificate_is_accepted_loses_nothing(app, ca, delay_ms):
    before = set(records(app))
    start_generating(app, "ecdsa-device")
    entry_id = made(app, before)
    wait_for(lambda: by_testid(app, "submit").is_enabled(), timeout=10, what="submit enabled")
    click(app, by_testid(app, "submit"))
    status, text = disposition(app)
    assert status == "pending", text
    request_id = wait_for(lambda: records(app)[entry_id]["request_id"], timeout=30,
                          what="the request id to be stored")
    assert ca.cli("approve", str(request_id)).returncode == 0

    retrieve = wait_for(lambda: item(app, entry_id), timeout=30, what="the entry").find_element(
        By.CSS_SELECTOR, '[data-testid="retrieve"]')
    retrieve.click()
    time.sleep(delay_ms / 1000)
    reload(app)
    after = records(app)
    assert_whole(after)
    assert entry_id in after, "the key was lost"
    if after[entry_id]["state"] == "pending":
        # the accept did not happen: retrieving again finishes it
        click(app, wait_for(lambda: item(app, entry_id), timeout=30, what="the entry")
              .find_element(By.CSS_SELECTOR, '[data-testid="retrieve"]'))
        assert disposition(app)[0] == "issued"
    wait_for(lambda: records(app)[entry_id]["state"] == "issued", timeout=30,
             what="the entry to become issued")
    assert_whole(records(app))
