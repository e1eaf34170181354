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

export function tryIt(doc, { path, method, op, parameters, body }) {
  const id = op.operationId;
  const schemes = (op.security || doc.security || []).flatMap((s) => Object.keys(s));
  const kind = schemes.includes('adminAuth') ? 'admin' : schemes.length ? 'api' : null;
  const examples = Object.entries(body?.examples || {}).map(([name, e]) => [name, resolve(doc, e).value]);
  const form = el('form', { class: 'try-form stack', 'aria-label': 'Try ' + (op.summary || id) });
  const field = (label, control) => el('div', { class: 'field' }, el('label', { for: control.id }, label), control);

  let select = null;
  if (examples.length > 1) {
    select = el('select', { id: id + '-example' }, examples.map(([name]) => el('option', { value: name }, name)));
    form.append(field('Example', select));
  }
  const inputs = parameters.filter((p) => ['path', 'query', 'header'].includes(p.in)).map((p) => {
    const input = el('input', { id: `${id}-${p.in}-${p.name}`, name: p.name, 'data-in': p.in, placeholder: p.example ?? '',
      required: p.required, autocomplete: 'off', spellcheck: 'false' });
    form.append(field(`${p.name} (${p.in}${p.required ? ', required' : ''})`, input));
    return input;
  });
  let keyInput = null;
  if (kind) {
    keyInput = el('input', { id: id + '-key', type: 'password', 'data-key': kind, autocomplete: 'off', spellcheck: 'false',
      placeholder: 'kept in this page only' });
    keyInput.value = keys[kind];
    form.append(field(kind === 'admin' ? 'Admin key' : 'API key', keyInput));
  }
  let textarea = null;
  if (body) {
    textarea = el('textarea', { id: id + '-body', rows: '8', class: 'mono', spellcheck: 'false' });
    textarea.value = examples.length ? JSON.stringify(examples[0][1], null, 2) : '{}';
    form.append(field('Body (JSON)', textarea));
  }
  const sendButton = el('button', { type: 'submit', class: 'primary' }, 'Send');
  const stopButton = el('button', { type: 'button', class: 'danger', disabled: true }, 'Stop');
  const curl = codeBlock('');
  form.append(el('div', { class: 'row' }, sendButton, stopButton, el('span', { class: 'muted' }, 'Ctrl+Enter sends, Esc stops')),
    el('h5', {}, 'curl'), curl.box);

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
  const result = el('div', { class: 'result stack', hidden: true },
    statusLine, timing, hint, headersPart, eventsPart, textPart, bodyPart);
  form.append(result);

  const url = () => {
    let target = path;
    const query = new URLSearchParams();
    for (const input of inputs) {
      const value = input.value.trim();
      if (input.dataset.in === 'path' && value) target = target.replace(`{${input.name}}`, encodeURIComponent(value));
      if (input.dataset.in === 'query' && value) query.set(input.name, value);
    }
    return target + (query.size ? '?' + query : '');
  };
  const headers = () => Object.fromEntries(inputs.filter((i) => i.dataset.in === 'header' && i.value.trim())
    .map((i) => [i.name, i.value.trim()]));
  const curlText = () => {
    const streams = textarea && parse(textarea.value)?.stream === true;
    const verb = method.toUpperCase();
    const explicit = verb !== 'GET' && !(verb === 'POST' && textarea);
    const lines = [`curl -s${streams ? 'N' : ''}${explicit ? ' -X ' + verb : ''} ${quote(location.origin + url())}`];
    if (kind) lines.push(`-H "Authorization: Bearer $${kind === 'admin' ? 'GATEWAY_ADMIN_KEY' : 'GATEWAY_API_KEY'}"`);
    for (const [name, value] of Object.entries(headers())) lines.push('-H ' + quote(`${name}: ${value}`));
    if (textarea) {
      const json = parse(textarea.value);
      lines.push(`-H 'Content-Type: application/json'`, '-d ' + quote(json === null ? textarea.value : JSON.stringify(json)));
    }
    return lines.join(' \\\n  ');
  };
  const showCurl = () => { curl.pre.textContent = curlText(); };
  showCurl();

  select?.addEventListener('change', () => {
    textarea.value = JSON.stringify(examples.find(([name]) => name === select.value)[1], null, 2);
    showCurl();
  });
  form.addEventListener('input', (event) => {
    if (event.target === keyInput) {
      keys[kind] = keyInput.value;
      document.querySelectorAll(`input[data-key="${kind}"]`).forEach((other) => { if (other !== keyInput) other.value = keyInput.value; });
    }
    showCurl();
  });

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
    result.hidden = false;
    for (const node of [headersPart, eventsPart, textPart, bodyPart, hint]) node.hidden = true;
    for (const node of [headerList, eventList, assembled, bodyPre, timing, hint]) node.replaceChildren();
    statusLine.className = 'status-line';
    statusLine.textContent = 'Sending…';
    const started = performance.now();
    let first = 0; // the answer's headers, or a stream's first event: the time to the first token
    let from = started; // generation: a stream's from its first event, a whole answer's from the request
    let usage = null;
    const times = () => {
      const now = performance.now();
      const rate = usage && now > from ? `, ${(usage.completion_tokens / ((now - from) / 1000)).toFixed(1)} tokens/s` : '';
      timing.textContent = `TTFT ${first ? ms(first - started) : '…'}, total ${ms(now - started)}${rate}`;
    };
    const showError = (error) => {
      hint.hidden = false;
      hint.textContent = explain(error);
    };
    try {
      const response = await apiFetch(url(), { method: method.toUpperCase(), body: textarea ? textarea.value : undefined,
        key: keyInput?.value.trim(), signal: mine.signal, headers: headers() });
      const stream = (response.headers.get('content-type') || '').startsWith('text/event-stream');
      if (!stream) first = performance.now();
      statusLine.textContent = `${response.status} ${response.statusText}`;
      statusLine.classList.add(response.ok ? 'ok' : 'error');
      headersPart.hidden = false;
      for (const [name, value] of response.headers) headerList.append(el('dt', {}, el('code', {}, name)), el('dd', {}, value));
      if (stream) {
        eventsPart.hidden = false;
        textPart.hidden = false;
        for await (const { data } of sseEvents(response)) {
          if (!first) from = first = performance.now();
          const frame = parse(data);
          eventList.append(el('li', { class: data === '[DONE]' ? 'done' : null }, el('code', {}, data)));
          if (frame?.error) showError(errorFromBody(frame));
          for (const choice of frame?.choices || []) assembled.textContent += choice.delta?.content ?? '';
          if (frame?.usage) usage = frame.usage;
          times();
        }
      } else {
        const text = await response.text();
        const json = parse(text);
        bodyPart.hidden = false;
        bodyPre.textContent = json === null ? text : JSON.stringify(json, null, 2);
        if (!response.ok) showError(errorFromBody(json, response.status, response.headers));
        usage = json?.usage || null;
      }
      times();
    } catch (error) {
      statusLine.textContent = error.name === 'AbortError' ? `${statusLine.textContent === 'Sending…' ? '' : statusLine.textContent + ': '}stopped`
        : `Failed: ${error.message}`;
      times();
    } finally {
      if (controller === mine) {
        controller = null;
        running(false);
      }
    }
  });

  return el('details', { class: 'try', id: id + '-try' }, el('summary', {}, 'Try it'), form);
}
