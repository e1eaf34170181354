// The console's session: the admin key, held in memory only (never in localStorage,
// sessionStorage or a cookie), its calls, and the one way a view shows what failed.
import { CallFailed, callJson } from './api.js';

/** Shows a failure in an element (role="alert"), or clears it when failure is null. */
export function showFailure(element, failure) {
  element.textContent = failure ? (failure instanceof CallFailed ? failure.message : String(failure)) : '';
}

/** The administrator's session: the admin key, in this object and nowhere else. */
export const admin = {
  key: null,
  /** Admin API call with the key held. */
  call(path, options = {}) {
    return callJson(path, { ...options, key: this.key });
  },
};
