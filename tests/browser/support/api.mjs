// The JSON API as a partner system calls it: Node's https with the example
// client certificate of an identity "<partner>.<role>" (build/certs), no
// browser, no Origin or Sec-Fetch-Site header.

import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { certsDir } from './gateway.mjs';

export function identityFiles(identity) {
  return { certPath: path.join(certsDir, `${identity}.crt`), keyPath: path.join(certsDir, `${identity}.key`) };
}

export function apiAs(gateway, identity) {
  const { certPath, keyPath } = identityFiles(identity);
  const agent = new https.Agent({
    cert: fs.readFileSync(certPath),
    key: fs.readFileSync(keyPath),
    ca: fs.readFileSync(path.join(certsDir, 'ca.crt')),
    keepAlive: false,
  });
  const call = (method, p, body, headers = {}) => new Promise((resolve, reject) => {
    const data = body === undefined ? null : JSON.stringify(body);
    const req = https.request({
      host: 'localhost', port: gateway.port, path: p, method, agent,
      headers: { 'content-type': 'application/json', ...(data ? { 'content-length': Buffer.byteLength(data) } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { json = null; }
        resolve({ status: res.statusCode, json, text, headers: res.headers });
      });
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
  return {
    get: (p, headers) => call('GET', p, undefined, headers),
    post: (p, body, headers) => call('POST', p, body ?? {}, headers),
    put: (p, body, headers) => call('PUT', p, body, headers),
  };
}

// A made-up BSN that passes the 11-proef, different per seed.
export function syntheticBsn(seed) {
  for (let n = seed * 7919 + 100000001; ; n += 1) {
    const s = String(n % 1000000000).padStart(9, '1');
    let sum = 0;
    for (let i = 0; i < 8; i += 1) sum += (9 - i) * Number(s[i]);
    sum -= Number(s[8]);
    if (sum % 11 === 0 && s[0] !== '0') return s;
  }
}
