// Screens live in the URL fragment ("#/meetings/m-1"): a reload or a shared
// link opens the same screen, and the server never sees the fragment. Only
// ids of meetings and requests appear in it, never a BSN, name or ref.
//
// A screen is async (main, params) => ({title, cleanup?}). It renders into
// <main>; the router then sets the page title, moves focus to the screen's
// heading (so that a screen reader announces the new page) and marks the
// moment the screen was ready (performance mark "vh:screen-ready").

import { append, clear, focus, h, notice } from './dom.js';
import { errorText, refusalHeading } from './words.js';

const routes = [];
let current = { cleanup: null, token: 0 };

// pattern: "/meetings/:id"
export function route(pattern, screen) {
  const names = [];
  const re = new RegExp(`^${pattern.replace(/:([a-z]+)/g, (_, n) => {
    names.push(n);
    return '([^/]+)';
  })}$`);
  routes.push({ re, names, screen });
}

export function go(path) {
  if (location.hash === `#${path}`) {
    render();
  } else {
    location.hash = path;
  }
}

function match(path) {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return { screen: r.screen, params };
    }
  }
  return null;
}

export async function render() {
  const hash = location.hash || '#/';
  if (!hash.startsWith('#/')) return;  // an in-page link, not a screen
  const path = hash.slice(1);
  const main = document.getElementById('main');
  if (current.cleanup) current.cleanup();
  current = { cleanup: null, token: current.token + 1 };
  const token = current.token;
  clear(main);
  main.setAttribute('aria-busy', 'true');
  const found = match(path);
  let result;
  try {
    if (!found) {
      append(main, h('h1', {}, 'Pagina niet gevonden'),
        h('p', {}, 'Deze pagina bestaat niet. Kies een onderdeel in het menu.'));
      result = { title: 'Pagina niet gevonden' };
    } else {
      result = await found.screen(main, found.params) || {};
    }
  } catch (err) {
    if (token !== current.token) return;
    clear(main);
    const heading = refusalHeading(err);
    append(main, h('h1', {}, heading),
      notice('warning', errorText(err), err.message ? h('p', { class: 'technical' }, `Technische melding: ${err.message}`) : null));
    result = { title: heading };
  }
  if (token !== current.token) {
    if (result && result.cleanup) result.cleanup();
    return;
  }
  if (result.redirect) {
    history.replaceState(null, '', `#${result.redirect}`);
    render();
    return;
  }
  current.cleanup = result.cleanup || null;
  main.removeAttribute('aria-busy');
  document.title = `${result.title || 'Console'} – Veiligheidshuis-gateway`;
  markActiveNav(path);
  focus(main.querySelector('h1') || main);
  performance.mark('vh:screen-ready');
}

function markActiveNav(path) {
  for (const a of document.querySelectorAll('#nav a')) {
    const target = a.getAttribute('href').slice(1);
    const active = target === '/' ? path === '/' : path === target || path.startsWith(`${target}/`);
    if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

export function start() {
  window.addEventListener('hashchange', render);
  render();
}
