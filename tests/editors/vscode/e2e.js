#!/usr/bin/env node
// End-to-end test of the testlens VS Code extension in a real VS Code: code-server (VS Code
// 1.100 in the browser) with the packaged .vsix installed, driven through Chromium by
// playwright-core. Every check reads what the editor shows a person: inlay hint text in the
// editor's DOM, rows of the Problems panel, the buffer's lines after a quick fix, the status bar,
// the references peek, the notification of the ingest command.
//
//   node e2e.js --testlens BIN --vsix FILE --code-server ENTRY_JS --fixtures DIR --artifacts DIR --work DIR
//
// Screenshots and the editor's logs go to the artifacts directory, also on failure.
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');
const { chromium } = require('playwright-core');

const args = parseArgs(process.argv.slice(2), ['testlens', 'vsix', 'code-server', 'fixtures', 'artifacts', 'work']);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// How long one check may wait for the editor before it fails. The first ones include starting
// VS Code, the extension host and the server (a debug build).
const STEP_TIMEOUT = Number(process.env.TESTLENS_E2E_TIMEOUT_MS || 60_000);
const mod = process.platform === 'darwin' ? 'Meta' : 'Control';

let page;
let stepNo = 0;
const results = [];

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

async function main() {
  const started = Date.now();
  const work = path.resolve(args.work);
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(args.artifacts, { recursive: true });
  for (const f of fs.readdirSync(args.artifacts)) {
    fs.rmSync(path.join(args.artifacts, f), { recursive: true, force: true });
  }

  // A copy of the TypeScript fixture project: the quick fix edits and saves files.
  const project = path.join(work, 'project');
  copyProject(path.join(args.fixtures, 'typescript'), project);
  // The fixture's installed dependencies, when there, keep TypeScript from flagging tsconfig.json
  // ("cannot find type definition file for 'node'"): no check depends on it.
  const deps = path.join(args.fixtures, 'typescript', 'node_modules');
  if (fs.existsSync(deps)) {
    fs.symlinkSync(deps, path.join(project, 'node_modules'));
  }
  const reports = path.join(work, 'reports');
  fs.cpSync(path.join(args.fixtures, 'typescript', 'reports'), reports, { recursive: true });

  const userData = path.join(work, 'user-data');
  const extensions = path.join(work, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'update.mode': 'none',
        'git.enabled': false,
        'window.commandCenter': false,
        'files.simpleDialog.enable': true,
        'editor.inlayHints.enabled': 'on',
        'editor.minimap.enabled': false,
        'editor.fontSize': 14,
        // The binary under test, found through the setting the extension documents first.
        // TypeScript's own checks would add problems of their own.
        'typescript.validate.enable': false,
        'javascript.validate.enable': false,
        'testlens.server.path': path.resolve(args.testlens),
        'testlens.logLevel': 'debug',
        'testlens.trace.server': 'verbose',
      },
      null,
      2,
    ),
  );
  const port = await freePort();
  const config = path.join(work, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions, '--config', config];

  await step('install the .vsix into code-server', async () => {
    const r = spawnSync(process.execPath, [args['code-server'], ...common, '--install-extension', path.resolve(args.vsix)], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    fs.writeFileSync(path.join(args.artifacts, 'install-extension.log'), `${r.stdout}\n${r.stderr}`);
    if (r.status !== 0) {
      throw new Error(`code-server --install-extension exited ${r.status}: ${r.stderr || r.stdout}`);
    }
    const installed = fs.readdirSync(extensions).filter((d) => d.startsWith('testlens.testlens-'));
    if (installed.length !== 1) {
      throw new Error(`expected testlens.testlens-* in ${extensions}, found ${fs.readdirSync(extensions).join(', ')}`);
    }
  });

  const serverLog = fs.openSync(path.join(args.artifacts, 'code-server.log'), 'w');
  const server = spawn(
    process.execPath,
    [args['code-server'], ...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--ignore-last-opened', project],
    { stdio: ['ignore', serverLog, serverLog], detached: true },
  );
  let browser;
  let fatal;
  try {
    await step('code-server answers', () => waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(project)}`);
    await page.locator('.monaco-workbench').waitFor();
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor();

    await runChecks(project, reports);
  } catch (err) {
    fatal = err;
  } finally {
    if (page) {
      await page.screenshot({ path: path.join(args.artifacts, 'final.png') }).catch(() => {});
    }
    await browser?.close().catch(() => {});
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {}
    // The editor's own logs, the extension's output channel (the server's stderr) among them.
    const logs = path.join(userData, 'logs');
    if (fs.existsSync(logs)) {
      fs.cpSync(logs, path.join(args.artifacts, 'logs'), { recursive: true });
    }
  }

  if (fatal && !results.some((r) => !r.ok)) {
    // Not a check that failed but the set-up around them: it counts as a failure too.
    console.log(`FAIL ${fatal.stack || fatal}`);
    results.push({ name: 'set-up', ok: false });
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`\nvscode e2e: ${results.length - failed.length} passed, ${failed.length} failed in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  if (failed.length) {
    console.log(`artifacts (screenshots, logs): ${args.artifacts}`);
  }
  return failed.length ? 1 : 0;
}

async function runChecks(project, reports) {
  // 1. Inlay hints: the complexity of shippingCents (src/pricing.ts:27, complexity 10 in the
  //    fixture's README) at the end of its signature line.
  await openFile('src/pricing.ts');
  await step('inlay hint "cx 10" ends the signature line of shippingCents', async () => {
    const line = await waitForLine((t) => t.startsWith('export function shippingCents(') && /cx 10\s*$/.test(t),
      'line 27 "export function shippingCents(…) … cx 10"');
    // The hint is text the editor injects (a decoration span with a generated `dyn-rule-*`
    // class), not part of the document.
    const hint = page.locator('.view-line', { hasText: 'export function shippingCents(' })
      .locator('span[class*="dyn-rule"]', { hasText: /^\s*cx\s10\s*$/ });
    if ((await hint.count()) === 0) {
      throw new Error(`no separate hint element "cx 10" on the line: ${line}`);
    }
    const others = await page.locator('.view-lines').innerText();
    for (const [fn, cx] of [['lineTotal', 1], ['discountPercent', 4]]) {
      if (!new RegExp(`export function ${fn}\\(.*cx ${cx}\\s*$`, 'm').test(nbsp(others))) {
        throw new Error(`expected "cx ${cx}" at the end of ${fn}'s signature line`);
      }
    }
    await shot('inlay-hints');
  });

  // 2. Diagnostics in the Problems panel, with the link to their docs.
  await openFile('src/focused.test.ts');
  await step('Problems panel lists the focused-test error with its docs link', async () => {
    await page.keyboard.press(`${mod}+Shift+M`);
    const panel = page.locator('.markers-panel');
    await panel.waitFor();
    const row = panel.locator('.monaco-list-row', { hasText: 'focused-test' }).filter({ hasText: '[Ln 6,' }).first();
    await row.waitFor({ timeout: STEP_TIMEOUT });
    const text = nbsp(await row.innerText());
    if (!/testlens/.test(text) || !/focused-test/.test(text)) {
      throw new Error(`the Problems row does not name source and code: ${text}`);
    }
    const link = row.locator('a', { hasText: 'focused-test' });
    const href = await link.first().getAttribute('href').catch(() => null);
    const title = await link.first().getAttribute('title').catch(() => null);
    const target = `${href ?? ''} ${title ?? ''}`;
    if (!/focused-test/.test(target)) {
      throw new Error(`the code "focused-test" is not a link to its page (href=${href}, title=${title})`);
    }
    // The error icon: focused-test is an error.
    if ((await row.locator('.codicon-error').count()) === 0) {
      throw new Error('the focused-test row does not carry the error icon');
    }
    await shot('problems');
  });

  // 3. A quick fix: "Remove `.only`" on line 6 (`it.only(`), applied; the buffer changes and the
  //    diagnostic goes away.
  await step('quick fix "Remove `.only`" is offered on line 6 and applied', async () => {
    await gotoLine(6, 8); // inside `.only`, where the diagnostic is
    // "Quick Fix..." from the command palette (Ctrl+. runs the same command). The first time,
    // shortly after the file opens, VS Code shows "No code actions available" although the
    // server's answer to that very request holds the action (see the protocol trace in the
    // artifacts); the second time it shows the menu. The cause is on VS Code's side and not
    // pinned down; a person would try again, so the test does, up to four times, and says so.
    const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Remove `.only`' }).first();
    for (let attempt = 1; ; attempt++) {
      await runCommand('Quick Fix...');
      const shown = await item.waitFor({ timeout: 5000 }).then(() => true, () => false);
      if (shown) {
        if (attempt > 1) note(`the quick-fix menu showed the action at attempt ${attempt}`);
        break;
      }
      if (attempt === 4) {
        throw new Error('the quick-fix menu never offered "Remove `.only`" (4 attempts, 5 s each)');
      }
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
    await shot('code-action');
    // The menu takes keys (a pointer block covers it for clicks): move to the action, Enter.
    for (let i = 0; ; i++) {
      const focused = await page.locator('.action-widget .monaco-list-row.focused').first().getAttribute('aria-label');
      if (focused === 'Remove `.only`') break;
      if (i === 10) throw new Error(`cannot select "Remove \`.only\`" in the menu (at "${focused}")`);
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await waitForLine((t) => t.startsWith('it("runs because it is focused"'),
      'line 6 to read `it("runs because it is focused", () => {` after the fix', { trim: true });
    const lines = await editorLines();
    if (lines.some((l) => l.includes('it.only('))) {
      throw new Error('`it.only(` is still in the buffer');
    }
    if (!lines.some((l) => l.includes('test.only("also focused'))) {
      throw new Error('the fix also changed the other focused test (line 10), which it should leave alone');
    }
  });
  await step('after the fix, the Problems panel no longer has the focused-test on line 6', async () => {
    const panel = page.locator('.markers-panel');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')].map((r) => r.textContent.replace(/\u00a0/g, ' '));
      return !rows.some((t) => t.includes('focused-test') && t.includes('[Ln 6,'))
        && rows.some((t) => t.includes('focused-test') && t.includes('[Ln 10,'));
    }, null, { timeout: STEP_TIMEOUT }).catch(async () => {
      throw new Error(`Problems still shows line 6, or lost line 10: ${nbsp(await panel.innerText())}`);
    });
    await page.keyboard.press(`${mod}+S`);
    await waitFor(() => !fs.readFileSync(path.join(project, 'src/focused.test.ts'), 'utf8').includes('it.only('),
      'the saved file on disk to have no `it.only(`');
    await shot('after-fix');
  });

  // 4. "testlens: Ingest report…": the file picker (VS Code's simple dialog), the CLI run, its
  //    message, and the history file.
  await step('"testlens: Ingest report…" ingests a picked JUnit report', async () => {
    await runCommand('testlens: Ingest report…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    // The dialog fills in the workspace folder first; type over it after that.
    await page.waitForFunction((dir) => document.querySelector('.quick-input-widget input')?.value === dir, `${project}/`);
    const file = path.join(reports, 'run-1', 'vitest-junit.xml');
    await input.fill(file);
    await page.waitForFunction((f) => document.querySelector('.quick-input-widget input')?.value === f, file);
    await page.waitForTimeout(300);
    await input.press('Enter');
    const note = page.locator('.notifications-toasts .notification-toast', { hasText: 'testlens: ingested' });
    await note.first().waitFor().catch(async () => {
      const toasts = await page.locator('.notifications-toasts').innerText().catch(() => '');
      throw new Error(`no "testlens: ingested" message; notifications: ${nbsp(toasts)}`);
    });
    if (!fs.existsSync(path.join(project, '.testlens', 'history.db'))) {
      throw new Error('no .testlens/history.db in the workspace after the ingest');
    }
    await shot('ingest');
    await page.keyboard.press('Escape');
  });

  // 5. With a history (runs 2-4 of the fixture's reports, ingested by the CLI; the server
  //    reloads the history by itself): the status bar, the coverage hint, the code lens and
  //    "testlens: Show covering tests".
  for (const run of ['run-2', 'run-3', 'run-4']) {
    ingestCli(project, [path.join(reports, run)]); // one ingest is one run
  }
  await step('status bar shows the coverage of src/pricing.ts from the history: "100%"', async () => {
    await openFile('src/pricing.ts');
    await waitForStatus(/^100%$/, 'the testlens item to read "100%" (lcov of the fixture: every line covered)');
    await shot('status-bar');
  });
  await step('inlay hint "100% cov" on lineTotal beside "cx 1"', async () => {
    await waitForLine((t) => t.startsWith('export function lineTotal(') && /cx 1\s+100% cov\s*$/.test(t),
      'lineTotal\'s signature line to end in "cx 1" and "100% cov"');
  });
  // Vitest's lcov has no per-test data, so the lens says which tests call the function:
  // "called by N tests"; with per-test coverage it says "covered by N tests".
  await step('code lens "covered/called by …" above halvings opens the covering tests in the references peek', async () => {
    await gotoLine(54, 1);
    // The lens right above halvings' signature line (others sit above the other functions).
    const signature = page.locator('.view-line', { hasText: 'export function halvings(' });
    await signature.waitFor();
    let lens;
    const deadline = Date.now() + STEP_TIMEOUT;
    while (!lens) {
      const top = (await signature.boundingBox()).y;
      const lenses = page.locator('.codelens-decoration a:visible', { hasText: /(covered|called) by \d+ tests?/ });
      for (let i = 0; i < (await lenses.count()); i++) {
        const box = await lenses.nth(i).boundingBox();
        if (box && box.y < top && top - box.y < 30) lens = lenses.nth(i);
      }
      if (!lens && Date.now() > deadline) throw new Error('no "covered/called by" code lens right above halvings');
      if (!lens) await page.waitForTimeout(250);
    }
    const title = nbsp(await lens.innerText());
    await lens.click();
    await waitForPeek('pricing.test.ts');
    await shot('code-lens-peek');
    note(`code lens: "${title}"`);
    await page.keyboard.press('Escape');
  });
  await step('"testlens: Show covering tests" at halvings lists its tests in the references peek', async () => {
    await gotoLine(54, 20);
    await runCommand('testlens: Show covering tests');
    await waitForPeek('pricing.test.ts');
    await shot('covering-tests');
    await page.keyboard.press('Escape');
  });
  await step('status bar of src/pricing.test.ts counts its flaky test', async () => {
    await openFile('src/pricing.test.ts');
    await waitForStatus(/(^| · )1 flaky( · |$)/, 'the testlens item to count "1 flaky" (the FLAKY_FAIL test flips in runs 1-4)');
  });

  // 6. A setting changed in the Settings editor reaches the server (didChangeConfiguration,
  //    then workspace/configuration): the complexity hints go, the coverage hints stay.
  await step('Settings editor: "Hints: Complexity" off removes the cx hints, keeps "100% cov"', async () => {
    await toggleBoolSetting('testlens.hints.complexity', 'Hints: Complexity', false);
    await openFile('src/pricing.ts');
    await gotoLine(11, 1);
    await waitForLine((t) => t.startsWith('export function lineTotal(') && /\{\s*100% cov\s*$/.test(t),
      'lineTotal\'s line to end in "100% cov" without "cx 1"');
    await shot('setting-complexity-off');
    await toggleBoolSetting('testlens.hints.complexity', 'Hints: Complexity', true);
    await openFile('src/pricing.ts');
    await waitForLine((t) => t.startsWith('export function lineTotal(') && /cx 1\s+100% cov\s*$/.test(t),
      '"cx 1" to come back');
  });

  // The screenshot for the README: hints in the code, the test smells of pricing.test.ts in
  // the Problems panel below.
  await step('README screenshot', async () => {
    await openFile('src/pricing.test.ts');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'fixed-sleep' }).first().waitFor();
    await openFile('src/pricing.ts');
    await gotoLine(11, 1);
    await page.waitForTimeout(500);
    await shot('readme');
  });
}

// --- editor helpers ------------------------------------------------------------------------

async function runCommand(title) {
  await page.keyboard.press(`${mod}+Shift+P`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor();
  await row.click();
}

async function openFile(rel) {
  const base = path.basename(rel);
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Quick Open (Ctrl+P) with the file's path, Enter on the row of exactly that file. A keystroke
  // that lands while the workbench is busy can be lost: try again, up to three times.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press(`${mod}+P`);
    const input = page.locator('.quick-input-widget input');
    const opened = await (async () => {
      await input.waitFor({ timeout: 5000 });
      await input.fill(rel);
      // Enter once the list has settled with the file on top (a click can land on a row that
      // moved while the results were coming in).
      await page.waitForFunction((name) => {
        const top = document.querySelector('.quick-input-widget .monaco-list-row.focused .label-name');
        return top && top.textContent.trim() === name;
      }, base, { timeout: 5000 });
      await page.waitForTimeout(200);
      await page.waitForFunction((name) => {
        const top = document.querySelector('.quick-input-widget .monaco-list-row.focused .label-name');
        return top && top.textContent.trim() === name;
      }, base, { timeout: 5000 });
      await input.press('Enter');
      await page.locator('.tab.active', { hasText: new RegExp(`^\\s*${escaped}`) }).waitFor({ timeout: 5000 });
    })().then(() => true, (err) => (attempt === 3 ? Promise.reject(err) : false));
    if (opened) break;
  }
  await page.locator('.editor-instance .view-lines').first().waitFor();
  await page.locator('.monaco-editor.focused').first().waitFor();
}

/** Go to line:column with "Go to Line/Column" (Ctrl+G). */
async function gotoLine(line, column) {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press(`${mod}+G`);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await input.press('Enter');
  await page.waitForFunction(
    (l) => {
      const t = document.querySelector('.statusbar-item[id="status.editor.selection"]')?.textContent ?? '';
      return t.includes(`Ln ${l},`);
    },
    line,
  );
}

/** The editor's visible lines, top to bottom, with hints as they are shown. */
async function editorLines() {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll('.editor-instance .view-lines .view-line')];
    lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    return lines.map((l) => l.textContent.replace(/\u00a0/g, ' '));
  });
}

async function waitForLine(pred, what, { trim = false } = {}) {
  let last = [];
  const deadline = Date.now() + STEP_TIMEOUT;
  while (Date.now() < deadline) {
    last = await editorLines();
    const hit = last.find((l) => pred(trim ? l.trim() : l));
    if (hit !== undefined) {
      return hit;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`timed out after ${STEP_TIMEOUT / 1000}s waiting for ${what}; the editor shows:\n  ${last.join('\n  ')}`);
}

/** Sets a boolean setting through the Settings editor, as a person would. */
async function toggleBoolSetting(key, title, value) {
  await runCommand('Preferences: Open User Settings');
  // The search box (a small editor) has the focus when the Settings editor opens.
  const search = page.locator('.settings-editor .settings-header .monaco-editor textarea').first();
  await search.waitFor({ state: 'attached' });
  await search.focus();
  await page.keyboard.press(`${mod}+A`);
  await page.keyboard.type(key);
  const checkbox = page.locator('.settings-editor .setting-item-bool', { hasText: title })
    .locator('.setting-value-checkbox').first();
  await checkbox.waitFor();
  if ((await checkbox.getAttribute('aria-checked')) !== String(value)) {
    await checkbox.click();
  }
  const deadline = Date.now() + STEP_TIMEOUT;
  while ((await checkbox.getAttribute('aria-checked')) !== String(value)) {
    if (Date.now() > deadline) throw new Error(`the checkbox of ${key} did not turn ${value}`);
    await page.waitForTimeout(100);
  }
}

/** Waits until the testlens status-bar item (the beaker) reads text matching `re`. */
async function waitForStatus(re, what) {
  let last = '(no testlens item)';
  const deadline = Date.now() + STEP_TIMEOUT;
  while (Date.now() < deadline) {
    const item = page.locator('.statusbar-item', { has: page.locator('.codicon-beaker') }).first();
    if (await item.isVisible().catch(() => false)) {
      last = nbsp(await item.innerText()).trim();
      if (re.test(last)) return last;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`timed out after ${STEP_TIMEOUT / 1000}s waiting for ${what}; it reads "${last}"`);
}

/** Waits for the references peek to list a file named `file`. */
async function waitForPeek(file) {
  await page.locator('.peekview-widget .ref-tree').waitFor();
  await page.waitForFunction((f) => {
    const t = document.querySelector('.peekview-widget .ref-tree')?.textContent ?? '';
    return t.includes(f);
  }, file, { timeout: STEP_TIMEOUT }).catch(async () => {
    const t = await page.locator('.peekview-widget').innerText().catch(() => '');
    throw new Error(`the references peek does not list ${file}: ${nbsp(t)}`);
  });
}

function ingestCli(project, files) {
  const r = spawnSync(path.resolve(args.testlens), ['ingest', ...files], { cwd: project, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`testlens ingest exited ${r.status}: ${r.stderr}`);
  }
}

// --- test plumbing -------------------------------------------------------------------------

async function step(name, fn) {
  stepNo += 1;
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${stepNo} ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  } catch (err) {
    results.push({ name, ok: false });
    console.log(`FAIL ${stepNo} ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)\n     ${String(err && err.message || err).split('\n').join('\n     ')}`);
    if (page) {
      await shot(`FAILED-${stepNo}`).catch(() => {});
    }
    // Later checks build on earlier ones: stop at the first failure.
    throw new Error(`step ${stepNo} failed: ${name}`);
  }
}

function note(s) {
  console.log(`note ${s}`);
}

async function shot(name) {
  await page.screenshot({ path: path.join(args.artifacts, `${name}.png`) });
}

async function waitFor(pred, what) {
  const deadline = Date.now() + STEP_TIMEOUT;
  while (Date.now() < deadline) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function nbsp(s) {
  return s.replace(/\u00a0/g, ' ');
}

function copyProject(from, to) {
  fs.cpSync(from, to, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|coverage|reports|\.testlens)$/.test(src),
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function waitForHttp(url, timeout) {
  const deadline = Date.now() + timeout;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      http
        .get(url, (res) => {
          res.resume();
          if (res.statusCode === 200) resolve();
          else retry(new Error(`status ${res.statusCode}`));
        })
        .on('error', retry);
    };
    const retry = (err) => {
      if (Date.now() > deadline) reject(new Error(`${url} did not answer in ${timeout / 1000}s: ${err.message}`));
      else setTimeout(attempt, 250);
    };
    attempt();
  });
}

function parseArgs(argv, required) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const r of required) {
    if (!out[r]) throw new Error(`missing --${r}`);
  }
  return out;
}
