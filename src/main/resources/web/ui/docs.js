// The API reference page: reads /openapi.json and shows each operation, grouped by tag, with
// its parameters, request body, responses (codes and headers) and curl, and a "Try it" form.
import { callJson, el } from './api.js';
import { codeBlock, inline, prose } from './docs-prose.js';
import { resolve, schemaView } from './docs-schema.js';
import { tryIt } from './docs-try-it.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

async function main() {
  const main = document.getElementById('main');
  let doc;
  try {
    doc = await callJson('/openapi.json');
  } catch (error) {
    main.replaceChildren(el('p', { class: 'error', role: 'alert' }, 'Could not load /openapi.json: ' + error.message));
    return;
  }
  const operations = [];
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of METHODS) {
      if (item[method]) operations.push({ path, method, op: item[method], shared: item.parameters || [] });
    }
  }
  const tags = [...new Set(operations.map(({ op }) => (op.tags || ['other'])[0]))];
  main.replaceChildren(intro(doc), ...tags.map((tag) => group(doc, tag, operations.filter(({ op }) => (op.tags || ['other'])[0] === tag))));
  document.getElementById('toc').replaceChildren(contents(tags, operations));
  scrollToHash();
}

/** Brings the operation an address such as /docs#chatCompletion names into view; a malformed one (#%E0) is ignored. */
function scrollToHash() {
  try {
    if (location.hash) document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
  } catch {
    // not a decodable name: the page stays at its top
  }
}

function intro(doc) {
  const info = doc.info || {};
  const common = Object.entries(doc['x-common-headers'] || {});
  return el('section', { class: 'intro panel', 'aria-labelledby': 'intro-title' },
    el('h1', { id: 'intro-title' }, `${info.title || 'API'} — API reference`),
    info.summary ? el('p', {}, info.summary) : null,
    prose(info.description),
    common.length ? el('h2', {}, 'Headers any answer may carry') : null,
    common.length ? headerList(doc, common) : null,
    el('p', { class: 'muted' }, 'The whole document: ', el('a', { href: '/openapi.json' }, '/openapi.json'), ' (OpenAPI ', doc.openapi, ').'));
}

function contents(tags, operations) {
  return el('ul', {}, tags.map((tag) => el('li', {}, el('span', { class: 'toc-tag' }, tag),
    el('ul', {}, operations.filter(({ op }) => (op.tags || ['other'])[0] === tag).map(({ method, path, op }) =>
      el('li', {}, el('a', { href: '#' + op.operationId }, el('span', { class: `method m-${method}` }, method.toUpperCase()), ' ', path)))))));
}

function group(doc, tag, operations) {
  const about = (doc.tags || []).find((t) => t.name === tag);
  return el('section', { class: 'group stack', 'aria-labelledby': 'tag-' + tag },
    el('h2', { id: 'tag-' + tag }, tag),
    about && about.description ? prose(about.description) : null,
    ...operations.map((operation) => operationView(doc, operation)));
}

function operationView(doc, { path, method, op, shared }) {
  const id = op.operationId;
  const parameters = [...shared, ...(op.parameters || [])].map((p) => resolve(doc, p));
  const body = op.requestBody && resolve(doc, op.requestBody).content?.['application/json'];
  const section = el('section', { class: 'op panel stack', id, 'aria-labelledby': id + '-title' },
    el('h3', { id: id + '-title' }, el('span', { class: `method m-${method}` }, method.toUpperCase()), ' ',
      el('code', { class: 'path' }, path), ' ', el('span', { class: 'summary' }, op.summary || '')),
    el('p', { class: 'auth' }, access(op.security || doc.security)),
    op.description ? prose(op.description) : null);
  if (parameters.length) section.append(el('h4', {}, 'Parameters'), parameterTable(doc, parameters));
  if (body) section.append(el('h4', {}, 'Request body'), schemaView(doc, body.schema));
  section.append(el('h4', {}, 'Responses'), ...Object.entries(op.responses || {}).map(([status, r]) => responseView(doc, status, r)));
  for (const sample of op['x-codeSamples'] || []) {
    section.append(el('h4', {}, sample.label || sample.lang), codeBlock(sample.source).box);
  }
  section.append(tryIt(doc, { path, method, op, parameters, body }));
  return section;
}

function access(security) {
  const schemes = (security || []).flatMap((s) => Object.keys(s));
  if (!schemes.length) return 'Open: no key.';
  return schemes.includes('adminAuth') ? 'Needs the admin key (ADMIN_API_KEY).' : 'Needs an API key when the gateway has keys.';
}

function parameterTable(doc, parameters) {
  return el('div', { class: 'scroll' }, el('table', {},
    el('thead', {}, el('tr', {}, ['Name', 'In', 'Type', 'About'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, parameters.map((p) => el('tr', {},
      el('td', {}, el('code', {}, p.name), p.required ? el('span', { class: 'required' }, ' required') : null),
      el('td', {}, p.in),
      el('td', {}, el('code', {}, [].concat(resolve(doc, p.schema).type || resolve(doc, p.schema).enum || '').join(' | '))),
      el('td', {}, inline(p.description || '')))))));
}

function responseView(doc, status, reference) {
  const response = resolve(doc, reference);
  const kind = status[0] === '2' ? 'ok' : status[0] === '4' ? 'warn' : 'error';
  const [first, ...rest] = String(response.description || '').split('\n\n');
  const box = el('details', { class: 'response' },
    el('summary', {}, el('span', { class: `status ${kind}` }, status), ' ', inline(first)));
  if (rest.length) box.append(prose(rest.join('\n\n')));
  const headers = Object.entries(response.headers || {});
  if (headers.length) box.append(el('h5', {}, 'Headers'), headerList(doc, headers));
  for (const [type, media] of Object.entries(response.content || {})) {
    box.append(el('h5', {}, type), schemaView(doc, media.schema || {}));
    if (media.example !== undefined) {
      box.append(codeBlock(typeof media.example === 'string' ? media.example : JSON.stringify(media.example, null, 2)).box);
    }
  }
  return box;
}

function headerList(doc, headers) {
  return el('dl', { class: 'headers' }, headers.flatMap(([name, header]) =>
    [el('dt', {}, el('code', {}, name)), el('dd', {}, inline(resolve(doc, header).description || ''))]));
}

main();
