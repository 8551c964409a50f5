// node scripts/guard_glue.mjs GLUE.js GLUE.d.ts
// wasm-bindgen's glue calls into the module through a variable `init` sets; before `init`,
// every export failed with "Cannot read properties of undefined", thrown in the call even by
// the functions that promise to report failures by rejecting. This gives each exported
// function a first line that, before `init`, throws an Error naming init() (a function that
// returns a promise, as its declaration in the .d.ts says: rejects with it). Run on the glue
// before it is minified; a glue whose shape this does not know fails the build.
import { readFileSync, writeFileSync } from "node:fs";

const [glue, dts] = process.argv.slice(2);
let js = readFileSync(glue, "utf8");
const declared = readFileSync(dts, "utf8");
const fail = (why) => {
  console.error(`guard_glue: ${glue}: ${why}`);
  process.exit(1);
};
if (!/^let [^;\n]*\bwasm\b[^;\n]*;$/m.test(js) || !js.includes("wasm = instance.exports")) {
  fail("no `let … wasm;` that init assigns: wasm-bindgen's glue has changed shape");
}
const names = [];
js = js.replace(/^export function (\w+)\(([^)]*)\) \{\n/gm, (whole, name) => {
  if (name === "initSync") return whole;
  const signature = declared.match(new RegExp(`^export function ${name}\\(.*\\): (.+);$`, "m"));
  if (!signature) fail(`${name} is not declared in ${dts}`);
  names.push(name);
  const failure = `notLoaded(${JSON.stringify(name)})`;
  const guard = signature[1].startsWith("Promise<")
    ? `return Promise.reject(${failure});`
    : `throw ${failure};`;
  return `${whole}    if (wasm === undefined) ${guard}\n`;
});
if (names.length === 0) fail("no exported function found");
// every function the declarations export is guarded (a shape the pattern above missed fails)
for (const [, name] of declared.matchAll(/^export function (\w+)\(/gm)) {
  if (name !== "initSync" && !names.includes(name)) fail(`${name} was not found to guard`);
}
js += `
function notLoaded(name) {
    return new Error(\`certreq-web: \${name}() was called before the module was loaded: await init() (the default export) first\`);
}
`;
writeFileSync(glue, js);
console.error(`guard_glue: ${glue}: ${names.join(", ")}`);
