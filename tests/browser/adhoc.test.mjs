// The ad hoc partner's whole path in a real browser: a housing
// corporation's neighbourhood consultant, invited to one briefing, finds the
// meeting, reads and signs the confidentiality declaration (nothing else
// before that), and then sees exactly what the covenant lets an ad hoc
// partner see. Also: signing with the keyboard only, and a colleague's
// certificate that has not signed.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { apiAs } from './support/api.mjs';
import {
  assertNoPersonalDataInUrls, checkAxe, firstLoad, launch, openAs, printMeasurements, screenAfter, screenshot,
} from './support/browser.mjs';
import { answer, auditEvents, briefing } from './support/fixtures.mjs';
import { startGateway } from './support/gateway.mjs';

const AD_HOC = 'woningcorporatie.participant';
const COLLEAGUE = 'woningcorporatie.participant-2';
let gateway;
let browser;

before(async () => {
  gateway = await startGateway();
  browser = await launch();
});
after(async () => {
  printMeasurements('ad hoc partner');
  if (browser) await browser.close();
  if (gateway) await gateway.stop();
});

// The dossier table of subject `ref` as [label, from, transform] rows.
async function dossierRows(page, ref) {
  return page.$$eval(`section[aria-labelledby="persoon-${ref}"] tbody tr`, (rows) =>
    rows.map((r) => [...r.children].map((c) => c.textContent.trim())).map((c) => [c[0], c[2], c[3]]));
}

test('the ad hoc partner finds the meeting, signs the declaration and sees exactly what the covenant allows', async () => {
  const meeting = await briefing(gateway, { title: 'Briefing met de woningcorporatie', houseReason: true });
  await answer(gateway, 'politie.supplier', meeting.id, 'S1', {
    'casus.reden_melding': 'Synthetisch: overlast in de wijk',
    'casus.bekend_bij_partner': true,
    'leefgebied.delictgeschiedenis': 'Synthetisch: 2 antecedenten',
  });
  const { page } = await openAs(browser, gateway, AD_HOC);
  const csp = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) csp.push(m.text()); });

  // 1. My meetings: the meeting is there, without its id passed on by hand.
  await firstLoad(page, gateway, '/');
  assert.equal(await page.textContent('h1'), 'Mijn bijeenkomsten');
  await checkAxe(page, 'mijn bijeenkomsten (ad hoc)');
  await screenshot(page, 'adhoc-1-mijn-bijeenkomsten');
  const link = page.locator(`a[href="#/meetings/${meeting.id}"]`);
  assert.equal(await link.count(), 1);

  // 2. The declaration and nothing else: no person, no dossier request.
  await screenAfter(page, () => link.click());
  assert.equal(await page.textContent('h1'), 'Geheimhoudingsverklaring');
  const body = await page.textContent('main');
  for (const s of meeting.subjects) {
    assert.ok(!body.includes(s.identity['persoon.naam']), 'a name is shown before signing');
  }
  assert.equal(await page.locator('main table').count(), 0);
  assert.ok(!page.vhRequestedUrls.some((u) => u.includes('/dossier')), 'the dossier was asked before signing');
  const text = await page.textContent('#verklaring-tekst');
  await checkAxe(page, 'geheimhoudingsverklaring');
  await screenshot(page, 'adhoc-2-verklaring');

  // 3. Sign: the console sends the hash of the text it showed.
  await screenAfter(page, () => page.getByRole('button', { name: 'Ik onderteken deze verklaring' }).click());
  assert.match(await page.textContent('main'), /U hebt de geheimhoudingsverklaring ondertekend/);
  const signed = await auditEvents(gateway, { type: 'declaration_signed', meeting: meeting.id });
  assert.equal(signed.length, 1);
  assert.equal(signed[0].actor.cn, 'Wijkconsulent-D');
  assert.equal(signed[0].detail.text_sha256, crypto.createHash('sha256').update(text).digest('hex'));

  // 4. Exactly what the covenant lets an ad hoc partner see in a briefing:
  // the reason for the notification only as "there is one" (B27, from the
  // house); politie's full reason is for the members only (B10).
  const rows = await dossierRows(page, 'S1');
  const politie = 'Politie, basisteams in de regio';
  assert.deepEqual(rows.sort(), [
    ['Geboortedatum', 'het Veiligheidshuis', 'leeftijd'],
    ['Naam', 'het Veiligheidshuis', 'volledig'],
    ['Persoon is bekend bij de partner', politie, 'alleen aanwezigheid'],
    ['Reden van de melding', 'het Veiligheidshuis', 'alleen aanwezigheid'],
  ].sort());
  const shown = await page.textContent('main');
  assert.ok(!shown.includes('Delictgeschiedenis'));
  assert.ok(!shown.includes('overlast in de wijk'), "politie's reason reached the ad hoc partner");
  assert.ok(!shown.includes('bij het Veiligheidshuis'), "the house's reason was shown in full");
  // The same as the API shows this certificate, entry for entry.
  const api = await apiAs(gateway, AD_HOC).get(`/v1/meetings/${meeting.id}/dossier`);
  assert.equal(api.status, 200, api.text);
  for (const s of api.json.subjects) {
    const n = Object.values(s.fields).reduce((a, v) => a + v.length, 0);
    assert.equal((await dossierRows(page, s.ref)).length, n, `rows of ${s.ref}`);
  }
  await checkAxe(page, 'dossier (ad hoc)');
  await screenshot(page, 'adhoc-3-dossier');
  assertNoPersonalDataInUrls(page, meeting.subjects.flatMap((s) => [s.identity['persoon.bsn'], s.identity['persoon.naam'], s.ref]));
  assert.deepEqual(csp, [], 'CSP violations');
});

test('the ad hoc partner signs the declaration with the keyboard only', async () => {
  const meeting = await briefing(gateway, { title: 'Briefing toetsenbord' });
  const { page } = await openAs(browser, gateway, AD_HOC);
  await firstLoad(page, gateway, '/meetings');
  // Tab from the top of the page to the meeting's link.
  const tabTo = async (predicate, what, arg) => {
    for (let i = 0; i < 60; i += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(predicate, arg)) return;
    }
    assert.fail(`Tab never reached ${what}`);
  };
  // Before signing, the list names the meeting by its overlegvorm and time
  // only (the title is for those who signed).
  const href = `#/meetings/${meeting.id}`;
  await tabTo((h) => document.activeElement.getAttribute('href') === h, 'the meeting link', href);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Briefing (weegoverleg)');
  assert.ok(!(await page.textContent('main')).includes('Briefing toetsenbord'), 'the title is shown before signing');
  // The focus is visible: the focused link gets the yellow focus background.
  const focusBg = await page.evaluate(() => getComputedStyle(document.activeElement).backgroundColor);
  assert.equal(focusBg, 'rgb(255, 221, 0)');
  await screenshot(page, 'adhoc-4-toetsenbord-focus');
  await screenAfter(page, () => page.keyboard.press('Enter'));
  assert.equal(await page.textContent('h1'), 'Geheimhoudingsverklaring');
  await tabTo(() => document.activeElement.textContent === 'Ik onderteken deze verklaring', 'the sign button');
  await screenAfter(page, () => page.keyboard.press('Enter'));
  assert.match(await page.textContent('main'), /U hebt de geheimhoudingsverklaring ondertekend/);
  assert.equal(await page.locator('section.subject-dossier').count(), meeting.subjects.length);
});

test('a colleague at the same partner still sees nothing before signing herself', async () => {
  const meeting = await briefing(gateway, { title: 'Briefing met een collega' });
  await answer(gateway, 'politie.supplier', meeting.id, 'S1', { 'casus.reden_melding': 'Synthetisch' });
  const first = await openAs(browser, gateway, AD_HOC);
  await firstLoad(first.page, gateway, `/meetings/${meeting.id}`);
  await screenAfter(first.page, () => first.page.getByRole('button', { name: 'Ik onderteken deze verklaring' }).click());
  assert.equal(await first.page.locator('section.subject-dossier').count(), meeting.subjects.length);

  const colleague = await openAs(browser, gateway, COLLEAGUE);
  await firstLoad(colleague.page, gateway, `/meetings/${meeting.id}`);
  assert.equal(await colleague.page.textContent('h1'), 'Geheimhoudingsverklaring');
  assert.equal(await colleague.page.locator('section.subject-dossier').count(), 0);
  const api = await apiAs(gateway, COLLEAGUE).get(`/v1/meetings/${meeting.id}/dossier`);
  assert.equal(api.status, 403, api.text);
  await screenshot(colleague.page, 'adhoc-5-collega');
});
