// "Try it" for one operation: a form prefilled from its examples, Send and Stop, the answer's
// status, headers and body (a stream event by event, with the text it adds up to and its
// timings), and the curl command that does the same, with a placeholder for the key.
import { apiFetch, el, errorFromBody, explain, sseEvents } from './api.js';
import { storedKey } from './api-key.js';
import { codeBlock } from './docs-prose.js';
import { resolve } from './docs-schema.js';

/** Keys typed into the forms, by kind: in this page's memory only. The playground's key is offered. */
const keys = { api: storedKey(), admin: '' };

const parse = (text) => { try { return JSON.parse(text); } catch { return null; } };
const quote = (text) => `'${text.replace(/'/g, `'\\''`)}'`;
const ms = (value) => `${Math.round(value)} ms`;

/** The Try it box of an operation: {path, method, op, parameters, body} as docs.js reads them. */
export function tryIt(doc, operation) {
  const { op } = operation;
  const kind = keyKind(doc, op);
  const request = requestForm(doc, operation, kind);
  const sendButton = el('button', { type: 'submit', class: 'primary' }, 'Send');
  const stopButton = el('button', { type: 'button', class: 'danger', disabled: true }, 'Stop');
  const curl = codeBlock('');
  const answer = answerView();
  const form = el('form', { class: 'try-form stack', 'aria-label': 'Try ' + (op.summary || op.operationId) },
    request.controls,
    el('div', { class: 'row' }, sendButton, stopButton, el('span', { class: 'muted' }, 'Ctrl+Enter sends, Esc stops')),
    el('h5', {}, 'curl'), curl.box, answer.element);

  const showCurl = () => { curl.pre.textContent = curlCommand(request.read(), kind); };
  showCurl();
  form.addEventListener('input', (event) => {
    if (event.target === request.keyInput) shareKey(kind, request.keyInput);
    showCurl();
  });
  request.onExample(showCurl);

  let controller = null;
  const running = (on) => {
    sendButton.disabled = on;
    stopButton.disabled = !on;
  };
  const stop = () => {
    if (!controller) return;
    controller.abort();
    controller = null;
    running(false); // at once, whatever the stream does next
  };
  stopButton.addEventListener('click', stop);
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') stop();
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (controller) return;
    const mine = (controller = new AbortController());
    running(true);
    await send(request.read(), mine.signal, answer);
    if (controller === mine) {
      controller = null;
      running(false);
    }
  });

  return el('details', { class: 'try', id: op.operationId + '-try' }, el('summary', {}, 'Try it'), form);
}

/** Which key an operation wants: 'admin', 'api', or null when it is open. */
function keyKind(doc, op) {
  const schemes = (op.security || doc.security || []).flatMap((s) => Object.keys(s));
  return schemes.includes('adminAuth') ? 'admin' : schemes.length ? 'api' : null;
}

/** A key typed in one form is offered in every form wanting that kind of key. */
function shareKey(kind, input) {
  keys[kind] = input.value;
  document.querySelectorAll(`input[data-key="${kind}"]`).forEach((other) => { if (other !== input) other.value = input.value; });
}

/**
 * The fields of a request: an example to start from, the parameters, the key and the body.
 * read() gives {method, target, headers, key, body} as they stand.
 */
function requestForm(doc, { path, method, op, parameters, body }, kind) {
  const id = op.operationId;
  const examples = Object.entries(body?.examples || {}).map(([name, e]) => [name, resolve(doc, e).value]);
  const field = (label, control) => el('div', { class: 'field' }, el('label', { for: control.id }, label), control);
  const controls = [];

  const select = examples.length > 1
    ? el('select', { id: id + '-example' }, examples.map(([name]) => el('option', { value: name }, name))) : null;
  if (select) controls.push(field('Example', select));
  const inputs = parameters.filter((p) => ['path', 'query', 'header'].includes(p.in)).map((p) => {
    const input = el('input', { id: `${id}-${p.in}-${p.name}`, name: p.name, 'data-in': p.in, placeholder: p.example ?? '',
      required: p.required, autocomplete: 'off', spellcheck: 'false' });
    controls.push(field(`${p.name} (${p.in}${p.required ? ', required' : ''})`, input));
    return input;
  });
  let keyInput = null;
  if (kind) {
    keyInput = el('input', { id: id + '-key', type: 'password', 'data-key': kind, autocomplete: 'off', spellcheck: 'false',
      placeholder: 'kept in this page only' });
    keyInput.value = keys[kind]; // the property: a key is never written into the page's markup
    controls.push(field(kind === 'admin' ? 'Admin key' : 'API key', keyInput));
  }
  let textarea = null;
  if (body) {
    textarea = el('textarea', { id: id + '-body', rows: '8', class: 'mono', spellcheck: 'false' });
    textarea.value = examples.length ? JSON.stringify(examples[0][1], null, 2) : '{}';
    controls.push(field('Body (JSON)', textarea));
  }

  const read = () => ({
    method: method.toUpperCase(),
    target: address(path, inputs),
    headers: Object.fromEntries(inputs.filter((i) => i.dataset.in === 'header' && i.value.trim()).map((i) => [i.name, i.value.trim()])),
    key: keyInput?.value.trim(),
    body: textarea ? textarea.value : undefined,
  });
  const onExample = (then) => select?.addEventListener('change', () => {
    textarea.value = JSON.stringify(examples.find(([name]) => name === select.value)[1], null, 2);
    then();
  });
  return { controls, keyInput, read, onExample };
}

/** The path with its {parameters} filled in, and the query parameters given. */
function address(path, inputs) {
  let target = path;
  const query = new URLSearchParams();
  for (const input of inputs) {
    const value = input.value.trim();
    if (input.dataset.in === 'path' && value) target = target.replace(`{${input.name}}`, encodeURIComponent(value));
    if (input.dataset.in === 'query' && value) query.set(input.name, value);
  }
  return target + (query.size ? '?' + query : '');
}

/** The curl command sending the same request, with $GATEWAY_API_KEY (or _ADMIN_KEY) where the key goes. */
function curlCommand({ method, target, headers, body }, kind) {
  const json = body === undefined ? null : parse(body);
  const explicit = method !== 'GET' && !(method === 'POST' && body !== undefined);
  const lines = [`curl -s${json?.stream === true ? 'N' : ''}${explicit ? ' -X ' + method : ''} ${quote(location.origin + target)}`];
  if (kind) lines.push(`-H "Authorization: Bearer $${kind === 'admin' ? 'GATEWAY_ADMIN_KEY' : 'GATEWAY_API_KEY'}"`);
  for (const [name, value] of Object.entries(headers)) lines.push('-H ' + quote(`${name}: ${value}`));
  if (body !== undefined) {
    lines.push(`-H 'Content-Type: application/json'`, '-d ' + quote(json === null ? body : JSON.stringify(json)));
  }
  return lines.join(' \\\n  ');
}

/** Sends a request and shows its answer as it comes; ends when the answer does, or is stopped. */
async function send({ method, target, headers, key, body }, signal, answer) {
  // first: the answer's headers, or a stream's first event (the time to the first token);
  // from: where generation starts, a stream's first event, or the request for a whole answer.
  const started = performance.now();
  const clock = { started, first: 0, from: started, usage: null };
  answer.start();
  try {
    const response = await apiFetch(target, { method, body, key, signal, headers });
    const stream = (response.headers.get('content-type') || '').startsWith('text/event-stream');
    answer.head(response, stream);
    if (stream) {
      for await (const { data } of sseEvents(response)) {
        if (!clock.first) clock.from = clock.first = performance.now();
        const frame = parse(data);
        answer.event(data, frame);
        const usage = frame?.usage || frame?.response?.usage; // a Responses stream's is in its last event
        if (usage) clock.usage = usage;
        answer.time(clock);
      }
    } else {
      clock.first = performance.now();
      clock.usage = answer.body(await response.text(), response)?.usage || null;
    }
  } catch (error) {
    answer.end(error);
  }
  answer.time(clock);
}

/**
 * Where an answer is shown: its status line, timings, an error's explanation, headers,
 * and either the events of a stream and the text they add up to, or the body.
 */
function answerView() {
  const statusLine = el('p', { class: 'status-line', role: 'status' });
  const timing = el('p', { class: 'timing muted' });
  const hint = el('p', { class: 'hint', hidden: true });
  const headerList = el('dl', { class: 'headers' });
  const eventList = el('ol', { class: 'events' });
  const assembled = el('div', { class: 'assembled' });
  const bodyPre = el('pre', { class: 'code', tabindex: '0' });
  const part = (title, content) => el('div', { hidden: true }, el('h5', {}, title), content);
  const headersPart = el('details', {}, el('summary', {}, 'Headers'), headerList);
  const eventsPart = part('Events', eventList);
  const textPart = part('Assembled text', assembled);
  const bodyPart = part('Body', bodyPre);
  const element = el('div', { class: 'result stack', hidden: true },
    statusLine, timing, hint, headersPart, eventsPart, textPart, bodyPart);
  const showError = (error) => {
    hint.hidden = false;
    hint.textContent = explain(error);
  };

  return {
    element,
    start() {
      element.hidden = false;
      for (const node of [headersPart, eventsPart, textPart, bodyPart, hint]) node.hidden = true;
      for (const node of [headerList, eventList, assembled, bodyPre, timing, hint]) node.replaceChildren();
      statusLine.className = 'status-line';
      statusLine.textContent = 'Sending…';
    },
    head(response, stream) {
      statusLine.textContent = `${response.status} ${response.statusText}`;
      statusLine.classList.add(response.ok ? 'ok' : 'error');
      headersPart.hidden = false;
      for (const [name, value] of response.headers) headerList.append(el('dt', {}, el('code', {}, name)), el('dd', {}, value));
      eventsPart.hidden = textPart.hidden = !stream;
    },
    event(data, frame) {
      eventList.append(el('li', { class: data === '[DONE]' ? 'done' : null }, el('code', {}, data)));
      if (frame?.error) showError(errorFromBody(frame));
      // A chat chunk's text is in its delta, a text completion's in the choice, a response's in its text deltas.
      for (const choice of frame?.choices || []) assembled.textContent += choice.delta?.content ?? choice.text ?? '';
      if (frame?.type === 'response.output_text.delta') assembled.textContent += frame.delta;
    },
    /** Shows a whole body, as JSON when it is; returns the parsed JSON or null. */
    body(text, response) {
      const json = parse(text);
      bodyPart.hidden = false;
      bodyPre.textContent = json === null ? text : JSON.stringify(json, null, 2);
      if (!response.ok) showError(errorFromBody(json, response.status, response.headers));
      return json;
    },
    /** A stopped or failed request: the status line says so, after the status when there was one. */
    end(error) {
      const sent = statusLine.textContent === 'Sending…' ? '' : statusLine.textContent + ': ';
      statusLine.textContent = error.name === 'AbortError' ? `${sent}stopped` : `Failed: ${error.message}`;
    },
    /** Time to first token, total, and the generation speed since the first token once usage is known. */
    time({ started, first, from, usage }) {
      const now = performance.now();
      const tokens = usage?.completion_tokens ?? usage?.output_tokens;
      const rate = Number.isFinite(tokens) && now > from ? `, ${(tokens / ((now - from) / 1000)).toFixed(1)} tokens/s` : '';
      timing.textContent = `TTFT ${first ? ms(first - started) : '…'}, total ${ms(now - started)}${rate}`;
    },
  };
}
