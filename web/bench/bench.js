// The browser benchmark (not a test). The same PKCS#10 request — subject C=US, O=Example,
// CN=bench.example.com (certreq's encoded order), SAN dns bench.example.com and
// www.bench.example.com, SHA-256 — from a key pair made once per page (not timed), by
//   core   certreq-web's embedding API: createRequest(INF, keyPair) = compile + SPKI export +
//          prepare + Web Crypto sign + finish + PEM
//   pkijs  / x509 (@peculiar/x509): the same request with those libraries (for comparison)
//   webcrypto  crypto.subtle.sign over core's to-be-signed bytes alone: the floor
//   floor  (first-request mode only) what any library pays in a fresh page before its own work:
//          a one-line JS module and an empty wasm module fetched at once, then the two Web
//          Crypto calls a request needs (SPKI export, sign over request-sized bytes)
// ?mode=full: warm-up, then n rounds, each timing every library once in a shuffled order.
// ?mode=first&lib=…&alg=…: load the library and make one request in this fresh page.
const t_script = performance.now();
const params = new URLSearchParams(location.search);
const mode = params.get("mode") || "full";

const SAN = '2.5.29.17 = "{text}dns=bench.example.com&dns=www.bench.example.com"';
const INF = {
  rsa: ["[NewRequest]", 'Subject = "CN=bench.example.com, O=Example, C=US"', "KeyLength = 2048",
        "HashAlgorithm = SHA256", "SuppressDefaults = TRUE", "[Extensions]", SAN, ""].join("\r\n"),
  p256: ["[NewRequest]", 'Subject = "CN=bench.example.com, O=Example, C=US"',
         "KeyAlgorithm = ECDSA_P256", "HashAlgorithm = SHA256", "SuppressDefaults = TRUE",
         "[Extensions]", SAN, ""].join("\r\n"),
};
const KEYGEN = {
  rsa: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
  p256: { name: "ECDSA", namedCurve: "P-256" },
};
const SIGN = { rsa: { name: "RSASSA-PKCS1-v1_5" }, p256: { name: "ECDSA", hash: "SHA-256" } };

// about the size of the benchmark's CertificationRequestInfo
const FLOOR_TBS = new Uint8Array(400);

const keygen = (alg) => crypto.subtle.generateKey(KEYGEN[alg], false, ["sign", "verify"]);

let coreModule = null;
let coreTimings = null; // the last createRequest's own per-stage timings
const marks = {};
const LOADERS = {
  core: async () => {
    // as the README's embedding section says: fetch and compile the wasm while the glue
    // module loads, instead of after it
    // (the glue is the longer path, so its request goes out first)
    const glue = import("./embed/certreq_web.js");
    const compiled = WebAssembly.compileStreaming(fetch("./embed/certreq_web_bg.wasm"));
    const m = await glue;
    marks.imported = performance.now();
    const module = await compiled;
    marks.compiled = performance.now();
    m.initSync({ module }); // the module is compiled already: instantiating it is quick
    marks.initialised = performance.now();
    coreModule = m;
    return async (keys, alg) => {
      const r = await m.createRequest(INF[alg], keys);
      coreTimings = r.timings;
      return r.der;
    };
  },
  floor: async () => {
    const glue = import("./floor.js");
    const compiled = WebAssembly.compileStreaming(fetch("./floor.wasm"));
    await glue;
    await compiled;
    return async (keys, alg) => {
      await crypto.subtle.exportKey("spki", keys.publicKey);
      return new Uint8Array(await crypto.subtle.sign(SIGN[alg], keys.privateKey, FLOOR_TBS));
    };
  },
  pkijs: async () => {
    const m = await import("./dist/pkijs.js");
    return (keys) => m.makeRequest(keys);
  },
  x509: async () => {
    const m = await import("./dist/x509.js");
    return (keys) => m.makeRequest(keys);
  },
};

// --- a little DER, to check every library's output with Web Crypto ---
function tlv(bytes, at) {
  const tag = bytes[at];
  let len = bytes[at + 1], head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[at + 2 + i];
    head = 2 + n;
  }
  return { tag, start: at, body: at + head, end: at + head + len };
}
function splitRequest(der) {
  const outer = tlv(der, 0);
  const info = tlv(der, outer.body);
  const alg = tlv(der, info.end);
  const sig = tlv(der, alg.end);
  return { tbs: der.slice(info.start, info.end), signature: der.slice(sig.body + 1, sig.end) };
}
function ecdsaDerToRaw(sig, size = 32) {
  const seq = tlv(sig, 0);
  const r = tlv(sig, seq.body), s = tlv(sig, r.end);
  const out = new Uint8Array(2 * size);
  const put = (x, off) => {
    let v = sig.slice(x.body, x.end);
    while (v.length > size && v[0] === 0) v = v.slice(1);
    out.set(v, off + size - v.length);
  };
  put(r, 0); put(s, size);
  return out;
}
async function verifies(der, keys, alg) {
  const { tbs, signature } = splitRequest(der);
  const sig = alg === "p256" ? ecdsaDerToRaw(signature) : signature;
  return crypto.subtle.verify(SIGN[alg], keys.publicKey, sig, tbs);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x) => Math.round(x * 1000) / 1000;
function shuffle(a) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

async function full() {
  const n = Number(params.get("n") || 200);
  const warmup = Number(params.get("warmup") || 20);
  const makers = {};
  for (const [name, load] of Object.entries(LOADERS)) {
    if (name !== "floor") makers[name] = await load();
  }
  const out = { mode: "full", n, warmup, userAgent: navigator.userAgent,
                crossOriginIsolated: self.crossOriginIsolated, algorithms: {} };
  for (const alg of ["rsa", "p256"]) {
    const keys = await keygen(alg);
    const sample = {};
    for (const name of Object.keys(makers)) sample[name] = await makers[name](keys, alg);
    const { tbs } = splitRequest(sample.core);
    makers.webcrypto = (k) => crypto.subtle.sign(SIGN[alg], k.privateKey, tbs);
    const checks = {};
    for (const [name, der] of Object.entries(sample)) {
      checks[name] = { bytes: der.length, verifies: await verifies(der, keys, alg) };
    }
    const names = Object.keys(makers);
    for (let i = 0; i < warmup; i++) for (const name of names) await makers[name](keys, alg);
    const times = Object.fromEntries(names.map((k) => [k, []]));
    const stages = {};
    for (let i = 0; i < n; i++) {
      for (const name of shuffle([...names])) {
        const t0 = performance.now();
        await makers[name](keys, alg);
        times[name].push(performance.now() - t0);
      }
      // the same call once more, for core's own per-stage timings (not in the medians above)
      const r = await coreModule.createRequest(INF[alg], keys);
      for (const [k, v] of Object.entries(r.timings)) (stages[k] ||= []).push(v);
    }
    const compileOnly = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      coreModule.compile(INF[alg]);
      compileOnly.push(performance.now() - t0);
    }
    delete makers.webcrypto;
    out.algorithms[alg] = {
      medianMs: Object.fromEntries(names.map((k) => [k, round(median(times[k]))])),
      p90Ms: Object.fromEntries(names.map((k) => [k, round([...times[k]].sort((a, b) => a - b)[Math.floor(0.9 * n)])])),
      coreStagesMedianMs: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(median(v))])),
      compileApiMedianMs: round(median(compileOnly)),
      outputs: checks,
    };
  }
  return out;
}

async function first() {
  const lib = params.get("lib") || "core";
  const alg = params.get("alg") || "rsa";
  const k0 = performance.now();
  const keys = await keygen(alg);
  const keygenMs = performance.now() - k0;
  const t0 = performance.now();
  const make = await LOADERS[lib]();
  const t1 = performance.now();
  const der = await make(keys, alg);
  const t2 = performance.now();
  return {
    mode: "first", lib, alg, crossOriginIsolated: self.crossOriginIsolated,
    // navigation start → first finished request, with the (untimed) key generation taken out
    fromPageStartMs: round(t2 - keygenMs),
    scriptStartMs: round(t_script),
    loadMs: round(t1 - t0),
    requestMs: round(t2 - t1),
    keygenMs: round(keygenMs),
    // what the library's files cost to fetch (resource timing; starts relative to the import)
    fetches: performance.getEntriesByType("resource")
      .filter((e) => e.startTime >= t0)
      .map((e) => ({ file: e.name.split("/").pop(), startMs: round(e.startTime - t0),
                     durationMs: round(e.duration), bytes: e.encodedBodySize })),
    marks: Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, round(v - t0)])),
    // core only: where the first request's time went, by its own stages
    stages: coreTimings && Object.fromEntries(Object.entries(coreTimings).map(([k, v]) => [k, round(v)])),
    // the floor makes no request, only a signature over zeros
    verifies: lib === "floor" || await verifies(der, keys, alg),
  };
}

(mode === "first" ? first() : full()).then(
  (r) => { window.__results = r; document.getElementById("results").textContent = JSON.stringify(r, null, 2); console.log(JSON.stringify(r)); },
  (e) => { window.__results = { error: String(e && e.stack || e) }; document.getElementById("results").textContent = "error: " + e; console.error(e); },
);
