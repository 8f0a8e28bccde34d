// What the console knows of this session: the caller (GET /v1/me) and the
// covenant in force (GET /v1/covenant), loaded once at start. Nothing here
// is stored in the browser beyond the page.

export const session = { me: null, covenant: null };

export function partnerName(id) {
  const c = session.covenant;
  if (c && id === c.house) return 'het Veiligheidshuis';
  const p = c && c.partners.find((x) => x.id === id);
  return p ? p.name : id;
}

export function overlegvorm(id) {
  const c = session.covenant;
  return (c && c.overlegvormen.find((o) => o.id === id)) || { id, name: id, members: [], request_identity: [] };
}

export function field(id) {
  const c = session.covenant;
  return (c && c.fields.find((f) => f.id === id)) || { id, label: id, type: 'string' };
}

export function fieldLabel(id) {
  return field(id).label;
}
