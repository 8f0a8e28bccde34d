// DOM helpers. Everything the console shows is built here with
// createElement and textContent: text from the API is never parsed as HTML,
// so it is escaped by construction (there is no innerHTML in the console).

// h('p', {class: 'x', onclick: f}, 'text', child, [more]) -> element.
// Attributes: `class`, `for`, data-*/aria-* and plain attributes are set as
// attributes; `on<event>` adds a listener; a value of false/null/undefined
// leaves the attribute out, true sets it empty. Children: strings (as text
// nodes), nodes, arrays of either; null/false are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'value') {
      el.value = value;
    } else if (key === 'checked') {
      el.checked = Boolean(value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, ...children);
  return el;
}

// Appends children as h() takes them: null, undefined and false are left
// out (Element.append would write them as text).
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// A unique id for label/aria wiring.
let nextId = 0;
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// Text a screen reader reads but the eye does not see ("Fout:", "Status:").
export function hidden(text) {
  return h('span', { class: 'visually-hidden' }, text);
}

// Moves keyboard focus to `el` (headings and summaries get tabindex -1).
export function focus(el) {
  if (!el) return;
  if (!el.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) {
    el.setAttribute('tabindex', '-1');
  }
  el.focus();
}

// A link inside the page that moves focus instead of changing the route
// (the console's routes live in the fragment, so plain #id links would
// leave the screen).
export function focusLink(text, target) {
  return h('a', {
    href: `#${target.id}`,
    onclick: (event) => {
      event.preventDefault();
      target.scrollIntoView({ block: 'center' });
      focus(target);
    },
  }, text);
}

// The error summary of the GOV.UK / NL Design System pattern: at the top of
// the form, focused, each problem a link to its field.
// problems: [{text, field?: element}]
export function errorSummary(problems) {
  const titleId = uid('error-summary-title');
  const list = h('ul', { class: 'error-summary__list' },
    problems.map((p) => h('li', {}, p.field ? focusLink(p.text, p.field) : p.text)));
  return h('div', {
    class: 'error-summary',
    role: 'alert',
    tabindex: '-1',
    'aria-labelledby': titleId,
  }, h('h2', { id: titleId, class: 'error-summary__title' }, 'Er is een probleem'), list);
}

// A notice: kind 'info' | 'success' | 'warning'. The word in front says what
// it is, so the meaning never rests on colour.
export function notice(kind, title, ...body) {
  const words = { info: 'Let op', success: 'Gelukt', warning: 'Waarschuwing' };
  return h('div', { class: `notice notice--${kind}`, role: kind === 'success' ? 'status' : null },
    h('p', { class: 'notice__title' }, h('strong', {}, `${words[kind]}: `), title),
    body.length ? h('div', { class: 'notice__body' }, body) : null);
}

// A status tag: text always, colour as an extra.
export function tag(text, kind) {
  return h('span', { class: `tag tag--${kind || 'neutral'}` }, text);
}

// A table with caption and column headers; rows: arrays of cells (strings
// or nodes); the first cell of a row may be a row header ({rowHeader: true}).
export function table(caption, headers, rows, options = {}) {
  return h('table', { class: 'table' },
    h('caption', { class: options.captionHidden ? 'visually-hidden' : 'table__caption' }, caption),
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, row.map((cell, i) =>
      (i === 0 && options.rowHeader ? h('th', { scope: 'row' }, cell) : h('td', {}, cell)))))));
}

// <dl> of [term, description] pairs.
export function summaryList(pairs) {
  return h('dl', { class: 'summary-list' }, pairs.filter(Boolean).map(([k, v]) =>
    h('div', { class: 'summary-list__row' }, h('dt', {}, k), h('dd', {}, v))));
}

export function button(text, onclick, options = {}) {
  return h('button', {
    type: options.type || 'button',
    class: `button${options.secondary ? ' button--secondary' : ''}${options.warning ? ' button--warning' : ''}`,
    onclick,
  }, text);
}

// A link to a console route ("#/meetings/m-1").
export function routeLink(text, route, options = {}) {
  return h('a', { href: `#${route}`, class: options.button ? 'button' : null }, text);
}
