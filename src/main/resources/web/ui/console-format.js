// How the console writes a key's facts for people: limits, times, token totals.
import { number } from './api.js';

/** "60 req/min · 10,000 tok/day · models: a, b", or "no limits". */
export function limitsText(limits) {
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
export function totalTokens(totals) {
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
