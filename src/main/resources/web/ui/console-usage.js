// The usage charts: requests, tokens (input and output stacked) and errors over a chosen
// range, overall or for one key, from /admin/usage (or /me/usage for a key holder), with
// totals and a sentence for each chart.
import { el, number } from './api.js';
import { barChart } from './console-charts.js';
import { dateTime, hour, isoDay } from './console-format.js';
import { showFailure } from './console-session.js';

const HOUR = 3600;
/** Hourly bars up to a week; beyond, 720 or 2,160 bars would be too thin to see, so they are summed per day. */
const RANGES = [
  { value: '24h', label: 'Last 24 hours', hours: 24 },
  { value: '7d', label: 'Last 7 days', hours: 7 * 24 },
  { value: '30d', label: 'Last 30 days', days: 30 },
  { value: '90d', label: 'Last 90 days', days: 90 },
];
const FIELDS = ['requests', 'errors', 'input_tokens', 'output_tokens', 'cached_tokens'];
let views = 0; // for unique ids

/** The query's from and to (epoch seconds) for a range: whole hours, or whole local days. */
function span(range, now = Date.now() / 1000) {
  if (range.hours) return { from: Math.floor(now / HOUR) * HOUR - (range.hours - 1) * HOUR, to: Math.ceil(now) };
  const midnight = new Date(now * 1000);
  midnight.setHours(0, 0, 0, 0);
  midnight.setDate(midnight.getDate() - (range.days - 1));
  return { from: Math.floor(midnight.getTime() / 1000), to: Math.ceil(now) };
}

/** The API's hourly buckets as chart buckets: one per hour, or summed per local day. */
function regroup(data, perDay) {
  const groups = new Map();
  for (const bucket of data) {
    const day = isoDay(new Date(bucket.start * 1000));
    const key = perDay ? day : String(bucket.start);
    if (!groups.has(key)) groups.set(key, { key, start: bucket.start, label: perDay ? day : dateTime(bucket.start) });
    const group = groups.get(key);
    for (const field of FIELDS) group[field] = (group[field] || 0) + (bucket[field] || 0);
  }
  return [...groups.values()];
}

/** At most about eight labels along the x axis, on round hours or days. */
function ticks(buckets, perDay, hours) {
  if (perDay) {
    const every = Math.ceil(buckets.length / 8);
    return buckets.map((b, index) => ({ index, label: b.key.slice(5) })).filter((t) => t.index % every === 0);
  }
  const every = hours <= 24 ? 3 : 24;
  return buckets.map((b, index) => ({ index, hour: new Date(b.start * 1000).getHours(), start: b.start }))
    .filter((t) => t.hour % every === 0)
    .map((t) => ({ index: t.index, label: hours <= 24 ? hour(t.start) : new Date(t.start * 1000).toLocaleDateString('en-US', { weekday: 'short', day: 'numeric' }) }));
}

function sum(buckets, field) {
  return buckets.reduce((total, b) => total + (b[field] || 0), 0);
}

function busiest(buckets, field) {
  return buckets.reduce((best, b) => (b[field] > (best ? best[field] : 0) ? b : best), null);
}

function charts(buckets, range, scope) {
  const perDay = !range.hours;
  const unit = perDay ? 'day' : 'hour';
  const axis = ticks(buckets, perDay, range.hours);
  const totals = Object.fromEntries(FIELDS.map((f) => [f, sum(buckets, f)]));
  const peak = (field) => {
    const b = busiest(buckets, field);
    return b ? ` The busiest ${unit} was ${b.label} with ${number(b[field])}.` : '';
  };
  const where = `${range.label}, ${scope}`;
  const share = totals.requests ? ` (${number((100 * totals.errors) / totals.requests, 1)} % of requests)` : '';
  return [
    barChart({ title: `Requests per ${unit}`, ticks: axis, buckets,
      summary: `${where}: ${number(totals.requests)} requests.${peak('requests')}`,
      series: [{ name: 'requests', className: 's-requests', values: buckets.map((b) => b.requests) }] }),
    barChart({ title: `Tokens per ${unit} (input and output)`, ticks: axis, buckets,
      summary: `${where}: ${number(totals.input_tokens)} input tokens (${number(totals.cached_tokens)} of them cached) and ${number(totals.output_tokens)} output tokens.`,
      series: [{ name: 'input tokens', className: 's-input', values: buckets.map((b) => b.input_tokens) },
        { name: 'output tokens', className: 's-output', values: buckets.map((b) => b.output_tokens) }] }),
    barChart({ title: `Errors per ${unit}`, ticks: axis, buckets,
      summary: `${where}: ${number(totals.errors)} errors${share}.${peak('errors')}`,
      series: [{ name: 'errors', className: 's-errors', values: buckets.map((b) => b.errors) }] }),
  ];
}

function totalsTiles(usage) {
  const tile = (label, field) => el('div', {}, el('dt', {}, label), el('dd', { 'data-total': field }, number(sum(usage.data || [], field))));
  return el('dl', { class: 'tiles' }, tile('Requests', 'requests'), tile('Errors', 'errors'),
    tile('Input tokens', 'input_tokens'), tile('Output tokens', 'output_tokens'), tile('Cached tokens', 'cached_tokens'));
}

/**
 * A usage view. fetchUsage(query) answers the usage JSON (or throws CallFailed);
 * withKeys adds a key select (the administrator's view);
 * onData(usage) sees each answer (the key holder's view shows its key from it).
 */
export function usageView({ fetchUsage, withKeys = false, onData = () => {} }) {
  const id = 'usage-' + ++views;
  const range = el('select', { id: id + '-range' }, RANGES.map((r) => el('option', { value: r.value }, r.label)));
  const key = el('select', { id: id + '-key' }, el('option', { value: '' }, 'All keys'));
  const error = el('p', { class: 'error', role: 'alert' });
  const body = el('div', { class: 'stack' });
  const controls = el('div', { class: 'row' },
    el('div', {}, el('label', { for: range.id }, 'Range'), range),
    withKeys ? el('div', {}, el('label', { for: key.id }, 'Key'), key) : null);
  const totals = el('div', { class: 'usage-totals' });
  const element = el('div', { class: 'stack usage' }, el('div', { class: 'usage-head' }, controls, totals), error, body);
  let latest = 0;

  async function load() {
    const ticket = ++latest;
    const chosen = RANGES.find((r) => r.value === range.value);
    const { from, to } = span(chosen);
    const query = new URLSearchParams({ from, to });
    if (withKeys && key.value) query.set('key', key.value);
    element.setAttribute('aria-busy', 'true');
    try {
      const usage = await fetchUsage(query.toString());
      if (ticket !== latest) return; // a newer choice is on its way
      showFailure(error, null);
      onData(usage);
      const scope = withKeys && key.value ? 'key ' + key.selectedOptions[0].textContent : withKeys ? 'all keys' : 'this key';
      totals.replaceChildren(totalsTiles(usage));
      body.replaceChildren(el('div', { class: 'charts' }, charts(regroup(usage.data || [], !chosen.hours), chosen, scope)));
    } catch (failure) {
      if (ticket === latest) showFailure(error, failure);
    } finally {
      if (ticket === latest) element.removeAttribute('aria-busy');
    }
  }

  /** The keys to choose from; a chosen key that is gone goes back to "All keys". */
  function setKeys(keys) {
    const chosen = key.value;
    key.replaceChildren(el('option', { value: '' }, 'All keys'),
      ...keys.map((k) => el('option', { value: k.id }, k.name)));
    key.value = keys.some((k) => k.id === chosen) ? chosen : '';
  }

  range.addEventListener('change', load);
  key.addEventListener('change', load);
  return { element, load, setKeys, clear: () => { totals.replaceChildren(); body.replaceChildren(); } };
}
