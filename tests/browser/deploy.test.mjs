// The Deploy dialog: the work as it goes to AWS, to copy.
import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, screenshot } from './harness.mjs';

test('Deploy gives the AWS CLI commands and the templates, each to copy', async (t) => {
  const { page } = await openApp(t);
  await page.getByRole('tab', { name: /Participants/ }).click();
  await page.getByRole('button', { name: 'Play scenario: approve' }).click();
  await page.getByRole('button', { name: 'Deploy' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deploy to AWS' });
  const text = dialog.getByRole('textbox', { name: 'AWS CLI for this work' });
  const commands = await text.inputValue();
  assert.match(commands, /aws stepfunctions create-state-machine --name 'human-approval'/);
  assert.match(commands, /aws stepfunctions start-execution/);
  // The participants' answer, as the command a person would run.
  assert.match(commands, /send-task-success --task-token "\$TOKEN" --task-output '\{"decision":"approve"\}'  # RequestApproval/);
  await dialog.getByRole('button', { name: 'Copy commands' }).click();
  await dialog.getByRole('button', { name: /Copied|Copy failed/ }).waitFor();
  await screenshot(page, 'deploy-dialog');

  await dialog.getByRole('tab', { name: 'SAM' }).click();
  const sam = JSON.parse(await dialog.getByRole('textbox', { name: 'SAM for this work' }).inputValue());
  assert.equal(sam.Resources.HumanApproval.Type, 'AWS::Serverless::StateMachine');
  assert.equal(sam.Resources.HumanApproval.Properties.Definition.StartAt, 'RequestApproval');
  await dialog.getByRole('tab', { name: 'CloudFormation' }).click();
  await dialog.getByRole('textbox', { name: 'CloudFormation for this work' }).waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});
