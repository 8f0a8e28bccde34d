// The participant's screens: my meetings and, per meeting, the dossier as
// the covenant shows it to my organisation (GET .../dossier): per person the
// fields with their Dutch labels, who supplied them and how the covenant
// lets them through. An ad hoc partner's employee first gets the
// confidentiality declaration and nothing else (each person signs, with
// their own certificate; after a change of the text, again); the console
// signs the hash of exactly the text it showed. After the meeting's end an
// ad hoc participant sees only that it ended.

import { ApiError, api, seg } from './api.js';
import { append, button, focus, h, notice, routeLink, table } from './dom.js';
import { refusal } from './forms.js';
import { transformText, valueText } from './fields.js';
import { hasEnded, isLimited, meetingList, meetingStateTag } from './meeting_list.js';
import { go } from './router.js';
import { fieldLabel, overlegvorm, partnerName, session } from './session.js';
import { dateTime } from './words.js';

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function listScreen(main) {
  await meetingList(main, {
    heading: 'Mijn bijeenkomsten',
    intro: 'De bijeenkomsten waaraan uw organisatie deelneemt.',
    empty: 'U neemt op dit moment aan geen bijeenkomst deel.',
    status: (m) => {
      if (!isAdHoc(m)) return meetingStateTag(m);
      if (ended(m)) return h('span', {}, meetingStateTag(m), ' ad hoc');
      if (m.declaration === 'outdated') return h('span', {}, meetingStateTag(m), ' verklaring opnieuw ondertekenen (tekst gewijzigd)');
      if (m.declaration === 'unsigned') return h('span', {}, meetingStateTag(m), ' verklaring nog ondertekenen');
      return h('span', {}, meetingStateTag(m), ' ad hoc');
    },
  });
  return { title: 'Mijn bijeenkomsten' };
}

// An ad hoc participant: the gateway tells each person their own
// declaration state ("unsigned" | "signed" | "outdated"); members get none.
function isAdHoc(meeting) {
  return typeof meeting.declaration === 'string';
}

// Whether I must sign the declaration in force before I see anything: my
// own signature counts, not a colleague's.
function needsSignature(meeting) {
  return meeting.declaration === 'unsigned' || meeting.declaration === 'outdated';
}

// The gateway shows an ad hoc participant who signed a limited meeting only
// after its end (this browser's clock may differ a little from the
// gateway's); for anyone else the end is ends_at.
function ended(meeting) {
  return hasEnded(meeting) || (isLimited(meeting) && meeting.declaration === 'signed');
}

function endedScreen(main, meeting) {
  const o = overlegvorm(meeting.overlegvorm);
  append(main, h('h1', {}, 'Deze bijeenkomst is afgelopen'),
    h('p', { class: 'lead' }, `${o.name}, van ${dateTime(meeting.starts_at)} tot ${dateTime(meeting.ends_at)}.`),
    h('p', {}, 'Als ad hoc partner ziet u de gegevens van een bijeenkomst alleen tot het einde ervan. ',
      'Het dossier van deze bijeenkomst is voor u niet meer beschikbaar.'),
    h('p', {}, routeLink('Terug naar mijn bijeenkomsten', '/meetings')));
  return { title: 'Deze bijeenkomst is afgelopen' };
}

async function declarationScreen(main, meeting, outdated) {
  const declaration = await api.get(`/v1/meetings/${seg(meeting.id)}/declaration`);
  const o = overlegvorm(meeting.overlegvorm);
  const text = declaration.text;
  const textEl = h('blockquote', { class: 'declaration', id: 'verklaring-tekst' }, text);
  const slot = h('div', {});
  const sign = button('Ik onderteken deze verklaring', async () => {
    sign.disabled = true;
    try {
      // The hash of the text this page shows, computed here: the gateway
      // accepts it only if it is the text in force.
      await api.post(`/v1/meetings/${seg(meeting.id)}/declarations`, { text_sha256: await sha256Hex(textEl.textContent) });
      session.flash = 'U hebt de geheimhoudingsverklaring ondertekend.';
      go(`/meetings/${meeting.id}`);
    } catch (err) {
      sign.disabled = false;
      slot.replaceChildren(refusal(err));
      focus(slot.firstChild);
    }
  });
  append(main, h('h1', {}, 'Geheimhoudingsverklaring'),
    h('p', { class: 'lead' }, `U bent als ad hoc partner uitgenodigd voor ${o.name} op ${dateTime(meeting.starts_at)}.`),
    outdated
      ? notice('info', 'Onderteken de verklaring opnieuw: de tekst is gewijzigd.',
        h('p', {}, 'U hebt een eerdere tekst van deze verklaring ondertekend. Het convenant heeft nu een nieuwe tekst; ',
          'uw handtekening geldt alleen voor de tekst die u las. Tot u de nieuwe tekst ondertekent, ziet u geen gegevens.'))
      : null,
    h('p', {}, 'Lees de verklaring. Pas na het ondertekenen ziet u de gegevens die het convenant u voor dit overleg toestaat. ',
      'U tekent voor uzelf: een collega van uw organisatie tekent met haar of zijn eigen certificaat.'),
    textEl, slot, h('p', {}, sign));
  return { title: 'Geheimhoudingsverklaring' };
}

function subjectSection(subject) {
  const entries = [];
  for (const [fieldId, values] of Object.entries(subject.fields || {})) {
    for (const v of values) entries.push({ fieldId, ...v });
  }
  const name = (subject.fields['persoon.naam'] || [])[0];
  const heading = name && typeof name.value === 'string' ? `${subject.ref}: ${name.value}` : subject.ref;
  const headingId = `persoon-${subject.ref.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  return h('section', { class: 'section subject-dossier', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, heading),
    entries.length
      ? table(`Gegevens over ${subject.ref}`, ['Gegeven', 'Waarde', 'Van', 'Weergave'], entries.map((e) => [
        fieldLabel(e.fieldId),
        valueText(e.value, e.as),
        partnerName(e.from),
        transformText(e.as),
      ]), { rowHeader: true, captionHidden: true })
      : h('p', {}, 'Over deze persoon ziet u niets.'));
}

async function meetingScreen(main, { id }) {
  const meeting = await api.get(`/v1/meetings/${seg(id)}`);
  if (isAdHoc(meeting) && ended(meeting)) return endedScreen(main, meeting);
  if (needsSignature(meeting)) return declarationScreen(main, meeting, meeting.declaration === 'outdated');
  let dossier;
  try {
    dossier = await api.get(`/v1/meetings/${seg(id)}/dossier`);
  } catch (err) {
    if (err instanceof ApiError && (err.code === 'declaration_not_signed' || err.code === 'declaration_outdated')) {
      return declarationScreen(main, meeting, err.code === 'declaration_outdated');
    }
    if (err instanceof ApiError && err.code === 'meeting_ended') return endedScreen(main, meeting);
    throw err;
  }
  const o = overlegvorm(meeting.overlegvorm);
  if (session.flash) {
    append(main, notice('success', session.flash));
    session.flash = null;
  }
  append(main, h('h1', {}, meeting.title || o.name),
    h('p', { class: 'lead' }, `${o.name}, ${dateTime(meeting.starts_at)}. `, meetingStateTag(meeting)));
  if (dossier.phase === 'client_present') {
    append(main, notice('warning', 'De cliënt is aan tafel.',
      h('p', {}, 'U ziet nu alleen wat het convenant toestaat terwijl de cliënt aanwezig is.')));
  }
  append(main, h('p', {}, 'Dit is wat het convenant uw organisatie in dit overleg laat zien. ',
    'Elke regel noemt de partner die het gegeven leverde en hoe het wordt getoond.'),
  h('p', {}, button('Vernieuwen', () => go(`/meetings/${id}`), { secondary: true })));
  for (const subject of dossier.subjects) append(main, subjectSection(subject));
  return { title: meeting.title || o.name };
}

export function registerParticipant(route) {
  route('/meetings', listScreen);
  route('/meetings/:id', meetingScreen);
}
