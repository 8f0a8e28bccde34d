// The participant's screens: my meetings and, per meeting, the dossier as
// the covenant shows it to my organisation (GET .../dossier): per person the
// fields with their Dutch labels, who supplied them and how the covenant
// lets them through. An ad hoc partner first gets the confidentiality
// declaration and nothing else; the console signs the hash of exactly the
// text it showed.

import { ApiError, api, seg } from './api.js';
import { append, button, focus, h, notice, table } from './dom.js';
import { refusal } from './forms.js';
import { transformText, valueText } from './fields.js';
import { meetingList, meetingStateTag } from './meeting_list.js';
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
      const mine = (m.ad_hoc || []).find((a) => a.partner === session.me.partner);
      if (needsSignature(m)) return h('span', {}, meetingStateTag(m), ' verklaring nog ondertekenen');
      return mine ? h('span', {}, meetingStateTag(m), ' ad hoc') : meetingStateTag(m);
    },
  });
  return { title: 'Mijn bijeenkomsten' };
}

// Whether I must sign the declaration before I see anything. The gateway
// says so per person ("declaration": "unsigned" | "signed" | "outdated")
// where it knows per-person declarations, else per partner.
function needsSignature(meeting) {
  if (typeof meeting.declaration === 'string') return meeting.declaration !== 'signed';
  const mine = (meeting.ad_hoc || []).find((a) => a.partner === session.me.partner);
  return Boolean(mine && !mine.declaration_signed);
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
    outdated ? notice('info', 'De tekst van de verklaring is gewijzigd sinds u tekende. Lees en onderteken de nieuwe tekst.') : null,
    h('p', {}, 'Lees de verklaring. Pas na het ondertekenen ziet u de gegevens die het convenant u voor dit overleg toestaat.'),
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
  if (needsSignature(meeting)) return declarationScreen(main, meeting, meeting.declaration === 'outdated');
  let dossier;
  try {
    dossier = await api.get(`/v1/meetings/${seg(id)}/dossier`);
  } catch (err) {
    if (err instanceof ApiError && (err.code === 'declaration_not_signed' || err.code === 'declaration_outdated')) {
      return declarationScreen(main, meeting, err.code === 'declaration_outdated');
    }
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
