// Scheduling a meeting (POST /v1/meetings), in two steps: first the
// overlegvorm, then the rest, because the overlegvorm decides which identity
// fields a person needs, which partners may be invited ad hoc, who may be
// asked, who sees only residents and whether a circle decides who of the
// house takes part. Per person the coordinator gives where the person lives
// (the gemeente; where the overlegvorm is residents-only, a gemeente is asked
// about and sees only its residents, and a person of unknown municipality is
// nobody's resident) and may narrow who is asked about that person; per
// meeting, which of the house's procesregisseurs take part (`staff`).

import { api } from './api.js';
import { append, button, h, uid } from './dom.js';
import { apiProblem, clearProblems, form, showProblems } from './forms.js';
import { checkboxesControl, control, radioControl, textControl } from './fields.js';
import { normalizeBsn } from './bsn.js';
import { go } from './router.js';
import { overlegvorm, partnerName, session } from './session.js';

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

// Municipality names compared as the gateway does: white space at both ends
// dropped, A-Z without case.
function sameMunicipality(a, b) {
  const norm = (x) => x.trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
  return norm(a) === norm(b);
}

function partnerMunicipality(id) {
  const p = session.covenant.partners.find((x) => x.id === id);
  return p && p.municipality ? p.municipality : '';
}

// Whom to ask about one person: everyone the covenant lets supply (the
// default), or only the partners the coordinator ticks (`suppliers`). The
// ticks appear when chosen; `choices()` gives the partners that may be asked
// now ([id, text]: the members and the ad hoc invitees ticked above).
function suppliersControl(n, choices) {
  const which = radioControl(`Wie vraagt de gateway naar persoon ${n}?`, [
    ['all', 'Iedere partner die het convenant toestaat'],
    ['some', 'Alleen de partners die ik kies'],
  ], { value: 'all', hint: 'Vraag alleen de partners die iets over deze persoon moeten weten.' });
  const slot = h('div', { class: 'conditional' });
  let boxes = null;
  const render = () => {
    const keep = new Set(boxes ? boxes.values() : []);
    boxes = checkboxesControl(`Partners die de gateway naar persoon ${n} vraagt`, choices(), { checked: keep });
    slot.replaceChildren(boxes.el);
  };
  const update = () => {
    if (which.value() === 'some') {
      if (!boxes) render();
    } else {
      boxes = null;
      slot.replaceChildren();
    }
  };
  for (const input of which.inputs) input.addEventListener('change', update);
  return {
    el: h('div', {}, which.el, slot),
    which,
    // Ad hoc invitees changed: offer them too, keeping the ticks.
    refresh() { if (boxes) render(); },
    controls: () => (boxes ? [which, boxes] : [which]),
    read() {
      if (which.value() !== 'some') return { value: undefined };
      if (!boxes.values().length) return { problem: true, control: boxes };
      return { value: boxes.values() };
    },
    // The control for a gateway error about /suppliers/K.
    controlFor(k, body) {
      if (!boxes) return which;
      const id = body && body.suppliers ? body.suppliers[k] : undefined;
      const input = boxes.inputs.find((i) => i.value === id);
      return input ? { showError: boxes.showError, clearError: boxes.clearError, focusEl: input } : boxes;
    },
  };
}

// One person on the agenda: reference, reason, where the person lives, the
// fields the house enters (the overlegvorm's identity fields first) and whom
// to ask.
function subjectBlock(index, fields, onRemove, ctx) {
  const n = index + 1;
  const legendId = uid('persoon');
  const ref = textControl('Referentie', {
    hint: 'Een korte aanduiding zonder naam, bijvoorbeeld S1. Deze staat in de verzoeken.',
    width: '10',
    value: `S${n}`,
  });
  const reason = textControl('Reden van aanmelding', { multiline: true, optional: true,
    hint: 'Alleen zichtbaar voor coördinatoren.' });
  const municipality = textControl('Woongemeente', {
    optional: true,
    width: '20',
    list: ctx.datalistId,
    hint: ctx.municipalityHint,
  });
  const controls = fields.map((f) => ({
    field: f,
    control: control(f, { optional: !f.identity || f.category === 'bsn' }),
  }));
  const extra = controls.filter((c) => !c.field.identity);
  const suppliers = suppliersControl(n, ctx.supplierChoices);
  const el = h('fieldset', { class: 'fieldset subject', 'aria-labelledby': legendId },
    h('legend', { id: legendId, class: 'fieldset__legend fieldset__legend--m' }, `Persoon ${n}`),
    ref.el, reason.el,
    controls.filter((c) => c.field.identity).map((c) => c.control.el),
    municipality.el,
    extra.length ? h('div', { class: 'subject__extra' },
      h('h3', { class: 'heading-s' }, 'Wat het Veiligheidshuis zelf aanlevert (niet verplicht)'),
      extra.map((c) => c.control.el)) : null,
    suppliers.el,
    onRemove ? h('p', {}, button(`Persoon ${n} verwijderen`, onRemove, { secondary: true })) : null);
  return { el, ref, reason, municipality, controls, suppliers };
}

export async function newMeetingScreen(main, params) {
  const o = overlegvorm(params.overlegvorm);
  if (!session.covenant.overlegvormen.some((x) => x.id === params.overlegvorm)) {
    append(main, h('h1', {}, 'Onbekende overlegvorm'), h('p', {}, 'Kies opnieuw.'));
    return { title: 'Onbekende overlegvorm' };
  }
  const { fields } = await api.get(`/v1/covenant/fields?overlegvorm=${encodeURIComponent(o.id)}`);
  const houseFields = fields.filter((f) => f.identity || f.supply);
  const hasAddress = houseFields.some((f) => f.type === 'address');
  const residentsOnly = o.residents_only || [];
  const mayAsk = o.suppliers || o.members;
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
  const invited = () => adHocBoxes.filter((b) => b.input.checked).map((b) => b.input.value);

  // The house's procesregisseurs taking part; a circle decides that itself.
  const staff = o.circle ? null : textControl('Procesregisseurs van het Veiligheidshuis die meedoen', {
    multiline: true,
    optional: true,
    hint: 'Alleen wie u hier noemt, ziet als procesregisseur het dossier. Eén naam per regel, precies zoals op ' +
      'het certificaat (CN), bijvoorbeeld Procesregisseur-F. Laat u dit leeg, dan doen alle procesregisseurs mee.',
  });

  // Where a person lives: the gemeenten of the covenant as suggestions.
  const datalistId = uid('gemeenten');
  const known = [...new Set(session.covenant.partners.map((p) => p.municipality).filter(Boolean))]
    .sort((a, b) => a.localeCompare(b, 'nl'));
  const datalist = h('datalist', { id: datalistId }, known.map((m) => h('option', { value: m })));
  const ctx = {
    datalistId,
    municipalityHint: [
      'De gemeente waar de persoon woont, zoals in de BRP, bijvoorbeeld Leiden.',
      residentsOnly.length
        ? ' In dit overleg wordt een gemeente alleen over haar eigen inwoners gevraagd en ziet zij alleen hen; ' +
          'zonder woongemeente vraagt en toont de gateway deze persoon aan geen enkele gemeente.'
        : '',
      hasAddress ? ' Vult u een woonadres in, dan geldt de gemeente van dat adres; u hoeft haar hier dan niet te herhalen.' : '',
    ].join(''),
    supplierChoices: () => mayAsk
      .filter((id) => o.members.includes(id) || invited().includes(id))
      .map((id) => [id, residentsOnly.includes(id) && partnerMunicipality(id)
        ? `${partnerName(id)} (alleen als de persoon in ${partnerMunicipality(id)} woont)`
        : partnerName(id)]),
  };
  for (const b of adHocBoxes) b.input.addEventListener('change', () => subjects.forEach((s) => s.suppliers.refresh()));

  const subjects = [];
  const subjectSlot = h('div', {});
  const renumber = () => {
    const keep = subjects.map((s) => ({
      ref: s.ref.input.value, reason: s.reason.input.value, municipality: s.municipality.input.value,
    }));
    subjectSlot.replaceChildren();
    const old = subjects.splice(0);
    old.forEach((s, i) => addSubject(keep[i]));
  };
  function addSubject(values) {
    const index = subjects.length;
    const block = subjectBlock(index, houseFields, index > 0 ? () => {
      subjects.splice(subjects.indexOf(block), 1);
      renumber();
    } : null, ctx);
    if (values) {
      block.ref.input.value = values.ref;
      block.reason.input.value = values.reason;
      block.municipality.input.value = values.municipality;
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

  const allControls = () => [title, startsAt, endsAt, ...(staff ? [staff] : []),
    ...subjects.flatMap((s) => [s.ref, s.reason, s.municipality, ...s.controls.map((c) => c.control),
      ...s.suppliers.controls()])];

  let sent = null;
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
        ad_hoc: invited(),
        subjects: [],
      };
      if (staff) {
        const names = staff.input.value.split('\n').map((x) => x.trim()).filter(Boolean);
        if (names.some((x) => x.length > 64)) {
          problems.push({ text: 'Een naam van een procesregisseur is langer dan 64 tekens; noem de naam van het certificaat (CN)', control: staff });
        } else if (new Set(names).size !== names.length) {
          problems.push({ text: 'Een procesregisseur staat er twee keer in', control: staff });
        }
        if (names.length) body.staff = names;
      }
      const refs = new Set();
      subjects.forEach((s, i) => {
        const n = i + 1;
        const ref = s.ref.input.value.trim();
        if (!ref) problems.push({ text: `Vul een referentie in voor persoon ${n}`, control: s.ref });
        else if (refs.has(ref)) problems.push({ text: `Persoon ${n} heeft dezelfde referentie als een andere persoon`, control: s.ref });
        refs.add(ref);
        const identity = {};
        let addressGemeente = '';
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
            if (field.type === 'address' && !addressGemeente) addressGemeente = r.value.gemeente;
            identity[field.id] = r.value;
          }
        }
        const subject = { ref, reason: s.reason.input.value.trim(), identity };
        const municipality = s.municipality.input.value.trim();
        if (municipality.length > 128) {
          problems.push({ text: `De woongemeente van persoon ${n} is te lang`, control: s.municipality });
        } else if (municipality && addressGemeente && !sameMunicipality(municipality, addressGemeente)) {
          problems.push({ text: `De woongemeente van persoon ${n} verschilt van de gemeente in het woonadres`, control: s.municipality });
        }
        if (municipality) subject.municipality = municipality;
        const asked = s.suppliers.read();
        if (asked.problem) {
          problems.push({ text: `Kies welke partners de gateway naar persoon ${n} vraagt, of laat iedere partner vragen die het convenant toestaat`, control: asked.control });
        } else if (asked.value) {
          subject.suppliers = asked.value;
        }
        body.subjects.push(subject);
      });
      if (problems.length) {
        showProblems(f, problems, allControls());
        return;
      }
      sent = body;
      try {
        const meeting = await api.post('/v1/meetings', body);
        session.flash = 'De bijeenkomst is gepland. Verstuur nu de informatieverzoeken.';
        go(`/meetings/${meeting.id}`);
      } catch (err) {
        showProblems(f, [apiProblem(err, (path) => {
          const m = /^\/subjects\/(\d+)\/(ref|reason|municipality|suppliers(?:\/(\d+))?|identity\/(.+))$/.exec(path);
          if (path === '/title') return title;
          if (path === '/starts_at') return startsAt;
          if (path === '/ends_at') return endsAt;
          if (/^\/staff(\/\d+)?$/.test(path)) return staff;
          if (!m || !subjects[Number(m[1])]) return null;
          const s = subjects[Number(m[1])];
          if (m[2] === 'ref') return s.ref;
          if (m[2] === 'reason') return s.reason;
          if (m[2] === 'municipality') return s.municipality;
          if (m[2].startsWith('suppliers')) return s.suppliers.controlFor(Number(m[3]), sent.subjects[Number(m[1])]);
          const hit = s.controls.find((c) => c.field.id === m[4]);
          return hit ? hit.control : null;
        })], allControls());
      }
    },
  },
  title.el, startsAt.el, endsAt.el,
  invitable.length ? h('div', { class: 'form-group' }, h('fieldset', { class: 'fieldset' },
    h('legend', { class: 'fieldset__legend' }, 'Ad hoc partners uitnodigen (niet verplicht)'),
    h('p', { class: 'hint' }, 'Zij zien pas iets nadat een medewerker de geheimhoudingsverklaring voor zichzelf heeft ondertekend.'),
    h('div', { class: 'checkboxes' }, adHocBoxes.map((b) => b.el)))) : null,
  staff ? staff.el : h('p', {}, 'Dit overleg heeft een besloten kring: het convenant noemt wie meedoet, ook van het Veiligheidshuis.'),
  h('h2', {}, 'Personen op de agenda'),
  datalist,
  subjectSlot,
  h('p', {}, addButton));
  append(main, h('h1', {}, `${o.name} plannen`), f);
  return { title: `${o.name} plannen` };
}
