"""`certreq -new` end to end: INF in, request out, checked by OpenSSL, `cryptography` and Go.

Each case is an INF a user might write and the facts an independent parser must read back.
"""
import ipaddress
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

from checkers import check_request, pem_or_der_to_der
from conftest import run_certreq

MS_OS_VERSION = "1.3.6.1.4.1.311.13.2.3"
MS_CLIENT_INFO = "1.3.6.1.4.1.311.21.20"
MS_CSP = "1.3.6.1.4.1.311.13.2.2"
MS_NAME_VALUE = "1.3.6.1.4.1.311.13.2.1"
EXTENSION_REQUEST = "1.2.840.113549.1.9.14"
SMIME_CAPS = "1.2.840.113549.1.9.15"


def make(certreq, tmp_path, inf_text, *flags):
    inf = tmp_path / "request.inf"
    inf.write_text(inf_text)
    out = tmp_path / "request.req"
    run_certreq(certreq, "-new", "-q", *flags, inf, out, check=True)
    return check_request(out, tmp_path), out


WEB_SERVER = """\
[Version]
Signature="$Windows NT$"

[NewRequest]
Subject = "CN=www.example.com, OU=Web, O=Example Corp, L=Springfield, S=Oregon, C=US"
KeyLength = 2048
KeySpec = 1
KeyUsage = 0xa0
HashAlgorithm = sha256
Exportable = TRUE
MachineKeySet = TRUE

[EnhancedKeyUsageExtension]
OID = 1.3.6.1.5.5.7.3.1 ; server authentication

[Extensions]
2.5.29.17 = "{text}"
_continue_ = "dns=www.example.com&"
_continue_ = "dns=example.com&"
_continue_ = "ipaddress=192.0.2.10&"
_continue_ = "IP Address=2001:db8::1&"
_continue_ = "email=webmaster@example.com&"
_continue_ = "upn=svc-web@example.com&"
_continue_ = "url=https://www.example.com/"

[RequestAttributes]
CertificateTemplate = WebServer
"""


def test_web_server_request_reads_back_in_every_parser(certreq, store, tmp_path):
    checked, out = make(certreq, tmp_path, WEB_SERVER)
    csr = checked.csr
    assert out.read_text().startswith("-----BEGIN NEW CERTIFICATE REQUEST-----")
    # certreq encodes RDNs in the reverse of the written order: C first, CN last
    assert checked.subject == "CN=www.example.com,OU=Web,O=Example Corp,L=Springfield,ST=Oregon,C=US"
    assert [a.oid for a in csr.subject][0] == NameOID.COUNTRY_NAME
    assert checked.key_description == "RSA-2048"
    assert isinstance(csr.signature_hash_algorithm, hashes.SHA256)

    ku = checked.extension(ExtensionOID.KEY_USAGE.dotted_string)
    assert ku.critical and ku.value.digital_signature and ku.value.key_encipherment
    assert not ku.value.key_cert_sign
    eku = checked.extension(ExtensionOID.EXTENDED_KEY_USAGE.dotted_string)
    assert list(eku.value) == [ExtendedKeyUsageOID.SERVER_AUTH]
    san = checked.extension(ExtensionOID.SUBJECT_ALTERNATIVE_NAME.dotted_string).value
    assert san.get_values_for_type(x509.DNSName) == ["www.example.com", "example.com"]
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("192.0.2.10"),
                                                       ipaddress.ip_address("2001:db8::1")]
    assert san.get_values_for_type(x509.RFC822Name) == ["webmaster@example.com"]
    assert san.get_values_for_type(x509.UniformResourceIdentifier) == ["https://www.example.com/"]
    upn = [o for o in san.get_values_for_type(x509.OtherName)]
    assert [o.type_id.dotted_string for o in upn] == ["1.3.6.1.4.1.311.20.2.3"]
    assert upn[0].value == b"\x0c\x13svc-web@example.com"  # UTF8String
    assert checked.extension(ExtensionOID.SUBJECT_KEY_IDENTIFIER.dotted_string) is not None
    # AT_KEYEXCHANGE keys get S/MIME capabilities unless SMIME = FALSE
    assert checked.extension(SMIME_CAPS) is not None
    assert sorted(checked.attribute_oids) == sorted(
        [MS_OS_VERSION, MS_CLIENT_INFO, MS_CSP, MS_NAME_VALUE, EXTENSION_REQUEST])
    name_value = next(a for a in csr.attributes if a.oid.dotted_string == MS_NAME_VALUE)
    assert "CertificateTemplate".encode("utf-16-be") in name_value.value
    assert "WebServer".encode("utf-16-be") in name_value.value
    # Go reads the same subject and SANs
    assert checked.cfssl["Subject"]["CommonName"] == "www.example.com"
    assert sorted(checked.cfssl["DNSNames"]) == ["example.com", "www.example.com"]


@pytest.mark.parametrize("key_inf, expected_key, expected_hash", [
    ("KeyAlgorithm = RSA\nKeyLength = 3072\nHashAlgorithm = SHA384", "RSA-3072", hashes.SHA384),
    ("KeyAlgorithm = ECDSA_P256", "EC-secp256r1", hashes.SHA256),
    ("KeyAlgorithm = ECDSA_P384\nHashAlgorithm = sha384", "EC-secp384r1", hashes.SHA384),
    ("KeyAlgorithm = ECDSA_P521\nHashAlgorithm = SHA512", "EC-secp521r1", hashes.SHA512),
    ("KeyLength = 2048\nHashAlgorithm = sha512", "RSA-2048", hashes.SHA512),
])
def test_key_algorithms_and_hashes(certreq, store, tmp_path, key_inf, expected_key, expected_hash):
    checked, _ = make(certreq, tmp_path, f'[NewRequest]\nSubject = "CN=device-01"\n{key_inf}\n')
    assert checked.key_description == expected_key
    assert isinstance(checked.csr.signature_hash_algorithm, expected_hash)
    # no KeySpec: AT_SIGNATURE, so digitalSignature only and no S/MIME capabilities
    ku = checked.extension(ExtensionOID.KEY_USAGE.dotted_string)
    assert ku.critical and ku.value.digital_signature and not ku.value.key_encipherment
    assert checked.extension(SMIME_CAPS) is None


def test_alternate_signature_algorithm_makes_rsa_pss(certreq, store, tmp_path):
    checked, _ = make(certreq, tmp_path, '[NewRequest]\nSubject = "CN=pss"\nAlternateSignatureAlgorithm = TRUE\n'
                                         'HashAlgorithm = SHA256\n')
    assert checked.csr.signature_algorithm_oid.dotted_string == "1.2.840.113549.1.1.10"
    params = checked.csr.signature_algorithm_parameters
    assert isinstance(params, padding.PSS)
    assert "RSASSA-PSS" in checked.openssl_text or "rsassaPss" in checked.openssl_text


def test_suppress_defaults_leaves_only_what_the_inf_asks_for(certreq, store, tmp_path):
    checked, _ = make(certreq, tmp_path, '[NewRequest]\nSubject = "CN=bare"\nSuppressDefaults = TRUE\n'
                                         '[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.5.5.7.3.2\n')
    assert [e.oid.dotted_string for e in checked.csr.extensions] == ["2.5.29.37"]
    assert checked.attribute_oids == [EXTENSION_REQUEST]


def test_ca_request_with_basic_constraints_and_policies(certreq, store, tmp_path):
    inf = """[NewRequest]
Subject = "CN=Example Issuing CA 1, O=Example Corp, C=US"
KeyLength = 4096
HashAlgorithm = sha256
KeyUsage = "CERT_DIGITAL_SIGNATURE_KEY_USAGE | CERT_KEY_CERT_SIGN_KEY_USAGE | CERT_CRL_SIGN_KEY_USAGE"
[Extensions]
2.5.29.19 = "{critical}{text}ca=true&pathlength=0"
2.5.29.32 = "{text}OID=1.3.6.1.4.1.99999.1.1&Notice=Example policy&URL=https://pki.example.com/cps"
2.5.29.30 = "{text}subtree=include&dns=example.com&IPAddress=10.0.0.0,255.0.0.0&subtree=exclude&dns=bad.example.com"
[RequestAttributes]
CertificateTemplate = SubCA
"""
    checked, _ = make(certreq, tmp_path, inf)
    bc = checked.extension(ExtensionOID.BASIC_CONSTRAINTS.dotted_string)
    assert bc.critical and bc.value.ca and bc.value.path_length == 0
    ku = checked.extension(ExtensionOID.KEY_USAGE.dotted_string).value
    assert ku.key_cert_sign and ku.crl_sign and ku.digital_signature
    pol = checked.extension(ExtensionOID.CERTIFICATE_POLICIES.dotted_string).value
    assert pol[0].policy_identifier.dotted_string == "1.3.6.1.4.1.99999.1.1"
    quals = pol[0].policy_qualifiers
    assert "https://pki.example.com/cps" in quals
    assert any(isinstance(q, x509.UserNotice) and q.explicit_text == "Example policy" for q in quals)
    nc = checked.extension(ExtensionOID.NAME_CONSTRAINTS.dotted_string).value
    assert x509.DNSName("example.com") in nc.permitted_subtrees
    assert x509.IPAddress(ipaddress.ip_network("10.0.0.0/8")) in nc.permitted_subtrees
    assert nc.excluded_subtrees == [x509.DNSName("bad.example.com")]
    assert checked.key_description == "RSA-4096"


def test_multi_valued_rdn_quoting_and_utf8(certreq, store, tmp_path):
    inf = '[NewRequest]\nSubject = "CN=Jürgen Müller + UID=jm, O=""Smith, Jones & Co."", DC=example, DC=com"\n'
    checked, _ = make(certreq, tmp_path, inf)
    rdns = list(checked.csr.subject.rdns)
    # reversed: DC=com first
    assert rdns[0].rfc4514_string() == "DC=com"
    assert len(rdns[-1]) == 2
    assert checked.csr.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Smith, Jones & Co."
    assert checked.csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Jürgen Müller"


def test_binary_output_is_der(certreq, store, tmp_path):
    checked, out = make(certreq, tmp_path, '[NewRequest]\nSubject="CN=binary"\n', "-binary")
    assert out.read_bytes()[0] == 0x30
    assert pem_or_der_to_der(out.read_bytes()) == checked.der


def test_rfc7468_label_option(certreq, store, tmp_path):
    _, out = make(certreq, tmp_path, '[NewRequest]\nSubject="CN=label"\n', "-rfc7468")
    assert out.read_text().startswith("-----BEGIN CERTIFICATE REQUEST-----")


def test_openssl_and_certreq_agree_on_the_subject_encoding(certreq, store, tmp_path):
    """OpenSSL with -utf8 and the reversed order produces the very same subject bytes."""
    checked, _ = make(certreq, tmp_path, '[NewRequest]\nSubject = "CN=host.example.com, O=Example, C=US"\n')
    key = tmp_path / "k.pem"
    ossl = tmp_path / "o.csr"
    subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-utf8",
                    "-subj", "/C=US/O=Example/CN=host.example.com", "-outform", "DER", "-out", str(ossl)],
                   check=True, capture_output=True)
    theirs = x509.load_der_x509_csr(ossl.read_bytes())
    assert checked.csr.subject.public_bytes() == theirs.subject.public_bytes()


SELF_SIGNED = """\
[NewRequest]
Subject = "CN=intranet.example.com, O=Example Corp"
KeyAlgorithm = ECDSA_P256
HashAlgorithm = sha256
RequestType = Cert
ValidityPeriod = Days
ValidityPeriodUnits = 10
FriendlyName = "Intranet test"

[EnhancedKeyUsageExtension]
OID = 1.3.6.1.5.5.7.3.1

[Extensions]
2.5.29.17 = "{text}dns=intranet.example.com&ipaddress=192.0.2.7"
"""


@pytest.mark.parametrize("flags", [(), ("-binary",)], ids=["pem", "binary"])
def test_request_type_cert_makes_a_self_signed_certificate_kept_with_its_key(
        certreq, store, tmp_path, flags):
    from checkers import check_self_signed
    inf = tmp_path / "self-signed.inf"
    inf.write_text(SELF_SIGNED)
    out = tmp_path / "self-signed.cer"
    proc = run_certreq(certreq, "-new", *flags, inf, out, check=True)
    assert "Certificate Created" in proc.stdout, proc.stdout
    data = out.read_bytes()
    if flags:
        assert data[0] == 0x30, "-binary writes DER"
    else:
        assert data.startswith(b"-----BEGIN CERTIFICATE-----\r\n")
    cert = check_self_signed(out, tmp_path)
    assert cert.subject.rfc4514_string() == "CN=intranet.example.com,O=Example Corp"
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert lifetime.total_seconds() == 10 * 86400
    assert cert.version == x509.Version.v3
    assert 0 < cert.serial_number < 2 ** 127, "a positive serial of 16 random bytes"
    san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
    assert san.get_values_for_type(x509.DNSName) == ["intranet.example.com"]
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("192.0.2.7")]
    eku = cert.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER)
    # kept in the store as an issued entry: the key, the certificate, no request
    (entry,) = [d for d in store.iterdir() if not d.name.startswith(".")]
    meta = dict(line.split("=", 1) for line in (entry / "meta").read_text().splitlines() if "=" in line)
    assert meta["state"] == "issued"
    assert meta["thumbprint"].lower() == cert.fingerprint(hashes.SHA1()).hex()
    assert x509.load_pem_x509_certificate((entry / "cert.pem").read_bytes()) == cert
    assert not (entry / "request.der").exists()
