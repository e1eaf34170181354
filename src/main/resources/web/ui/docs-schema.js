// JSON Schemas of the API reference as nested lists: each property's name, type, limits and
// description; $refs followed (each named once per branch, so cycles end).
import { el } from './api.js';
import { inline } from './docs-prose.js';

/** The value a local $ref names: "#/components/schemas/Error". */
function pointer(doc, ref) {
  return ref.slice(2).split('/')
    .reduce((at, key) => (at == null ? at : at[key.replace(/~1/g, '/').replace(/~0/g, '~')]), doc);
}

/** Follows $refs to the object they name. */
export function resolve(doc, node) {
  for (let hops = 0; node && node.$ref && hops < 20; hops++) node = pointer(doc, node.$ref);
  return node || {};
}

const refName = (node) => (node && node.$ref ? node.$ref.split('/').pop() : null);

/** A schema as a list of its properties, each with its type, limits and description. */
export function schemaView(doc, schema) {
  return node(doc, schema, new Set());
}

function node(doc, schema, seen) {
  const name = refName(schema);
  const s = resolve(doc, schema);
  const box = el('div', { class: 'schema' });
  box.append(el('p', { class: 'schema-type' },
    name ? el('span', { class: 'ref' }, name + ' ') : null,
    el('code', {}, typeOf(doc, s)), limits(s),
    s.description ? el('span', { class: 'muted' }, ' — ', inline(s.description)) : null));
  if (name && seen.has(name)) return box;
  const inner = new Set(seen);
  if (name) inner.add(name);
  const props = properties(doc, s);
  if (props.length) {
    box.append(el('ul', { class: 'props' }, props.map(([key, child, required]) => el('li', {},
      el('code', { class: 'prop' }, key), required ? el('span', { class: 'required' }, ' required') : null,
      node(doc, child, inner)))));
  }
  const items = s.items && resolve(doc, s.items);
  if (items && properties(doc, items).length) box.append(el('div', { class: 'items' }, 'Each item: ', node(doc, s.items, inner)));
  for (const kind of ['oneOf', 'anyOf']) {
    if (s[kind] && s[kind].some((v) => properties(doc, resolve(doc, v)).length)) {
      box.append(el('ul', { class: 'props' }, s[kind].map((v) => el('li', {}, node(doc, v, inner)))));
    }
  }
  return box;
}

/** [name, schema, required] of an object schema, those of its allOf parts included. */
function properties(doc, s) {
  const parts = [s, ...(s.allOf || []).map((part) => resolve(doc, part))];
  const found = [];
  for (const part of parts) {
    for (const [key, child] of Object.entries(part.properties || {})) {
      found.push([key, child, (part.required || []).includes(key)]);
    }
  }
  return found;
}

/** "string | null", "array of Message", "\"chat.completion\"", "one of: …". */
function typeOf(doc, s) {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  for (const kind of ['oneOf', 'anyOf']) {
    if (s[kind]) return s[kind].map((v) => refName(v) || typeOf(doc, resolve(doc, v))).join(' | ');
  }
  if (s.allOf) return s.allOf.map((v) => refName(v) || 'object').join(' & ');
  const types = [].concat(s.type || 'any');
  return types.map((t) => (t === 'array' && s.items
    ? 'array of ' + (refName(s.items) || typeOf(doc, resolve(doc, s.items)))
    : t)).join(' | ');
}

function limits(s) {
  const said = [];
  if (s.minimum !== undefined || s.maximum !== undefined) said.push(`${s.minimum ?? '…'} to ${s.maximum ?? '…'}`);
  if (s.minItems !== undefined) said.push(`at least ${s.minItems}`);
  if (s.maxItems !== undefined) said.push(`at most ${s.maxItems}`);
  if (s.minLength !== undefined) said.push(`length ≥ ${s.minLength}`);
  if (s.maxLength !== undefined) said.push(`length ≤ ${s.maxLength}`);
  if (s.default !== undefined) said.push(`default ${JSON.stringify(s.default)}`);
  if (s.additionalProperties === false) said.push('no other member');
  return said.length ? el('span', { class: 'limits' }, ' (' + said.join(', ') + ')') : null;
}
