// <certreq-enroll>: a certificate enrollment form for intranet portals, in its own small file
// beside certreq_web.js. A page loads it with one <script type="module" src=".../certreq-enroll.js">
// (no bundler); the engine with enrollment and the key store (certreq_web_enroll.js and its
// .wasm, a build of the embedding module of its own) is imported the first time an element
// is connected, and certreq-tools.wasm (the enrollment protocols, the PFX writer) when the
// first request is sent. Nothing here is inline script or inline style, so the element works
// under `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'` (web/package/README.md).
//
// Attributes: ca (Web Enrollment …/certsrv or EST …/.well-known/est URL, relative to the page),
// template, inf (INF text, or the URL of an .inf file; or an inline <template> child holding
// the INF text), fields (the values the user may edit: CN, DNS, or any [NewRequest] key such as
// FriendlyName; the rest is locked), store ("indexeddb", the default: keys kept in the browser's
// store; "none": keys handed back in the events, nothing kept).
// Events (bubbling, composed): certreq-request, certreq-issued, certreq-pending, certreq-error.

const here = (name) => new URL(name, import.meta.url);

let engine = null;
/** The embedding module, loaded and initialised once for every element of the page; a load
 * that failed (the network, a file not there yet) is tried again by the next element. */
function load() {
  engine ??= import(here("certreq_web_enroll.js").href).then(async (m) => {
    await m.default({ module_or_path: here("certreq_web_enroll_bg.wasm") });
    m.setToolsUrl(here("certreq-tools.wasm"));
    return m;
  }).catch((e) => {
    engine = null;
    throw e;
  });
  return engine;
}

const TEXT = {
  en: {
    request: "Request certificate",
    retrieve: "Check again",
    cer: "Download certificate (.cer)",
    pfx: "Export key and certificate (.pfx)",
    password: "PFX password",
    locked: "Set by this portal",
    dnsHelp: "one per line",
    working: "Working…",
    issued: "Issued: the certificate is ready.",
    issuedKept: "Issued: the certificate is kept with its key in this browser.",
    pending: (n) => `Pending: the CA waits for an administrator${n == null ? "" : ` (request ${n})`}.`,
    denied: "The CA refused the request.",
    invalid: "The request cannot be made: fix the values below.",
    loadFailed: "The enrollment form could not be loaded.",
    noInf: "This form has no INF (attribute inf or a <template> child).",
    noCa: "This form has no CA (attribute ca).",
    badCa: (ca) => `The form's CA (attribute ca) is not a web address: ${ca}`,
    badStore: (s) => `The form's store (attribute store) must be indexeddb or none, not "${s}".`,
    notDns: (n) => `"${n}" is not a DNS name: letters, digits, "-", ".", "_" and "*" only.`,
    line: (n) => `line ${n}`,
  },
  de: {
    request: "Zertifikat anfordern",
    retrieve: "Erneut abfragen",
    cer: "Zertifikat herunterladen (.cer)",
    pfx: "Schlüssel und Zertifikat exportieren (.pfx)",
    password: "PFX-Kennwort",
    locked: "Vom Portal festgelegt",
    dnsHelp: "einer pro Zeile",
    working: "Bitte warten…",
    issued: "Ausgestellt: das Zertifikat ist bereit.",
    issuedKept: "Ausgestellt: das Zertifikat ist mit seinem Schlüssel in diesem Browser gespeichert.",
    pending: (n) => `Ausstehend: die CA wartet auf eine Freigabe${n == null ? "" : ` (Anforderung ${n})`}.`,
    denied: "Die CA hat die Anforderung abgelehnt.",
    invalid: "Die Anforderung kann so nicht erstellt werden: bitte die Werte korrigieren.",
    loadFailed: "Das Formular konnte nicht geladen werden.",
    noInf: "Diesem Formular fehlt die INF (Attribut inf oder ein <template>).",
    noCa: "Diesem Formular fehlt die CA (Attribut ca).",
    badCa: (ca) => `Die CA des Formulars (Attribut ca) ist keine Webadresse: ${ca}`,
    badStore: (s) => `Der Speicher des Formulars (Attribut store) muss indexeddb oder none sein, nicht "${s}".`,
    notDns: (n) => `„${n}“ ist kein DNS-Name: nur Buchstaben, Ziffern, „-“, „.“, „_“ und „*“.`,
    line: (n) => `Zeile ${n}`,
  },
};

const STYLE = `
:host { display: block; color-scheme: inherit; font: var(--certreq-font, inherit);
  color: var(--certreq-color, CanvasText); background: var(--certreq-background, Canvas);
  border: 1px solid var(--certreq-border-color, GrayText); border-radius: var(--certreq-radius, 6px);
  padding: var(--certreq-padding, 1rem); max-width: var(--certreq-max-width, 40rem); }
:host([hidden]) { display: none; }
form { display: grid; gap: var(--certreq-gap, .75rem); margin: 0; }
label, .field { display: grid; gap: .25rem; } label { font-weight: 600; }
.help { font-weight: normal; font-size: .9em; }
input, textarea { font: inherit; color: inherit; background: Field; color: FieldText;
  border: 1px solid var(--certreq-border-color, GrayText); border-radius: 4px; padding: .35rem .5rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem .75rem; margin: 0; }
dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
.locked-title { margin: 0; font-size: 1em; }
button { font: inherit; padding: .4rem .9rem; border-radius: 4px; cursor: pointer;
  border: 1px solid var(--certreq-accent, light-dark(#0b57d0, #a8c7fa));
  background: var(--certreq-accent, light-dark(#0b57d0, #a8c7fa));
  color: var(--certreq-accent-text, light-dark(#ffffff, #062e6f)); }
button:disabled { cursor: default; opacity: .6; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
[role="status"]:empty, ul:empty { display: none; }
ul, .error { margin: 0; padding-left: 1.25rem; color: var(--certreq-error-color, inherit); }
.error { padding: 0; font-weight: normal; } .error:empty { display: none; }
li[data-severity="error"] { font-weight: 600; }
`;

let sheet = null;
function styles() {
  if (sheet === null) {
    // a constructed stylesheet, not a <style> element: a style-src without 'unsafe-inline'
    // allows it
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
  }
  return sheet;
}

/** One element with attributes (a `part` among them) and children. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (name === "text") el.textContent = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children.filter((c) => c != null));
  return el;
}

// ---- the INF's values, read and written as text ------------------------------------------

// a header may end in a comment, as any line (`[NewRequest] ; the request`)
const NEWREQUEST = /^\s*\[\s*NewRequest\s*\](\s*;.*)?\s*$/i;
const SECTION = /^\s*\[([^\]]*)\](\s*;.*)?\s*$/;

function lines(text) {
  return text.split(/\r\n|\r|\n/); // as certreq (and compile's line numbers) read them
}

/** The lines of section `name`: [first line after the header, end) or null. */
function sectionRange(ls, name) {
  const header = new RegExp(`^\\s*\\[\\s*${name}\\s*\\](\\s*;.*)?\\s*$`, "i");
  const start = ls.findIndex((l) => header.test(l));
  if (start < 0) return null;
  let end = start + 1;
  while (end < ls.length && !SECTION.test(ls[end])) end += 1;
  return [start + 1, end];
}

/** A value as written after `=`, split where a `;` outside double quotes starts a comment:
 * [the value, the comment with the blanks before it ("" when there is none)]. */
function splitComment(raw) {
  let quoted = false;
  for (let i = 0; i < raw.length; i += 1) {
    if (raw[i] === '"') quoted = !quoted;
    else if (raw[i] === ";" && !quoted) {
      const value = raw.slice(0, i).trimEnd();
      return [value, raw.slice(value.length)];
    }
  }
  return [raw, ""];
}

function unquote(value) {
  const v = value.trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replaceAll('""', '"') : v;
}

function quote(value) {
  return `"${value.replaceAll('"', '""')}"`;
}

const KEYED = /^\s*([^;=\s][^=]*?)\s*=\s*(.*)$/;

/** `Key = value` lines of a section as [key, value, line index, the line's comment]. */
function sectionValues(text, name) {
  const ls = lines(text);
  const range = sectionRange(ls, name);
  if (range === null) return [];
  const out = [];
  for (let i = range[0]; i < range[1]; i += 1) {
    const m = KEYED.exec(ls[i]);
    if (m) {
      const [value, comment] = splitComment(m[2]);
      out.push([m[1], unquote(value), i, comment]);
    }
  }
  return out;
}

const newRequestValues = (text) => sectionValues(text, "NewRequest");

/** A value as certreq reads it: `%name%` from [Strings] (its names, lowercase → values),
 * `%%` → `%`; a name [Strings] does not define stays as written. */
function expand(value, strings) {
  return value.replace(/%([^%]*)%/g, (all, name) => (name ? strings.get(name.toLowerCase()) ?? all : "%"));
}

/** [Strings]' names, lowercase, → their values as certreq reads them: the first definition
 * of a name, `%%` → `%`. */
function stringsOf(text) {
  const strings = new Map();
  for (const [k, v] of sectionValues(text, "Strings")) {
    if (!strings.has(k.toLowerCase())) strings.set(k.toLowerCase(), v.replaceAll("%%", "%"));
  }
  return strings;
}

/** What the user typed, as a value certreq reads back the same (`%` is `%%`). */
const literal = (value) => value.replaceAll("%", "%%");

/** The text with [NewRequest]'s `key` set to `value` (added when it is not there). */
function setNewRequestValue(text, key, value) {
  const ls = lines(text);
  const found = newRequestValues(text).find(([k]) => k.toLowerCase() === key.toLowerCase());
  if (found) {
    ls[found[2]] = `${found[0]} = ${quote(value)}${found[3]}`;
  } else {
    const at = ls.findIndex((l) => NEWREQUEST.test(l));
    if (at < 0) return text;
    ls.splice(at + 1, 0, `${key} = ${quote(value)}`);
  }
  return ls.join("\n");
}

/** The subject's CN (the first), or "". */
function subjectCn(subject) {
  const m = /(?:^|[,;]\s*)CN\s*=\s*("(?:[^"]|"")*"|[^,;+]*)/i.exec(subject);
  return m ? unquote(m[1]) : "";
}

function withCn(subject, cn) {
  const v = /[,;+="]/.test(cn) ? quote(cn) : cn;
  const re = /((?:^|[,;]\s*)CN\s*=\s*)("(?:[^"]|"")*"|[^,;+]*)/i;
  return re.test(subject) ? subject.replace(re, (_, lead) => lead + v) : (subject ? `CN=${v}, ${subject}` : `CN=${v}`);
}

const CONTINUE = /^\s*_continue_\s*=\s*(.*)$/i;

/** The SAN extension's `{text}` entries (`dns=…`, `email=…`…) and where they are written. */
function sanEntries(text) {
  const ls = lines(text);
  const range = sectionRange(ls, "Extensions");
  if (range === null) return { entries: [], at: null };
  // the line's OID may be a [Strings] name, as Microsoft's examples write it
  // (`%szOID_SUBJECT_ALT_NAME2% = …`)
  const strings = stringsOf(text);
  for (let i = range[0]; i < range[1]; i += 1) {
    const m = KEYED.exec(ls[i]);
    if (!m || expand(m[1], strings).trim() !== "2.5.29.17") continue;
    const [first, comment] = splitComment(m[2]);
    let body = unquote(first);
    let end = i + 1;
    while (end < range[1] && CONTINUE.test(ls[end])) {
      body += unquote(splitComment(CONTINUE.exec(ls[end])[1])[0]);
      end += 1;
    }
    body = body.replace(/^\{text\}/i, "");
    return { entries: body.split("&").filter((e) => e.trim() !== ""), at: [i, end], comment, key: m[1] };
  }
  return { entries: [], at: null, section: range };
}

// a DNS name as the form takes it: `&`, `=`, quotes and the like would write names of other
// kinds (a UPN, an e-mail address) into the INF's `{text}` SAN beside the DNS names it opened
const DNS_NAME = /^[\p{L}\p{N}*._-]+$/u;

/** The words of a list separated by blanks or commas (the DNS field, `fields`). */
function splitList(value) {
  return value.split(/[\s,]+/).filter((n) => n !== "");
}

/** The download's name from a request's preview: its CN, or "certificate". */
function fileName(preview) {
  return (preview?.subject.flat().find((p) => p.attribute === "CN")?.value ?? "certificate")
    .replace(/[^A-Za-z0-9._-]+/g, "_");
}

function dnsNames(text) {
  return sanEntries(text).entries
    .filter((e) => /^\s*dns\s*=/i.test(e))
    .map((e) => expand(e.slice(e.indexOf("=") + 1).trim(), stringsOf(text)));
}

/** The text with the SAN's DNS names replaced by `names` (its other names kept). */
function withDnsNames(text, names) {
  const ls = lines(text);
  const { entries, at, section, comment = "", key = "2.5.29.17" } = sanEntries(text);
  const kept = entries.filter((e) => !/^\s*dns\s*=/i.test(e));
  const all = [...names.map((n) => `dns=${n}`), ...kept];
  const line = all.length ? `${key} = "{text}${all.join("&")}"${comment}` : null;
  if (at !== null) {
    ls.splice(at[0], at[1] - at[0], ...(line === null ? [] : [line]));
  } else if (line !== null && section) {
    ls.splice(section[1], 0, line);
  } else if (line !== null) {
    ls.push("", "[Extensions]", line);
  }
  return ls.join("\n");
}

/** An INF file's bytes as certreq reads them (the engine's own rule): UTF-16 or UTF-8 by its
 * byte order mark, else UTF-8 when it is valid, else Windows-1252 (Notepad's "ANSI"). */
function decodeInf(bytes) {
  const [a, b, c] = bytes;
  const bom = a === 0xff && b === 0xfe ? "utf-16le"
    : a === 0xfe && b === 0xff ? "utf-16be" : a === 0xef && b === 0xbb && c === 0xbf ? "utf-8" : null;
  if (bom) return new TextDecoder(bom).decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

// ---- the element ---------------------------------------------------------------------------

class CertreqEnroll extends HTMLElement {
  static get observedAttributes() {
    return ["ca", "template", "inf", "fields", "store", "lang"];
  }

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.shadowRoot.adoptedStyleSheets = [styles()];
    this._inf = null;
    this._result = null;
    this._busy = false;
  }

  connectedCallback() {
    // the page's language, when a portal switches it on <html>
    this._langWatch ??= new MutationObserver(() => this._redraw());
    this._langWatch.observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
    void this._start();
  }

  disconnectedCallback() {
    this._langWatch?.disconnect();
  }

  attributeChangedCallback(name) {
    // once started: drawn again for the new attributes, or its module tried again
    if (name === "lang") this._redraw();
    else if (this.isConnected && (this._api || this._loadFailed)) void this._start();
  }

  _redraw() {
    if (this._api && this._inf !== null && this._inputs) this._render(this._api);
  }

  get _text() {
    const lang = (this.closest("[lang]")?.getAttribute("lang") || document.documentElement.lang || "en")
      .toLowerCase().split("-")[0];
    return TEXT[lang] ?? TEXT.en;
  }

  get _lang() {
    return this.closest("[lang]")?.getAttribute("lang") || document.documentElement.lang || "en";
  }

  /** The editable values' names, as written in `fields` (case kept for [NewRequest] keys). */
  get _fields() {
    return splitList(this.getAttribute("fields") ?? "");
  }

  /** "indexeddb" (the default), "none", or undefined for any other value. */
  get _storeMode() {
    const mode = (this.getAttribute("store") ?? "indexeddb").trim().toLowerCase();
    return mode === "indexeddb" || mode === "none" ? mode : undefined;
  }

  get _storeKeys() {
    return this._storeMode !== "none";
  }

  // where this form remembers the stored entry of a request the CA holds, across reloads: the
  // page, the element's id (else its place on the page, through the shadow roots it is in:
  // two forms without ids must not take each other's request; the first keeps the key
  // earlier versions wrote), the CA and the template
  get _pendingKey() {
    let at = "";
    for (let el = this; el; el = el.getRootNode().host) {
      const n = [...el.getRootNode().querySelectorAll(el.localName)].indexOf(el);
      at = at ? `${n}.${at}` : `${n}`;
    }
    return `certreq-enroll pending ${location.pathname} ${this.id || (/^0(\.0)*$/.test(at) ? "" : `#${at}`)} ${this._ca() ?? ""} `
      + `${this.getAttribute("template") ?? ""}`;
  }

  /** Remembers (or, for null, forgets) the entry of the request made under `key`. */
  _remember(id, key) {
    try {
      if (id === null) localStorage.removeItem(key);
      else localStorage.setItem(key, id);
    } catch {
      // no storage for the page: the entry is still in the store, the API lists it
    }
  }

  /** After a reload: the request this form sent that the CA still holds is offered again
   * (Check again), instead of a second key and request. */
  async _resume(api, run) {
    if (this._made || this._storeMode !== "indexeddb") return;
    const at = this._where();
    let id = null;
    try {
      id = localStorage.getItem(at.key);
    } catch {
      return;
    }
    if (!id) return;
    const entry = await api.get(id).catch(() => null);
    // a request the user started meanwhile, or attributes changed: that is what the form shows
    if (run !== this._run || this._made || this._busy) return;
    if (entry?.state !== "pending") return this._remember(null, at.key);
    this._made = { pem: entry.request, entry: id, keyPair: null, requestId: entry.requestId, ...at };
    this._exportable = entry.exportable;
    this._fileName = fileName(api.compile(entry.inf).preview);
    this._say("pending", entry.requestId);
    this._retry.hidden = false;
  }

  async _infText() {
    const attr = this.getAttribute("inf");
    if (attr !== null && attr.includes("[")) return attr;
    if (attr !== null && attr.trim() !== "") {
      const answer = await fetch(new URL(attr, document.baseURI), { cache: "no-cache" });
      if (!answer.ok) throw new Error(`${attr} answered HTTP ${answer.status}`);
      return decodeInf(new Uint8Array(await answer.arrayBuffer()));
    }
    const template = this.querySelector("template");
    return template ? template.content.textContent : null;
  }

  async _start() {
    // attributes changed again while this ran: only the latest run draws
    const run = (this._run = (this._run ?? 0) + 1);
    const t = this._text;
    let api;
    let inf;
    try {
      api = this._api = await load();
      this._loadFailed = false;
      inf = await this._infText();
    } catch (e) {
      if (run !== this._run) return;
      this._loadFailed = !this._api;
      this._renderProblem(`${t.loadFailed} ${e.message ?? e}`);
      this._error({ message: String(e.message ?? e) });
      return;
    }
    if (run !== this._run) return;
    this._inf = inf;
    if (inf === null) return this._renderProblem(t.noInf);
    this._render(api);
    await this._resume(api, run);
  }

  _renderProblem(message) {
    this._inputs = null;
    this.shadowRoot.replaceChildren(h("p", { part: "status", role: "alert", lang: this._lang, text: message }));
  }

  /** The INF with the user's values written in. */
  _edited() {
    let text = this._inf;
    for (const [name, input] of this._inputs) {
      const value = input.value.trim();
      if (name === "cn") {
        const raw = newRequestValues(text).find(([k]) => k.toLowerCase() === "subject")?.[1] ?? "";
        // a subject written with [Strings] names is written back as certreq reads it, so
        // that the CN the field shows (perhaps inside a name) is the one replaced
        const subject = raw.includes("%") ? literal(expand(raw, stringsOf(text))) : raw;
        text = setNewRequestValue(text, "Subject", withCn(subject, literal(value)));
      } else if (name === "dns") {
        // a name that is not one is said at the field (_check) and never written
        text = withDnsNames(text, splitList(value).filter((n) => DNS_NAME.test(n)));
      } else if (value !== "" || newRequestValues(text).some(([k]) => k.toLowerCase() === name.toLowerCase())) {
        text = setNewRequestValue(text, name, literal(value));
      }
    }
    return text;
  }

  _render(api) {
    const t = this._text;
    const fields = this._fields;
    const lower = fields.map((f) => f.toLowerCase());
    const strings = stringsOf(this._inf);
    // the values as certreq reads them ([Strings] names replaced)
    const values = newRequestValues(this._inf).map(([k, v]) => [k, expand(v, strings)]);
    // drawn again for the same INF (the language, another attribute): what was typed stays
    const typed = this._inputs && this._drawn === this._inf
      ? new Map([...this._inputs].map(([n, i]) => [n, i.value])) : new Map();
    this._drawn = this._inf;
    this._inputs = new Map();
    this._errors = new Map();

    const editable = [];
    const field = (name, label, value, multiline, help) => {
      const id = `f-${name}`;
      const input = multiline
        ? h("textarea", { id, name, part: "input", rows: 3, spellcheck: "false" })
        : h("input", { id, name, part: "input", type: "text", spellcheck: "false", autocomplete: "off" });
      input.value = typed.get(name) ?? value;
      // what is wrong with the value, said at the field (outside the label: it describes the
      // input, it is not part of its name)
      const error = h("span", { id: `e-${name}`, part: "error", class: "error" });
      input.setAttribute("aria-describedby", error.id);
      this._inputs.set(name, input);
      this._errors.set(name, error);
      input.addEventListener("input", () => this._check());
      editable.push(h("div", { part: "field", class: "field" },
        h("label", { part: "label", for: id }, label,
          help ? h("span", { class: "help", text: ` (${help})` }) : null),
        input, error));
    };
    if (lower.includes("cn")) {
      const subject = values.find(([k]) => k.toLowerCase() === "subject")?.[1] ?? "";
      field("cn", "CN", subjectCn(subject), false);
    }
    if (lower.includes("dns")) field("dns", "DNS", dnsNames(this._inf).join("\n"), true, t.dnsHelp);
    for (const [key, value] of values) {
      const k = key.toLowerCase();
      if (lower.includes(k) && !this._inputs.has(k) && !this._inputs.has(key)) field(key, key, value, false);
    }
    // a [NewRequest] key the portal opens that the INF does not set yet: an empty field, and
    // the key is written only when something is typed into it
    for (const name of fields) {
      const k = name.toLowerCase();
      if (k === "cn" || k === "dns" || values.some(([key]) => key.toLowerCase() === k)) continue;
      if (![...this._inputs.keys()].some((n) => n.toLowerCase() === k)) field(name, name, "", false);
    }

    // everything else the INF sets is shown, not editable
    const locked = h("dl", { part: "locked" });
    for (const [key, value] of values) {
      if (this._inputs.has(key)) continue;
      let shown = value;
      if (key.toLowerCase() === "subject" && this._inputs.has("cn")) {
        shown = withCn(value, "…");
      }
      locked.append(h("dt", { text: key }), h("dd", { "data-key": key, text: shown }));
    }
    const kept = sanEntries(this._inf).entries.filter((e) => !(this._inputs.has("dns") && /^\s*dns\s*=/i.test(e)));
    if (kept.length) locked.append(h("dt", { text: "SAN" }), h("dd", { "data-key": "SAN", text: expand(kept.join(", "), strings) }));
    // the request's attributes go to the CA as written (a SAN attribute adds names there)
    for (const [key, value] of sectionValues(this._inf, "RequestAttributes")) {
      locked.append(h("dt", { text: key }), h("dd", { "data-key": `RequestAttributes ${key}`, text: expand(value, strings) }));
    }
    if (this.getAttribute("template")) {
      locked.append(h("dt", { text: "Template" }), h("dd", { "data-key": "Template", text: this.getAttribute("template") }));
    }

    this._diagnostics = h("ul", { part: "diagnostics", "aria-live": "polite", "aria-label": "INF" });
    this._submit = h("button", { part: "button submit", type: "submit", text: t.request });
    // the last request's state outlives a new drawing: its status, Check again, its downloads
    this._status ??= h("p", { part: "status", role: "status", "aria-live": "polite" });
    this._downloads ??= h("div", { part: "downloads", class: "actions" });
    if (!this._retry) {
      this._retry = h("button", { part: "button retrieve", type: "button", hidden: true });
      this._retry.addEventListener("click", () => void this._retrieve());
    }
    this._retry.textContent = t.retrieve;
    this._retry.disabled = this._busy;
    // the last status and downloads in the form's language
    if (this._said) this._say(...this._said);
    if (this._issued) this._offer(this._issued);
    // what the portal's own text is told already: said in the list, not at a field
    this._baseline = new Set(api.compile(this._inf).diagnostics.map((d) => `${d.code} ${d.message}`));
    const form = h("form", { part: "form", lang: this._lang, novalidate: true },
      ...editable,
      values.length || kept.length ? h("h3", { class: "locked-title", text: t.locked }) : null,
      locked, this._diagnostics,
      h("div", { class: "actions" }, this._submit, this._retry),
      this._status, this._downloads);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this._request();
    });
    this.shadowRoot.replaceChildren(form);
    this._check();
  }

  /** Which field wrote each line of the edited INF: 1-based line → the field's name. */
  _fieldLines(text) {
    const at = new Map();
    const values = newRequestValues(text);
    for (const name of this._inputs.keys()) {
      if (name === "dns") {
        const san = sanEntries(text).at;
        for (let i = san?.[0] ?? 0; i < (san?.[1] ?? 0); i += 1) at.set(i + 1, name);
      } else {
        const key = name === "cn" ? "subject" : name.toLowerCase();
        const found = values.find(([k]) => k.toLowerCase() === key);
        if (found) at.set(found[2] + 1, name);
      }
    }
    return at;
  }

  /** Checks the edited INF and says whether it may be sent: what is wrong with a field's
   * value under that field, the rest of the INF's diagnostics (the portal's locked text) in
   * the list, by line. */
  _check() {
    const t = this._text;
    const text = this._edited();
    const checked = this._api.compile(text);
    const said = new Map([...this._inputs.keys()].map((n) => [n, { words: [], invalid: false }]));
    const dns = this._inputs.get("dns");
    const notNames = dns ? splitList(dns.value).filter((n) => !DNS_NAME.test(n)) : [];
    if (notNames.length) said.set("dns", { words: notNames.map(t.notDns), invalid: true });
    const at = this._fieldLines(text);
    const rest = [];
    for (const d of checked.diagnostics) {
      if (d.severity === "note") continue;
      const words = `${d.message}${d.help ? ` (${d.help})` : ""}`;
      // at the field that wrote its line, unless the portal's own text says it as well
      const field = this._baseline.has(`${d.code} ${d.message}`) ? undefined : at.get(d.line);
      if (field) {
        said.get(field).words.push(words);
        said.get(field).invalid ||= d.severity === "error";
      } else {
        rest.push(h("li", { "data-severity": d.severity, "data-code": d.code, text: `${t.line(d.line)}: ${words}` }));
      }
    }
    for (const [name, { words, invalid }] of said) {
      this._errors.get(name).textContent = words.join(" ");
      if (invalid) this._inputs.get(name).setAttribute("aria-invalid", "true");
      else this._inputs.get(name).removeAttribute("aria-invalid");
    }
    this._diagnostics.replaceChildren(...rest);
    this._ok = checked.ok && notNames.length === 0;
    this._submit.disabled = this._busy || !this._ok;
    return checked;
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** certreq-error, with the request it is about when one was made (its PEM, its entry or,
   * with store="none", its key pair: nothing the page needs is only in the element). */
  _error({ message, diagnostics = [], requestId = null, explanation = null }, made = null) {
    this._emit("certreq-error", { message, diagnostics, requestId, explanation,
      pem: made?.pem ?? null, entry: made?.entry ?? null, keyPair: made?.keyPair ?? null });
  }

  /** The CA's address: null without the attribute, undefined when it is not a web address
   * (not a URL, or not http: or https:, such as ftp: or ldap:). */
  _ca() {
    const ca = this.getAttribute("ca");
    if (!ca) return null;
    try {
      const url = new URL(ca, document.baseURI);
      if (/^https?:$/.test(url.protocol)) return url.href.replace(/\/$/, "");
    } catch {}
    return undefined;
  }

  /** Where a request is sent now: the CA, the template and the key it is remembered under. */
  _where() {
    return { ca: this._ca(), template: this.getAttribute("template"), key: this._pendingKey };
  }

  // where the request was sent, though the attributes changed since; a key the page holds
  // (store="none"): the browser's store is left alone
  _options(made) {
    const options = made.entry === null ? { ca: made.ca, store: false } : { ca: made.ca };
    if (made.template) options.template = made.template;
    return options;
  }

  /** The status line: one of TEXT's sayings (in the form's language, again when it is drawn
   * again) or, with no such saying, the words given. */
  _say(key, ...args) {
    this._said = [key, ...args];
    const saying = this._text[key];
    this._status.textContent = saying === undefined ? args.join(" ")
      : typeof saying === "function" ? saying(...args) : [saying, ...args].join(" ");
  }

  _setBusy(busy) {
    this._busy = busy;
    this._submit.disabled = busy || !this._ok;
    this._retry.disabled = busy;
    if (busy) this._say("working");
  }

  async _request() {
    const t = this._text;
    const checked = this._check();
    if (!this._ok) {
      this._say("invalid");
      this._error({ message: t.invalid, diagnostics: checked.diagnostics });
      return;
    }
    const ca = this._ca();
    const mode = this._storeMode;
    if (ca == null || mode === undefined) {
      const message = mode === undefined ? t.badStore(this.getAttribute("store"))
        : ca === null ? t.noCa : t.badCa(this.getAttribute("ca"));
      this._say(null, message);
      this._error({ message });
      return;
    }
    const inf = this._edited();
    const where = this._where();
    this._setBusy(true);
    this._issued = null;
    this._downloads.replaceChildren();
    let made = null;
    try {
      if (this._unsent?.inf === inf && this._unsent.storeKeys === this._storeKeys) {
        // the request a failed submit left (its key kept, or in hand; no CA took it): sent
        // again, to the CA the attributes name now, not made again with another key
        made = { ...this._unsent.made, ...where };
        this._unsent.made = made;
      } else {
        if (this._storeKeys) {
          const { pem, entry } = await this._api.generate(inf);
          made = { pem, entry: entry.id, keyPair: null };
        } else {
          const { pem, keyPair } = await this._api.createRequest(inf);
          made = { pem, entry: null, keyPair };
        }
        made = { ...made, ...where };
        this._unsent = { inf, storeKeys: this._storeKeys, made };
        this._emit("certreq-request", { pem: made.pem, entry: made.entry, keyPair: made.keyPair });
      }
      this._made = made;
      this._exportable = checked.preview.exportable;
      // the download's name from the request as sent: the fields may be edited while it waits
      this._fileName = fileName(checked.preview);
      const options = this._options(made);
      const result = made.entry === null
        ? await this._api.submit(made.pem, options)
        : await this._api.submit(null, { ...options, entry: made.entry });
      this._unsent = null;
      this._answered(result);
    } catch (e) {
      // the CA holds it: Check again retrieves it, never sends it again
      if (e?.requestId != null) {
        this._unsent = null;
        this._made.requestId = e.requestId;
        this._retry.hidden = false;
        if (made?.entry != null) this._remember(made.entry, made.key);
      }
      this._failed(e, e?.requestId, made);
    } finally {
      this._setBusy(false);
    }
  }

  async _retrieve() {
    const made = this._made;
    if (!made) return;
    this._setBusy(true);
    try {
      const options = this._options(made);
      let result;
      if (made.entry !== null) result = await this._api.retrieve({ ...options, entry: made.entry });
      else if (made.requestId != null) result = await this._api.retrieve({ ...options, requestId: made.requestId });
      // EST gives no request id: a pending request is collected by sending it again
      else result = await this._api.submit(made.pem, options);
      this._answered(result);
    } catch (e) {
      this._failed(e, made.requestId, made);
    } finally {
      this._setBusy(false);
    }
  }

  _failed(e, requestId = null, made = null) {
    this._say(null, e?.message ?? String(e));
    this._error({ message: e?.message ?? String(e), diagnostics: e?.diagnostics ?? [],
      requestId: requestId ?? null, explanation: e?.explanation ?? null }, made);
  }

  _answered(result) {
    const t = this._text;
    const made = this._made;
    made.requestId = result.requestId ?? made.requestId ?? null;
    this._retry.hidden = result.status !== "pending";
    if (made.entry !== null) this._remember(result.status === "pending" ? made.entry : null, made.key);
    if (result.status === "issued") {
      this._say(result.entry ? "issuedKept" : "issued");
      this._issued = result;
      this._offer(result);
      this._emit("certreq-issued", { certificate: result.certificate, chain: result.chain, requestId: made.requestId,
        pem: made.pem, entry: made.entry, keyPair: made.keyPair });
    } else if (result.status === "pending") {
      this._say("pending", made.requestId);
      // the form's own words (in its language, naming its Check again), not the API's
      this._emit("certreq-pending", { requestId: made.requestId, pem: made.pem, entry: made.entry,
        keyPair: made.keyPair, message: this._status.textContent });
    } else {
      this._say("denied", result.message);
      this._error({ message: result.message, requestId: made.requestId, explanation: result.explanation }, made);
    }
  }

  /** The buttons the INF allows: the certificate always, the PFX when the key is exportable
   * and kept in the store. */
  _offer(result) {
    const t = this._text;
    const name = this._fileName;
    const cer = h("button", { part: "button download", type: "button", text: t.cer });
    cer.addEventListener("click", () => save(`${name}.cer`, "application/pkix-cert", result.certificate));
    this._downloads.replaceChildren(cer);
    if (this._exportable && this._made.entry !== null) {
      const password = h("input", { id: "pfx-password", part: "input", type: "password", autocomplete: "new-password" });
      // a PFX is written only with a password to protect its key
      const pfx = h("button", { part: "button export", type: "button", text: t.pfx, disabled: true });
      password.addEventListener("input", () => { pfx.disabled = password.value === ""; });
      pfx.addEventListener("click", async () => {
        try {
          const bytes = await this._api.exportPfx(this._made.entry, password.value);
          save(`${name}.pfx`, "application/x-pkcs12", bytes);
        } catch (e) {
          this._failed(e, this._made.requestId, this._made);
        }
      });
      this._downloads.append(h("label", { part: "field", for: "pfx-password" },
        h("span", { part: "label", text: t.password }), password), pfx);
    }
  }
}

function save(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

if (!customElements.get("certreq-enroll")) customElements.define("certreq-enroll", CertreqEnroll);

export { CertreqEnroll };
