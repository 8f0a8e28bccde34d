// The privacy officer in a real browser: the access report for one person
// (the BSN checked with the 11-proef in the browser, then sent in a POST body,
// never in a URL), the audit events with filters and one event in detail,
// the verify state, the covenant as the matrix, and the diff of a candidate
// covenant file against the one in force.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  assertNoPersonalDataInUrls, checkAxe, firstLoad, launch, openAs, printMeasurements, screenAfter, screenshot,
} from './support/browser.mjs';
import { PRIVACY_OFFICER, answer, auditEvents, briefing } from './support/fixtures.mjs';
import { apiAs } from './support/api.mjs';
import { sourceDir, startGateway } from './support/gateway.mjs';

let gateway;
let browser;
let meeting;

before(async () => {
  gateway = await startGateway();
  browser = await launch();
  meeting = await briefing(gateway, { title: 'Briefing voor de inzage' });
  await answer(gateway, 'politie.supplier', meeting.id, 'S1', {
    'casus.reden_melding': 'Synthetisch: melding buren', 'casus.bekend_bij_partner': true,
  });
  await answer(gateway, 'om.supplier', meeting.id, 'S1', { 'justitie.lopende_zaak': true });
  const viewed = await apiAs(gateway, 'gemeente-leiden.participant').get(`/v1/meetings/${meeting.id}/dossier`);
  assert.equal(viewed.status, 200, viewed.text);
});
after(async () => {
  printMeasurements('privacy officer');
  if (browser) await browser.close();
  if (gateway) await gateway.stop();
});

test('a privacy officer answers an access request: 11-proef in the browser, the BSN only in a POST body', async () => {
  const bsn = meeting.subjects[0].identity['persoon.bsn'];
  const { page } = await openAs(browser, gateway, PRIVACY_OFFICER);
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push({ url: r.url(), body: r.postData() }); });
  await firstLoad(page, gateway, '/audit/report');
  assert.equal(await page.textContent('h1'), 'Inzageverzoek (AVG artikel 15)');
  await checkAxe(page, 'inzageverzoek');

  // A number that fails the 11-proef never leaves the browser.
  await page.getByLabel('Burgerservicenummer').fill('123456789');
  await page.getByRole('button', { name: 'Rapport opvragen' }).click();
  await page.waitForSelector('.error-summary');
  assert.match(await page.textContent('.error-summary'), /klopt niet \(elfproef\)/);
  assert.equal(posts.filter((p) => p.url.endsWith('/v1/audit/report')).length, 0);
  await checkAxe(page, 'inzageverzoek (fout)');

  await page.getByLabel('Burgerservicenummer').fill(`${bsn.slice(0, 3)} ${bsn.slice(3, 6)} ${bsn.slice(6)}`);
  await page.getByRole('button', { name: 'Rapport opvragen' }).click();
  await page.waitForSelector('.report table tbody tr');
  const entries = await page.$$eval('.report__entries li', (li) => li.map((x) => x.textContent));
  assert.ok(entries.length >= 3, `${entries.length} entries`);
  assert.ok(entries.some((e) => /Politie, basisteams in de regio/.test(e)));
  const sent = posts.filter((p) => p.url.endsWith('/v1/audit/report'));
  assert.equal(sent.length, 1);
  assert.equal(JSON.parse(sent[0].body).bsn, bsn);
  assertNoPersonalDataInUrls(page, [bsn]);
  const queries = await auditEvents(gateway, { type: 'audit_query' });
  assert.ok(queries.some((e) => e.detail.route === '/v1/audit/report' && e.detail.method === 'POST'));
  await checkAxe(page, 'inzagerapport');
  await screenshot(page, 'privacy-report');
  await page.evaluate(() => document.getElementById('rapport').scrollIntoView());
  await page.setViewportSize({ width: 1280, height: 1000 });
  await screenshot(page, 'privacy-report-view', { fullPage: false });
});

test('a privacy officer filters the audit log, opens an event and checks the log is intact', async () => {
  const { page } = await openAs(browser, gateway, PRIVACY_OFFICER);
  await firstLoad(page, gateway, '/audit/events');
  await checkAxe(page, 'auditlog');
  await page.getByLabel('Soort gebeurtenis').selectOption('answer_received');
  await page.getByLabel('Bijeenkomst (nummer)').fill(meeting.id);
  await page.getByRole('button', { name: 'Zoeken' }).click();
  await page.waitForSelector('#resultaten tbody tr');
  const types = await page.$$eval('#resultaten tbody tr td:nth-child(3)', (td) => td.map((x) => x.textContent));
  assert.deepEqual(types, ['antwoord ontvangen', 'antwoord ontvangen']);
  await checkAxe(page, 'auditlog met resultaten');
  await screenshot(page, 'privacy-auditlog');
  await screenAfter(page, () => page.locator('#resultaten tbody a').first().click());
  assert.match(await page.textContent('h1'), /^Gebeurtenis \d+$/);
  assert.match(await page.textContent('main'), /Reden van de melding|Lopende strafzaak/);
  await checkAxe(page, 'gebeurtenis');
  await screenshot(page, 'privacy-gebeurtenis');
  await screenAfter(page, () => page.getByRole('link', { name: 'Terug naar de zoekresultaten' }).click());
  assert.equal(await page.locator('#resultaten tbody tr').count(), 2);

  // Filtering by BSN: the number goes in the body of POST /v1/audit/query.
  const bsn = meeting.subjects[1].identity['persoon.bsn'];
  await page.getByLabel('Soort gebeurtenis').selectOption('');
  await page.getByLabel('Bijeenkomst (nummer)').fill('');
  await page.getByLabel('Burgerservicenummer').fill(bsn);
  await page.getByRole('button', { name: 'Zoeken' }).click();
  await page.waitForFunction(() => /gebeurtenissen getoond/.test(document.querySelector('#resultaten').textContent));
  assert.ok(await page.locator('#resultaten tbody tr').count() >= 1);
  assertNoPersonalDataInUrls(page, [bsn]);

  await screenAfter(page, () => page.getByRole('link', { name: 'Integriteit' }).click());
  assert.match(await page.textContent('main'), /De auditlog is intact/);
  await checkAxe(page, 'integriteit');
  await screenshot(page, 'privacy-integriteit');
});

test('a privacy officer reads the covenant as the matrix and compares a candidate file', async () => {
  const { page } = await openAs(browser, gateway, PRIVACY_OFFICER);
  await firstLoad(page, gateway, '/covenant');
  assert.equal(await page.textContent('h1'), 'Het convenant');
  assert.ok(await page.locator('table tbody tr').count() > 10);
  await checkAxe(page, 'convenant (briefing)');
  await screenAfter(page, () => page.getByRole('link', { name: 'Focusoverleg', exact: true }).click());
  assert.equal(await page.textContent('main h2'), 'Focusoverleg');
  await checkAxe(page, 'convenant (focusoverleg)');
  await screenshot(page, 'privacy-matrix');

  // A candidate that lets politie's criminal record reach an ad hoc partner.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vh-diff-'));
  const candidate = path.join(dir, 'convenant-2027.json');
  const text = fs.readFileSync(path.join(sourceDir, 'examples/convenant.json'), 'utf8')
    .replace('"version": "2016.2"', '"version": "2027.1"')
    .replace('{"id": "B27",', '{"id": "B99", "field": "leefgebied.delictgeschiedenis", "from": ["politie"], "to": ["@ad_hoc"], "as": "full", "client": false},\n        {"id": "B27",');
  fs.writeFileSync(candidate, text);
  await screenAfter(page, () => page.getByRole('link', { name: 'Concept vergelijken' }).click());
  await checkAxe(page, 'concept vergelijken');
  await page.getByRole('button', { name: 'Vergelijken met het geldende convenant' }).click();
  await page.waitForSelector('.error-summary');
  await page.getByLabel('Conceptconvenant (JSON-bestand)').setInputFiles(candidate);
  await page.getByRole('button', { name: 'Vergelijken met het geldende convenant' }).click();
  await page.waitForSelector('.notice--warning');
  assert.match(await page.textContent('main'), /laat meer zien dan het convenant dat nu geldt/);
  assert.match(await page.textContent('main'), /briefing: leefgebied\.delictgeschiedenis: politie -> woningcorporatie \(ad hoc\)/);
  await checkAxe(page, 'concept vergeleken');
  await screenshot(page, 'privacy-diff');

  // Nothing was put in force.
  const health = await apiAs(gateway, PRIVACY_OFFICER).get('/v1/health');
  assert.equal(health.json.convenant.version, '2016.2');

  // A file that is no covenant: its problems, linked from the summary.
  fs.writeFileSync(candidate, '{"convenant": {}}');
  await page.getByLabel('Conceptconvenant (JSON-bestand)').setInputFiles(candidate);
  await page.getByRole('button', { name: 'Vergelijken met het geldende convenant' }).click();
  await page.waitForSelector('text=Problemen in het bestand');
  await checkAxe(page, 'concept ongeldig');
  fs.rmSync(dir, { recursive: true, force: true });
});
