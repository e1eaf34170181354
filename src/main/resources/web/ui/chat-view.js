// How a conversation looks: one list item per message. A user's message is shown as typed;
// a reply as markdown (markdown.js, DOM only), redrawn at most once a frame while it streams,
// then followed by how it ended (stopped, or the error and what to do) and its numbers.

import { describeError, el, number } from './api.js';
import { renderMarkdown } from './markdown.js';

/** A list item for a finished message (from storage, or just sent). */
export function messageItem(message) {
  const item = el('li', { class: 'msg msg-' + message.role });
  item.append(el('p', { class: 'msg-role' }, message.role === 'user' ? 'You' : 'Assistant'));
  if (message.role === 'user') {
    item.append(el('div', { class: 'msg-body plain' }, message.content));
  } else {
    item.append(el('div', { class: 'msg-body' }, renderMarkdown(message.content)));
    item.append(...outcome(message));
  }
  return item;
}

/**
 * A reply while it streams: show(text) redraws its text on the next frame, then calls
 * onDraw; end(message) draws it for good with its outcome.
 */
export function streamingItem(onDraw) {
  const body = el('div', { class: 'msg-body streaming', 'aria-busy': 'true' });
  const item = el('li', { class: 'msg msg-assistant' }, el('p', { class: 'msg-role' }, 'Assistant'), body);
  let pending = null;
  let frame = 0;
  return {
    item,
    show(text) {
      pending = text;
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        body.replaceChildren(renderMarkdown(pending));
        onDraw();
      });
    },
    end(message) {
      cancelAnimationFrame(frame);
      item.replaceWith(messageItem(message));
    },
  };
}

function outcome(message) {
  const parts = [];
  // A refused request has no numbers worth a line; its request id is in the error box.
  const numbers = message.stats && (message.content !== '' || !message.error);
  if (message.status === 'stopped') {
    parts.push(el('p', { class: 'msg-note warn' }, 'Stopped: the text above is what arrived before you stopped the reply.'));
  }
  if (message.error) parts.push(errorBox(message.error, message.content !== '', !numbers));
  if (numbers) parts.push(statsList(message.stats));
  return parts;
}

/** What failed, the gateway's own words, and what to do about it. */
function errorBox(error, partial, withRequestId) {
  const title = error.status ? `Error ${error.status}` : 'The reply failed';
  const network = error.code === 'network_error';
  // A stream cut short already says so in the text about its partial reply.
  const advice = network ? 'Check that the gateway is running, then send again.' : partial && !error.status ? '' : describeError(error);
  return el('div', { class: 'msg-error', role: 'alert' },
    el('p', {}, el('strong', {}, title + (error.code ? ` (${error.code})` : '') + ': '), error.message),
    advice && el('p', { class: 'advice' }, advice),
    partial && el('p', { class: 'advice' }, 'The text above is what arrived before the error.'),
    withRequestId && error.requestId && el('p', { class: 'muted' }, 'Request id: ', el('span', { class: 'mono' }, error.requestId)));
}

/** The reply's numbers, each in a dd named by data-stat. */
function statsList(stats) {
  const rows = [
    ['ttft', 'First token', stats.ttftMs === null ? '–' : number(stats.ttftMs) + ' ms'],
    ['speed', 'Speed', stats.tokensPerSecond === null ? '–' : number(stats.tokensPerSecond, 1) + ' tok/s'],
    ['tokens-in', 'In', number(stats.promptTokens)],
    ['tokens-out', 'Out', (stats.estimated ? '≈' : '') + number(stats.completionTokens)],
    ['finish', 'Finish', stats.finishReason || '–'],
    ['model', 'Model', stats.model || '–'],
    ['backend', 'Backend', stats.backend || '–'],
    ['request-id', 'Request', stats.requestId || '–'],
  ];
  return el('dl', { class: 'stats' }, rows.map(([name, label, value]) =>
    el('div', {}, el('dt', {}, label), el('dd', { 'data-stat': name }, value))));
}
