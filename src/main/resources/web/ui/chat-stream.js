// One streamed chat request: send it to /v1/chat/completions, hand its text to the page as
// it arrives, stop it on demand, and measure it. The result is what the page shows under
// the reply: the text, how it ended (done, stopped, error) and its numbers.
//
// Stopping aborts the fetch: the browser closes the connection, the gateway sees its client
// leave and closes the backend call, so a stopped reply stops costing tokens.

import { apiFetch, errorFromBody, errorOf, sseEvents } from './api.js';

/**
 * Starts a request. body: the chat request without stream options (model, messages, …);
 * onText(text) is called with the whole text so far each time it grows.
 * Returns {stop(), done}: done is a promise of {text, status, error, stats}, never rejected.
 */
export function startChat({ body, key, onText }) {
  const controller = new AbortController();
  const request = { ...body, stream: true, stream_options: { include_usage: true } };
  const done = run(request, key, controller.signal, onText);
  return { stop: () => controller.abort(), done };
}

async function run(body, key, signal, onText) {
  const clock = { start: performance.now(), first: null, last: null };
  const reply = { text: '', status: 'done', error: null, stats: emptyStats(body.model) };
  let chunks = 0; // content chunks: the token count when the stream ends before its usage
  let finished = false;
  try {
    const response = await apiFetch('/v1/chat/completions', { method: 'POST', body, key, signal });
    reply.stats.requestId = response.headers.get('x-request-id');
    reply.stats.backend = response.headers.get('x-gateway-backend');
    if (!response.ok) {
      return failed(reply, await errorOf(response));
    }
    for await (const { data } of sseEvents(response)) {
      if (data === '[DONE]') {
        finished = true;
        break;
      }
      const chunk = parse(data);
      if (chunk.error) {
        failed(reply, errorFromBody(chunk)); // the gateway follows it with [DONE]
        continue;
      }
      if (chunk.model) reply.stats.model = chunk.model;
      if (chunk.usage) readUsage(reply.stats, chunk.usage);
      const choice = chunk.choices?.[0];
      if (choice?.finish_reason) reply.stats.finishReason = choice.finish_reason;
      const piece = choice?.delta?.content;
      if (typeof piece === 'string' && piece !== '') {
        clock.last = performance.now();
        clock.first ??= clock.last;
        chunks++;
        reply.text += piece;
        onText(reply.text);
      }
    }
    if (!finished && reply.status === 'done') {
      failed(reply, { status: 0, code: 'stream_cut', message: 'The stream ended before data: [DONE]; the reply may be incomplete.' });
    }
  } catch (error) {
    if (error.name === 'AbortError') reply.status = 'stopped';
    else failed(reply, networkError(error));
  } finally {
    measure(reply.stats, clock, chunks);
  }
  return reply;
}

function emptyStats(model) {
  return {
    model: model || null, backend: null, requestId: null, finishReason: null, ttftMs: null, totalMs: null,
    tokensPerSecond: null, promptTokens: null, completionTokens: null, estimated: false,
  };
}

function failed(reply, error) {
  reply.status = 'error';
  reply.error = { ...error, requestId: error.requestId || reply.stats.requestId };
  return reply;
}

function parse(data) {
  try {
    return JSON.parse(data);
  } catch {
    return { error: { message: 'The gateway sent an event that is not JSON: ' + data.slice(0, 200) } };
  }
}

function readUsage(stats, usage) {
  if (Number.isFinite(usage.prompt_tokens)) stats.promptTokens = usage.prompt_tokens;
  if (Number.isFinite(usage.completion_tokens)) stats.completionTokens = usage.completion_tokens;
}

/**
 * Time to first token: from sending to the first text. Tokens per second: the generation
 * speed, from the first to the last piece of text (the first token's wait is the TTFT's).
 * Without usage (a stopped reply), content chunks are counted instead, marked estimated.
 */
function measure(stats, clock, chunks) {
  stats.totalMs = Math.round(performance.now() - clock.start);
  if (clock.first !== null) stats.ttftMs = Math.round(clock.first - clock.start);
  if (stats.completionTokens === null && chunks > 0) {
    stats.completionTokens = chunks;
    stats.estimated = true;
  }
  const tokens = stats.completionTokens;
  const span = clock.last - clock.first;
  if (tokens > 1 && span > 0) stats.tokensPerSecond = (tokens - 1) / (span / 1000);
  else if (tokens > 0 && stats.totalMs > 0) stats.tokensPerSecond = tokens / (stats.totalMs / 1000);
}

function networkError(error) {
  return { status: 0, code: 'network_error', message: 'The gateway could not be reached or the connection broke (' + error.message + ').' };
}
