// The settings beside the chat: the model (listed by /v1/models, aliases included), the
// system prompt, temperature, max tokens, and the API key.
//
// The key is a secret: it stays in this tab's sessionStorage, and in localStorage only when
// the user ticks "remember"; "forget key" clears both (api-key.js). It is only ever sent to
// this origin, as a bearer token. The other settings are not secret and are kept in localStorage.

import { callJson } from './api.js';
import { forgetKey, isRemembered, storedKey, storeKey } from './api-key.js';

const SETTINGS = 'gateway.playground.settings';

/**
 * Wires the panel's controls: {model, modelStatus, system, temperature, maxTokens, key,
 * remember, forget, keyStatus}. Returns what the page asks of it.
 */
export function settingsPanel(controls) {
  const c = controls;
  let loads = 0; // only the latest model list is shown when the key changes quickly

  function key() {
    return c.key.value.trim();
  }

  function keep() {
    const value = key();
    storeKey(value, c.remember.checked);
    c.keyStatus.textContent = !value ? '' : c.remember.checked ? 'Remembered on this device.' : 'Kept for this tab only.';
  }

  function forget() {
    c.key.value = '';
    c.remember.checked = false;
    forgetKey();
    c.keyStatus.textContent = 'Key forgotten.';
    loadModels();
  }

  async function loadModels() {
    const load = ++loads;
    c.modelStatus.textContent = 'Loading the models…';
    let message;
    try {
      const ids = (await callJson('/v1/models', { key: key() })).data.map((model) => model.id);
      if (load === loads) showModels(ids);
      message = ids.length === 1 ? 'One model.' : `${ids.length} models.`;
    } catch (failure) {
      message = failure.error?.status === 401 ? 'Enter an API key to list the models.' : `The models could not be listed: ${failure.error?.message ?? failure.message}`;
    }
    if (load === loads) c.modelStatus.textContent = message;
  }

  function showModels(ids) {
    const wanted = c.model.value || saved().model;
    c.model.replaceChildren(c.model.options[0], ...ids.map((id) => new Option(id, id)));
    if (ids.includes(wanted)) c.model.value = wanted;
  }

  /** The request's settings; a field left empty is not sent, so the backend's default applies. */
  function requestFields() {
    const fields = {};
    if (c.model.value) fields.model = c.model.value;
    if (c.temperature.value !== '') fields.temperature = Number(c.temperature.value);
    if (c.maxTokens.value !== '') fields.max_tokens = Number(c.maxTokens.value);
    return fields;
  }

  function saved() {
    try {
      return JSON.parse(localStorage.getItem(SETTINGS)) || {};
    } catch {
      return {}; // unreadable settings are only defaults lost
    }
  }

  function save() {
    localStorage.setItem(SETTINGS, JSON.stringify({
      model: c.model.value, system: c.system.value, temperature: c.temperature.value, maxTokens: c.maxTokens.value,
    }));
  }

  const s = saved();
  c.system.value = s.system || '';
  c.temperature.value = s.temperature || '';
  c.maxTokens.value = s.maxTokens || '';
  c.remember.checked = isRemembered();
  c.key.value = storedKey();
  c.key.addEventListener('input', keep);
  c.key.addEventListener('change', loadModels);
  c.remember.addEventListener('change', keep);
  c.forget.addEventListener('click', forget);
  for (const control of [c.model, c.system, c.temperature, c.maxTokens]) control.addEventListener('change', save);
  loadModels();

  return {
    key,
    requestFields,
    systemPrompt: () => c.system.value.trim(),
    focusKey: () => c.key.focus(),
  };
}
