// Times jsonata-js 2.0.6 (npm) on the whole JSONata reference suite; run by `cargo xtask bench`,
// beside crates/jsonata/examples/suite_bench.rs, which times Baton's engine on the same cases.
// usage: node xtask/bench/jsonata.mjs SUITE_DIR RUNS OUT_JSON
// Every case is parsed and evaluated (reading the files excluded) once as a warm-up, then RUNS
// times, each case timed alone. OUT_JSON is { engine, runs, cases: [{ name, outcome, ms: [...] }] },
// where outcome is `value`, `undefined`, `error CODE` or `timeout`.
// As the suite's own runner does, a case with `timelimit` and `depth` is bounded by both (through
// jsonata's evaluate entry and exit hooks, only on those cases: the hooks cost every other case).
import jsonata from 'jsonata';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const [dir, runsArg, out] = process.argv.slice(2);
const runs = Number.parseInt(runsArg, 10);
if (!dir || !(runs >= 1) || !out) {
  console.error('usage: node xtask/bench/jsonata.mjs SUITE_DIR RUNS OUT_JSON');
  process.exit(2);
}
const version = createRequire(import.meta.url)('jsonata/package.json').version;
if (version !== '2.0.6') {
  console.error(`jsonata ${version} is installed where 2.0.6 is expected: run \`npm ci\``);
  process.exit(1);
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

// Every *.json under groups/ (a file holds one case or an array of them), named as the Rust side
// names them: group/stem or group/stem[i].
const cases = [];
for (const group of readdirSync(join(dir, 'groups')).sort()) {
  const groupDir = join(dir, 'groups', group);
  for (const file of readdirSync(groupDir).filter((f) => f.endsWith('.json')).sort()) {
    const stem = file.slice(0, -'.json'.length);
    const spec = readJson(join(groupDir, file));
    const specs = Array.isArray(spec) ? spec.map((s, i) => [`${group}/${stem}[${i}]`, s]) : [[`${group}/${stem}`, spec]];
    for (const [name, s] of specs) {
      const expr = s.expr !== undefined ? s.expr : readFileSync(join(groupDir, s['expr-file']), 'utf8');
      let input;
      if (s.data !== undefined) input = s.data;
      else if (typeof s.dataset === 'string') input = readJson(join(dir, 'datasets', `${s.dataset}.json`));
      const bound = s.timelimit !== undefined && s.depth !== undefined ? { ms: s.timelimit, depth: s.depth } : null;
      cases.push({ name, expr, input, bindings: s.bindings || {}, bound });
    }
  }
}

// Ends an evaluation deeper than `depth` or longer than `ms`, with JSONata's U1001.
function applyBound(expression, { ms, depth }) {
  const started = Date.now();
  let current = 0;
  expression.assign(Symbol.for('jsonata.__evaluate_entry'), () => {
    current += 1;
    if (current > depth) {
      throw { code: 'U1001', message: 'Stack overflow error: Check for non-terminating recursive function.' };
    }
    if (Date.now() - started > ms) {
      throw { code: 'U1001', message: 'Expression evaluation timeout: Check for infinite loop' };
    }
  });
  expression.assign(Symbol.for('jsonata.__evaluate_exit'), () => {
    current -= 1;
  });
}

async function evaluate(c) {
  try {
    const expression = jsonata(c.expr);
    if (c.bound) applyBound(expression, c.bound);
    const result = await expression.evaluate(c.input, c.bindings);
    return result === undefined ? 'undefined' : 'value';
  } catch (e) {
    if (e && e.code === 'U1001' && /timeout/.test(e.message)) return 'timeout';
    return `error ${(e && e.code) || (e && e.name) || 'unknown'}`;
  }
}

const outcomes = [];
const times = cases.map(() => []);
for (let run = 0; run <= runs; run++) {
  for (let i = 0; i < cases.length; i++) {
    const t0 = performance.now();
    const outcome = await evaluate(cases[i]);
    const ms = performance.now() - t0;
    if (run === 0) outcomes.push(outcome); // the warm-up run says what each case does
    else times[i].push(ms);
  }
}
const report = {
  engine: `jsonata-js ${version}`,
  runs,
  cases: cases.map((c, i) => ({ name: c.name, outcome: outcomes[i], ms: times[i] })),
};
writeFileSync(out, JSON.stringify(report));
console.log(`jsonata-js ${version}: ${cases.length} cases, ${runs} runs, written to ${out}`);
