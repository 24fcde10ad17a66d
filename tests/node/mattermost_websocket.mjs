// @mattermost/client WebSocketClient against /api/v4/websocket: alice listens (token through the
// authentication_challenge, as the client does when given a token), bob posts, reacts and types
// through REST and his own socket; the events alice's client accepted are reported in order.
import mattermost from '@mattermost/client';
import WebSocket from 'ws';

import { scenario, serverUrl, waitFor } from './harness.mjs';

const { Client4, WebSocketClient } = mattermost;

// Node 20 has neither global: the client names both when it drops a connection on its own
// (sequence gap, missed pong), which is exactly what this scenario must be able to report.
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

function listen(wsUrl, token, trace) {
  const socket = new WebSocketClient({
    newWebSocketFn: (target) => {
      trace.urls.push(target);
      return new WebSocket(target);
    },
    clientPingInterval: 400,
    minWebSocketRetryTime: 60000,
  });
  socket.addMessageListener((msg) => trace.events.push(msg));
  socket.addFirstConnectListener(() => trace.opened.push(Date.now()));
  socket.addCloseListener((failCount) => trace.closes.push(failCount));
  socket.addErrorListener((evt) => trace.errors.push(String(evt && evt.message)));
  socket.initialize(wsUrl, token);
  return socket;
}

function reply(trace, key) {
  return (msg) => {
    trace.replies[key] = msg;
  };
}

scenario(async (obs) => {
  const url = serverUrl('MATTERMOST_URL');
  const alice = await loggedIn(url, 'alice');
  const bob = await loggedIn(url, 'bob');
  const wsUrl = `${url.replace(/^http/, 'ws')}/api/v4/websocket`;
  const channel = await alice.getChannelByNameAndTeamName('acme', 'engineering');
  obs.channel = channel;
  obs.alice_id = (await alice.getMe()).id;
  obs.server_version = alice.serverVersion;

  const trace = { urls: [], events: [], opened: [], closes: [], errors: [], replies: {} };
  obs.alice = trace;
  const socket = listen(wsUrl, alice.getToken(), trace);
  await waitFor(() => trace.events.some((e) => e.event === 'hello'), 5000, 'hello');

  socket.ping(reply(trace, 'ping'));
  obs.bob_id = (await bob.getMe()).id;
  socket.getStatusesByIds([obs.bob_id], reply(trace, 'statuses'));
  await waitFor(() => trace.replies.ping && trace.replies.statuses, 5000, 'action replies');

  obs.post = await bob.createPost({ channel_id: channel.id, message: 'seen by WebSocketClient' });
  await waitFor(
    () => trace.events.some((e) => e.event === 'posted' && e.data.post.includes(obs.post.id)),
    5000,
    'posted',
  );
  obs.reaction = await bob.addReaction(obs.post.user_id, obs.post.id, 'tada');
  await waitFor(() => trace.events.some((e) => e.event === 'reaction_added'), 5000, 'reaction');

  const bobTrace = { urls: [], events: [], opened: [], closes: [], errors: [], replies: {} };
  const bobSocket = listen(wsUrl, bob.getToken(), bobTrace);
  await waitFor(() => bobTrace.events.some((e) => e.event === 'hello'), 5000, "bob's hello");
  bobSocket.userTyping(channel.id, '', reply(bobTrace, 'typing'));
  await waitFor(() => trace.events.some((e) => e.event === 'typing'), 5000, 'typing');
  bobSocket.sendMessage('user_typing', { channel_id: 'nope' }, reply(bobTrace, 'bad_typing'));
  bobSocket.sendMessage('no_such_action', {}, reply(bobTrace, 'bad_action'));

  obs.edited = await bob.patchPost({ id: obs.post.id, message: 'seen and edited' });
  await waitFor(() => trace.events.some((e) => e.event === 'post_edited'), 5000, 'post_edited');
  obs.deleted = await bob.deletePost(obs.post.id);
  await waitFor(() => trace.events.some((e) => e.event === 'post_deleted'), 5000, 'post_deleted');
  obs.viewed = await alice.viewMyChannel(channel.id);
  await waitFor(
    () => trace.events.some((e) => e.event === 'multiple_channels_viewed'),
    5000,
    'multiple_channels_viewed',
  );
  await waitFor(() => bobTrace.replies.bad_action, 5000, 'bad action reply');

  // Long enough for a few of the client's own pings: a missing pong or a sequence gap shows up
  // as a close.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  obs.bob = {
    replies: bobTrace.replies,
    closes: bobTrace.closes,
    events: bobTrace.events.map((e) => e.event),
  };
  socket.close();
  bobSocket.close();
});
