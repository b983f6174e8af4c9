// One timeline behind every view: the inbox, the history and the diagrams agree on each token, and
// the execution can be rewound to any event, answered differently, and brought back with Undo.
import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot } from './harness.mjs';

const statusText = (page) => page.getByRole('status').textContent().then((s) => s.trim());

async function waitForStatus(page, text) {
  await page.waitForFunction(
    (want) => document.querySelector('[role="status"]')?.textContent.trim() === want,
    text,
  );
  assert.equal(await statusText(page), text);
}

async function setScenario(page, scenario) {
  await page.getByRole('tab', { name: /Participants/ }).click();
  await page.locator('.scenario-json summary').click();
  await page.getByRole('textbox', { name: 'Scenario JSON' }).fill(JSON.stringify(scenario));
  await page.getByRole('tab', { name: /Token inbox/ }).click();
}

const closedTag = (page) => page.locator('.token-card .tag-closed').first();

test('a token answered within one command has a card saying who answered', async (t) => {
  const { page } = await openApp(t);
  await setScenario(page, {
    responders: { RequestApproval: [{ callback: 'success', output: { decision: 'approve' } }] },
  });
  await page.getByRole('button', { name: 'Start execution' }).click();
  await waitForStatus(page, 'Succeeded');
  assert.equal(await page.locator('.token-card').count(), 1);
  assert.equal((await closedTag(page).textContent()).trim(), 'Answered with SendTaskSuccess by send-approval-email');
});

test('a missed heartbeat reads States.Timeout, as in the history', async (t) => {
  const { page } = await openApp(t);
  await page.getByLabel('Examples').selectOption('heartbeats');
  await page.getByRole('tab', { name: /Participants/ }).click();
  await page.getByRole('button', { name: 'Play scenario: stops-beating' }).click();
  await page.getByRole('tab', { name: /Token inbox/ }).click();
  await page.getByRole('button', { name: 'Start execution' }).click();
  const advance = page.getByRole('button', { name: 'Advance to next deadline' });
  for (let i = 0; i < 10 && !['Failed', 'Succeeded'].includes(await statusText(page)); i++) {
    await advance.click();
  }
  await waitForStatus(page, 'Failed');
  assert.match(await closedTag(page).textContent(), /^Timed out \(States\.Timeout\)/);
  const history = page.getByRole('region', { name: 'Event history' });
  assert.match(await history.textContent(), /States\.Timeout/);
  assert.doesNotMatch(await page.locator('.token-card').first().textContent(), /HeartbeatTimeout/);
});

test('rewind to the hand-off, answer differently, and undo brings back the first branch', async (t) => {
  const { page } = await openApp(t);
  await page.getByRole('button', { name: 'Start execution' }).click();
  await waitForStatus(page, 'Waiting for callback');
  await page.getByRole('textbox', { name: 'Task output' }).fill('{"decision":"approve"}');
  await page.getByRole('button', { name: 'Send task success' }).click();
  await waitForStatus(page, 'Succeeded');

  // Select the callback's TaskSubmitted event in the sequence diagram (the history table shows
  // the same selection), then rewind to it.
  const submitted = page.locator('tr.event-row', { hasText: 'TaskSubmitted' });
  const id = (await submitted.locator('.col-id').textContent()).trim();
  await page.locator(`.sequence-canvas [data-event="${id}"]`).first().click();
  assert.equal(await submitted.getAttribute('aria-selected'), 'true');
  await page.getByRole('button', { name: `Rewind to event ${id}` }).click();
  await waitForStatus(page, 'Waiting for callback');
  assert.equal(await page.locator('tr.event-row').count(), Number(id), 'the history ends at that event');
  assert.match(await page.locator('.token-card .tag-open').first().textContent(), /open/);

  await page.getByRole('textbox', { name: 'Error' }).fill('Rejected');
  await page.getByRole('button', { name: 'Send task failure' }).click();
  await waitForStatus(page, 'Failed');
  await screenshot(page, 'timeline-branch');
  assert.ok(await page.getByRole('button', { name: 'Restore the other branch' }).isVisible());
  // The sequence diagram says where the branches part.
  const sequence = page.getByRole('region', { name: 'Sequence diagram' });
  assert.match(await sequence.locator('.branch-note').textContent(), new RegExp(`branched after event ${id}`, 'i'));

  const undo = page.getByRole('button', { name: 'Undo the last action on the execution' });
  await undo.click();
  await waitForStatus(page, 'Waiting for callback');
  await undo.click();
  await waitForStatus(page, 'Succeeded');
  await page.getByRole('button', { name: 'Redo' }).click();
  await waitForStatus(page, 'Waiting for callback');
});
