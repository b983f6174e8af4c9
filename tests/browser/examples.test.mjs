// Every example keeps the promise its README makes, through clicks alone: load the example, play
// each of its scenarios in the participants panel, start, and advance the virtual clock to each
// next deadline until the execution ends, and on through the calls scripted for after the end;
// then the status (and the error, for a failure) must be what the scenario's `expect` says. The scenarios are read from examples/ itself, so a new one is
// tested without touching this file.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp, screenshot } from './harness.mjs';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');
const LABELS = { SUCCEEDED: 'Succeeded', FAILED: 'Failed', TIMED_OUT: 'Timed out', ABORTED: 'Aborted' };
const FINISHED = Object.values(LABELS);

async function scenariosOf(slug) {
  const files = (await readdir(join(EXAMPLES, slug))).filter((f) => f.endsWith('.scenario.json')).sort();
  return Promise.all(files.map(async (f) => ({
    name: f.replace(/\.scenario\.json$/, ''),
    expect: JSON.parse(await readFile(join(EXAMPLES, slug, f), 'utf8')).expect,
  })));
}

const slugs = (await readdir(EXAMPLES, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();

for (const slug of slugs) {
  test(`example ${slug}: every scenario ends as promised`, async (t) => {
    const scenarios = await scenariosOf(slug);
    assert.ok(scenarios.length > 0, `${slug} has no scenario`);
    const { page } = await openApp(t);
    const status = () => page.getByRole('status').textContent().then((s) => s.trim());
    for (const { name, expect } of scenarios) {
      assert.ok(expect?.status, `${slug}/${name} promises no outcome`);
      await page.getByLabel('Examples').selectOption(slug);
      await page.getByRole('tab', { name: /Participants/ }).click();
      await page.getByRole('button', { name: `Play scenario: ${name}` }).click();
      // No verdict yet: the last run played another scenario.
      assert.doesNotMatch(await page.locator('.promise').textContent(), /promised$/, `${slug}/${name} before the run`);
      await page.getByRole('button', { name: 'Start execution' }).click();
      await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() !== '');
      const advance = page.getByRole('button', { name: 'Advance to next deadline' });
      for (let i = 0; i < 60 && !FINISHED.includes(await status()); i++) {
        await advance.click();
      }
      assert.equal(await status(), LABELS[expect.status], `${slug}/${name}`);
      // Scripted calls after the end (a late or duplicate click) still happen, and change nothing.
      for (let i = 0; i < 10 && await advance.isEnabled(); i++) {
        await advance.click();
      }
      assert.equal(await advance.isEnabled(), false, `${slug}/${name}: the clock has nothing left`);
      assert.equal(await status(), LABELS[expect.status], `${slug}/${name}`);
      if (expect.error) {
        assert.match(await page.locator('.status-bar').textContent(), new RegExp(`Error${expect.error.replace('.', '\\.')}`), `${slug}/${name}`);
      }
      // The participants panel says the promise was kept.
      await page.getByRole('tab', { name: /Participants/ }).click();
      assert.match(await page.locator('.promise').textContent(), /✓ as promised/, `${slug}/${name}`);
    }
    await screenshot(page, `example-${slug}`);
  });
}
