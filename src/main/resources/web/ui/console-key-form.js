// The form that creates a key or edits one: its name, limits (empty means no limit),
// allowed models (ticked from the backends' list, or typed), and an expiry date shown resolved.
import { el } from './api.js';
import { admin, showFailure } from './console-session.js';
import { dateTime, isoDay, relative } from './console-format.js';

const LIMITS = [
  ['requests_per_minute', 'Requests per minute'],
  ['tokens_per_minute', 'Tokens per minute'],
  ['max_in_flight', 'Requests at once'],
  ['tokens_per_day', 'Tokens per day'],
  ['tokens_per_month', 'Tokens per month'],
];

/** The end of a local day (YYYY-MM-DD) in epoch seconds: a key expiring "on" a day works through it. */
function endOfDay(day) {
  const [y, m, d] = day.split('-').map(Number);
  return Math.floor(new Date(y, m - 1, d, 23, 59, 59).getTime() / 1000);
}

function field(id, label, input) {
  input.id = id;
  return el('div', { class: 'field' }, el('label', { for: id }, label), input);
}

/**
 * The key form. onSaved(key, created) gets the gateway's answer (with the secret when
 * created); onClosed() runs when it closes without saving.
 */
export function keyForm({ onSaved, onClosed }) {
  const element = el('div');
  let models = null; // the model ids, once asked

  /**
   * The backends' models. Not /v1/models: once any key exists it wants an API key, and
   * the admin key is not one. A backend taking any model ("*") names none.
   */
  async function modelIds() {
    if (!models) {
      const backends = (await admin.call('/admin/backends')).data || [];
      models = [...new Set(backends.flatMap((b) => b.models || []))].filter((m) => m !== '*').sort();
    }
    return models;
  }

  /** Opens the form for a new key (key null) or to edit a key. */
  function open(key) {
    const limits = (key && key.limits) || {};
    const error = el('p', { class: 'error', role: 'alert' });
    const name = el('input', { type: 'text', required: true, maxlength: 100, autocomplete: 'off', value: key ? key.name : '' });
    const numbers = LIMITS.map(([id, label]) => field('kf-' + id, label,
      el('input', { type: 'number', min: 0, step: 1, inputmode: 'numeric', placeholder: 'no limit', value: limits[id] ?? '' })));
    const initialDay = key && key.expires_at != null ? isoDay(new Date(key.expires_at * 1000)) : '';
    const expiry = el('input', { type: 'date', value: initialDay, 'aria-describedby': 'kf-resolved' });
    const resolved = el('output', { id: 'kf-resolved', for: 'kf-expiry', class: 'muted' });
    const showResolved = () => {
      resolved.textContent = expiry.value
        ? `Expires ${dateTime(endOfDay(expiry.value))} local time (${relative(endOfDay(expiry.value))}).`
        : 'Never expires.';
    };
    const preset = (label, days) => {
      const b = el('button', { type: 'button' }, label);
      b.addEventListener('click', () => {
        expiry.value = days ? isoDay(new Date(Date.now() + days * 86400000)) : '';
        showResolved();
      });
      return b;
    };
    expiry.addEventListener('input', showResolved);
    showResolved();

    const ticks = el('div', { class: 'row' }, el('span', { class: 'muted' }, 'Loading the models…'));
    const chosen = new Set(limits.models || []);
    const others = el('input', { type: 'text', autocomplete: 'off', placeholder: 'model-a, model-b' });
    const save = el('button', { type: 'submit', class: 'primary' }, key ? 'Save changes' : 'Create key');
    const cancel = el('button', { type: 'button' }, 'Cancel');
    const form = el('form', { class: 'panel-2 stack key-form', 'aria-labelledby': 'kf-title' },
      el('h3', { id: 'kf-title' }, key ? 'Edit key ' + key.name : 'New key'),
      field('kf-name', 'Name', name),
      el('fieldset', {}, el('legend', {}, 'Limits (empty: no limit)'), el('div', { class: 'fields' }, numbers)),
      el('fieldset', {}, el('legend', {}, 'Allowed models (none ticked or typed: every model)'), ticks,
        field('kf-models', 'Other models, comma-separated', others)),
      el('fieldset', {}, el('legend', {}, 'Expiry'),
        el('div', { class: 'row' }, field('kf-expiry', 'Expires on', expiry), preset('In 30 days', 30), preset('In 90 days', 90), preset('Never', 0)),
        resolved),
      error, el('div', { class: 'row' }, save, cancel));

    modelIds().then((ids) => {
      ticks.replaceChildren(...ids.map((id) => el('label', { class: 'inline' },
        el('input', { type: 'checkbox', value: id, checked: chosen.has(id) }), id)));
      if (!ids.length) ticks.replaceChildren(el('span', { class: 'muted' }, 'The backends name no models (echo mode, or any model): type the names.'));
      others.value = [...chosen].filter((m) => !ids.includes(m)).join(', ');
    }, (failure) => {
      ticks.replaceChildren(el('span', { class: 'error' }, 'The model list could not be loaded, type the names instead. ' + failure.message));
      others.value = [...chosen].join(', ');
    });

    cancel.addEventListener('click', () => { close(); onClosed(); });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = { name: name.value.trim(), limits: {} };
      numbers.forEach((f, i) => {
        const value = f.querySelector('input').value;
        body.limits[LIMITS[i][0]] = value === '' ? null : Number(value);
      });
      const picked = [...ticks.querySelectorAll('input:checked')].map((c) => c.value)
        .concat(others.value.split(',').map((m) => m.trim()).filter(Boolean));
      body.limits.models = picked.length ? [...new Set(picked)] : null;
      if (expiry.value !== initialDay) body.expires_at = expiry.value ? endOfDay(expiry.value) : null; // null clears
      save.disabled = true;
      try {
        const path = key ? '/admin/keys/' + encodeURIComponent(key.id) : '/admin/keys';
        const saved = await admin.call(path, { method: key ? 'PATCH' : 'POST', body });
        close();
        onSaved(saved, !key);
      } catch (failure) {
        showFailure(error, failure);
      } finally {
        save.disabled = false;
      }
    });
    element.replaceChildren(form);
    name.focus();
  }

  function close() {
    element.replaceChildren();
  }

  return { element, open, close };
}
