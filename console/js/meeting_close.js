// Closing a meeting with an outcome per person (POST .../close) and
// extending the retention of a closed meeting with a reason (POST
// .../retention). One thing per page.

import { api, seg } from './api.js';
import { append, h, routeLink } from './dom.js';
import { clearProblems, form, refusal, showProblems } from './forms.js';
import { radioControl, textControl } from './fields.js';
import { go } from './router.js';
import { overlegvorm, session } from './session.js';
import { dateTime, decisionWords, decisions } from './words.js';

function outcomeLabel(id) {
  const o = (session.covenant.outcomes || []).find((x) => x.id === id);
  return o ? o.label : decisionWords[id] || id;
}

export async function closeScreen(main, { id }) {
  const meeting = await api.get(`/v1/meetings/${seg(id)}`);
  const name = meeting.title || overlegvorm(meeting.overlegvorm).name;
  append(main, h('h1', {}, 'Bijeenkomst sluiten'), h('p', { class: 'lead' }, name));
  if (meeting.state !== 'open') {
    append(main, h('p', {}, 'Deze bijeenkomst is al gesloten.'), h('p', {}, routeLink('Terug naar de bijeenkomst', `/meetings/${id}`)));
    return { title: 'Bijeenkomst sluiten' };
  }
  const choices = decisions.map((d) => [d, outcomeLabel(d)]);
  const controls = meeting.subjects.map((s) => ({
    ref: s.ref,
    control: radioControl(`Besluit over ${s.ref}`, choices, { optional: true }),
  }));
  const f = form({
    submitText: 'Bijeenkomst sluiten',
    warning: true,
    secondary: routeLink('Annuleren', `/meetings/${id}`),
    onsubmit: async () => {
      clearProblems(f, controls.map((c) => c.control));
      const outcomes = controls.filter((c) => c.control.value())
        .map((c) => ({ subject: c.ref, decision: c.control.value() }));
      try {
        const closed = await api.post(`/v1/meetings/${seg(id)}/close`, { outcomes });
        session.flash = `De bijeenkomst is gesloten. De gegevens worden bewaard tot ${dateTime(closed.retention_until)}.`;
        go(`/meetings/${id}`);
      } catch (err) {
        f.querySelector('.form__summary').replaceChildren(refusal(err));
      }
    },
  },
  h('p', {}, 'Na het sluiten ziet geen deelnemer het dossier meer. De gegevens blijven bewaard tot het einde van de bewaartermijn.'),
  controls.map((c) => c.control.el));
  append(main, f);
  return { title: 'Bijeenkomst sluiten' };
}

export async function retentionScreen(main, { id }) {
  const meeting = await api.get(`/v1/meetings/${seg(id)}`);
  append(main, h('h1', {}, 'Bewaartermijn verlengen'),
    h('p', { class: 'lead' }, meeting.title || overlegvorm(meeting.overlegvorm).name),
    h('p', {}, `Nu bewaard tot ${dateTime(meeting.extended_until || meeting.retention_until)}.`));
  if (meeting.state !== 'closed') {
    append(main, h('p', {}, 'Alleen een gesloten bijeenkomst heeft een bewaartermijn.'));
    return { title: 'Bewaartermijn verlengen' };
  }
  const until = textControl('Bewaren tot en met', { type: 'date' });
  const reason = textControl('Reden', {
    multiline: true,
    hint: 'Waarom moeten de gegevens langer bewaard blijven? Dit komt in de auditlog.',
  });
  const f = form({
    submitText: 'Bewaartermijn verlengen',
    secondary: routeLink('Annuleren', `/meetings/${id}`),
    onsubmit: async () => {
      const problems = [];
      clearProblems(f, [until, reason]);
      if (!until.input.value) problems.push({ text: 'Vul de nieuwe datum in', control: until });
      if (!reason.input.value.trim()) problems.push({ text: 'Vul een reden in', control: reason });
      if (problems.length) {
        showProblems(f, problems, [until, reason]);
        return;
      }
      try {
        await api.post(`/v1/meetings/${seg(id)}/retention`,
          { until: `${until.input.value}T23:59:59Z`, reason: reason.input.value.trim() });
        session.flash = 'De bewaartermijn is verlengd.';
        go(`/meetings/${id}`);
      } catch (err) {
        const control = err.code === 'not_later' ? until : null;
        showProblems(f, [{ text: err.code === 'not_later'
          ? 'De nieuwe datum moet later zijn dan de huidige bewaartermijn'
          : 'De gateway weigerde de verlenging', control }], [until, reason]);
      }
    },
  }, until.el, reason.el);
  append(main, f);
  return { title: 'Bewaartermijn verlengen' };
}
