// The administrator's screen: the covenant in force and reloading it from
// its file (POST /v1/admin/policy/reload; a bad file leaves the old one in
// force).

import { api } from './api.js';
import { append, button, h, notice, summaryList } from './dom.js';
import { refusal } from './forms.js';
import { covenantScreen } from './covenant.js';
import { session } from './session.js';

async function adminScreen(main) {
  const c = session.covenant;
  const slot = h('div', { role: 'status' });
  const reload = button('Convenant opnieuw laden', async () => {
    reload.disabled = true;
    try {
      const r = await api.post('/v1/admin/policy/reload', {});
      slot.replaceChildren(notice('success', `Geladen: versie ${r.convenant.version}.`));
    } catch (err) {
      slot.replaceChildren(refusal(err));
    } finally {
      reload.disabled = false;
    }
  }, { secondary: true });
  append(main, h('h1', {}, 'Beheer'),
    summaryList([['Convenant', c.title], ['Versie', c.version], ['SHA-256', h('code', { class: 'hash' }, c.sha256)]]),
    h('p', {}, 'Laad het convenant opnieuw nadat het bestand is gewijzigd. Een ongeldig bestand laat het oude van kracht.'),
    h('p', {}, reload), slot);
  return { title: 'Beheer' };
}

export function registerAdmin(route) {
  route('/admin', adminScreen);
  route('/covenant', covenantScreen);
  route('/covenant/:overlegvorm', covenantScreen);
}
