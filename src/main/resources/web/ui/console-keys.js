// The table of API keys: sortable by any column (click or keyboard on its header), with
// each stored key's actions: edit, disable or enable, rotate, and revoke after an inline
// "are you sure". Keys from the API_KEYS setting are shown read-only.
import { el } from './api.js';
import { admin } from './console-session.js';
import { KEY_FACTS as COLUMNS } from './console-format.js';

/**
 * The keys table. onEdit(key) opens the form for a key; onSecret(key) shows a rotated
 * key's new secret; onChanged() reloads the list; onFailure(failure) shows a refusal.
 */
export function keysTable({ onEdit, onSecret, onChanged, onFailure }) {
  let keys = [];
  let order = { column: 'name', descending: false };
  let refocus = null; // the row whose toggle gets the focus back once redrawn, so that the keyboard keeps its place
  // The key whose row asks "Revoke …?". Kept through a redraw: the list reloaded after the
  // last action (a rotation, say) may land just after the question was asked.
  let confirming = null;
  const headers = COLUMNS.map((column) => {
    const button = el('button', { type: 'button', class: 'sort', 'data-sort': column.id }, column.label, el('span', { class: 'arrow', 'aria-hidden': 'true' }));
    button.addEventListener('click', () => sortBy(column));
    return el('th', { scope: 'col', class: column.numeric ? 'num' : null }, button);
  });
  const body = el('tbody');
  const element = el('table', { class: 'keys' },
    el('caption', { class: 'visually-hidden' }, 'API keys; the column headers sort the table'),
    el('thead', {}, el('tr', {}, headers, el('th', { scope: 'col' }, 'Actions'))), body);

  function sortBy(column) {
    order = order.column === column.id ? { column: column.id, descending: !order.descending } : { column: column.id, descending: !!column.numeric };
    draw();
  }

  /** Runs an admin call for a row; a refusal is shown, a success reloads the list. */
  async function act(call, focusRow = null) {
    try {
      onFailure(null);
      await call();
      refocus = focusRow;
      onChanged();
    } catch (failure) {
      onFailure(failure);
    }
  }

  function actions(key) {
    if (key.source === 'settings') return el('span', { class: 'muted' }, 'read-only (API_KEYS setting)');
    const button = (label, handler, cls) => {
      const b = el('button', { type: 'button', class: cls, 'aria-label': `${label} ${key.name}`, 'data-action': label.toLowerCase() }, label);
      b.addEventListener('click', handler);
      return b;
    };
    const disabled = key.status === 'disabled';
    const path = '/admin/keys/' + encodeURIComponent(key.id);
    const box = el('div', { class: 'actions' });
    const normal = [
      button('Edit', () => onEdit(key)),
      button(disabled ? 'Enable' : 'Disable', () => act(() => admin.call(path, { method: 'PATCH', body: { disabled: !disabled } }), key.id)),
      button('Rotate', () => act(async () => onSecret(await admin.call(path + '/rotate', { method: 'POST' })))),
      button('Revoke', () => askToRevoke(), 'danger'),
    ];
    function question() {
      const yes = button('Yes, revoke', () => { confirming = null; act(() => admin.call(path, { method: 'DELETE' }), key.id); }, 'danger');
      const no = button('Cancel', () => { confirming = null; box.replaceChildren(...normal); normal[3].focus(); });
      return [el('span', { class: 'warn' }, `Revoke ${key.name}? It stops working at once.`), yes, no];
    }
    function askToRevoke() {
      confirming = key.id;
      const asked = question();
      box.replaceChildren(...asked);
      asked[2].focus();
    }
    box.append(...(confirming === key.id ? question() : normal));
    return box;
  }

  function draw() {
    // Every row is replaced: the button that had the focus gets it back, so the keyboard keeps its place.
    const focused = document.activeElement;
    const kept = body.contains(focused) && focused.dataset.action
      ? `tr[data-key-id="${CSS.escape(focused.closest('tr').dataset.keyId)}"] [data-action="${focused.dataset.action}"]` : null;
    const column = COLUMNS.find((c) => c.id === order.column);
    const sign = order.descending ? -1 : 1;
    const sorted = [...keys].sort((a, b) => {
      const x = column.sort(a), y = column.sort(b);
      return sign * (x < y ? -1 : x > y ? 1 : 0) || a.name.localeCompare(b.name);
    });
    COLUMNS.forEach((c, i) => {
      const active = c.id === order.column;
      if (active) headers[i].setAttribute('aria-sort', order.descending ? 'descending' : 'ascending');
      else headers[i].removeAttribute('aria-sort');
      headers[i].querySelector('.arrow').textContent = active ? (order.descending ? ' ▼' : ' ▲') : '';
    });
    body.replaceChildren(...(sorted.length ? sorted.map((key) => el('tr', { 'data-key-id': key.id },
      COLUMNS.map((c) => el(c.id === 'name' ? 'th' : 'td', { scope: c.id === 'name' ? 'row' : null, 'data-col': c.id, class: c.numeric ? 'num' : c.id === 'limits' ? 'wrap' : null }, c.show(key))),
      el('td', {}, actions(key))))
      : [el('tr', {}, el('td', { colspan: COLUMNS.length + 1, class: 'muted' }, 'No keys yet: create one with “New key”.'))]));
    if (refocus) { // a revoked key's row is gone: the first header then
      const row = body.querySelector(`tr[data-key-id="${CSS.escape(refocus)}"]`);
      (row ? row.querySelector('[data-action=enable], [data-action=disable]') : headers[0].firstChild).focus();
      refocus = null;
    } else if (kept) {
      body.querySelector(kept)?.focus();
    }
  }

  /** Shows these keys, in the chosen order. */
  function render(list) {
    keys = list;
    draw();
  }

  draw();
  return { element, render };
}
