// The meeting list (GET /v1/meetings): the meetings the caller takes part
// in, for a house coordinator all of the house, grouped as upcoming, running
// and closed. The gateway decides who takes part; the list shows what it
// returns.

import { api } from './api.js';
import { append, h, notice, routeLink, table, tag } from './dom.js';
import { overlegvorm } from './session.js';
import { dateTime } from './words.js';

// Whether the gateway showed the meeting limited: an ad hoc participant
// before signing the declaration in force, or after the meeting's end, gets
// only id, overlegvorm, starts_at, ends_at and `declaration` (no state, no
// title).
export function isLimited(m) {
  return m.limited === true || m.state === undefined;
}

export function hasEnded(m, now = new Date()) {
  return Boolean(m.ends_at) && new Date(m.ends_at) <= now;
}

function groupOf(m, now) {
  if (m.state === 'closed') return 'closed';
  if (hasEnded(m, now)) return 'ended';
  return m.starts_at && new Date(m.starts_at) > now ? 'upcoming' : 'open';
}

const groups = [
  ['upcoming', 'Komende bijeenkomsten'],
  ['open', 'Lopende bijeenkomsten'],
  ['ended', 'Afgelopen bijeenkomsten'],
  ['closed', 'Gesloten bijeenkomsten'],
];

function titleOf(m) {
  // A limited meeting has no title: the overlegvorm names it.
  return m.title || overlegvorm(m.overlegvorm).name;
}

export async function meetingList(main, options) {
  const { meetings } = await api.get('/v1/meetings');
  append(main, h('h1', {}, options.heading));
  if (options.intro) append(main, h('p', { class: 'lead' }, options.intro));
  if (options.actions) append(main, options.actions);
  if (!meetings.length) {
    append(main, notice('info', options.empty));
    return;
  }
  const now = new Date();
  for (const [key, heading] of groups) {
    const list = meetings.filter((m) => groupOf(m, now) === key);
    if (!list.length) continue;
    if (key === 'closed') list.reverse();
    append(main, h('section', { class: 'section', 'aria-labelledby': `groep-${key}` },
      h('h2', { id: `groep-${key}` }, heading),
      table(heading, ['Bijeenkomst', 'Overlegvorm', 'Begint', 'Stand'], list.map((m) => [
        routeLink(titleOf(m), `/meetings/${m.id}`),
        overlegvorm(m.overlegvorm).name,
        dateTime(m.starts_at),
        options.status(m),
      ]), { captionHidden: true })));
  }
}

export function meetingStateTag(m) {
  if (m.state === 'closed') return tag('gesloten', 'neutral');
  if (hasEnded(m)) return tag(isLimited(m) ? 'afgelopen' : 'afgelopen, nog niet gesloten', 'neutral');
  if (m.client_present) return tag('open, cliënt aan tafel', 'warning');
  return tag('open', 'ok');
}
