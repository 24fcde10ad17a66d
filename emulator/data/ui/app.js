// chat-emulator dashboard: plain JS over the /_emulator API of the port that served it.
"use strict";

const api = async (method, path, body) => {
  const response = await fetch(`/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return text ? JSON.parse(text) : null;
};

const state = { product: "", channels: [], users: [], current: null, faultId: null };
const $ = (id) => document.getElementById(id);

const RATE_LIMITS = {
  mattermost: { Enable: true, PerSec: 1, MaxBurst: 2, VaryByRemoteAddr: true },
  rocketchat: {
    API_Enable_Rate_Limiter: true,
    API_Enable_Rate_Limiter_Limit_Calls_Default: 3,
    API_Enable_Rate_Limiter_Limit_Time_Default: 60000,
  },
};

// Both products' post shapes, as one: {id, user, text, at}.
function normalise(post) {
  if ("message" in post) {
    const user = state.users.find((u) => u.id === post.user_id);
    return { id: post.id, user: user ? user.username : post.user_id, text: post.message,
             at: post.create_at };
  }
  return { id: post._id, user: post.u.username, text: post.msg, at: Date.parse(post.ts) };
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderChannels() {
  const list = $("channels");
  list.replaceChildren();
  for (const channel of state.channels) {
    const item = el("li", channel.id === state.current?.id ? "selected" : "");
    item.dataset.channelId = channel.id;
    item.append(el("div", "name", channel.label));
    item.append(el("div", "meta",
      `${channel.type}${channel.team ? " · " + channel.team : ""} · ${channel.members.length} members · ` +
      `${channel.posts} posts`));
    item.addEventListener("click", () => openChannel(channel));
    list.append(item);
  }
}

function addPost(post) {
  const item = el("li");
  item.dataset.postId = post.id;
  item.append(el("span", "who", post.user), el("span", "text", post.text),
              el("span", "when", new Date(post.at).toLocaleString()));
  $("posts").append(item);
  $("posts").scrollTop = $("posts").scrollHeight;
}

async function openChannel(channel) {
  state.current = channel;
  $("channel-title").textContent = channel.label;
  $("members").textContent = `Members: ${channel.members.join(", ")}`;
  const author = $("author");
  author.replaceChildren(...channel.members.map((name) => new Option(name, name)));
  renderChannels();
  const found = await api("GET", `/posts?channel=${encodeURIComponent(channel.id)}&since=0&limit=100`);
  $("posts").replaceChildren();
  for (const post of found.posts) addPost(normalise(post));
}

async function loadWorkspace() {
  const ws = await api("GET", "/workspace");
  state.product = ws.product;
  state.users = ws.users;
  state.channels = ws.channels.sort((a, b) => a.type.localeCompare(b.type) || a.label.localeCompare(b.label));
  $("product").textContent = `· ${ws.product} · ${location.host}`;
  renderChannels();
}

async function refreshJournal() {
  const found = await api("GET", "/requests?limit=60");
  const list = $("journal");
  list.replaceChildren();
  for (const entry of found.requests) {
    if (entry.path.startsWith("/_emulator")) continue;
    const item = el("li", `s${String(entry.status)[0]}${entry.fault ? " fault" : ""}`,
      `${new Date(entry.time).toLocaleTimeString()} ${entry.status} ${entry.method} ${entry.path}` +
      `${entry.fault ? " [fault " + entry.fault + "]" : ""} ${Math.round(entry.duration_ms)} ms`);
    list.append(item);
  }
}

// Calls to the app under test (outgoing webhooks, commands...), newest first.
async function refreshCallouts() {
  const found = await api("GET", "/callouts?limit=30");
  const list = $("callouts");
  list.replaceChildren();
  for (const call of found.callouts.reverse()) {
    const outcome = call.error ? call.error : String(call.status);
    const item = el("li", `${call.error ? "s5" : "s" + String(call.status)[0]}${call.fault ? " fault" : ""}`,
      `${new Date(call.time).toLocaleTimeString()} ${call.product} ${call.kind} ${call.url} ` +
      `${outcome}${call.fault ? " [fault " + call.fault + "]" : ""} ${Math.round(call.duration_ms)} ms`);
    item.title = outcome;
    list.append(item);
  }
}

function listen() {
  const source = new EventSource("/_emulator/events");
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type !== "post") return;
    const channel = state.channels.find((c) => c.id === event.channel_id);
    if (channel) { channel.posts += 1; renderChannels(); }
    if (state.current && event.channel_id === state.current.id &&
        !document.querySelector(`[data-post-id="${event.id}"]`)) {
      addPost(event);
    }
  };
}

$("composer").addEventListener("submit", async (submit) => {
  submit.preventDefault();
  const text = $("text").value.trim();
  if (!text || !state.current) return;
  await api("POST", "/post", { username: $("author").value, channel_id: state.current.id, text });
  $("text").value = "";
});

$("fault-toggle").addEventListener("change", async (change) => {
  if (change.target.checked) {
    const rule = await api("POST", "/faults", { match: { path: "/api/*" }, error: { status: 503 } });
    state.faultId = rule.id;
  } else if (state.faultId) {
    await api("DELETE", `/faults/${state.faultId}`);
    state.faultId = null;
  }
});

$("latency").addEventListener("change", async (change) => {
  await api("PUT", "/latency", { latency_ms: Number(change.target.value) || 0, jitter_ms: 0 });
});

$("ratelimit-toggle").addEventListener("change", async (change) => {
  if (change.target.checked) await api("PUT", "/rate-limit", RATE_LIMITS[state.product]);
  else await api("DELETE", "/rate-limit");
});

$("reset").addEventListener("click", async () => {
  await api("POST", "/reset");
  $("fault-toggle").checked = false;
  $("ratelimit-toggle").checked = false;
  $("latency").value = 0;
  state.current = null;
  $("posts").replaceChildren();
  await loadWorkspace();
});

loadWorkspace().then(() => {
  listen();
  refreshJournal();
  refreshCallouts();
  setInterval(refreshJournal, 1000);
  setInterval(refreshCallouts, 1000);
});
