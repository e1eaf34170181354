// What every page needs to talk to the gateway: requests with a key, JSON calls, server-sent
// events, errors explained, and a DOM builder that only ever makes text (never markup).

/** A path on this origin: "/v1/models", not "//elsewhere/…" nor "https://…". */
const SAME_ORIGIN_PATH = /^\/(?![\/\\])/;

/**
 * Sends a request to the gateway. A body is sent as JSON; a key as a bearer token. Only a
 * path on this origin is accepted, so that a key can never be sent anywhere else, even if a
 * path came from the network (the OpenAPI document's paths do): anything else is refused.
 */
export async function apiFetch(path, { method = 'GET', body, key, signal, headers = {} } = {}) {
  if (!SAME_ORIGIN_PATH.test(path)) throw new TypeError('not a path on this gateway: ' + path);
  const init = { method, signal, headers: { ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  if (key) {
    init.headers.Authorization = 'Bearer ' + key;
  }
  return fetch(path, init);
}

/**
 * The events of a text/event-stream answer as they arrive: {event, data, id}, data being
 * the raw text of its data lines. Ends when the stream does; throws an AbortError on abort.
 */
export async function* sseEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { event: 'message', data: [], id: undefined };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (event.data.length > 0) yield { event: event.event, data: event.data.join('\n'), id: event.id };
          event = { event: 'message', data: [], id: undefined };
          continue;
        }
        if (line.startsWith(':')) continue; // a comment: keep-alive
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) text = text.slice(1);
        if (field === 'data') event.data.push(text);
        else if (field === 'event') event.event = text;
        else if (field === 'id') event.id = text;
      }
    }
    if (event.data.length > 0) yield { event: event.event, data: event.data.join('\n'), id: event.id };
  } finally {
    reader.releaseLock();
  }
}

/** A refused or failed call: error is errorOf's object, message the text to show. */
export class CallFailed extends Error {
  constructor(error, message = explain(error)) {
    super(message);
    this.error = error;
  }
}

/**
 * Sends a request (as apiFetch) and returns its JSON body; throws CallFailed when the
 * gateway refuses it or cannot be reached.
 */
export async function callJson(path, { method = 'GET', body, key } = {}) {
  let response;
  try {
    response = await apiFetch(path, { method, body, key });
  } catch (failure) {
    const error = { status: 0, code: null, message: failure.message };
    throw new CallFailed(error, 'The gateway could not be reached: check that it runs, then try again. (' + failure.message + ')');
  }
  if (!response.ok) {
    throw new CallFailed(await errorOf(response));
  }
  return response.json();
}

/** The error an answer carries, from OpenAI's {"error": {...}} shape, else from its status. */
export async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: the status says it all
  }
  return errorFromBody(body, response.status, response.headers);
}

/** The same, from an already parsed body (a mid-stream error frame has status 0). */
export function errorFromBody(body, status = 0, headers = null) {
  const error = (body && typeof body.error === 'object' && body.error) || {};
  return {
    status,
    message: typeof error.message === 'string' ? error.message : (status ? 'HTTP ' + status : 'Unknown error'),
    type: error.type || null,
    code: error.code || null,
    param: error.param || null,
    retryAfter: headers ? headers.get('Retry-After') : null,
    requestId: headers ? headers.get('x-request-id') : null,
  };
}

/** One sentence on what to do about an error from errorOf. */
export function describeError(error) {
  const wait = error.retryAfter ? ` Try again in ${error.retryAfter} s.` : ' Try again later.';
  switch (error.code) {
    case 'missing_api_key':
    case 'unauthorized':
    case 'invalid_api_key':
      return 'The gateway needs a valid API key: enter one in the key field.';
    case 'key_disabled':
      return 'This API key is disabled: ask an administrator to enable it, or use another key.';
    case 'key_expired':
      return 'This API key has expired: ask an administrator for a new one.';
    case 'model_not_allowed':
      return 'This key may not use that model: pick another model.';
    case 'model_not_found':
      return 'No backend serves that model: pick one from the list.';
    case 'budget_exceeded':
      return 'This key has used its token budget.' + (error.retryAfter ? ` It resets in ${error.retryAfter} s.` : '');
    case 'rate_limit_exceeded':
      return 'Too many requests for this key.' + wait;
    case 'queue_full':
    case 'queue_timeout':
    case 'overloaded':
      return 'The backends are busy.' + wait;
    case 'shutting_down':
      return 'The gateway is shutting down.' + wait;
    default:
      break;
  }
  switch (error.status) {
    case 400: return 'The request was refused: ' + (error.param ? `check "${error.param}".` : 'check its fields.');
    case 401: return 'The gateway needs a valid API key: enter one in the key field.';
    case 403: return 'This key may not do that.';
    case 404: return 'Not found.';
    case 413: return 'The request is too large.';
    case 429: return 'Too many requests.' + wait;
    case 502: return 'The backend failed to answer properly.' + wait;
    case 503: return 'No backend can take the request now.' + wait;
    case 504: return 'The backend took too long to answer.' + wait;
    case 0: return 'The reply was cut off by an error.';
    default: return error.status >= 500 ? 'The gateway failed.' + wait : '';
  }
}

/** Attributes that make the browser fetch or navigate: their value must be a safe address. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'poster', 'xlink:href']);
/** blob: is the playground's export download; javascript:, data: and the rest are never made. */
const SAFE_SCHEMES = new Set(['http:', 'https:', 'blob:']);

/** What to show for an error from errorOf: what to do, then what the gateway said. */
export function explain(error) {
  const what = [error.status ? 'HTTP ' + error.status : null, error.code].filter(Boolean).join(' ');
  const advice = describeError(error);
  return (advice ? advice + ' ' : '') + `(${what ? what + ': ' : ''}${error.message})`;
}

/**
 * Builds an element: el('a', {href, class: 'x'}, 'text', child). Strings become text
 * nodes, so nothing passed here can ever become markup. Attributes starting with "on"
 * are refused (behaviour is attached with addEventListener), and so are srcdoc and srcset
 * (markup, and a list of addresses, in one attribute: never needed here). An address
 * (href, src…) must be http(s), blob: or relative: no javascript: link is made here either.
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (/^(on|srcdoc$|srcset$)/i.test(name)) throw new Error('attribute not allowed: ' + name);
    if (URL_ATTRIBUTES.has(name.toLowerCase()) && !safeAddress(value)) throw new Error(`unsafe ${name}: ${value}`);
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function safeAddress(value) {
  try {
    return SAFE_SCHEMES.has(new URL(String(value), location.href).protocol);
  } catch {
    return false;
  }
}

/** Formats a number with thousands separators, or a dash for none. */
export function number(value, digits = 0) {
  if (value === undefined || value === null || Number.isNaN(value)) return '–';
  return Number(value).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
