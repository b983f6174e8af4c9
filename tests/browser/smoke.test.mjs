// The app loads, shows the definition editor, and reports no errors (the harness fails the test on
// any page error, console error or HTTP status >= 400).
import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, definitionEditor, screenshot } from './harness.mjs';

test('the page loads with the definition editor and no errors', async (t) => {
  const { page, errors } = await openApp(t);
  const editor = definitionEditor(page);
  await editor.waitFor({ state: 'visible' });
  assert.equal(await editor.count(), 1, 'exactly one textbox named "State machine definition"');
  assert.match(await page.title(), /Baton/);
  await screenshot(page, 'smoke');
  assert.deepEqual(errors, []);
});
