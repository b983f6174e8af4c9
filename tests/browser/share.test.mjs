// Share links: the whole piece of work in the address, opened beside the user's own saved work,
// and a damaged link explained without stopping the app.
import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, waitForApp, definitionEditor, screenshot } from './harness.mjs';

/** Opens the Share dialog and returns the link once it is made. */
async function shareLink(page) {
  await page.getByRole('button', { name: 'Share' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share this work' });
  const field = dialog.getByRole('textbox', { name: 'Share link' });
  await page.waitForFunction(() => document.querySelector('#share-link')?.value.includes('#share='));
  return { dialog, link: await field.inputValue() };
}

function editedDefinition(text) {
  return text.replace('"Comment": "', '"Comment": "Shared: ');
}

test('a shared link reproduces the definition, input and run in a fresh browser', async (t) => {
  const { page } = await openApp(t);
  const editor = definitionEditor(page);
  const definition = editedDefinition(await editor.inputValue());
  await editor.fill(definition);
  const input = '{"requester": "sam@example.com", "amount": 42}';
  await page.getByRole('textbox', { name: 'Execution input' }).fill(input);
  const { dialog, link } = await shareLink(page);
  assert.match(await dialog.textContent(), /\d+ characters/);
  await screenshot(page, 'share-dialog');
  await dialog.getByRole('button', { name: 'Copy link' }).click();
  await dialog.getByRole('button', { name: /Copied|Copy failed/ }).waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  // A fresh browser profile: nothing saved, only the link.
  const fresh = await openApp(t, { path: link.slice(link.indexOf('#')) });
  assert.equal(await definitionEditor(fresh.page).inputValue(), definition);
  assert.equal(await fresh.page.getByRole('textbox', { name: 'Execution input' }).inputValue(), input);
  await fresh.page.getByRole('region', { name: 'Shared work' }).waitFor();
  for (const p of [page, fresh.page]) {
    await p.getByRole('button', { name: 'Start execution' }).click();
    await p.waitForFunction(() => document.querySelector('[role="status"]')?.textContent.trim() === 'Waiting for callback');
  }
});

test('shared work opens beside saved work, which stays reachable and is replaced only when asked', async (t) => {
  const { page, context } = await openApp(t);
  const own = '{"mine": true}';
  await page.getByRole('textbox', { name: 'Execution input' }).fill(own);
  await page.getByText('✓ Saved').waitFor();
  await page.getByRole('textbox', { name: 'Execution input' }).fill('{"theirs": true}');
  const { link } = await shareLink(page);
  await page.keyboard.press('Escape');
  await page.getByRole('textbox', { name: 'Execution input' }).fill(own);
  await page.getByText('✓ Saved').waitFor();

  // The link in a new tab of the same browser: the shared work, with its own autosave.
  const tab = await context.newPage();
  await tab.goto(link);
  await waitForApp(tab);
  const bar = tab.getByRole('region', { name: 'Shared work' });
  await bar.waitFor();
  const input = tab.getByRole('textbox', { name: 'Execution input' });
  assert.equal(await input.inputValue(), '{"theirs": true}');
  await input.fill('{"theirs": "edited"}');
  await tab.getByText('✓ Saved').waitFor();
  await screenshot(tab, 'shared-work');
  await tab.reload();
  await waitForApp(tab);
  assert.equal(await input.inputValue(), '{"theirs": "edited"}', 'edits to shared work survive a reload of the link');

  // Back to my work: the user's own, untouched.
  await bar.getByRole('link', { name: 'Back to my work' }).click();
  await tab.waitForURL((url) => !url.hash);
  await waitForApp(tab);
  assert.equal(await input.inputValue(), own);
  assert.equal(await tab.getByRole('region', { name: 'Shared work' }).count(), 0);

  // Keeping the shared work asks first, since there is saved work to lose.
  await tab.goto(link);
  await tab.reload();
  await waitForApp(tab);
  await bar.getByRole('button', { name: 'Keep as my work' }).click();
  const question = tab.getByRole('alertdialog', { name: 'Replace your saved work with this shared work?' });
  await question.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await input.inputValue(), '{"theirs": "edited"}');
  await bar.getByRole('button', { name: 'Keep as my work' }).click();
  await question.getByRole('button', { name: 'Replace' }).click();
  await tab.waitForURL((url) => !url.hash);
  await waitForApp(tab);
  assert.equal(await input.inputValue(), '{"theirs": "edited"}');
  assert.equal(await tab.getByRole('region', { name: 'Shared work' }).count(), 0);
});

test('a damaged share link is explained and the app still starts', async (t) => {
  const { page } = await openApp(t);
  const { link } = await shareLink(page);
  for (const damaged of [link.slice(0, link.length - 9), `${link.slice(0, -12)}%%%%${link.slice(-8)}`, `${link.split('#')[0]}#share=`]) {
    const opened = await openApp(t, { path: damaged.slice(damaged.indexOf('#')) });
    const notice = opened.page.getByText(/This link could not be opened: the link is damaged or incomplete/);
    await notice.waitFor();
    assert.ok((await definitionEditor(opened.page).inputValue()).includes('"StartAt"'), 'the app started with the example');
    await opened.page.getByRole('button', { name: 'Start execution' }).waitFor();
  }
});

test('a shared link opens on the view it was shared from: the participants panel', async (t) => {
  const { page } = await openApp(t);
  await page.getByRole('tab', { name: /Participants/ }).click();
  await page.getByRole('button', { name: 'Play scenario: timeout' }).click();
  const { link } = await shareLink(page);
  const fresh = await openApp(t, { path: link.slice(link.indexOf('#')) });
  const tab = fresh.page.getByRole('tab', { name: /Participants/ });
  assert.equal(await tab.getAttribute('aria-selected'), 'true');
  await fresh.page.getByRole('region', { name: 'Participants' }).waitFor();
});
