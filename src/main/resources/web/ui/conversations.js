// The playground's conversations, kept in this browser's localStorage: list, read, save,
// delete, and export one as a JSON file. Nothing here is ever sent to the gateway.
//
// All conversations live under one key as a JSON array. Every write reads the array again
// and changes only its own entry, so two tabs do not undo each other's other chats.

const KEY = 'gateway.playground.conversations';
const CURRENT = 'gateway.playground.current';
/** A title is the first words of the first message: enough to tell chats apart in the list. */
const TITLE_LENGTH = 48;

/**
 * A message is {role: 'user'|'assistant', content, status?, error?, stats?}: status is
 * 'done', 'stopped' or 'error' for a reply; stats are its numbers (see chat-stream.js).
 */
export function newConversation() {
  const now = Date.now();
  return { id: 'c' + now.toString(36) + Math.random().toString(36).slice(2, 8), title: 'New chat', created: now, updated: now, messages: [] };
}

/** The saved conversations, most recently changed first. Throws when the stored text is not ours. */
export function listConversations() {
  const text = localStorage.getItem(KEY);
  if (text === null) return [];
  const list = JSON.parse(text);
  if (!Array.isArray(list)) throw new Error('the saved conversations are not a list');
  return list.filter(valid).sort((a, b) => b.updated - a.updated);
}

/** Saves one conversation (its title from its first message). Throws when storage is full. */
export function saveConversation(conversation) {
  conversation.updated = Date.now();
  const first = conversation.messages.find((m) => m.role === 'user');
  if (first) conversation.title = titleOf(first.content);
  const others = listConversations().filter((c) => c.id !== conversation.id);
  localStorage.setItem(KEY, JSON.stringify([conversation, ...others]));
}

export function deleteConversation(id) {
  localStorage.setItem(KEY, JSON.stringify(listConversations().filter((c) => c.id !== id)));
}

/** Calls back when another tab changes the saved conversations. */
export function watchConversations(callback) {
  window.addEventListener('storage', (event) => {
    if (event.key === KEY || event.key === null) callback();
  });
}

/** The id of the conversation shown last, to come back to it after a reload. */
export function currentId() {
  return localStorage.getItem(CURRENT);
}

export function rememberCurrent(id) {
  localStorage.setItem(CURRENT, id);
}

/**
 * A conversation as a file to download: {filename, blob}. Its messages are shaped as the
 * chat API's, so they can be sent again as they are; each reply keeps its numbers.
 */
export function exportFile(conversation) {
  const file = {
    object: 'conversation',
    id: conversation.id,
    title: conversation.title,
    created: new Date(conversation.created).toISOString(),
    updated: new Date(conversation.updated).toISOString(),
    messages: conversation.messages.map((m) => ({ role: m.role, content: m.content, ...(m.status && { status: m.status }), ...(m.stats && { stats: m.stats }), ...(m.error && { error: m.error }) })),
  };
  const name = conversation.title.replace(/[^\w-]+/g, '-').slice(0, 40).replace(/^-+|-+$/g, '') || 'conversation';
  return { filename: `${name}.json`, blob: new Blob([JSON.stringify(file, null, 2) + '\n'], { type: 'application/json' }) };
}

function titleOf(text) {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_LENGTH ? line.slice(0, TITLE_LENGTH - 1) + '…' : line || 'New chat';
}

/** Only entries of the expected shape are shown: the storage is shared with anything on this origin. */
function valid(c) {
  return c && typeof c.id === 'string' && typeof c.title === 'string' && typeof c.updated === 'number'
    && Array.isArray(c.messages) && c.messages.every((m) => m && typeof m.role === 'string' && typeof m.content === 'string');
}
