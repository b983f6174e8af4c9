// The human-approval example end to end, as a person would use it: start an execution, play the
// approver through the token inbox, and fast-forward the virtual clock. Each flow fails on any page
// or console error (the harness) and saves a screenshot under tests/artifacts/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openApp, definitionEditor, screenshot } from './harness.mjs';

const status = (page) => page.getByRole('status');
const sequenceSvg = (page) => page.getByRole('region', { name: 'Sequence diagram' }).locator('svg').first();
const graphSvg = (page) => page.getByRole('region', { name: 'Workflow graph' }).locator('svg').first();

async function start(page) {
  await page.getByRole('button', { name: 'Start execution' }).click();
  await assertStatus(page, 'Waiting for callback');
}

async function assertStatus(page, text) {
  await page.waitForFunction(
    (want) => document.querySelector('[role="status"]')?.textContent.trim() === want,
    text,
  );
  assert.equal((await status(page).textContent()).trim(), text);
}

async function svgText(locator) {
  return locator.evaluate((svg) => svg.textContent);
}

test('approve: Send task success ends the execution Succeeded', async (t) => {
  const { page } = await openApp(t);
  await start(page);
  const output = page.getByRole('textbox', { name: 'Task output' });
  await output.fill('{"decision":"approve"}');
  await page.getByRole('button', { name: 'Send task success' }).click();
  await assertStatus(page, 'Succeeded');
  assert.match(await svgText(sequenceSvg(page)), /SendTaskSuccess/);
  await screenshot(page, 'approval-approve');

  // The history downloads as {"events": [...]}, the shape of GetExecutionHistory.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export history JSON' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'execution-history.json');
  const body = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(body.events[0].type, 'ExecutionStarted');
  assert.equal(body.events.at(-1).type, 'ExecutionSucceeded');
});

test('reject: Send task failure ends the execution Failed', async (t) => {
  const { page } = await openApp(t);
  await start(page);
  await page.getByRole('textbox', { name: 'Error' }).fill('Rejected');
  await page.getByRole('textbox', { name: 'Cause' }).fill('Not in budget');
  await page.getByRole('button', { name: 'Send task failure' }).click();
  await assertStatus(page, 'Failed');
  assert.match(await page.locator('.status-bar').textContent(), /Rejected/);
  assert.match(await svgText(sequenceSvg(page)), /SendTaskFailure/);
  await screenshot(page, 'approval-reject');
});

test('timeout: advancing the clock takes the Catch to ApprovalTimedOut', async (t) => {
  const { page } = await openApp(t, { colorScheme: 'dark' });
  await start(page);
  await page.getByRole('button', { name: 'Advance to next deadline' }).click();
  await assertStatus(page, 'Failed');
  assert.match(await page.locator('.status-bar').textContent(), /ApprovalTimedOut/);
  assert.match(await svgText(sequenceSvg(page)), /States\.Timeout/);
  assert.match(await graphSvg(page).innerHTML(), /ApprovalTimedOut/);
  await screenshot(page, 'approval-timeout-dark');
});

test('a duplicate Send task success is refused with TaskTimedOut', async (t) => {
  const { page } = await openApp(t);
  await start(page);
  const send = page.getByRole('button', { name: 'Send task success' });
  await send.click();
  await assertStatus(page, 'Succeeded');
  await send.click();
  const lastCall = page.getByLabel('Last API call');
  await page.waitForFunction(() => /TaskTimedOut/.test(document.querySelector('[aria-label="Last API call"]')?.textContent ?? ''));
  assert.match(await lastCall.textContent(), /TaskTimedOut: Task Timed Out: 'Provided task does not exist anymore'/);
  await screenshot(page, 'approval-duplicate');
});

test('invalid task output is not sent and the error is located', async (t) => {
  const { page } = await openApp(t);
  await start(page);
  await page.getByRole('textbox', { name: 'Task output' }).fill('{"decision": }');
  await page.getByRole('button', { name: 'Send task success' }).click();
  await page.waitForSelector('.field-error:not(:empty)');
  assert.match(await page.locator('.field-error').first().textContent(), /^Not sent: line 1, column \d+/);
  await assertStatus(page, 'Waiting for callback');
});

test('the editor reports problems live and reload keeps an edited definition', async (t) => {
  const { page } = await openApp(t);
  const editor = definitionEditor(page);
  const original = await editor.inputValue();
  const broken = original.replace('"Next": "CheckDecision"', '"Next": "CheckDecisionTypo"');
  await editor.fill(broken);
  await page.waitForFunction(() =>
    document.querySelector('textarea[aria-label="State machine definition"]').getAttribute('aria-invalid') === 'true',
  );
  const problem = page.getByRole('button', { name: /line \d+, column \d+: / }).first();
  await problem.click();
  assert.ok(await editor.evaluate((el) => document.activeElement === el && el.selectionEnd > el.selectionStart));
  assert.ok(await page.getByRole('button', { name: 'Start execution' }).isDisabled());
  await screenshot(page, 'editor-problems');

  // Autosave is debounced; wait until it has written, then reload.
  await page.waitForFunction(() => (localStorage.getItem('baton.workspace') ?? '').includes('CheckDecisionTypo'));
  await page.reload();
  await page.waitForSelector('textarea[aria-label="State machine definition"]');
  assert.equal(await definitionEditor(page).inputValue(), broken);
});

test('unreadable saved work is set aside with a notice', async (t) => {
  const { page } = await openApp(t);
  await page.evaluate(() => localStorage.setItem('baton.workspace', '{not json'));
  await page.reload();
  await page.getByText('Your saved work could not be read').waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('baton.workspace.unreadable')), '{not json');
  assert.match(await definitionEditor(page).inputValue(), /RequestApproval/);
});

test('the workspace at 1280x800 in light and dark, and at 768 wide', async (t) => {
  for (const colorScheme of ['light', 'dark']) {
    const { page } = await openApp(t, { colorScheme });
    await start(page);
    await screenshot(page, `workspace-waiting-${colorScheme}`);
  }
  const { page } = await openApp(t, { viewport: { width: 768, height: 1024 } });
  await start(page);
  await screenshot(page, 'workspace-narrow', { fullPage: true });
});

test('loading an example replaces the text and can be undone', async (t) => {
  const { page } = await openApp(t);
  const input = page.getByRole('textbox', { name: 'Execution input' });
  await input.fill('{"amount": 1}');
  await page.getByLabel('Examples').selectOption('human-approval');
  await page.getByText('Loaded the example').waitFor();
  assert.match(await input.inputValue(), /ana@example\.com/);
  await page.getByRole('button', { name: 'Undo' }).click();
  assert.equal(await input.inputValue(), '{"amount": 1}');
});

test('an endless loop does not freeze the page and can be stopped', async (t) => {
  const { page } = await openApp(t);
  await definitionEditor(page).fill(JSON.stringify({
    StartAt: 'Spin',
    States: {
      Spin: { Type: 'Choice', Choices: [{ Variable: '$.stop', BooleanEquals: true, Next: 'Done' }], Default: 'Again' },
      Again: { Type: 'Pass', Next: 'Spin' },
      Done: { Type: 'Succeed' },
    },
  }, null, 2));
  await page.getByRole('textbox', { name: 'Execution input' }).fill('{"stop": false}');
  await page.getByRole('button', { name: 'Start execution' }).click();
  // The loop runs in slices, so the page paints "Running" between them and Stop stays clickable.
  // On a fast machine the engine may instead end the loop at the history limit first; the click
  // is checked and made inside one page task, so no slice can end the run between the two.
  const status = () => document.querySelector('[role="status"]')?.textContent.trim();
  await page.waitForFunction(`['Running', 'Aborted', 'Failed'].includes((${status})())`);
  const stopped = await page.evaluate(() => {
    const stop = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Stop execution');
    if (stop.disabled) return false;
    stop.click();
    return true;
  });
  await page.waitForFunction(`(${status})() === ${JSON.stringify(stopped ? 'Aborted' : 'Failed')}`);
  await screenshot(page, 'endless-loop-stopped');
});

test('clicking a state in the graph selects it in the definition', async (t) => {
  const { page } = await openApp(t);
  await graphSvg(page).locator('[data-state="CheckDecision"]').click();
  const selected = await definitionEditor(page).evaluate((el) =>
    document.activeElement === el ? el.value.slice(el.selectionStart, el.selectionEnd) : null,
  );
  assert.equal(selected, '"CheckDecision"');
});

test('panes resize with the keyboard and by dragging', async (t) => {
  const { page } = await openApp(t);
  const left = page.getByRole('separator', { name: 'Resize the definition pane' });
  const before = Number(await left.getAttribute('aria-valuenow'));
  // Locator.press focuses the divider before each key, so nothing else can take the keys.
  for (let i = 0; i < 3; i++) await left.press('ArrowRight');
  // Yew renders after the key events, so wait for the drawn value rather than reading it at once.
  await page.waitForFunction(
    (want) => document.querySelector('[aria-label="Resize the definition pane"]')?.getAttribute('aria-valuenow') === want,
    String(before + 6),
  );

  const dock = page.getByRole('separator', { name: 'Resize the token inbox, clock and history' });
  const box = await dock.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y - 120, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(
    () => Number(document.querySelector('[aria-label="Resize the token inbox, clock and history"]')?.getAttribute('aria-valuenow')) > 50,
  );
  await screenshot(page, 'resized');
});

test('heartbeats: a heartbeat restarts the HeartbeatSeconds countdown', async (t) => {
  const { page } = await openApp(t);
  await page.getByLabel('Examples').selectOption('heartbeats');
  // Fetched on first use: Start before it has arrived would run the example shown before.
  await page.getByText('Loaded the example “Heartbeats”').waitFor();
  await start(page);
  const card = page.getByRole('article', { name: 'Task token for Transcode' });
  await page.getByRole('button', { name: 'Advance 1 second' }).click();
  assert.match(await card.textContent(), /Heartbeatin 59s/);
  await page.getByRole('button', { name: 'Send task heartbeat' }).click();
  assert.match(await page.getByLabel('Last API call').textContent(), /SendTaskHeartbeat accepted/);
  assert.match(await card.textContent(), /Heartbeatin 1m 00s/);
  await page.getByRole('button', { name: 'Advance to next deadline' }).click();
  await assertStatus(page, 'Failed');
  assert.match(await svgText(sequenceSvg(page)), /SendTaskHeartbeat/);
  await screenshot(page, 'heartbeats');
});

test('About this example explains the example in a dialog', async (t) => {
  const { page } = await openApp(t);
  await page.getByRole('button', { name: 'About this example' }).click();
  const dialog = page.getByRole('dialog', { name: 'Human approval' });
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /waitForTaskToken/);
  await screenshot(page, 'about-dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'About this example');
});
