// Covenant fields as form controls and as text. A control is built from the
// field's type (boolean, enum, date, address, text, string, integer) with a
// visible label, an optional hint and a place for its error message.
//
// control(field, options) -> {el, focusEl, read(), showError(text), clearError()}
//   read() -> {value} (undefined: left empty) or {problem: 'Dutch sentence'}

import { h, hidden, uid } from './dom.js';
import { date, transformWords } from './words.js';

const addressParts = [
  ['straat', 'Straat'], ['huisnummer', 'Huisnummer'], ['postcode', 'Postcode'],
  ['woonplaats', 'Woonplaats'], ['gemeente', 'Gemeente'],
];

function errorSlot(id) {
  return h('p', { id, class: 'field-error', hidden: true });
}

function wire(group, errorEl, inputs, hintId) {
  return {
    showError(text) {
      errorEl.replaceChildren(hidden('Fout: '), text);
      errorEl.hidden = false;
      group.classList.add('form-group--error');
      for (const i of inputs) {
        i.setAttribute('aria-invalid', 'true');
        i.setAttribute('aria-describedby', [hintId, errorEl.id].filter(Boolean).join(' '));
      }
    },
    clearError() {
      errorEl.hidden = true;
      errorEl.replaceChildren();
      group.classList.remove('form-group--error');
      for (const i of inputs) {
        i.removeAttribute('aria-invalid');
        if (hintId) i.setAttribute('aria-describedby', hintId); else i.removeAttribute('aria-describedby');
      }
    },
  };
}

// A single text-like input (string, integer, date, free text).
export function textControl(label, options = {}) {
  const id = options.id || uid('f');
  const hintId = options.hint ? `${id}-hint` : null;
  const errorEl = errorSlot(`${id}-error`);
  const input = options.multiline
    ? h('textarea', { id, name: id, class: 'textarea', rows: 4, 'aria-describedby': hintId })
    : h('input', {
      id,
      name: id,
      class: `input${options.width ? ` input--${options.width}` : ''}`,
      type: options.type || 'text',
      inputmode: options.inputmode,
      autocomplete: options.autocomplete || 'off',
      list: options.list,
      spellcheck: options.type === 'text' || !options.type ? 'false' : null,
      'aria-describedby': hintId,
    });
  if (options.value !== undefined && options.value !== null) input.value = options.value;
  const group = h('div', { class: 'form-group' },
    h('label', { class: 'label', for: id }, label, options.optional ? ' (niet verplicht)' : ''),
    options.hint ? h('p', { id: hintId, class: 'hint' }, options.hint) : null,
    errorEl, input);
  return { el: group, focusEl: input, input, ...wire(group, errorEl, [input], hintId) };
}

// Radios in a fieldset; choices: [[value, text]].
export function radioControl(legend, choices, options = {}) {
  const name = options.id || uid('r');
  const hintId = options.hint ? `${name}-hint` : null;
  const errorEl = errorSlot(`${name}-error`);
  const inputs = [];
  const items = choices.map(([value, text], i) => {
    const id = `${name}-${i}`;
    const input = h('input', {
      id, name, type: 'radio', value, class: 'radios__input', checked: options.value === value,
    });
    inputs.push(input);
    return h('div', { class: 'radios__item' }, input, h('label', { class: 'radios__label', for: id }, text));
  });
  const group = h('div', { class: 'form-group' },
    h('fieldset', { class: 'fieldset', 'aria-describedby': hintId },
      h('legend', { class: 'fieldset__legend' }, legend, options.optional ? ' (niet verplicht)' : ''),
      options.hint ? h('p', { id: hintId, class: 'hint' }, options.hint) : null,
      errorEl, h('div', { class: options.inline ? 'radios radios--inline' : 'radios' }, items)));
  const picked = () => inputs.find((i) => i.checked);
  return {
    el: group,
    get focusEl() { return picked() || inputs[0]; },
    inputs,
    value: () => (picked() ? picked().value : undefined),
    ...wire(group, errorEl, inputs, hintId),
  };
}

// Checkboxes in a fieldset; choices: [[value, text]]; `checked`: a Set of
// values to start checked.
export function checkboxesControl(legend, choices, options = {}) {
  const name = options.id || uid('c');
  const hintId = options.hint ? `${name}-hint` : null;
  const errorEl = errorSlot(`${name}-error`);
  const checked = options.checked || new Set();
  const inputs = [];
  const items = choices.map(([value, text], i) => {
    const id = `${name}-${i}`;
    const input = h('input', {
      id, name, type: 'checkbox', value, class: 'checkboxes__input', checked: checked.has(value),
    });
    inputs.push(input);
    return h('div', { class: 'checkboxes__item' }, input, h('label', { class: 'checkboxes__label', for: id }, text));
  });
  const group = h('div', { class: 'form-group' },
    h('fieldset', { class: 'fieldset', 'aria-describedby': hintId },
      h('legend', { class: 'fieldset__legend' }, legend),
      options.hint ? h('p', { id: hintId, class: 'hint' }, options.hint) : null,
      errorEl, h('div', { class: 'checkboxes' }, items)));
  return {
    el: group,
    get focusEl() { return inputs.find((i) => i.checked) || inputs[0]; },
    inputs,
    values: () => inputs.filter((i) => i.checked).map((i) => i.value),
    ...wire(group, errorEl, inputs, hintId),
  };
}

// The control for covenant field `f` ({id, label, type, values?}).
export function control(f, options = {}) {
  const id = options.id || uid(`veld-${f.id.replace(/[^a-z0-9]/gi, '-')}`);
  const optional = options.optional !== false;
  const hint = options.hint;
  if (f.type === 'boolean') {
    const c = radioControl(f.label, [['true', 'Ja'], ['false', 'Nee']], { id, hint, optional, inline: true });
    return { ...c, read: () => ({ value: c.value() === undefined ? undefined : c.value() === 'true' }) };
  }
  if (f.type === 'enum' && (f.values || []).length <= 7) {
    const c = radioControl(f.label, f.values.map((v) => [v, v]), { id, hint, optional });
    return { ...c, read: () => ({ value: c.value() }) };
  }
  if (f.type === 'enum') {
    const errorEl = errorSlot(`${id}-error`);
    const select = h('select', { id, name: id, class: 'select' },
      h('option', { value: '' }, 'Kies een waarde'), f.values.map((v) => h('option', { value: v }, v)));
    const group = h('div', { class: 'form-group' },
      h('label', { class: 'label', for: id }, f.label, optional ? ' (niet verplicht)' : ''), errorEl, select);
    return {
      el: group, focusEl: select, read: () => ({ value: select.value || undefined }),
      ...wire(group, errorEl, [select], null),
    };
  }
  if (f.type === 'address') {
    const errorEl = errorSlot(`${id}-error`);
    const parts = addressParts.map(([key, text]) => {
      const pid = `${id}-${key}`;
      const input = h('input', { id: pid, name: pid, class: 'input input--20', type: 'text', autocomplete: 'off' });
      return { key, input, el: h('div', { class: 'form-group form-group--nested' }, h('label', { class: 'label', for: pid }, text), input) };
    });
    const group = h('div', { class: 'form-group' },
      h('fieldset', { class: 'fieldset' },
        h('legend', { class: 'fieldset__legend' }, f.label, optional ? ' (niet verplicht)' : ''),
        hint ? h('p', { class: 'hint' }, hint) : null, errorEl, parts.map((p) => p.el)));
    return {
      el: group,
      focusEl: parts[0].input,
      read() {
        const value = {};
        for (const p of parts) if (p.input.value.trim()) value[p.key] = p.input.value.trim();
        if (!Object.keys(value).length) return { value: undefined };
        if (!value.gemeente) return { problem: `Vul bij ${f.label.toLowerCase()} de gemeente in` };
        return { value };
      },
      ...wire(group, errorEl, parts.map((p) => p.input), null),
    };
  }
  const c = textControl(f.label, {
    id,
    hint: hint || (f.type === 'integer' ? 'Een heel getal, bijvoorbeeld 3' : null),
    optional,
    multiline: f.type === 'text',
    type: f.type === 'date' ? 'date' : 'text',
    inputmode: f.type === 'integer' ? 'numeric' : null,
    width: f.type === 'integer' ? '5' : null,
  });
  return {
    ...c,
    read() {
      const text = c.input.value.trim();
      if (!text) return { value: undefined };
      if (f.type === 'integer') {
        if (!/^-?\d+$/.test(text)) return { problem: `Vul bij ${f.label.toLowerCase()} een heel getal in` };
        return { value: Number(text) };
      }
      if (f.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(text)) {
        return { problem: `Vul bij ${f.label.toLowerCase()} een geldige datum in` };
      }
      return { value: text };
    },
  };
}

// A value as the dossier shows it, in words.
export function valueText(value, as) {
  if (value === null || value === undefined) return 'geen waarde';
  if (as === 'presence') return value ? 'ja, er is informatie' : 'nee';
  if (typeof value === 'boolean') return value ? 'ja' : 'nee';
  if (as === 'age' && typeof value === 'number') return `${value} jaar`;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return date(`${value}T12:00:00Z`);
  if (typeof value === 'object') {
    const a = value;
    const street = [a.straat, a.huisnummer].filter(Boolean).join(' ');
    const town = [a.postcode, a.woonplaats].filter(Boolean).join(' ');
    return [street, town, a.gemeente ? `gemeente ${a.gemeente}` : ''].filter(Boolean).join(', ');
  }
  return String(value);
}

export function transformText(as) {
  return transformWords[as] || as;
}
