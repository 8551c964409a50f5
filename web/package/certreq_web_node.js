// The embedding module for Node.js 20+ (the package's "node" export): the same functions as
// certreq_web.js, with an init that reads the .wasm from a file, because Node's fetch does not
// read file: URLs. Web Crypto is `globalThis.crypto` in Node 20, so nothing else differs.
import { readFile } from "node:fs/promises";
import init from "./certreq_web.js";

export * from "./certreq_web.js";

const WASM = new URL("./certreq_web_bg.wasm", import.meta.url);
const REMOTE = /^(https?|data|blob):/i;

/**
 * Loads and instantiates the module's .wasm. Without an argument it reads the
 * certreq_web_bg.wasm next to this file; a file: URL or a file path is read from disk;
 * anything else (bytes, a WebAssembly.Module, an http(s) URL, a Response) is handed to the
 * browser init unchanged.
 */
export default async function initNode(input) {
  let source = input !== null && typeof input === "object" && "module_or_path" in input
    ? input.module_or_path
    : input;
  source = await source;
  if (source === undefined || source === null) {
    source = await readFile(WASM);
  } else if (source instanceof URL && source.protocol === "file:") {
    source = await readFile(source);
  } else if (typeof source === "string" && !REMOTE.test(source)) {
    source = await readFile(source.startsWith("file:") ? new URL(source) : source);
  }
  return init({ module_or_path: source });
}
