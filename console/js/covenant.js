// The covenant as the matrix (GET /v1/covenant/matrix, one overlegvorm per
// page) and the diff of a candidate covenant file against the one in force
// (POST /v1/covenant/diff): the officer picks a local file, the console sends
// its text, the gateway compares and puts nothing in force.

import { api } from './api.js';
import { append, h, notice, table } from './dom.js';
import { clearProblems, form, refusal, showProblems } from './forms.js';
import { session } from './session.js';
import { errorText } from './words.js';

export async function covenantScreen(main, params) {
  const forms = session.covenant.overlegvormen;
  const chosen = forms.find((o) => o.id === params.overlegvorm) || forms[0];
  const m = await api.get(`/v1/covenant/matrix?overlegvorm=${encodeURIComponent(chosen.id)}`);
  const t = m.tables[0];
  append(main, h('h1', {}, 'Het convenant'),
    h('p', { class: 'lead' }, `${m.title}, versie ${m.version}.`),
    h('nav', { 'aria-label': 'Overlegvormen', class: 'subnav' }, h('ul', { class: 'subnav__list' },
      forms.map((x) => h('li', {}, h('a', { href: `#/covenant/${x.id}`, 'aria-current': x.id === t.id ? 'page' : null }, x.name))))),
    h('h2', {}, t.name),
    h('p', {}, h('strong', {}, 'Doel: '), t.purpose),
    h('p', {}, t.facts),
    h('p', { class: 'hint' }, 'Elke cel noemt per weergave (full = volledig, presence = alleen aanwezigheid, year = jaartal, ' +
      'age = leeftijd, municipality = gemeente) de leveranciers wier waarde de ontvanger ziet. ' +
      'Een * betekent: niet zichtbaar terwijl de cliënt aan tafel zit. Een lege cel: niets.'),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `Matrix ${t.name}` },
      table(`Wie ziet wat in ${t.name}`, ['Gegeven', 'Categorie', ...t.columns],
        t.rows.map((r) => [r.label, r.category, ...r.cells.map((c) => c || '–')]), { rowHeader: true, captionHidden: false })));
  return { title: `Convenant: ${t.name}` };
}

const kinds = [
  ['new', 'Nieuw: stromen die nu niet bestaan'],
  ['more revealing', 'Onthullender dan nu'],
  ['less revealing', 'Minder onthullend dan nu'],
  ['withdrawn', 'Ingetrokken'],
  ['other', 'Overig'],
];

function diffView(d) {
  const groups = kinds.map(([k, title]) => [title, d.lines.filter((l) => l.kind === k)]).filter(([, l]) => l.length);
  const max = 300;
  return h('div', {},
    h('h2', {}, 'Uitkomst'),
    d.widens
      ? notice('warning', `Dit concept laat meer zien dan het convenant dat nu geldt: ${d.more} ${d.more === 1 ? 'stroom' : 'stromen'} nieuw of onthullender.`)
      : notice('success', 'Dit concept laat niets zien wat het geldende convenant niet al toestaat.'),
    table('Vergeleken versies', ['Welk', 'Convenant', 'Versie', 'SHA-256'], [
      ['Nu van kracht', d.in_force.id, d.in_force.version, h('code', { class: 'hash' }, d.in_force.sha256)],
      ['Concept', d.candidate.id, d.candidate.version, h('code', { class: 'hash' }, d.candidate.sha256)],
    ], { rowHeader: true }),
    groups.map(([title, lines]) => h('section', { class: 'section' },
      h('h3', {}, `${title} (${lines.length})`),
      h('ul', { class: 'list list--diff' }, lines.slice(0, max).map((l) => h('li', {}, l.text))),
      lines.length > max ? h('p', {}, `En nog ${lines.length - max} regels.`) : null)));
}

export async function diffScreen(main) {
  const id = 'concept-bestand';
  const errorEl = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  const input = h('input', { id, type: 'file', class: 'file-upload', accept: '.json,application/json' });
  const group = h('div', { class: 'form-group' },
    h('label', { class: 'label', for: id }, 'Conceptconvenant (JSON-bestand)'),
    h('p', { class: 'hint', id: `${id}-hint` }, 'Het bestand wordt alleen vergeleken, niet in gebruik genomen.'),
    errorEl, input);
  input.setAttribute('aria-describedby', `${id}-hint`);
  const fileControl = {
    focusEl: input,
    showError(text) {
      errorEl.replaceChildren(h('span', { class: 'visually-hidden' }, 'Fout: '), text);
      errorEl.hidden = false;
      group.classList.add('form-group--error');
      input.setAttribute('aria-describedby', `${id}-hint ${id}-error`);
    },
    clearError() {
      errorEl.hidden = true;
      group.classList.remove('form-group--error');
      input.setAttribute('aria-describedby', `${id}-hint`);
    },
  };
  const out = h('div', {});
  const f = form({
    submitText: 'Vergelijken met het geldende convenant',
    onsubmit: async () => {
      clearProblems(f, [fileControl]);
      const file = input.files && input.files[0];
      if (!file) {
        showProblems(f, [{ text: 'Kies een conceptconvenant', control: fileControl }], [fileControl]);
        return;
      }
      const text = await file.text();
      try {
        out.replaceChildren(diffView(await api.post('/v1/covenant/diff', { text, name: file.name })));
      } catch (err) {
        if (err.code === 'invalid_covenant') {
          showProblems(f, [{ text: errorText(err), control: fileControl }], [fileControl]);
          out.replaceChildren(h('h2', {}, 'Problemen in het bestand'),
            h('ul', { class: 'list' }, String(err.message).split('\n').map((l) => h('li', {}, l))));
        } else {
          out.replaceChildren(refusal(err));
        }
      }
    },
  }, group);
  append(main, h('h1', {}, 'Conceptconvenant vergelijken'),
    h('p', { class: 'lead' }, 'Zie wat een nieuw convenant meer of minder zou laten delen dan het convenant dat nu geldt.'),
    f, out);
  return { title: 'Conceptconvenant vergelijken' };
}
