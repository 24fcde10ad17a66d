// @mattermost/client Client4 against the emulator's REST API: login, me, teams, channels,
// posts, reactions, profiles, and the errors it turns into ClientError.
import mattermost from '@mattermost/client';

import { attempt, scenario, serverUrl } from './harness.mjs';

const { Client4, ClientError } = mattermost;

function newClient(url) {
  const client = new Client4();
  client.setUrl(url);
  return client;
}

/** What a failing call threw (`class` tells a ClientError apart), or what it wrongly returned. */
function failure(result) {
  return result.error !== undefined ? result.error : { unexpected_success: result.ok };
}

scenario(async (obs) => {
  const url = serverUrl('MATTERMOST_URL');
  const client = newClient(url);

  const profile = await client.login('alice', 'alice-password');
  obs.login = { profile, token_set: client.getToken().length > 0 };
  obs.server_version = client.serverVersion;

  obs.me = await client.getMe();
  obs.teams = await client.getMyTeams();
  const team = obs.teams.find((t) => t.name === 'acme');

  obs.channel = await client.getChannelByName(team.id, 'engineering');
  obs.channel_by_team_name = await client.getChannelByNameAndTeamName('acme', 'engineering');

  obs.post = await client.createPost({ channel_id: obs.channel.id, message: 'hello from Client4' });
  obs.posts = await client.getPosts(obs.channel.id, 0, 5);

  obs.reaction = await client.addReaction(obs.me.id, obs.post.id, 'thumbsup');
  obs.reactions = await client.getReactionsForPost(obs.post.id);

  const bob = await client.getUserByUsername('bob');
  obs.profiles = await client.getProfilesByIds([obs.me.id, bob.id]);
  obs.search_users = await client.searchUsers('bob', { team_id: team.id });
  obs.autocomplete = await client.autocompleteUsers('bo', team.id, '');
  const picture = await fetch(client.getProfilePictureUrl(bob.id), {
    headers: { Authorization: `Bearer ${client.getToken()}` },
  });
  obs.picture = {
    status: picture.status,
    type: picture.headers.get('content-type'),
    bytes: (await picture.arrayBuffer()).byteLength,
  };

  obs.missing_channel = failure(
    await attempt(() => client.getChannelByName(team.id, 'no-such-channel')),
  );
  obs.private_channel_as_bob = failure(
    await attempt(async () => {
      const asBob = newClient(url);
      await asBob.login('bob', 'bob-password');
      return asBob.getChannelByNameAndTeamName('acme', 'leadership');
    }),
  );

  const stranger = newClient(url);
  const wrong = await attempt(() => stranger.login('alice', 'not-the-password'));
  obs.wrong_password = failure(wrong);
  obs.wrong_password_token_set = stranger.getToken() !== '';
  obs.anonymous_me = failure(await attempt(() => stranger.getMe()));
  obs.client_error_class = ClientError.name;

  const oldToken = client.getToken();
  const logout = await client.logout();
  obs.logout = { status: logout.status, token_cleared: client.getToken() === '' };
  const revoked = newClient(url);
  revoked.setToken(oldToken);
  obs.after_logout = failure(await attempt(() => revoked.getMe()));
});
