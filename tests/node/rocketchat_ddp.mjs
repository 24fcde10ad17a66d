// @rocket.chat/sdk's Bot client over DDP (/websocket): connect, login (REST login, then DDP
// resume, as the client does), the `__my_messages__` stream through reactToMessages, a room's
// streams, DDP method calls, and sending through the client's REST side.
import sdk from '@rocket.chat/sdk';

import { attempt, restAs, scenario, serverUrl, silentLogger, waitFor } from './harness.mjs';

const { Bot, settings } = sdk;

function failure(result) {
  return result.error !== undefined ? result.error : { unexpected_success: result.ok };
}

scenario(async (obs) => {
  serverUrl('ROCKETCHAT_URL'); // the SDK's settings read it
  const host = settings.host;
  const bot = new Bot({ host, useSsl: settings.useSsl, logger: silentLogger() });

  const received = [];
  obs.received = received;
  await bot.connect({});
  const socket = await bot.socket;
  obs.connected = { driver: socket.connected, session: typeof socket.ddp.session };

  obs.login = await bot.login({ username: 'alice', password: 'alice-password' });
  obs.user_id = bot.userId;
  await bot.reactToMessages((err, message, meta) => {
    // A copy: the driver's onMessage listener turns the same object's `ts` into a Date later.
    received.push(err ? { error: err.message } : JSON.parse(JSON.stringify({ message, meta })));
  });
  obs.subscription = { id: typeof bot.messages.id, name: bot.messages.name };

  obs.room_id = await bot.methodCall('getRoomIdByNameOrId', 'engineering');
  const rid = obs.room_id;
  const roomEvents = [];
  obs.room_events = roomEvents;
  socket.onMessage((message) => {
    roomEvents.push({ _id: message._id, ts: message.ts.toISOString() });
  });
  const streamNames = [];
  obs.stream_event_names = streamNames;
  socket.ddp.on('stream-room-messages', (data) => streamNames.push(data.fields.eventName));
  obs.room_subscriptions = (await bot.subscribeRoom(rid)).map((s) => s.name);

  const asBob = await restAs(host, 'bob');
  obs.bob_post = await asBob('chat.postMessage', { roomId: rid, text: 'for the bot' });
  const bobId = obs.bob_post.body.message._id;
  await waitFor(() => received.some((r) => r.message && r.message._id === bobId), 5000, 'bob');

  obs.sent = await bot.sendToRoomId('the bot answers', rid);
  await waitFor(
    () => received.some((r) => r.message && r.message._id === obs.sent._id),
    5000,
    'own message',
  );
  obs.ddp_sent = await bot.methodCall('sendMessage', { rid, msg: 'sent over DDP' });
  await waitFor(
    () => received.some((r) => r.message && r.message._id === obs.ddp_sent._id),
    5000,
    'DDP message',
  );
  await waitFor(() => roomEvents.some((e) => e._id === obs.ddp_sent._id), 5000, 'room stream');

  // Changes to a message come back on the same stream, as the whole updated message.
  const heard = (id, test) => () =>
    received.some((r) => r.message && r.message._id === id && test(r.message));
  obs.edit = await bot.editMessage({ _id: obs.sent._id, rid, msg: 'the bot answers, edited' });
  await waitFor(heard(obs.sent._id, (m) => m.editedAt), 5000, 'edited message');
  obs.react = await bot.setReaction(':thumbsup:', bobId);
  await waitFor(heard(bobId, (m) => m.reactions), 5000, 'reaction');
  obs.direct = await bot.sendDirectToUser('a word in private', 'bob');
  await waitFor(heard(obs.direct._id, () => true), 5000, 'direct message');

  obs.bad_method = failure(await attempt(() => bot.methodCall('noSuchMethod')));
  // A name that matches nothing is a null result, which the driver hands back as the whole reply.
  obs.unknown_room = await bot.methodCall('getRoomIdByNameOrId', 'no-such-room');
  // sendToRoom resolves the name through a REST route the real server lacks (see the REST
  // scenario), so it rejects.
  obs.send_to_room = failure(await attempt(() => bot.sendToRoom('by name', 'engineering')));

  // Not bot.unsubscribeAll(): it awaits an answer keyed by the subscription id, but DDP answers
  // `unsub` with `nosub`, which the driver never routes there, so it hangs on any server.
  await bot.disconnect();
  obs.disconnected = !socket.connected;
});
