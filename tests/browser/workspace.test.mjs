// The user's work and the examples: "Reset to example" and the Examples menu ask before edits are
// replaced; examples that are not built in are fetched, and remembered across a reload; long names
// and long times stay inside their panels.
import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, definitionEditor, screenshot } from './harness.mjs';

test('Reset to example asks first, and so does loading another example over edits', async (t) => {
  const { page } = await openApp(t);
  const editor = definitionEditor(page);
  const examples = page.getByLabel('Examples');
  const reset = page.getByRole('button', { name: 'Reset to example' });
  const original = await editor.inputValue();
  assert.equal(await examples.inputValue(), 'human-approval', 'the menu shows the example loaded');
  assert.equal(await reset.getAttribute('aria-disabled'), 'true', 'nothing to reset yet');

  const edited = original.replace('"Comment"', '"Comment (edited)"');
  assert.notEqual(edited, original);
  await editor.fill(edited);
  assert.equal(await reset.getAttribute('aria-disabled'), 'false');

  // Cancel keeps the work, and the focus goes back to the button.
  await reset.click();
  const dialog = page.getByRole('alertdialog', { name: 'Replace your edits with the example “Human approval”?' });
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /Your changes to the definition, input and participants will be lost\./);
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel', 'the safe answer has the focus');
  await screenshot(page, 'reset-to-example');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await editor.inputValue(), edited);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Reset to example');

  // Escape answers Cancel too; Tab stays inside the dialog.
  await reset.click();
  await dialog.waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel', 'Tab goes round the dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await editor.inputValue(), edited);

  await reset.click();
  await dialog.getByRole('button', { name: 'Replace' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await editor.inputValue(), original);
  assert.equal(await reset.getAttribute('aria-disabled'), 'true');

  // Another example over unedited work: no question.
  await examples.selectOption('heartbeats');
  await page.getByText('Loaded the example “Heartbeats”').waitFor();
  assert.equal(await examples.inputValue(), 'heartbeats');
  const heartbeats = await editor.inputValue();

  // Over edited work it asks; Cancel keeps the work and the menu shows its example still.
  await page.getByRole('textbox', { name: 'Execution input' }).fill('{"edited": true}');
  await examples.selectOption('human-approval');
  const other = page.getByRole('alertdialog', { name: 'Replace your edits with the example “Human approval”?' });
  await other.waitFor();
  await other.getByRole('button', { name: 'Cancel' }).click();
  await other.waitFor({ state: 'detached' });
  assert.equal(await editor.inputValue(), heartbeats);
  assert.equal(await examples.inputValue(), 'heartbeats');
  await examples.selectOption('human-approval');
  await other.getByRole('button', { name: 'Replace' }).click();
  assert.equal(await editor.inputValue(), original);
  assert.equal(await examples.inputValue(), 'human-approval');
  // The notice's Undo still brings the edits back.
  await page.getByRole('button', { name: 'Undo' }).click();
  assert.equal(await page.getByRole('textbox', { name: 'Execution input' }).inputValue(), '{"edited": true}');
});

test('an example that is not built in is fetched when chosen, and remembered across a reload', async (t) => {
  const { page } = await openApp(t);
  const fetched = page.waitForResponse((r) => r.url().endsWith('/examples/sqs-worker.json') && r.ok());
  await page.getByLabel('Examples').selectOption('sqs-worker');
  await fetched;
  const editor = definitionEditor(page);
  await page.waitForFunction(() => /sqs:sendMessage\.waitForTaskToken/.test(document.querySelector('textarea')?.value ?? ''));
  await page.getByRole('tab', { name: /Participants/ }).click();
  await page.getByRole('button', { name: 'Play scenario: worker-returns' }).waitFor();
  // Edited, saved, reloaded: the work still knows its example (About, scenarios, Reset).
  await editor.fill((await editor.inputValue()).replace('"Comment"', '"Comment (mine)"'));
  await page.waitForTimeout(600); // the autosave waits for a pause in typing
  await page.reload();
  await page.getByRole('button', { name: 'About this example' }).click();
  const about = page.getByRole('dialog');
  await about.waitFor();
  assert.match(await about.textContent(), /SQS/);
  await page.keyboard.press('Escape');
  assert.equal(await page.getByRole('button', { name: 'Reset to example' }).getAttribute('aria-disabled'), 'false');
  assert.match(await editor.inputValue(), /Comment \(mine\)/);
});

test('an example that cannot be fetched is explained, and the work stays', async (t) => {
  const { page } = await openApp(t, { allow: [/examples\/heartbeats\.json/, /status of 503/] });
  await page.route('**/examples/heartbeats.json', (route) => route.fulfill({ status: 503, body: 'offline' }));
  const before = await definitionEditor(page).inputValue();
  await page.getByLabel('Examples').selectOption('heartbeats');
  await page.getByText(/Sorry: the example “Heartbeats” could not be loaded: HTTP 503\./).waitFor();
  assert.equal(await definitionEditor(page).inputValue(), before);
  assert.equal(await page.getByLabel('Examples').inputValue(), 'human-approval');
});

test('a long state name is cut short in its token card, and a long time wraps in the clock', async (t) => {
  const { page } = await openApp(t);
  const name = 'A'.repeat(40) + 'Z'.repeat(40); // 80 characters, the most AWS allows
  await definitionEditor(page).fill(JSON.stringify({
    StartAt: name,
    States: {
      [name]: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: 'worker', Payload: { 'token.$': '$$.Task.Token' } },
        End: true,
      },
    },
  }, null, 2));
  await page.getByRole('button', { name: 'Start execution' }).click();
  const card = page.getByRole('article', { name: `Task token for ${name}` });
  await card.waitFor();
  const title = card.locator('.state-name');
  assert.equal(await title.getAttribute('title'), name);
  assert.ok(await title.evaluate((el) => el.scrollWidth > el.clientWidth), 'the name is cut with an ellipsis');
  const cardBox = await card.boundingBox();
  for (const button of [card.getByRole('button', { name: 'Copy token' }), card.locator('summary')]) {
    const box = await button.boundingBox();
    assert.ok(box.x + box.width <= cardBox.x + cardBox.width, 'the copy buttons stay inside the card');
    assert.ok(box.x >= (await title.boundingBox()).x + (await title.boundingBox()).width, 'and clear of the name');
  }

  // 100,000,000 seconds of virtual time: the readout wraps inside its panel.
  const time = page.locator('.clock-time');
  await time.evaluate((el) => { el.textContent = '27777778:03:20.000'; });
  const [timeBox, panelBox] = [await time.boundingBox(), await page.getByRole('region', { name: 'Clock' }).boundingBox()];
  assert.ok(timeBox.x + timeBox.width <= panelBox.x + panelBox.width, 'the time stays inside the clock panel');
  assert.ok(await time.evaluate((el) => el.scrollWidth <= el.clientWidth), 'nothing of the time is hidden');
  await screenshot(page, 'long-names');
});

test('a panic shows a notice, keeps the work typed just before it, and Reload brings the work back', async (t) => {
  // The panic is reported on the console (for a bug report) and as the wasm trap that follows it.
  const { page } = await openApp(t, { allow: [/crash_test\(\) was called/, /unreachable/] });
  const editor = definitionEditor(page);
  const edited = (await editor.inputValue()).replace('"Comment"', '"Comment (typed just before the crash)"');
  await editor.fill(edited);
  // At once, before the autosave's pause is over: the hook itself must save the work.
  await page.evaluate(() => {
    try {
      window.wasmBindings.crash_test();
    } catch {
      // The abort that ends the panic surfaces here as a trap.
    }
  });
  const notice = page.getByRole('alert');
  await notice.getByRole('heading', { name: 'Something went wrong' }).waitFor();
  assert.match(await notice.textContent(), /Your work is saved in this browser/);
  await screenshot(page, 'crash-notice');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Reload', 'the way back has the focus');
  await notice.getByRole('link', { name: 'Reload' }).click();
  await definitionEditor(page).waitFor();
  assert.equal(await definitionEditor(page).inputValue(), edited);
});
