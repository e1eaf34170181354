// A stacked bar chart in plain SVG, drawn with createElementNS (no library, no markup
// strings): one bar per bucket, one coloured segment per series, a title and a text
// summary for people who cannot see it, and a tooltip (<title>) on every segment.
import { el, number } from './api.js';

const SVG = 'http://www.w3.org/2000/svg'; // a namespace: a name, never fetched
const WIDTH = 420;
const HEIGHT = 150;
const PAD = { left: 36, right: 6, top: 8, bottom: 22 };
let charts = 0; // for unique ids

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/** The smallest 1, 2 or 5 × 10^k at or above value: a round top for the y axis. */
function roundUp(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((top) => top >= value);
}

/** 950, 1.2k, 3.4M: y-axis labels stay short. */
function compact(value) {
  if (value >= 1e6) return number(value / 1e6, value % 1e6 ? 1 : 0) + 'M';
  if (value >= 1e3) return number(value / 1e3, value % 1e3 ? 1 : 0) + 'k';
  return number(value, Number.isInteger(value) ? 0 : 1);
}

/**
 * A <figure> holding the chart and its summary.
 * @param title     what is counted, e.g. "Requests per hour"
 * @param summary   one or two sentences saying what the chart shows, in words
 * @param buckets   [{key, label}]: key is put on each bar as data-key; label names it in tooltips
 * @param series    [{name, className, values}]: values[i] belongs to buckets[i]; stacked in order
 * @param ticks     [{index, label}]: the x-axis labels
 */
export function barChart({ title, summary, buckets, series, ticks = [] }) {
  const id = 'chart-' + ++charts;
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const sums = buckets.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] || 0), 0));
  const top = roundUp(Math.max(0, ...sums));
  const step = plotWidth / Math.max(1, buckets.length);
  const barWidth = Math.max(step * 0.8, 0.6);
  const y = (value) => PAD.top + plotHeight - (value / top) * plotHeight;

  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': `${id}-t ${id}-d`, class: 'chart' },
    svg('title', { id: id + '-t' }, title), svg('desc', { id: id + '-d' }, summary));
  for (const value of [0, top / 2, top]) {
    chart.append(svg('line', { class: 'grid', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value) }),
      svg('text', { class: 'axis', x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, compact(value)));
  }
  buckets.forEach((bucket, i) => {
    const group = svg('g', { 'data-key': bucket.key });
    let base = 0;
    for (const s of series) {
      const value = s.values[i] || 0;
      if (value <= 0) continue;
      const height = Math.max(y(base) - y(base + value), 0.5);
      group.append(svg('rect', { class: s.className, x: PAD.left + i * step + (step - barWidth) / 2, y: y(base) - height, width: barWidth, height },
        svg('title', {}, `${bucket.label}: ${number(value)} ${s.name}`)));
      base += value;
    }
    chart.append(group);
  });
  for (const tick of ticks) {
    chart.append(svg('text', { class: 'axis', x: PAD.left + (tick.index + 0.5) * step, y: HEIGHT - 6, 'text-anchor': 'middle' }, tick.label));
  }
  const legend = series.length > 1
    ? el('ul', { class: 'legend' }, series.map((s) => el('li', {}, el('span', { class: 'swatch ' + s.className, 'aria-hidden': 'true' }), s.name)))
    : null;
  return el('figure', { class: 'chart-figure' }, el('h3', {}, title), legend, chart, el('figcaption', { class: 'muted' }, summary));
}
