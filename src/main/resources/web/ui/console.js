// The console page's wiring: the two tabs, unlocking with the admin key (held in memory
// only) and locking again, the keys table and its form, the usage charts, and the
// latency and backends panels refreshed every few seconds while the page is visible.
import { admin, showFailure } from './console-session.js';
import { keysTable } from './console-keys.js';
import { keyForm } from './console-key-form.js';
import { showSecret } from './console-secret.js';
import { usageView } from './console-usage.js';
import { backendsView } from './console-backends.js';
import { latencyView } from './console-latency.js';
import { mineView } from './console-mine.js';

/** How often the latency and backends panels are refreshed: live enough, and cheap for the gateway. */
const REFRESH_MS = 5000;
const $ = (id) => document.getElementById(id);

function tabs() {
  const all = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab) => {
    for (const t of all) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute('aria-controls')).hidden = !on;
    }
    tab.focus();
  };
  all.forEach((tab, i) => {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) select(all[(i + step + all.length) % all.length]);
    });
  });
}

const keysError = $('keys-error');
const secret = $('secret');
const usage = usageView({ fetchUsage: (query) => admin.call('/admin/usage?' + query), withKeys: true });
const backends = backendsView({ table: $('backends'), summary: $('backends-summary'), error: $('backends-error') });
const latency = latencyView({ list: $('latency'), error: $('latency-error') });
const form = keyForm({
  onSaved: (key, created) => {
    if (created) showSecret(secret, key, false);
    else $('new-key').focus();
    reloadKeys();
  },
  onClosed: () => $('new-key').focus(),
});
const table = keysTable({
  onEdit: (key) => form.open(key),
  onSecret: (key) => showSecret(secret, key, true),
  onChanged: reloadKeys,
  onFailure: (failure) => showFailure(keysError, failure),
});

async function reloadKeys() {
  try {
    const list = await admin.call('/admin/keys');
    showFailure(keysError, null);
    table.render(list.data);
    usage.setKeys(list.data);
  } catch (failure) {
    showFailure(keysError, failure);
  }
}

function refreshLive() {
  if (admin.key && !document.hidden) {
    backends.load();
    latency.load();
  }
}

function refreshAll() {
  reloadKeys();
  usage.load();
  refreshLive();
}

$('unlock').addEventListener('submit', async (event) => {
  event.preventDefault();
  admin.key = $('admin-key').value.trim();
  try {
    const list = await admin.call('/admin/keys'); // the key is checked before anything is shown
    $('admin-key').value = '';
    showFailure($('unlock-error'), null);
    $('unlock').hidden = true;
    $('admin').hidden = false;
    table.render(list.data);
    usage.setKeys(list.data);
    usage.load();
    refreshLive();
    $('new-key').focus();
  } catch (failure) {
    admin.key = null;
    showFailure($('unlock-error'), failure);
  }
});

$('lock').addEventListener('click', () => {
  admin.key = null;
  form.close();
  secret.replaceChildren();
  table.render([]);
  usage.setKeys([]);
  usage.clear();
  $('admin').hidden = true;
  $('unlock').hidden = false;
  $('admin-key').focus();
});

$('refresh').addEventListener('click', refreshAll);
$('new-key').addEventListener('click', () => form.open(null));
$('key-form').append(form.element);
$('keys').append(table.element);
$('usage').append(usage.element);
setInterval(refreshLive, REFRESH_MS);
document.addEventListener('visibilitychange', refreshLive);
tabs();
mineView({ form: $('mine-form'), input: $('mine-key'), forget: $('mine-forget'), error: $('mine-error'), output: $('mine') });
