// Client4 on what integrations call most: search, threads, preferences, bots, emoji, files,
// groups and status. Each change is read back with a second call; the pytest side also checks
// the realtime events the server published.
import mattermost from '@mattermost/client';

import { attempt, scenario, serverUrl } from './harness.mjs';

const { Client4 } = mattermost;

// The smallest GIF: 2 x 3 pixels.
const GIF = Uint8Array.from([
  0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x02, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x3b,
]);

async function loggedIn(url, username) {
  const client = new Client4();
  client.setUrl(url);
  await client.login(username, `${username}-password`);
  return client;
}

function failure(result) {
  return result.error !== undefined ? result.error : { unexpected_success: result.ok };
}

async function download(client, url) {
  const answer = await fetch(url, { headers: { Authorization: `Bearer ${client.getToken()}` } });
  const bytes = new Uint8Array(await answer.arrayBuffer());
  return {
    status: answer.status,
    type: answer.headers.get('content-type'),
    head: Array.from(bytes.slice(0, 6)),
    size: bytes.length,
  };
}

scenario(async (obs) => {
  const url = serverUrl('MATTERMOST_URL');
  const alice = await loggedIn(url, 'alice');
  const bob = await loggedIn(url, 'bob');
  const admin = await loggedIn(url, 'admin');
  const me = await alice.getMe();
  const bobMe = await bob.getMe();
  const team = await alice.getTeamByName('acme');
  const channel = await alice.getChannelByName(team.id, 'engineering');
  obs.ids = { alice: me.id, bob: bobMe.id, team: team.id, channel: channel.id };

  // -- files, then search ----------------------------------------------------------------------
  const form = new FormData();
  form.append('channel_id', channel.id);
  form.append('files', new Blob([GIF], { type: 'image/gif' }), 'unicorn-dot.gif');
  obs.upload = await alice.uploadFile(form);
  const fileId = obs.upload.file_infos[0].id;
  obs.post = await alice.createPost({
    channel_id: channel.id,
    message: 'the unicorn release',
    file_ids: [fileId],
  });
  obs.file_infos = await alice.getFileInfosForPost(obs.post.id);
  obs.file = await download(alice, alice.getFileUrl(fileId));
  obs.thumbnail = await download(alice, alice.getFileThumbnailUrl(fileId));
  obs.preview = await download(alice, alice.getFilePreviewUrl(fileId));
  obs.link = await alice.getFilePublicLink(fileId);
  const publicFile = await fetch(obs.link.link);
  obs.public_file = { status: publicFile.status, size: (await publicFile.arrayBuffer()).byteLength };

  obs.search_posts = await alice.searchPostsWithParams(team.id, { terms: 'unicorn' });
  obs.search_files = await alice.searchFilesWithParams(team.id, { terms: 'unicorn' });
  obs.search_users = await alice.searchUsers('bob', { team_id: team.id });
  obs.autocomplete_users = await alice.autocompleteUsers('bo', team.id, '');
  obs.search_channels = await alice.searchChannels(team.id, 'engin');

  // -- threads ---------------------------------------------------------------------------------
  const reply = await bob.createPost({
    channel_id: channel.id,
    message: 'a reply in the thread',
    root_id: obs.post.id,
  });
  obs.reply = reply;
  obs.thread = await alice.getUserThread(me.id, team.id, obs.post.id);
  await alice.updateThreadFollowForUser(me.id, team.id, obs.post.id, false);
  obs.threads_unfollowed = await alice.getUserThreads(me.id, team.id, {});
  await alice.updateThreadFollowForUser(me.id, team.id, obs.post.id, true);
  obs.threads_followed = await alice.getUserThreads(me.id, team.id, {});
  await alice.updateThreadReadForUser(me.id, team.id, obs.post.id, reply.create_at + 1);
  obs.thread_read = await alice.getUserThread(me.id, team.id, obs.post.id);

  // -- preferences -----------------------------------------------------------------------------
  const preference = {
    user_id: me.id,
    category: 'display_settings',
    name: 'use_military_time',
    value: 'true',
  };
  obs.saved = await alice.savePreferences(me.id, [preference]);
  obs.preferences = await alice.getMyPreferences();
  obs.deleted_preferences = await alice.deletePreferences(me.id, [preference]);
  obs.preferences_after = await alice.getUserPreferences(me.id);

  // -- bots (creation is switched on by the pytest side) ---------------------------------------
  obs.bot = await admin.createBot({ username: 'deploy-bot', display_name: 'Deploy' });
  const botId = obs.bot.user_id;
  obs.bot_patched = await admin.patchBot(botId, { description: 'ships releases' });
  obs.bot_disabled = await admin.disableBot(botId);
  obs.bots_after_disable = await admin.getBots();
  obs.bots_with_deleted = await admin.getBotsIncludeDeleted();
  obs.bot_enabled = await admin.enableBot(botId);
  obs.bot_assigned = await admin.assignBot(botId, bobMe.id);
  obs.bot_read = await admin.getBot(botId);
  obs.bot_user = await admin.getUser(botId);

  // -- emoji -----------------------------------------------------------------------------------
  obs.emoji = await alice.createCustomEmoji(
    { name: 'ship-it', creator_id: me.id },
    new Blob([GIF], { type: 'image/gif' }),
  );
  obs.emoji_image = await download(alice, alice.getCustomEmojiImageUrl(obs.emoji.id));
  obs.emoji_list = await alice.getCustomEmojis();
  obs.emoji_search = await alice.searchCustomEmoji('ship');
  obs.emoji_autocomplete = await alice.autocompleteCustomEmoji('shi');
  obs.emoji_delete = await alice.deleteCustomEmoji(obs.emoji.id);
  obs.emoji_gone = failure(await attempt(() => alice.getCustomEmoji(obs.emoji.id)));

  // -- groups: an unlicensed server's refusal --------------------------------------------------
  obs.groups = failure(await attempt(() => admin.getGroups({ q: '', page: 0, per_page: 10 })));

  // -- status ----------------------------------------------------------------------------------
  obs.status_set = await alice.updateStatus({ user_id: me.id, status: 'dnd' });
  obs.status = await bob.getStatus(me.id);
  obs.statuses = await bob.getStatusesByIds([me.id, bobMe.id]);
  obs.custom_set = await alice.updateCustomStatus({ emoji: 'taco', text: 'At lunch' });
  obs.custom_read = await bob.getUser(me.id);
  obs.custom_unset = await alice.unsetCustomStatus();
  obs.custom_after = await bob.getUser(me.id);
});
