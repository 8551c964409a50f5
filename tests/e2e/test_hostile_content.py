"""What a CA or a file says is shown as text, never run as markup: a CA's disposition message,
the names in an issued certificate and every field the decoder prints may hold HTML and script,
and none of it may execute. Each test plants markup that would set `window.__pwned` (a canary)
if the page ever parsed it, then checks the text is on screen literally, no element was made
from it, and the canary is unset.

Binary: $DEVCA_BIN, default target/release/devca; the app from dist/ (`scripts/build-app.sh`).
"""
import datetime
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from selenium.webdriver.common.by import By

from browser import by_testid, wait_for
from test_enroll import (approve_and_retrieve, click, devca_and_app, disposition, entry_button,
                         generate, item, submit_pending)

# each would set the canary if it ever became markup: an image whose load fails, an inline
# script, an SVG's load event, a javascript: URL as a link (no double quotes in them: INF
# values are quoted with double quotes)
IMG = "<img src=x onerror=window.__pwned='img'>"
SCRIPT = "<script>window.__pwned='script'</script>"
SVG = "<svg onload=window.__pwned='svg'></svg>"
LINK = "javascript:window.__pwned='link'"

CANARY = "return window.__pwned === undefined ? null : String(window.__pwned);"


def assert_inert(driver, container, planted):
    """`planted` shows literally inside `container`, which holds no element made from it, and
    nothing ran: the canary is still unset after the page had time to load any image."""
    time.sleep(0.5)  # an <img src=x> fails to load within this and would run its onerror
    text = container.text
    for markup in planted:
        assert markup in text, f"{markup!r} not shown as text in:\n{text}"
    made = container.find_elements(By.CSS_SELECTOR, "img, script, svg, iframe, object, embed")
    assert not made, f"elements made from the CA's text: {[e.tag_name for e in made]}"
    links = [a.get_attribute("href") for a in container.find_elements(By.CSS_SELECTOR, "a[href]")]
    assert not [h for h in links if h.lower().startswith("javascript:")], links
    assert driver.execute_script(CANARY) is None, "markup from the CA ran in the page"


downloads, ca, app = devca_and_app("hostile")


def test_a_denial_message_holding_markup_is_shown_as_text(app, ca):
    entry_id, _ = generate(app, "client-auth")
    request_id = submit_pending(app)
    message = f"denied {IMG} {SCRIPT} {SVG}"
    proc = ca.cli("deny", str(request_id), "--message", message)
    assert proc.returncode == 0, proc.stderr
    click(app, entry_button(app, entry_id, "retrieve"))
    status, text = disposition(app)
    assert status == "denied", text
    assert_inert(app, by_testid(app, "disposition"), [IMG, SCRIPT, SVG])


def test_names_holding_markup_in_an_issued_certificate_are_shown_as_text(app, ca):
    cn = f"{IMG}"
    org = f"{SCRIPT}"
    inf = ("[NewRequest]\n"
           f'Subject = "CN=""{cn}"",O=""{org}"""\n'
           "KeyAlgorithm = ECDSA_P256\nKeyLength = 256\nExportable = TRUE\n")
    entry_id, _ = generate(app, inf=inf)
    approve_and_retrieve(app, ca, entry_id, submit_pending(app))
    # the store lists the entry by its certificate's common name
    assert_inert(app, item(app, entry_id), [cn])


def hostile_certificate() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, IMG),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, SCRIPT),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, SVG)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.UniformResourceIdentifier(LINK),
                x509.RFC822Name("a@example.com")]), critical=False)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_the_decoder_shows_markup_in_a_certificate_as_text(app):
    box = by_testid(app, "decode-input")
    app.execute_script(
        "const el = arguments[0]; el.value = arguments[1];"
        "el.dispatchEvent(new Event('input', {bubbles: true}));", box, hostile_certificate())
    output = wait_for(lambda: (o := by_testid(app, "decode-output")).get_attribute("data-kind")
                      == "certificate" and o, timeout=10, what="the decoded certificate")
    # open every branch so each field is on screen (closed <details> hide their text)
    app.execute_script("arguments[0].querySelectorAll('details').forEach(d => d.open = true);",
                       output)
    assert_inert(app, output, [IMG, SCRIPT, SVG, LINK])
    # nothing in the decoder's output is a link that a click could follow
    assert not output.find_elements(By.CSS_SELECTOR, "a"), "the decoder made a link"
