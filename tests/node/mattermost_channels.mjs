// Client4's channel, membership and system calls: creating public, direct and group channels,
// adding members, viewing, stats, statuses, the client config and ping.
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
  const anonymous = new Client4();
  anonymous.setUrl(url);

  obs.ping = await anonymous.ping();
  obs.client_config = await anonymous.getClientConfig();
  obs.license = await anonymous.getClientLicenseOld();

  const me = await alice.getMe();
  const bobMe = await bob.getMe();
  const admin = await alice.getUserByUsername('admin');
  obs.ids = { alice: me.id, bob: bobMe.id, admin: admin.id };
  const team = await alice.getTeamByName('acme');
  obs.team = team;

  obs.created = await alice.createChannel({
    team_id: team.id,
    name: 'release-train',
    display_name: 'Release Train',
    type: 'O',
    purpose: 'Shipping things',
  });
  const again = { team_id: team.id, name: 'release-train', display_name: 'x', type: 'O' };
  obs.duplicate = failure(await attempt(() => alice.createChannel(again)));
  obs.bad_name = failure(
    await attempt(() =>
      alice.createChannel({ team_id: team.id, name: 'Not A Name!', display_name: 'x', type: 'O' }),
    ),
  );
  obs.added = await alice.addToChannel(bobMe.id, obs.created.id);
  obs.members = await alice.getChannelMembers(obs.created.id);
  obs.my_member = await bob.getMyChannelMember(obs.created.id);
  obs.stats = await alice.getChannelStats(obs.created.id);
  obs.patched = await alice.patchChannel(obs.created.id, { header: 'All aboard' });
  obs.my_channels = await bob.getMyChannels(team.id);

  obs.direct = await alice.createDirectChannel([me.id, bobMe.id]);
  obs.direct_again = await alice.createDirectChannel([bobMe.id, me.id]);
  obs.group = await alice.createGroupChannel([me.id, bobMe.id, admin.id]);
  obs.view = await alice.viewMyChannel(obs.created.id);
  obs.statuses = await alice.getStatusesByIds([me.id, bobMe.id]);
  obs.status = await alice.updateStatus({ user_id: me.id, status: 'dnd' });
  obs.status_after = await bob.getStatus(me.id);

  obs.not_member_members = failure(
    await attempt(async () => {
      const leadership = await alice.getChannelByName(team.id, 'leadership');
      return bob.getChannelMembers(leadership.id);
    }),
  );
  obs.malformed_channel = failure(await attempt(() => alice.getChannel('nope')));
});
