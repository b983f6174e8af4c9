// The web app's size and speed against the budget; run by `cargo xtask bench --web` (and by plain
// `cargo xtask bench`) after a release `trunk build`, with the build served on 127.0.0.1.
//
// usage: node xtask/bench/web.mjs DIST_DIR BASE_URL [--loads N] [--clicks N] [--events N] [--json FILE]
//
// What it measures (a benchmark: it reports, it never fails on a figure):
//   1. size: every first-load asset in DIST_DIR (wasm, js, css, html), gzip -9, and the total.
//      Budget 400 kB, 1 kB = 1,000 bytes (the stricter reading).
//   2. load: N page loads, each in a fresh Chromium profile (launched exactly as
//      tests/browser/harness.mjs does, so nothing is cached), after one unrecorded warm-up. The
//      figure is the median time from navigation start (performance.now() = 0) to "editable": the
//      textarea named "State machine definition" is in the document, not disabled or read-only,
//      and accepts focus (el.focus() makes it document.activeElement). A MutationObserver installed
//      before any page script checks this on every DOM change, so there is no polling delay.
//      Also reported: the app's `performance.mark("baton:ready")` (its first render committed).
//      Budget 500 ms.
//   3. clicks: the app is given, through its UI, a definition that builds a history of about
//      EVENTS events (a Pass/Choice loop) and then waits on a callback task that loops to itself on
//      success and on timeout. Then "Send task success" and "Advance to next deadline" are clicked
//      in turn, CLICKS times each. A click is timed from just before the click (performance.now()
//      in the page) until every view shows the new state: the history table's event count, the
//      sequence diagram (a new drawing), the token inbox (a new open token) and, for the clock, the
//      virtual time, all checked by a MutationObserver. "update" stops the watch there plus a
//      forced style and layout; "frame" goes on to the next animation frame (rAF, then a task, so
//      the frame has been produced). Yew commits one action's re-render of every component (status,
//      graph included) in one pass, so the last of those signals marks the whole pass. Budget 50 ms
//      for "frame", the figure a person sees.
// Prints a table, and the figures as JSON to FILE (default target/bench-web.json).
import { chromium } from 'playwright-core';
import { gzipSync, constants as zlib } from 'node:zlib';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname, extname } from 'node:path';

// Chromium is launched exactly as the browser tests launch it.
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/browser/harness.mjs';

const VIEWPORT = { width: 1280, height: 800 };

const BUDGET = { size_bytes: 400_000, load_ms: 500, click_ms: 50 };

function parseArgs(argv) {
  const [dist, baseUrl, ...rest] = argv;
  const opts = { dist, baseUrl, loads: 9, clicks: 10, events: 1000, json: 'target/bench-web.json' };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    const key = flag?.replace(/^--/, '');
    if (!(key in opts) || key === 'dist' || key === 'baseUrl' || value === undefined) usage(`bad argument ${flag}`);
    opts[key] = key === 'json' ? value : Number.parseInt(value, 10);
    if (key !== 'json' && !(opts[key] >= 1)) usage(`${flag} expects a positive number`);
  }
  if (!dist || !baseUrl) usage('DIST_DIR and BASE_URL are required');
  return opts;
}

function usage(why) {
  console.error(`web.mjs: ${why}\nusage: node xtask/bench/web.mjs DIST_DIR BASE_URL [--loads N] [--clicks N] [--events N] [--json FILE]`);
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return null;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const round1 = (x) => (x == null ? null : Math.round(x * 10) / 10);
const stats = (xs) => ({
  median_ms: round1(median(xs)),
  min_ms: round1(Math.min(...xs)),
  max_ms: round1(Math.max(...xs)),
  samples_ms: xs.map(round1),
});

// ---------------------------------------------------------------------------------------------
// 1. Size

const KINDS = { '.wasm': 'wasm', '.js': 'js', '.css': 'css', '.html': 'html' };

async function sizes(dist) {
  const assets = [];
  const ignored = [];
  for (const name of (await readdir(dist)).sort()) {
    const kind = KINDS[extname(name)];
    if (!kind) {
      ignored.push(name);
      continue;
    }
    const body = await readFile(join(dist, name));
    const gzip = gzipSync(body, { level: zlib.Z_BEST_COMPRESSION }).length;
    assets.push({ kind, file: name, raw_bytes: body.length, gzip_bytes: gzip });
  }
  const order = ['wasm', 'js', 'css', 'html'];
  assets.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const total = assets.reduce((sum, a) => sum + a.gzip_bytes, 0);
  const raw = assets.reduce((sum, a) => sum + a.raw_bytes, 0);
  return { assets, total_gzip_bytes: total, total_raw_bytes: raw, ignored };
}

// ---------------------------------------------------------------------------------------------
// Browser

async function launch() {
  const profile = await mkdtemp(join(tmpdir(), 'baton-bench-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      colorScheme: 'light',
      viewport: VIEWPORT,
    });
  } catch (e) {
    await rm(profile, { recursive: true, force: true });
    throw new Error(`cannot launch Chromium at ${CHROMIUM} (install Debian's chromium): ${e.message}`);
  }
  const errors = [];
  context.on('weberror', (e) => errors.push(`page error: ${e.error()?.stack ?? e.error()}`));
  context.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console error: ${msg.text()}`);
  });
  context.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  const close = async () => {
    try {
      await context.close();
    } finally {
      await rm(profile, { recursive: true, force: true });
    }
    if (errors.length) throw new Error(`the page reported errors:\n  ${errors.join('\n  ')}`);
  };
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  return { context, page, close };
}

// Runs in the page before its own scripts: records when the editor becomes editable.
function watchEditable() {
  const bench = (window.__bench = { editable: null });
  const check = () => {
    const el = document.querySelector('textarea[aria-label="State machine definition"]');
    if (!el || el.disabled || el.readOnly) return false;
    const before = document.activeElement;
    el.focus();
    const ok = document.activeElement === el;
    if (ok) {
      bench.editable = performance.now();
      el.blur();
      if (before && before !== document.body && typeof before.focus === 'function') before.focus();
    }
    return ok;
  };
  const observer = new MutationObserver(() => {
    if (check()) observer.disconnect();
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

// ---------------------------------------------------------------------------------------------
// 2. Load

async function measureLoad(baseUrl) {
  const { page, close } = await launch();
  try {
    await page.addInitScript(watchEditable);
    await page.goto(baseUrl, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__bench?.editable != null, null, { timeout: 15_000 });
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const ready = performance.getEntriesByName('baton:ready', 'mark')[0];
      const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
      return {
        editable_ms: window.__bench.editable,
        ready_mark_ms: ready ? ready.startTime : null,
        dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
        load_event_ms: nav ? nav.loadEventEnd : null,
        wasm_fetched_ms: wasm ? wasm.responseEnd : null,
      };
    });
  } finally {
    await close();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Clicks with a long history

// About `events` events: ExecutionStarted, Init (2), then 4 per Count/More round, then the task
// (TaskStateEntered, TaskScheduled, TaskStarted, TaskSubmitted). The task loops to itself on
// success and on timeout, so every click leaves the execution waiting on a new token.
function benchDefinition(events) {
  const rounds = Math.max(1, Math.round((events - 7) / 4));
  return JSON.stringify(
    {
      Comment: `Bench: about ${events} events of a Pass/Choice loop, then a callback task that loops to itself`,
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Result: 0, ResultPath: '$.i', Next: 'Count' },
        Count: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'More' },
        More: {
          Type: 'Choice',
          Choices: [{ Variable: '$.i', NumericLessThan: rounds, Next: 'Count' }],
          Default: 'Ask',
        },
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'bench-worker', Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSeconds: 60,
          ResultPath: null,
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'Ask' }],
          Next: 'Ask',
        },
      },
    },
    null,
    2,
  );
}

// Runs in the page: clicks the button and times until every view shows the new state.
async function timeClick(which) {
  const q = (s) => document.querySelector(s);
  const snapshot = () => ({
    count: q('section[aria-label="Event history"] .panel-head .count')?.textContent,
    // The drawing's size and element count: it grows with every click, whether the app replaces
    // the <svg> or patches it.
    sequence: ((svg) => svg && `${svg.getAttribute('viewBox')} ${svg.querySelectorAll('*').length}`)(
      q('section[aria-label="Sequence diagram"] svg'),
    ),
    token: q('section[aria-label="Token inbox"] .token-card:not(.closed) code')?.getAttribute('title'),
    clock: q('section[aria-label="Clock"] .clock-time')?.textContent,
    status: q('[role="status"]')?.textContent.trim(),
  });
  const before = snapshot();
  const done = (now) =>
    now.count !== before.count &&
    now.sequence !== before.sequence &&
    now.token != null &&
    now.token !== before.token &&
    (which === 'success' || now.clock !== before.clock) &&
    now.status === 'Waiting for callback';
  const button =
    which === 'success'
      ? q('section[aria-label="Token inbox"] .token-card:not(.closed) .btn-success')
      : [...document.querySelectorAll('section[aria-label="Clock"] button')].find(
          (b) => b.textContent.trim() === 'Advance to next deadline',
        );
  if (!button || button.disabled) throw new Error(`no enabled button for ${which}`);

  let settled;
  const updated = new Promise((resolve) => (settled = resolve));
  const observer = new MutationObserver(() => {
    if (done(snapshot())) {
      observer.disconnect();
      settled(performance.now());
    }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
  const timeout = setTimeout(() => {
    observer.disconnect();
    settled(null);
  }, 10_000);

  const t0 = performance.now();
  button.click();
  const tDom = await updated;
  clearTimeout(timeout);
  if (tDom == null) throw new Error(`the views did not all update after ${which}: ${JSON.stringify(snapshot())}`);
  document.body.getBoundingClientRect(); // style and layout
  const tLayout = performance.now();
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const tFrame = performance.now();
  return {
    update_ms: tLayout - t0,
    dom_ms: tDom - t0,
    frame_ms: tFrame - t0,
    events: Number.parseInt(snapshot().count, 10),
  };
}

async function measureClicks(baseUrl, clicks, events) {
  const { page, close } = await launch();
  try {
    await page.goto(baseUrl, { waitUntil: 'load' });
    const editor = page.getByRole('textbox', { name: 'State machine definition' });
    await editor.fill(benchDefinition(events));
    await page.getByRole('textbox', { name: 'Execution input' }).fill('{}');
    const start = page.getByRole('button', { name: 'Start execution' });
    await start.click({ timeout: 10_000 }); // waits until enabled
    await page.waitForFunction(
      () => document.querySelector('[role="status"]')?.textContent.trim() === 'Waiting for callback',
      null,
      { timeout: 60_000 },
    );
    const eventsAtStart = await page.evaluate(() =>
      Number.parseInt(document.querySelector('section[aria-label="Event history"] .panel-head .count').textContent, 10),
    );
    const results = { success: [], advance: [] };
    const pause = () => page.waitForTimeout(150);
    // One warm-up of each, not recorded.
    for (let i = -1; i < clicks; i++) {
      for (const which of ['success', 'advance']) {
        await pause();
        const r = await page.evaluate(timeClick, which);
        if (i >= 0) results[which].push(r);
      }
    }
    const last = [...results.success, ...results.advance].reduce((m, r) => Math.max(m, r.events), 0);
    const summarise = (rs) => ({
      frame: stats(rs.map((r) => r.frame_ms)),
      update: stats(rs.map((r) => r.update_ms)),
    });
    return {
      events_at_start: eventsAtStart,
      events_at_end: last,
      send_task_success: summarise(results.success),
      advance_to_next_deadline: summarise(results.advance),
    };
  } finally {
    await close();
  }
}

// ---------------------------------------------------------------------------------------------

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => '  ' + r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
  console.log(line(rows[0]));
  console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const ms = (x) => (x == null ? '-' : `${x.toFixed(1)} ms`);
const verdict = (value, budget) => (value == null ? '-' : value <= budget ? 'PASS' : 'OVER');

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const report = { budget: BUDGET };

  report.size = await sizes(opts.dist);

  process.stdout.write(`load: 1 warm-up + ${opts.loads} loads, each in a fresh Chromium profile `);
  await measureLoad(opts.baseUrl);
  const loads = [];
  for (let i = 0; i < opts.loads; i++) {
    loads.push(await measureLoad(opts.baseUrl));
    process.stdout.write('.');
  }
  console.log();
  const pick = (key) => loads.map((l) => l[key]).filter((v) => v != null);
  report.load = {
    runs: opts.loads,
    editable: stats(pick('editable_ms')),
    ready_mark: pick('ready_mark_ms').length ? stats(pick('ready_mark_ms')) : null,
    wasm_fetched_median_ms: round1(median(pick('wasm_fetched_ms'))),
    dom_content_loaded_median_ms: round1(median(pick('dom_content_loaded_ms'))),
  };

  console.log(`clicks: building a ~${opts.events}-event history, then ${opts.clicks} + 1 warm-up clicks of each`);
  report.clicks = { runs: opts.clicks, ...(await measureClicks(opts.baseUrl, opts.clicks, opts.events)) };

  const c = report.clicks;
  const rows = [['figure', 'measured', 'budget', 'verdict']];
  for (const a of report.size.assets) {
    rows.push([`  ${a.kind} ${a.file} (raw ${kb(a.raw_bytes)})`, kb(a.gzip_bytes), '', '']);
  }
  rows.push(['first load, gzip -9 total', kb(report.size.total_gzip_bytes), kb(BUDGET.size_bytes), verdict(report.size.total_gzip_bytes, BUDGET.size_bytes)]);
  rows.push([`navigation -> editable, median of ${opts.loads}`, ms(report.load.editable.median_ms), ms(BUDGET.load_ms), verdict(report.load.editable.median_ms, BUDGET.load_ms)]);
  if (report.load.ready_mark) {
    rows.push(['  navigation -> mark baton:ready', ms(report.load.ready_mark.median_ms), '', '']);
  }
  rows.push(['  navigation -> wasm downloaded', ms(report.load.wasm_fetched_median_ms), '', '']);
  const clickRows = [
    ['Send task success', c.send_task_success],
    ['Advance to next deadline', c.advance_to_next_deadline],
  ];
  for (const [name, r] of clickRows) {
    rows.push([`${name} -> next frame, median of ${opts.clicks}`, ms(r.frame.median_ms), ms(BUDGET.click_ms), verdict(r.frame.median_ms, BUDGET.click_ms)]);
    rows.push([`  ${name} -> views updated + layout`, ms(r.update.median_ms), '', '']);
  }
  console.log();
  console.log(`==> web app (history of ${c.events_at_start}..${c.events_at_end} events for the clicks; 1 kB = 1,000 bytes)`);
  console.log();
  table(rows);
  if (report.size.ignored.length) console.log(`  not counted (not first-load assets): ${report.size.ignored.join(', ')}`);

  report.over_budget = [
    report.size.total_gzip_bytes > BUDGET.size_bytes && 'size',
    report.load.editable.median_ms > BUDGET.load_ms && 'load',
    c.send_task_success.frame.median_ms > BUDGET.click_ms && 'send_task_success',
    c.advance_to_next_deadline.frame.median_ms > BUDGET.click_ms && 'advance_to_next_deadline',
  ].filter(Boolean);
  await mkdir(dirname(opts.json), { recursive: true });
  await writeFile(opts.json, JSON.stringify(report, null, 2) + '\n');
  console.log();
  console.log(`figures written to ${opts.json}`);
  console.log(report.over_budget.length ? `OVER budget: ${report.over_budget.join(', ')}` : 'all figures within budget');
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exit(1);
});
