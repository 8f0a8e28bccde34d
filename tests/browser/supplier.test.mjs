// A municipality's contact person answers information requests by hand in
// the console: the open requests with the person's identity, a form per
// request built from the field types, a value the covenant does not let the
// municipality supply (shown as withheld, never stored), the error summary,
// and declining with a reason.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs } from './support/api.mjs';
import {
  assertNoPersonalDataInUrls, checkAxe, firstLoad, launch, openAs, printMeasurements, screenAfter, screenshot,
} from './support/browser.mjs';
import { auditEvents, briefing } from './support/fixtures.mjs';
import { startGateway } from './support/gateway.mjs';

const SUPPLIER = 'gemeente-leiden.supplier';
let gateway;
let browser;

before(async () => {
  gateway = await startGateway();
  browser = await launch();
});
after(async () => {
  printMeasurements('supplier');
  if (browser) await browser.close();
  if (gateway) await gateway.stop();
});

test('a supplier answers by hand; what the covenant does not let it supply is shown as withheld', async () => {
  const meeting = await briefing(gateway, { title: 'Briefing gemeente' });
  const s1 = meeting.subjects[0];
  const { page } = await openAs(browser, gateway, SUPPLIER);
  await firstLoad(page, gateway, '/requests');
  assert.equal(await page.textContent('h1'), 'Open verzoeken');
  // The person's identity as the request carries it.
  assert.match(await page.textContent('main'), new RegExp(s1.identity['persoon.naam']));
  await checkAxe(page, 'open verzoeken');
  await screenshot(page, 'supplier-1-verzoeken');

  const ours = meeting.requests.find((r) => r.supplier === 'gemeente-leiden' && r.subject === 'S1');
  await screenAfter(page, () => page.locator(`a[href="#/requests/${ours.id}"]`).click());
  assert.equal(await page.textContent('h1'), 'Verzoek beantwoorden');
  assert.match(await page.textContent('main'), new RegExp(s1.identity['persoon.bsn']));

  // Nothing filled in: the error summary, focused, linking to the first field.
  await page.getByRole('button', { name: 'Antwoord versturen' }).click();
  await page.waitForSelector('.error-summary');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'error-summary');
  await checkAxe(page, 'verzoek met foutmelding');
  await screenshot(page, 'supplier-2-foutmelding');
  await page.locator('.error-summary a').first().click();
  assert.equal(await page.evaluate(() => document.activeElement.type), 'radio');

  // The form: a boolean as radios ("Ja"/"Nee") per requested field.
  const group = (label) => page.locator('fieldset', { has: page.locator('legend', { hasText: label }) });
  await group('Persoon is bekend bij de partner').getByLabel('Ja').check();
  await group('Bijstandsuitkering (Werk en Inkomen)').getByLabel('Ja').check();
  // Something that was not asked and that the covenant does not let a
  // municipality supply in a briefing.
  await page.getByText('Iets anders melden dat niet gevraagd is').click();
  await page.getByLabel('Welk gegeven?').selectOption({ label: 'Huurachterstand' });
  await group('Huurachterstand').getByLabel('Ja').check();
  await checkAxe(page, 'verzoek ingevuld');
  await screenshot(page, 'supplier-3-formulier');
  await page.getByRole('button', { name: 'Antwoord versturen' }).click();
  await page.waitForSelector('h1:text("Uw antwoord is verstuurd")');

  const accepted = await page.$$eval('main ul.list li', (li) => li.map((x) => x.textContent));
  assert.deepEqual(accepted.sort(), ['Bijstandsuitkering (Werk en Inkomen)', 'Persoon is bekend bij de partner']);
  const withheld = await page.$$eval('main table tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
  assert.deepEqual(withheld, [['Huurachterstand',
    'het convenant laat uw organisatie dit gegeven in dit overleg niet leveren']]);
  await checkAxe(page, 'ontvangstbewijs');
  await screenshot(page, 'supplier-4-ontvangen');

  // The gateway stored the two and audited the third as withheld.
  const events = await auditEvents(gateway, { meeting: meeting.id, type: 'field_withheld' });
  assert.equal(events.length, 1);
  assert.equal(events[0].fields[0].field, 'wonen.huurachterstand');
  assertNoPersonalDataInUrls(page, [s1.identity['persoon.bsn'], s1.identity['persoon.naam']]);
});

test('a supplier declines a request with a reason', async () => {
  const meeting = await briefing(gateway, { title: 'Briefing weigeren', count: 1 });
  const ours = meeting.requests.find((r) => r.supplier === 'gemeente-leiden');
  const { page } = await openAs(browser, gateway, SUPPLIER);
  await firstLoad(page, gateway, `/requests/${ours.id}`);
  await screenAfter(page, () => page.getByRole('link', { name: 'Verzoek weigeren' }).click());
  assert.equal(await page.textContent('h1'), 'Verzoek weigeren');
  await page.getByRole('button', { name: 'Verzoek weigeren' }).click();
  await page.waitForSelector('.error-summary');
  await checkAxe(page, 'weigeren met foutmelding');
  await page.getByLabel('Waarom weigert u dit verzoek?').fill('Persoon niet bekend bij de gemeente');
  await screenAfter(page, () => page.getByRole('button', { name: 'Verzoek weigeren' }).click());
  assert.match(await page.textContent('main'), /Het verzoek is geweigerd/);
  await screenshot(page, 'supplier-5-geweigerd');
  const list = await apiAs(gateway, SUPPLIER).get('/v1/requests?status=declined');
  assert.ok(list.json.requests.some((r) => r.id === ours.id));
});
