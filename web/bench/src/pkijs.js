// pkijs: the benchmark request (see bench.js), for comparison only.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

const utf8 = (value) => new asn1js.Utf8String({ value });
const atv = (type, value) => new pkijs.AttributeTypeAndValue({ type, value });

export async function makeRequest(keys, hash = "SHA-256") {
  const csr = new pkijs.CertificationRequest();
  csr.version = 0;
  // encoded order C, O, CN: what certreq (and so our core) writes for "CN=…, O=…, C=US"
  csr.subject.typesAndValues.push(atv("2.5.4.6", new asn1js.PrintableString({ value: "US" })));
  csr.subject.typesAndValues.push(atv("2.5.4.10", utf8("Example")));
  csr.subject.typesAndValues.push(atv("2.5.4.3", utf8("bench.example.com")));
  await csr.subjectPublicKeyInfo.importKey(keys.publicKey);
  const san = new pkijs.GeneralNames({
    names: [
      new pkijs.GeneralName({ type: 2, value: "bench.example.com" }),
      new pkijs.GeneralName({ type: 2, value: "www.bench.example.com" }),
    ],
  });
  const extensions = new pkijs.Extensions({
    extensions: [
      new pkijs.Extension({
        extnID: "2.5.29.17",
        critical: false,
        extnValue: san.toSchema().toBER(false),
      }),
    ],
  });
  csr.attributes = [
    new pkijs.Attribute({ type: "1.2.840.113549.1.9.14", values: [extensions.toSchema()] }),
  ];
  await csr.sign(keys.privateKey, hash);
  return new Uint8Array(csr.toSchema(true).toBER(false));
}
