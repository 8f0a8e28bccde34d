// Debian's Chromium driven by playwright-core (no browser download), one
// browser context per identity: the context presents that identity's client
// certificate to the gateway, as a person's browser would. Helpers to open a
// screen and measure its first load, to run axe-core on it and to save a
// screenshot under build/ui-screens/.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { identityFiles } from './api.mjs';
import { sourceDir } from './gateway.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const screensDir = path.join(process.env.VH_BUILD_DIR || path.join(sourceDir, 'build'), 'ui-screens');

export const chromiumPath = process.env.VH_CHROMIUM || '/usr/lib/chromium/chromium';

export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// A browser context holding `identity`'s certificate for the gateway's origin.
export async function openAs(browser, gateway, identity) {
  const { certPath, keyPath } = identityFiles(identity);
  const context = await browser.newContext({
    clientCertificates: [{ origin: gateway.origin, certPath, keyPath }],
    ignoreHTTPSErrors: true,
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  page.vhRequestedUrls = urls;
  return { context, page };
}

function readyCount(page) {
  return page.evaluate(() => performance.getEntriesByName('vh:screen-ready').length);
}

// Waits until the console has rendered another screen (router.js marks
// "vh:screen-ready" after each).
export async function waitForScreen(page, before) {
  await page.waitForFunction((n) => performance.getEntriesByName('vh:screen-ready').length > n, before,
    { timeout: 10000 });
}

// Navigates the page (in-app: clicks and hash changes use `action`).
export async function screenAfter(page, action) {
  const before = await readyCount(page);
  await action();
  await waitForScreen(page, before);
}

// A first load of `route` ("/meetings/m-1") in a fresh page: the bytes of
// every response and the time from navigation start to the screen's
// "vh:screen-ready" mark.
export async function firstLoad(page, gateway, route) {
  let bytes = 0;
  const pending = [];
  const onResponse = (r) => pending.push(r.body().then((b) => { bytes += b.length; }, () => {}));
  page.on('response', onResponse);
  await page.goto(`${gateway.origin}/#${route}`);
  await page.waitForFunction(() => performance.getEntriesByName('vh:screen-ready').length > 0, null, { timeout: 15000 });
  const t = await page.evaluate(() => ({
    ready: performance.getEntriesByName('vh:screen-ready')[0].startTime,
    start: performance.getEntriesByName('vh:start')[0].startTime,
  }));
  await Promise.all(pending);
  page.off('response', onResponse);
  const m = { route, bytes, loadMs: Math.round(t.ready), renderMs: Math.round(t.ready - t.start) };
  measurements.push(m);
  return m;
}

// Every first load measured in this process, for the summary.
export const measurements = [];

// Prints every first load; a render past `renderBudgetMs` is marked (a time
// depends on the machine's load: measured and reported, never a failure).
export function printMeasurements(title, renderBudgetMs = Infinity) {
  const lines = measurements.map((m) =>
    `  ${m.route.padEnd(34)} ${(m.bytes / 1024).toFixed(1).padStart(6)} KB  render ${String(m.renderMs).padStart(4)} ms  (whole load ${m.loadMs} ms)${m.renderMs >= renderBudgetMs ? `  OVER THE ${renderBudgetMs} ms BUDGET` : ''}`);
  const over = measurements.filter((m) => m.renderMs >= renderBudgetMs).length;
  console.log(`${title}: first loads (bytes of every response; render = console code start to screen ready, API calls included)\n${lines.join('\n')}` +
    (renderBudgetMs < Infinity ? `\n  ${over} of ${measurements.length} screens over the ${renderBudgetMs} ms render budget` : ''));
}

export async function checkAxe(page, screen) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    // Evaluated through the DevTools protocol: the console's CSP rightly
    // refuses an inline <script> (what addScriptTag would add).
    await page.evaluate(axeSource);
  }
  const result = await page.evaluate(() => window.axe.run(document));
  const problems = result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(problems, [], `axe found violations on ${screen}:\n${problems.join('\n')}`);
  return result.passes.length;
}

export async function screenshot(page, name, options = {}) {
  fs.mkdirSync(screensDir, { recursive: true });
  const file = path.join(screensDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage !== false });
  return file;
}

// Every URL the page requested: none may carry personal data.
export function assertNoPersonalDataInUrls(page, secrets) {
  for (const url of page.vhRequestedUrls) {
    for (const s of secrets) assert.ok(!url.includes(s), `a URL carries personal data: ${url}`);
  }
}
