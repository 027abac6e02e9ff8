// Keyboard and screen-reader access of the page's DOM controls: every
// visible button, select, input and file input (those of index.html and
// those the page's modules make: the gallery, the tour card, notices) has a
// non-empty accessible name as Chromium computes it (its accessibility tree,
// through the DevTools protocol), and Tab, pressed from the top of the page,
// reaches each of them, the canvas included, and leaves the canvas again.
import test from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from './harness.mjs';

// The controls a user can see (or reach through their visible label, as the
// file inputs): each tagged with data-access-id, and described.
async function visibleControls(page) {
  return page.evaluate(() => {
    const shown = (e) => {
      for (let n = e; n; n = n.parentElement) if (n.hidden || getComputedStyle(n).visibility === 'hidden') return false;
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    };
    const out = [];
    let k = 0;
    for (const e of document.querySelectorAll('button, select, input, textarea, canvas[tabindex], [role=button]')) {
      const label = e.closest('label');
      const visible = shown(e) || (e.type === 'file' && label && shown(label));
      if (!visible || e.disabled) continue;
      e.dataset.accessId = String(k);
      out.push({ key: String(k++), tag: e.tagName.toLowerCase(), type: e.type ?? '', id: e.id, text: (e.textContent || e.title || '').trim().slice(0, 40) });
    }
    return out;
  });
}

// Chromium's accessible name of each tagged control.
async function accessibleNames(page, controls) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('Accessibility.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const names = {};
  for (const c of controls) {
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: `[data-access-id="${c.key}"]` });
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
    const node = nodes.find((n) => !n.ignored) ?? nodes[0];
    names[c.key] = node?.name?.value ?? '';
  }
  await cdp.detach();
  return names;
}

// Presses Tab from the top of the page until focus comes round again;
// returns the data-access-id of each element focused, in order.
async function tabOrder(page, presses = 120) {
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  const seen = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    const key = await page.evaluate(() => document.activeElement?.dataset?.accessId ?? (document.activeElement === document.body ? 'body' : 'other'));
    if (seen.length && key === seen[0]) break;
    seen.push(key);
  }
  return seen;
}

async function check(page, where) {
  const controls = await visibleControls(page);
  assert.ok(controls.length > 5, `${where}: ${controls.length} controls found`);
  const names = await accessibleNames(page, controls);
  for (const c of controls)
    assert.ok(names[c.key].trim().length > 0, `${where}: the ${c.tag}${c.type ? `[${c.type}]` : ''} ${c.id || c.text} has no accessible name`);
  const order = await tabOrder(page);
  for (const c of controls)
    assert.ok(order.includes(c.key), `${where}: Tab never reaches the ${c.tag} ${c.id || c.text || names[c.key]} (${order.join(' ')})`);
  const canvas = controls.find((c) => c.id === 'canvas');
  assert.ok(canvas, `${where}: the canvas is a control`);
  assert.notEqual(order[order.indexOf(canvas.key) + 1], canvas.key, `${where}: Tab stays in the canvas (${order.join(" ")}; canvas ${canvas.key})`);
  return { controls, names };
}

test('every visible DOM control has an accessible name and Tab reaches it', async () => {
  const { page, close } = await openPage({ viewport: { width: 1400, height: 900 } });
  try {
    const start = await check(page, 'the page');
    for (const id of ['image-file', 'model-file', 'export-menu', 'tour', 'ui-scale', 'canvas'])
      assert.ok(start.controls.some((c) => c.id === id), `${id} is among the controls`);
    // The tour's card, at its last step (the lesson form: checkboxes, the step, the copy button).
    await page.evaluate(async () => { await window.vitopo.tour.go(window.vitopo.tour().steps.length - 1); });
    const tour = await check(page, 'the tour\'s last step');
    assert.ok(tour.controls.some((c) => c.type === 'checkbox') && tour.controls.some((c) => c.type === 'number'));
    await page.evaluate(() => window.vitopo.tour.close());
    await page.click('#canvas', { position: { x: 5, y: 300 } });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'canvas', 'a click gives the canvas the focus');
  } finally {
    await close();
  }
});
