// The moment the console's code runs (the browser tests measure from here
// to the screen's "vh:screen-ready" mark: how long a screen takes to render
// once its files are in, API calls included).
performance.mark('vh:start');

// The console's start: who am I (GET /v1/me: the browser's client
// certificate decides), which covenant is in force (GET /v1/covenant), and
// the screens of my role.

import { api } from './api.js';
import { append, clear, focus, h } from './dom.js';
import { route, start } from './router.js';
import { roleWords } from './words.js';
import { session } from './session.js';
import { registerCoordinator } from './coordinator.js';
import { registerParticipant } from './participant.js';
import { registerSupplier } from './supplier.js';
import { registerPrivacy } from './privacy.js';
import { registerAdmin } from './admin.js';

const menus = {
  coordinator: [['Bijeenkomsten', '/meetings'], ['Nieuwe bijeenkomst', '/meetings/new'], ['Convenant', '/covenant']],
  participant: [['Mijn bijeenkomsten', '/meetings']],
  supplier: [['Open verzoeken', '/requests']],
  'privacy-officer': [['Auditlog', '/audit/events'], ['Inzageverzoek', '/audit/report'],
    ['Integriteit', '/audit/verify'], ['Convenant', '/covenant'], ['Concept vergelijken', '/covenant/diff']],
  admin: [['Beheer', '/admin'], ['Convenant', '/covenant']],
};
const homes = {
  coordinator: '/meetings', participant: '/meetings', supplier: '/requests',
  'privacy-officer': '/audit/events', admin: '/admin',
};

function renderHeader(me) {
  const who = document.getElementById('who');
  clear(who);
  who.append(h('span', {}, 'Ingelogd met het certificaat van '), h('strong', {}, me.cn),
    `, ${me.partner_name} (${roleWords[me.role] || me.role})`);
  const nav = document.getElementById('nav');
  clear(nav);
  nav.append(h('ul', { class: 'nav__list' }, (menus[me.role] || []).map(([text, path]) =>
    h('li', {}, h('a', { href: `#${path}` }, text)))));
}

async function boot() {
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    focus(document.getElementById('main'));
  });
  try {
    const [me, covenant] = await Promise.all([api.get('/v1/me'), api.get('/v1/covenant')]);
    session.me = me;
    session.covenant = covenant;
  } catch (err) {
    const main = document.getElementById('main');
    clear(main);
    append(main, h('h1', {}, 'De console kan niet starten'),
      h('p', {}, 'Uw certificaat wordt niet herkend of de gateway is niet bereikbaar.'));
    return;
  }
  renderHeader(session.me);
  const role = session.me.role;
  route('/', async () => ({ redirect: homes[role] || '/meetings' }));
  if (role === 'coordinator') registerCoordinator(route);
  if (role === 'participant') registerParticipant(route);
  if (role === 'supplier') registerSupplier(route);
  if (role === 'privacy-officer') registerPrivacy(route);
  if (role === 'admin') registerAdmin(route);
  start();
}

boot();
