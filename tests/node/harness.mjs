// Shared plumbing of the scenarios driven by tests/test_node_clients.py.
//
// A scenario is `scenario(async (obs) => {...})`: it fills `obs` with what the client library
// observed. Stdout carries exactly one line, the JSON of `obs`; the libraries' own logging goes to
// stderr. An unexpected exception or the time limit ends the script with a non-zero status after
// printing what was observed so far plus `error`.

const TIMEOUT_MS = Number(process.env.NODE_SCENARIO_TIMEOUT_MS || 20000);

for (const name of ['log', 'info', 'debug', 'warn']) {
  console[name] = (...args) => console.error(...args);
}

/** The parts of an error a test can assert on (ClientError fields, REST results, DDP errors). */
export function describeError(err) {
  if (err === null || err === undefined) {
    return { value: String(err) };
  }
  if (typeof err !== 'object') {
    return { value: err };
  }
  const out = {};
  for (const key of Object.keys(err)) {
    out[key] = err[key];
  }
  if (err instanceof Error) {
    out.class = err.constructor.name;
    out.message = err.message;
  } else if (Object.keys(out).length === 0) {
    // e.g. a WebSocket ErrorEvent, whose fields are prototype getters.
    out.class = err.constructor && err.constructor.name;
    for (const key of ['type', 'message', 'code', 'reason']) {
      if (err[key] !== undefined) {
        out[key] = err[key];
      }
    }
  }
  return JSON.parse(JSON.stringify(out));
}

/** Runs `fn`, resolving to `{ok: value}` or `{error: describeError(err)}`. */
export async function attempt(fn) {
  try {
    return { ok: await fn() };
  } catch (err) {
    return { error: describeError(err) };
  }
}

/** Resolves once `predicate()` is true, or rejects after `ms`. */
export function waitFor(predicate, ms, what) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate()) {
        resolve();
      } else if (Date.now() - started > ms) {
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      } else {
        setTimeout(tick, 20);
      }
    };
    tick();
  });
}

/** The server under test, from the environment set by the pytest side. */
export function serverUrl(variable) {
  const url = process.env[variable];
  if (!url) {
    throw new Error(`${variable} is not set`);
  }
  return url.replace(/\/+$/, '');
}

function finish(obs, code) {
  // Exit once the line is written: a pipe takes 64 KiB at a time, and exiting sooner cuts it.
  process.stdout.write(`${JSON.stringify(obs)}\n`, () => process.exit(code));
}

export function scenario(fn) {
  const obs = {};
  const timer = setTimeout(() => {
    obs.error = { message: `scenario timed out after ${TIMEOUT_MS} ms` };
    finish(obs, 3);
  }, TIMEOUT_MS);
  fn(obs).then(
    () => {
      clearTimeout(timer);
      finish(obs, 0);
    },
    (err) => {
      clearTimeout(timer);
      obs.error = describeError(err);
      if (err && err.stack) {
        console.error(err.stack);
      }
      finish(obs, 1);
    },
  );
}

/** A logger that says nothing, for the SDKs' own chatter. */
export function silentLogger() {
  const log = () => {};
  return { debug: log, info: log, warning: log, warn: log, error: log };
}

/** A seeded user's side over plain REST, so what a bot hears is caused by someone else:
 * `post(path, body)` answers `{status, body}`. */
export async function restAs(host, username) {
  const login = await fetch(`${host}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: username, password: `${username}-password` }),
  }).then((r) => r.json());
  const headers = {
    'Content-Type': 'application/json',
    'X-User-Id': login.data.userId,
    'X-Auth-Token': login.data.authToken,
  };
  return (path, body) =>
    fetch(`${host}/api/v1/${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then(
      async (r) => ({ status: r.status, body: await r.json() }),
    );
}
