// The playground page (GET /): wires the settings, the saved conversations and the chat.
// A sent turn is shown at once, its reply streams into an item of its own (chat-stream.js,
// chat-view.js), and when the reply ends (done, stopped or failed) the conversation is saved
// in this browser (conversations.js). A URL such as /?q=hi only fills the message box: the
// page never sends anything the user did not send.

import { el } from './api.js';
import { startChat } from './chat-stream.js';
import { messageItem, streamingItem } from './chat-view.js';
import * as store from './conversations.js';
import { settingsPanel } from './settings-panel.js';

const $ = (id) => document.getElementById(id);
const ui = {
  layout: $('layout'), menu: $('menu'), list: $('conversations'), title: $('chat-title'), notice: $('notice'),
  scroller: $('scroller'), empty: $('empty'), messages: $('messages'), composer: $('composer'), prompt: $('prompt'),
  send: $('send'), stop: $('stop'), status: $('status'), exportButton: $('export'), deleteButton: $('delete'),
};
const settings = settingsPanel({
  model: $('model'), modelStatus: $('model-status'), system: $('system'), temperature: $('temperature'),
  maxTokens: $('max-tokens'), key: $('api-key'), remember: $('remember-key'), forget: $('forget-key'), keyStatus: $('key-status'),
});

let conversation = null; // the one shown
let running = null; // the reply streaming now: {stop(), settled}, a promise kept until it is saved
let following = true; // whether the view keeps the newest text in sight

/** Runs a step on the browser's storage; when storage is full or turned off, says so on the page. */
function attempt(what, step, fallback) {
  try {
    return step();
  } catch (error) {
    notice(`${what}: ${error.message}`);
    return fallback;
  }
}

function saved() {
  return attempt('The saved conversations could not be read', store.listConversations, []);
}

function persist(target) {
  attempt('This conversation could not be saved in the browser', () => store.saveConversation(target));
  if (target === conversation) ui.title.textContent = conversation.title;
  showList();
}

function show(target) {
  conversation = target;
  attempt('The browser did not keep which conversation is open', () => store.rememberCurrent(target.id));
  ui.title.textContent = target.title;
  ui.messages.replaceChildren(...target.messages.map(messageItem));
  following = true;
  showList();
  refresh();
}

/** The saved conversations, and the one shown even before its first message is saved. */
function showList() {
  const list = saved();
  if (conversation && !list.some((c) => c.id === conversation.id)) list.unshift(conversation);
  ui.list.replaceChildren(...list.map((c) => el('li', {},
    el('button', { type: 'button', class: 'conversation', 'data-id': c.id, 'aria-current': c.id === conversation?.id && 'true' }, c.title))));
}

function refresh() {
  ui.empty.hidden = conversation.messages.length > 0;
  ui.exportButton.disabled = conversation.messages.length === 0;
  ui.send.disabled = running !== null;
  ui.stop.disabled = running === null;
  keepInSight();
}

function keepInSight() {
  if (following) ui.scroller.scrollTop = ui.scroller.scrollHeight;
}

/** What the model is sent: the system prompt, then the turns it answered (a refused turn was never seen). */
function context(messages) {
  const system = settings.systemPrompt();
  const turns = system ? [{ role: 'system', content: system }] : [];
  messages.forEach((m, i) => {
    const reply = messages[i + 1];
    if (m.role === 'user' && reply?.role === 'assistant' && reply.content !== '') {
      turns.push({ role: 'user', content: m.content }, { role: 'assistant', content: reply.content });
    }
  });
  return turns;
}

function send() {
  const text = ui.prompt.value;
  if (running || text.trim() === '') return;
  const target = conversation;
  const messages = [...context(target.messages), { role: 'user', content: text }];
  target.messages.push({ role: 'user', content: text });
  ui.messages.append(messageItem(target.messages.at(-1)));
  ui.prompt.value = '';
  persist(target);
  const view = streamingItem(keepInSight);
  ui.messages.append(view.item);
  following = true;
  const chat = startChat({ body: { ...settings.requestFields(), messages }, key: settings.key(), onText: view.show });
  running = { stop: chat.stop, settled: chat.done.then((result) => finish(target, text, view, result)) };
  refresh();
}

function finish(target, text, view, result) {
  const reply = { role: 'assistant', content: result.text, status: result.status, stats: result.stats };
  if (result.error) reply.error = result.error;
  target.messages.push(reply);
  running = null;
  persist(target);
  view.end(reply);
  refresh();
  ui.status.textContent = result.status === 'done' ? 'Reply finished.' : result.status === 'stopped' ? 'Reply stopped.' : 'The reply failed.';
  if (result.error && result.text === '' && ui.prompt.value === '') ui.prompt.value = text; // to send again
  if (result.error?.status === 401) {
    openMenu(true);
    settings.focusKey();
  }
}

/** Stops the reply streaming, if any, and waits until it is saved. */
async function stopReply() {
  if (running) {
    running.stop();
    await running.settled;
  }
}

async function switchTo(id) {
  await stopReply();
  const target = saved().find((c) => c.id === id);
  if (target) show(target);
  openMenu(false);
}

async function newChat() {
  await stopReply();
  if (conversation.messages.length > 0) show(store.newConversation());
  openMenu(false);
  ui.prompt.focus();
}

/** Deleting asks for a second click, so that a slip of the finger loses nothing. */
async function deleteChat() {
  if (ui.deleteButton.dataset.armed !== 'true') {
    ui.deleteButton.dataset.armed = 'true';
    ui.deleteButton.textContent = 'Click again to delete';
    return;
  }
  disarmDelete();
  await stopReply();
  attempt('The conversation could not be deleted', () => store.deleteConversation(conversation.id));
  show(saved()[0] || store.newConversation());
}

function disarmDelete() {
  ui.deleteButton.dataset.armed = 'false';
  ui.deleteButton.textContent = 'Delete';
}

/** Downloads the conversation as JSON through a link to a Blob: a navigation, not a fetch. */
function exportChat() {
  const { filename, blob } = store.exportFile(conversation);
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000); // the download reads it after click() returns
}

function openMenu(open) {
  ui.layout.classList.toggle('menu-open', open);
  ui.menu.setAttribute('aria-expanded', String(open));
}

function notice(text) {
  ui.notice.textContent = text;
  ui.notice.hidden = false;
}

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  send();
});
ui.prompt.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  if (running) running.stop();
  else if (ui.layout.classList.contains('menu-open')) openMenu(false);
});
ui.stop.addEventListener('click', () => running?.stop());
ui.scroller.addEventListener('scroll', () => {
  following = ui.scroller.scrollTop + ui.scroller.clientHeight >= ui.scroller.scrollHeight - 40;
});
ui.list.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-id]');
  if (button) switchTo(button.dataset.id);
});
ui.menu.addEventListener('click', () => openMenu(!ui.layout.classList.contains('menu-open')));
$('new-chat').addEventListener('click', newChat);
ui.deleteButton.addEventListener('click', deleteChat);
ui.deleteButton.addEventListener('blur', disarmDelete);
ui.exportButton.addEventListener('click', exportChat);
store.watchConversations(showList);

const list = saved();
show(list.find((c) => c.id === store.currentId()) || list[0] || store.newConversation());
const prefill = new URLSearchParams(location.search).get('q');
if (prefill) ui.prompt.value = prefill;
ui.prompt.focus();
