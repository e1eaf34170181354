// The one time a key's secret is shown: after it is created or rotated. The gateway keeps
// only its hash, so once this box is closed the secret is gone from the page too.
import { el } from './api.js';

/** Shows key.key (the secret) for key.name inside container, until "Done". */
export function showSecret(container, key, rotated) {
  const value = el('input', { type: 'text', readonly: true, class: 'mono secret-value', id: 'secret-value', spellcheck: 'false', autocomplete: 'off' });
  value.value = key.key; // the property, not the value attribute: the secret is never part of the page's markup
  const status = el('span', { class: 'muted', role: 'status' });
  const copy = el('button', { type: 'button', class: 'primary' }, 'Copy');
  const done = el('button', { type: 'button', id: 'secret-done' }, 'Done, I have saved it');
  copy.addEventListener('click', async () => {
    value.select();
    try {
      await navigator.clipboard.writeText(value.value);
      status.textContent = 'Copied.';
    } catch (failure) {
      status.textContent = 'Could not copy (' + failure.message + '): the key is selected, press Ctrl+C.';
    }
  });
  done.addEventListener('click', () => container.replaceChildren());
  value.addEventListener('focus', () => value.select());
  container.replaceChildren(el('div', { class: 'panel-2 stack secret', role: 'region', 'aria-labelledby': 'secret-title' },
    el('h3', { id: 'secret-title' }, `${rotated ? 'New secret' : 'Secret'} for ${key.name}`),
    el('p', { class: 'warn' }, 'Copy it now: you will not see it again. The gateway keeps only its hash.'
      + (rotated ? ' The old secret no longer works.' : '')),
    el('label', { for: 'secret-value' }, 'API key'), value,
    el('div', { class: 'row' }, copy, done, status)));
  copy.focus();
}
