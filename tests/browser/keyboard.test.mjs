// Keyboard access: the dock's tabs (WAI-ARIA tabs pattern), the state details drawer (focus in,
// Escape, focus back) and the token card's copy buttons (feedback that fades, a menu that closes).
import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, BASE_URL } from './harness.mjs';

/** What the focused element is: its role (or tag) and its text. */
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return { role: el?.getAttribute('role') ?? el?.tagName.toLowerCase(), text: el?.textContent.trim() };
});

async function start(page) {
  await page.getByRole('button', { name: 'Start execution' }).click();
  await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() === 'Waiting for callback');
}

test('the dock tabs follow the WAI-ARIA tabs pattern', async (t) => {
  const { page } = await openApp(t);
  const inbox = page.getByRole('tab', { name: 'Token inbox' });
  // One tab in the Tab order: from the divider above the dock, Tab lands on the selected tab.
  await page.getByRole('separator', { name: 'Resize the token inbox, clock and history' }).focus();
  await page.keyboard.press('Tab');
  assert.deepEqual(await focused(page), { role: 'tab', text: 'Token inbox' });
  assert.equal(await inbox.getAttribute('aria-selected'), 'true');
  const panel = page.getByRole('tabpanel');
  assert.equal(await panel.getAttribute('aria-labelledby'), await inbox.getAttribute('id'));
  assert.equal(await inbox.getAttribute('aria-controls'), await panel.getAttribute('id'));

  await page.keyboard.press('ArrowRight');
  await page.getByRole('region', { name: 'Participants' }).waitFor();
  const participants = page.getByRole('tab', { name: /Participants/ });
  assert.equal(await participants.getAttribute('aria-selected'), 'true');
  assert.equal(await participants.getAttribute('tabindex'), '0');
  assert.equal(await inbox.getAttribute('tabindex'), '-1');
  assert.equal((await focused(page)).role, 'tab', 'the focus follows the selection');
  assert.match((await focused(page)).text, /^Participants/);
  assert.equal(await panel.getAttribute('aria-labelledby'), await participants.getAttribute('id'));

  await page.keyboard.press('ArrowLeft');
  await page.getByRole('region', { name: 'Token inbox' }).waitFor();
  assert.deepEqual(await focused(page), { role: 'tab', text: 'Token inbox' });
  // The arrows wrap around; End and Home go to the last and the first tab.
  await page.keyboard.press('ArrowLeft');
  await page.getByRole('region', { name: 'Participants' }).waitFor();
  await page.keyboard.press('Home');
  await page.getByRole('region', { name: 'Token inbox' }).waitFor();
  await page.keyboard.press('End');
  await page.getByRole('region', { name: 'Participants' }).waitFor();
  assert.match((await focused(page)).text, /^Participants/);
});

test('the state details close on Escape, whether a click or the keyboard opened them', async (t) => {
  const { page } = await openApp(t);
  const details = page.getByRole('complementary', { name: 'State details' });
  const state = page.locator('.graph-canvas [data-state="CheckDecision"]');

  // A click selects the state in the definition, and the focus stays there; Escape still closes.
  await state.click();
  await details.waitFor();
  await page.keyboard.press('Escape');
  await details.waitFor({ state: 'detached' });

  // From the keyboard, the drawer takes the focus (its heading) and gives it back on close.
  await state.focus();
  await page.keyboard.press('Enter');
  await details.waitFor();
  assert.deepEqual(await focused(page), { role: 'h2', text: 'CheckDecision' });
  await page.keyboard.press('Tab');
  assert.deepEqual(await focused(page), { role: 'button', text: '✕' });
  await page.keyboard.press('Escape');
  await details.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-state')), 'CheckDecision');
});

test('copy buttons confirm each copy for a moment; the CLI menu closes after a choice and on Escape', async (t) => {
  const { page, context } = await openApp(t);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE_URL).origin });
  await start(page);
  const card = page.getByRole('article', { name: 'Task token for RequestApproval' });

  const copyToken = card.getByRole('button', { name: 'Copy token' });
  await copyToken.click();
  await card.getByRole('button', { name: 'Copied' }).waitFor();
  await copyToken.waitFor({ timeout: 4000 }); // the label comes back, ready to confirm the next copy
  await copyToken.click();
  await card.getByRole('button', { name: 'Copied' }).waitFor();

  const menu = card.locator('details.menu');
  const cli = menu.locator('summary');
  await cli.click();
  await card.getByRole('button', { name: 'send-task-heartbeat' }).click();
  await page.waitForFunction(() => navigator.clipboard.readText().then((t) => t.includes('send-task-heartbeat')));
  assert.equal(await menu.getAttribute('open'), null, 'the menu closes after a choice');
  assert.equal((await cli.textContent()).trim(), 'Copied');
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'SUMMARY');
  await page.waitForFunction(() => document.querySelector('details.menu summary')?.textContent.trim() === 'Copy CLI');

  await cli.click();
  await card.getByRole('button', { name: 'send-task-success' }).focus();
  await page.keyboard.press('Escape');
  assert.equal(await menu.getAttribute('open'), null, 'Escape closes the menu');
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'SUMMARY');
});
