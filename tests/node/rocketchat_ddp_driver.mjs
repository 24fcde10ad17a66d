// The lower-level Rocketchat client's DDP driver on its own: password login (sha-256 digest, as
// the driver sends it), a wrong password, the user's notify stream, and method calls.
import sdk from '@rocket.chat/sdk';

import { attempt, restAs, scenario, serverUrl, silentLogger, waitFor } from './harness.mjs';

const { Rocketchat, settings } = sdk;

function failure(result) {
  return result.error !== undefined ? result.error : { unexpected_success: result.ok };
}

scenario(async (obs) => {
  serverUrl('ROCKETCHAT_URL'); // the SDK's settings read it
  const host = settings.host;
  const client = new Rocketchat({ host, useSsl: settings.useSsl, logger: silentLogger() });
  await client.connect({});
  const driver = await client.socket;

  obs.before_login = failure(
    await attempt(() => client.methodCall('getRoomIdByNameOrId', 'general')),
  );
  obs.wrong_password = failure(
    await attempt(() => driver.login({ username: 'alice', password: 'not-the-password' })),
  );
  obs.login = await driver.login({ username: 'alice', password: 'alice-password' });
  const userId = obs.login.id;

  const notifications = [];
  obs.notifications = notifications;
  await client.onStreamData('stream-notify-user', (data) => {
    notifications.push({ eventName: data.fields.eventName, args: data.fields.args });
  });
  obs.notify_subscriptions = (await client.subscribeNotifyUser()).map((s) => s.params[0]);

  obs.dm = await client.methodCall('createDirectMessage', 'bob');
  const asBob = await restAs(host, 'bob');
  obs.bob_dm = await asBob('chat.postMessage', { roomId: obs.dm.rid, text: 'psst, alice' });
  await waitFor(
    () => notifications.some((n) => n.eventName === `${userId}/subscriptions-changed`),
    5000,
    'subscriptions-changed',
  );
  obs.user_id = userId;

  obs.room_name = await client.methodCall('getRoomNameById', 'GENERAL');
  obs.history = await client.methodCall('loadHistory', obs.dm.rid, null, 2, null);
  obs.react = await client.methodCall('setReaction', ':wave:', obs.bob_dm.body.message._id);
  obs.bad_params = failure(await attempt(() => client.methodCall('getRoomNameById', 42)));

  obs.logout = await client.methodCall('logout');
  obs.after_logout = failure(await attempt(() => client.methodCall('getRoomNameById', 'GENERAL')));
  await client.disconnect();
});
