// The console's browser defences, tested as an attacker would try them: a
// page on another origin (a second local web server) makes the coordinator's
// browser send state-changing requests to the gateway, once with fetch
// (mode "no-cors": no preflight) and once with a plain HTML form. Both are
// refused 403 cross_site_request and audited; nothing is created. Also the
// response headers every screen is served with.

import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { apiAs } from './support/api.mjs';
import { launch, openAs, screenshot } from './support/browser.mjs';
import { COORDINATOR, auditEvents, person } from './support/fixtures.mjs';
import { startGateway } from './support/gateway.mjs';

let gateway;
let browser;
let attacker;

function attackPage(target, kind) {
  const body = JSON.stringify({
    overlegvorm: 'briefing', title: 'Ingevoegd door een andere site',
    starts_at: '2030-01-01T09:00:00Z', ends_at: '2030-01-01T10:00:00Z', subjects: [person('X1')],
  });
  if (kind === 'fetch') {
    return `<!DOCTYPE html><html lang="en"><title>Another site</title><body><p id="state">sending</p><script>
fetch(${JSON.stringify(`${target}/v1/meetings`)}, {method: 'POST', mode: 'no-cors', credentials: 'include',
  body: ${JSON.stringify(body)}}).then(() => { document.getElementById('state').textContent = 'sent'; },
  (e) => { document.getElementById('state').textContent = 'failed ' + e; });
</script></body></html>`;
  }
  // text/plain: the browser sends name=value, which the form shapes into JSON.
  const name = body.slice(0, -1) + ',"x":"';
  return `<!DOCTYPE html><html lang="en"><title>Another site</title><body>
<form id="f" method="post" enctype="text/plain" action="${target}/v1/meetings">
<input type="hidden" name='${name.replace(/'/g, '&#39;')}' value='"}'></form>
<script>document.getElementById('f').submit();</script></body></html>`;
}

before(async () => {
  gateway = await startGateway();
  browser = await launch();
  attacker = http.createServer((req, res) => {
    const kind = req.url.includes('form') ? 'form' : 'fetch';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(attackPage(gateway.origin, kind));
  });
  await new Promise((r) => attacker.listen(0, '127.0.0.1', r));
});
after(async () => {
  if (attacker) attacker.close();
  if (browser) await browser.close();
  if (gateway) await gateway.stop();
});

test('a page on another origin cannot make the coordinator\'s browser change anything (refused, audited)', async () => {
  const other = `http://127.0.0.1:${attacker.address().port}`;
  const { page } = await openAs(browser, gateway, COORDINATOR);
  const seen = [];
  page.on('request', (r) => { if (r.url().startsWith(gateway.origin)) seen.push(r.url()); });

  // fetch without a preflight.
  await page.goto(`${other}/fetch.html`);
  await page.waitForFunction(() => document.getElementById('state').textContent !== 'sending');
  // A plain form: the browser navigates to the gateway's answer.
  const response = await Promise.all([
    page.waitForNavigation({ url: `${gateway.origin}/v1/meetings` }),
    page.goto(`${other}/form.html`),
  ]).then(([r]) => r);
  assert.equal(response.status(), 403);
  assert.match(await page.textContent('body'), /cross_site_request/);
  await screenshot(page, 'security-form-refused');
  assert.ok(seen.length >= 2, 'the browser sent both requests');

  const refused = await auditEvents(gateway, { type: 'access_refused' });
  const xsite = refused.filter((e) => e.detail.reason === 'cross_site_request');
  assert.equal(xsite.length, 2);
  for (const e of xsite) {
    assert.equal(e.actor.cn, 'Informatiecoordinator-E');
    assert.equal(e.detail.route, '/v1/meetings');
    assert.equal(e.outcome, 'refused 403');
  }
  const meetings = await apiAs(gateway, COORDINATOR).get('/v1/meetings');
  assert.equal(meetings.json.meetings.length, 0);

  // The console itself, same origin, still works for the same person.
  const ok = await page.goto(`${gateway.origin}/`);
  assert.equal(ok.status(), 200);
  const created = await page.evaluate(async (body) => {
    const r = await fetch('/v1/meetings', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return r.status;
  }, JSON.stringify({ overlegvorm: 'briefing', title: 'Zelfde site', starts_at: '2030-01-01T09:00:00Z',
    ends_at: '2030-01-01T10:00:00Z', subjects: [person('S1')] }));
  assert.equal(created, 201);
});

test('every console response carries the browser headers; assets have their content types', async () => {
  const api = apiAs(gateway, 'politie.participant');
  const expect = {
    'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
  for (const [path, type] of [['/', 'text/html; charset=utf-8'], ['/console/app.css', 'text/css; charset=utf-8'],
    ['/console/js/main.js', 'text/javascript; charset=utf-8'], ['/v1/me', 'application/json']]) {
    const r = await api.get(path);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-type'], type, path);
    for (const [k, v] of Object.entries(expect)) assert.equal(r.headers[k], v, `${path} ${k}`);
  }
  // The console holds no inline script or style: the CSP needs no exception.
  const index = (await api.get('/')).text;
  assert.ok(!/<script(?![^>]*\ssrc=)[^>]*>/i.test(index), 'inline script in index.html');
  assert.ok(!/<style|\sstyle=/i.test(index), 'inline style in index.html');
  assert.equal((await api.get('/console/nope.js')).status, 404);
  assert.equal((await api.get('/console/../gateway.json')).status, 404);
});
