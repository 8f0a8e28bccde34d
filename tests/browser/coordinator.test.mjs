// The house's coordinator in a real browser: schedules a briefing in the
// console form (error summary included), sends the requests, watches the
// request round board change when a supplier answers over the API, lets the
// client join the table (an open participant's view loses the fields with
// client:false after a refresh), closes with outcomes and extends the
// retention with a reason.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiAs } from './support/api.mjs';
import {
  assertNoPersonalDataInUrls, checkAxe, firstLoad, launch, openAs, printMeasurements, screenAfter, screenshot,
} from './support/browser.mjs';
import { COORDINATOR, answer, auditEvents, requestOf } from './support/fixtures.mjs';
import { startGateway } from './support/gateway.mjs';
import { syntheticBsn } from './support/api.mjs';

let gateway;
let browser;

before(async () => {
  gateway = await startGateway();
  browser = await launch();
});
after(async () => {
  printMeasurements('coordinator');
  if (browser) await browser.close();
  if (gateway) await gateway.stop();
});

function local(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

test('the coordinator schedules a briefing, follows the request round and runs the meeting', async () => {
  const name = 'Anna Voorbeeld (synthetisch)';
  const bsn = syntheticBsn(4242);
  const { page } = await openAs(browser, gateway, COORDINATOR);
  await firstLoad(page, gateway, '/');
  assert.equal(await page.textContent('h1'), 'Bijeenkomsten');
  await checkAxe(page, 'bijeenkomsten (coördinator)');

  // Step 1: the overlegvorm (the error summary when nothing is chosen).
  await screenAfter(page, () => page.getByRole('link', { name: 'Nieuwe bijeenkomst plannen' }).click());
  await page.getByRole('button', { name: 'Verder' }).click();
  await page.waitForSelector('.error-summary');
  await checkAxe(page, 'overlegvorm kiezen (fout)');
  await page.getByLabel('Briefing (weegoverleg)').check();
  await screenAfter(page, () => page.getByRole('button', { name: 'Verder' }).click());
  assert.equal(await page.textContent('h1'), 'Briefing (weegoverleg) plannen');

  // Step 2: the form, first with a BSN that fails the 11-proef.
  const now = Date.now();
  await page.getByLabel('Titel').fill('Briefing week 49');
  await page.getByLabel('Begint op').fill(local(now - 3600e3));
  await page.getByLabel('Eindigt op').fill(local(now + 24 * 3600e3));
  await page.getByLabel('Woningcorporatie (flexibele schil)').check();
  await page.getByLabel('Naam', { exact: true }).fill(name);
  await page.getByLabel('Geboortedatum').fill('1988-06-01');
  await page.getByLabel('Burgerservicenummer').fill('123456789');
  await page.getByLabel('Woongemeente').fill('Leiden');
  await page.getByRole('button', { name: 'Bijeenkomst plannen' }).click();
  await page.waitForSelector('.error-summary');
  assert.match(await page.textContent('.error-summary'), /burgerservicenummer van persoon 1 klopt niet/);
  await checkAxe(page, 'bijeenkomst plannen (fout)');
  await screenshot(page, 'coordinator-1-plannen-fout');
  await page.locator('.error-summary a').click();
  assert.match(await page.evaluate(() => document.activeElement.labels[0].textContent), /^Burgerservicenummer/);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(bsn);
  await screenAfter(page, () => page.getByRole('button', { name: 'Bijeenkomst plannen' }).click());
  assert.equal(await page.textContent('h1'), 'Briefing week 49');
  const id = new URL(page.url()).hash.replace('#/meetings/', '');
  assert.match(id, /^m-/);

  // The requests, then the board.
  await page.getByLabel('Uiterste antwoorddatum en -tijd').fill(local(now + 12 * 3600e3));
  await screenAfter(page, () => page.getByRole('button', { name: 'Verzoeken versturen' }).click());
  assert.match(await page.textContent('main'), /informatieverzoeken verstuurd/);
  await checkAxe(page, 'verzoekronde');
  await screenshot(page, 'coordinator-2-verzoekronde');
  const politie = await requestOf(gateway, 'politie.supplier', id, 'S1');
  // The person lives in Leiden: gemeente-leiden is asked, the other gemeenten are not.
  await requestOf(gateway, 'gemeente-leiden.supplier', id, 'S1');
  const alphen = await apiAs(gateway, 'gemeente-alphen.supplier').get('/v1/requests?status=open');
  assert.equal(alphen.status, 200, alphen.text);
  assert.ok(!alphen.json.requests.some((q) => q.meeting === id));
  const cell = page.locator(`[data-request="${politie.id}"]`);
  assert.equal(await cell.getAttribute('data-status'), 'open');

  // A supplier answers over the API; the board follows without a reload.
  const t0 = Date.now();
  await answer(gateway, 'politie.supplier', id, 'S1', {
    'casus.reden_melding': 'Synthetisch: aanhouding na overlast',
    'casus.bekend_bij_partner': true,
    'leefgebied.delictgeschiedenis': 'Synthetisch: 3 antecedenten',
  });
  await page.waitForSelector(`[data-request="${politie.id}"][data-status="answered"]`, { timeout: 10000 });
  console.log(`board showed the answer ${Date.now() - t0} ms after it was sent`);
  assert.match(await cell.textContent(), /beantwoord/);
  await answer(gateway, 'om.supplier', id, 'S1', { 'casus.bekend_bij_partner': true, 'justitie.lopende_zaak': true });
  await answer(gateway, 'reclassering.supplier', id, 'S1', { 'justitie.lopend_toezicht': true });
  await page.waitForFunction(() => /3 van \d+ verzoeken beantwoord/.test(document.querySelector('.board__summary').textContent));
  await screenshot(page, 'coordinator-3-bord-beantwoord');

  // A participant has the dossier open.
  const participant = (await openAs(browser, gateway, 'politie.participant')).page;
  await firstLoad(participant, gateway, `/meetings/${id}`);
  const labels = () => participant.$$eval('section.subject-dossier tbody th', (th) => th.map((x) => x.textContent));
  const before = await labels();
  assert.ok(before.includes('Reden van de melding'));
  assert.ok(before.includes('Lopend reclasseringstoezicht'));
  await checkAxe(participant, 'dossier (deelnemer)');
  await screenshot(participant, 'participant-dossier');

  // The client joins the table; after a refresh the participant sees only
  // what stays visible with the client present.
  await screenAfter(page, () => page.getByRole('button', { name: 'Cliënt komt aan tafel' }).click());
  assert.match(await page.textContent('#fase-stand'), /De cliënt is aan tafel/);
  await checkAxe(page, 'bijeenkomst, cliënt aan tafel');
  await screenAfter(participant, () => participant.getByRole('button', { name: 'Vernieuwen' }).click());
  assert.match(await participant.textContent('main'), /De cliënt is aan tafel/);
  const during = await labels();
  assert.ok(!during.includes('Reden van de melding'));
  assert.ok(!during.includes('Lopend reclasseringstoezicht'));
  assert.ok(during.includes('Naam'));
  assert.ok(during.length < before.length);
  await checkAxe(participant, 'dossier, cliënt aan tafel');
  await screenshot(participant, 'participant-dossier-client-aan-tafel');
  await screenAfter(page, () => page.getByRole('button', { name: 'Cliënt verlaat de tafel' }).click());

  // Close with an outcome.
  await screenAfter(page, () => page.getByRole('link', { name: 'Bijeenkomst sluiten en besluiten vastleggen' }).click());
  await checkAxe(page, 'bijeenkomst sluiten');
  await page.getByRole('group', { name: 'Besluit over S1' }).getByLabel('Monitoren').check();
  await screenAfter(page, () => page.getByRole('button', { name: 'Bijeenkomst sluiten' }).click());
  assert.match(await page.textContent('main'), /De bijeenkomst is gesloten/);
  const closed = await apiAs(gateway, COORDINATOR).get(`/v1/meetings/${id}`);
  assert.equal(closed.json.state, 'closed');
  assert.equal(closed.json.subjects[0].outcome, 'monitoren');

  // Extend the retention: a reason is required.
  await screenAfter(page, () => page.getByRole('link', { name: 'Bewaartermijn verlengen' }).click());
  await page.getByRole('button', { name: 'Bewaartermijn verlengen' }).click();
  await page.waitForSelector('.error-summary');
  assert.equal(await page.locator('.error-summary li').count(), 2);
  await checkAxe(page, 'bewaartermijn (fout)');
  await page.getByLabel('Bewaren tot en met').fill(`${new Date(now).getFullYear() + 3}-01-31`);
  await page.getByLabel('Reden').fill('Lopende rechtszaak (synthetisch)');
  await screenAfter(page, () => page.getByRole('button', { name: 'Bewaartermijn verlengen' }).click());
  assert.match(await page.textContent('main'), /De bewaartermijn is verlengd/);
  const ext = await auditEvents(gateway, { meeting: id, type: 'retention_extended' });
  assert.equal(ext.length, 1);
  const phases = await auditEvents(gateway, { meeting: id, type: 'phase_changed' });
  assert.equal(phases.length, 2);
  assertNoPersonalDataInUrls(page, [bsn, name]);
  assertNoPersonalDataInUrls(participant, [bsn, name]);
});
