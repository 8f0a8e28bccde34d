// The supplier's screens, for a person who answers information requests by
// hand: the open requests with the person's identity as the covenant lets
// the request carry it, a form per request built from the field types,
// declining with a reason, and after sending what the gateway accepted and
// what it withheld, and why.

import { api, seg } from './api.js';
import { append, focus, h, notice, routeLink, summaryList, table, tag, uid } from './dom.js';
import { apiProblem, clearProblems, form, refusal, showProblems } from './forms.js';
import { control, textControl } from './fields.js';
import { go } from './router.js';
import { field, fieldLabel, overlegvorm, session } from './session.js';
import { dateTime, requestStatusWords, withheldWords } from './words.js';

const waiting = new Set(['open', 'overdue', 'failed']);

function identityPairs(identity) {
  return Object.entries(identity || {}).map(([id, value]) => [fieldLabel(id), String(value)]);
}

function personText(r) {
  const id = r.identity || {};
  const parts = [id['persoon.naam'], id['persoon.geboortedatum'] ? `geboren ${id['persoon.geboortedatum']}` : null];
  return parts.filter(Boolean).join(', ') || `Persoon ${r.subject}`;
}

async function listScreen(main) {
  const { requests } = await api.get('/v1/requests');
  if (session.flash) {
    append(main, notice('success', session.flash));
    session.flash = null;
  }
  append(main, h('h1', {}, 'Open verzoeken'),
    h('p', { class: 'lead' }, `Informatieverzoeken aan ${session.me.partner_name}.`));
  const open = requests.filter((r) => waiting.has(r.status));
  const done = requests.filter((r) => !waiting.has(r.status));
  if (!open.length) append(main, notice('info', 'Er wachten geen verzoeken op een antwoord.'));
  else {
    append(main, table('Verzoeken die op een antwoord wachten', ['Persoon', 'Overleg', 'Termijn', 'Stand', 'Actie'],
      open.map((r) => [personText(r), overlegvorm(r.overlegvorm).name, dateTime(r.deadline),
        tag(requestStatusWords[r.status] || r.status, r.status === 'open' ? 'info' : 'warning'),
        routeLink(h('span', {}, 'Beantwoorden', h('span', { class: 'visually-hidden' }, `: ${r.subject}`)), `/requests/${r.id}`)])));
  }
  if (done.length) {
    append(main, h('h2', {}, 'Afgehandeld'), table('Afgehandelde verzoeken', ['Referentie', 'Overleg', 'Stand'],
      done.map((r) => [r.subject, overlegvorm(r.overlegvorm).name, tag(requestStatusWords[r.status] || r.status, 'neutral')])));
  }
  return { title: 'Open verzoeken' };
}

async function findRequest(id) {
  const { requests } = await api.get('/v1/requests');
  return requests.find((r) => r.id === id) || null;
}

function receipt(main, result) {
  main.replaceChildren();
  const accepted = result.accepted || [];
  // withheld_reasons: [{field, reason}]; withheld: the field ids alone.
  const withheld = result.withheld_reasons || (result.withheld || []).map((f) => ({ field: f }));
  append(main, h('h1', {}, 'Uw antwoord is verstuurd'),
    notice('success', `De gateway heeft ${accepted.length} ${accepted.length === 1 ? 'gegeven' : 'gegevens'} aangenomen.`),
    h('h2', {}, 'Aangenomen'),
    accepted.length ? h('ul', { class: 'list' }, accepted.map((f) => h('li', {}, fieldLabel(f)))) : h('p', {}, 'Niets.'),
    h('h2', {}, 'Niet doorgegeven'),
    withheld.length
      ? table('Niet doorgegeven gegevens', ['Gegeven', 'Waarom niet'], withheld.map((w) => [
        fieldLabel(w.field), withheldWords[w.reason] || w.reason || 'het convenant staat het niet toe']),
      { rowHeader: true, captionHidden: true })
      : h('p', {}, 'Alles wat u stuurde is aangenomen.'),
    h('p', {}, 'Wat niet is doorgegeven, is niet opgeslagen. De gateway heeft het wel in de auditlog vastgelegd.'),
    h('p', {}, routeLink('Terug naar de verzoeken', '/requests')));
  document.title = 'Uw antwoord is verstuurd – Veiligheidshuis-gateway';
  focus(main.querySelector('h1'));
}

// "Something else to report": another covenant field, which the gateway
// passes on only when the covenant lets this organisation supply it here.
function extraField(requested) {
  const selectId = uid('extra');
  const others = session.covenant.fields.filter((f) => !requested.includes(f.id) && f.category !== 'bsn');
  const select = h('select', { id: selectId, class: 'select' }, h('option', { value: '' }, 'Geen'),
    others.map((f) => h('option', { value: f.id }, f.label)));
  const slot = h('div', {});
  const state = { control: null, field: null };
  select.addEventListener('change', () => {
    state.field = select.value ? field(select.value) : null;
    state.control = state.field ? control(state.field) : null;
    slot.replaceChildren(state.control ? state.control.el : '');
  });
  const el = h('details', { class: 'details' },
    h('summary', { class: 'details__summary' }, 'Iets anders melden dat niet gevraagd is'),
    h('div', { class: 'details__text' },
      h('p', {}, 'De gateway geeft het alleen door als het convenant uw organisatie toestaat dit in dit overleg te leveren. Anders wordt het tegengehouden en niet opgeslagen.'),
      h('div', { class: 'form-group' }, h('label', { class: 'label', for: selectId }, 'Welk gegeven?'), select),
      slot));
  return { el, state };
}

async function requestScreen(main, { id }) {
  const request = await findRequest(id);
  if (!request) {
    append(main, h('h1', {}, 'Verzoek niet gevonden'), h('p', {}, 'Dit verzoek bestaat niet of de bijeenkomst is gesloten.'),
      h('p', {}, routeLink('Terug naar de verzoeken', '/requests')));
    return { title: 'Verzoek niet gevonden' };
  }
  const o = overlegvorm(request.overlegvorm);
  const { fields } = await api.get(`/v1/covenant/fields?overlegvorm=${encodeURIComponent(o.id)}`);
  const controls = request.fields.map((fid) => {
    const f = fields.find((x) => x.id === fid) || field(fid);
    return { field: f, control: control(f, { optional: false }) };
  });
  const extra = extraField(request.fields);
  const all = () => [...controls.map((c) => c.control), ...(extra.state.control ? [extra.state.control] : [])];
  const f = form({
    submitText: 'Antwoord versturen',
    secondary: routeLink('Verzoek weigeren', `/requests/${id}/decline`),
    onsubmit: async () => {
      clearProblems(f, all());
      const problems = [];
      const answer = {};
      const read = [...controls, ...(extra.state.control ? [{ field: extra.state.field, control: extra.state.control }] : [])];
      for (const { field: fd, control: c } of read) {
        const r = c.read();
        if (r.problem) problems.push({ text: r.problem, control: c });
        else if (r.value !== undefined) answer[fd.id] = r.value;
      }
      if (!problems.length && !Object.keys(answer).length) {
        problems.push({ text: 'Vul ten minste één gegeven in, of weiger het verzoek', control: controls[0] && controls[0].control });
      }
      if (problems.length) {
        showProblems(f, problems, all());
        return;
      }
      try {
        const result = await api.put(`/v1/requests/${seg(id)}/answer`, { fields: answer });
        receipt(main, result);
      } catch (err) {
        showProblems(f, [apiProblem(err, (path) => {
          const m = /^\/fields\/(.+)$/.exec(path);
          const hit = m && read.find((x) => x.field.id === m[1]);
          return hit ? hit.control : null;
        })], all());
      }
    },
  },
  h('h2', {}, 'Gevraagde gegevens'),
  h('p', { class: 'hint' }, 'Vul in wat uw organisatie weet. Laat leeg wat u niet weet.'),
  controls.map((c) => c.control.el), extra.el);
  append(main, h('h1', {}, 'Verzoek beantwoorden'),
    h('p', { class: 'lead' }, `${o.name}. Antwoord uiterlijk ${dateTime(request.deadline)}.`),
    request.status !== 'open' ? notice('info', `Dit verzoek is ${requestStatusWords[request.status] || request.status}. Een nieuw antwoord vervangt het vorige.`) : null,
    h('h2', {}, 'Over wie gaat het?'),
    summaryList([['Referentie', request.subject], ...identityPairs(request.identity)]),
    f);
  return { title: 'Verzoek beantwoorden' };
}

async function declineScreen(main, { id }) {
  const request = await findRequest(id);
  const reason = textControl('Waarom weigert u dit verzoek?', {
    multiline: true, hint: 'Bijvoorbeeld: persoon niet bekend bij onze organisatie.',
  });
  const f = form({
    submitText: 'Verzoek weigeren',
    warning: true,
    secondary: routeLink('Annuleren', `/requests/${id}`),
    onsubmit: async () => {
      clearProblems(f, [reason]);
      if (!reason.input.value.trim()) {
        showProblems(f, [{ text: 'Vul een reden in', control: reason }], [reason]);
        return;
      }
      try {
        await api.post(`/v1/requests/${seg(id)}/decline`, { reason: reason.input.value.trim() });
        session.flash = 'Het verzoek is geweigerd.';
        go('/requests');
      } catch (err) {
        f.querySelector('.form__summary').replaceChildren(refusal(err));
      }
    },
  }, reason.el);
  append(main, h('h1', {}, 'Verzoek weigeren'),
    request ? h('p', { class: 'lead' }, `Verzoek over ${personText(request)}.`) : null, f);
  return { title: 'Verzoek weigeren' };
}

export function registerSupplier(route) {
  route('/requests', listScreen);
  route('/requests/:id', requestScreen);
  route('/requests/:id/decline', declineScreen);
}
