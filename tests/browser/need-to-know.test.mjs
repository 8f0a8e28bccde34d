// Need-to-know in the console, per person and per subject: the coordinator
// gives each person's municipality (a gemeente is asked about and sees only
// its residents in the briefing), narrows who is asked about one person and
// names the house's procesregisseurs taking part; someone outside a
// restricted overlegvorm's circle or the meeting's staff gets a clear Dutch
// refusal; an ad hoc participant sees only that a meeting ended, and is asked
// to sign again when the declaration's text changed.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { apiAs, syntheticBsn } from './support/api.mjs';
import {
  assertNoPersonalDataInUrls, checkAxe, firstLoad, launch, openAs, printMeasurements, screenAfter, screenshot,
} from './support/browser.mjs';
import { COORDINATOR, auditEvents, briefing, person } from './support/fixtures.mjs';
import { sourceDir, startGateway } from './support/gateway.mjs';

const AD_HOC = 'woningcorporatie.participant';
const ADMIN = 'veiligheidshuis-hm.admin';
let gateway;
let browser;
let covenantDir;
let covenantPath;

before(async () => {
  // A copy of the example covenant: the last test changes its declaration.
  covenantDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vh-ntk-'));
  covenantPath = path.join(covenantDir, 'convenant.json');
  fs.copyFileSync(path.join(sourceDir, 'examples/convenant.json'), covenantPath);
  gateway = await startGateway({ covenant: covenantPath });
  browser = await launch();
});
after(async () => {
  printMeasurements('need-to-know');
  if (browser) await browser.close();
  if (gateway) await gateway.stop();
  if (covenantDir) fs.rmSync(covenantDir, { recursive: true, force: true });
});

function local(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

// Subject ref -> the sorted suppliers asked about it.
function askedAbout(requests) {
  const out = {};
  for (const r of requests) (out[r.subject] ||= []).push(r.supplier);
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

test('the coordinator gives each person\'s gemeente, whom to ask about a person and the procesregisseurs', async () => {
  const people = [
    { name: 'Bram Voorbeeld (synthetisch)', bsn: syntheticBsn(5151), gemeente: 'Leiden' },
    { name: 'Cor Voorbeeld (synthetisch)', bsn: syntheticBsn(5252), gemeente: 'Gouda' },
  ];
  const { page } = await openAs(browser, gateway, COORDINATOR);
  await firstLoad(page, gateway, '/meetings/new/briefing');
  assert.equal(await page.textContent('h1'), 'Briefing (weegoverleg) plannen');
  const now = Date.now();
  await page.getByLabel('Titel').fill('Briefing wijk Noord');
  await page.getByLabel('Begint op').fill(local(now - 3600e3));
  await page.getByLabel('Eindigt op').fill(local(now + 24 * 3600e3));
  await page.getByLabel('Procesregisseurs van het Veiligheidshuis die meedoen').fill('Procesregisseur-F\n');
  await page.getByRole('button', { name: 'Nog een persoon toevoegen' }).click();
  for (const [i, p] of people.entries()) {
    const block = page.getByRole('group', { name: `Persoon ${i + 1}`, exact: true });
    await block.getByLabel('Naam', { exact: true }).fill(p.name);
    await block.getByLabel('Geboortedatum').fill('1990-02-03');
    await block.getByLabel('Burgerservicenummer').fill(p.bsn);
    await block.getByLabel('Woongemeente').fill(p.gemeente);
  }
  // Person 2 (Gouda): only politie, and by mistake gemeente-leiden.
  const second = page.getByRole('group', { name: 'Persoon 2', exact: true });
  await second.getByLabel('Alleen de partners die ik kies').check();
  await second.getByLabel('Politie, basisteams in de regio').check();
  await second.getByLabel('Gemeente Leiden (alleen als de persoon in Leiden woont)').check();
  await checkAxe(page, 'bijeenkomst plannen met woongemeente en partners');
  await page.getByRole('button', { name: 'Bijeenkomst plannen' }).click();
  await page.waitForSelector('.error-summary');
  assert.match(await page.textContent('.error-summary'), /ziet in dit overleg alleen haar eigen inwoners/);
  await checkAxe(page, 'bijeenkomst plannen (niet-inwoner)');
  await screenshot(page, 'need-to-know-1-niet-inwoner');
  // The summary links to the checkbox the gateway named.
  await page.locator('.error-summary a').click();
  assert.equal(await page.evaluate(() => document.activeElement.labels[0].textContent),
    'Gemeente Leiden (alleen als de persoon in Leiden woont)');
  await page.keyboard.press('Space');
  await second.getByLabel('Gemeente Gouda (alleen als de persoon in Gouda woont)').check();
  await screenAfter(page, () => page.getByRole('button', { name: 'Bijeenkomst plannen' }).click());
  assert.equal(await page.textContent('h1'), 'Briefing wijk Noord');
  assert.match(await page.textContent('main'), /Procesregisseurs\s*alleen Procesregisseur-F/);
  const id = new URL(page.url()).hash.replace('#/meetings/', '');
  await page.getByLabel('Uiterste antwoorddatum en -tijd').fill(local(now + 12 * 3600e3));
  await screenAfter(page, () => page.getByRole('button', { name: 'Verzoeken versturen' }).click());

  // What the gateway was told and whom it asked: a gemeente only about its
  // residents, person 2 only the partners chosen.
  const coordinator = apiAs(gateway, COORDINATOR);
  const meeting = await coordinator.get(`/v1/meetings/${id}`);
  assert.deepEqual(meeting.json.staff, ['Procesregisseur-F']);
  const board = await coordinator.get(`/v1/meetings/${id}/requests`);
  const asked = askedAbout(board.json.requests);
  assert.ok(asked.S1.includes('gemeente-leiden'), asked.S1.join());
  assert.ok(asked.S1.includes('politie'));
  assert.ok(!asked.S1.includes('gemeente-gouda') && !asked.S1.includes('gemeente-alphen'), asked.S1.join());
  assert.deepEqual(asked.S2, ['gemeente-gouda', 'politie']);

  // Gemeente Leiden's contact person: its resident only, as supplier and
  // as participant.
  const supplier = (await openAs(browser, gateway, 'gemeente-leiden.supplier')).page;
  await firstLoad(supplier, gateway, '/requests');
  const open = await supplier.textContent('main');
  assert.ok(open.includes(people[0].name));
  assert.ok(!open.includes(people[1].name), 'Leiden is asked about a resident of Gouda');
  const leiden = (await openAs(browser, gateway, 'gemeente-leiden.participant')).page;
  await firstLoad(leiden, gateway, `/meetings/${id}`);
  assert.equal(await leiden.locator('section.subject-dossier').count(), 1);
  assert.equal(await leiden.locator('section[aria-labelledby="persoon-S1"]').count(), 1);
  assert.ok(!(await leiden.textContent('main')).includes(people[1].name));

  // The procesregisseur the coordinator named sees both persons; another
  // one is told plainly that this meeting is not hers, and it is audited.
  const named = (await openAs(browser, gateway, 'veiligheidshuis-hm.participant')).page;
  await firstLoad(named, gateway, `/meetings/${id}`);
  assert.equal(await named.textContent('h1'), 'Briefing wijk Noord');
  assert.equal(await named.locator('section.subject-dossier').count(), 2);
  const otherList = (await openAs(browser, gateway, 'veiligheidshuis-hm.participant-2')).page;
  await firstLoad(otherList, gateway, '/meetings');
  assert.equal(await otherList.locator(`a[href="#/meetings/${id}"]`).count(), 0);
  const other = (await openAs(browser, gateway, 'veiligheidshuis-hm.participant-2')).page;
  await firstLoad(other, gateway, `/meetings/${id}`);
  assert.equal(await other.textContent('h1'), 'Geen toegang');
  assert.match(await other.textContent('main'),
    /De coördinator heeft voor deze bijeenkomst de medewerkers van het Veiligheidshuis gekozen die meedoen\. U hoort daar niet bij\./);
  assert.equal(await other.locator('section.subject-dossier').count(), 0);
  await checkAxe(other, 'geen toegang (staff)');
  await screenshot(other, 'need-to-know-2-niet-in-staff');
  const refused = await auditEvents(gateway, { type: 'access_refused', meeting: id });
  assert.ok(refused.some((e) => e.detail.reason === 'not_in_staff' && e.actor.cn === 'Procesregisseur-N'));
  for (const p of [page, supplier, leiden, named, other]) {
    assertNoPersonalDataInUrls(p, people.flatMap((x) => [x.name, x.bsn, x.gemeente]));
  }
});

test('outside a restricted overlegvorm\'s circle: a clear refusal, also for a coordinator', async () => {
  const now = Date.now();
  const created = await apiAs(gateway, COORDINATOR).post('/v1/meetings', {
    overlegvorm: 'radicalisering',
    title: 'Casusoverleg besloten',
    starts_at: new Date(now - 3600e3).toISOString(),
    ends_at: new Date(now + 24 * 3600e3).toISOString(),
    subjects: [person('S1')],
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;

  const inCircle = (await openAs(browser, gateway, 'politie.participant')).page;
  await firstLoad(inCircle, gateway, `/meetings/${id}`);
  assert.equal(await inCircle.textContent('h1'), 'Casusoverleg besloten');
  const outside = (await openAs(browser, gateway, 'politie.participant-2')).page;
  await firstLoad(outside, gateway, `/meetings/${id}`);
  assert.equal(await outside.textContent('h1'), 'Geen toegang');
  assert.match(await outside.textContent('main'), /Dit overleg heeft een besloten kring.*Uw certificaat hoort daar niet bij\./);
  assert.equal(await outside.locator('section.subject-dossier').count(), 0);
  await checkAxe(outside, 'geen toegang (kring)');
  await screenshot(outside, 'need-to-know-3-niet-in-kring');

  // A coordinator outside the circle: its form has no staff field (the
  // circle decides) and the gateway's refusal is in the error summary.
  const { page } = await openAs(browser, gateway, 'veiligheidshuis-hm.coordinator-2');
  await firstLoad(page, gateway, '/meetings/new/radicalisering');
  assert.equal(await page.getByLabel('Procesregisseurs van het Veiligheidshuis die meedoen').count(), 0);
  assert.match(await page.textContent('main'), /Dit overleg heeft een besloten kring: het convenant noemt wie meedoet/);
  await checkAxe(page, 'radicalisering plannen');
  await page.getByLabel('Titel').fill('Casusoverleg buiten de kring');
  await page.getByLabel('Begint op').fill(local(now + 3600e3));
  await page.getByLabel('Eindigt op').fill(local(now + 7200e3));
  await page.getByLabel('Naam', { exact: true }).fill('Dirk Voorbeeld (synthetisch)');
  await page.getByLabel('Geboortedatum').fill('1985-07-08');
  await page.getByRole('button', { name: 'Bijeenkomst plannen' }).click();
  await page.waitForSelector('.error-summary');
  assert.match(await page.textContent('.error-summary'), /Dit overleg heeft een besloten kring.*Uw certificaat hoort daar niet bij\./);
  await checkAxe(page, 'radicalisering plannen (buiten de kring)');
  const refused = await auditEvents(gateway, { type: 'access_refused' });
  assert.ok(refused.some((e) => e.detail.reason === 'not_in_circle' && e.actor.cn === 'Informatiecoordinator-O'));
  assert.ok(refused.some((e) => e.detail.reason === 'not_in_circle' && e.actor.cn === 'Wijkagent-M'));
  const list = await apiAs(gateway, COORDINATOR).get('/v1/meetings');
  assert.ok(!list.json.meetings.some((m) => m.title === 'Casusoverleg buiten de kring'));
});

test('after the end an ad hoc participant sees only that the meeting ended, signed or not', async () => {
  const ended = await briefing(gateway, { title: 'Briefing van gisteren', count: 1, endsInMs: -60e3 });
  const ending = await briefing(gateway, { title: 'Briefing die nu afloopt', count: 1, endsInMs: 6000 });
  const ends = Date.now() + 6000;
  // Signed while the meeting ran.
  const api = apiAs(gateway, AD_HOC);
  const decl = await api.get(`/v1/meetings/${ending.id}/declaration`);
  assert.equal(decl.status, 200, decl.text);
  const signed = await api.post(`/v1/meetings/${ending.id}/declarations`, { text_sha256: decl.json.text_sha256 });
  assert.equal(signed.status, 201, signed.text);
  assert.equal((await api.get(`/v1/meetings/${ending.id}/dossier`)).status, 200);
  await new Promise((r) => setTimeout(r, Math.max(0, ends - Date.now() + 500)));
  const limited = await api.get(`/v1/meetings/${ending.id}`);
  assert.deepEqual(Object.keys(limited.json).sort(), ['declaration', 'ends_at', 'id', 'overlegvorm', 'starts_at']);
  assert.equal(limited.json.declaration, 'signed');

  const { page } = await openAs(browser, gateway, AD_HOC);
  await firstLoad(page, gateway, '/meetings');
  const section = page.locator('section', { has: page.locator('h2', { hasText: 'Afgelopen bijeenkomsten' }) });
  for (const m of [ended, ending]) {
    assert.equal(await section.locator(`a[href="#/meetings/${m.id}"]`).textContent(), 'Briefing (weegoverleg)');
  }
  const listed = await page.textContent('main');
  assert.ok(!listed.includes('Briefing van gisteren') && !listed.includes('Briefing die nu afloopt'), 'a title after the end');
  await checkAxe(page, 'mijn bijeenkomsten (afgelopen)');
  for (const m of [ending, ended]) {
    await screenAfter(page, () => page.locator(`a[href="#/meetings/${m.id}"]`).click());
    assert.equal(await page.textContent('h1'), 'Deze bijeenkomst is afgelopen');
    assert.match(await page.textContent('main'), /ziet u de gegevens van een bijeenkomst alleen tot het einde ervan/);
    assert.equal(await page.getByRole('button', { name: 'Ik onderteken deze verklaring' }).count(), 0);
    assert.equal(await page.locator('section.subject-dossier').count(), 0);
    await checkAxe(page, 'bijeenkomst afgelopen');
    await screenAfter(page, () => page.getByRole('link', { name: 'Terug naar mijn bijeenkomsten' }).click());
  }
  await screenshot(page, 'need-to-know-4-afgelopen');
  assert.ok(!page.vhRequestedUrls.some((u) => u.includes('/dossier') || u.includes('/declaration')),
    'the console asked for the dossier or the declaration after the end');
});

// Last: it changes the covenant in force.
test('after the declaration\'s text changed, the ad hoc participant is asked to sign the new text', async () => {
  const meeting = await briefing(gateway, { title: 'Briefing met nieuwe verklaring' });
  const { page } = await openAs(browser, gateway, AD_HOC);
  await firstLoad(page, gateway, `/meetings/${meeting.id}`);
  await screenAfter(page, () => page.getByRole('button', { name: 'Ik onderteken deze verklaring' }).click());
  assert.equal(await page.locator('section.subject-dossier').count(), meeting.subjects.length);

  // The house puts a covenant with a new declaration text in force.
  const text = fs.readFileSync(covenantPath, 'utf8');
  const changed = text.replace('"declaration": "Ondergetekende,', '"declaration": "Ondergetekende (tekst 2027),');
  assert.notEqual(changed, text);
  fs.writeFileSync(covenantPath, changed);
  const reload = await apiAs(gateway, ADMIN).post('/v1/admin/policy/reload');
  assert.equal(reload.status, 200, reload.text);

  const again = (await openAs(browser, gateway, AD_HOC)).page;
  await firstLoad(again, gateway, '/meetings');
  const row = again.locator('tr', { has: again.locator(`a[href="#/meetings/${meeting.id}"]`) });
  assert.match(await row.textContent(), /verklaring opnieuw ondertekenen \(tekst gewijzigd\)/);
  await checkAxe(again, 'mijn bijeenkomsten (verklaring gewijzigd)');
  await screenAfter(again, () => again.locator(`a[href="#/meetings/${meeting.id}"]`).click());
  assert.equal(await again.textContent('h1'), 'Geheimhoudingsverklaring');
  assert.match(await again.textContent('main'), /Onderteken de verklaring opnieuw: de tekst is gewijzigd/);
  const shown = await again.textContent('#verklaring-tekst');
  assert.match(shown, /^Ondergetekende \(tekst 2027\),/);
  assert.equal(await again.locator('section.subject-dossier').count(), 0);
  assert.ok(!again.vhRequestedUrls.some((u) => u.includes('/dossier')), 'the dossier was asked before signing again');
  assert.equal((await apiAs(gateway, AD_HOC).get(`/v1/meetings/${meeting.id}/dossier`)).json.error.code,
    'declaration_outdated');
  await checkAxe(again, 'verklaring opnieuw ondertekenen');
  await screenshot(again, 'need-to-know-5-verklaring-gewijzigd');
  await screenAfter(again, () => again.getByRole('button', { name: 'Ik onderteken deze verklaring' }).click());
  assert.equal(await again.locator('section.subject-dossier').count(), meeting.subjects.length);
  const events = await auditEvents(gateway, { type: 'declaration_signed', meeting: meeting.id });
  assert.deepEqual(events.map((e) => e.detail.text_sha256), [
    crypto.createHash('sha256').update(text.match(/"declaration": "([^"]*)"/)[1]).digest('hex'),
    crypto.createHash('sha256').update(shown).digest('hex'),
  ]);
});
