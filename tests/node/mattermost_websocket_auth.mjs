// How WebSocketClient authenticates: the browser way (no token given to the client, the
// MMAUTHTOKEN cookie on the upgrade request) and with a token the server does not know, which the
// real server answers by closing the socket without a word.
import mattermost from '@mattermost/client';
import WebSocket from 'ws';

import { scenario, serverUrl, waitFor } from './harness.mjs';

const { Client4, WebSocketClient } = mattermost;

globalThis.WebSocket ??= WebSocket;
globalThis.CloseEvent ??= class CloseEvent {
  constructor(type, init = {}) {
    this.type = type;
    this.code = init.code;
    this.wasClean = init.wasClean;
  }
};

function connect(wsUrl, token, headers) {
  const trace = { events: [], replies: {}, closes: [], frames: [], codes: [] };
  const socket = new WebSocketClient({
    newWebSocketFn: (target) => {
      const conn = new WebSocket(target, { headers });
      conn.addEventListener('message', (evt) => trace.frames.push(JSON.parse(evt.data)));
      conn.addEventListener('close', (evt) => trace.codes.push(evt.code));
      return conn;
    },
    minWebSocketRetryTime: 60000,
  });
  socket.addMessageListener((msg) => trace.events.push(msg));
  socket.addCloseListener((failCount) => trace.closes.push(failCount));
  socket.initialize(wsUrl, token);
  return { socket, trace };
}

scenario(async (obs) => {
  const url = serverUrl('MATTERMOST_URL');
  const wsUrl = `${url.replace(/^http/, 'ws')}/api/v4/websocket`;
  const alice = new Client4();
  alice.setUrl(url);
  obs.me = await alice.login('alice', 'alice-password');

  // The browser way: the session cookie rides on the upgrade; no challenge is sent.
  const cookie = connect(wsUrl, undefined, { Cookie: `MMAUTHTOKEN=${alice.getToken()}` });
  obs.cookie = cookie.trace;
  await waitFor(() => cookie.trace.events.some((e) => e.event === 'hello'), 5000, 'hello');
  cookie.socket.ping((msg) => {
    cookie.trace.replies.ping = msg;
  });
  await waitFor(() => cookie.trace.replies.ping, 5000, 'pong');
  cookie.socket.close();

  // A token the server does not know: no hello, no error frame, the socket is closed.
  const stranger = connect(wsUrl, 'x'.repeat(26), {});
  obs.stranger = stranger.trace;
  await waitFor(() => stranger.trace.closes.length > 0, 8000, 'close');
  stranger.socket.close();
});
