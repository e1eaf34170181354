// How the console writes a key's facts for people: limits, times, token totals, and the
// list of facts shown for a key (the keys table's columns, the key holder's card).
import { el, number } from './api.js';

/** "60 req/min · 10,000 tok/day · models: a, b", or "no limits". */
function limitsText(limits) {
  if (!limits) return 'no limits';
  const parts = [];
  const add = (value, unit) => { if (value !== null && value !== undefined) parts.push(number(value) + ' ' + unit); };
  add(limits.requests_per_minute, 'req/min');
  add(limits.tokens_per_minute, 'tok/min');
  add(limits.max_in_flight, 'at once');
  add(limits.tokens_per_day, 'tok/day');
  add(limits.tokens_per_month, 'tok/month');
  if (Array.isArray(limits.models)) parts.push('models: ' + (limits.models.join(', ') || 'none'));
  return parts.length ? parts.join(' · ') : 'no limits';
}

/** Input plus output tokens of a Totals object. */
function totalTokens(totals) {
  return totals ? (totals.input_tokens || 0) + (totals.output_tokens || 0) : 0;
}

const pad = (n) => String(n).padStart(2, '0');

/** Local YYYY-MM-DD of a Date. */
export function isoDay(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Local "YYYY-MM-DD HH:MM" of epoch seconds, or "never". */
export function dateTime(seconds) {
  if (seconds === null || seconds === undefined) return 'never';
  const d = new Date(seconds * 1000);
  return `${isoDay(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Local "HH:00" of epoch seconds. */
export function hour(seconds) {
  return pad(new Date(seconds * 1000).getHours()) + ':00';
}

/** "5 min ago", "3 h ago", "2 d ago" for a past time; "in 4 d" for a future one. */
export function relative(seconds, now = Date.now() / 1000) {
  const delta = Math.round(now - seconds);
  const span = Math.abs(delta);
  const text = span < 60 ? span + ' s' : span < 3600 ? Math.round(span / 60) + ' min'
    : span < 86400 ? Math.round(span / 3600) + ' h' : Math.round(span / 86400) + ' d';
  return delta >= 0 ? text + ' ago' : 'in ' + text;
}

const usage = (key, period) => (key.usage && key.usage[period]) || {};
const tokens = (totals) => el('span', { title: `${number(totals.input_tokens)} input + ${number(totals.output_tokens)} output` }, number(totalTokens(totals)));
const when = (seconds, text) => (seconds == null ? 'never' : el('span', { title: dateTime(seconds) }, text));

/** A key's facts: how each reads (show) and sorts (sort); numbers sort largest first on the first click. */
export const KEY_FACTS = [
  { id: 'name', label: 'Name', sort: (k) => k.name.toLowerCase(),
    show: (k) => [k.name, k.source === 'settings' ? el('span', { class: 'badge' }, 'settings') : null] },
  { id: 'redacted', label: 'Key', sort: (k) => k.redacted, show: (k) => el('code', {}, k.redacted) },
  { id: 'status', label: 'Status', sort: (k) => k.status, show: (k) => el('span', { class: 'badge status-' + k.status }, k.status) },
  { id: 'limits', label: 'Limits', sort: (k) => limitsText(k.limits), show: (k) => limitsText(k.limits) },
  { id: 'requests_today', label: 'Requests today', numeric: true, sort: (k) => usage(k, 'today').requests || 0 },
  { id: 'tokens_today', label: 'Tokens today', numeric: true, sort: (k) => totalTokens(usage(k, 'today')), show: (k) => tokens(usage(k, 'today')) },
  { id: 'requests_month', label: 'Requests this month', numeric: true, sort: (k) => usage(k, 'month').requests || 0 },
  { id: 'tokens_month', label: 'Tokens this month', numeric: true, sort: (k) => totalTokens(usage(k, 'month')), show: (k) => tokens(usage(k, 'month')) },
  { id: 'last_used', label: 'Last used', numeric: true, sort: (k) => k.last_used_at ?? -1, show: (k) => when(k.last_used_at, relative(k.last_used_at)) },
  { id: 'expires', label: 'Expires', sort: (k) => k.expires_at ?? Infinity, show: (k) => when(k.expires_at, dateTime(k.expires_at).slice(0, 10)) },
].map((fact) => ({ show: (k) => number(fact.sort(k)), ...fact }));
