// WebSocketClient's own reconnection: the connection drops, bob posts meanwhile, and the client
// comes back with `connection_id` + `sequence_number`; the server must replay what was missed with
// the original `seq` (no new `hello`), which the client checks before accepting anything.
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

async function loggedIn(url, username) {
  const client = new Client4();
  client.setUrl(url);
  await client.login(username, `${username}-password`);
  return client;
}

scenario(async (obs) => {
  const url = serverUrl('MATTERMOST_URL');
  const alice = await loggedIn(url, 'alice');
  const bob = await loggedIn(url, 'bob');
  const channel = await alice.getChannelByNameAndTeamName('acme', 'engineering');

  const trace = { urls: [], events: [], closes: [], reconnects: 0, missed: 0 };
  obs.trace = trace;
  const socket = new WebSocketClient({
    newWebSocketFn: (target) => {
      trace.urls.push(target);
      return new WebSocket(target);
    },
    minWebSocketRetryTime: 1500,
    reconnectJitterRange: 1,
  });
  socket.addMessageListener((msg) => trace.events.push(msg));
  socket.addCloseListener((failCount) => trace.closes.push(failCount));
  socket.addReconnectListener(() => {
    trace.reconnects += 1;
  });
  socket.addMissedMessageListener(() => {
    trace.missed += 1;
  });
  socket.initialize(`${url.replace(/^http/, 'ws')}/api/v4/websocket`, alice.getToken());
  await waitFor(() => trace.events.some((e) => e.event === 'hello'), 5000, 'hello');

  obs.before = await bob.createPost({ channel_id: channel.id, message: 'before the drop' });
  await waitFor(() => trace.events.some((e) => e.event === 'posted'), 5000, 'first posted');

  // The network drops: the client's own close handler runs and schedules the reconnection.
  obs.received_before_drop = trace.events.length;
  socket.conn.close();
  await waitFor(() => trace.closes.length === 1, 5000, 'close');
  obs.during = await bob.createPost({ channel_id: channel.id, message: 'while away' });
  await waitFor(() => trace.reconnects === 1, 8000, 'reconnect');
  await waitFor(
    () => trace.events.some((e) => e.event === 'posted' && e.data.post.includes(obs.during.id)),
    5000,
    'missed posted',
  );
  obs.after = await bob.createPost({ channel_id: channel.id, message: 'back again' });
  await waitFor(
    () => trace.events.some((e) => e.event === 'posted' && e.data.post.includes(obs.after.id)),
    5000,
    'live posted',
  );
  socket.close();
});
