// The classic @rocket.chat/sdk 0.2.x driver, unmodified, as an omnichannel agent bot:
// respondToMessages with `livechat: true` hears a visitor's message in its `t: 'l'` room (the
// `roomType: 'l'` extra argument of `__my_messages__`) and answers through DDP `sendMessage`.
// The visitor is a widget over REST (`livechat/visitor`, `livechat/room`, `livechat/message`)
// and reads the answer back with `livechat/messages.history`.
import classic from 'rocketchat-sdk-classic';

import { scenario, serverUrl, silentLogger, waitFor } from './harness.mjs';

const { driver, settings } = classic;
const BOT = 'helper-bot';
const TOKEN = 'classic-livechat-visitor';

async function call(host, method, path, { body, query, headers = {} } = {}) {
  const url = new URL(`${host}/api/v1/${path}`);
  for (const [key, value] of Object.entries(query || {})) {
    url.searchParams.set(key, value);
  }
  const init = { method, headers: { 'Content-Type': 'application/json', ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

async function adminHeaders(host) {
  const login = await call(host, 'POST', 'login', {
    body: { user: 'admin', password: 'admin-password' },
  });
  return { 'X-User-Id': login.body.data.userId, 'X-Auth-Token': login.body.data.authToken };
}

scenario(async (obs) => {
  const host = serverUrl('ROCKETCHAT_URL');
  driver.useLog(silentLogger());
  const admin = await adminHeaders(host);
  obs.agent = await call(host, 'POST', 'livechat/users/agent', {
    body: { username: BOT },
    headers: admin,
  });

  await driver.connect({ host: settings.host, useSsl: settings.useSsl });
  obs.bot_id = await driver.login({ username: BOT, password: `${BOT}-password` });
  obs.available = await call(host, 'POST', 'livechat/agent.status', {
    body: { agentId: obs.bot_id, status: 'available' },
    headers: admin,
  });
  await driver.subscribeToMessages();

  const answers = [];
  obs.answers = answers;
  await driver.respondToMessages(
    (err, message, meta) => {
      if (err || meta.roomType !== 'l') {
        return;
      }
      driver.sendToRoomId(`Hello ${message.u.name}, you wrote: ${message.msg}`, message.rid).then(
        (sent) => answers.push({ to: message._id, meta, sent }),
        (error) => answers.push({ to: message._id, meta, error: String(error && error.message) }),
      );
    },
    { livechat: true, dm: false },
  );

  // The widget's side: no login, the visitor's token.
  obs.visitor = await call(host, 'POST', 'livechat/visitor', {
    body: { visitor: { token: TOKEN, name: 'Vera Visitor' } },
  });
  obs.room = await call(host, 'GET', 'livechat/room', {
    query: { token: TOKEN, agentId: obs.bot_id },
  });
  const rid = obs.room.body.room._id;
  obs.question = await call(host, 'POST', 'livechat/message', {
    body: { token: TOKEN, rid, msg: 'is anyone there?' },
  });
  const asked = obs.question.body.message._id;
  await waitFor(() => answers.some((a) => a.to === asked), 5000, 'the livechat answer');
  obs.history = await call(host, 'GET', `livechat/messages.history/${rid}`, {
    query: { token: TOKEN },
  });
  await driver.disconnect();
});
