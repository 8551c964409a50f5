// @peculiar/x509: the benchmark request (see bench.js), for comparison only.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(globalThis.crypto);

export async function makeRequest(keys, hash = "SHA-256") {
  const algorithm = keys.privateKey.algorithm.name === "ECDSA"
    ? { name: "ECDSA", hash }
    : { name: "RSASSA-PKCS1-v1_5", hash };
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    // written in encoded order (this library does not reverse, certreq does)
    name: "C=US, O=Example, CN=bench.example.com",
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: "dns", value: "bench.example.com" },
        { type: "dns", value: "www.bench.example.com" },
      ]),
    ],
  });
  return new Uint8Array(csr.rawData);
}
