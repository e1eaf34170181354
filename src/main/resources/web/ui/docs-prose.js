// Descriptions of the API reference as DOM: paragraphs, pipe tables, `code` and **bold**.
// Everything becomes text nodes; nothing here can become markup.
import { el } from './api.js';

/** A line of text with `code` and **bold** spans. */
export function inline(text) {
  const parts = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*/g;
  let last = 0;
  for (let match; (match = pattern.exec(text)); last = pattern.lastIndex) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(match[1] !== undefined ? el('code', {}, match[1]) : el('strong', {}, match[2]));
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** A description: blank lines part paragraphs, a block of | lines is a table (its second line the rule). */
export function prose(text) {
  const box = el('div', { class: 'prose' });
  for (const block of String(text || '').split(/\n{2,}/)) {
    const lines = block.split('\n');
    box.append(lines.every((line) => line.startsWith('|')) ? table(lines) : el('p', {}, inline(block)));
  }
  return box;
}

function cells(line) {
  return line.replace(/^\|\s*|\s*\|$/g, '').split(/\s*\|\s*/);
}

function table([head, , ...rows]) {
  return el('div', { class: 'scroll' }, el('table', {},
    el('thead', {}, el('tr', {}, cells(head).map((cell) => el('th', { scope: 'col' }, inline(cell))))),
    el('tbody', {}, rows.map((row) => el('tr', {}, cells(row).map((cell) => el('td', {}, inline(cell))))))));
}

/** A code block that scrolls inside itself, with a button copying its text (or selecting it where copying is refused). */
export function codeBlock(text, label = 'Copy') {
  const pre = el('pre', { class: 'code', tabindex: '0' }, text);
  const button = el('button', { type: 'button', class: 'copy' }, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(pre.textContent);
      button.textContent = 'Copied';
    } catch {
      const range = document.createRange();
      range.selectNodeContents(pre);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
  return { box: el('div', { class: 'code-box' }, button, pre), pre };
}
