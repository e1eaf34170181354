// The gateway's latency now, from GET /metrics (open, no key): request duration and time
// to the first streamed frame, p50 and p99 since the gateway started.
import { callJson, el, number } from './api.js';
import { showFailure } from './console-session.js';

/** "12.3 ms", or a dash when nothing was measured yet. */
function ms(histogram, field) {
  return histogram && histogram.count ? number(histogram[field], 1) + ' ms' : '–';
}

/** The view: list and error are elements of the page; load() refreshes them. */
export function latencyView({ list, error }) {
  async function load() {
    try {
      const metrics = await callJson('/metrics');
      showFailure(error, null);
      const tile = (label, value) => el('div', {}, el('dt', {}, label), el('dd', {}, value));
      list.replaceChildren(
        tile('Latency p50', ms(metrics.latency, 'p50_ms')),
        tile('Latency p99', ms(metrics.latency, 'p99_ms')),
        tile('First frame p50', ms(metrics.time_to_first_frame, 'p50_ms')),
        tile('First frame p99', ms(metrics.time_to_first_frame, 'p99_ms')),
        tile('Requests', number(metrics.requests_total)),
        tile('In flight', number(metrics.requests_in_flight)));
    } catch (failure) {
      showFailure(error, failure);
    }
  }
  return { load };
}
