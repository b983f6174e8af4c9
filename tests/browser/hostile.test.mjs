// Hostile text pasted into the app: each case ends with a located problem or a clean result, and
// the page keeps answering (a panic would replace it with the crash notice, a stack overflow would
// kill it). The engine's own catalogue of hostile inputs is crates/cli/tests/hostile; this is the
// same promise where a person pastes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, definitionEditor } from './harness.mjs';

/** Pastes `text` into the definition (fill is one input event, as a paste is). */
async function pasteDefinition(page, text) {
  await definitionEditor(page).fill(text);
}

/** The located problems shown for the definition, once the check after typing has run. */
async function problems(page) {
  const list = page.getByRole('list', { name: 'Problems in State machine definition' });
  await list.waitFor();
  return list.locator('.problem-text').allTextContents();
}

async function assertAlive(page) {
  assert.equal(await page.getByText('Something went wrong').count(), 0, 'no crash notice');
  // The page still answers input.
  await page.getByRole('textbox', { name: 'Execution input' }).fill('{"alive": true}');
  assert.equal(await page.getByRole('textbox', { name: 'Execution input' }).inputValue(), '{"alive": true}');
}

const pass = (extra = {}) => ({ Type: 'Pass', End: true, ...extra });
const machine = (state) => JSON.stringify({ StartAt: 'A', States: { A: state } });

const CASES = [
  ['JSON nested 100,000 deep', () => '['.repeat(100_000), /line 1, column \d+: .*(deep|nest)/i],
  ['a definition over 1 MiB', () => machine(pass({ Result: 'x'.repeat(1_100_000) })), /1,?048,?576|1 MiB|too large/i],
  [
    'a filter nested 10,000 deep',
    () => machine(pass({ InputPath: '$' + '[?(@'.repeat(10_000) })),
    /line \d+, column \d+: .*/,
  ],
  [
    'Choice rules nested 10,000 deep',
    // Written as text: JSON.stringify itself runs out of stack on a value this deep.
    () =>
      '{"StartAt": "C", "States": {"C": {"Type": "Choice", "Default": "D", "Choices": [{"Next": "D", "Not": ' +
      '{"Not": '.repeat(9_999) +
      '{"Variable": "$.x", "IsPresent": true}' +
      '}'.repeat(9_999) +
      '}]}, "D": {"Type": "Succeed"}}}',
    /line \d+, column \d+: .*/,
  ],
  [
    'intrinsics nested 10,000 deep',
    () => machine(pass({ Parameters: { 'x.$': 'States.Array('.repeat(10_000) + ')'.repeat(10_000) } })),
    /line \d+, column \d+: .*/,
  ],
  [
    '10,000 broken states on one line',
    () => JSON.stringify({ StartAt: 'S0', States: Object.fromEntries([...Array(10_000).keys()].map((i) => [`S${i}`, { Type: 'Pass' }])) }),
    /line 1, column \d+: /,
  ],
];

for (const [name, make, expected] of CASES) {
  test(`hostile definition: ${name}`, async (t) => {
    const { page } = await openApp(t);
    await pasteDefinition(page, make());
    const shown = await problems(page);
    assert.ok(shown.some((p) => expected.test(p)), `expected ${expected} among:\n${shown.slice(0, 5).join('\n')}`);
    assert.equal(await page.getByRole('button', { name: 'Start execution' }).isDisabled(), true);
    await assertAlive(page);
  });
}

test('hostile input: over 256 KiB is refused before Start, with the sizes', async (t) => {
  const { page } = await openApp(t);
  await page.getByRole('textbox', { name: 'Execution input' }).fill(JSON.stringify({ blob: 'x'.repeat(270_000) }));
  await page.getByText('Fix the execution input to start').waitFor();
  await page.getByText(/accepts at most 262144/).first().waitFor();
  assert.equal(await page.getByText('Something went wrong').count(), 0);
});

test('hostile run: a loop that nests its own output ends with an error, not a dead page', async (t) => {
  const { page } = await openApp(t);
  // Each round wraps the data one level deeper; the engine stops it at its depth limit.
  await pasteDefinition(page, JSON.stringify({
    StartAt: 'Wrap',
    States: {
      Wrap: { Type: 'Pass', Parameters: { 'inner.$': '$' }, Next: 'Wrap' },
    },
  }));
  await page.getByRole('button', { name: 'Start execution' }).click();
  await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() === 'Failed', null, { timeout: 30_000 });
  await assertAlive(page);
});
