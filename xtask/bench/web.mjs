// The web app's size and speed against the budget; run by `cargo xtask bench --web` (and by plain
// `cargo xtask bench`) after a release `trunk build`, with the build served on 127.0.0.1.
//
// usage: node xtask/bench/web.mjs DIST_DIR BASE_URL [--loads N] [--clicks N] [--events N] [--json FILE]
//                                  [--engines URL --engine-runs N --engine-build TEXT]
//
// What it measures (a benchmark: it reports, it never fails on a figure):
//   1. size: every first-load asset in DIST_DIR (wasm, js, css, html), gzip -9, and the total.
//      Budget 450 kB, 1 kB = 1,000 bytes (the stricter reading). Reported apart: the modules the
//      app fetches only when first needed, the JSONata engine (DIST_DIR/jsonata/) and the extras
//      (DIST_DIR/extras/: Deploy's texts, States.Hash's digests).
//   2. load: N page loads, each in a fresh Chromium profile (launched exactly as
//      tests/browser/harness.mjs does, so nothing is cached), after one unrecorded warm-up. The
//      figure is the median time from navigation start (performance.now() = 0) to "editable": the
//      textarea named "State machine definition" is in the document, not disabled or read-only,
//      and accepts focus (el.focus() makes it document.activeElement). A MutationObserver installed
//      before any page script checks this on every DOM change, so there is no polling delay.
//      Also reported: the app's `performance.mark("baton:ready")` (its first render committed).
//      Budget 500 ms. The same for the embed (`?embed`), up to its "Start execution" being usable.
//      Then first visits, cold (3 of the app, 3 of the embed): a fresh profile whose renderer has
//      started on about:blank, then the navigation, timed from Node's request to the page being
//      usable, so the renderer process for the site and the request itself count. Budget 500 ms,
//      goal 300 ms.
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
//      for "frame", the figure a person sees. Then, in the same page, time travel: the first
//      TaskSubmitted (where the Start left the long history) is selected and "Rewind to event N"
//      and "Undo" are clicked in turn, CLICKS times each (a rewind replays the whole history from
//      the start; budget 100 ms). Then the clicks again with a history just under AWS's limit of
//      25,000 events (budget 100 ms). Then the share link of every shipped example, as the Share
//      dialog makes it: its length, whole and after the page address (reported, no budget).
//   4. engines (with --engines URL): the page at URL (xtask/bench/engines/) runs the speed workloads
//      of ../shared/bench (loop, map, chain) through Baton's engine compiled to wasm and through
//      aws-local-stepfunctions 3.0.0's browser build, in turn, in one page: one warm-up each, then
//      N (--engine-runs) alternating runs, timed in the page with performance.now(), every result
//      checked. Reported: medians, transitions per second and the ratio ALSF ms / Baton ms, against
//      the goal of at least 5x (a goal, reported as met or not; never tuned for).
// Prints a table, and the figures as JSON to FILE (default target/bench-web.json).
import { chromium } from 'playwright-core';
import { gzipSync, constants as zlib } from 'node:zlib';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname, extname } from 'node:path';

// Chromium is launched exactly as the browser tests launch it.
import { CHROMIUM, CHROMIUM_ARGS } from '../../tests/browser/harness.mjs';

const VIEWPORT = { width: 1280, height: 800 };

// The first load: 400 kB before JSONata; issue 11 allows 450 kB with it (the engine itself loads on demand).
const BUDGET = { size_bytes: 450_000, load_ms: 500, cold_ms: 500, click_ms: 50, rewind_ms: 100, click_at_limit_ms: 100 };
// A first visit (cold) should take at most 300 ms: a goal, reported as met or not.
const COLD_GOAL_MS = 300;
const COLD_RUNS = 3;
// AWS's limit on a history; the long-history clicks start just under it, so that their own events
// keep the execution within it.
const HISTORY_LIMIT = 25_000;
// Baton should be at least this many times faster than aws-local-stepfunctions in the browser.
const ENGINE_GOAL_RATIO = 5;
// State transitions per run of each workload (as in alsf.mjs and xtask/src/workloads.rs).
const TRANSITIONS = { loop: 20001, map: 10001, chain: 1000 };

const TEXT_OPTIONS = ['json', 'engines', 'engine-build'];

function parseArgs(argv) {
  const [dist, baseUrl, ...rest] = argv;
  const opts = {
    dist,
    baseUrl,
    loads: 9,
    clicks: 10,
    events: 1000,
    json: 'target/bench-web.json',
    engines: null,
    'engine-runs': 5,
    'engine-build': '',
  };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    const key = flag?.replace(/^--/, '');
    if (!(key in opts) || key === 'dist' || key === 'baseUrl' || value === undefined) usage(`bad argument ${flag}`);
    const text = TEXT_OPTIONS.includes(key);
    opts[key] = text ? value : Number.parseInt(value, 10);
    if (!text && !(opts[key] >= 1)) usage(`${flag} expects a positive number`);
  }
  if (!dist || !baseUrl) usage('DIST_DIR and BASE_URL are required');
  return opts;
}

function usage(why) {
  console.error(
    `web.mjs: ${why}\nusage: node xtask/bench/web.mjs DIST_DIR BASE_URL [--loads N] [--clicks N] [--events N] [--json FILE]` +
      ' [--engines URL --engine-runs N --engine-build TEXT]',
  );
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
const NOT_FIRST_LOAD = ['embed-demo.html'];

async function sizes(dist) {
  const assets = [];
  const ignored = [];
  for (const name of (await readdir(dist)).sort()) {
    const kind = KINDS[extname(name)];
    // The embed demo is a page of its own, not part of the app's first load.
    if (!kind || NOT_FIRST_LOAD.includes(name)) {
      if (name === 'snippets') continue;
      ignored.push(name);
      continue;
    }
    const body = await readFile(join(dist, name));
    const gzip = gzipSync(body, { level: zlib.Z_BEST_COMPRESSION }).length;
    assets.push({ kind, file: name, raw_bytes: body.length, gzip_bytes: gzip });
  }
  // wasm-bindgen's inline JS snippets (snippets/CRATE/inlineN.js) are imported by the glue: first load.
  for (const crate of (await readdir(join(dist, 'snippets')).catch(() => [])).sort()) {
    for (const name of (await readdir(join(dist, 'snippets', crate))).sort()) {
      const body = await readFile(join(dist, 'snippets', crate, name));
      const gzip = gzipSync(body, { level: zlib.Z_BEST_COMPRESSION }).length;
      assets.push({ kind: 'js', file: `snippets/${crate}/${name}`, raw_bytes: body.length, gzip_bytes: gzip });
    }
  }
  const order = ['wasm', 'js', 'css', 'html'];
  assets.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const total = assets.reduce((sum, a) => sum + a.gzip_bytes, 0);
  const raw = assets.reduce((sum, a) => sum + a.raw_bytes, 0);
  // The modules loaded on demand, not in the first load: the JSONata engine (when a definition
  // first needs it) and the extras (Deploy's texts, States.Hash's digests).
  const on_demand = [];
  for (const [dir, what] of [['jsonata', 'JSONata engine'], ['extras', 'extras']]) {
    for (const name of (await readdir(join(dist, dir)).catch(() => [])).sort()) {
      const body = await readFile(join(dist, dir, name));
      on_demand.push({ what, file: `${dir}/${name}`, raw_bytes: body.length, gzip_bytes: gzipSync(body, { level: zlib.Z_BEST_COMPRESSION }).length });
    }
  }
  return { assets, total_gzip_bytes: total, total_raw_bytes: raw, ignored, on_demand };
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

// What "editable" waits for: the full app's definition editor; the embed's "Start execution" (an
// embed's definition is hidden or read-only, so its first control is what a reader can use).
const READY_CONTROL = {
  app: 'textarea[aria-label="State machine definition"]',
  embed: '.embed-controls .btn-primary',
};

// Runs in the page before its own scripts: records when `selector` becomes usable (there, enabled,
// not read-only, and takes the focus).
function watchEditable(selector) {
  const bench = (window.__bench = { editable: null });
  const check = () => {
    const el = document.querySelector(selector);
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

async function measureLoad(url, control = READY_CONTROL.app) {
  const { page, close } = await launch();
  try {
    await page.addInitScript(watchEditable, control);
    await page.goto(url, { waitUntil: 'load' });
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

// A docs reader's first visit: a fresh profile whose renderer has already started on a blank page,
// an empty HTTP cache, then the navigation, timed from the moment it is asked for (Node's clock)
// to the moment the page is usable (the page's clock, on the same machine). Unlike `measureLoad`,
// this counts what happens before the page's own navigation start: the new renderer process for
// the site, the request, the redirect to the document.
async function measureCold(url, control) {
  const { page, close } = await launch();
  try {
    await page.goto('about:blank');
    await page.addInitScript(watchEditable, control);
    const asked = Date.now();
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__bench?.editable != null, null, { timeout: 15_000 });
    const usable = await page.evaluate(() => performance.timeOrigin + window.__bench.editable);
    return usable - asked;
  } finally {
    await close();
  }
}

// ---------------------------------------------------------------------------------------------
// Share links: how long the link of each shipped example is, as the Share dialog makes it.

async function measureShareLinks(baseUrl) {
  const { page, close } = await launch();
  try {
    await page.goto(baseUrl, { waitUntil: 'load' });
    const menu = page.getByLabel('Examples');
    await menu.waitFor();
    const slugs = await menu.locator('option').evaluateAll((options) => options.map((o) => o.value).filter(Boolean));
    const links = [];
    for (const slug of slugs) {
      await menu.selectOption(slug);
      await page.waitForFunction((s) => document.querySelector('#examples')?.value === s, slug);
      await page.getByRole('button', { name: 'Share' }).click();
      await page.waitForFunction(() => document.querySelector('#share-link')?.value.includes('#share='));
      const link = await page.locator('#share-link').inputValue();
      // The part a page address does not already hold.
      links.push({ example: slug, link_chars: link.length, fragment_chars: link.length - link.indexOf('#') });
      await page.keyboard.press('Escape');
      await page.getByRole('dialog', { name: 'Share this work' }).waitFor({ state: 'detached' });
    }
    return links;
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

// Runs in the page: clicks the button and times until every view shows the new state. `which`:
// 'success' and 'advance' (a new open token, and for the clock a new time), or the time travels
// 'rewind' ("Rewind to event N", the selected event) and 'undo' (back to where the rewind left).
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
  const travels = which === 'rewind' || which === 'undo';
  const done = (now) =>
    now.count !== before.count &&
    now.sequence !== before.sequence &&
    (travels || (now.token != null && now.token !== before.token)) &&
    (which !== 'advance' || now.clock !== before.clock) &&
    now.status === 'Waiting for callback';
  const clockButton = (test) => [...document.querySelectorAll('section[aria-label="Clock"] button')].find(test);
  const button = {
    success: () => q('section[aria-label="Token inbox"] .token-card:not(.closed) .btn-success'),
    advance: () => clockButton((b) => b.textContent.trim() === 'Advance to next deadline'),
    rewind: () => clockButton((b) => b.textContent.startsWith('Rewind to event')),
    undo: () => clockButton((b) => b.getAttribute('aria-label')?.startsWith('Undo')),
  }[which]();
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

async function measureClicks(baseUrl, clicks, events, rewinds = 0) {
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
    const out = {
      events_at_start: eventsAtStart,
      events_at_end: last,
      send_task_success: summarise(results.success),
      advance_to_next_deadline: summarise(results.advance),
    };
    if (rewinds > 0) {
      // Back to the first hand-off (the end of the Start, which built the long history): every
      // rewind replays that whole history; Undo comes back to the newest place.
      const filter = page.getByRole('searchbox', { name: 'Filter events' });
      await filter.fill('TaskSubmitted');
      await page.locator('tr.event-row').first().click();
      await filter.fill('');
      const travel = { rewind: [], undo: [] };
      for (let i = -1; i < rewinds; i++) {
        for (const which of ['rewind', 'undo']) {
          await pause();
          const r = await page.evaluate(timeClick, which);
          if (i >= 0) travel[which].push(r);
        }
      }
      out.rewind = { ...summarise(travel.rewind), events_replayed: eventsAtStart };
      out.undo_rewind = summarise(travel.undo);
    }
    return out;
  } finally {
    await close();
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Engines: Baton (wasm) and aws-local-stepfunctions (browser build), side by side

async function measureEngines(url, runs) {
  const { page, close } = await launch();
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__enginesReady === true, null, { timeout: 30_000 });
    const workloads = {};
    for (const [name, transitions] of Object.entries(TRANSITIONS)) {
      process.stdout.write(`  ${name}: `);
      // One call per workload: the page times every run itself (engines.mjs).
      const r = await page.evaluate(([n, k]) => window.benchEngines(n, k), [name, runs]);
      const engine = (times) => {
        const s = stats(times);
        return { ...s, transitions_per_s: Math.round(transitions / (s.median_ms / 1000)) };
      };
      const baton = engine(r.times.baton);
      const alsf = engine(r.times.alsf);
      const ratio = Math.round((alsf.median_ms / baton.median_ms) * 100) / 100;
      workloads[name] = {
        transitions,
        baton,
        alsf,
        alsf_ms_per_baton_ms: ratio,
        meets_goal: ratio >= ENGINE_GOAL_RATIO,
        check: r.check,
        same_output: r.same_output,
      };
      console.log(`Baton ${ms(baton.median_ms)}, alsf ${ms(alsf.median_ms)}`);
    }
    return workloads;
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

  const embedUrl = new URL('?embed', opts.baseUrl).href;
  process.stdout.write(`load of the embed (${embedUrl}): 1 warm-up + ${opts.loads} loads `);
  await measureLoad(embedUrl, READY_CONTROL.embed);
  const embedLoads = [];
  for (let i = 0; i < opts.loads; i++) {
    embedLoads.push((await measureLoad(embedUrl, READY_CONTROL.embed)).editable_ms);
    process.stdout.write('.');
  }
  console.log();
  report.load.embed_editable = stats(embedLoads);

  process.stdout.write(`first visits (cold): ${COLD_RUNS} of the app and ${COLD_RUNS} of the embed `);
  const cold = { app: [], embed: [] };
  for (let i = 0; i < COLD_RUNS; i++) {
    cold.app.push(await measureCold(opts.baseUrl, READY_CONTROL.app));
    cold.embed.push(await measureCold(embedUrl, READY_CONTROL.embed));
    process.stdout.write('.');
  }
  console.log();
  report.cold = { runs: COLD_RUNS, app: stats(cold.app), embed: stats(cold.embed) };

  console.log(`clicks: building a ~${opts.events}-event history, then ${opts.clicks} + 1 warm-up clicks of each`);
  report.clicks = {
    runs: opts.clicks,
    ...(await measureClicks(opts.baseUrl, opts.clicks, opts.events, opts.clicks)),
  };
  // Near AWS's limit: each click pair adds about 10 events, which must stay under it.
  const longClicks = Math.max(1, Math.min(opts.clicks, 10));
  const longEvents = HISTORY_LIMIT - 10 * (longClicks + 1) - 50;
  console.log(`clicks at the limit: building a ~${longEvents}-event history, then ${longClicks} + 1 warm-up clicks of each`);
  report.clicks_at_limit = { runs: longClicks, ...(await measureClicks(opts.baseUrl, longClicks, longEvents)) };

  console.log('share links: the Share dialog of every shipped example');
  report.share_links = await measureShareLinks(opts.baseUrl);

  const c = report.clicks;
  const rows = [['figure', 'measured', 'budget', 'verdict']];
  for (const a of report.size.assets) {
    rows.push([`  ${a.kind} ${a.file} (raw ${kb(a.raw_bytes)})`, kb(a.gzip_bytes), '', '']);
  }
  rows.push(['first load, gzip -9 total', kb(report.size.total_gzip_bytes), kb(BUDGET.size_bytes), verdict(report.size.total_gzip_bytes, BUDGET.size_bytes)]);
  for (const a of report.size.on_demand) {
    rows.push([`  ${a.what}, loaded on demand: ${a.file} (raw ${kb(a.raw_bytes)})`, kb(a.gzip_bytes), '', '']);
  }
  rows.push([`navigation -> editable, median of ${opts.loads}`, ms(report.load.editable.median_ms), ms(BUDGET.load_ms), verdict(report.load.editable.median_ms, BUDGET.load_ms)]);
  if (report.load.ready_mark) {
    rows.push(['  navigation -> mark baton:ready', ms(report.load.ready_mark.median_ms), '', '']);
  }
  rows.push(['  navigation -> wasm downloaded', ms(report.load.wasm_fetched_median_ms), '', '']);
  rows.push([`embed: navigation -> Start execution usable, median of ${opts.loads}`, ms(report.load.embed_editable.median_ms), ms(BUDGET.load_ms), verdict(report.load.embed_editable.median_ms, BUDGET.load_ms)]);
  for (const [name, r] of [['app', report.cold.app], ['embed', report.cold.embed]]) {
    rows.push([`first visit (cold) of the ${name}, median of ${COLD_RUNS} (${r.min_ms.toFixed(0)}..${r.max_ms.toFixed(0)} ms)`, ms(r.median_ms), ms(BUDGET.cold_ms), verdict(r.median_ms, BUDGET.cold_ms) + (r.median_ms <= COLD_GOAL_MS ? ', goal met' : `, goal ${COLD_GOAL_MS} ms`)]);
  }
  const clickRows = [
    ['Send task success', c.send_task_success],
    ['Advance to next deadline', c.advance_to_next_deadline],
  ];
  for (const [name, r] of clickRows) {
    rows.push([`${name} -> next frame, median of ${opts.clicks}`, ms(r.frame.median_ms), ms(BUDGET.click_ms), verdict(r.frame.median_ms, BUDGET.click_ms)]);
    rows.push([`  ${name} -> views updated + layout`, ms(r.update.median_ms), '', '']);
  }
  rows.push([`Rewind to event (replays ${c.rewind.events_replayed} events) -> next frame`, ms(c.rewind.frame.median_ms), ms(BUDGET.rewind_ms), verdict(c.rewind.frame.median_ms, BUDGET.rewind_ms)]);
  rows.push(['  Undo the rewind -> next frame', ms(c.undo_rewind.frame.median_ms), '', '']);
  const l = report.clicks_at_limit;
  for (const [name, r] of [['Send task success', l.send_task_success], ['Advance to next deadline', l.advance_to_next_deadline]]) {
    rows.push([`${name} at ${l.events_at_start}..${l.events_at_end} events -> next frame`, ms(r.frame.median_ms), ms(BUDGET.click_at_limit_ms), verdict(r.frame.median_ms, BUDGET.click_at_limit_ms)]);
  }
  console.log();
  console.log(`==> web app (history of ${c.events_at_start}..${c.events_at_end} events for the clicks; 1 kB = 1,000 bytes)`);
  console.log();
  table(rows);
  if (report.size.ignored.length) console.log(`  not counted (not first-load assets): ${report.size.ignored.join(', ')}`);
  console.log();
  console.log('==> share links of the shipped examples (characters after the page address)');
  console.log();
  table([['example', 'fragment', 'whole link'], ...report.share_links.map((l) => [l.example, `${l.fragment_chars}`, `${l.link_chars}`])]);

  if (opts.engines) {
    const runs = opts['engine-runs'];
    console.log();
    console.log(`engines: the speed workloads in one page, 1 warm-up + ${runs} alternating runs of each engine`);
    const workloads = await measureEngines(opts.engines, runs);
    report.engines = {
      runs,
      goal_ratio: ENGINE_GOAL_RATIO,
      baton: `Baton's engine in wasm (crates/bench-wasm), ${opts['engine-build']}`,
      alsf: "aws-local-stepfunctions 3.0.0, its browser build (build/main.browser.esm.js)",
      workloads,
      below_goal: Object.entries(workloads)
        .filter(([, w]) => !w.meets_goal)
        .map(([name]) => name),
    };
    printEngines(report.engines);
  }

  report.over_budget = [
    report.size.total_gzip_bytes > BUDGET.size_bytes && 'size',
    report.load.editable.median_ms > BUDGET.load_ms && 'load',
    report.load.embed_editable.median_ms > BUDGET.load_ms && 'embed_load',
    report.cold.app.median_ms > BUDGET.cold_ms && 'cold_app',
    report.cold.embed.median_ms > BUDGET.cold_ms && 'cold_embed',
    c.send_task_success.frame.median_ms > BUDGET.click_ms && 'send_task_success',
    c.advance_to_next_deadline.frame.median_ms > BUDGET.click_ms && 'advance_to_next_deadline',
    c.rewind.frame.median_ms > BUDGET.rewind_ms && 'rewind',
    report.clicks_at_limit.send_task_success.frame.median_ms > BUDGET.click_at_limit_ms && 'send_task_success_at_limit',
    report.clicks_at_limit.advance_to_next_deadline.frame.median_ms > BUDGET.click_at_limit_ms &&
      'advance_to_next_deadline_at_limit',
  ].filter(Boolean);
  await mkdir(dirname(opts.json), { recursive: true });
  await writeFile(opts.json, JSON.stringify(report, null, 2) + '\n');
  console.log();
  console.log(`figures written to ${opts.json}`);
  console.log(report.over_budget.length ? `OVER budget: ${report.over_budget.join(', ')}` : 'all figures within budget');
}

function printEngines(e) {
  const rate = (x) => x.toLocaleString('en-US');
  const rows = [
    ['workload', 'transitions', 'Baton ms', 'Baton transitions/s', 'alsf ms', 'alsf transitions/s', 'alsf ms / Baton ms', `goal >= ${e.goal_ratio}x`],
  ];
  for (const [name, w] of Object.entries(e.workloads)) {
    rows.push([
      name,
      rate(w.transitions),
      w.baton.median_ms.toFixed(1),
      rate(w.baton.transitions_per_s),
      w.alsf.median_ms.toFixed(1),
      rate(w.alsf.transitions_per_s),
      `${w.alsf_ms_per_baton_ms.toFixed(1)}x`,
      w.meets_goal ? 'met' : 'NOT MET',
    ]);
  }
  console.log();
  console.log(`==> speed in Chromium, one page: median of ${e.runs} runs after one warm-up, the engines alternating`);
  console.log(`    Baton: ${e.baton}`);
  console.log(`    alsf:  ${e.alsf}`);
  console.log();
  table(rows);
  console.log();
  console.log('result checks (every run of both engines passed; first 80 characters of each output):');
  for (const [name, w] of Object.entries(e.workloads)) {
    console.log(`  ${name.padEnd(6)} Baton: ${w.check.baton}${w.same_output ? '  (same output)' : '  (outputs differ)'}`);
    console.log(`  ${''.padEnd(6)} alsf:  ${w.check.alsf}`);
  }
  console.log();
  console.log(
    e.below_goal.length
      ? `goal of at least ${e.goal_ratio}x NOT MET for: ${e.below_goal.join(', ')}`
      : `goal of at least ${e.goal_ratio}x met for every workload`,
  );
}

main().catch((e) => {
  console.error(e.stack ?? e);
  process.exit(1);
});
