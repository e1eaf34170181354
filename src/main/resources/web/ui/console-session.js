// The console's calls to the gateway: JSON in and out, with a key held in memory only
// (never in localStorage, sessionStorage or a cookie), and every refusal turned into an
// error a view can show as it is.
import { apiFetch, errorOf, describeError } from './api.js';

/** A refused or failed call: error is errorOf's object, message the text to show. */
export class CallFailed extends Error {
  constructor(error, message = explain(error)) {
    super(message);
    this.error = error;
  }
}

/** What to show for an error from errorOf: what to do, then what the gateway said. */
export function explain(error) {
  const what = [error.status ? 'HTTP ' + error.status : null, error.code].filter(Boolean).join(' ');
  const advice = describeError(error);
  return (advice ? advice + ' ' : '') + `(${what ? what + ': ' : ''}${error.message})`;
}

/** Sends a request and returns its JSON body; throws CallFailed on a refusal or a network failure. */
export async function callJson(path, { method = 'GET', body, key } = {}) {
  let response;
  try {
    response = await apiFetch(path, { method, body, key });
  } catch (failure) {
    const error = { status: 0, code: null, message: failure.message };
    throw new CallFailed(error, 'The gateway could not be reached: check that it runs, then try again. (' + failure.message + ')');
  }
  if (!response.ok) {
    throw new CallFailed(await errorOf(response));
  }
  return response.json();
}

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
