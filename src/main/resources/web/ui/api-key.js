// Where the playground's API key is kept in this browser: in this tab's sessionStorage, in
// localStorage only when the user ticks "remember", and nowhere after "forget key". The API
// reference's "Try it" offers the same key, so both pages read it from here.

const KEY = 'gateway.playground.key';

/** The key kept for this tab or remembered on this device, or '' (also when storage is off). */
export function storedKey() {
  try {
    return localStorage.getItem(KEY) || sessionStorage.getItem(KEY) || '';
  } catch {
    return '';
  }
}

/** Whether the key is remembered on this device (in localStorage). */
export function isRemembered() {
  return localStorage.getItem(KEY) !== null;
}

/** Keeps a key for this tab, or on this device when remember is true; an empty key is forgotten. */
export function storeKey(value, remember) {
  forgetKey();
  if (value) (remember ? localStorage : sessionStorage).setItem(KEY, value);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}
