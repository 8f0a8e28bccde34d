// The meeting list (GET /v1/meetings): the meetings the caller takes part
// in, for a house coordinator all of the house, grouped as upcoming, running
// and closed. The gateway decides who takes part; the list shows what it
// returns.

import { api } from './api.js';
import { append, h, notice, routeLink, table, tag } from './dom.js';
import { overlegvorm } from './session.js';
import { dateTime } from './words.js';

function groupOf(m, now) {
  if (m.state === 'closed') return 'closed';
  return m.starts_at && new Date(m.starts_at) > now ? 'upcoming' : 'open';
}

const groups = [
  ['upcoming', 'Komende bijeenkomsten'],
  ['open', 'Lopende bijeenkomsten'],
  ['closed', 'Gesloten bijeenkomsten'],
];

function titleOf(m) {
  // An ad hoc partner that has not signed sees only the overlegvorm and the
  // times (the gateway leaves the title out).
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
  if (m.client_present) return tag('open, cliënt aan tafel', 'warning');
  return tag('open', 'ok');
}
