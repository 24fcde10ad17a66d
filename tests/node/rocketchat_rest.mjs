// @rocket.chat/sdk's REST client (the ApiRocketChat class the Bot and Rocketchat clients extend)
// against /api/v1: login, me, messages, rooms, users, reactions, edits, history, direct messages.
import sdk from '@rocket.chat/sdk';
import restModule from '@rocket.chat/sdk/lib/api/RocketChat.js';

import { attempt, scenario, serverUrl, silentLogger } from './harness.mjs';

const ApiRocketChat = restModule.default;
const { settings } = sdk;

/** The SDK rejects with the raw `{status, data}` result on a 4xx/5xx. */
function failure(result) {
  return result.error !== undefined ? result.error : { unexpected_success: result.ok };
}

scenario(async (obs) => {
  // settings reads ROCKETCHAT_URL / ROCKETCHAT_USE_SSL, as a bot built on the SDK would.
  obs.settings = { host: settings.host, useSsl: settings.useSsl };
  serverUrl('ROCKETCHAT_URL'); // the SDK's settings read it
  const host = settings.host;
  const api = new ApiRocketChat({ host, logger: silentLogger() });

  obs.login = await api.login({ username: 'alice', password: 'alice-password' });
  obs.logged_in = { username: api.username, userId: api.userId, loggedIn: api.loggedIn() };
  obs.me = await api.get('me');

  const text = 'hi from the SDK';
  obs.post = await api.post('chat.postMessage', { channel: '#engineering', text });
  const rid = obs.post.message.rid;
  obs.channel_info = await api.channelInfo({ roomName: 'engineering' });
  obs.private_info = await api.privateInfo({ roomName: 'leadership' });
  // rooms.info reads roomId/roomName; the SDK sends `rid`, which the real server refuses.
  obs.room_info = failure(await attempt(() => api.rooms.info({ rid })));

  obs.sent = await api.sendMessage('sent with sendMessage', rid);
  obs.react = await api.setReaction(':thumbsup:', obs.sent._id);
  obs.edit = await api.editMessage({ _id: obs.sent._id, rid, msg: 'edited by the SDK' });
  obs.history = await api.loadHistory(rid, new Date(Date.now() - 60 * 60 * 1000));

  obs.user_info = await api.users.info('bob');
  obs.users = await api.users.all();
  obs.dm = await api.createDirectMessage('bob');

  obs.missing_room = failure(await attempt(() => api.channelInfo({ roomName: 'no-such-room' })));
  obs.empty_message = failure(await attempt(() => api.post('chat.postMessage', { text: 'x' })));
  // The 1.0 alpha resolves room names through a REST route the real server does not have
  // (getRoomIdByNameOrId is a DDP method): it must fail here as it does there.
  obs.room_id_by_name = failure(await attempt(() => api.getRoomIdByNameOrId('engineering')));

  const stranger = new ApiRocketChat({ host, logger: silentLogger() });
  obs.wrong_password = failure(
    await attempt(() => stranger.login({ username: 'alice', password: 'not-the-password' })),
  );
  obs.stranger_logged_in = stranger.currentLogin !== null;

  const token = { userId: api.userId, authToken: api.currentLogin.authToken };
  obs.logout = await api.logout();
  const revoked = new ApiRocketChat({ host, logger: silentLogger() });
  revoked.client.headers = { 'X-User-Id': token.userId, 'X-Auth-Token': token.authToken };
  obs.after_logout = failure(await attempt(() => revoked.get('me')));
});
