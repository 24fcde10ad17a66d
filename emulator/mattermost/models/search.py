"""Post search as the database backend runs it (``model/search_params.go``,
``SqlPostStore.search``): the terms syntax, hashtags, dates and exclusions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ...core.runtime import Runtime
from .common import Doc, dm_channel_name

# ``ParseHashtags``: punctuation trimmed from both ends, ``##tag`` counts as ``#tag``.
_PUNCT_START = re.compile(r"^[^\w\s#]+|^_+")
_PUNCT_END = re.compile(r"[^\w\s]+$|_+$")
_MANY_HASHES = re.compile(r"^#{2,}")
_VALID_HASHTAG = re.compile(r"^#[^\W\d_][\w\-.]*[^\W_]$")
_HASHTAGS_MAX = 1000

_TOKEN_RE = re.compile(r'-?"[^"]*"|\S+')
_FLAGS = ("from", "in", "channel", "on", "after", "before", "ext")
_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MS = 86_400_000


def parse_hashtags(message: str) -> str:
    """The ``hashtags`` field a post stores: its valid ``#tags``, space-separated."""
    tags: list[str] = []
    for word in message.split():
        word = _MANY_HASHES.sub("#", _PUNCT_END.sub("", _PUNCT_START.sub("", word)))
        if _VALID_HASHTAG.match(word):
            tags.append(word)
    joined = " ".join(tags)
    if len(joined) > _HASHTAGS_MAX:
        joined = joined[: joined.rfind(" ", 0, _HASHTAGS_MAX - 1)]
    return joined


@dataclass
class SearchTerms:
    """``SearchParams`` from one terms string: words, phrases, hashtags and flags, each also
    excluded with a leading ``-``."""

    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    excluded_words: list[str] = field(default_factory=list)
    excluded_phrases: list[str] = field(default_factory=list)
    excluded_hashtags: list[str] = field(default_factory=list)
    from_users: list[str] = field(default_factory=list)
    excluded_users: list[str] = field(default_factory=list)
    in_channels: list[str] = field(default_factory=list)
    excluded_channels: list[str] = field(default_factory=list)
    extensions: list[str] = field(default_factory=list)
    excluded_extensions: list[str] = field(default_factory=list)
    on_date: str = ""
    after_date: str = ""
    before_date: str = ""

    def has_text(self) -> bool:
        return bool(self.words or self.phrases or self.hashtags)

    def has_filters(self) -> bool:
        return bool(
            self.from_users
            or self.in_channels
            or self.on_date
            or self.after_date
            or self.before_date
            or self.extensions
        )


def parse_terms(terms: str) -> SearchTerms:
    parsed = SearchTerms()
    for token in _TOKEN_RE.findall(terms):
        lowered = token.lower()
        excluded = lowered.startswith("-") and len(lowered) > 1
        body = lowered[1:] if excluded else lowered
        name, sep, value = body.partition(":")
        if sep and name in _FLAGS and value:
            if name == "from":
                (parsed.excluded_users if excluded else parsed.from_users).append(value.lstrip("@"))
            elif name in ("in", "channel"):
                target = parsed.excluded_channels if excluded else parsed.in_channels
                target.append(value.lstrip("~"))
            elif name == "ext":
                target = parsed.excluded_extensions if excluded else parsed.extensions
                target.append(value.lstrip("."))
            elif not excluded:  # dates cannot be excluded; the last one given counts
                setattr(parsed, f"{name}_date", value)
            continue
        if body.startswith('"') and body.endswith('"') and len(body) > 1:
            phrase = body.strip('"').strip()
            if phrase:
                (parsed.excluded_phrases if excluded else parsed.phrases).append(phrase)
        elif body.startswith("#") and len(body) > 1:
            (parsed.excluded_hashtags if excluded else parsed.hashtags).append(body)
        elif excluded:
            parsed.excluded_words.append(body)
        elif body:
            parsed.words.append(body)
    return parsed


def _day_start_ms(value: str, tz_offset_s: int, shift_days: int) -> int | None:
    """Midnight of a ``YYYY-MM-DD`` day (moved by ``shift_days``) in the searcher's offset."""
    match = _DATE_RE.match(value)
    if match is None:
        return None
    try:
        day = dt.date(*(int(g) for g in match.groups())) + dt.timedelta(days=shift_days)
    except ValueError:
        return None
    tz = dt.timezone(dt.timedelta(seconds=tz_offset_s))
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=tz).timestamp() * 1000)


def _time_window(parsed: SearchTerms, tz_offset_s: int) -> tuple[int, int]:
    """``[from, to]`` in ms: ``after:`` starts the next day, ``before:`` ends the day before,
    ``on:`` is that day; an unparsable date is ignored (upstream falls back to now)."""
    low, high = 0, 2**63 - 1
    if parsed.on_date:
        start = _day_start_ms(parsed.on_date, tz_offset_s, 0)
        if start is not None:
            low, high = start, start + _DAY_MS - 1
    if parsed.after_date:
        start = _day_start_ms(parsed.after_date, tz_offset_s, 1)
        if start is not None:
            low = max(low, start)
    if parsed.before_date:
        start = _day_start_ms(parsed.before_date, tz_offset_s, 0)
        if start is not None:
            high = min(high, start - 1)
    return low, high


def _word_matches(word: str, text_words: list[str]) -> bool:
    if word.endswith("*"):
        return any(w.startswith(word[:-1]) for w in text_words)
    return word in text_words


def _channel_names(rt: Runtime, user_id: str, names: list[str]) -> set[str]:
    """``in:`` values as channel names; ``@username`` names the DM with that user."""
    resolved: set[str] = set()
    for name in names:
        if name.startswith("@"):
            other = rt.store.find_one("users", "username", name[1:])
            if other is not None:
                resolved.add(dm_channel_name(user_id, other["id"]))
        else:
            resolved.add(name)
    return resolved


def _searchable_channels(
    rt: Runtime, user: Doc, team_id: str, parsed: SearchTerms, include_deleted: bool
) -> list[Doc]:
    """The user's channels a search looks in: of ``team_id`` and DMs/GMs (all without it),
    live unless asked, narrowed by ``in:`` and ``-in:``."""
    wanted = _channel_names(rt, user["id"], parsed.in_channels)
    unwanted = _channel_names(rt, user["id"], parsed.excluded_channels)
    channels = []
    for membership in rt.store.find("channel_members", "user_id", user["id"]):
        channel = rt.store.get("channels", membership["channel_id"])
        if channel is None or (team_id and channel["team_id"] not in (team_id, "")):
            continue
        if channel["delete_at"] and not include_deleted:
            continue
        if (wanted and channel["name"] not in wanted) or channel["name"] in unwanted:
            continue
        channels.append(channel)
    return channels


def _user_ids(rt: Runtime, names: list[str]) -> set[str]:
    found = (rt.store.find_one("users", "username", n) for n in names)
    return {u["id"] for u in found if u is not None}


def search_posts(
    rt: Runtime,
    user: Doc,
    team_id: str,
    terms: str,
    *,
    is_or_search: bool = False,
    include_deleted_channels: bool = False,
    time_zone_offset: int = 0,
    page: int = 0,
    per_page: int = 60,
) -> list[Doc]:
    """``SearchPostsForUser``: live, non-system posts of the user's channels (of ``team_id``
    and DMs/GMs, or everywhere without it), newest first, one page."""

    def matches(parsed: SearchTerms, post: Doc) -> bool:
        if post["delete_at"] or post["type"].startswith("system_"):
            return False
        return _text_matches(parsed, post, is_or_search)

    found = _search(
        rt, user, team_id, terms, "posts", matches, include_deleted_channels, time_zone_offset
    )
    return found[page * per_page : (page + 1) * per_page]


def _search(
    rt: Runtime,
    user: Doc,
    team_id: str,
    terms: str,
    table: str,
    matches: Callable[[SearchTerms, Doc], bool],
    include_deleted_channels: bool,
    time_zone_offset: int,
) -> list[Doc]:
    """The records of ``table`` in the channels the search may see that the flags (``from:``,
    ``-from:``, dates) allow and ``matches`` keeps, newest first."""
    parsed = parse_terms(terms)
    if not parsed.has_text() and not parsed.has_filters():
        return []
    senders, unwanted = _user_ids(rt, parsed.from_users), _user_ids(rt, parsed.excluded_users)
    if parsed.from_users and not senders:
        return []
    low, high = _time_window(parsed, time_zone_offset)
    found = [
        doc
        for channel in _searchable_channels(rt, user, team_id, parsed, include_deleted_channels)
        for doc in rt.store.find(table, "channel_id", channel["id"])
        if low <= doc["create_at"] <= high
        and not (senders and doc["user_id"] not in senders)
        and doc["user_id"] not in unwanted
        and matches(parsed, doc)
    ]
    found.sort(key=lambda d: d["create_at"], reverse=True)
    return found


def _text_matches(parsed: SearchTerms, post: Doc, is_or: bool) -> bool:
    text = post["message"].lower()
    text_words = [w.strip(".-") for w in re.findall(r"[\w#@.\-]+", text)]
    tags = post.get("hashtags", "").lower().split()
    if any(_word_matches(w, text_words) for w in parsed.excluded_words):
        return False
    if any(p in text for p in parsed.excluded_phrases):
        return False
    if any(t in tags for t in parsed.excluded_hashtags):
        return False
    checks = [_word_matches(w, text_words) for w in parsed.words]
    checks += [p in text for p in parsed.phrases]
    checks += [t in tags for t in parsed.hashtags]
    if not checks:
        return True  # flags alone (from:, in:, dates) select every post they allow
    return any(checks) if is_or else all(checks)


def search_files(
    rt: Runtime,
    user: Doc,
    team_id: str,
    terms: str,
    *,
    is_or_search: bool = False,
    include_deleted_channels: bool = False,
    time_zone_offset: int = 0,
    page: int = 0,
    per_page: int = 60,
) -> list[Doc]:
    """``SearchFilesInTeamForUser``: live files attached to posts in the user's channels,
    matched on their names (``ext:`` on the extension), newest first, one page."""

    def matches(parsed: SearchTerms, info: Doc) -> bool:
        if info["delete_at"] or not info.get("post_id"):
            return False
        ext = info["extension"].lower()
        if (parsed.extensions and ext not in parsed.extensions) or (
            ext in parsed.excluded_extensions
        ):
            return False
        return _name_matches(parsed, info["name"], is_or_search)

    found = _search(
        rt, user, team_id, terms, "files", matches, include_deleted_channels, time_zone_offset
    )
    return found[page * per_page : (page + 1) * per_page]


def _name_matches(parsed: SearchTerms, name: str, is_or: bool) -> bool:
    lowered = name.lower()
    name_words = [w for w in re.split(r"[^\w]+", lowered) if w]
    if any(_word_matches(w, name_words) for w in parsed.excluded_words):
        return False
    if any(p in lowered for p in parsed.excluded_phrases):
        return False
    checks = [_word_matches(w, name_words) or w in lowered for w in parsed.words]
    checks += [p in lowered for p in parsed.phrases]
    if not checks:
        return True
    return any(checks) if is_or else all(checks)
