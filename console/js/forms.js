// Forms the GOV.UK / NL Design System way: the browser's own validation is
// off (novalidate); on submit the console checks what it can, and every
// problem, its own or the gateway's, goes into one error summary at the top
// that links to the field, and next to the field itself.
//
// A form never submits itself: the console sends its data with fetch (a
// native submission would put the fields in a URL or reach the API without
// JSON), and the CSP's form-action 'none' backs that up.

import { errorSummary, focus, h, notice } from './dom.js';
import { errorText } from './words.js';

// form({submitText, onsubmit, secondary?}, ...children): onsubmit(event)
// may return a promise; the submit button is disabled while it runs.
export function form(options, ...children) {
  const submit = h('button', { type: 'submit', class: `button${options.warning ? ' button--warning' : ''}` },
    options.submitText);
  const el = h('form', { class: 'form', novalidate: true, method: 'post', action: '' },
    h('div', { class: 'form__summary' }), children,
    h('div', { class: 'button-group' }, submit, options.secondary || null));
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    try {
      await options.onsubmit(event);
    } finally {
      submit.disabled = false;
    }
  });
  return el;
}

// Shows `problems` ([{text, control?}]) on `formEl`: the summary at the
// top, focused, and each control's own message.
export function showProblems(formEl, problems, controls = []) {
  for (const c of controls) c.clearError();
  for (const p of problems) if (p.control) p.control.showError(p.text);
  const slot = formEl.querySelector('.form__summary');
  const summary = errorSummary(problems.map((p) => ({
    text: p.text,
    field: p.control ? p.control.focusEl : null,
  })));
  slot.replaceChildren(summary);
  focus(summary);
}

export function clearProblems(formEl, controls = []) {
  for (const c of controls) c.clearError();
  formEl.querySelector('.form__summary').replaceChildren();
}

// The gateway refused: its plain Dutch meaning, linked to the control whose
// JSON path the message names when there is one (`controlFor(path)`).
export function apiProblem(err, controlFor) {
  const path = /^(\/[^:\s]*)[:\s]/.exec(err.message || '');
  const control = path && controlFor ? controlFor(path[1]) : null;
  return { text: errorText(err), control };
}

// A refusal shown as a warning with the technical message under it.
export function refusal(err) {
  return notice('warning', errorText(err),
    err.message ? h('p', { class: 'technical' }, `Technische melding: ${err.message}`) : null);
}
