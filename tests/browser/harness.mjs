// Shared helpers for the browser tests: node:test + Playwright (npm `playwright-core`) driving
// Debian's Chromium against the built app.
//
// Running: `cargo xtask test` builds dist/, serves it on 127.0.0.1 and runs
// `node --test tests/browser/` with BASE_URL set. By hand, against `cargo xtask serve`:
//   BASE_URL=http://127.0.0.1:8080/ node --test tests/browser/
// Test files are tests/browser/*.test.mjs; this file is not a test.
//
// API
//   openApp(t, options?) -> Promise<{ page, context, errors }>
//     Launches a fresh headless Chromium (new temporary profile, so empty localStorage), opens
//     BASE_URL (+ options.path) and waits until the app has rendered. Records every page error
//     (uncaught exception), console error, failed request and HTTP response >= 400 into `errors`
//     (strings). When the test ends, it closes the browser and FAILS THE TEST if `errors` is not
//     empty. To accept an error you expect, remove it from `errors` before the test ends, or pass
//     `allow: [/regex/]`.
//     options:
//       colorScheme: 'light' | 'dark' | 'no-preference'   (default 'light')
//       viewport:    { width, height }                     (default 1280 x 800)
//       path:        string appended to BASE_URL, e.g. '?example=retry' or '#share=...' (default '')
//       waitForApp:  false to skip waiting for the first render (default true)
//       allow:       RegExp[]; recorded errors matching any of them are ignored
//     The profile persists for the test's lifetime: `page.reload()` keeps localStorage.
//   screenshot(page, name, { fullPage = false } = {}) -> Promise<string>
//     Saves tests/artifacts/NAME.png (gitignored) and returns its path.
//   definitionEditor(page) -> Locator
//     The textbox named "State machine definition".
//   waitForApp(page) -> Promise<void>
//     Waits until the app has rendered something into <body> (openApp does this already).
//   BASE_URL, ARTIFACTS: the app's URL and the screenshot folder.
//
// Example
//   import test from 'node:test';
//   import assert from 'node:assert/strict';
//   import { openApp, definitionEditor, screenshot } from './harness.mjs';
//
//   test('the editor shows the example', async (t) => {
//     const { page } = await openApp(t, { colorScheme: 'dark' });
//     const editor = definitionEditor(page);
//     assert.match(await editor.inputValue(), /"StartAt"/);
//     await screenshot(page, 'editor-dark');
//   });

import { chromium } from 'playwright-core';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The screenshot folder: tests/artifacts/. */
export const ARTIFACTS = join(HERE, '..', 'artifacts');

/** Where the app is served; set by `cargo xtask test`. */
export const BASE_URL = process.env.BASE_URL ?? '';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Without the networking flags Chromium keeps trying to reach the internet.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Opens the app in a fresh headless Chromium; see the API notes at the top of this file.
 * @param {import('node:test').TestContext} t
 * @param {{ colorScheme?: 'light'|'dark'|'no-preference', viewport?: {width: number, height: number},
 *           path?: string, waitForApp?: boolean, allow?: RegExp[] }} [options]
 */
export async function openApp(t, options = {}) {
  const {
    colorScheme = 'light',
    viewport = { width: 1280, height: 800 },
    path = '',
    waitForApp: wait = true,
    allow = [],
  } = options;
  if (!BASE_URL) {
    throw new Error(
      'BASE_URL is not set: run the browser tests with `cargo xtask test`, or set BASE_URL to a served app',
    );
  }

  const profile = await mkdtemp(join(tmpdir(), 'baton-browser-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      colorScheme,
      viewport,
    });
  } catch (e) {
    await rm(profile, { recursive: true, force: true });
    throw new Error(`cannot launch Chromium at ${CHROMIUM} (install Debian's chromium): ${e.message}`);
  }

  const errors = [];
  const record = (message) => {
    if (!allow.some((re) => re.test(message))) errors.push(message);
  };
  context.on('weberror', (e) => record(`page error: ${e.error()?.stack ?? e.error()}`));
  context.on('console', (msg) => {
    if (msg.type() === 'error') {
      const { url, lineNumber } = msg.location();
      record(`console error: ${msg.text()}${url ? ` (at ${url}:${lineNumber})` : ''}`);
    }
  });
  context.on('response', (response) => {
    if (response.status() >= 400) {
      record(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });
  context.on('requestfailed', (request) => {
    record(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`);
  });

  t.after(async () => {
    const seen = [...errors];
    try {
      await context.close();
    } finally {
      await rm(profile, { recursive: true, force: true });
    }
    if (seen.length > 0) {
      throw new Error(`the page reported ${seen.length} error(s):\n  ${seen.join('\n  ')}`);
    }
  });

  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  await page.goto(new URL(path, BASE_URL).href, { waitUntil: 'load' });
  if (wait) await waitForApp(page);
  return { page, context, errors };
}

/** Waits until the app has rendered something into <body>. */
export async function waitForApp(page) {
  await page.waitForFunction(
    () => [...document.body.children].some((el) => !['SCRIPT', 'LINK', 'STYLE'].includes(el.tagName)),
    null,
    { timeout: 15_000 },
  );
}

/** The state machine definition editor. */
export function definitionEditor(page) {
  return page.getByRole('textbox', { name: 'State machine definition' });
}

/** Saves tests/artifacts/NAME.png and returns its path. */
export async function screenshot(page, name, { fullPage = false } = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage, animations: 'disabled' });
  return file;
}
