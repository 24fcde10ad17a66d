// Client4's post calls an integration leans on: threads, edits, pins, look-ups by id and time,
// search, file attachments, deletion, and the permission errors around them.
import mattermost from '@mattermost/client';

import { attempt, scenario, serverUrl } from './harness.mjs';

const { Client4 } = mattermost;

async function loggedIn(url, username) {
  const client = new Client4();
  client.setUrl(url);
  await client.login(username, `${username}-password`);
  return client;
}

function failure(result) {
  return result.error !== undefined ? result.error : { unexpected_success: result.ok };
}

scenario(async (obs) => {
  const url = serverUrl('MATTERMOST_URL');
  const alice = await loggedIn(url, 'alice');
  const bob = await loggedIn(url, 'bob');
  const team = await alice.getTeamByName('acme');
  const channel = await alice.getChannelByName(team.id, 'engineering');
  obs.team = team;
  obs.channel = channel;

  obs.root = await alice.createPost({ channel_id: channel.id, message: 'a unicorn sighting' });
  obs.reply = await bob.createPost({
    channel_id: channel.id,
    root_id: obs.root.id,
    message: 'pics or it did not happen',
  });
  obs.thread = await alice.getPostThread(obs.root.id);

  const patch = { id: obs.root.id, message: 'a unicorn sighting, confirmed' };
  obs.patched = await alice.patchPost(patch);
  obs.updated = await alice.updatePost({ ...obs.patched, message: 'two unicorns' });
  obs.pin = await alice.pinPost(obs.root.id);
  obs.pinned = await alice.getPinnedPosts(channel.id);
  obs.by_ids = await alice.getPostsByIds([obs.root.id, obs.reply.id]);
  obs.since = await alice.getPostsSince(channel.id, obs.root.create_at - 1);
  obs.search = await alice.searchPosts(team.id, 'unicorns', false);

  const form = new FormData();
  form.append('channel_id', channel.id);
  form.append('files', new Blob(['minutes of the meeting\n'], { type: 'text/plain' }), 'notes.txt');
  obs.upload = await alice.uploadFile(form);
  const fileId = obs.upload.file_infos[0].id;
  obs.with_file = await alice.createPost({
    channel_id: channel.id,
    message: 'see attached',
    file_ids: [fileId],
  });
  obs.file_infos = await alice.getFileInfosForPost(obs.with_file.id);
  const download = await fetch(alice.getFileUrl(fileId), {
    headers: { Authorization: `Bearer ${alice.getToken()}` },
  });
  obs.download = { status: download.status, body: await download.text() };

  obs.delete = await bob.deletePost(obs.reply.id);
  obs.deleted = failure(await attempt(() => alice.getPost(obs.reply.id)));
  obs.thread_after_delete = await alice.getPostThread(obs.root.id);

  const leadership = await alice.getChannelByName(team.id, 'leadership');
  obs.post_where_not_member = failure(
    await attempt(() => bob.createPost({ channel_id: leadership.id, message: 'let me in' })),
  );
  obs.edit_others_post = failure(
    await attempt(() => bob.patchPost({ id: obs.root.id, message: 'bob was here' })),
  );
  obs.unknown_post = failure(await attempt(() => alice.getPost('x'.repeat(26))));
  obs.malformed_post_id = failure(await attempt(() => alice.getPost('not-an-id')));
});
