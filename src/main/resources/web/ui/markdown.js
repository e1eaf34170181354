// A small markdown subset turned into DOM nodes, never into HTML text: paragraphs, headings,
// fenced code blocks, bullet and numbered lists, inline code, bold, italic and links.
// Model output goes through here, so nothing in it may become markup:
//   - raw HTML such as <img onerror=…> stays literal text (text nodes are never parsed);
//   - a link is made only for an http(s) address, and opens in a new tab without a referrer;
//   - an image, ![alt](address), is shown as it was written and never loaded, so a reply
//     cannot send data to another server by asking the browser to fetch a picture.
// Half-written input (a reply still streaming) renders too: an open code fence runs to the end.

const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const ITEM = /^( *)(?:([-*+])|(\d{1,9})[.)])(?:[ \t]+(.*))?$/;
/** Lists or emphasis nested deeper than this are shown as text: deeper nesting would only cost stack. */
const MAX_DEPTH = 8;

/** Renders markdown text as a fragment of elements and text nodes. */
export function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  blocks(String(text).replace(/\r\n?/g, '\n').split('\n'), fragment, 0);
  return fragment;
}

function blocks(lines, parent, depth) {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    const heading = HEADING.exec(line);
    if (line.trim() === '') {
      i++;
    } else if (fence) {
      i = codeBlock(lines, i, fence, parent);
    } else if (heading) {
      parent.append(element(heading[1].length <= 2 ? 'h3' : 'h4', inline(heading[2])));
      i++;
    } else if (ITEM.test(line) && depth < MAX_DEPTH) {
      i = list(lines, i, parent, depth);
    } else {
      i = paragraph(lines, i, parent);
    }
  }
}

/** A paragraph runs until a blank line or the start of another block; its line breaks are kept. */
function paragraph(lines, i, parent) {
  const text = [];
  while (i < lines.length && lines[i].trim() !== '' && (text.length === 0 || !startsBlock(lines[i]))) {
    text.push(lines[i].trim());
    i++;
  }
  parent.append(element('p', inline(text.join('\n'))));
  return i;
}

function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || ITEM.test(line);
}

/** ``` or ~~~, an optional language, the code as it is, up to the same fence (or the end). */
function codeBlock(lines, i, fence, parent) {
  const closing = new RegExp('^ {0,3}' + (fence[1][0] === '`' ? '`' : '~') + '{' + fence[1].length + ',}[ \\t]*$');
  const code = [];
  for (i++; i < lines.length && !closing.test(lines[i]); i++) {
    code.push(lines[i]);
  }
  const pre = element('pre', [element('code', [document.createTextNode(code.join('\n'))])]);
  pre.className = 'code';
  if (fence[2]) pre.dataset.lang = fence[2];
  parent.append(pre);
  return i + 1;
}

/**
 * Items of one kind (bullets, or numbers) at one indentation. An item holds the lines
 * indented under it, rendered as blocks of their own: that is how lists nest.
 */
function list(lines, i, parent, depth) {
  const first = ITEM.exec(lines[i]);
  const ordered = first[3] !== undefined;
  const listElement = document.createElement(ordered ? 'ol' : 'ul');
  if (ordered && first[3] !== '1') listElement.start = Number(first[3]);
  for (;;) {
    const item = ITEM.exec(lines[i]);
    const width = item[1].length + (ordered ? item[3].length + 2 : 2);
    const body = [item[4] || ''];
    for (i++; i < lines.length; i++) {
      const line = lines[i];
      if (line.trim() === '') {
        const next = nextFilled(lines, i);
        if (next >= lines.length || indentOf(lines[next]) < width) break;
        body.push('');
        continue;
      }
      if (indentOf(line) >= width) body.push(line.slice(width));
      else if (startsBlock(line)) break;
      else body.push(line.trim()); // a lazy continuation of the item's text
    }
    listElement.append(listItem(body, depth));
    const next = nextFilled(lines, i);
    const sibling = next < lines.length && ITEM.exec(lines[next]);
    if (!sibling || (sibling[3] !== undefined) !== ordered || sibling[1].length !== first[1].length) break;
    i = next;
  }
  parent.append(listElement);
  return i;
}

/** A one-paragraph item holds its text directly, as in a tight list. */
function listItem(body, depth) {
  const li = document.createElement('li');
  blocks(body, li, depth + 1);
  if (li.childElementCount === 1 && li.firstElementChild.tagName === 'P') {
    li.replaceChildren(...li.firstElementChild.childNodes);
  }
  return li;
}

function nextFilled(lines, i) {
  while (i < lines.length && lines[i].trim() === '') i++;
  return i;
}

function indentOf(line) {
  return line.length - line.trimStart().length;
}

// Inline: a backslash escape, `code`, **bold** or __bold__, *italic* or _italic_,
// [text](address) and ![alt](address); everything else is text.
const INLINE = new RegExp([
  /\\([!-/:-@[-`{-~])/.source,
  /(`+)([^`]|[^`][\s\S]*?[^`])\2(?!`)/.source,
  /\*\*(?=\S)([\s\S]*?\S)\*\*/.source,
  /__(?=\S)([\s\S]*?\S)__(?!\w)/.source,
  /(!?)\[([^\[\]]*)\]\(\s*([^\s()]*)\s*\)/.source,
  /(?<![\w*])\*(?=[^\s*])([^*]*?[^\s*])\*(?![\w*])/.source,
  /(?<![\w_])_(?=[^\s_])([^_]*?[^\s_])_(?![\w_])/.source,
].join('|'), 'g');

/** The nodes of one run of inline text; emphasis nested deeper than MAX_DEPTH stays text. */
function inline(text, depth = 0) {
  if (depth > MAX_DEPTH) return [document.createTextNode(text)];
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
    nodes.push(inlineNode(match, depth + 1));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function inlineNode(m, depth) {
  if (m[1] !== undefined) return document.createTextNode(m[1]);
  if (m[3] !== undefined) return element('code', [document.createTextNode(m[3].replace(/^ (.*) $/s, '$1'))]);
  if (m[4] !== undefined || m[5] !== undefined) return element('strong', inline(m[4] ?? m[5], depth));
  if (m[7] !== undefined) return link(m[0], m[6] === '!', m[7], m[8]);
  return element('em', inline(m[9] ?? m[10], depth));
}

/** A link to an http(s) address; an image or any other scheme (javascript:, data:…) stays text. */
function link(source, image, text, address) {
  let url = null;
  try {
    url = new URL(address);
  } catch {
    // not an absolute address: shown as written
  }
  if (image || !url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return document.createTextNode(source);
  }
  const a = element('a', inline(text || url.href));
  a.href = url.href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

function element(tag, children) {
  const node = document.createElement(tag);
  node.append(...children);
  return node;
}
