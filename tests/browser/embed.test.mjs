// The embed, as a docs site uses it: the built folder (`cargo xtask dist`, which `cargo xtask test`
// builds into dist/) served under a sub-path from one origin, a docs page holding the Share
// dialog's embed code served from another; files loaded by URL; storage that throws.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp, definitionEditor, screenshot } from './harness.mjs';

const DIST = process.env.DIST ?? join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'dist');
const SUB_PATH = '/docs/tools/baton/';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };

/** Serves `routes(path)` on a free port of 127.0.0.1 until the test ends; returns its origin. */
async function serve(t, routes) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const found = await routes(path).catch(() => null);
    if (!found) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': found.type }).end(found.body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The browser may still hold keep-alive connections; they would hold up `close` for a minute.
  t.after(() => new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  }));
  return `http://127.0.0.1:${server.address().port}`;
}

/** The built app under SUB_PATH, as a static host serves a docs site's folder. */
function builtAppUnderSubPath(path) {
  if (!path.startsWith(SUB_PATH)) return Promise.resolve(null);
  let file = normalize(path.slice(SUB_PATH.length) || 'index.html');
  if (file.startsWith('..')) return Promise.resolve(null);
  if (file.endsWith('/')) file += 'index.html';
  return readFile(join(DIST, file)).then((body) => ({ body, type: TYPES[extname(file)] ?? 'application/octet-stream' }));
}

const status = (frame) => frame.getByRole('status').textContent().then((s) => s.trim());

test('the embed code works on a foreign page, under a sub-path, plays on load and sizes its frame', async (t) => {
  // The embed code, as an author gets it: the human-approval example, its "approve" scenario,
  // "Play on load" ticked in the Share dialog.
  const { page } = await openApp(t);
  await page.getByRole('tab', { name: /Participants/ }).click();
  await page.getByRole('button', { name: 'Play scenario: approve' }).click();
  await page.getByRole('button', { name: 'Share' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share this work' });
  await dialog.getByRole('checkbox', { name: 'Play on load' }).check();
  const codeBox = dialog.getByRole('textbox', { name: 'Embed code' });
  await page.waitForFunction(() => document.querySelector('#embed-code')?.value.includes('play=1#share='));
  await screenshot(page, 'share-embed-code');
  const code = await codeBox.inputValue();
  assert.match(code, /^<iframe src="[^"]+\?embed&amp;play=1#share=[A-Za-z0-9_-]+" title="Baton: [^"]+"/);

  // The same code, pointing at the app hosted under a sub-path of another origin.
  const appOrigin = await serve(t, builtAppUnderSubPath);
  const hosted = code.replace(/src="[^"?]*/, `src="${appOrigin}${SUB_PATH}`);
  const docs = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Docs</title></head><body style="width:760px">
    <h1>The callback pattern</h1><p>Some prose.</p>${hosted}<p>After the frame.</p></body></html>`;
  const docsOrigin = await serve(t, (path) => Promise.resolve(path === '/guide.html' ? { body: docs, type: 'text/html' } : null));
  assert.notEqual(docsOrigin, appOrigin);

  const reader = await openApp(t, { path: `${docsOrigin}/guide.html`, waitForApp: false, viewport: { width: 800, height: 700 } });
  const frame = reader.page.frameLocator('iframe');
  await frame.getByRole('region', { name: 'Workflow graph' }).waitFor();
  await frame.getByRole('region', { name: 'Sequence diagram' }).waitFor();
  await frame.getByRole('region', { name: 'Token inbox' }).waitFor();
  await frame.getByRole('region', { name: 'Clock' }).waitFor();
  // The frame is another origin: the docs page cannot look inside; the test reads it directly.
  const inside = reader.page.frames().find((f) => f.url().startsWith(`${appOrigin}${SUB_PATH}`));
  assert.ok(inside, 'the embed is in its frame');
  const played = () =>
    inside.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() === 'Succeeded', null, {
      timeout: 20_000,
    });
  // Played to the end at a readable pace: the approver answers after ten (virtual) minutes.
  await played();
  assert.ok(await frame.locator('.sequence-pane svg').count() > 0, 'the sequence diagram is drawn');
  // The frame's height follows its content (the embed code listens for the embed's message).
  let content = 0;
  for (let i = 0; i < 50; i++) {
    content = Math.ceil(await inside.evaluate(() => document.querySelector('.embed').getBoundingClientRect().height));
    const outer = await reader.page.evaluate(() => document.querySelector('iframe').getBoundingClientRect().height);
    if (Math.abs(outer - content) <= 1) break;
    await reader.page.waitForTimeout(100);
  }
  const outer = await reader.page.evaluate(() => document.querySelector('iframe').getBoundingClientRect().height);
  assert.ok(Math.abs(outer - content) <= 1 && outer !== 640, `frame ${outer}px, content ${content}px`);
  await screenshot(reader.page, 'embed-on-a-docs-page', { fullPage: true });
  // "Replay" plays it again; "Open in Baton" leads to the full app with the same work.
  await frame.getByRole('button', { name: 'Replay' }).click();
  await inside.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() !== 'Succeeded');
  await played();
  const open = await frame.getByRole('link', { name: 'Open in Baton' }).getAttribute('href');
  assert.ok(open.startsWith(`${appOrigin}${SUB_PATH}#share=`), open);
});

test('the embed demo page serves two live examples from any sub-path', async (t) => {
  const appOrigin = await serve(t, builtAppUnderSubPath);
  const { page } = await openApp(t, { path: `${appOrigin}${SUB_PATH}embed-demo.html`, waitForApp: false });
  const frames = page.locator('iframe');
  assert.equal(await frames.count(), 2);
  const played = page.frameLocator('iframe').first();
  await played.getByRole('region', { name: 'Workflow graph' }).waitFor();
  await page.waitForFunction(
    () => document.querySelector('iframe').contentDocument?.querySelector('[role="status"]')?.textContent.trim() === 'Succeeded',
    null,
    { timeout: 20_000 },
  );
  const worker = page.frameLocator('iframe').nth(1);
  await frames.nth(1).scrollIntoViewIfNeeded();
  assert.match(await worker.getByRole('textbox', { name: /State machine definition/ }).inputValue(), /sqs:sendMessage\.waitForTaskToken/);
  await worker.getByRole('region', { name: 'Event history' }).waitFor();
  await worker.getByRole('button', { name: 'Start execution' }).click();
  await worker.getByRole('button', { name: 'Send task success' }).first().waitFor();
  assert.equal(await status(worker), 'Waiting for callback');
});

test('an embed works when localStorage throws on every access, and saves nothing', async (t) => {
  const { page, context } = await openApp(t);
  await context.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', {
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
  });
  await page.goto(new URL('?embed=graph,sequence,inbox,clock,history', page.url()).href);
  await page.getByRole('region', { name: 'Workflow graph' }).waitFor();
  assert.equal(await page.evaluate(() => { try { return typeof localStorage; } catch { return 'throws'; } }), 'throws');
  await page.getByRole('button', { name: 'Start execution' }).click();
  await page.getByRole('button', { name: 'Send task success' }).first().click();
  await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() === 'Succeeded');
  assert.equal(await page.locator('.toast-warning, .toast-error').count(), 0, 'nothing to warn about');
});

test('files by URL: ?definition=…&input=…&scenario=… loads them, and a missing file is said plainly', async (t) => {
  const files =
    '?definition=examples/sqs-worker/definition.asl.json&input=examples/sqs-worker/input.json' +
    '&scenario=examples/sqs-worker/worker-returns.scenario.json';
  const { page } = await openApp(t, { path: files });
  assert.match(await definitionEditor(page).inputValue(), /sqs:sendMessage\.waitForTaskToken/);
  await page.getByRole('tab', { name: /Participants/ }).click();
  assert.match(await page.getByRole('tab', { name: /Participants/ }).textContent(), /1 simulated/);
  await page.getByRole('button', { name: 'Start execution' }).click();
  await page.getByRole('button', { name: 'Advance to next deadline' }).click();
  await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() === 'Succeeded');
  await page.getByRole('region', { name: 'Shared work' }).waitFor();

  const missing = await openApp(t, { path: '?definition=flows/nowhere.asl.json', allow: [/HTTP 404/, /status of 404/] });
  await missing.page.getByText(/This link could not be opened: the definition could not be loaded from “flows\/nowhere\.asl\.json” \(HTTP 404\)/).waitFor();
  assert.match(await definitionEditor(missing.page).inputValue(), /"StartAt"/, 'the app still starts, on the example');
});
