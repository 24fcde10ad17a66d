// Every request Client4 can send: each method is called once with placeholder arguments while
// `fetch` only records (method, path) and answers `{}`. No server is involved; the pytest side
// classifies the routes against the app's route registry (tests/mattermost/test_client_sweep.py).
import mattermost from '@mattermost/client';

import { scenario } from './harness.mjs';

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

scenario(async (obs) => {
  let sent = [];
  globalThis.fetch = async (url, options = {}) => {
    const parsed = new URL(String(url));
    const path = decodeURIComponent(parsed.pathname);
    sent.push({ method: (options.method || 'get').toUpperCase(), path });
    return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
  const fresh = () => {
    const client = new Client4();
    client.setUrl(ORIGIN);
    client.setToken('token');
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
    for (const request of recorded) {
      obs.requests.push({ name, ...request });
    }
  }
});
