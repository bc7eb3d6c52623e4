// Issue 13, the rest: one's own data (Import data: a CSV file or pasted text, with or without a
// header, 2 or 3 classes or a regression, bad rows named by line with nothing changed, the
// scale shown, exported back with the points added by click) and lab files (Save lab / Open
// lab restore the step, the losses and the decision grid exactly; a #lab= link does the same;
// a file of another kind or version gives a message and changes nothing).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { useLab, until, screenshot, openElementFigure } from './support/browser.mjs';

/** Clicks the button and returns the download: its suggested name and its text. */
async function download(page, locator) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), locator.click()]);
  return { name: d.suggestedFilename(), text: await fs.readFile(await d.path(), 'utf8') };
}

/** What a training figure shows: the step, the losses, the accuracy and the decision grid's pixels. */
const shown = (page) =>
  page.evaluate(() => ({
    step: document.querySelector('#t-count-step').getAttribute('data-step'),
    train: document.querySelector('#t-loss-train').getAttribute('data-loss-train'),
    test: document.querySelector('#t-loss-test').getAttribute('data-loss-test'),
    accuracy: document.querySelector('#t-accuracy').getAttribute('data-accuracy'),
    grid: document.querySelector('#t-boundary').toDataURL(),
  }));

/** XOR points as the built-in set makes them: both coordinates 0.3 to 5.5 from the axes. */
function xorCsv(n, seed) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const rows = [];
  for (let i = 0; i < n; i++) {
    const sx = rand() < 0.5 ? -1 : 1;
    const sy = rand() < 0.5 ? -1 : 1;
    const x = sx * (0.3 + 5.2 * rand());
    const y = sy * (0.3 + 5.2 * rand());
    rows.push(`${(x * 10 + 50).toFixed(3)},${(y * 10 + 50).toFixed(3)},${sx * sy > 0 ? 1 : 0}`);
  }
  return rows.join('\n') + '\n';
}

/** Opens Import data, puts `text` in (pasted) and presses Use these data. */
async function importText(page, text) {
  await page.getByRole('button', { name: 'Import data' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import data' });
  await dialog.getByLabel('or the CSV itself').fill(text);
  await dialog.getByRole('button', { name: 'Use these data' }).click();
  return dialog;
}

/** Trains at full speed until the step passes `steps`, then pauses. */
async function trainTo(page, steps) {
  await page.getByRole('button', { name: 'Play' }).click();
  await until(async () => Number(await page.locator('#t-count-step').getAttribute('data-step')) >= steps, `${steps} steps`, 60000);
  await page.getByRole('button', { name: 'Pause' }).click();
}

describe('your own data', () => {
  const lab = useLab();

  test('a CSV with a header is imported, scaled, shown, and trained on', async (t) => {
    const page = await lab.openPage(t, 'view=train');
    const dialog = await importText(page, 'x,y,label\n10,100,0\n20,300,1\n30,200,0\n40,400,1\n15,150,0\n35,350,1\n');
    await until(async () => !(await dialog.isVisible()), 'the dialog closes');
    assert.equal(await page.locator('#t-data').inputValue(), 'own', 'the menu says Your data');
    const scale = await page.locator('#t-data-scale').textContent();
    assert.match(scale, /^Your data: 6 points, 2 classes\. x from 10 to 40 in the file is drawn from −0.5 to 0.5; y from 100 to 400 in the file is drawn from −5 to 5\.$/);
    assert.match(page.url(), /data=own/);
    assert.equal(await page.locator('#t-count-step').getAttribute('data-step'), '0', 'a fresh network');
    await page.locator('#t-step').click();
    await until(async () => (await page.locator('#t-count-step').getAttribute('data-step')) === '1', 'it trains on them');
    await screenshot(page, 'import-own-data-1280.png');
  });

  test('a file without a header, bad rows named by line with nothing changed, and a 3-class file', async (t) => {
    const page = await lab.openPage(t, 'view=train&data=xor');
    await page.locator('#t-step').click();
    const before = await shown(page);
    // bad rows: every one named, the data set and the run untouched
    const dialog = await importText(page, 'x,y,label\n1,2,0\n3,four,1\n5,6\n7,8,9\n');
    const message = await dialog.locator('#import-message').textContent();
    for (const s of ['Nothing was changed', 'line 3: “four” is not a finite number', 'line 4: 2 fields where the file has 3', 'line 5']) {
      assert.ok(message.includes(s), `the message says ${s}: ${message}`);
    }
    assert.equal(await dialog.isVisible(), true, 'the dialog stays open to fix the file');
    await screenshot(page, 'import-bad-rows-1280.png');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.locator('#t-data').inputValue(), 'xor');
    assert.deepEqual(await shown(page), before, 'nothing changed');

    // a file (no header): chosen with the file chooser, its text shown in the box
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'bpl-')), 'three.csv');
    await fs.writeFile(file, '0,0,0\n1,0,1\n0,1,2\n2,2,0\n3,1,1\n1,3,2\n');
    await page.getByRole('button', { name: 'Import data' }).click();
    await page.locator('#import-file').setInputFiles(file);
    await until(async () => (await page.locator('#import-text').inputValue()).startsWith('0,0,0'), 'the file is read into the box');
    assert.match(await page.locator('#import-message').textContent(), /6 points, 3 classes/);
    await page.getByRole('button', { name: 'Use these data' }).click();
    await until(async () => (await page.locator('#t-data').inputValue()) === 'own', 'the 3-class data are used');
    assert.equal(await page.locator('#t-loss').inputValue(), 'softmax', 'three classes: softmax cross-entropy');
  });

  test('an imported XOR trains as well as the built-in one, and exports back with an added point', async (t) => {
    const page = await lab.openPage(t, 'view=train&speed=max');
    await importText(page, xorCsv(500, 7));
    await until(async () => (await page.locator('#t-data').inputValue()) === 'own', 'imported');
    await trainTo(page, 3000);
    const own = Number(await page.locator('#t-accuracy').getAttribute('data-accuracy'));
    const builtin = await lab.openPage(t, 'view=train&speed=max&data=xor');
    await trainTo(builtin, 3000);
    const theirs = Number(await builtin.locator('#t-accuracy').getAttribute('data-accuracy'));
    assert.ok(own >= Math.min(0.9, theirs - 0.05), `imported XOR: ${own} test accuracy, built-in: ${theirs}`);

    // an added point (the keyboard's, at the cross): the export has it, in the file's units
    await page.locator('#t-boundary').focus();
    await page.locator('#t-boundary').press('0');
    assert.match(await page.locator('#t-plane-live').textContent(), /^Added a point of class 0/);
    const csv = await download(page, page.getByRole('toolbar', { name: 'Your data' }).getByRole('button', { name: 'Export CSV' }));
    assert.equal(csv.name, 'backprop-lab-own-data.csv');
    const lines = csv.text.trim().split('\n');
    assert.equal(lines[0], 'x,y,label');
    assert.equal(lines.length - 1, 501, 'the 500 points and the added one');
    const values = lines.slice(1).map((l) => l.split(',').map(Number));
    assert.ok(values.every(([x, y]) => x > -10 && x < 110 && y > -10 && y < 110), 'in the file’s units (0 to 100), not the plane’s');
  });
});

describe('lab files', () => {
  const lab = useLab();

  test('Save lab, then Open lab in a fresh page: the same step, losses and decision grid; a #lab= link too', async (t) => {
    const page = await lab.openPage(t, 'view=train&data=xor&opt=adam&lr=0.01');
    for (let i = 0; i < 25; i++) await page.locator('#t-step').click();
    // a point of class 1 added at the plane's keyboard cross (a click could land on a dot,
    // which opens its graph)
    await page.locator('#t-boundary').focus();
    await page.locator('#t-boundary').press('1');
    assert.match(await page.locator('#t-plane-live').textContent(), /^Added a point of class 1/);
    await page.locator('#t-step').click();
    const saved = await shown(page);
    assert.equal(saved.step, '26');
    const file = await download(page, page.getByRole('button', { name: 'Save lab' }));
    assert.equal(file.name, 'backprop-lab-xor-lab.json');
    const json = JSON.parse(file.text);
    assert.equal(json.format, 'backprop-lab');
    assert.equal(json.version, 1);
    assert.equal(json.run.step, 26);
    assert.equal(json.run.train.length, 251, 'the added point is in the data');

    const fresh = await lab.openPage(t, '');
    const where = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'bpl-')), file.name);
    await fs.writeFile(where, file.text);
    await fresh.locator('#open-lab-file').setInputFiles(where);
    await until(async () => !(await fresh.locator('#train-view').isHidden()), 'the lab opens in the training view');
    await until(async () => (await fresh.locator('#t-count-step').getAttribute('data-step')) === '26', 'at its step');
    assert.deepEqual(await shown(fresh), saved, 'the same step, losses, accuracy and decision grid');
    assert.equal(await fresh.locator('#t-opt').inputValue(), 'adam', 'the settings came with it');
    // and training goes on alike in both
    await page.locator('#t-step').click();
    await fresh.locator('#t-step').click();
    await until(async () => (await fresh.locator('#t-count-step').getAttribute('data-step')) === '27', 'one more step');
    await until(async () => (await page.locator('#t-count-step').getAttribute('data-step')) === '27', 'one more step');
    assert.deepEqual(await shown(fresh), await shown(page), 'the next step is the same step');

    // the Share dialog's lab link: the same again in a new page
    await page.getByRole('button', { name: 'Share / embed' }).click();
    const link = await page.getByRole('link', { name: 'Link with this lab (the data, the trained network, the step)' }).getAttribute('href');
    assert.match(link, /#lab=[A-Za-z0-9_-]+$/);
    const linked = await lab.openPage(t, link.slice(link.indexOf('?') + 1));
    await until(async () => (await linked.locator('#t-count-step').getAttribute('data-step')) === '27', 'the link opens at its step');
    assert.deepEqual(await shown(linked), await shown(page), 'the link carries the lab exactly');

    // a network file (the network's Export JSON) opens too: its settings, weights and step
    await page.locator('#share-close').click();
    const network = await download(page, page.getByRole('toolbar', { name: 'Export the network' }).getByRole('button', { name: 'Export JSON' }));
    const other = await lab.openPage(t, 'preset=fan-out');
    const netFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'bpl-')), network.name);
    await fs.writeFile(netFile, network.text);
    await other.locator('#open-lab-file').setInputFiles(netFile);
    await until(async () => (await other.locator('#t-count-step').getAttribute('data-step')) === '27', 'the network opens at its step');
    // (a network file has no points: the added one is not in its training set, but the test
    // set is the settings' own, and the weights are the same)
    const [mine, theirs] = [await shown(page), await shown(other)];
    assert.equal(theirs.test, mine.test, 'the same weights: the same test loss');
    assert.equal(theirs.accuracy, mine.accuracy, 'and the same test accuracy');
  });

  test('a file of another kind or version gives a message and changes nothing; the element reads and opens labs', async (t) => {
    const page = await lab.openPage(t, 'view=train&data=moons');
    await page.locator('#t-step').click();
    const before = await shown(page);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bpl-'));
    const cases = [
      ['network.json', JSON.stringify({ format: 'backprop-lab-network', version: 1 }), /the network file does not fit version 1/],
      ['graph.json', JSON.stringify({ format: 'backprop-lab-graph', version: 1, nodes: [] }), /not a lab file: its format is .*backprop-lab-graph/],
      ['newer.json', JSON.stringify({ format: 'backprop-lab', version: 2, settings: [] }), /version 2, from a newer Backprop Lab; this one reads version 1/],
      ['broken.json', '{"format": "backprop-lab", "version": 1, "settings": [["lr"', /not JSON/],
      ['edited.json', null, /does not have the settings the file gives/],
    ];
    const good = JSON.parse((await download(page, page.getByRole('button', { name: 'Save lab' }))).text);
    for (const [name, text, says] of cases) {
      const edited = { ...good, settings: [...good.settings, ['lr', '0.5']] };
      const where = path.join(dir, name);
      await fs.writeFile(where, text ?? JSON.stringify(edited));
      await page.locator('#open-lab-file').setInputFiles(where);
      await until(async () => says.test(await page.locator('#lab-notice').textContent()), `${name}: ${says}`);
      assert.match(await page.locator('#lab-notice').textContent(), /Nothing was changed/);
      assert.deepEqual(await shown(page), before, `${name}: nothing changed`);
    }

    // the element: el.lab is the file, el.openLab(text) opens one and throws on a bad one
    const host = await openElementFigure(lab, t, 'fl', { view: 'train' });
    const opened = await host.evaluate((text) => {
      const el = document.getElementById('fl');
      el.openLab(text);
      const again = JSON.parse(el.lab);
      let refused = '';
      try {
        el.openLab('{"format":"x"}');
      } catch (e) {
        refused = e.message;
      }
      return { step: again.run.step, data: again.settings.find((p) => p[0] === 'data')?.[1], refused };
    }, JSON.stringify(good));
    assert.deepEqual([opened.step, opened.data], [1, 'moons'], 'the element took the lab');
    assert.match(opened.refused, /^openLab\(text\): this is not a lab file/);
  });
});
