// The classic @rocket.chat/sdk 0.2.x driver (Asteroid over DDP, what hubot-rocketchat runs on),
// unmodified: a bot that joins a room, listens on `__my_messages__` through respondToMessages and
// answers a DM, a mention and a channel command sent by bob over REST.
import classic from 'rocketchat-sdk-classic';

import { restAs, scenario, serverUrl, silentLogger, waitFor } from './harness.mjs';

const { driver, settings } = classic;
const BOT = 'helper-bot';

/** The bot's behaviour: a DM is echoed, a mention greeted, `!ping` answered (then edited). */
async function answer(message, meta) {
  if (meta.roomType === 'd') {
    return driver.sendDirectToUser(`you said: ${message.msg}`, message.u.username);
  }
  if ((message.mentions || []).some((m) => m.username === BOT)) {
    await driver.setReaction(':wave:', message._id);
    return driver.sendToRoom(`@${message.u.username} at your service`, meta.roomName);
  }
  if (message.msg.startsWith('!ping')) {
    const pong = await driver.sendToRoomId('pong', message.rid);
    await driver.editMessage({ _id: pong._id, rid: pong.rid, msg: 'pong (edited)' });
    return pong;
  }
  return null;
}

scenario(async (obs) => {
  const host = serverUrl('ROCKETCHAT_URL');
  driver.useLog(silentLogger());

  const asBob = await restAs(host, 'bob');
  obs.lab = await asBob('channels.create', { name: 'bot-lab' });
  obs.elsewhere = await asBob('channels.create', { name: 'bot-free' });

  await driver.connect({ host: settings.host, useSsl: settings.useSsl });
  obs.bot_id = await driver.login({ username: BOT, password: `${BOT}-password` });
  await driver.joinRooms(['bot-lab']);
  obs.joined = [...driver.joinedIds];
  await driver.subscribeToMessages();

  const events = []; // every change the collection reports, answered or not
  const answers = [];
  obs.events = events;
  obs.answers = answers;
  driver.reactToMessages((err, message, meta) => {
    events.push(err ? { error: err.message } : { _id: message._id, rid: message.rid, meta });
  });
  await driver.respondToMessages(
    (err, message, meta) => {
      answer(message, meta).then(
        (sent) => answers.push({ to: message._id, sent }),
        (error) => answers.push({ to: message._id, error: String(error && error.message) }),
      );
    },
    { dm: true },
  );
  const answered = (id) => () => answers.some((a) => a.to === id);

  // Not a member of bot-free: heard (the room is public) but not answered.
  obs.ignored = await asBob('chat.postMessage', { channel: '#bot-free', text: '!ping' });
  obs.dm = await asBob('chat.postMessage', { channel: `@${BOT}`, text: 'hello bot' });
  await waitFor(answered(obs.dm.body.message._id), 5000, 'the DM answer');
  obs.mention = await asBob('chat.postMessage', { channel: '#bot-lab', text: `@${BOT} hi` });
  await waitFor(answered(obs.mention.body.message._id), 5000, 'the mention answer');
  obs.command = await asBob('chat.postMessage', { channel: '#bot-lab', text: '!ping' });
  await waitFor(answered(obs.command.body.message._id), 5000, 'the command answer');

  const lab = obs.lab.body.channel._id;
  obs.room_name = await driver.getRoomName(lab);
  obs.roles = await driver.asyncCall('getRoomRoles', lab);
  obs.history = await driver.asyncCall('loadHistory', [lab, null, 10, null]);
  await driver.disconnect();
});
