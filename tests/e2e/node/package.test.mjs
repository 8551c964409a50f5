// The certreq-web package in Node.js 20+, with Node's test runner. tests/e2e/test_package.py
// installs the package into a sample project, copies this file there and runs `node --test`
// with:
//   CERTREQ_KEY     the fixed RSA-2048 test key, PKCS #8 PEM (tests/data/test-rsa-2048.pk8.pem)
//   CERTREQ_GOLDEN  the request the Rust engine makes from GOLDEN_INF with that key
//                   (tests/data/golden-suppress-defaults.der, held by core's golden test)
//   CERTREQ_OUT     a folder for the requests made here, which the Python side checks with
//                   OpenSSL, `cryptography` and Go's parser
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { before, test } from "node:test";

import init, { compile, createRequest } from "certreq-web";

const GOLDEN_INF = '[NewRequest]\nSubject = "CN=bare"\nSuppressDefaults = TRUE\nHashAlgorithm = SHA512\n';
const P256_INF = `[NewRequest]
Subject = "CN=node.example.com, O=Example, C=US"
KeyAlgorithm = ECDSA_P256
HashAlgorithm = SHA256

[Extensions]
2.5.29.17 = "{text}dns=node.example.com"
`;
const BAD_INF = '[NewRequest]\nSubject = "CN=x"\nKeyLength = many\n';

function env(name) {
  const value = process.env[name];
  assert.ok(value, `${name} is not set (tests/e2e/test_package.py sets it)`);
  return value;
}

/** The fixed RSA key as a Web Crypto key pair bound to RSASSA-PKCS1-v1_5 with SHA-512. */
async function fixedKeyPair() {
  const pem = await readFile(env("CERTREQ_KEY"), "utf8");
  const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-512" };
  const privateKey = await crypto.subtle.importKey(
    "pkcs8", Buffer.from(body, "base64"), algorithm, true, ["sign"]);
  const { kty, n, e } = await crypto.subtle.exportKey("jwk", privateKey);
  const publicKey = await crypto.subtle.importKey(
    "jwk", { kty, n, e, ext: true }, algorithm, true, ["verify"]);
  return { privateKey, publicKey };
}

before(async () => {
  // no argument: the Node entry reads certreq_web_bg.wasm from the installed package
  await init();
});

test("init also takes the .wasm's bytes, a file path, a file: URL or a URL object", () => {
  // each in a process of its own: once this one's module is instantiated, init returns it
  // and reads no argument
  const wasm = new URL(import.meta.resolve("certreq-web/certreq_web_bg.wasm"));
  const forms = {
    bytes: `{ module_or_path: await readFile(${JSON.stringify(wasm.pathname)}) }`,
    "a file path": JSON.stringify(wasm.pathname),
    "a file: URL as text": JSON.stringify(wasm.href),
    "a URL object": `new URL(${JSON.stringify(wasm.href)})`,
  };
  for (const [form, argument] of Object.entries(forms)) {
    const script = `import { readFile } from "node:fs/promises";
import init, { compile } from "certreq-web";
await init(${argument});
process.stdout.write(String(compile(${JSON.stringify(P256_INF)}).ok));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script],
      { encoding: "utf8" });
    assert.equal(out, "true", form);
  }
});

test("before init, each function says to await init() first, by rejecting if it returns a promise", () => {
  // in a process of its own, where init has not run
  const script = `import { compile, createRequest } from "certreq-web";
import { list, submit } from "certreq-web/enrollment";
const said = [];
try { compile("[NewRequest]"); said.push("compile returned"); } catch (e) { said.push(e.message); }
for (const call of [() => createRequest("[NewRequest]"), () => list(), () => submit(null, {})]) {
  const promise = call();
  said.push(promise instanceof Promise ? await promise.then(() => "resolved", (e) => e.message)
                                       : "no promise");
}
process.stdout.write(JSON.stringify(said));`;
  const said = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script],
    { encoding: "utf8" }));
  const names = ["compile", "createRequest", "list", "submit"];
  assert.equal(said.length, names.length, said.join("\n"));
  names.forEach((name, i) => assert.equal(said[i],
    `certreq-web: ${name}() was called before the module was loaded: await init() (the default export) first`));
});

test("compile reads an INF and describes the request", () => {
  const result = compile(P256_INF);
  assert.equal(result.ok, true, JSON.stringify(result.diagnostics));
  assert.deepEqual(result.preview.subject.map((rdn) => rdn[0].attribute), ["C", "O", "CN"]);
  assert.ok(result.preview.extensions.some((e) => e.oid === "2.5.29.17"));
});

test("compile places errors at their line and column", () => {
  const result = compile(BAD_INF);
  assert.equal(result.ok, false);
  assert.equal(result.preview, undefined);
  const error = result.diagnostics.find((d) => d.severity === "error");
  assert.ok(error, JSON.stringify(result.diagnostics));
  assert.equal(error.line, 3);
  assert.equal(error.code, "invalid-number");
});

test("compile throws a plain Error for an INF that is not text", () => {
  for (const value of [42, undefined, null, {}]) {
    assert.throws(() => compile(value), { message: "the INF must be text (a string)" });
  }
  // and the module goes on working
  assert.equal(compile(P256_INF).ok, true);
});

test("createRequest rejects an INF with errors, carrying the diagnostics", async () => {
  await assert.rejects(createRequest(BAD_INF), (e) => {
    assert.match(e.message, /^the INF has errors: 3:/);
    assert.equal(e.diagnostics.length, compile(BAD_INF).diagnostics.length);
    return true;
  });
});

test("createRequest makes the Rust engine's bytes from the same key", async () => {
  const keyPair = await fixedKeyPair();
  const made = await createRequest(GOLDEN_INF, keyPair);
  const golden = await readFile(env("CERTREQ_GOLDEN"));
  assert.equal(made.kind, "request");
  assert.ok(made.der instanceof Uint8Array);
  assert.equal(Buffer.from(made.der).toString("hex"), golden.toString("hex"));
  assert.ok(made.pem.startsWith("-----BEGIN NEW CERTIFICATE REQUEST-----\r\n"));
  await writeFile(join(env("CERTREQ_OUT"), "fixed-rsa.req"), made.pem);
});

test("createRequest makes a P-256 key with Web Crypto and a request with it", async () => {
  const made = await createRequest(P256_INF);
  assert.equal(made.keyPair.privateKey.algorithm.name, "ECDSA");
  assert.equal(made.keyPair.privateKey.extractable, false);
  assert.ok(made.timings.total >= made.timings.sign);
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", made.keyPair.publicKey));
  assert.ok(Buffer.from(made.der).includes(spki), "the request carries the key made");
  const again = await createRequest(P256_INF, made.keyPair);
  assert.ok(Buffer.from(again.der).includes(spki), "a key pair passed in is the one used");
  await writeFile(join(env("CERTREQ_OUT"), "p256.req"), made.pem);
});
