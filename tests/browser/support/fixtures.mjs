// Example data for the browser tests, made through the API as the partners'
// systems would: a meeting scheduled by the house's coordinator, its
// information requests, and answers. Names and BSNs are synthetic.

import assert from 'node:assert/strict';
import { apiAs, syntheticBsn } from './api.mjs';

export const COORDINATOR = 'veiligheidshuis-hm.coordinator';
export const PRIVACY_OFFICER = 'veiligheidshuis-hm.privacy-officer';

let seed = 100;

// A synthetic person on the agenda. `municipality`: where the person lives
// (the briefing shows a gemeente only its residents; a person of unknown
// municipality is nobody's resident, so no gemeente is asked about them).
export function person(ref, municipality = 'Leiden') {
  seed += 1;
  return {
    ref,
    reason: 'melding (synthetisch)',
    ...(municipality ? { municipality } : {}),
    identity: {
      'persoon.naam': `Synthetische Persoon ${seed}`,
      'persoon.geboortedatum': `19${70 + (seed % 30)}-03-14`,
      'persoon.bsn': syntheticBsn(seed),
    },
  };
}

// A briefing that started an hour ago and ends tomorrow (or `endsInMs` from
// now), with woningcorporatie invited ad hoc, `count` persons on the agenda
// and the requests sent. The persons live in Leiden unless `municipalities`
// says otherwise per person (null: unknown). `houseReason`: the house enters
// casus.reden_melding for each person (B10/B27). `staff`: the house's
// procesregisseurs (CNs) taking part.
export async function briefing(gateway, options = {}) {
  const coordinator = apiAs(gateway, COORDINATOR);
  const now = Date.now();
  const subjects = Array.from({ length: options.count || 2 }, (_, i) =>
    person(`S${i + 1}`, options.municipalities ? options.municipalities[i] : 'Leiden'));
  if (options.houseReason) {
    for (const s of subjects) s.identity['casus.reden_melding'] = `Synthetisch: melding over ${s.ref} bij het Veiligheidshuis`;
  }
  const created = await coordinator.post('/v1/meetings', {
    overlegvorm: 'briefing',
    title: options.title || 'Briefing week 48',
    starts_at: new Date(now - 3600e3).toISOString(),
    ends_at: new Date(now + (options.endsInMs ?? 24 * 3600e3)).toISOString(),
    ad_hoc: options.adHoc === false ? [] : ['woningcorporatie'],
    subjects,
    ...(options.staff ? { staff: options.staff } : {}),
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  const sent = await coordinator.post(`/v1/meetings/${id}/requests`,
    { deadline: new Date(now + 12 * 3600e3).toISOString() });
  assert.equal(sent.status, 201, sent.text);
  return { id, subjects, requests: sent.json.requests };
}

// The open request of `identity`'s partner about `ref` in meeting `id`.
export async function requestOf(gateway, identity, id, ref) {
  const r = await apiAs(gateway, identity).get('/v1/requests?status=open');
  assert.equal(r.status, 200, r.text);
  const hit = r.json.requests.find((q) => q.meeting === id && q.subject === ref);
  assert.ok(hit, `no open request for ${identity} about ${ref}`);
  return hit;
}

export async function answer(gateway, identity, id, ref, fields) {
  const q = await requestOf(gateway, identity, id, ref);
  const r = await apiAs(gateway, identity).put(`/v1/requests/${q.id}/answer`, { fields });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// Audit events of `type` as the house's privacy officer sees them.
export async function auditEvents(gateway, filters) {
  const r = await apiAs(gateway, PRIVACY_OFFICER).post('/v1/audit/query', { limit: '1000', ...filters });
  assert.equal(r.status, 200, r.text);
  return r.json.events;
}
