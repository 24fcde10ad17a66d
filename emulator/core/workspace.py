"""The product-neutral workspace: explicit fixture entries plus generated people and history.

A scenario file (JSON or TOML) declares users, teams, channels (public, private, direct, group) and
posts; ``generate`` adds more, drawn from the hand-written company of ``company.py``. Each
product's ``seed`` module turns the resulting ``Workspace`` into its own documents, so one file
describes the same people and history for both.
Everything here is a pure function of (scenario, seed): same inputs, same workspace.
"""

from __future__ import annotations

import json
import random
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import company
from .clock import DAY_MS, SEED_EPOCH_MS

WORKSPACES = ("empty", "small", "demo")
# Up to this many generated people take the hand-written names of ``company``.
SMALL_COMPANY = 20
DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "default.json"
PACKAGED_FIXTURES = Path(__file__).resolve().parents[1] / "data" / "default.json"

GENERATE_KEYS = {
    "users": 0,
    "teams": 0,
    "public_channels": 0,
    "private_channels": 0,
    "direct_messages": 0,
    "group_messages": 0,
    "posts": 0,
    "thread_ratio": 0.0,
    "reaction_ratio": 0.0,
    "file_ratio": 0.0,
}
STATUSES = ("online", "away", "dnd", "offline")
HISTORY_SPAN_MS = 30 * DAY_MS  # seeded history covers the 30 days before the epoch


class FixtureError(ValueError):
    """A scenario file that cannot be used; the message names the file and the problem."""


@dataclass
class Workspace:
    users: list[dict] = field(default_factory=list)
    teams: list[dict] = field(default_factory=list)
    channels: list[dict] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)
    # The morning the history ends; accounts, teams and channels date from ``start_ms``.
    epoch_ms: int = SEED_EPOCH_MS

    @property
    def start_ms(self) -> int:
        return self.epoch_ms - HISTORY_SPAN_MS - 3600_000

    def user(self, username: str) -> dict:
        return next(u for u in self.users if u["username"] == username)

    def move_to(self, epoch_ms: int) -> None:
        """Date the whole history relative to ``epoch_ms`` instead; content and ids unchanged."""
        delta = epoch_ms - self.epoch_ms
        for post in self.posts:
            post["at_ms"] += delta
            for reply in post["replies"]:
                reply["at_ms"] += delta
            if post.get("edit"):
                post["edit"]["at_ms"] += delta
        self.epoch_ms = epoch_ms


def channel_key(entry: dict) -> str:
    """How posts refer to a channel: its name, or ``@a,b`` for direct and group messages."""
    if entry.get("direct") or entry.get("group"):
        return "@" + ",".join(sorted(entry.get("direct") or entry.get("group")))
    return entry["name"]


def timeline(ws: Workspace) -> list[tuple[int, int, int]]:
    """Posts and replies in the order they were written: ``(at_ms, post index, reply index)``,
    reply index -1 for the post itself. Threads overlap, and products list history in the order
    it was stored, so seeds store it in this order."""
    events = []
    for index, post in enumerate(ws.posts):
        events.append((post["at_ms"], index, -1))
        events += [(r["at_ms"], index, i) for i, r in enumerate(post["replies"])]
    return sorted(events)


def load_scenario(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FixtureError(f"cannot read fixtures file {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode()) if path.suffix == ".toml" else json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FixtureError(f"invalid fixtures file {path}: {exc}") from None
    if not isinstance(data, dict):
        raise FixtureError(f"invalid fixtures file {path}: top level must be an object")
    return data


def default_fixtures_path() -> Path:
    """The repository's fixtures file in a checkout, else the copy shipped in the package."""
    return DEFAULT_FIXTURES if DEFAULT_FIXTURES.exists() else PACKAGED_FIXTURES


def default_scenario() -> dict:
    return load_scenario(default_fixtures_path())


def build_workspace(
    scenario: dict,
    seed: int,
    size: str = "small",
    progress: Callable[[int, int], None] | None = None,
) -> Workspace:
    """Expand a scenario into a workspace; ``size`` picks its ``generate`` or ``demo`` counts."""
    if size == "empty":
        return Workspace()
    counts = dict(GENERATE_KEYS)
    counts.update(scenario.get("demo" if size == "demo" else "generate") or {})
    return _Builder(scenario, seed, counts, progress).build()


class _Builder:
    def __init__(self, scenario: dict, seed: int, counts: dict, progress: Callable | None) -> None:
        self.scenario = scenario
        self.counts = counts
        self.rng = random.Random(seed)
        self.progress = progress
        self.ws = Workspace()
        self.heard: dict[str, set] = {}

    def build(self) -> Workspace:
        try:
            self._users()
            self._teams()
            self._channels()
            self._posts()
        except (KeyError, TypeError, StopIteration) as exc:
            raise FixtureError(f"invalid fixtures entry: {exc!r}") from None
        self._check_references()
        return self.ws

    def _check_references(self) -> None:
        known = {u["username"] for u in self.ws.users}
        teams = {t["name"] for t in self.ws.teams}
        named = [(f"team {t['name']!r}", t["members"]) for t in self.ws.teams]
        named += [(f"channel {c['key']!r}", c["members"]) for c in self.ws.channels]
        for post in self.ws.posts:
            authors = [post["user"], *(r["user"] for r in post["replies"])]
            authors += [r["user"] for r in post["reactions"]]
            authors += [post["pinned_by"]] if post["pinned_by"] else []
            named.append((f"a post in {post['channel']!r}", authors))
        for user in self.ws.users:
            if user["status"] not in STATUSES:
                raise FixtureError(
                    f"user {user['username']!r} has unknown status {user['status']!r}"
                )
        for where, usernames in named:
            unknown = sorted(set(usernames) - known)
            if unknown:
                raise FixtureError(f"{where} names unknown users {unknown}")
        for channel in self.ws.channels:
            if channel["team"] and channel["team"] not in teams:
                raise FixtureError(
                    f"channel {channel['key']!r} is in unknown team {channel['team']!r}"
                )

    def _name_pools(self) -> tuple[Sequence[str], Sequence[str]]:
        """The hand-written names suit a small company; a bigger one draws from Faker's en_US
        lists (690 first and 1,000 last names), imported only then: Faker takes about 0.3 s to
        import, a third of the default workspace's start-up budget."""
        if int(self.counts["users"]) <= SMALL_COMPANY:
            return company.FIRST_NAMES, company.LAST_NAMES
        from faker.providers.person.en_US import Provider

        return tuple(Provider.first_names), tuple(Provider.last_names)

    def _users(self) -> None:
        taken = set()
        for entry in self.scenario.get("users", []):
            user = _user_defaults(entry)
            self.ws.users.append(user)
            taken.add(user["username"])
        first_names, last_names = self._name_pools()
        for _ in range(int(self.counts["users"])):
            first = self.rng.choice(first_names)
            last = self.rng.choice(last_names)
            username = f"{first}.{last}".lower().replace("'", "")
            while username in taken:
                username = f"{username}{self.rng.randint(1, 99)}"
            taken.add(username)
            self.ws.users.append(
                _user_defaults(
                    {
                        "username": username,
                        "first_name": first,
                        "last_name": last,
                        "email": f"{username}@example.com",
                        "position": self.rng.choice(company.TITLES),
                        "nickname": first if self.rng.random() < 0.2 else "",
                        "timezone": self.rng.choice(company.TIMEZONES),
                        "status": self.rng.choice(company.STATUSES),
                        "generated": True,
                    }
                )
            )

    def _teams(self) -> None:
        everyone = [u["username"] for u in self.ws.users]
        for entry in self.scenario.get("teams", []):
            self.ws.teams.append(_team_defaults(entry, everyone))
        taken = {t["name"] for t in self.ws.teams}
        spare = [t for t in company.TEAMS if t[0] not in taken]
        for index in range(int(self.counts["teams"])):
            name, display, description = spare[index % len(spare)]
            name = _unique(name, taken)
            taken.add(name)
            self.ws.teams.append(
                _team_defaults(
                    {"name": name, "display_name": display, "description": description}, everyone
                )
            )
        if not self.ws.teams and self.ws.users:
            self.ws.teams.append(_team_defaults({"name": "main", "display_name": "Main"}, everyone))

    def _channels(self) -> None:
        teams = [t["name"] for t in self.ws.teams]
        people = [u["username"] for u in self.ws.users if not u["bot"]]
        for entry in self.scenario.get("channels", []):
            self.ws.channels.append(_channel_defaults(entry, teams[0] if teams else ""))
        names = {c["name"] for c in self.ws.channels if "name" in c}
        for team in self.ws.teams:
            # Every team has these (Mattermost's Town Square and Off-Topic): history goes there too.
            for builtin, display in (("town-square", "Town Square"), ("off-topic", "Off-Topic")):
                key = builtin if team is self.ws.teams[0] else f"{team['name']}/{builtin}"
                if key in names:
                    continue
                names.add(key)
                channel = _channel_defaults(
                    {"name": builtin, "team": team["name"], "display_name": display}, ""
                )
                members = [n for n in team["members"] if n in people]
                channel.update(key=key, builtin=builtin, members=members)
                self.ws.channels.append(channel)
        for private in (False, True):
            key = "private_channels" if private else "public_channels"
            pool = company.PRIVATE_CHANNELS if private else company.PUBLIC_CHANNELS
            pool = [c for c in pool if c[0] not in names]
            for index in range(int(self.counts[key])):
                name, display, purpose, _ = pool[index % len(pool)]
                name = _unique(name, names)
                names.add(name)
                if name in ("announcements", "random"):
                    members = list(people)  # channels everybody joins
                else:
                    members = self.rng.sample(people, k=min(len(people), self.rng.randint(4, 14)))
                self.ws.channels.append(
                    _channel_defaults(
                        {
                            "name": name,
                            "team": self.rng.choice(teams),
                            "display_name": display,
                            "purpose": purpose,
                            "private": private,
                            "members": members,
                        },
                        teams[0],
                    )
                )
        seen = {c["key"] for c in self.ws.channels}
        for kind, size in (("direct", (2, 2)), ("group", (3, 5))):
            wanted = int(self.counts["direct_messages" if kind == "direct" else "group_messages"])
            attempts = 0
            while wanted and len(people) >= size[1] and attempts < wanted * 20:
                attempts += 1
                members = sorted(self.rng.sample(people, k=self.rng.randint(*size)))
                entry = {kind: members}
                if channel_key(entry) not in seen:
                    seen.add(channel_key(entry))
                    self.ws.channels.append(_channel_defaults(entry, ""))
                    wanted -= 1

    def _posts(self) -> None:
        by_key = {c["key"]: c for c in self.ws.channels}
        explicit = self.scenario.get("posts", [])
        bots = {u["username"] for u in self.ws.users if u["bot"]}
        for channel in self.ws.channels:
            channel["topic"] = company.topic_of(channel)
        talkative = [c for c in self.ws.channels if set(c["members"]) - bots]
        wanted = int(self.counts["posts"])
        # Every channel gets some history first (public ones a little more), the rest at random.
        picks = [c for c in talkative for _ in range(3 if c["kind"] == "public" else 2)][:wanted]
        weights = [3 if c["kind"] == "public" else 1 for c in talkative]
        if talkative and wanted > len(picks):
            picks += self.rng.choices(talkative, weights, k=wanted - len(picks))
        generated = [self._generated_post(channel, bots) for channel in picks]
        generated += self._bot_posts(talkative, bots, max(2, wanted // 40))
        if generated and not any(
            f["mime_type"].startswith("image/") for p in generated for f in p["files"]
        ):
            self._attach(generated[0], company.FILE_POSTS[0])
        generated.sort(key=lambda p: p["at_ms"])
        # One pin in each generated channel where people pin things; declared ones stay as written.
        pinned = {channel_key(c) for c in self.scenario.get("channels", [])}
        for post in generated:
            channel = by_key[post["channel"]]
            if (
                channel["kind"] in ("public", "private")
                and channel["key"] not in pinned
                and channel.get("topic") in ("announce", "incident", "deploy")
            ):
                pinned.add(channel["key"])
                post["pinned_by"] = self.rng.choice(
                    [n for n in channel["members"] if n not in bots]
                )
        edits = max(1, len(generated) // 25) if generated else 0
        for post in self.rng.sample(generated, k=edits):
            note = company.fill(self.rng.choice(company.EDIT_NOTES), self.rng, [])
            post["edit"] = {
                "message": f"{post['message']}\n\n_edit: {note}_",
                "at_ms": post["at_ms"] + self.rng.randint(2, 30) * 60_000,
            }
        total = len(generated) + len(explicit)
        # The fixture's own posts are the most recent messages, the morning of the seed epoch.
        ordered = generated + [
            _post_defaults(dict(p), SEED_EPOCH_MS - (len(explicit) - i) * 11 * 60_000)
            for i, p in enumerate(explicit)
        ]
        for index, post in enumerate(ordered):
            if post["channel"] not in by_key:
                raise FixtureError(f"post refers to unknown channel {post['channel']!r}")
            self.ws.posts.append(post)
            if self.progress is not None and (index % 250 == 0 or index == total - 1):
                self.progress(index + 1, total)

    def _generated_post(self, channel: dict, bots: set) -> dict:
        people = [n for n in channel["members"] if n not in bots]
        topic = channel["topic"]
        author = self.rng.choice(people)
        others = [n for n in people if n != author] or people
        at = self._working_time()
        post = {
            "channel": channel["key"],
            "user": author,
            "message": company.fill(self._fresh_template(channel), self.rng, others),
            "replies": [],
            "reactions": [],
            "files": [],
        }
        if self.rng.random() < self.counts["file_ratio"]:
            self._attach(post, self.rng.choice(company.FILE_POSTS))
        if self.rng.random() < self.counts["thread_ratio"]:
            # Replies keep the order they are written in (looking, rolled back, root cause...).
            pool = company.REPLIES[topic]
            count = min(len(pool), self.rng.randint(1, 5))
            replier = author
            for index in sorted(self.rng.sample(range(len(pool)), k=count)):
                # Someone else answers each time: a thread is a conversation, not a monologue.
                replier = self.rng.choice([n for n in others if n != replier] or others)
                mentionable = [n for n in people if n != replier]
                reply = company.fill(pool[index], self.rng, mentionable)
                post["replies"].append({"user": replier, "message": reply})
        if self.rng.random() < self.counts["reaction_ratio"]:
            emojis = company.REACTIONS.get(topic, company.DEFAULT_REACTIONS)
            reactors = self.rng.sample(people, k=min(len(people), self.rng.randint(1, 4)))
            post["reactions"] = [{"user": u, "emoji": self.rng.choice(emojis)} for u in reactors]
        post = _post_defaults(post, at)
        # Replies come a few minutes apart, not on the minute.
        for reply in post["replies"]:
            at += self.rng.randint(1, 40) * 60_000 + self.rng.randint(0, 59_000)
            reply["at_ms"] = at
        return post

    def _fresh_template(self, channel: dict) -> str:
        """A template this channel has not heard yet, until it has heard them all."""
        pool = company.TEMPLATES[channel["topic"]]
        heard = self.heard.setdefault(channel["key"], set())
        if len(heard) == len(pool):
            heard.clear()
        template = self.rng.choice([t for t in pool if t not in heard])
        heard.add(template)
        return template

    def _bot_posts(self, channels: list[dict], bots: set, per_bot: int) -> list[dict]:
        """A bot member of a channel posts there now and then; people react to it."""
        posts = []
        for channel in channels:
            people = [n for n in channel["members"] if n not in bots]
            for bot in (n for n in channel["members"] if n in bots):
                for _ in range(per_bot):
                    text = company.fill(self.rng.choice(company.BOT_MESSAGES), self.rng, people)
                    post = {"channel": channel["key"], "user": bot, "message": text}
                    if self.rng.random() < 0.3:
                        fan = self.rng.choice(people)
                        post["reactions"] = [{"user": fan, "emoji": "white_check_mark"}]
                    posts.append(_post_defaults(post, self._working_time()))
        return posts

    def _attach(self, post: dict, spec: tuple[str, str, str]) -> None:
        text, name, mime = spec
        post["message"] = text
        post["files"] = [
            {"name": name, "mime_type": mime, "size": self.rng.randint(20_000, 900_000)}
        ]

    def _working_time(self) -> int:
        """A moment on a weekday of the past four weeks, between 08:30 and 18:00 UTC."""
        midnight = SEED_EPOCH_MS - SEED_EPOCH_MS % DAY_MS
        while True:
            day = midnight - self.rng.randint(1, HISTORY_SPAN_MS // DAY_MS - 2) * DAY_MS
            if time.gmtime(day / 1000).tm_wday < 5:
                break
        return day + self.rng.randint(510 * 60, 1080 * 60) * 1000 + self.rng.randint(0, 999)


def _unique(name: str, taken: set) -> str:
    """``name``, or ``name-2``, ``name-3``... when the curated names run out."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}-{number}"
    return candidate


def _user_defaults(entry: dict) -> dict:
    username = entry["username"]
    return {
        "username": username,
        "password": entry.get("password", f"{username}-password"),
        "email": entry.get("email", f"{username}@example.com"),
        "first_name": entry.get("first_name", ""),
        "last_name": entry.get("last_name", ""),
        "nickname": entry.get("nickname", ""),
        "position": entry.get("position", ""),
        "admin": bool(entry.get("admin", False)),
        "bot": bool(entry.get("bot", False)),
        "timezone": entry.get("timezone", ""),
        "status": entry.get("status", "offline"),
        "explicit": "generated" not in entry,
    }


def _team_defaults(entry: dict, everyone: list[str]) -> dict:
    return {
        "name": entry["name"],
        "display_name": entry.get("display_name", entry["name"]),
        "description": entry.get("description", ""),
        "open": bool(entry.get("open", True)),
        "members": list(entry.get("members", everyone)),
    }


def _channel_defaults(entry: dict, default_team: str) -> dict:
    if entry.get("direct") or entry.get("group"):
        kind = "direct" if entry.get("direct") else "group"
        members = sorted(entry[kind])
        return {
            "kind": kind,
            "name": "",
            "team": "",
            "members": members,
            "display_name": "",
            "purpose": "",
            "header": "",
            "key": channel_key(entry),
        }
    return {
        "kind": "private" if entry.get("private") else "public",
        "name": entry["name"],
        "team": entry.get("team", default_team),
        "display_name": entry.get("display_name", entry["name"]),
        "purpose": entry.get("purpose", ""),
        "header": entry.get("header", ""),
        "members": list(entry.get("members", [])),
        "key": entry["name"],
    }


def _post_defaults(entry: dict, at_ms: int) -> dict:
    return {
        "channel": entry["channel"],
        "user": entry["user"],
        "message": entry.get("message", ""),
        "at_ms": at_ms,
        "replies": [
            {"user": r["user"], "message": r.get("message", ""), "at_ms": at_ms + (i + 1) * 60_000}
            for i, r in enumerate(entry.get("replies", []))
        ],
        "reactions": [{"user": r["user"], "emoji": r["emoji"]} for r in entry.get("reactions", [])],
        "files": list(entry.get("files", [])),
        "pinned_by": entry.get("pinned_by", ""),
        "edit": None,
    }
