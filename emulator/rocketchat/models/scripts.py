"""Integration scripts (``class Script { process_incoming_request / prepare_outgoing_request /
process_outgoing_response }``) in a sandboxed V8, as upstream's ``IsolatedVMScriptEngine``.

Each run gets a fresh V8 context with upstream's limits (3 s, a small heap) and the globals its
sandbox gives: ``console`` and ``Store`` (kept per integration between runs, in the store); no
network, no ``require``. ``console`` output goes to the Python log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from py_mini_racer import JSEvalException, JSPromiseError, MiniRacer, mini_racer

from ...core.runtime import Runtime
from .common import Doc

TIMEOUT_MS = 3000
MAX_MEMORY = 16 * 1024 * 1024
log = logging.getLogger("emulator.rocketchat.scripts")

# ``getCompatibilityScript``'s Store, seeded with what earlier runs left, and a console that
# collects lines for the log.
_PRELUDE = """
const __store = %s;
const Store = {
  set(key, val) { __store[key] = val; return val; },
  get(key) { return __store[key]; },
};
const __logs = [];
const __text = (a) => {
  if (typeof a === 'string') return a;
  try { return JSON.stringify(a); } catch (e) { return String(a); }
};
const __line = (level) => (...args) => __logs.push([level, args.map(__text).join(' ')]);
globalThis.console = {
  log: __line('log'), info: __line('info'), warn: __line('warn'), error: __line('error'),
};
"""


class ScriptError(Exception):
    """The script did not load (``loading``: a syntax error, no ``Script`` class, a throw at the
    top level) or its method threw; ``str()`` is the JS error's message."""

    def __init__(self, message: str, stack: str, loading: bool = False) -> None:
        super().__init__(message)
        self.stack = stack
        self.loading = loading


def _error(exc: Exception, loading: bool = False) -> ScriptError:
    text = str(exc).removeprefix("JavaScript rejected promise with reason: ")
    # V8's report ends with the "Name: message\n    at ..." stack; its message is that line's.
    stack = text[text.find("\n\n") + 2 :] if "\n\n" in text else text
    first = stack.strip().splitlines()[0] if stack.strip() else text
    return ScriptError(first.split(": ", 1)[-1], stack, loading)


@contextmanager
def _context() -> Iterator[MiniRacer]:
    """A fresh V8 context on an event loop of our own, closed only once V8 has freed the
    context: a run stopped by the time limit may still call back while it winds down."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="integration-script", daemon=True)
    thread.start()
    try:
        with mini_racer(loop) as ctx:
            yield ctx
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def compile_error(script: str) -> Doc | None:
    """``scriptError`` as the create method stores it when the script does not parse (then
    ``scriptCompiled`` is left out and the integration runs without it), else None."""
    with _context() as ctx:
        try:
            ctx.eval(f"new Function({json.dumps(script)})", timeout=TIMEOUT_MS)
        except JSEvalException as exc:
            error = _error(exc)
            return {"name": "SyntaxError", "message": str(error), "stack": error.stack}
    return None


def has_valid_script(integration: Doc) -> bool:
    """``integrationHasValidScript``."""
    return bool(integration.get("scriptEnabled") is True and integration.get("scriptCompiled"))


def run(rt: Runtime, integration: Doc, method: str, params: Doc) -> tuple[bool, Any]:
    """Call ``new Script()[method](params)``: ``(False, None)`` when the class has no such
    method, else ``(True, result)`` with the (awaited) result as JSON data. Raises
    ``ScriptError``."""
    stored = rt.store.get("integration_stores", integration["_id"]) or {}
    prelude = _PRELUDE % json.dumps(stored.get("data", {}))
    name = json.dumps(method)
    load = f"{prelude}{integration['scriptCompiled']}\n;globalThis.__script = new Script();"
    call = (
        f"(async () => {{ if (typeof __script[{name}] !== 'function') return "
        f"'{{\"missing\":true}}'; const v = await __script[{name}]({json.dumps(params)}); "
        "return JSON.stringify({v: v === undefined ? null : v}); })()"
    )
    with _context() as ctx:
        try:
            ctx.eval(load, timeout=TIMEOUT_MS, max_memory=MAX_MEMORY)
        except JSEvalException as exc:
            raise _error(exc, loading=True) from None
        try:
            outcome = ctx.eval(call, timeout=TIMEOUT_MS, max_memory=MAX_MEMORY)
            raw = outcome.get(timeout=TIMEOUT_MS / 1000) if hasattr(outcome, "get") else outcome
            data = ctx.eval("JSON.stringify(__store)", timeout=TIMEOUT_MS)
            logs = json.loads(ctx.eval("JSON.stringify(__logs)", timeout=TIMEOUT_MS))
        except (JSEvalException, JSPromiseError) as exc:
            raise _error(exc) from None
    for level, line in logs:
        log.info("integration %s console.%s: %s", integration["_id"], level, line)
    rt.store.upsert("integration_stores", {"_id": integration["_id"], "data": json.loads(data)})
    result = json.loads(raw)
    if result.get("missing"):
        return False, None
    return True, result.get("v")
