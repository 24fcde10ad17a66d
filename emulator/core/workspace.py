"""The product-neutral workspace: explicit fixture entries plus Faker-filled counts.

A scenario file (JSON or TOML) declares users, teams, channels (public, private, direct, group) and
posts; ``generate`` asks Faker to add more. Each product's ``seed`` module turns the resulting
``Workspace`` into its own documents, so one file describes the same people and history for both.
Everything here is a pure function of (scenario, seed): same inputs, same workspace.
"""

from __future__ import annotations

import json
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clock import SEED_EPOCH_MS

WORKSPACES = ("empty", "small", "demo")
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
EMOJIS = ("+1", "tada", "eyes", "heart", "smile", "rocket", "white_check_mark", "thinking_face")
HISTORY_SPAN_MS = 30 * 24 * 3600 * 1000  # seeded history covers the 30 days before the epoch


class FixtureError(ValueError):
    """A scenario file that cannot be used; the message names the file and the problem."""


@dataclass
class Workspace:
    users: list[dict] = field(default_factory=list)
    teams: list[dict] = field(default_factory=list)
    channels: list[dict] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)

    def user(self, username: str) -> dict:
        return next(u for u in self.users if u["username"] == username)


def channel_key(entry: dict) -> str:
    """How posts refer to a channel: its name, or ``@a,b`` for direct and group messages."""
    if entry.get("direct") or entry.get("group"):
        return "@" + ",".join(sorted(entry.get("direct") or entry.get("group")))
    return entry["name"]


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
        from faker import Faker  # imported here: Faker is slow to import and `empty` needs none

        self.scenario = scenario
        self.counts = counts
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.progress = progress
        self.ws = Workspace()

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
            named.append((f"a post in {post['channel']!r}", authors))
        for where, usernames in named:
            unknown = sorted(set(usernames) - known)
            if unknown:
                raise FixtureError(f"{where} names unknown users {unknown}")
        for channel in self.ws.channels:
            if channel["team"] and channel["team"] not in teams:
                raise FixtureError(
                    f"channel {channel['key']!r} is in unknown team {channel['team']!r}"
                )

    def _users(self) -> None:
        taken = set()
        for entry in self.scenario.get("users", []):
            user = _user_defaults(entry)
            self.ws.users.append(user)
            taken.add(user["username"])
        for _ in range(int(self.counts["users"])):
            first, last = self.fake.first_name(), self.fake.last_name()
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
                        "email": f"{username}@{self.fake.free_email_domain()}",
                        "position": self.fake.job()[:128],
                        "nickname": first if self.rng.random() < 0.2 else "",
                        "generated": True,
                    }
                )
            )

    def _teams(self) -> None:
        everyone = [u["username"] for u in self.ws.users]
        for entry in self.scenario.get("teams", []):
            self.ws.teams.append(_team_defaults(entry, everyone))
        for _ in range(int(self.counts["teams"])):
            name = self._slug(self.fake.company(), {t["name"] for t in self.ws.teams})
            self.ws.teams.append(
                _team_defaults(
                    {"name": name, "display_name": name.replace("-", " ").title()}, everyone
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
        for private in (False, True):
            key = "private_channels" if private else "public_channels"
            for _ in range(int(self.counts[key])):
                name = self._slug(self.fake.bs(), names)
                names.add(name)
                members = self.rng.sample(people, k=min(len(people), self.rng.randint(3, 12)))
                self.ws.channels.append(
                    _channel_defaults(
                        {
                            "name": name,
                            "team": self.rng.choice(teams),
                            "display_name": name.replace("-", " ").title(),
                            "purpose": self.fake.sentence(nb_words=6),
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
        total = len(explicit) + int(self.counts["posts"])
        generated = []
        talkative = [c for c in self.ws.channels if c["members"]]
        for _ in range(int(self.counts["posts"])):
            if not talkative:
                break
            channel = self.rng.choice(talkative)
            post = {
                "channel": channel["key"],
                "user": self.rng.choice(channel["members"]),
                "message": self.fake.paragraph(nb_sentences=self.rng.randint(1, 3)),
                "replies": [],
                "reactions": [],
                "files": [],
            }
            if self.rng.random() < self.counts["thread_ratio"]:
                for _ in range(self.rng.randint(1, 4)):
                    post["replies"].append(
                        {
                            "user": self.rng.choice(channel["members"]),
                            "message": self.fake.sentence(nb_words=self.rng.randint(4, 14)),
                        }
                    )
            if self.rng.random() < self.counts["reaction_ratio"]:
                for user in self.rng.sample(channel["members"], k=min(2, len(channel["members"]))):
                    post["reactions"].append({"user": user, "emoji": self.rng.choice(EMOJIS)})
            if self.rng.random() < self.counts["file_ratio"]:
                post["files"].append(_fake_file(self.fake, self.rng))
            generated.append(post)
        # Generated history comes first; the fixture's own posts are the most recent messages.
        ordered = generated + [dict(p) for p in explicit]
        step = HISTORY_SPAN_MS // max(total, 1)
        for index, post in enumerate(ordered):
            if post["channel"] not in by_key:
                raise FixtureError(f"post refers to unknown channel {post['channel']!r}")
            at = SEED_EPOCH_MS - HISTORY_SPAN_MS + index * step
            self.ws.posts.append(_post_defaults(post, at))
            if self.progress is not None and (index % 250 == 0 or index == total - 1):
                self.progress(index + 1, total)

    def _slug(self, text: str, taken: set) -> str:
        slug = "-".join("".join(ch for ch in w if ch.isalnum()) for w in text.lower().split())[:40]
        slug = slug.strip("-") or "channel"
        candidate = slug
        while candidate in taken:
            candidate = f"{slug}-{self.rng.randint(2, 999)}"
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
    }


def _fake_file(fake: Any, rng: random.Random) -> dict:
    kind = rng.choice((("png", "image/png"), ("pdf", "application/pdf"), ("txt", "text/plain")))
    return {
        "name": f"{fake.word()}-{fake.word()}.{kind[0]}",
        "mime_type": kind[1],
        "size": rng.randint(2_000, 900_000),
    }
