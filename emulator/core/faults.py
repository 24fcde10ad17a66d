"""Fault rules: an ordered list of match -> effect, applied by the request pipeline.

A rule matches a request by method, path glob, user and channel (names or ids); when it matches
it may still let the request through (``after`` the first N matches, ``probability``), and it
expires after ``times`` firings. The first rule that fires decides the request's fate. Each rule
draws from its own random stream, seeded from ``--seed`` and the rule's definition, so the same
seed and rule give the same sequence of hits whatever other traffic there is.

A rule with ``target: "callout"`` applies to the emulator's own calls to the app under test
(``core/callouts.py``) instead, matched by ``url`` (substring, or a glob with ``*``), ``hook``
(the hook's id), ``product`` and ``kind``: it delays the call, answers it with a status without
making it, or fails it as a dropped connection.
"""

from __future__ import annotations

import json
import random
import shlex
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .journal import glob_match
from .latency import delay_seconds, parse_duration_ms

R = TypeVar("R")

DROPS = ("reset", "close", "empty", "garbage")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
MATCH_KEYS = ("method", "path", "user", "channel")
RULE_KEYS = ("match", "error", "latency_ms", "jitter_ms", "drop", "probability", "after", "times")
TARGETS = ("request", "callout")
CALLOUT_MATCH_KEYS = ("url", "hook", "product", "kind")
# A call-out has no response for the emulator to cut short: its drops are connection failures.
CALLOUT_DROPS = ("reset", "close")
NEAR_MISSES = 5


class FaultError(ValueError):
    """A rule that cannot be used; the message says why."""


@dataclass
class Subject:
    """What a rule matches against; user and channel are resolved only when a rule asks."""

    method: str
    path: str
    resolve_user: Callable[[], tuple[str, str] | None]
    resolve_channel: Callable[[], tuple[str, str] | None]
    _user: Any = field(default=False, repr=False)
    _channel: Any = field(default=False, repr=False)
    target = "request"

    @property
    def user(self) -> tuple[str, str] | None:
        if self._user is False:
            self._user = self.resolve_user()
        return self._user

    @property
    def channel(self) -> tuple[str, str] | None:
        if self._channel is False:
            self._channel = self.resolve_channel()
        return self._channel


@dataclass(frozen=True)
class CalloutSubject:
    """A call the emulator is about to make to the app under test, as call-out rules see it."""

    url: str
    product: str
    hook_id: str
    kind: str
    target = "callout"
    method = "POST"

    @property
    def path(self) -> str:
        """The URL stands in for the path in near misses."""
        return self.url


@dataclass(frozen=True)
class Firing:
    """What the pipeline does to a request a rule fired on."""

    rule_id: str
    delay_s: float
    status: int | None
    body: Any
    drop: str | None


class CountedRule:
    """What every rule keeps, HTTP or realtime: its definition, counters and near misses."""

    #: The definition keys a rule's view shows.
    keys: tuple[str, ...] = RULE_KEYS

    def __init__(self, rule_id: str, definition: dict[str, Any]) -> None:
        self.id = rule_id
        self.definition = definition
        self.match: dict[str, str] = definition.get("match") or {}
        self.matches = 0
        self.hits = 0
        self.near_misses: deque[dict[str, Any]] = deque(maxlen=NEAR_MISSES)

    @property
    def expired(self) -> bool:
        times = self.definition.get("times")
        return times is not None and self.hits >= times

    def view(self, detail: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id}
        body.update({key: self.definition.get(key) for key in self.keys})
        body["match"] = dict(self.match)
        body.update({"hits": self.hits, "matches": self.matches, "expired": self.expired})
        if detail:
            body["near_misses"] = list(reversed(self.near_misses))
        return body


class Rule(CountedRule):
    def __init__(self, rule_id: str, definition: dict[str, Any], seed: int) -> None:
        super().__init__(rule_id, definition)
        self.error: dict[str, Any] | None = definition.get("error")
        self.latency_ms: int = definition.get("latency_ms") or 0
        self.jitter_ms: int = definition.get("jitter_ms") or 0
        self.drop: str | None = definition.get("drop")
        self.probability: float = definition.get("probability", 1.0)
        self.after: int = definition.get("after") or 0
        # Absent from request rules' definitions, so their random streams stay as they were.
        self.target: str = definition.get("target", "request")
        canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"))
        self._hit_rng = random.Random(f"fault:{seed}:{canonical}")
        self._jitter_rng = random.Random(f"jitter:{seed}:{canonical}")
        self._method = self.match.get("method", "").upper() or None
        self._path = self.match.get("path")
        self._user = self.match.get("user")
        self._channel = self.match.get("channel")

    def view(self, detail: bool = False) -> dict[str, Any]:
        body = super().view(detail)
        if self.target == "callout":  # request rules look as they always did
            body["target"] = self.target
        return body

    def mismatches(self, subject: Subject | CalloutSubject) -> list[str]:
        """Why the request does not match this rule's criteria (empty: it matches)."""
        if isinstance(subject, CalloutSubject):
            return self._callout_mismatches(subject)
        reasons = []
        if self._method and subject.method != self._method:
            reasons.append(f"method {subject.method} is not {self._method}")
        if self._path and not glob_match(self._path, subject.path):
            reasons.append(f"path {subject.path} does not match {self._path}")
        if self._user and not names_match(self._user, subject.user):
            who = subject.user[1] if subject.user else "an anonymous caller"
            reasons.append(f"user {who} is not {self._user}")
        if self._channel and not names_match(self._channel, subject.channel):
            where = subject.channel[1] or subject.channel[0] if subject.channel else "no channel"
            reasons.append(f"channel {where} is not {self._channel}")
        return reasons

    def _callout_mismatches(self, subject: CalloutSubject) -> list[str]:
        reasons = []
        url = self.match.get("url")
        if url and not (glob_match(url, subject.url) if "*" in url else url in subject.url):
            reasons.append(f"url {subject.url} does not match {url}")
        for key, found in (
            ("hook", subject.hook_id),
            ("product", subject.product),
            ("kind", subject.kind),
        ):
            wanted = self.match.get(key)
            if wanted and wanted != found:
                reasons.append(f"{key} {found or '(none)'} is not {wanted}")
        return reasons

    def consider(self, subject: Subject | CalloutSubject, now_ms: int) -> Firing | None:
        """Called under the rule list's lock: the firing, or None (with a near miss noted)."""
        if self.expired:
            return None
        reasons = self.mismatches(subject)
        if not reasons:
            self.matches += 1
            if self.matches <= self.after:
                reasons = [f"match {self.matches} let through (after={self.after})"]
            elif self.probability < 1.0:
                draw = self._hit_rng.random()
                if draw >= self.probability:
                    reasons = [f"draw {draw:.3f} >= probability {self.probability}"]
        if reasons:
            # Noted when only one thing kept the request from firing the rule: a near miss.
            if len(reasons) == 1:
                self.near_misses.append(
                    {
                        "time": now_ms,
                        "method": subject.method,
                        "path": subject.path,
                        "reason": reasons[0],
                    }
                )
            return None
        self.hits += 1
        error = self.error or {}
        return Firing(
            rule_id=self.id,
            delay_s=delay_seconds(self.latency_ms, self.jitter_ms, self._jitter_rng),
            status=error.get("status"),
            body=error.get("body"),
            drop=self.drop,
        )


def names_match(wanted: str, found: tuple[str, str] | None) -> bool:
    """Whether ``(id, name)`` is the one a rule names by id or (case-insensitive) name."""
    if found is None:
        return False
    wanted = wanted.lstrip("#")
    return wanted == found[0] or wanted.lower() == (found[1] or "").lower()


class RuleBook(Generic[R]):
    """An ordered, thread-safe list of rules with ids ``<prefix><n>`` (HTTP and realtime)."""

    prefix = ""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._lock = threading.Lock()
        self._rules: list[R] = []
        self._counter = 0

    def make_rule(self, rule_id: str, body: Any) -> R:
        """Validate ``body`` and build the rule (raises FaultError)."""
        raise NotImplementedError

    @property
    def active(self) -> bool:
        return bool(self._rules)

    def add(self, body: Any) -> R:
        with self._lock:
            self._counter += 1
            rule = self.make_rule(f"{self.prefix}{self._counter}", body)
            self._rules.append(rule)
        return rule

    def get(self, rule_id: str) -> R | None:
        with self._lock:
            return next((r for r in self._rules if r.id == rule_id), None)

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def rules(self) -> list[R]:
        with self._lock:
            return list(self._rules)

    def _restart(self) -> None:
        """No rules and ids from 1 again; call with the lock held."""
        self._rules, self._counter = [], 0


class FaultRules(RuleBook[Rule]):
    """The ordered rule list of one product app, with the rules given at start-up."""

    prefix = "f"

    def __init__(self, seed: int, initial: tuple[str, ...] = ()) -> None:
        super().__init__(seed)
        self._initial = [parse_spec(text) for text in initial]
        self.reset()

    def make_rule(self, rule_id: str, body: Any) -> Rule:
        return Rule(rule_id, validate(body), self._seed)

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def reset(self) -> None:
        """Back to the start-up rules, counters at zero."""
        with self._lock:
            self._restart()
        for definition in self._initial:
            self.add(definition)

    @property
    def targets_callouts(self) -> bool:
        """Whether any rule is for call-outs (the dispatcher skips the lock otherwise)."""
        return any(r.target == "callout" for r in self._rules)

    def decide(self, subject: Subject | CalloutSubject, now_ms: int) -> Firing | None:
        """The first rule of the subject's target (request or call-out) that fires on it."""
        with self._lock:
            for rule in self._rules:
                if rule.target != subject.target:
                    continue
                firing = rule.consider(subject, now_ms)
                if firing is not None:
                    return firing
        return None


# -- validation ---------------------------------------------------------------------------------


def schedule_fields(body: dict[str, Any]) -> dict[str, Any]:
    """When a rule fires, HTTP or realtime alike: ``probability``, ``after`` and ``times``."""
    probability = body.get("probability", 1.0)
    if isinstance(probability, bool) or not isinstance(probability, int | float):
        raise FaultError("probability must be a number between 0 and 1")
    if not 0.0 <= probability <= 1.0:
        raise FaultError("probability must be a number between 0 and 1")
    return {
        "probability": float(probability),
        "after": int_field(body, "after", 0) or 0,
        "times": int_field(body, "times", 1),
    }


def int_field(body: dict[str, Any], key: str, minimum: int) -> int | None:
    """An optional integer key of a rule body, at least ``minimum`` (FaultError otherwise)."""
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise FaultError(f"{key} must be an integer >= {minimum}")
    return value


def validate(body: Any) -> dict[str, Any]:
    """A rule definition as stored, or FaultError naming what is wrong."""
    if not isinstance(body, dict):
        raise FaultError("a fault rule must be a JSON object")
    unknown = sorted(set(body) - set(RULE_KEYS) - {"id", "hits", "matches", "expired", "target"})
    if unknown:
        raise FaultError(f"unknown keys: {', '.join(unknown)}")
    target = body.get("target", "request")
    if target not in TARGETS:
        raise FaultError(f"target must be one of {', '.join(TARGETS)}")
    callout = target == "callout"
    rule: dict[str, Any] = {"target": target} if callout else {}
    match = body.get("match") or {}
    if not isinstance(match, dict):
        raise FaultError("match must be an object")
    match_keys = CALLOUT_MATCH_KEYS if callout else MATCH_KEYS
    bad = sorted(set(match) - set(match_keys))
    if bad:
        raise FaultError(
            f"unknown match keys: {', '.join(bad)} (use {', '.join(match_keys)}"
            + (" for call-outs)" if callout else ")")
        )
    for key, value in match.items():
        if not isinstance(value, str) or not value:
            raise FaultError(f"match.{key} must be a non-empty string")
    if "method" in match and match["method"].upper() not in METHODS:
        raise FaultError(f"match.method must be one of {', '.join(METHODS)}")
    if "path" in match and not match["path"].startswith(("/", "*")):
        raise FaultError("match.path must start with / (it may use * globs)")
    rule["match"] = {k: (v.upper() if k == "method" else v) for k, v in match.items()}
    error = body.get("error")
    if error is not None:
        if not isinstance(error, dict) or set(error) - {"status", "body"}:
            raise FaultError('error must be {"status": <code>, "body": <JSON or null>}')
        status = error.get("status")
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise FaultError("error.status must be an HTTP status code (100-599)")
        rule["error"] = {"status": status, "body": error.get("body")}
    drop = body.get("drop")
    drops = CALLOUT_DROPS if callout else DROPS
    if drop is not None and drop not in drops:
        raise FaultError(
            f"drop must be one of {', '.join(drops)}"
            + (" for call-outs (the connection to the app fails)" if callout else "")
        )
    if drop in ("reset", "close") and error is not None:
        raise FaultError(f"drop {drop} sends no response: it cannot be combined with error")
    rule["drop"] = drop
    rule["latency_ms"] = int_field(body, "latency_ms", 0)
    rule["jitter_ms"] = int_field(body, "jitter_ms", 0)
    rule.update(schedule_fields(body))
    if not (error or drop or rule["latency_ms"] or rule["jitter_ms"]):
        raise FaultError("a rule needs at least one effect: error, drop, latency_ms or jitter_ms")
    return rule


# -- the command-line form ------------------------------------------------------------------------


def parse_spec(text: str | dict[str, Any]) -> dict[str, Any]:
    """``'POST /api/v4/posts* 503 p=0.5 times=3'`` as a rule definition (validated).

    Words: an HTTP method, a path (starts with ``/``), a status code, a drop kind (``reset``,
    ``close``, ``empty``, ``garbage``), and ``key=value`` pairs: ``p``/``probability``, ``after``,
    ``times``, ``latency``, ``jitter`` (``200ms``, ``1s``), ``user``, ``channel``, ``body`` (JSON).
    The word ``callout`` makes it a call-out rule, matched by ``url=``, ``hook=``, ``product=``,
    ``kind=``.
    """
    if isinstance(text, dict):
        return validate(text)
    match: dict[str, str] = {}
    rule: dict[str, Any] = {"match": match}
    status: int | None = None
    body: Any = None
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise FaultError(f"cannot parse fault {text!r}: {exc}") from exc
    for word in words:
        key, sep, value = word.partition("=")
        try:
            if not sep:
                if word.upper() in METHODS:
                    match["method"] = word.upper()
                elif word.startswith(("/", "*")):
                    match["path"] = word
                elif word.isdigit() and len(word) == 3:
                    status = int(word)
                elif word.lower() in DROPS:
                    rule["drop"] = word.lower()
                elif word.lower() == "callout":
                    rule["target"] = "callout"
                else:
                    raise FaultError(f"unknown word {word!r}")
            elif key in ("p", "probability"):
                rule["probability"] = float(value)
            elif key in ("after", "times"):
                rule[key] = int(value)
            elif key in ("latency", "jitter"):
                rule[f"{key}_ms"] = parse_duration_ms(value)
            elif key in MATCH_KEYS or key in CALLOUT_MATCH_KEYS:
                match[key] = value
            elif key == "status":
                status = int(value)
            elif key == "drop":
                rule["drop"] = value
            elif key == "body":
                body = json.loads(value)
            else:
                raise FaultError(f"unknown key {key!r}")
        except ValueError as exc:
            raise FaultError(f"cannot parse fault {text!r}: {exc}") from exc
    if status is not None or body is not None:
        rule["error"] = {"status": status if status is not None else 500, "body": body}
    try:
        return validate(rule)
    except FaultError as exc:
        raise FaultError(f"fault {text!r}: {exc}") from exc
