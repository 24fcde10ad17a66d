// Every request Client4 can send: each method is called once with placeholder arguments while
// `fetch` only records (method, path) and answers `{}`; the pytest side classifies the routes
// against the app's route registry (tests/mattermost/test_client_sweep.py). With MATTERMOST_URL
// set, the requests go to that server for real, as its admin, and their answers are recorded.
import mattermost from '@mattermost/client';

import { scenario, serverUrl } from './harness.mjs';

const { Client4 } = mattermost;
const ORIGIN = 'http://client4.invalid';

function methodNames(client) {
  const names = new Set(Object.keys(client));
  for (let proto = Object.getPrototypeOf(client); proto && proto !== Object.prototype; ) {
    Object.getOwnPropertyNames(proto).forEach((name) => names.add(name));
    proto = Object.getPrototypeOf(proto);
  }
  names.delete('constructor');
  return [...names].filter((name) => typeof client[name] === 'function').sort();
}

// Arguments in the shapes methods expect: a string (an id, a name), a list, an object (with
// an id, as updateScheduledPost reads one).
const SHAPES = [
  (i) => `{p${i}}`,
  (i) => [`{p${i}}`],
  (i) => ({ id: `{p${i}}` }),
];

async function adminToken(url) {
  const client = new Client4();
  client.setUrl(url);
  await client.login('admin', 'admin-password');
  return client.getToken();
}

scenario(async (obs) => {
  const live = Boolean(process.env.MATTERMOST_URL);
  const origin = live ? serverUrl('MATTERMOST_URL') : ORIGIN;
  const realFetch = globalThis.fetch;
  let token = live ? await adminToken(origin) : 'token';
  let sent = [];
  globalThis.fetch = async (url, options = {}) => {
    const parsed = new URL(String(url));
    const request = {
      method: (options.method || 'get').toUpperCase(),
      path: decodeURIComponent(parsed.pathname),
    };
    sent.push(request);
    if (!live) {
      return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    }
    const response = await realFetch(url, options);
    request.status = response.status;
    if ((response.headers.get('content-type') || '').startsWith('application/json')) {
      const body = await response.clone().json().catch(() => null);
      request.id = body && typeof body === 'object' && !Array.isArray(body) ? body.id : undefined;
    }
    return response;
  };
  const fresh = () => {
    const client = new Client4();
    client.setUrl(origin);
    client.setToken(token);
    return client;
  };

  obs.requests = [];
  obs.no_request = [];
  for (const name of methodNames(fresh())) {
    let recorded = [];
    for (const [shape, count] of SHAPES.flatMap((s) => [[s, 0], [s, 4]])) {
      sent = [];
      // A new client each time: setters (setUrl, setToken, ...) change the one they are called on.
      const client = fresh();
      // As many arguments as it declares before its first default; then four, for a method
      // whose leading defaults hide a required one (getUserThreads' options object).
      const length = count || Math.max(client[name].length, 1);
      const args = Array.from({ length }, (_, i) => shape(i));
      try {
        await client[name](...args);
      } catch {
        // a shape the method cannot take; the next one may do
      }
      if (sent.length > 0) {
        recorded = sent;
        break;
      }
    }
    if (recorded.length === 0) {
      obs.no_request.push(name);
    }
    if (live && recorded.some((r) => r.id === 'api.context.session_expired.app_error')) {
      token = await adminToken(origin); // the call before ended the session (logout, revoke)
    }
    for (const request of recorded) {
      obs.requests.push({ name, ...request });
    }
  }
});
