// The coordinator's screens (house staff): the meeting list, scheduling a
// meeting, the request round as a board that follows the answers as they
// come in, the client at the table, closing with outcomes and extending the
// retention of a closed meeting.

import { api, seg } from './api.js';
import { append, button, h, notice, routeLink, summaryList, table, tag } from './dom.js';
import { clearProblems, form, refusal, showProblems } from './forms.js';
import { textControl } from './fields.js';
import { meetingList, meetingStateTag } from './meeting_list.js';
import { go } from './router.js';
import { overlegvorm, partnerName, session } from './session.js';
import { dateTime, requestStatusWords } from './words.js';
import { newMeetingScreen, chooseOverlegvormScreen } from './meeting_form.js';
import { closeScreen, retentionScreen } from './meeting_close.js';
import { covenantScreen } from './covenant.js';

const POLL_MS = 3000;

function flash(main) {
  if (session.flash) {
    append(main, notice('success', session.flash));
    session.flash = null;
  }
}

async function listScreen(main) {
  flash(main);
  await meetingList(main, {
    heading: 'Bijeenkomsten',
    intro: 'Alle bijeenkomsten van het Veiligheidshuis.',
    empty: 'Er zijn nog geen bijeenkomsten gepland.',
    actions: h('p', {}, routeLink('Nieuwe bijeenkomst plannen', '/meetings/new', { button: true })),
    status: (m) => {
      const r = m.requests || {};
      const total = Object.values(r).reduce((a, b) => a + b, 0);
      const done = (r.answered || 0) + (r.declined || 0);
      return h('span', {}, meetingStateTag(m), total ? ` ${done} van ${total} verzoeken afgehandeld` : '');
    },
  });
  return { title: 'Bijeenkomsten' };
}

const statusKinds = { answered: 'ok', declined: 'neutral', overdue: 'warning', failed: 'warning', open: 'info' };

function boardRows(requests) {
  return [...requests]
    .sort((a, b) => a.subject.localeCompare(b.subject, 'nl', { numeric: true }) ||
      partnerName(a.supplier).localeCompare(partnerName(b.supplier), 'nl'))
    .map((r) => [
      r.subject,
      partnerName(r.supplier),
      h('span', { 'data-request': r.id, 'data-status': r.status },
        tag(requestStatusWords[r.status] || r.status, statusKinds[r.status])),
      dateTime(r.deadline),
      r.answered_at ? dateTime(r.answered_at) : '–',
    ]);
}

function boardSummary(requests) {
  const count = (s) => requests.filter((r) => r.status === s).length;
  return `${count('answered')} van ${requests.length} verzoeken beantwoord, ${count('declined')} geweigerd, ` +
    `${count('open') + count('overdue') + count('failed')} nog open`;
}

function requestsForm(meeting) {
  const deadline = textControl('Uiterste antwoorddatum en -tijd', {
    type: 'datetime-local',
    hint: 'Partners krijgen tot dan de tijd om te antwoorden.',
  });
  const start = new Date(meeting.starts_at);
  const suggested = new Date(start.getTime() - 24 * 3600 * 1000);
  if (suggested > new Date()) {
    const local = new Date(suggested.getTime() - suggested.getTimezoneOffset() * 60000);
    deadline.input.value = local.toISOString().slice(0, 16);
  }
  const f = form({
    submitText: 'Verzoeken versturen',
    onsubmit: async () => {
      clearProblems(f, [deadline]);
      if (!deadline.input.value) {
        showProblems(f, [{ text: 'Vul de uiterste antwoorddatum in', control: deadline }], [deadline]);
        return;
      }
      try {
        const res = await api.post(`/v1/meetings/${seg(meeting.id)}/requests`,
          { deadline: new Date(deadline.input.value).toISOString() });
        session.flash = `${res.requests.length} informatieverzoeken verstuurd.`;
        go(`/meetings/${meeting.id}`);
      } catch (err) {
        f.querySelector('.form__summary').replaceChildren(refusal(err));
      }
    },
  }, deadline.el);
  return h('section', { class: 'section', 'aria-labelledby': 'verzoeken-sturen' },
    h('h2', { id: 'verzoeken-sturen' }, 'Informatieverzoeken versturen'),
    h('p', {}, 'De gateway stuurt per persoon een verzoek aan elke partner die volgens het convenant iets mag leveren.'),
    f);
}

function phaseSection(meeting) {
  const present = meeting.client_present;
  const status = h('p', { id: 'fase-stand' },
    h('strong', {}, present ? 'De cliënt is aan tafel. ' : 'De cliënt is niet aan tafel. '),
    present
      ? 'Deelnemers zien nu alleen wat het convenant toestaat terwijl de cliënt aanwezig is.'
      : 'Deelnemers zien alles wat het convenant hun toestaat.');
  const toggle = button(present ? 'Cliënt verlaat de tafel' : 'Cliënt komt aan tafel', async () => {
    toggle.disabled = true;
    try {
      await api.put(`/v1/meetings/${seg(meeting.id)}/phase`, { client_present: !present });
      session.flash = present ? 'De cliënt is niet meer aan tafel.' : 'De cliënt is aan tafel.';
      go(`/meetings/${meeting.id}`);
    } catch (err) {
      toggle.disabled = false;
      toggle.after(refusal(err));
    }
  }, { secondary: true });
  return h('section', { class: 'section', 'aria-labelledby': 'fase' },
    h('h2', { id: 'fase' }, 'Cliënt aan tafel'), status, h('p', {}, toggle));
}

// Who of the house's participants (procesregisseurs) takes part.
function staffText(meeting, o) {
  if (o.circle) return 'wie de besloten kring van het convenant noemt';
  if (Array.isArray(meeting.staff)) {
    return meeting.staff.length ? `alleen ${meeting.staff.join(', ')}` : 'geen';
  }
  return 'alle procesregisseurs van het Veiligheidshuis';
}

async function meetingScreen(main, { id }) {
  const meeting = await api.get(`/v1/meetings/${seg(id)}`);
  const o = overlegvorm(meeting.overlegvorm);
  flash(main);
  append(main, h('h1', {}, meeting.title || o.name),
    summaryList([
      ['Overlegvorm', o.name],
      ['Begint', dateTime(meeting.starts_at)],
      ['Eindigt', dateTime(meeting.ends_at)],
      ['Stand', meetingStateTag(meeting)],
      ['Personen', meeting.subjects.map((s) => s.ref).join(', ')],
      ['Ad hoc partners', meeting.ad_hoc.length
        ? meeting.ad_hoc.map((a) => `${partnerName(a.partner)} (${a.declaration_signed
          ? 'de verklaring is door ten minste één medewerker getekend; ieder ander tekent zelf'
          : 'de verklaring is nog door niemand getekend'})`).join('; ')
        : 'geen'],
      ['Procesregisseurs', staffText(meeting, o)],
      meeting.state === 'closed' ? ['Bewaren tot', dateTime(meeting.extended_until || meeting.retention_until)] : null,
    ]));
  if (meeting.state === 'open') {
    append(main, phaseSection(meeting));
  }
  const board = await api.get(`/v1/meetings/${seg(id)}/requests`);
  const live = h('p', { class: 'board__summary', role: 'status', 'aria-live': 'polite' }, '');
  const tableSlot = h('div', {});
  const renderBoard = (requests) => {
    live.textContent = boardSummary(requests);
    tableSlot.replaceChildren(table('Verzoeken per persoon en partner',
      ['Persoon', 'Partner', 'Stand', 'Termijn', 'Afgehandeld op'], boardRows(requests), { rowHeader: true }));
  };
  if (board.requests.length) {
    renderBoard(board.requests);
    append(main, h('section', { class: 'section', 'aria-labelledby': 'ronde' },
      h('h2', { id: 'ronde' }, 'De verzoekronde'),
      h('p', { class: 'hint' }, 'Deze lijst werkt zichzelf bij als er antwoorden binnenkomen.'),
      live, tableSlot));
  } else if (meeting.state === 'open') {
    append(main, requestsForm(meeting));
  }
  append(main, h('section', { class: 'section', 'aria-labelledby': 'afronden' },
    h('h2', { id: 'afronden' }, meeting.state === 'open' ? 'Afronden' : 'Bewaartermijn'),
    meeting.state === 'open'
      ? h('p', {}, routeLink('Bijeenkomst sluiten en besluiten vastleggen', `/meetings/${id}/close`, { button: true }))
      : h('p', {}, routeLink('Bewaartermijn verlengen', `/meetings/${id}/retention`, { button: true }))));

  let last = JSON.stringify(board.requests);
  let timer = null;
  if (board.requests.length && meeting.state === 'open') {
    timer = setInterval(async () => {
      try {
        const next = await api.get(`/v1/meetings/${seg(id)}/requests`);
        const text = JSON.stringify(next.requests);
        if (text !== last) {
          last = text;
          renderBoard(next.requests);
        }
      } catch (e) {
        live.textContent = 'De lijst kon niet worden bijgewerkt; de console probeert het zo opnieuw.';
      }
    }, POLL_MS);
  }
  return { title: meeting.title || o.name, cleanup: () => clearInterval(timer) };
}

export function registerCoordinator(route) {
  route('/meetings', listScreen);
  route('/meetings/new', chooseOverlegvormScreen);
  route('/meetings/new/:overlegvorm', newMeetingScreen);
  route('/meetings/:id', meetingScreen);
  route('/meetings/:id/close', closeScreen);
  route('/meetings/:id/retention', retentionScreen);
  route('/covenant', covenantScreen);
  route('/covenant/:overlegvorm', covenantScreen);
}

