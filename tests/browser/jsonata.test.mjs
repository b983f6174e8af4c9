// JSONata in the app: the engine is a module of its own, fetched only when a definition needs it,
// after which a JSONata callback runs as it does in the CLI.
import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, definitionEditor, screenshot } from './harness.mjs';

const DEFINITION = JSON.stringify(
  {
    QueryLanguage: 'JSONata',
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Arguments: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/asks', MessageBody: { token: '{% $states.context.Task.Token %}', n: '{% $states.input.n * 2 %}' } },
        Output: "{% $states.result.answer & ' to ' & $string($states.input.n) %}",
        TimeoutSeconds: 60,
        End: true,
      },
    },
  },
  null,
  2,
);

test('a JSONata definition loads the engine on demand, then runs its callback', async (t) => {
  const { page, context } = await openApp(t);
  const fetched = [];
  context.on('request', (r) => fetched.push(r.url()));
  // The first load of a JSONPath definition does not fetch the engine.
  await page.waitForTimeout(300);
  assert.equal(fetched.filter((u) => u.includes('/jsonata/')).length, 0);

  const engine = page.waitForResponse((r) => r.url().endsWith('/jsonata/engine_bg.wasm'));
  await definitionEditor(page).fill(DEFINITION);
  await page.getByRole('textbox', { name: 'Execution input' }).fill('{"n": 21}');
  await engine;
  const start = page.getByRole('button', { name: 'Start execution' });
  await page.getByText('Valid', { exact: true }).waitFor();
  assert.equal(await start.isEnabled(), true);

  await start.click();
  await page.getByRole('button', { name: 'Send task success' }).first().waitFor();
  // The token card's message body was built by JSONata.
  await page.getByRole('textbox', { name: /Task output/ }).first().fill('{"answer": "yes"}');
  await page.getByRole('button', { name: 'Send task success' }).first().click();
  await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() === 'Succeeded');
  assert.match(await page.locator('.status-bar').textContent(), /"yes to 21"/);
  await screenshot(page, 'jsonata-run');
});

test('a JSONata syntax error is located inside its string', async (t) => {
  const { page } = await openApp(t);
  await definitionEditor(page).fill(DEFINITION.replace('$states.input.n * 2', '$states.input.n * '));
  await page.getByText('1 error', { exact: true }).waitFor({ timeout: 15_000 });
  const problems = await page.locator('.problem').allTextContents();
  assert.ok(problems.some((p) => /jsonata-syntax/.test(p)), problems.join('\n'));
});
