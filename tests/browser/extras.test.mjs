// The extras module (crates/extras-web), fetched only when first needed: the Deploy texts, and
// States.Hash's digests, which a definition that calls it waits for.
import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, definitionEditor, screenshot } from './harness.mjs';

const HASHING = JSON.stringify(
  {
    StartAt: 'Fingerprint',
    States: {
      Fingerprint: { Type: 'Pass', Parameters: { 'sha256.$': "States.Hash($.text, 'SHA-256')" }, End: true },
    },
  },
  null,
  2,
);

test('Deploy gives the AWS CLI commands and the templates, each to copy', async (t) => {
  const { page, context } = await openApp(t);
  const fetched = [];
  context.on('request', (r) => fetched.push(r.url()));
  await page.waitForTimeout(300);
  assert.equal(fetched.filter((u) => u.includes('/extras/')).length, 0, 'the first load leaves the extras out');

  await page.getByRole('tab', { name: /Participants/ }).click();
  await page.getByRole('button', { name: 'Play scenario: approve' }).click();
  await page.getByRole('button', { name: 'Deploy' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share this work' });
  const text = dialog.getByRole('textbox', { name: 'AWS CLI for this work' });
  const commands = await text.inputValue();
  assert.match(commands, /aws stepfunctions create-state-machine --name 'human-approval'/);
  assert.match(commands, /aws stepfunctions start-execution/);
  // The participants' answer, as the command a person would run.
  assert.match(commands, /send-task-success --task-token "\$TOKEN" --task-output '\{"decision":"approve"\}'  # RequestApproval/);
  await dialog.getByRole('button', { name: 'Copy commands' }).click();
  await dialog.getByRole('button', { name: /Copied|Copy failed/ }).waitFor();
  await screenshot(page, 'deploy');

  await dialog.getByRole('tab', { name: 'SAM' }).click();
  const sam = JSON.parse(await dialog.getByRole('textbox', { name: 'SAM for this work' }).inputValue());
  assert.equal(sam.Resources.HumanApproval.Type, 'AWS::Serverless::StateMachine');
  assert.equal(sam.Resources.HumanApproval.Properties.Definition.StartAt, 'RequestApproval');
  await dialog.getByRole('tab', { name: 'CloudFormation' }).click();
  await dialog.getByRole('textbox', { name: 'CloudFormation for this work' }).waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});

test('a definition with errors gets no deploy texts, and says why', async (t) => {
  const { page } = await openApp(t);
  await definitionEditor(page).fill('{"StartAt": "Nowhere", "States": {}}');
  await page.getByText(/error/).first().waitFor();
  await page.getByRole('button', { name: 'Deploy' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share this work' });
  await dialog.getByText(/the definition has errors: fix them first/).waitFor();
});

test('States.Hash waits for the digests, then runs as on AWS', async (t) => {
  const { page } = await openApp(t);
  const digests = page.waitForResponse((r) => r.url().endsWith('/extras/module_bg.wasm'));
  await definitionEditor(page).fill(HASHING);
  await page.getByRole('textbox', { name: 'Execution input' }).fill('{"text": "abc"}');
  await digests;
  const start = page.getByRole('button', { name: 'Start execution' });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('button')].some((b) => b.textContent.includes('Start execution') && !b.disabled),
  );
  await start.click();
  await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() === 'Succeeded');
  assert.match(
    await page.locator('.status-bar').textContent(),
    /ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad/,
  );
});
