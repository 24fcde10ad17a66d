"""``chat-emulator``: the command line. Every option also reads ``CHAT_EMULATOR_<OPTION>``."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from flask import Flask

from . import __version__
from .app import runtime_of
from .config import DEFAULT_PORTS, PRODUCTS, EmulatorConfig
from .core.clock import HISTORY_ANCHORS
from .core.faults import FaultError, parse_spec
from .core.latency import parse_duration_ms
from .core.passwords import DEFAULT_COST, MAX_COST, MIN_COST
from .core.ratelimit import parse_rate
from .core.store import StoreError
from .core.workspace import WORKSPACES, FixtureError, default_fixtures_path
from .server import DEFAULT_THREADS, Listener, serve

ENV_PREFIX = "CHAT_EMULATOR_"


def _env(environ: Mapping[str, str], option: str, default: object) -> object:
    return environ.get(ENV_PREFIX + option.upper().replace("-", "_"), default)


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def build_parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chat-emulator",
        description="Stand-in Mattermost and Rocket.Chat servers for testing chat integrations.",
        epilog=f"Every option can also be set as {ENV_PREFIX}<OPTION> (e.g. {ENV_PREFIX}SEED=7).",
    )
    parser.add_argument("--version", action="version", version=f"chat-emulator {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("serve", help="start the emulator (both products by default)")

    def option(name: str, default: object, **kwargs: object) -> None:
        run.add_argument(f"--{name}", default=_env(environ, name, default), **kwargs)

    option("host", "127.0.0.1", help="address to listen on (default: %(default)s)")
    for product in PRODUCTS:
        option(
            f"{product}-port",
            DEFAULT_PORTS[product],
            type=int,
            metavar="PORT",
            help=f"{product} port; 0 picks a free one (default: %(default)s)",
        )
    option("only", None, choices=PRODUCTS, help="serve one product only")
    storage = run.add_mutually_exclusive_group()
    storage.add_argument(
        "--data-dir",
        type=Path,
        default=Path(_env(environ, "data-dir", ".chat-emulator")),
        help="where the store lives (default: %(default)s)",
    )
    storage.add_argument(
        "--in-memory",
        action="store_true",
        default=_truthy(_env(environ, "in-memory", "false")),
        help="keep nothing on disk",
    )
    option(
        "seed", 1, type=int, help="seed for the generated workspace and ids (default: %(default)s)"
    )
    option(
        "fixtures",
        None,
        type=Path,
        metavar="FILE",
        help="scenario file (JSON or TOML) instead of the default workspace",
    )
    option(
        "workspace",
        "small",
        choices=WORKSPACES,
        help="how much generated data: empty, small or demo (default: %(default)s)",
    )
    option(
        "history-anchor",
        "epoch",
        choices=HISTORY_ANCHORS,
        help="where seeded history ends: epoch (2025-01-06, identical on every run) or now "
        "(the same history moved by whole days to end this morning) (default: %(default)s)",
    )
    option(
        "control-token",
        None,
        metavar="TOKEN",
        help="allow the /_emulator control API from non-loopback clients with this bearer token",
    )
    option(
        "threads",
        DEFAULT_THREADS,
        type=int,
        help="most server threads; each open websocket holds one (default: %(default)s)",
    )
    option(
        "password-cost",
        DEFAULT_COST,
        type=_password_cost,
        metavar="N",
        help=f"bcrypt cost of passwords set at run time, {MIN_COST}..{MAX_COST} (default: "
        f"%(default)s, as the real servers; seeded accounts always use {MIN_COST})",
    )
    control = run.add_argument_group("control plane (also at run time under /_emulator)")
    env_faults = str(_env(environ, "fault", "") or "")
    control.add_argument(
        "--fault",
        action="append",
        type=_fault,
        default=[f.strip() for f in re.split(r"[;\n]", env_faults) if f.strip()],
        metavar="RULE",
        help="a fault rule, repeatable, e.g. 'POST /api/v4/posts* 503 p=0.5 times=3' "
        f"({ENV_PREFIX}FAULT: rules separated by ';')",
    )
    control.add_argument(
        "--latency",
        type=_duration,
        default=str(_env(environ, "latency", "0")),
        metavar="DURATION",
        help="added to every response, e.g. 50ms (default: 0)",
    )
    control.add_argument(
        "--jitter",
        type=_duration,
        default=str(_env(environ, "jitter", "0")),
        metavar="DURATION",
        help="plus a random 0..jitter, e.g. 20ms (default: 0)",
    )
    control.add_argument(
        "--rate-limit",
        type=_rate,
        default=_env(environ, "rate-limit", None),
        metavar="RATE",
        help="switch each product's own rate limiter on: on, off, 10/s, 10/60s, '100/s burst=20'",
    )
    control.add_argument(
        "--journal-size",
        type=int,
        default=str(_env(environ, "journal-size", 1000)),
        metavar="N",
        help="requests kept in the request journal; 0 turns it off (default: %(default)s)",
    )
    return parser


def _fault(text: str) -> str:
    try:
        parse_spec(text)
    except FaultError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def _password_cost(text: str) -> int:
    try:
        cost = int(text)
    except ValueError:
        cost = -1
    if not MIN_COST <= cost <= MAX_COST:
        raise argparse.ArgumentTypeError(f"must be an integer {MIN_COST}..{MAX_COST}")
    return cost


def _duration(text: str) -> int:
    try:
        return parse_duration_ms(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _rate(text: str) -> str:
    try:
        parse_rate(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def config_from_args(args: argparse.Namespace, environ: Mapping[str, str]) -> EmulatorConfig:
    return EmulatorConfig(
        host=args.host,
        mattermost_port=args.mattermost_port,
        rocketchat_port=args.rocketchat_port,
        only=args.only,
        data_dir=None if args.in_memory else args.data_dir,
        seed=args.seed,
        fixtures=args.fixtures,
        workspace=args.workspace,
        history_anchor=args.history_anchor,
        control_token=args.control_token,
        environ=dict(environ),
        faults=tuple(args.fault),
        latency_ms=args.latency,
        jitter_ms=args.jitter,
        rate_limit=args.rate_limit,
        journal_size=max(args.journal_size, 0),
        password_cost=args.password_cost,
    )


def print_ready(listeners: list[Listener], apps: dict[str, Flask], seconds: float) -> None:
    lines = [f"chat-emulator {__version__} ready in {seconds:.2f} s"]
    for listener in listeners:
        lines.append(f"  {listener.product:<11} {listener.url}")
    if listeners:
        # The live chat view, to open first in a demo (every product port serves it).
        lines.append(f"  {'live view':<11} {listeners[0].url}/_emulator/ui")
    first = next(iter(apps.values()), None)
    if first is not None:
        rt = runtime_of(first)
        where = rt.store.path.parent if rt.store.path else "memory only"
        lines.append(f"  {'store':<11} {where}")
        # Usernames only: passwords stay where they were set, never in a log.
        sources = [str(_shown_path(rt.config.fixtures or default_fixtures_path()))]
        sources += sorted(
            {a["env"] for app in apps.values() for a in runtime_of(app).accounts} - {None}
        )
        lines.append(
            f"  {'passwords':<11} from {', '.join(sources)}; GET /_emulator/accounts lists them"
        )
        for product, app in apps.items():
            accounts = [a for a in runtime_of(app).accounts if a["explicit"]]
            generated = len(runtime_of(app).accounts) - len(accounts)
            shown = ", ".join(a["username"] + _account_notes(a) for a in accounts)
            if generated:
                shown += f"; {generated} generated users"
            lines.append(f"  {product + ' logins':<11} {shown or 'none (empty workspace)'}")
    print("\n".join(lines), flush=True)


def _shown_path(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _account_notes(account: dict) -> str:
    notes = (["admin"] if account["admin"] else []) + (
        [f"password from {account['env']}"] if account["env"] else []
    )
    return f" ({', '.join(notes)})" if notes else ""


def progress_bar(product: str, done: int, total: int) -> None:
    if not sys.stderr.isatty() and done != total:
        return
    width = 30
    filled = width * done // max(total, 1)
    end = "\n" if done == total else ""
    sys.stderr.write(
        f"\rseeding {product:<11} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}"
    )
    sys.stderr.flush()


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = dict(os.environ if environ is None else environ)
    parser = build_parser(environ)
    args = parser.parse_args(argv)
    for text in args.fault:  # those from the environment were not checked by argparse
        try:
            parse_spec(text)
        except FaultError as exc:
            parser.error(f"argument --fault: {exc}")
    config = config_from_args(args, environ)
    try:
        return serve(
            config,
            on_ready=print_ready,
            progress=progress_bar if config.workspace == "demo" else None,
            threads=args.threads,
        )
    except (StoreError, FixtureError) as exc:
        print(f"chat-emulator: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
