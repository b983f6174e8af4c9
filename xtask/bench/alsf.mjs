// Times aws-local-stepfunctions 3.0.0 (npm) on the bench workloads; run by `cargo xtask bench`.
// usage: node xtask/bench/alsf.mjs WORKLOAD_DIR [RUNS]
// For each workload (NAME.asl.json + NAME.input.json in WORKLOAD_DIR): one warm-up run, then RUNS
// timed runs to completion. Prints JSON: { NAME: { median_ms, transitions_per_s, check } }, where
// check is the first 80 characters of the output, so a wrong answer shows.
import { StateMachine } from 'aws-local-stepfunctions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const TRANSITIONS = { loop: 20001, map: 10001, chain: 1000 };

const [dir, runsArg = '5'] = process.argv.slice(2);
const runs = Number.parseInt(runsArg, 10);
if (!dir || !(runs >= 1)) {
  console.error('usage: node xtask/bench/alsf.mjs WORKLOAD_DIR [RUNS]');
  process.exit(2);
}

const readJson = (file) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

const report = {};
for (const [name, transitions] of Object.entries(TRANSITIONS)) {
  const definition = readJson(`${name}.asl.json`);
  const input = readJson(`${name}.input.json`);
  const machine = new StateMachine(definition, { validationOptions: { checkPaths: false } });
  const times = [];
  let output;
  for (let run = 0; run <= runs; run++) {
    const t0 = performance.now();
    output = await machine.run(input).result;
    const ms = performance.now() - t0;
    if (run > 0) times.push(ms); // run 0 is the warm-up
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  report[name] = {
    median_ms: Number(median.toFixed(1)),
    transitions_per_s: Math.round(transitions / (median / 1000)),
    check: JSON.stringify(output).slice(0, 80),
  };
}
console.log(JSON.stringify(report, null, 1));
