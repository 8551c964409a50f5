// compile() of two builds of the embedding module, loaded side by side in one Node.js process
// and timed in alternating rounds, so that drift of a shared machine falls on both alike.
//
//   node web/bench/compile_ab.mjs DIR_A DIR_B INF_FILE [ROUNDS=20] [CALLS=20000]
//
// DIR_A and DIR_B each hold certreq_web.js and certreq_web_bg.wasm (scripts/build-embed.sh);
// prints the median round's µs per call of each and B's time as a multiple of A's.
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";

const [dirA, dirB, infFile, rounds = "20", calls = "20000"] = process.argv.slice(2);
if (!infFile) {
  console.error("usage: node compile_ab.mjs DIR_A DIR_B INF_FILE [ROUNDS] [CALLS]");
  process.exit(2);
}
const inf = await readFile(infFile, "utf8");
const load = async (dir, tag) => {
  // a query per side: the same folder twice still gives two instances
  const m = await import(`${pathToFileURL(`${dir}/certreq_web.js`).href}?${tag}`);
  await m.default({ module_or_path: await readFile(`${dir}/certreq_web_bg.wasm`) });
  return m;
};
const mods = [await load(dirA, "a"), await load(dirB, "b")];
const times = [[], []];
for (let r = 0; r < Number(rounds); r++) {
  for (const i of r % 2 ? [1, 0] : [0, 1]) {
    const t = performance.now();
    for (let j = 0; j < Number(calls); j++) mods[i].compile(inf);
    times[i].push(((performance.now() - t) / Number(calls)) * 1000);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const [a, b] = times.map(median);
console.log(`A ${dirA}: ${a.toFixed(2)} µs  B ${dirB}: ${b.toFixed(2)} µs  B/A ${(b / a).toFixed(3)}`);
