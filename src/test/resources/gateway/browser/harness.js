// The page BrowserHarnessTest drives: a message box that sends on Enter, a key log,
// and a streamed fetch that can be stopped. Like the product's pages it runs under a
// strict CSP with Trusted Types, so it builds the DOM with textContent only.

const box = document.getElementById('box');
const sent = document.getElementById('sent');
const events = document.getElementById('events');
const status = document.getElementById('status');

/** Every key pressed in the box, "Shift+Enter" style; Shift alone is left out. */
window.keys = [];
window.clicks = 0;

box.addEventListener('keydown', (event) => {
  if (event.key === 'Shift') return;
  window.keys.push((event.shiftKey ? 'Shift+' : '') + event.key);
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    const item = document.createElement('li');
    item.textContent = box.value;
    sent.append(item);
    box.value = '';
  }
});

document.getElementById('after').addEventListener('click', () => { window.clicks += 1; });

let controller = null;

/** POSTs to /stream and shows each SSE frame's data as a list item while it arrives. */
window.startStream = async () => {
  controller = new AbortController();
  status.textContent = 'streaming';
  try {
    const response = await fetch('/stream', { method: 'POST', body: '{"stream":true}', signal: controller.signal });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const item = document.createElement('li');
        item.textContent = buffer.slice(0, end).replace(/^data: /, '');
        events.append(item);
        buffer = buffer.slice(end + 2);
      }
    }
    status.textContent = 'done';
  } catch (error) {
    status.textContent = error.name;
  }
};

/** What a Stop button does: abort the fetch, which closes the connection. */
window.stopStream = () => controller.abort();
