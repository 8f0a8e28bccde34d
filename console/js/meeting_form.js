// Scheduling a meeting (POST /v1/meetings), in two steps: first the
// overlegvorm, then the rest, because the overlegvorm decides which identity
// fields a person needs and which partners may be invited ad hoc.

import { api } from './api.js';
import { append, button, h, uid } from './dom.js';
import { apiProblem, clearProblems, form, showProblems } from './forms.js';
import { control, radioControl, textControl } from './fields.js';
import { normalizeBsn } from './bsn.js';
import { go } from './router.js';
import { overlegvorm, session } from './session.js';

export async function chooseOverlegvormScreen(main) {
  const forms = session.covenant.overlegvormen;
  const choice = radioControl('Welk overleg wilt u plannen?', forms.map((o) => [o.id, o.name]),
    { hint: 'Het overleg bepaalt welke partners meedoen en wat zij mogen zien.' });
  const f = form({
    submitText: 'Verder',
    onsubmit: async () => {
      if (!choice.value()) {
        showProblems(f, [{ text: 'Kies een overlegvorm', control: choice }], [choice]);
        return;
      }
      go(`/meetings/new/${choice.value()}`);
    },
  }, choice.el);
  append(main, h('h1', {}, 'Nieuwe bijeenkomst plannen'), f);
  return { title: 'Nieuwe bijeenkomst plannen' };
}

function localInput(label, hint) {
  return textControl(label, { type: 'datetime-local', hint });
}

// One person on the agenda: reference, reason, and the fields the house
// enters (the overlegvorm's identity fields first).
function subjectBlock(index, fields, onRemove) {
  const legendId = uid('persoon');
  const ref = textControl('Referentie', {
    hint: 'Een korte aanduiding zonder naam, bijvoorbeeld S1. Deze staat in de verzoeken.',
    width: '10',
    value: `S${index + 1}`,
  });
  const reason = textControl('Reden van aanmelding', { multiline: true, optional: true,
    hint: 'Alleen zichtbaar voor coördinatoren.' });
  const controls = fields.map((f) => ({
    field: f,
    control: control(f, { optional: !f.identity || f.category === 'bsn' }),
  }));
  const extra = controls.filter((c) => !c.field.identity);
  const el = h('fieldset', { class: 'fieldset subject', 'aria-labelledby': legendId },
    h('legend', { id: legendId, class: 'fieldset__legend fieldset__legend--m' }, `Persoon ${index + 1}`),
    ref.el, reason.el,
    controls.filter((c) => c.field.identity).map((c) => c.control.el),
    extra.length ? h('div', { class: 'subject__extra' },
      h('h3', { class: 'heading-s' }, 'Wat het Veiligheidshuis zelf aanlevert (niet verplicht)'),
      extra.map((c) => c.control.el)) : null,
    onRemove ? h('p', {}, button(`Persoon ${index + 1} verwijderen`, onRemove, { secondary: true })) : null);
  return { el, ref, reason, controls };
}

export async function newMeetingScreen(main, params) {
  const o = overlegvorm(params.overlegvorm);
  if (!session.covenant.overlegvormen.some((x) => x.id === params.overlegvorm)) {
    append(main, h('h1', {}, 'Onbekende overlegvorm'), h('p', {}, 'Kies opnieuw.'));
    return { title: 'Onbekende overlegvorm' };
  }
  const { fields } = await api.get(`/v1/covenant/fields?overlegvorm=${encodeURIComponent(o.id)}`);
  const houseFields = fields.filter((f) => f.identity || f.supply);
  const title = textControl('Titel', { hint: 'Zonder namen van personen, bijvoorbeeld "Briefing week 48".' });
  const startsAt = localInput('Begint op');
  const endsAt = localInput('Eindigt op');
  const invitable = o.ad_hoc
    ? session.covenant.partners.filter((p) => !o.members.includes(p.id))
    : [];
  const adHocName = uid('adhoc');
  const adHocBoxes = invitable.map((p, i) => {
    const id = `${adHocName}-${i}`;
    const input = h('input', { id, type: 'checkbox', value: p.id, class: 'checkboxes__input', name: adHocName });
    return { input, el: h('div', { class: 'checkboxes__item' }, input, h('label', { for: id, class: 'checkboxes__label' }, p.name)) };
  });
  const subjects = [];
  const subjectSlot = h('div', {});
  const renumber = () => {
    const keep = subjects.map((s) => ({ ref: s.ref.input.value, reason: s.reason.input.value }));
    subjectSlot.replaceChildren();
    const old = subjects.splice(0);
    old.forEach((s, i) => addSubject(keep[i]));
  };
  function addSubject(values) {
    const index = subjects.length;
    const block = subjectBlock(index, houseFields, index > 0 ? () => {
      subjects.splice(subjects.indexOf(block), 1);
      renumber();
    } : null);
    if (values) {
      block.ref.input.value = values.ref;
      block.reason.input.value = values.reason;
    }
    subjects.push(block);
    subjectSlot.append(block.el);
    return block;
  }
  addSubject();
  const addButton = button('Nog een persoon toevoegen', () => {
    const b = addSubject();
    b.ref.input.focus();
  }, { secondary: true });

  const allControls = () => [title, startsAt, endsAt,
    ...subjects.flatMap((s) => [s.ref, s.reason, ...s.controls.map((c) => c.control)])];

  const f = form({
    submitText: 'Bijeenkomst plannen',
    onsubmit: async () => {
      const problems = [];
      clearProblems(f, allControls());
      if (!title.input.value.trim()) problems.push({ text: 'Vul een titel in', control: title });
      if (!startsAt.input.value) problems.push({ text: 'Vul in wanneer de bijeenkomst begint', control: startsAt });
      if (!endsAt.input.value) problems.push({ text: 'Vul in wanneer de bijeenkomst eindigt', control: endsAt });
      if (startsAt.input.value && endsAt.input.value &&
          new Date(endsAt.input.value) <= new Date(startsAt.input.value)) {
        problems.push({ text: 'Het einde moet na het begin liggen', control: endsAt });
      }
      const body = {
        overlegvorm: o.id,
        title: title.input.value.trim(),
        starts_at: startsAt.input.value ? new Date(startsAt.input.value).toISOString() : '',
        ends_at: endsAt.input.value ? new Date(endsAt.input.value).toISOString() : '',
        ad_hoc: adHocBoxes.filter((b) => b.input.checked).map((b) => b.input.value),
        subjects: [],
      };
      const refs = new Set();
      subjects.forEach((s, i) => {
        const n = i + 1;
        const ref = s.ref.input.value.trim();
        if (!ref) problems.push({ text: `Vul een referentie in voor persoon ${n}`, control: s.ref });
        else if (refs.has(ref)) problems.push({ text: `Persoon ${n} heeft dezelfde referentie als een andere persoon`, control: s.ref });
        refs.add(ref);
        const identity = {};
        for (const { field, control: c } of s.controls) {
          const r = c.read();
          if (r.problem) {
            problems.push({ text: `${r.problem} (persoon ${n})`, control: c });
          } else if (r.value === undefined) {
            if (field.identity && field.id !== 'persoon.bsn') {
              problems.push({ text: `Vul ${field.label.toLowerCase()} in voor persoon ${n}`, control: c });
            }
          } else if (field.category === 'bsn') {
            const bsn = normalizeBsn(r.value);
            if (!bsn) problems.push({ text: `Het burgerservicenummer van persoon ${n} klopt niet (elfproef)`, control: c });
            else identity[field.id] = bsn;
          } else {
            identity[field.id] = r.value;
          }
        }
        body.subjects.push({ ref, reason: s.reason.input.value.trim(), identity });
      });
      if (problems.length) {
        showProblems(f, problems, allControls());
        return;
      }
      try {
        const meeting = await api.post('/v1/meetings', body);
        session.flash = 'De bijeenkomst is gepland. Verstuur nu de informatieverzoeken.';
        go(`/meetings/${meeting.id}`);
      } catch (err) {
        showProblems(f, [apiProblem(err, (path) => {
          const m = /^\/subjects\/(\d+)\/(ref|reason|identity\/(.+))$/.exec(path);
          if (path === '/title') return title;
          if (path === '/starts_at') return startsAt;
          if (path === '/ends_at') return endsAt;
          if (!m || !subjects[Number(m[1])]) return null;
          const s = subjects[Number(m[1])];
          if (m[2] === 'ref') return s.ref;
          if (m[2] === 'reason') return s.reason;
          const hit = s.controls.find((c) => c.field.id === m[3]);
          return hit ? hit.control : null;
        })], allControls());
      }
    },
  },
  title.el, startsAt.el, endsAt.el,
  invitable.length ? h('div', { class: 'form-group' }, h('fieldset', { class: 'fieldset' },
    h('legend', { class: 'fieldset__legend' }, 'Ad hoc partners uitnodigen (niet verplicht)'),
    h('p', { class: 'hint' }, 'Zij zien pas iets na het ondertekenen van de geheimhoudingsverklaring.'),
    h('div', { class: 'checkboxes' }, adHocBoxes.map((b) => b.el)))) : null,
  h('h2', {}, 'Personen op de agenda'),
  subjectSlot,
  h('p', {}, addButton));
  append(main, h('h1', {}, `${o.name} plannen`), f);
  return { title: `${o.name} plannen` };
}
