// The speed workloads through Baton's engine (wasm, crates/bench-wasm) and aws-local-stepfunctions'
// browser build, in turn, in this one page; `cargo xtask bench --web` copies this folder next to
// the wasm-bindgen output, the ALSF bundle and the workload files, and web.mjs calls
// `window.benchEngines(name, runs)` once per workload. All timing happens here, so no Playwright
// round-trip falls inside a timed region.
import init, { Workload } from './bench_wasm.js';
import { StateMachine } from './alsf.browser.esm.js';

// What each workload must produce, checked on every run of both engines, so a failure or a
// short-cut never passes for speed.
const CHECKS = {
  loop: (out) => out?.i === 10000,
  map: (out) =>
    Array.isArray(out) &&
    out.length === 10000 &&
    out[9999]?.id === 9999 &&
    out[9999]?.label === 'item-9999 costs 14998.5',
  chain: (out) => out?.last?.step === 999 && out?.last?.count === 160 && out?.doc?.rows?.length === 160,
};

const text = async (file) => {
  const response = await fetch(`workloads/${file}`);
  if (!response.ok) throw new Error(`HTTP ${response.status} for workloads/${file}`);
  return response.text();
};

function check(name, engine, output) {
  if (!CHECKS[name](output)) {
    throw new Error(`${engine} gave a wrong result for ${name}: ${JSON.stringify(output)?.slice(0, 200)}`);
  }
}

// One warm-up run of each engine, then `runs` timed runs of each, alternating which goes first.
// Both engines get the definition and input already parsed, as in the Node scripts; Baton's
// time includes loading the definition into its model (sim::run does that), ALSF's excludes
// its constructor.
async function benchEngines(name, runs) {
  const [definitionText, inputText] = await Promise.all([text(`${name}.asl.json`), text(`${name}.input.json`)]);
  const baton = new Workload(definitionText, inputText);
  const machine = new StateMachine(JSON.parse(definitionText), { validationOptions: { checkPaths: false } });
  const input = JSON.parse(inputText);
  const outputs = {};
  const engines = {
    baton: () => {
      const t0 = performance.now();
      baton.run();
      const ms = performance.now() - t0;
      outputs.baton = baton.output(); // JSON text; outside the timed region, as in the native bench
      check(name, 'Baton', JSON.parse(outputs.baton));
      return ms;
    },
    alsf: async () => {
      const t0 = performance.now();
      const output = await machine.run(input).result;
      const ms = performance.now() - t0;
      outputs.alsf = JSON.stringify(output);
      check(name, 'aws-local-stepfunctions', output);
      return ms;
    },
  };
  const times = { baton: [], alsf: [] };
  for (let run = -1; run < runs; run++) {
    const order = run % 2 === 0 ? ['alsf', 'baton'] : ['baton', 'alsf'];
    for (const engine of order) {
      const ms = await engines[engine]();
      if (run >= 0) times[engine].push(ms);
    }
  }
  baton.free();
  return {
    times,
    check: { baton: outputs.baton.slice(0, 80), alsf: outputs.alsf.slice(0, 80) },
    same_output: outputs.baton === outputs.alsf,
  };
}

await init();
window.benchEngines = benchEngines;
window.__enginesReady = true;
