// The code editor: highlighting, bracket matching, Format and its undo, the keys, the engine's
// problems in place, and typing into a 2,000-line definition (timed, not asserted: the timing is
// reported as a test diagnostic, for the notes).
import test from 'node:test';
import assert from 'node:assert/strict';
import { openApp, definitionEditor, screenshot } from './harness.mjs';

const LINE_HEIGHT = 20; // --code-line-height
const PAD_TOP = 8; // .code-input padding

const mirror = (page) => page.locator('.editor-main .code-backdrop');
const inputEditor = (page) => page.getByRole('textbox', { name: 'Execution input' });
const formatButton = (page) => page.locator('.editor-main').getByRole('button', { name: 'Format' });

/** Waits until the definition's aria-invalid is `want` (the engine's check is debounced). */
async function waitInvalid(page, want) {
  await page.waitForFunction(
    (want) => document.getElementById('definition')?.getAttribute('aria-invalid') === String(want),
    want,
  );
}

/** Puts the caret at `offset` (UTF-16) of the definition, as a click would. */
async function caretAt(page, offset) {
  await definitionEditor(page).evaluate((el, offset) => {
    el.focus();
    el.setSelectionRange(offset, offset);
    el.dispatchEvent(new Event('select'));
  }, offset);
}

const MINIFIED = '{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"n":1.0,"ok":true,"list":[]},"End":true}}}';
const PRETTY = `{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Parameters": {
        "n": 1.0,
        "ok": true,
        "list": []
      },
      "End": true
    }
  }
}`;

test('the definition is highlighted: ASL keys, paths, intrinsics, numbers, literals', async (t) => {
  const { page } = await openApp(t);
  const m = mirror(page);
  await m.locator('.tk-asl', { hasText: '"StartAt"' }).first().waitFor();
  assert.ok(await m.locator('.tk-path', { hasText: '$$.Task.Token' }).count() >= 1);
  assert.ok(await m.locator('.tk-num').count() >= 1);
  assert.ok(await m.locator('.tk-str').count() >= 1);
  assert.ok(await m.locator('.tk-punct').count() >= 1);
  // The textarea's own text is invisible; the mirror draws it.
  const color = await definitionEditor(page).evaluate((el) => getComputedStyle(el).color);
  assert.match(color, /rgba\(0, 0, 0, 0\)|transparent/);

  await definitionEditor(page).fill('{"Parameters": {"msg.$": "States.Format(\'Hi {}\', $.name)", "flag": false, "none": null}}');
  await m.locator('.tk-fn', { hasText: 'States.Format' }).waitFor();
  assert.equal(await m.locator('.tk-path').first().textContent(), '$.name');
  assert.equal(await m.locator('.tk-lit').count(), 2);
  // The execution input is the same editor.
  assert.ok(await page.locator('.editor-input .code-backdrop .tk-key').count() >= 1);
  assert.equal(await inputEditor(page).count(), 1);
});

test('the mirror stays aligned with the text when scrolled', async (t) => {
  const { page } = await openApp(t);
  const editor = definitionEditor(page);
  const lines = Array.from({ length: 200 }, (_, i) => `  "k${i}": ${i},`);
  await editor.fill(`{\n${lines.join('\n')}\n  "end": "${'x'.repeat(300)}"\n}`);
  await editor.evaluate((el) => {
    el.scrollTop = 1234;
  });
  // "k61" is on line 63 (1-based), at the top of the scrolled textarea: 8 + 62 * 20 - 1234 = 14
  // pixels below its top edge. The mirror and the gutter draw it exactly there.
  const top = (selector, text) =>
    page.evaluate(([selector, text]) => {
      const ta = document.getElementById('definition');
      const el = [...document.querySelectorAll(selector)].find((l) => l.textContent.trim() === text);
      return el ? el.getBoundingClientRect().top - ta.getBoundingClientRect().top : null;
    }, [selector, text]);
  await page.waitForFunction(() => [...document.querySelectorAll('.editor-main .cl')].some((l) => l.textContent.includes('"k61"')));
  assert.equal(await top('.editor-main .cl', '"k61": 61,'), PAD_TOP + 62 * LINE_HEIGHT - 1234);
  assert.equal(await top('.editor-main .gutter .ln', '63'), PAD_TOP + 62 * LINE_HEIGHT - 1234);
  // Scrolled sideways too: the text moves left with the textarea's content.
  await editor.evaluate((el) => {
    el.scrollLeft = 30;
  });
  await page.waitForFunction(() => /translate\(-30px/.test(document.querySelector('.editor-main .code-backdrop .code-layer').getAttribute('style')));
});

test('brackets next to the caret are matched, or marked when they have no partner', async (t) => {
  const { page } = await openApp(t);
  const editor = definitionEditor(page);
  await editor.fill(PRETTY);
  await caretAt(page, 0);
  const matched = mirror(page).locator('.br-match');
  await page.waitForFunction(() => document.querySelectorAll('.editor-main .br-match').length === 2);
  assert.deepEqual(await matched.allTextContents(), ['{', '}']);
  // After the "[" of "list": [] its partner is right next to it.
  const at = PRETTY.indexOf('[]') + 1;
  await caretAt(page, at);
  await page.waitForFunction(() => [...document.querySelectorAll('.editor-main .br-match')].map((e) => e.textContent).join('') === '[]');

  await editor.fill('{"a": [1, 2}');
  await caretAt(page, '{"a": ['.length);
  await page.locator('.editor-main .br-bad').waitFor();
  assert.equal(await mirror(page).locator('.br-bad').textContent(), '[');
});

test('Format pretty-prints, keeps the order, and undo / redo take it back and forth', async (t) => {
  const { page } = await openApp(t);
  const editor = definitionEditor(page);
  await editor.fill(MINIFIED);
  await waitInvalid(page, false);
  await formatButton(page).click();
  assert.equal(await editor.inputValue(), PRETTY);
  assert.ok(await editor.evaluate((el) => document.activeElement === el));

  await page.keyboard.press('Control+z');
  assert.equal(await editor.inputValue(), MINIFIED);
  await page.keyboard.press('Control+y');
  assert.equal(await editor.inputValue(), PRETTY);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+Shift+z');
  assert.equal(await editor.inputValue(), PRETTY);

  // Shift+Alt+F formats too; invalid JSON disables the button and says why.
  await editor.fill(MINIFIED);
  await page.keyboard.press('Shift+Alt+F');
  assert.equal(await editor.inputValue(), PRETTY);
  await editor.fill('{"StartAt": }');
  await waitInvalid(page, true);
  assert.ok(await formatButton(page).isDisabled());
  assert.match(await page.locator('.editor-main .code-note').textContent(), /^Format needs valid JSON: line 1/);
  await page.keyboard.press('Shift+Alt+F');
  assert.equal(await editor.inputValue(), '{"StartAt": }');
});

test('Tab indents, Shift+Tab outdents, Enter keeps the indentation, Escape then Tab leaves', async (t) => {
  const { page } = await openApp(t);
  const editor = definitionEditor(page);
  await editor.fill('{\n  "a": 1');
  await caretAt(page, '{\n  "a": 1'.length);
  await page.keyboard.press('Enter');
  await page.keyboard.type('"b": [');
  await page.keyboard.press('Enter');
  await page.keyboard.type('2');
  assert.equal(await editor.inputValue(), '{\n  "a": 1\n  "b": [\n    2');
  await page.keyboard.press('Tab');
  assert.equal(await editor.inputValue(), '{\n  "a": 1\n  "b": [\n    2  ');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await editor.inputValue(), '{\n  "a": 1\n  "b": [\n  2  ');
  // The indentation keys are undoable like typing.
  await page.keyboard.press('Control+z');
  assert.equal(await editor.inputValue(), '{\n  "a": 1\n  "b": [\n    2  ');

  assert.match(await page.locator('.editor-main .code-hint').textContent(), /Esc.*Tab.*leaves the editor/);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  assert.ok(await editor.evaluate((el) => document.activeElement !== el), 'Escape then Tab moves the focus on');
  assert.equal(await editor.inputValue(), '{\n  "a": 1\n  "b": [\n    2  ');
  // Back in the editor, Tab indents again.
  await editor.focus();
  await page.keyboard.press('Tab');
  assert.ok(await editor.evaluate((el) => document.activeElement === el));
});

test('a problem is underlined at its line, explained on hover, and goes away when fixed', async (t) => {
  for (const colorScheme of ['light', 'dark']) {
    const { page } = await openApp(t, { colorScheme });
    const editor = definitionEditor(page);
    const original = await editor.inputValue();
    const broken = original.replace('"Next": "CheckDecision"', '"Next": "CheckDecisionTypo"');
    await editor.fill(broken);
    await waitInvalid(page, true);
    const line = broken.slice(0, broken.indexOf('"CheckDecisionTypo"')).split('\n').length;
    const item = page.getByRole('button', { name: new RegExp(`line ${line}, column \\d+: .*CheckDecisionTypo`) });
    await item.waitFor();

    const mark = mirror(page).locator('mark.squiggle.error', { hasText: '"CheckDecisionTypo"' });
    // The problems list selects it and scrolls it into view; the underline is on that line.
    await item.click();
    await mark.waitFor();
    const top = await page.evaluate(() => {
      const ta = document.getElementById('definition');
      const m = [...document.querySelectorAll('.editor-main mark.squiggle.error')].find((e) => e.textContent === '"CheckDecisionTypo"');
      return { mark: m.closest('.cl').getBoundingClientRect().top, ta: ta.getBoundingClientRect().top, scroll: ta.scrollTop };
    });
    assert.equal(top.mark - top.ta, PAD_TOP + (line - 1) * LINE_HEIGHT - top.scroll);

    const box = await mark.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = page.getByRole('tooltip');
    await tip.waitFor();
    assert.match(await tip.textContent(), /CheckDecisionTypo/);
    await caretAt(page, broken.indexOf('"CheckDecisionTypo"') + 5);
    await screenshot(page, `editor-problem-${colorScheme}`);
    await page.locator('.editor-pane').screenshot({ path: `tests/artifacts/editor-pane-${colorScheme}.png` });

    // Fixed: the underline, the list and the tooltip go.
    await page.mouse.move(0, 0);
    await editor.fill(original);
    await waitInvalid(page, false);
    assert.equal(await mirror(page).locator('mark.squiggle.error').count(), 0);
    assert.equal(await tip.count(), 0);
  }
});

/** A valid definition of about `lines` lines: a chain of Pass states. */
function bigDefinition(lines) {
  const states = {};
  const n = Math.ceil(lines / 11);
  for (let i = 0; i < n; i++) {
    states[`Step${i}`] = {
      Type: 'Pass',
      Comment: `step ${i} of ${n}`,
      Parameters: { 'index.$': '$.index', 'when.$': 'States.Format(\'{}\', $$.State.EnteredTime)', count: i, ok: true },
      ResultPath: '$.last',
      ...(i + 1 < n ? { Next: `Step${i + 1}` } : { End: true }),
    };
  }
  return JSON.stringify({ Comment: 'generated', StartAt: 'Step0', States: states }, null, 2);
}

test('typing into a 2,000-line definition stays responsive (timing reported, not asserted)', async (t) => {
  const { page } = await openApp(t);
  const editor = definitionEditor(page);
  const text = bigDefinition(2000);
  // Format makes 2,000 lines out of one: fast, and one Ctrl+Z takes it back. (Playwright's fill
  // would take seconds to type the text; it is set directly.)
  const minified = JSON.stringify(JSON.parse(text));
  await editor.evaluate((el, text) => {
    el.focus();
    el.value = text;
    el.dispatchEvent(new InputEvent('input', { bubbles: true }));
  }, minified);
  await waitInvalid(page, false);
  const started = Date.now();
  await formatButton(page).click();
  assert.equal(await editor.inputValue(), text);
  t.diagnostic(`Format of ${text.length} bytes into ${text.split('\n').length} lines: ${Date.now() - started} ms`);
  await page.keyboard.press('Control+z');
  assert.equal(await editor.inputValue(), minified);
  await page.keyboard.press('Control+y');
  assert.equal(await editor.inputValue(), text);
  await waitInvalid(page, false);
  const total = text.split('\n').length;
  assert.ok(total >= 2000, `${total} lines`);

  // The middle of the text, at the end of a Comment value.
  const at = text.indexOf('"step 90 of') + '"step 90 of'.length;
  await caretAt(page, at);
  // Per keystroke: from keydown to the next animation frame after the app has handled it.
  await page.evaluate(() => {
    window.__keys = [];
    const ta = document.getElementById('definition');
    ta.addEventListener('keydown', () => {
      const t0 = performance.now();
      setTimeout(() => requestAnimationFrame(() => window.__keys.push(performance.now() - t0)), 0);
    }, { capture: true });
  });
  const typed = ' (edited in the middle of a long definition)';
  // About 20 keys a second, a fast typist.
  await page.keyboard.type(typed, { delay: 50 });
  await page.waitForFunction((n) => window.__keys.length >= n, typed.length);
  const times = await page.evaluate(() => window.__keys);
  assert.ok((await editor.inputValue()).includes(`"step 90 of${typed}`));
  // A stray quote breaks the JSON: the debounced check finds it.
  await page.keyboard.type('"');
  await waitInvalid(page, true);
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const p95 = times[Math.floor(times.length * 0.95)];
  t.diagnostic(`keystroke to next frame on ${total} lines: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${times.at(-1).toFixed(1)} ms`);
  await screenshot(page, 'editor-2000-lines');
});
