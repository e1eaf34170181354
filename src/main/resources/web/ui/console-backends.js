// The backends as the router sees them, from GET /admin/backends: state and health, load
// against slots, the gateway's queue, attempts, latency, and how much of the prompts the
// backends' caches covered.
import { el, number } from './api.js';
import { admin, showFailure } from './console-session.js';

const HEADERS = ['Backend', 'State', 'Health', 'In flight / slots', 'Attempts', 'Latency p50 / p99', 'Prompt tokens (cached)', 'Models'];

/** "until 12:00:00: 5 failures in a row" for an ejection or a cooldown, else null. */
function pause(what, state) {
  if (!state || !(state.ejected || state.cooling_down)) return null;
  const until = state.until ? new Date(state.until).toLocaleTimeString() : '?';
  return `${what} until ${until}${state.reason ? ': ' + state.reason : ''}`;
}

function row(b) {
  const health = b.health || {};
  const latency = b.latency || {};
  const attempts = Object.entries(b.attempts || {}).map(([outcome, n]) => `${outcome} ${number(n)}`).join(', ') || 'none';
  const hit = b.prompt_tokens ? `, ${number((100 * b.cached_tokens) / b.prompt_tokens, 0)} %` : '';
  const notes = [pause('ejected', b.ejection), pause('cooling down', b.cooldown)].filter(Boolean);
  return el('tr', { 'data-backend': b.name },
    el('th', { scope: 'row' }, b.name, el('div', { class: 'muted small' }, b.url || '')),
    el('td', { class: 'wrap' }, el('span', { class: 'badge state-' + b.state }, b.state), notes.map((n) => el('div', { class: 'muted small' }, n))),
    el('td', { class: 'wrap' }, health.state || '–', health.reason ? el('div', { class: 'muted small' }, health.reason) : null),
    el('td', { class: 'num' }, `${number(b.in_flight)} / ${b.slots ? number(b.slots) : 'no limit'}`),
    el('td', { class: 'wrap' }, attempts),
    el('td', { class: 'num' }, latency.count ? `${number(latency.p50_ms, 0)} / ${number(latency.p99_ms, 0)} ms` : '–'),
    el('td', { class: 'num' }, `${number(b.prompt_tokens)} (${number(b.cached_tokens)}${hit})`),
    el('td', { class: 'wrap' }, (b.models || []).join(', ')));
}

/** The view: table, summary and error are elements of the page; load() refreshes them. */
export function backendsView({ table, summary, error }) {
  async function load() {
    try {
      const answer = await admin.call('/admin/backends');
      showFailure(error, null);
      const backends = answer.data || [];
      const available = backends.filter((b) => b.state === 'available').length;
      summary.textContent = backends.length
        ? `${available} of ${backends.length} available · ${number(answer.queue_depth)} waiting in the gateway's queue.`
        : 'No backends: the gateway answers by itself (echo mode).';
      table.replaceChildren(backends.length ? el('table', { class: 'backends' },
        el('caption', { class: 'visually-hidden' }, 'Backends'),
        el('thead', {}, el('tr', {}, HEADERS.map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, backends.map(row))) : '');
    } catch (failure) {
      showFailure(error, failure);
    }
  }
  return { load };
}
