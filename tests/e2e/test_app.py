"""The built app in headless Chromium: served over http and opened as one file over file://.

Every request the browser makes is checked by OpenSSL, `cryptography` and Go's parser.
"""
import shutil

from selenium.webdriver.common.by import By

from browser import (DIST, ROOT, all_testid, browser_errors, by_testid, chromium, fill_editor,
                     serve, wait_for)
from checkers import check_cmc, check_request, check_self_signed, to_pem

RSA_INF = """[Version]
Signature="$Windows NT$"

[NewRequest]
Subject = "CN=browser.example.com, O=Example, C=US"
KeyLength = 2048
KeySpec = 1
HashAlgorithm = SHA256

[Extensions]
2.5.29.17 = "{text}dns=browser.example.com&dns=www.browser.example.com"
"""

P256_INF = """[NewRequest]
Subject = "CN=device-p256"
KeyAlgorithm = ECDSA_P256
HashAlgorithm = SHA256
Exportable = TRUE
"""


def press_generate(driver, end="END NEW CERTIFICATE REQUEST"):
    """Presses Generate for the INF in the editor; the PEM it shows, once it ends with `end`."""
    button = by_testid(driver, "generate")
    wait_for(lambda: button.is_enabled(), timeout=10, what="generate to be enabled")
    button.click()
    return wait_for(lambda: end in by_testid(driver, "request-pem").text
                    and by_testid(driver, "request-pem").text, timeout=90, what="the PEM")


def generate(driver, inf_text, tmp_path, name="browser.req"):
    fill_editor(driver, inf_text)
    out = tmp_path / name
    out.write_text(press_generate(driver))
    return check_request(out, tmp_path)


def test_opening_the_app_fetches_its_own_files_and_nothing_more(app):
    # the tools module (decoder, answers, PFX, the reference's prose) waits for its first use
    wait_for(lambda: "Put the cursor on a key" in by_testid(app, "key-doc").text, timeout=10,
             what="the reference panel's hint")
    names = app.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert sorted(n.rsplit(".", 1)[-1] for n in names) == ["css", "js", "wasm"], names
    assert not [n for n in names if "certreq-tools" in n], names


def test_a_diagnostic_appears_on_the_right_line(app):
    fill_editor(app, '[NewRequest]\nSubject = "CN=x"\nExportabel = TRUE\n')
    item = wait_for(lambda: [d for d in app.find_elements(By.CSS_SELECTOR, '[data-testid="diagnostics"] [data-line]')
                             if d.get_attribute("data-line") == "3"], timeout=10, what="a diagnostic on line 3")[0]
    assert item.get_attribute("data-severity") == "warning"
    assert "Exportable" in item.text  # the suggestion


def test_rsa_2048_request_is_accepted_by_three_parsers(app, tmp_path):
    checked = generate(app, RSA_INF, tmp_path)
    assert checked.key_description == "RSA-2048"
    assert checked.subject == "CN=browser.example.com,O=Example,C=US"
    assert sorted(checked.cfssl["DNSNames"]) == ["browser.example.com", "www.browser.example.com"]
    assert not browser_errors(app)


def test_p256_request_and_the_pending_entry_survives_a_reload(app, tmp_path):
    checked = generate(app, P256_INF, tmp_path)
    assert checked.key_description == "EC-secp256r1"
    app.refresh()
    items = wait_for(lambda: all_testid(app, "store-item"), timeout=20, what="the stored entry after reload")
    assert any(i.get_attribute("data-state") == "pending" for i in items)


CMC_INF = """[NewRequest]
Subject = "CN=cmc.browser.example"
KeyLength = 2048
HashAlgorithm = SHA256
RequestType = CMC
"""


def test_request_type_cmc_makes_a_cmc_request_signed_twice(app, tmp_path):
    fill_editor(app, CMC_INF)
    wait_for(lambda: "CMC" in by_testid(app, "preview").text, timeout=10,
             what="the request type in the preview")
    out = tmp_path / "cmc.req"
    out.write_text(press_generate(app))
    checked = check_cmc(out, tmp_path)  # Web Crypto's digest and second signature included
    assert checked.digest == "sha256"
    assert checked.subject == "CN=cmc.browser.example"
    assert checked.key_description == "RSA-2048"
    assert not browser_errors(app)


SELF_SIGNED_INF = """[NewRequest]
Subject = "CN=lab.example.com"
KeyAlgorithm = ECDSA_P256
HashAlgorithm = SHA256
RequestType = Cert
ValidityPeriod = Days
ValidityPeriodUnits = 30

[Extensions]
2.5.29.17 = "{text}dns=lab.example.com"
"""


def test_request_type_cert_makes_a_self_signed_certificate_kept_as_issued(app, tmp_path):
    fill_editor(app, SELF_SIGNED_INF)
    wait_for(lambda: "for 30 days" in by_testid(app, "preview-validity").text, timeout=10,
             what="the certificate's validity in the preview")
    assert "self-signed certificate" in by_testid(app, "generate").text
    out = tmp_path / "self-signed.cer"
    out.write_text(press_generate(app, end="END CERTIFICATE-----"))
    cert = check_self_signed(out, tmp_path)
    assert cert.subject.rfc4514_string() == "CN=lab.example.com"
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days == 30
    assert by_testid(app, "download-request").get_attribute("download") == "lab.example.com.cer"
    assert not by_testid(app, "submit").is_enabled(), "a certificate is not sent to a CA"
    # kept with its key as an issued entry, read back after a reload
    app.refresh()
    item = wait_for(lambda: [i for i in all_testid(app, "store-item")
                             if i.get_attribute("data-state") == "issued"], timeout=20,
                    what="the issued entry after reload")[0]
    subject = wait_for(lambda: item.find_element(By.CSS_SELECTOR, '[data-testid="entry-subject"]').text,
                       timeout=20, what="the entry's certificate details")
    assert "CN=lab.example.com" in subject
    assert "Download .req" not in item.text, "there is no request to download"
    assert not browser_errors(app)


def test_single_file_build_works_from_file_url(tmp_path):
    built = DIST / "certreq-web.html"
    assert built.exists(), f"{built} is missing: the release build must write it"
    # the file alone, as on a USB stick: nothing of dist/ beside it
    stick = tmp_path / "stick"
    stick.mkdir()
    single = stick / "certreq-web.html"
    shutil.copyfile(built, single)
    driver = chromium()
    try:
        driver.get(single.resolve().as_uri())
        by_testid(driver, "inf-editor")
        # no CA of its own to default to (not file:///certsrv): the URL waits for the user's
        url = by_testid(driver, "endpoint-url")
        assert url.get_attribute("value") == "", url.get_attribute("value")
        assert url.get_attribute("placeholder") == "https://ca.example.com/certsrv"
        checked = generate(driver, RSA_INF, tmp_path)
        assert checked.key_description == "RSA-2048"
        # the decoder (a second wasm module, inlined in the page) reads the request just made
        box = by_testid(driver, "decode-input")
        driver.execute_script(
            "const el = arguments[0]; el.value = arguments[1];"
            "el.dispatchEvent(new Event('input', {bubbles: true}));", box, to_pem(checked.der))
        output = wait_for(lambda: (o := by_testid(driver, "decode-output")).get_attribute("data-kind") and o,
                          timeout=20, what="the decoded request")
        assert output.get_attribute("data-kind") == "certificate request"
        assert "browser.example.com" in output.text
        # Submit before a CA URL is given: said, and the entry remembers no CA it could not be
        # sent to (it kept file:///certsrv before, and every later Submit went there)
        by_testid(driver, "submit").click()
        said = wait_for(lambda: (d := driver.find_elements(
            By.CSS_SELECTOR, '[data-testid="disposition"][data-status="error"]')) and d[0].text,
            timeout=20, what="the refusal")
        assert "give the CA's URL first" in said, said
        kept = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "const open = indexedDB.open('certreq-web');"
            "open.onsuccess = () => { const all = open.result.transaction('requests')"
            "  .objectStore('requests').getAll();"
            "  all.onsuccess = () => done(all.result.map((r) => r.ca_url ?? null)); };"
            "open.onerror = () => done(String(open.error));")
        assert kept == [None], kept
        # nothing but the file itself was loaded
        urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        assert [u for u in urls if not u.startswith(("file:", "data:", "blob:"))] == []
    finally:
        driver.quit()


def test_the_single_file_reads_a_long_inf_in_its_worker_from_file_url(tmp_path):
    from test_editor_load import assert_read_in_the_worker
    stick = tmp_path / "stick"
    stick.mkdir()
    single = stick / "certreq-web.html"
    shutil.copyfile(DIST / "certreq-web.html", single)
    driver = chromium()
    try:
        driver.set_script_timeout(120)
        driver.get(single.resolve().as_uri())
        by_testid(driver, "inf-editor")
        # the worker (a blob: URL, which the file's own policy allows) reads it, not the page
        assert_read_in_the_worker(driver, 256 * 1024)
    finally:
        driver.quit()


def test_a_deployment_without_the_tools_module_says_so_and_still_makes_requests(tmp_path):
    # dist/ copied without certreq-tools.wasm: a partial deployment
    site = tmp_path / "site"
    shutil.copytree(DIST, site, ignore=shutil.ignore_patterns("certreq-tools.wasm", "embed"))
    with serve(site) as url:
        driver = chromium()
        try:
            driver.get(url + "/")
            box = by_testid(driver, "decode-input")
            driver.execute_script(
                "const el = arguments[0]; el.value = arguments[1];"
                "el.dispatchEvent(new Event('input', {bubbles: true}));", box,
                (ROOT / "tests" / "data" / "pfx-leaf.crt").read_text())
            message = wait_for(lambda: "could not be loaded" in (t := by_testid(driver, "decode-output").text)
                               and t, timeout=20, what="the decoder's message")
            assert "certreq-tools.wasm" in message and "404" in message, message
            # making requests does not need the module
            checked = generate(driver, P256_INF, tmp_path)
            assert checked.key_description == "EC-secp256r1"
            # nor does reading a long INF: without the module there is no worker, and the page
            # reads it itself
            from test_editor_load import INPUT, inf_of_size
            text, _ = inf_of_size(64 * 1024)
            driver.execute_async_script(INPUT, text + "[NewRequest]\nKeyAlgorithm = NOPE\n", "")
            wait_for(lambda: "error" in driver.find_element(By.CSS_SELECTOR, "#h-diag .count").text,
                     timeout=60, what="the page's own reading")
            # and once the file is back, the next try loads it (a failure is not remembered)
            shutil.copyfile(DIST / "certreq-tools.wasm", site / "certreq-tools.wasm")
            driver.execute_script(
                "const el = arguments[0]; el.value = el.value + ' ';"
                "el.dispatchEvent(new Event('input', {bubbles: true}));", by_testid(driver, "decode-input"))
            wait_for(lambda: by_testid(driver, "decode-output").get_attribute("data-kind") == "certificate",
                     timeout=20, what="the decoded certificate once the module is there")
            # and the editor's worker, which had no module to start with, starts now
            from test_editor_load import WORKER_SPY, reads
            driver.execute_script(WORKER_SPY)
            driver.execute_async_script(INPUT, text + "[NewRequest]\nKeyAlgorithm = NOPE2\n", "")
            wait_for(lambda: "NOPE2" in by_testid(driver, "diagnostics").text, timeout=60,
                     what="the worker's reading once the module is there")
            assert reads(driver)["answered"] >= 1, reads(driver)
        finally:
            driver.quit()
