// Step Functions Local's MockConfigFile in the participants panel: open one, play a test case;
// save the participants as one.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openApp, screenshot } from './harness.mjs';

const MOCK_CONFIG = {
  StateMachines: {
    Approval: { TestCases: { Approves: { RequestApproval: 'Yes' }, Rejects: { RequestApproval: 'No' } } },
  },
  MockedResponses: {
    Yes: { 0: { Return: { decision: 'approve' } } },
    No: { 0: { Throw: { Error: 'Rejected', Cause: 'The approver said no' } } },
  },
};

const status = (page) => page.getByRole('status').textContent().then((s) => s.trim());

test('a MockConfigFile opens in the participants panel and its test cases play', async (t) => {
  const { page } = await openApp(t);
  await page.getByRole('tab', { name: /Participants/ }).click();
  await page.locator('.file-button input[type=file]').setInputFiles({
    name: 'MockConfigFile.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(MOCK_CONFIG)),
  });
  const cases = page.getByRole('group', { name: 'Test cases of MockConfigFile.json' });
  await cases.waitFor();
  await cases.getByRole('button', { name: 'Play test case: Rejects' }).click();
  await page.getByRole('button', { name: 'Start execution' }).click();
  await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() === 'Failed');
  assert.match(await page.locator('.status-bar').textContent(), /Rejected/);
  // A new execution shows the token inbox: back to the participants for the other test case.
  await page.getByRole('tab', { name: /Participants/ }).click();
  await cases.getByRole('button', { name: 'Play test case: Approves' }).click();
  await page.getByRole('button', { name: 'Start execution' }).click();
  await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() === 'Succeeded');
  assert.equal(await status(page), 'Succeeded');
  await screenshot(page, 'mock-config-test-cases');
});

test('the participants are saved as a MockConfigFile', async (t) => {
  const { page } = await openApp(t);
  await page.getByRole('tab', { name: /Participants/ }).click();
  await page.getByRole('button', { name: 'Play scenario: reject' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export as MockConfigFile' }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), 'MockConfigFile.json');
  const saved = JSON.parse(await readFile(await file.path(), 'utf8'));
  const [machine] = Object.keys(saved.StateMachines);
  assert.equal(machine, 'human-approval');
  const responseName = saved.StateMachines[machine].TestCases.Baton.RequestApproval;
  assert.equal(saved.MockedResponses[responseName]['0'].Throw.Error, 'Rejected');
  // The delay of the approver's answer cannot be said in the format: the notice says so.
  await page.getByText(/saved as MockConfigFile\.json/).waitFor();
});
