// chat-emulator dashboard: plain JS, no build step. The workspace overview, the timeline and the
// switches come from /_emulator; the conversation is read, written and followed live through the
// product's own REST and realtime APIs, as the user picked in "you are".
"use strict";

const $ = (id) => document.getElementById(id);

const control = async (method, path, body) => {
  const response = await fetch(`/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return text ? JSON.parse(text) : null;
};

const state = {
  product: "", products: [], users: [], teams: [], channels: [], team: "",
  me: null, current: null, threadRoot: null, posts: new Map(), socket: null, faultId: null,
};

const RATE_LIMITS = {
  mattermost: { Enable: true, PerSec: 1, MaxBurst: 2, VaryByRemoteAddr: true },
  rocketchat: {
    API_Enable_Rate_Limiter: true,
    API_Enable_Rate_Limiter_Limit_Calls_Default: 3,
    API_Enable_Rate_Limiter_Limit_Time_Default: 60000,
  },
};

const EMOJI = {
  "+1": "👍", thumbsup: "👍", "-1": "👎", tada: "🎉", rocket: "🚀", white_check_mark: "✅",
  heavy_check_mark: "✔️", eyes: "👀", heart: "❤️", smile: "😄", slightly_smiling_face: "🙂",
  joy: "😂", fire: "🔥", warning: "⚠️", wave: "👋", ok_hand: "👌", pray: "🙏", 100: "💯",
  x: "❌", raised_hands: "🙌", sparkles: "✨", bug: "🐛", memo: "📝", coffee: "☕",
  thinking: "🤔", clap: "👏", rotating_light: "🚨", construction: "🚧", ship: "🚢",
};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function status(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

// -- markdown: the basics, on escaped text (no HTML from a message reaches the page) -----------

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function inline(text) {
  return text
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*\n]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[\s(])[_*]([^_*\n]+)[_*](?=$|[\s).,!?:;])/g, "$1<em>$2</em>")
    .replace(/~~([^~\n]+)~~/g, "<del>$1</del>")
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g,
      '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>')
    .replace(/(^|\s)(https?:\/\/[^\s<]+)/g,
      '$1<a href="$2" target="_blank" rel="noopener noreferrer">$2</a>')
    .replace(/(^|[\s(])@([a-z0-9._-]+)/gi, '$1<span class="mention">@$2</span>')
    .replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

function markdown(text) {
  const parts = escapeHtml(text || "").split(/```(?:[a-z]*)\n?/);
  return parts.map((part, i) => {
    if (i % 2) return `<pre>${part}</pre>`;
    return part.split("\n").map((line) => {
      const heading = line.match(/^(#{1,3}) (.*)$/);
      if (heading) return `<strong class="h${heading[1].length}">${inline(heading[2])}</strong>`;
      if (/^&#62; /.test(line)) return `<blockquote>${inline(line.slice(6))}</blockquote>`;
      if (/^[-*] /.test(line)) return `• ${inline(line.slice(2))}`;
      return inline(line);
    }).join("<br>");
  }).join("");
}

// -- the products: one adapter each, over the product's own API --------------------------------

const byId = (id) => state.users.find((u) => u.id === id);

const mattermost = {
  headers: () => ({ Authorization: `Bearer ${state.me.token}` }),

  normalise(post, ephemeral) {
    const props = post.props || {};
    const user = byId(post.user_id);
    const reactions = new Map();
    for (const r of (post.metadata && post.metadata.reactions) || []) {
      const users = reactions.get(r.emoji_name) || [];
      users.push(byId(r.user_id)?.username || r.user_id);
      reactions.set(r.emoji_name, users);
    }
    const badges = [];
    if (props.from_bot === "true" || user?.bot) badges.push("BOT");
    if (props.from_webhook === "true") badges.push("WEBHOOK");
    return {
      id: post.id, channel_id: post.channel_id, root_id: post.root_id || "",
      user: props.override_username || user?.username || post.user_id, at: post.create_at,
      text: post.message, edited: post.edit_at > 0, replies: post.reply_count || 0,
      last_reply: post.last_reply_at || 0,
      reactions: [...reactions].map(([emoji, users]) => ({ emoji, users })),
      attachments: (props.attachments || []).map((a) => ({ ...a, actions: (a.actions || []).map(
        (action) => ({ ...action, label: action.name })) })),
      files: ((post.metadata && post.metadata.files) || []).map((f) => f.name),
      badges, ephemeral: Boolean(ephemeral) || post.type === "system_ephemeral",
      system: (post.type || "").startsWith("system_") && post.type !== "system_ephemeral",
      pinned: Boolean(post.is_pinned),
    };
  },

  fromList(list) {
    return [...list.order].reverse().map((id) => this.normalise(list.posts[id]));
  },

  async load(channel) {
    const list = await productApi("GET", `/api/v4/channels/${channel.id}/posts?per_page=60`);
    return this.fromList(list);
  },

  async thread(root) {
    const list = await productApi("GET", `/api/v4/posts/${root.id}/thread`);
    return this.fromList(list).sort((a, b) => a.at - b.at);
  },

  send: (channel, text, rootId) =>
    productApi("POST", "/api/v4/posts", { channel_id: channel.id, message: text, root_id: rootId || "" }),

  command(channel, text, rootId) {
    const team = state.teams.find((t) => t.name === (channel.team || state.team)) || state.teams[0];
    return productApi("POST", "/api/v4/commands/execute", {
      channel_id: channel.id, team_id: team ? team.id : "", command: text, root_id: rootId || "",
    });
  },

  // Buttons and menus: the click goes to the server, which calls the integration's URL.
  action: (post, action, selected) =>
    productApi("POST", `/api/v4/posts/${post.id}/actions/${action.id}`,
      selected === undefined ? {} : { selected_option: selected }),

  connect() {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v4/websocket`);
    socket.onopen = () => socket.send(JSON.stringify(
      { seq: 1, action: "authentication_challenge", data: { token: state.me.token } }));
    socket.onmessage = (message) => {
      const frame = JSON.parse(message.data);
      if (frame.seq_reply === 1 && frame.status === "OK") { setLive(true); catchUp(); }
      const data = frame.data || {};
      const parse = (value) => (typeof value === "string" ? JSON.parse(value) : value);
      if (["posted", "post_edited", "ephemeral_message"].includes(frame.event)) {
        upsert(this.normalise(parse(data.post), frame.event === "ephemeral_message"));
      } else if (frame.event === "post_deleted") {
        remove(parse(data.post).id);
      } else if (frame.event === "reaction_added" || frame.event === "reaction_removed") {
        const reaction = parse(data.reaction);
        const post = state.posts.get(reaction.post_id);
        if (post) {
          const who = byId(reaction.user_id)?.username || reaction.user_id;
          const entry = post.reactions.find((r) => r.emoji === reaction.emoji_name);
          if (frame.event === "reaction_added") {
            if (!entry) post.reactions.push({ emoji: reaction.emoji_name, users: [who] });
            else if (!entry.users.includes(who)) entry.users.push(who);
          } else if (entry) {
            entry.users = entry.users.filter((u) => u !== who);
            post.reactions = post.reactions.filter((r) => r.users.length);
          }
          upsert(post);
        }
      }
    };
    return socket;
  },

  follow() {},  // the socket already carries every channel the user is in
};

// Rocket.Chat dates: ISO strings over REST, {$date} over DDP, numbers in ephemeral messages.
const toMs = (value) => (typeof value === "object" ? value.$date : Date.parse(value) || value);

const rocketchat = {
  headers: () => ({ "X-Auth-Token": state.me.token, "X-User-Id": state.me.user_id }),

  normalise(m) {
    const badges = [];
    if (m.bot) badges.push(m.bot.i ? "WEBHOOK" : "BOT");
    else if (byId(m.u?._id)?.bot) badges.push("BOT");
    return {
      id: m._id, channel_id: m.rid, root_id: m.tmid || "", shown: !m.tmid || m.tshow,
      user: m.alias || m.u?.username || "", at: toMs(m.ts),
      text: m.t && !m.msg ? `(${m.t})` : m.msg, edited: Boolean(m.editedAt), replies: m.tcount || 0,
      last_reply: m.tlm ? toMs(m.tlm) : 0,
      reactions: Object.entries(m.reactions || {}).map(([emoji, r]) =>
        ({ emoji: emoji.replace(/:/g, ""), users: r.usernames })),
      attachments: (m.attachments || []).map((a) => ({ ...a, actions: (a.actions || []).map(
        (action) => ({ ...action, label: action.text })) })),
      files: (m.files || (m.file ? [m.file] : [])).map((f) => f.name),
      badges, ephemeral: Boolean(m.private), system: Boolean(m.t), pinned: Boolean(m.pinned),
    };
  },

  async load(channel) {
    const family = { public: "channels", private: "groups", direct: "im" }[channel.type] || "channels";
    const found = await productApi("GET", `/api/v1/${family}.history?roomId=${channel.id}&count=60`);
    return found.messages.reverse().map((m) => this.normalise(m));
  },

  async thread(root) {
    const found = await productApi("GET", `/api/v1/chat.getThreadMessages?tmid=${root.id}&count=100`);
    return [root, ...found.messages.map((m) => this.normalise(m)).sort((a, b) => a.at - b.at)];
  },

  send: (channel, text, rootId) => productApi("POST", "/api/v1/chat.sendMessage",
    { message: rootId ? { rid: channel.id, msg: text, tmid: rootId } : { rid: channel.id, msg: text } }),

  command(channel, text, rootId) {
    const [name, ...rest] = text.slice(1).split(" ");
    const body = { command: name, params: rest.join(" "), roomId: channel.id };
    if (rootId) body.tmid = rootId;
    return productApi("POST", "/api/v1/commands.run", body);
  },

  // Rocket.Chat buttons are client-side: a URL opens, a message is sent as the user.
  action(post, action) {
    if (action.url) { window.open(action.url, "_blank", "noopener"); return Promise.resolve(); }
    if (action.msg) return this.send(state.current, action.msg);
    return Promise.resolve();
  },

  connect() {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/websocket`);
    const send = (frame) => socket.send(JSON.stringify(frame));
    socket.onopen = () => send({ msg: "connect", version: "1", support: ["1"] });
    socket.onmessage = (message) => {
      const frame = JSON.parse(message.data);
      if (frame.msg === "ping") send({ msg: "pong" });
      else if (frame.msg === "connected") {
        send({ msg: "method", method: "login", id: "login", params: [{ resume: state.me.token }] });
      } else if (frame.msg === "result" && frame.id === "login" && !frame.error) {
        send({ msg: "sub", id: "user", name: "stream-notify-user",
               params: [`${state.me.user_id}/message`, false] });
        socket.loggedIn = true;
        setLive(true);
        this.follow();
      } else if (frame.msg === "ready" && frame.subs.includes(`room-${socket.room}`)) {
        catchUp();
      } else if (frame.msg === "changed" && frame.fields && frame.fields.args) {
        const m = frame.fields.args[0];
        if (m && m._id && m.rid) upsert(this.normalise(m));
      }
    };
    return socket;
  },

  follow() {
    const socket = state.socket;
    if (!socket || !socket.loggedIn || !state.current || socket.room === state.current.id) return;
    const send = (frame) => socket.send(JSON.stringify(frame));
    if (socket.room) send({ msg: "unsub", id: `room-${socket.room}` });
    socket.room = state.current.id;
    send({ msg: "sub", id: `room-${socket.room}`, name: "stream-room-messages",
           params: [socket.room, false] });
  },
};

const adapter = () => (state.product === "mattermost" ? mattermost : rocketchat);

async function productApi(method, path, body) {
  const headers = { ...adapter().headers() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = { message: text }; }
  if (!response.ok) {
    const reason = parsed && (parsed.message || parsed.error) || response.statusText;
    throw new Error(`${response.status} ${method} ${path.split("?")[0]}: ${reason}`);
  }
  return parsed;
}

// -- the conversation ----------------------------------------------------------------------------

function renderPost(post, inThread) {
  const item = el("li", "post");
  item.dataset.postId = post.id;
  item.classList.toggle("ephemeral", post.ephemeral);
  item.classList.toggle("system", post.system);
  const head = el("div", "head");
  head.append(el("span", "who", post.user));
  for (const badge of post.badges) head.append(el("span", `badge ${badge.toLowerCase()}`, badge));
  head.append(el("span", "when", new Date(post.at).toLocaleString()));
  if (post.edited) head.append(el("span", "when", "(edited)"));
  if (post.pinned) head.append(el("span", "badge pinned", "PINNED"));
  if (post.ephemeral) head.append(el("span", "badge ephemeral", "only visible to you"));
  const body = el("div", "text");
  body.innerHTML = markdown(post.text);
  item.append(head, body);
  for (const name of post.files) item.append(el("div", "file", `📎 ${name}`));
  for (const attachment of post.attachments) item.append(renderAttachment(post, attachment));
  if (post.reactions.length) {
    const row = el("div", "reactions");
    for (const r of post.reactions) {
      const chip = el("span", "reaction", `${EMOJI[r.emoji] || ":" + r.emoji + ":"} ${r.users.length}`);
      chip.title = r.users.join(", ");
      row.append(chip);
    }
    item.append(row);
  }
  if (!inThread && !post.root_id && !post.ephemeral && !post.system) {
    const link = el("button", post.replies ? "replies" : "replies none", post.replies ? `💬 ${post.replies} ${post.replies === 1 ? "reply" : "replies"}` : "reply");
    link.addEventListener("click", () => openThread(post));
    item.append(link);
  }
  return item;
}

function renderAttachment(post, a) {
  const box = el("div", "attachment");
  if (a.color) box.style.borderLeftColor = /^#?[0-9a-f]{3,8}$/i.test(a.color) ? (a.color[0] === "#" ? a.color : "#" + a.color) : a.color;
  if (a.pretext) box.append(htmlDiv("pretext", a.pretext));
  if (a.author_name) box.append(el("div", "author", a.author_name));
  if (a.title) {
    const title = el("div", "title");
    if (a.title_link && /^https?:/.test(a.title_link)) {
      const link = el("a", "", a.title);
      link.href = a.title_link; link.target = "_blank"; link.rel = "noopener noreferrer";
      title.append(link);
    } else title.textContent = a.title;
    box.append(title);
  }
  if (a.text) box.append(htmlDiv("text", a.text));
  if (a.fields && a.fields.length) {
    const fields = el("div", "fields");
    for (const f of a.fields) {
      const field = el("div", f.short ? "field short" : "field");
      field.append(el("strong", "", f.title || ""), htmlDiv("", String(f.value ?? "")));
      fields.append(field);
    }
    box.append(fields);
  }
  if (a.image_url && /^https?:|^\//.test(a.image_url)) {
    const image = el("img", "image"); image.src = a.image_url; image.alt = a.title || "";
    box.append(image);
  }
  if (a.actions.length) {
    const row = el("div", "actions");
    for (const action of a.actions) row.append(renderAction(post, action));
    box.append(row);
  }
  if (a.footer) box.append(el("div", "footer", a.footer));
  return box;
}

function htmlDiv(className, text) {
  const node = el("div", className);
  node.innerHTML = markdown(text);
  return node;
}

function renderAction(post, action) {
  const run = async (selected) => {
    try {
      await adapter().action(post, action, selected);
      status(`clicked “${action.label}”`);
    } catch (error) { status(error.message, true); }
  };
  if (action.type === "select") {
    const menu = el("select", "action");
    menu.append(new Option(action.label || "choose…", ""));
    for (const option of action.options || []) menu.append(new Option(option.text, option.value));
    menu.addEventListener("change", () => menu.value && run(menu.value));
    return menu;
  }
  const button = el("button", `action ${action.style || ""}`, action.label);
  button.addEventListener("click", () => run());
  return button;
}

function visibleInChannel(post) {
  return !post.root_id || post.shown || post.ephemeral;
}

// A post (new, edited or re-reacted) into the views it belongs to, in time order.
function upsert(post) {
  if (!state.current || post.channel_id !== state.current.id) return;
  const known = state.posts.get(post.id);
  state.posts.set(post.id, post);
  // A new reply counts on its root, unless the server's copy of the root already counted it.
  const root = post.root_id && !known && !post.ephemeral && state.posts.get(post.root_id);
  if (root && root.last_reply < post.at) {
    root.replies += 1;
    root.last_reply = post.at;
    place($("posts"), root);
  }
  if (visibleInChannel(post)) place($("posts"), post);
  if (state.threadRoot && (post.root_id === state.threadRoot.id || post.id === state.threadRoot.id)) {
    place($("thread-posts"), post);
  }
}

function place(list, post) {
  const item = renderPost(post, list.id === "thread-posts");
  const existing = list.querySelector(`[data-post-id="${CSS.escape(post.id)}"]`);
  if (existing) { existing.replaceWith(item); return; }
  item.dataset.at = post.at;
  const later = [...list.children].find((li) => Number(li.dataset.at) > post.at);
  list.insertBefore(item, later || null);
  if (!later) list.scrollTop = list.scrollHeight;
}

function remove(id) {
  state.posts.delete(id);
  for (const node of document.querySelectorAll(`[data-post-id="${CSS.escape(id)}"]`)) node.remove();
}

async function openChannel(channel) {
  state.current = channel;
  closeThread();
  $("channel-title").textContent = channel.label;
  $("members").textContent = `${channel.type}${channel.team ? " · " + channel.team : ""} · ` +
    `members: ${channel.members.join(", ")}`;
  renderChannels();
  adapter().follow();
  $("posts").replaceChildren();
  state.posts.clear();
  try {
    for (const post of await adapter().load(channel)) upsert(post);
    status("");
  } catch (error) { status(error.message, true); }
}

// What was posted between reading the history and the subscription taking effect.
async function catchUp() {
  const channel = state.current;
  if (!channel) return;
  try {
    for (const post of await adapter().load(channel)) if (!state.posts.has(post.id)) upsert(post);
  } catch (error) { status(error.message, true); }
}

async function openThread(root) {
  state.threadRoot = root;
  $("thread").hidden = false;
  $("thread-posts").replaceChildren();
  try {
    for (const post of await adapter().thread(root)) place($("thread-posts"), post);
  } catch (error) { status(error.message, true); }
  $("thread-text").focus();
}

function closeThread() {
  state.threadRoot = null;
  $("thread").hidden = true;
}

async function submit(text, rootId) {
  if (!text || !state.current) return;
  try {
    if (text.startsWith("/")) {
      // Answers come back as posts: in the channel, or ephemeral over the realtime API.
      await adapter().command(state.current, text, rootId);
      status(`ran ${text.split(" ")[0]}`);
    } else {
      await adapter().send(state.current, text, rootId);
      status("");
    }
  } catch (error) { status(error.message, true); }
}

// -- channels, teams, users, products ------------------------------------------------------------

function myChannels() {
  return state.channels.filter((c) => c.members.includes(state.me?.username) &&
    (!state.team || !c.team || c.team === state.team));
}

function renderChannels() {
  const list = $("channels");
  list.replaceChildren();
  for (const channel of myChannels()) {
    const item = el("li", channel.id === state.current?.id ? "selected" : "");
    item.dataset.channelId = channel.id;
    item.dataset.team = channel.team;
    item.dataset.name = channel.name;
    const prefix = { public: "# ", private: "🔒 ", direct: "@ ", group: "👥 " }[channel.type] || "";
    item.append(el("div", "name", prefix + channel.label));
    item.append(el("div", "meta", `${channel.posts} posts`));
    item.addEventListener("click", () => openChannel(channel));
    list.append(item);
  }
}

function setLive(on) {
  $("live").dataset.user = on ? state.me.username : "";
  $("live").textContent = on ? "● live" : "offline";
  $("live").className = on ? "live on" : "live off";
}

async function signIn(username) {
  const me = await control("POST", "/session", { username });
  if (!me || !me.token) { status(`cannot sign in as ${username}`, true); return; }
  state.me = me;
  if (state.socket) { state.socket.onclose = null; state.socket.close(); }
  setLive(false);
  const socket = adapter().connect();
  // A dropped socket (a disconnect fault, a restart) signs in again and reloads the channel.
  socket.onclose = () => {
    if (state.socket !== socket) return;
    setLive(false);
    const retry = () => setTimeout(() => {
      if (state.socket === socket) signIn(state.me.username).catch(retry);
    }, 2000);
    retry();
  };
  state.socket = socket;
  const keep = state.current && myChannels().find((c) => c.id === state.current.id);
  state.current = null;
  renderChannels();
  const first = keep || myChannels()[0];
  if (first) await openChannel(first);
}

async function loadWorkspace() {
  const ws = await control("GET", "/workspace");
  state.product = ws.product;
  state.products = ws.products;
  state.users = ws.users;
  state.teams = ws.teams;
  state.channels = ws.channels.sort((a, b) =>
    ["public", "private", "group", "direct"].indexOf(a.type) -
    ["public", "private", "group", "direct"].indexOf(b.type) || a.label.localeCompare(b.label));
  document.title = `chat-emulator · ${ws.product}`;
  $("product-picker").replaceChildren(...ws.products.map((p) => new Option(p.name, String(p.port))));
  $("product-picker").value = String(ws.products.find((p) => p.name === ws.product).port);
  $("team-picker").replaceChildren(new Option("all teams", ""),
    ...ws.teams.map((t) => new Option(t.name, t.name)));
  const people = ws.users.filter((u) => !u.bot).concat(ws.users.filter((u) => u.bot));
  $("author").replaceChildren(...people.map((u) => new Option(u.username, u.username)));
  const keep = state.me && ws.users.find((u) => u.username === state.me.username);
  $("author").value = keep ? keep.username : (ws.users.find((u) => u.username === "admin") || people[0]).username;
  state.team = $("team-picker").value;
  await signIn($("author").value);
}

// -- the timeline: requests and call-outs, newest first --------------------------------------------

const FRAME_NOISE = new Set(["", "hello", "ping", "pong", "connected", "ready", "nosub", "updated",
  "result", "added", "removed"]);

async function refreshTimeline() {
  const [requests, callouts] = await Promise.all(
    [control("GET", "/requests?limit=60"), control("GET", "/callouts?limit=30")]);
  const rows = [];
  for (const entry of requests.requests) {
    if (entry.path.startsWith("/_emulator")) continue;
    if (entry.kind === "frame") {
      // Realtime events the product pushed; the protocol's own chatter stays out.
      if (entry.direction !== "out" || FRAME_NOISE.has(entry.event || "")) continue;
      rows.push({ time: entry.time, kind: "frame", className: entry.direction, fault: entry.fault,
        text: `WS ${entry.direction === "out" ? "→" : "←"} ${entry.event || ""} ${entry.path}` +
          `${entry.user ? " · " + entry.user : ""}` });
      continue;
    }
    rows.push({ time: entry.time, kind: "request", className: `s${String(entry.status)[0]}`,
      fault: entry.fault, ms: entry.duration_ms, text: `${entry.status} ${entry.method} ${entry.path}` +
        `${entry.user ? " · " + entry.user : ""}` });
  }
  for (const call of callouts.callouts) {
    const outcome = call.error ? call.error : String(call.status);
    rows.push({ time: call.time, kind: "callout", className: call.error ? "s5" : `s${String(call.status)[0]}`,
      fault: call.fault, ms: call.duration_ms,
      text: `→ ${call.product} ${call.kind} ${call.url} ${outcome}` });
  }
  rows.sort((a, b) => new Date(b.time) - new Date(a.time));
  $("timeline").replaceChildren(...rows.map((row) => {
    const item = el("li", `${row.kind} ${row.className}${row.fault ? " fault" : ""}`);
    item.append(el("span", "at", new Date(row.time).toLocaleTimeString()),
      el("span", "what", `${row.text}${row.fault ? " [fault " + row.fault + "]" : ""}` +
        `${row.ms === undefined ? "" : " " + Math.round(row.ms) + " ms"}`));
    item.title = row.text;
    return item;
  }));
}

// Post counts of every channel, from the dashboard's own event stream.
function listenForCounts() {
  const source = new EventSource("/_emulator/events");
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    const channel = state.channels.find((c) => c.id === event.channel_id);
    if (event.type === "post" && channel) { channel.posts += 1; renderChannels(); }
  };
}

// -- wiring ------------------------------------------------------------------------------------------

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("text").value.trim();
  $("text").value = "";
  await submit(text);
});

$("thread-composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("thread-text").value.trim();
  $("thread-text").value = "";
  if (state.threadRoot) await submit(text, state.threadRoot.id);
});

$("close-thread").addEventListener("click", closeThread);
$("author").addEventListener("change", () => signIn($("author").value));
$("team-picker").addEventListener("change", async () => {
  state.team = $("team-picker").value;
  renderChannels();
  if (!state.current || !myChannels().includes(state.current)) {
    const first = myChannels()[0];
    if (first) await openChannel(first);
  }
});
$("product-picker").addEventListener("change", () => {
  location.href = `${location.protocol}//${location.hostname}:${$("product-picker").value}/_emulator/ui`;
});

$("fault-toggle").addEventListener("change", async (change) => {
  if (change.target.checked) {
    const rule = await control("POST", "/faults", { match: { path: "/api/*" }, error: { status: 503 } });
    state.faultId = rule.id;
  } else if (state.faultId) {
    await control("DELETE", `/faults/${state.faultId}`);
    state.faultId = null;
  }
});

$("latency").addEventListener("change", async (change) => {
  await control("PUT", "/latency", { latency_ms: Number(change.target.value) || 0, jitter_ms: 0 });
});

$("ratelimit-toggle").addEventListener("change", async (change) => {
  if (change.target.checked) await control("PUT", "/rate-limit", RATE_LIMITS[state.product]);
  else await control("DELETE", "/rate-limit");
});

$("reset").addEventListener("click", async () => {
  await control("POST", "/reset");
  $("fault-toggle").checked = false;
  $("ratelimit-toggle").checked = false;
  $("latency").value = 0;
  state.current = null;
  $("posts").replaceChildren();
  await loadWorkspace();
});

loadWorkspace().then(() => {
  listenForCounts();
  refreshTimeline();
  setInterval(refreshTimeline, 1000);
});
