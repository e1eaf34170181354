// "My usage": a key holder enters their own API key and sees that key's entry and
// charts from GET /me/usage, and nothing about other keys. The key stays in memory.
import { el, number } from './api.js';
import { callJson, showFailure } from './console-session.js';
import { dateTime, limitsText, totalTokens } from './console-format.js';
import { usageView } from './console-usage.js';

function keyCard(key) {
  const today = (key.usage && key.usage.today) || {};
  const month = (key.usage && key.usage.month) || {};
  const fact = (label, value, name) => [el('dt', {}, label), el('dd', { 'data-field': name }, value)];
  return el('dl', { class: 'facts', 'aria-label': 'Your key' },
    fact('Name', key.name, 'name'), fact('Key', el('code', {}, key.redacted), 'redacted'),
    fact('Status', el('span', { class: 'badge status-' + key.status }, key.status), 'status'),
    fact('Limits', limitsText(key.limits), 'limits'),
    fact('Requests today', number(today.requests || 0), 'requests_today'),
    fact('Tokens today', number(totalTokens(today)), 'tokens_today'),
    fact('Requests this month', number(month.requests || 0), 'requests_month'),
    fact('Tokens this month', number(totalTokens(month)), 'tokens_month'),
    fact('Last used', dateTime(key.last_used_at), 'last_used'),
    fact('Expires', dateTime(key.expires_at), 'expires'));
}

/** Wires the form (key input, forget button, error line) to the output element. */
export function mineView({ form, input, forget, error, output }) {
  let key = null;
  const card = el('div', { class: 'panel' });
  const usage = usageView({
    fetchUsage: (query) => callJson('/me/usage?' + query, { key }),
    onData: (answer) => card.replaceChildren(el('h2', {}, 'Your key'), keyCard(answer.key)),
  });
  const charts = el('section', { class: 'panel stack', 'aria-label': 'Your usage' }, el('h2', {}, 'Your usage'), usage.element);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    key = input.value.trim();
    showFailure(error, null);
    try {
      // The first answer is checked here, so that a wrong key is told beside the key field.
      const answer = await callJson('/me/usage', { key });
      input.value = '';
      card.replaceChildren(el('h2', {}, 'Your key'), keyCard(answer.key));
      output.replaceChildren(card, charts);
      usage.load();
    } catch (failure) {
      key = null;
      output.replaceChildren();
      showFailure(error, failure);
    }
  });
  forget.addEventListener('click', () => {
    key = null;
    input.value = '';
    showFailure(error, null);
    usage.clear();
    output.replaceChildren();
    input.focus();
  });
}
