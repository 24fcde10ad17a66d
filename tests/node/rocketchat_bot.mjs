// @rocket.chat/sdk 1.0's Bot as a bot author writes it: respondToMessages on `__my_messages__`
// (the SDK looks each room up over REST to filter DMs) answering a DM, a mention and a channel
// command that bob sends over REST; the answers go out through the SDK's REST side.
import sdk from '@rocket.chat/sdk';

import { describeError, restAs, scenario, serverUrl, silentLogger, waitFor } from './harness.mjs';

const { Bot, settings } = sdk;
const BOT = 'helper-bot';

scenario(async (obs) => {
  serverUrl('ROCKETCHAT_URL'); // the SDK's settings read it
  const bot = new Bot({ host: settings.host, useSsl: settings.useSsl, logger: silentLogger() });
  await bot.connect({});
  await bot.login({ username: BOT, password: `${BOT}-password` });
  obs.bot_id = bot.userId;

  const asBob = await restAs(settings.host, 'bob');
  obs.lab = await asBob('channels.create', { name: 'sdk-lab', members: [BOT] });

  // respondToMessages calls back again when a message changes (a reaction, say): a bot
  // remembers what it answered.
  const answers = [];
  const heard = [];
  obs.answers = answers;
  obs.heard = heard;
  const seen = new Set();
  async function answer(message) {
    // Not bot.rooms.info(): it sends `rid`, which the real rooms.info does not read.
    const { room } = await bot.get('rooms.info', { roomId: message.rid }, true);
    if (room.t === 'd') {
      return bot.sendDirectToUser(`you said: ${message.msg}`, message.u.username);
    }
    if ((message.mentions || []).some((m) => m.username === BOT)) {
      return bot.sendToRoomId(`@${message.u.username} at your service`, message.rid);
    }
    if (message.msg.startsWith('!ping')) {
      const pong = await bot.sendToRoomId('pong', message.rid);
      await bot.editMessage({ _id: pong._id, rid: pong.rid, msg: 'pong (edited)' });
      return pong;
    }
    return null;
  }
  await bot.respondToMessages(
    (err, message) => {
      if (err || seen.has(message._id)) {
        return;
      }
      seen.add(message._id);
      heard.push({ _id: message._id, rid: message.rid, msg: message.msg, t: message.t });
      answer(message).then(
        (sent) => answers.push({ to: message._id, sent }),
        (error) => answers.push({ to: message._id, error: describeError(error) }),
      );
    },
    { dm: true },
  );
  const answered = (id) => () => answers.some((a) => a.to === id);

  obs.dm = await asBob('chat.postMessage', { channel: `@${BOT}`, text: 'hello bot' });
  await waitFor(answered(obs.dm.body.message._id), 5000, 'the DM answer');
  obs.mention = await asBob('chat.postMessage', { channel: '#sdk-lab', text: `@${BOT} hi` });
  await waitFor(answered(obs.mention.body.message._id), 5000, 'the mention answer');
  obs.command = await asBob('chat.postMessage', { channel: '#sdk-lab', text: '!ping' });
  await waitFor(answered(obs.command.body.message._id), 5000, 'the command answer');
  await bot.disconnect();
});
