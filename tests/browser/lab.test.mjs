// The callback lab: simulated participants, the virtual clock's controls, the token inbox's CLI
// commands, exports, event selection, the state details panel with its data-flow view, keyboard
// access to the graph, and reload. The approve / reject / timeout / duplicate / heartbeat flows
// live in approval.test.mjs; the examples' promised outcomes in examples.test.mjs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openApp, definitionEditor, screenshot, BASE_URL } from './harness.mjs';

const status = (page) => page.getByRole('status');
const clockText = (page) => page.locator('.clock-time').textContent();

async function assertStatus(page, text) {
  await page.waitForFunction(
    (want) => document.querySelector('[role="status"]')?.textContent.trim() === want,
    text,
  );
  assert.equal((await status(page).textContent()).trim(), text);
}

async function start(page, expected = 'Waiting for callback') {
  await page.getByRole('button', { name: 'Start execution' }).click();
  await assertStatus(page, expected);
}

async function openParticipants(page) {
  await page.getByRole('tab', { name: /Participants/ }).click();
  await page.getByRole('region', { name: 'Participants' }).waitFor();
}

async function allowClipboard(context) {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE_URL).origin });
}

const clipboard = (page) => page.evaluate(() => navigator.clipboard.readText());

test('a simulated participant answers on the virtual clock, and reload keeps it', async (t) => {
  const { page } = await openApp(t);
  await openParticipants(page);
  const does = page.getByRole('combobox', { name: 'What RequestApproval does' });
  assert.equal(await does.inputValue(), 'manual', 'a callback task is left to the user by default');
  await does.selectOption('success');
  const after = page.getByRole('spinbutton', { name: 'RequestApproval: answer after seconds' });
  await after.fill('90');
  await after.press('Enter');
  await after.blur();
  const output = page.getByRole('textbox', { name: 'RequestApproval: output' });
  await output.fill('{"decision": "approve", "by": "robot"}');
  await output.blur();
  await page.getByLabel('Heartbeat every', { exact: true }).check();
  await page.getByRole('spinbutton', { name: 'RequestApproval: heartbeat every seconds' }).fill('30');
  await page.getByRole('spinbutton', { name: 'RequestApproval: heartbeat every seconds' }).blur();
  await page.waitForFunction(() => /"heartbeats": \[\s*30,\s*60\s*\]/.test(
    document.querySelector('textarea[aria-label="Scenario JSON"]')?.value ?? ''));
  await screenshot(page, 'lab-participants-light');

  await start(page);
  // The inbox shows the token the participant holds; the clock lists its answer.
  assert.match(await page.locator('.upcoming').textContent(), /calls SendTaskSuccess/);
  await page.getByRole('button', { name: 'Advance to next deadline' }).click(); // heartbeat at 30 s
  await page.getByRole('button', { name: 'Advance to next deadline' }).click(); // heartbeat at 60 s
  await page.getByRole('button', { name: 'Advance to next deadline' }).click(); // answer at 90 s
  await assertStatus(page, 'Succeeded');
  assert.equal(await clockText(page), '00:01:30.000');
  assert.match(await page.locator('.status-bar').textContent(), /robot/);
  const seq = await page.getByRole('region', { name: 'Sequence diagram' }).locator('svg').first().textContent();
  assert.match(seq, /SendTaskHeartbeat/);

  // Definition, input and participants survive a reload.
  await page.getByRole('textbox', { name: 'Execution input' }).fill('{"requester": "bo@example.com", "amount": 7}');
  await page.waitForFunction(() => {
    const saved = JSON.parse(localStorage.getItem('baton.workspace') ?? '{}');
    return (saved.input ?? '').includes('bo@example.com') && (saved.scenario ?? '').includes('robot');
  });
  await page.reload();
  await page.waitForSelector('textarea[aria-label="State machine definition"]');
  assert.match(await page.getByRole('textbox', { name: 'Execution input' }).inputValue(), /bo@example\.com/);
  assert.match(await definitionEditor(page).inputValue(), /RequestApproval/);
  await openParticipants(page);
  assert.equal(await page.getByRole('combobox', { name: 'What RequestApproval does' }).inputValue(), 'success');
  assert.equal(await page.getByRole('spinbutton', { name: 'RequestApproval: answer after seconds' }).inputValue(), '90');
});

test('clock: advance by an amount, run in real time at 60x, pause', async (t) => {
  const { page } = await openApp(t);
  await start(page);
  assert.match(await page.locator('.clock-caption').textContent(), /paused/);
  await page.getByRole('spinbutton', { name: 'Amount to advance' }).fill('10');
  await page.getByRole('combobox', { name: 'Unit' }).selectOption('min');
  await page.getByRole('button', { name: 'Advance by', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('.clock-time')?.textContent === '00:10:00.000');

  await page.getByRole('button', { name: 'Run in real time at 60x' }).click();
  await page.waitForFunction(() => document.querySelector('.clock-time')?.textContent >= '00:11:00.000', null, { timeout: 5000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  const paused = await clockText(page);
  await page.waitForTimeout(600);
  assert.equal(await clockText(page), paused, 'the clock stands still once paused');
  assert.ok(paused >= '00:11:00.000', paused);
  await assertStatus(page, 'Waiting for callback');
  await screenshot(page, 'lab-clock');
});

test('the token inbox copies the AWS CLI command for each call', async (t) => {
  const { page, context } = await openApp(t);
  await allowClipboard(context);
  await start(page);
  const card = page.getByRole('article', { name: 'Task token for RequestApproval' });
  // The suggested output comes from the example's scenarios.
  assert.equal(await card.getByRole('textbox', { name: 'Task output' }).inputValue(), '{"decision":"approve"}');
  // The menu closes after each choice, its button saying "Copied" for a moment.
  const cli = card.locator('details.menu > summary');
  await cli.click();
  await card.getByRole('button', { name: 'send-task-success' }).click();
  await card.getByText('Copied', { exact: true }).waitFor();
  const success = await clipboard(page);
  assert.match(success, /^aws stepfunctions send-task-success --task-token '[^']+' --task-output '\{"decision":"approve"\}'$/);
  await card.getByRole('textbox', { name: 'Error' }).fill('Rejected');
  await cli.click();
  await card.getByRole('button', { name: 'send-task-failure' }).click();
  await page.waitForFunction(() => navigator.clipboard.readText().then((t) => t.includes('send-task-failure')));
  assert.match(await clipboard(page), /^aws stepfunctions send-task-failure --task-token '[^']+' --error 'Rejected'$/);
  await cli.click();
  await card.getByRole('button', { name: 'send-task-heartbeat' }).click();
  await page.waitForFunction(() => navigator.clipboard.readText().then((t) => t.includes('send-task-heartbeat')));
  assert.match(await clipboard(page), /^aws stepfunctions send-task-heartbeat --task-token '[^']+'$/);
});

test('the sequence diagram copies as Mermaid and exports as SVG', async (t) => {
  const { page, context } = await openApp(t);
  await allowClipboard(context);
  await start(page);
  await page.getByRole('button', { name: 'Send task success' }).click();
  await assertStatus(page, 'Succeeded');
  await page.getByRole('button', { name: 'Copy Mermaid' }).click();
  await page.getByRole('region', { name: 'Sequence diagram' }).getByRole('button', { name: 'Copied' }).waitFor();
  assert.match(await clipboard(page), /^sequenceDiagram/);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export SVG' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'sequence-diagram.svg');
  const svg = await readFile(await download.path(), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /SendTaskSuccess/);
});

test('selecting an event highlights its state in the graph and its row in the sequence diagram', async (t) => {
  const { page } = await openApp(t);
  await start(page);
  await page.getByRole('button', { name: 'Send task success' }).click();
  await assertStatus(page, 'Succeeded');
  const history = page.getByRole('region', { name: 'Event history' });
  // The filter narrows the table by type or state.
  await history.getByRole('searchbox', { name: 'Filter events' }).fill('CheckDecision');
  assert.equal(await history.locator('tbody tr.event-row').count(), 2);
  await history.getByRole('searchbox', { name: 'Filter events' }).fill('');

  await page.locator('#event-row-3').click(); // TaskScheduled, in RequestApproval
  assert.equal(await page.locator('#event-row-3').getAttribute('aria-selected'), 'true');
  const selectColour = await page.evaluate(() =>
    getComputedStyle(document.documentElement).getPropertyValue('--select').trim());
  const borderOf = (name) => page.evaluate((n) => {
    const border = document.querySelector(`.graph-canvas [data-state="${n}"] > .border`);
    return getComputedStyle(border).stroke;
  }, name);
  const toRgb = await page.evaluate((c) => { const d = document.createElement('div'); d.style.color = c; document.body.append(d); const v = getComputedStyle(d).color; d.remove(); return v; }, selectColour);
  assert.equal(await borderOf('RequestApproval'), toRgb);
  assert.notEqual(await borderOf('CheckDecision'), toRgb);
  const rowRect = await page.evaluate(() =>
    getComputedStyle(document.querySelector('.sequence-canvas [data-event="3"] rect')).stroke);
  assert.equal(rowRect, toRgb);

  // Arrow keys move the selection; the graph follows.
  await page.locator('#event-row-3 .row-toggle').focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#event-row-6').getAttribute('aria-selected'), 'true'); // TaskSucceeded
  await page.keyboard.press('ArrowDown'); // TaskStateExited
  await page.keyboard.press('ArrowDown'); // ChoiceStateEntered CheckDecision
  assert.equal(await borderOf('CheckDecision'), toRgb);
  await screenshot(page, 'lab-selection');
});

test('the state details panel shows the data flow of a task, and opens from the keyboard', async (t) => {
  for (const colorScheme of ['light', 'dark']) {
    const { page } = await openApp(t, { colorScheme });
    await start(page);
    // Keyboard: Tab reaches a state in the graph; Enter opens its details.
    const state = page.locator('.graph-canvas [data-state="RequestApproval"]');
    await state.focus();
    assert.equal(await state.getAttribute('role'), 'button');
    await page.keyboard.press('Enter');
    const details = page.getByRole('complementary', { name: 'State details' });
    await details.waitFor();
    assert.match(await details.locator('.details-name').textContent(), /RequestApproval/);
    assert.match(await details.textContent(), /Task/);
    // The pipeline: Parameters built the Lambda's payload, with the token from $$.Task.Token.
    const flow = details.getByRole('list', { name: 'Data flow' });
    const parameters = flow.locator('.flow-step', { hasText: 'After Parameters' });
    const text = await parameters.locator('.json-box').textContent();
    assert.match(text, /"FunctionName": "send-approval-email"/);
    assert.match(text, /"token": "AQ/);
    assert.match(await flow.textContent(), /Output \(after OutputPath\)not yet/);
    await screenshot(page, `lab-details-waiting-${colorScheme}`);

    await page.getByRole('button', { name: 'Send task success' }).click();
    await assertStatus(page, 'Succeeded');
    assert.match(await flow.textContent(), /After ResultPath/);
    assert.match(await flow.locator('.flow-step', { hasText: 'Output (after OutputPath)' }).textContent(), /"decision": "approve"/);
    await screenshot(page, `lab-details-${colorScheme}`);
    await details.getByRole('button', { name: 'Close state details' }).click();
    await details.waitFor({ state: 'detached' });
  }
});

test('participants and played scenarios in dark mode', async (t) => {
  const { page } = await openApp(t, { colorScheme: 'dark' });
  await page.getByLabel('Examples').selectOption('heartbeats');
  await openParticipants(page);
  await page.getByRole('button', { name: 'Play scenario: stops-beating' }).click();
  assert.equal(await page.getByRole('combobox', { name: 'What Transcode does' }).inputValue(), 'never');
  assert.equal(await page.getByRole('spinbutton', { name: 'Transcode: number of heartbeats' }).inputValue(), '2');
  await screenshot(page, 'lab-participants-dark');
});

test('a long history: the table and the sequence diagram follow the newest event and keep every one in reach', async (t) => {
  const { page } = await openApp(t);
  // About 300 events: a Pass loop, then a callback task.
  const definition = {
    StartAt: 'Init',
    States: {
      Init: { Type: 'Pass', Result: 0, ResultPath: '$.i', Next: 'Count' },
      Count: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)' }, Next: 'More' },
      More: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericLessThan: 70, Next: 'Count' }], Default: 'Ask' },
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'worker', Payload: { 'token.$': '$$.Task.Token' } },
        End: true,
      },
    },
  };
  await definitionEditor(page).fill(JSON.stringify(definition, null, 2));
  await start(page);
  const history = page.getByRole('region', { name: 'Event history' });
  const total = Number.parseInt(await history.locator('.panel-head .count').textContent(), 10);
  assert.ok(total > 280, `${total} events`);
  const rows = history.locator('tbody tr.event-row');
  // Only the rows near the visible part are drawn, and the newest is among them.
  assert.ok((await rows.count()) < 100, `${await rows.count()} rows drawn`);
  await page.locator(`#event-row-${total}`).waitFor();
  await page.getByRole('button', { name: 'Send task success' }).click();
  await assertStatus(page, 'Succeeded');
  await page.locator(`#event-row-${total + 3}`).waitFor(); // TaskSucceeded ... ExecutionSucceeded
  // Scrolling back to the top draws the first events.
  await history.locator('.table-scroll').evaluate((el) => (el.scrollTop = 0));
  await page.locator('#event-row-1').waitFor();
  assert.equal(await page.locator(`#event-row-${total}`).count(), 0);

  const canvas = page.locator('.sequence-canvas');
  const svg = canvas.locator('svg');
  const drawn = await svg.locator('g.note, g.msg').count();
  const height = Number(await svg.getAttribute('height'));
  assert.ok(height > 3 * (await canvas.evaluate((el) => el.clientHeight)), `a tall diagram (${height} px)`);
  assert.ok(drawn < 120, `${drawn} rows drawn`);
  assert.match(await svg.textContent(), /ExecutionSucceeded|Succeeded/);
  await canvas.evaluate((el) => (el.scrollTop = 0));
  await page.waitForFunction(() => /ExecutionStarted|Started/.test(document.querySelector('.sequence-canvas svg')?.textContent ?? ''));
  await screenshot(page, 'long-history');
});
