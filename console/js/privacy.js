// The privacy officer's screens: the audit log with every filter, one
// event in detail, the access report for a person (AVG art. 15), and
// whether the log is intact. A BSN is checked with the 11-proef here and
// sent in a POST body, never in a URL.

import { api } from './api.js';
import { append, button, h, notice, routeLink, summaryList, table, tag } from './dom.js';
import { clearProblems, form, refusal, showProblems } from './forms.js';
import { radioControl, textControl } from './fields.js';
import { normalizeBsn } from './bsn.js';
import { fieldLabel, overlegvorm, partnerName, session } from './session.js';
import { covenantScreen, diffScreen } from './covenant.js';
import { go } from './router.js';
import { dateTime, denyReasonWords, eventTypeWords, fieldDecisionWords, transformWords } from './words.js';

// The last query and its pages, so that the list is still there after
// looking at one event (the console asks the log again only when told to).
const state = { filters: null, events: [], next: null, bySeq: new Map() };

function selectControl(label, choices, id) {
  const select = h('select', { id, class: 'select' }, h('option', { value: '' }, 'Alle'),
    choices.map(([v, t]) => h('option', { value: v }, t)));
  return {
    el: h('div', { class: 'form-group' }, h('label', { class: 'label', for: id }, label), select),
    input: select,
    focusEl: select,
    showError() {},
    clearError() {},
  };
}

function actorText(a) {
  return a && a.partner ? `${partnerName(a.partner)} – ${a.cn} (${a.role})` : '–';
}

function eventRows(events) {
  return events.map((e) => [
    String(e.seq),
    dateTime(e.time),
    eventTypeWords[e.type] || e.type,
    actorText(e.actor),
    e.meeting || '–',
    e.outcome || '–',
    routeLink(h('span', {}, 'Bekijken', h('span', { class: 'visually-hidden' }, ` gebeurtenis ${e.seq}`)), `/audit/events/${e.seq}`),
  ]);
}

async function eventsScreen(main) {
  const c = session.covenant;
  const bsn = textControl('Burgerservicenummer', { optional: true, width: '10', inputmode: 'numeric',
    hint: 'Gebeurtenissen over deze persoon. Het nummer gaat alleen als pseudoniem de auditlog in.' });
  const subject = textControl('Pseudoniem van een persoon', { optional: true, hint: '64 tekens (hexadecimaal).' });
  const partner = selectControl('Partner', [[c.house, 'het Veiligheidshuis'], ...c.partners.map((p) => [p.id, p.name])], 'filter-partner');
  const meeting = textControl('Bijeenkomst (nummer)', { optional: true, hint: 'Bijvoorbeeld m-3f9a…' });
  const type = selectControl('Soort gebeurtenis', Object.entries(eventTypeWords), 'filter-type');
  const from = textControl('Vanaf', { type: 'date', optional: true });
  const to = textControl('Tot', { type: 'date', optional: true });
  const limit = textControl('Aantal per pagina', { width: '5', inputmode: 'numeric', value: '50' });
  const controls = [bsn, subject, meeting, from, to, limit];
  if (state.filters) {
    bsn.input.value = state.filters.bsn || '';
    subject.input.value = state.filters.subject || '';
    partner.input.value = state.filters.partner || '';
    meeting.input.value = state.filters.meeting || '';
    type.input.value = state.filters.type || '';
    from.input.value = (state.filters.from || '').slice(0, 10);
    to.input.value = (state.filters.to || '').slice(0, 10);
    limit.input.value = state.filters.limit || '50';
  }
  const results = h('div', { id: 'resultaten' });
  const renderResults = () => {
    results.replaceChildren();
    append(results,
      h('h2', {}, 'Gebeurtenissen'),
      h('p', { role: 'status' }, `${state.events.length} gebeurtenissen getoond${state.next ? '; er zijn er meer' : ''}.`),
      state.events.length ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Gebeurtenissen' },
        table('Gebeurtenissen in de auditlog', ['Nr.', 'Tijd', 'Soort', 'Door', 'Bijeenkomst', 'Uitkomst', h('span', { class: 'visually-hidden' }, 'Details')], eventRows(state.events), { rowHeader: true })) : null,
      state.next ? h('p', {}, button('Volgende pagina', () => query(true))) : null);
  };
  async function query(more) {
    const body = { ...state.filters };
    if (more) body.cursor = state.next;
    try {
      const page = await api.post('/v1/audit/query', body);
      state.events = more ? [...state.events, ...page.events] : page.events;
      state.next = page.next_cursor;
      for (const e of page.events) state.bySeq.set(String(e.seq), e);
      renderResults();
    } catch (err) {
      results.replaceChildren(refusal(err));
    }
  }
  const f = form({
    submitText: 'Zoeken',
    onsubmit: async () => {
      clearProblems(f, controls);
      const problems = [];
      const filters = {};
      if (bsn.input.value.trim()) {
        const n = normalizeBsn(bsn.input.value);
        if (!n) problems.push({ text: 'Dit burgerservicenummer klopt niet (elfproef)', control: bsn });
        else filters.bsn = n;
      }
      if (subject.input.value.trim()) {
        if (!/^[0-9a-f]{64}$/.test(subject.input.value.trim())) problems.push({ text: 'Een pseudoniem bestaat uit 64 tekens 0-9 en a-f', control: subject });
        else filters.subject = subject.input.value.trim();
      }
      if (partner.input.value) filters.partner = partner.input.value;
      if (meeting.input.value.trim()) filters.meeting = meeting.input.value.trim();
      if (type.input.value) filters.type = type.input.value;
      if (from.input.value) filters.from = `${from.input.value}T00:00:00Z`;
      if (to.input.value) filters.to = `${to.input.value}T00:00:00Z`;
      if (!/^\d+$/.test(limit.input.value) || Number(limit.input.value) < 1 || Number(limit.input.value) > 1000) {
        problems.push({ text: 'Kies een aantal per pagina van 1 tot 1000', control: limit });
      } else {
        filters.limit = limit.input.value;
      }
      if (problems.length) {
        showProblems(f, problems, controls);
        return;
      }
      state.filters = filters;
      await query(false);
    },
  }, h('div', { class: 'filters' }, bsn.el, subject.el, partner.el, meeting.el, type.el, from.el, to.el, limit.el));
  append(main, h('h1', {}, 'Auditlog'),
    h('p', { class: 'lead' }, 'Zoek in alle gebeurtenissen. Elke zoekvraag wordt zelf ook vastgelegd.'), f, results);
  if (state.filters) renderResults();
  return { title: 'Auditlog' };
}

async function eventScreen(main, { seq }) {
  const e = state.bySeq.get(seq);
  append(main, h('h1', {}, `Gebeurtenis ${seq}`));
  if (!e) {
    append(main, h('p', {}, 'Zoek deze gebeurtenis eerst op in de auditlog.'), h('p', {}, routeLink('Naar de auditlog', '/audit/events')));
    return { title: `Gebeurtenis ${seq}` };
  }
  append(main, summaryList([
    ['Soort', eventTypeWords[e.type] || e.type],
    ['Tijd', dateTime(e.time)],
    ['Door', actorText(e.actor)],
    ['Certificaat (SHA-256)', h('code', { class: 'hash' }, e.actor.fingerprint || '–')],
    ['Adres', e.actor.remote || '–'],
    ['Bijeenkomst', e.meeting || '–'],
    ['Overlegvorm', e.overlegvorm ? overlegvorm(e.overlegvorm).name : '–'],
    ['Doel', e.purpose || '–'],
    ['Convenant', e.covenant && e.covenant.id ? `${e.covenant.id} versie ${e.covenant.version}` : '–'],
    ['Persoon (pseudoniem)', e.subject ? h('code', { class: 'hash' }, e.subject) : '–'],
    ['Leverancier', e.supplier ? partnerName(e.supplier) : '–'],
    ['Ontvanger', e.recipient ? partnerName(e.recipient) : '–'],
    ['Uitkomst', e.outcome || '–'],
    ['Hash', h('code', { class: 'hash' }, e.hash)],
  ]));
  if ((e.fields || []).length) {
    append(main, h('h2', {}, 'Gegevens'), table('Gegevens in deze gebeurtenis', ['Gegeven', 'Besluit', 'Regel', 'Weergave', 'Reden'],
      e.fields.map((f) => [fieldLabel(f.field), fieldDecisionWords[f.decision] || f.decision, f.rule || '–',
        transformWords[f.transform] || f.transform || '–', denyReasonWords[f.reason] || f.reason || '–']),
      { rowHeader: true, captionHidden: true }));
  }
  if (e.detail && Object.keys(e.detail).length) {
    append(main, h('h2', {}, 'Details'), h('pre', { class: 'detail', tabindex: '0' }, JSON.stringify(e.detail, null, 2)));
  }
  append(main, h('p', {}, routeLink('Terug naar de zoekresultaten', '/audit/events')));
  return { title: `Gebeurtenis ${seq}` };
}

const kindWords = { ontvangen: 'kreeg te zien', verstrekt: 'leverde', gevraagd: 'werd gevraagd', vernietigd: 'vernietigd' };

function reportView(report) {
  const entries = report.entries || [];
  const count = (k) => entries.filter((e) => e.kind === k).length;
  const fieldsText = (e) => (e.fields || []).map((f) =>
    (f.transform && f.transform !== 'full' ? `${f.label} (${f.transform_text || f.transform})` : f.label)).join(', ');
  return h('div', { class: 'report' },
    h('h2', { id: 'rapport' }, 'Rapport'),
    report.intro ? h('p', {}, report.intro) : null,
    h('p', { role: 'status' }, h('strong', {}, `${entries.length} ${entries.length === 1 ? 'vermelding' : 'vermeldingen'}`),
      `: ${count('ontvangen')} keer getoond aan een partner, ${count('verstrekt')} keer geleverd door een partner, ` +
      `${count('gevraagd')} keer gevraagd (opgesteld ${dateTime(report.generated_at)}).`),
    entries.length ? h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Vermeldingen' },
      table('Alle vermeldingen', ['Wanneer', 'Organisatie', 'Wat', 'Overleg', 'Gegevens', 'Regel'], entries.map((e) => [
        e.time_local || dateTime(e.time),
        e.partner_name || '–',
        kindWords[e.kind] || e.kind,
        e.overlegvorm_name || e.overlegvorm || '–',
        fieldsText(e) || '–',
        [...new Set((e.fields || []).map((f) => f.rule).filter(Boolean))].join(', ') || '–',
      ]), { captionHidden: true })) : null,
    entries.length ? h('details', { class: 'details' },
      h('summary', { class: 'details__summary' }, 'Elke vermelding in een zin (voor de brief aan de betrokkene)'),
      h('ol', { class: 'report__entries details__text' }, entries.map((e) => h('li', {}, e.text)))) : null,
    report.withheld_note ? notice('info', report.withheld_note) : null);
}

async function reportScreen(main) {
  const bsn = textControl('Burgerservicenummer', { width: '10', inputmode: 'numeric',
    hint: 'Negen cijfers. De console controleert de elfproef voordat het nummer wordt verstuurd.' });
  const copy = radioControl('Voor wie is het rapport?', [['officer', 'Voor de functionaris (volledig)'], ['subject', 'Kopie voor de betrokkene']], { value: 'officer' });
  const out = h('div', {});
  const f = form({
    submitText: 'Rapport opvragen',
    onsubmit: async () => {
      clearProblems(f, [bsn, copy]);
      const n = normalizeBsn(bsn.input.value);
      if (!n) {
        showProblems(f, [{ text: bsn.input.value.trim() ? 'Dit burgerservicenummer klopt niet (elfproef)' : 'Vul het burgerservicenummer in', control: bsn }], [bsn, copy]);
        out.replaceChildren();
        return;
      }
      try {
        const report = await api.post('/v1/audit/report', { bsn: n, copy: copy.value() || 'officer' });
        out.replaceChildren(reportView(report));
      } catch (err) {
        if (err.code === 'invalid_bsn') showProblems(f, [{ text: 'Dit burgerservicenummer klopt niet (elfproef)', control: bsn }], [bsn, copy]);
        else out.replaceChildren(refusal(err));
      }
    },
  }, bsn.el, copy.el);
  append(main, h('h1', {}, 'Inzageverzoek (AVG artikel 15)'),
    h('p', { class: 'lead' }, 'Alles wat via de gateway over één persoon is gedeeld: wie wat kreeg of leverde, wanneer, in welk overleg en op grond van welke regel.'),
    f, out);
  return { title: 'Inzageverzoek' };
}

async function verifyScreen(main) {
  const v = await api.get('/v1/audit/verify');
  const cp = v.last_checkpoint;
  append(main, h('h1', {}, 'Integriteit van de auditlog'),
    v.intact
      ? notice('success', 'De auditlog is intact.', h('p', {}, 'Geen gebeurtenis is gewijzigd, verwijderd of tussengevoegd.'))
      : notice('warning', 'De auditlog is NIET intact.', h('p', {}, v.problem || '')),
    summaryList([
      ['Stand', v.intact ? tag('intact', 'ok') : tag('niet intact', 'warning')],
      ['Gebeurtenissen', String(v.events)],
      ['Laatste controlepunt', cp ? `gebeurtenis ${cp.seq}, ${dateTime(cp.time)}` : 'nog geen'],
      cp ? ['Hash van het controlepunt', h('code', { class: 'hash' }, cp.hash)] : null,
      v.first_bad_seq ? ['Eerste foute gebeurtenis', String(v.first_bad_seq)] : null,
    ]),
    h('p', {}, button('Opnieuw controleren', () => go('/audit/verify'), { secondary: true })));
  return { title: 'Integriteit van de auditlog' };
}

export function registerPrivacy(route) {
  route('/audit/events', eventsScreen);
  route('/audit/events/:seq', eventScreen);
  route('/audit/report', reportScreen);
  route('/audit/verify', verifyScreen);
  route('/covenant', covenantScreen);
  route('/covenant/diff', diffScreen);
  route('/covenant/:overlegvorm', covenantScreen);
}
