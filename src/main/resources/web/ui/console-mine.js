// "My usage": a key holder enters their own API key and sees that key's entry and
// charts from GET /me/usage, and nothing about other keys. The key stays in memory.
import { callJson, el } from './api.js';
import { showFailure } from './console-session.js';
import { KEY_FACTS } from './console-format.js';
import { usageView } from './console-usage.js';

function keyCard(key) {
  return el('dl', { class: 'facts', 'aria-label': 'Your key' },
    KEY_FACTS.flatMap((fact) => [el('dt', {}, fact.label), el('dd', { 'data-field': fact.id }, fact.show(key))]));
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
