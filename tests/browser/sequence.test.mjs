// The sequence diagram pane: lifeline heads that stay in view while the rows scroll, calls drawn
// where they happened on the virtual clock, and failures drawn in the danger colour.
import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot } from './harness.mjs';

const FINISHED = ['Succeeded', 'Failed', 'Timed out', 'Aborted'];
const status = (page) => page.getByRole('status').textContent().then((s) => s.trim());
const canvas = (page) => page.locator('.sequence-canvas');

async function waitForStatus(page, want) {
  await page.waitForFunction((want) => document.querySelector('[role="status"]')?.textContent.trim() === want, want);
}

/** The head boxes of the rows' drawing (cut off above it) and of the strip, in page coordinates. */
function headBoxes(page) {
  return page.evaluate(() => {
    const box = (g) => {
      const r = g.querySelector('rect').getBoundingClientRect();
      return { id: g.dataset.participant, left: r.left, top: r.top, width: r.width, bottom: r.bottom };
    };
    const heads = (svg) => [...document.querySelectorAll(`${svg} [data-participant]`)].map(box);
    return { rows: heads('.sequence-canvas svg'), strip: heads('.sequence-heads svg') };
  });
}

test('the lifeline heads stay in view while a long execution scrolls', async (t) => {
  const { page } = await openApp(t, { viewport: { width: 1280, height: 720 } });
  await page.getByLabel('Examples').selectOption('heartbeats');
  await page.getByRole('tab', { name: /Participants/ }).click();
  await page.getByRole('button', { name: 'Play scenario: keeps-beating' }).click();
  await page.getByRole('button', { name: 'Start execution' }).click();
  const advance = page.getByRole('button', { name: 'Advance to next deadline' });
  for (let i = 0; i < 30 && !FINISHED.includes(await status(page)); i++) {
    await advance.click();
  }
  assert.equal(await status(page), 'Succeeded');

  // The pane followed the newest row, far below the top of the drawing.
  await page.waitForFunction(() => document.querySelector('.sequence-canvas').scrollTop > 50);
  const pane = await page.getByRole('region', { name: 'Sequence diagram' }).boundingBox();
  const view = await canvas(page).boundingBox();
  const { rows, strip } = await headBoxes(page);
  assert.ok(rows.length >= 2, `${rows.length} lifelines`);
  // Every head is in the pane, just above the rows, at the x and size of its lifeline.
  assert.deepEqual(strip.map((h) => h.id), rows.map((h) => h.id));
  for (const [i, h] of strip.entries()) {
    assert.ok(h.top >= pane.y && h.bottom <= view.y, `${h.id} is in the pane, above the rows`);
    assert.ok(Math.abs(h.left - rows[i].left) < 0.5 && Math.abs(h.width - rows[i].width) < 0.5, `${h.id} is aligned`);
    const shown = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('.sequence-heads') != null,
      { x: h.left + h.width / 2, y: (h.top + h.bottom) / 2 });
    assert.ok(shown, `${h.id} is not covered`);
  }
  await screenshot(page, 'sequence-heads-scrolled');

  // At the top, the strip and the rows stack into the whole picture: the heads the rows' drawing
  // cuts off would sit exactly where the strip shows them.
  await canvas(page).evaluate((el) => { el.scrollTop = 0; });
  const top = await headBoxes(page);
  for (const [i, h] of top.strip.entries()) {
    assert.ok(Math.abs(h.top - top.rows[i].top) < 0.5 && Math.abs(h.left - top.rows[i].left) < 0.5, h.id);
  }
});

test('a StopExecution at the start is drawn after the execution started', async (t) => {
  const { page } = await openApp(t);
  await page.getByLabel('Examples').selectOption('sqs-worker');
  // Fetched on first use: Start before it has arrived would run the example shown before.
  await page.getByText('Loaded the example “SQS queue and a worker”').waitFor();
  await page.getByRole('button', { name: 'Start execution' }).click();
  await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() !== '');
  await page.getByRole('button', { name: 'Stop execution' }).click();
  await waitForStatus(page, 'Aborted');
  const rows = await canvas(page).locator('svg').evaluate((svg) =>
    [...svg.querySelectorAll('.msg, .note')].map((g) => g.querySelector('text').textContent));
  const at = (label) => rows.findIndex((r) => r.startsWith(label));
  assert.ok(at('Execution started') === 0 && at('StopExecution') > 0, rows.join(' | '));
  assert.ok(at('StopExecution') < at('Execution aborted'), rows.join(' | '));
});

for (const colorScheme of ['light', 'dark']) {
  test(`SendTaskFailure is drawn in the danger colour (${colorScheme})`, async (t) => {
    const { page } = await openApp(t, { colorScheme });
    await page.getByRole('button', { name: 'Start execution' }).click();
    await waitForStatus(page, 'Waiting for callback');
    await page.getByRole('textbox', { name: 'Error' }).fill('Rejected');
    await page.getByRole('button', { name: 'Send task failure' }).click();
    await waitForStatus(page, 'Failed');
    const colours = await page.evaluate(() => {
      const probe = document.body.appendChild(document.createElement('span'));
      probe.style.color = 'var(--bad)';
      const danger = getComputedStyle(probe).color;
      probe.remove();
      const arrow = document.querySelector('.sequence-canvas .msg.callback.fail');
      return {
        danger,
        line: getComputedStyle(arrow.querySelector('line')).stroke,
        head: getComputedStyle(arrow.querySelector('path.head')).fill,
      };
    });
    assert.equal(colours.line, colours.danger);
    assert.equal(colours.head, colours.danger);
    await screenshot(page, `sequence-failure-${colorScheme}`);
  });
}
