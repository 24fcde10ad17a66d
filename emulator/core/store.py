"""The store: indexed in-memory tables, persisted as a TinyDB file plus an append-only journal.

TinyDB rewrites its whole file on every insert, so it cannot sit on the request path of a growing
table. Live data lives here in dicts with an index for every key a request looks up; TinyDB's JSON
layout is the on-disk format (a user can open the snapshot with ``TinyDB(path)``), written whole
only at compaction, atomically (temp file, fsync, rename). Between snapshots every committed
transaction is one line appended to the journal, so a write lands whole or not at all.

Documents are copy-on-write: ``update`` replaces a document instead of mutating it, so snapshots,
the seeded baseline and readers can share documents without copying them. Callers must treat the
dicts the store returns as read-only.

The id generator's position travels with the data (the snapshot's meta record, journal lines, the
reset baseline), so ids made after a restart or a restore never repeat a stored one. The files
hold session tokens: they are created readable by their owner only.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from tinydb import Storage

from .ids import check_state

Doc = dict[str, Any]
KeyFunc = Callable[[Doc], Any]

META_TABLE = "_meta"
FORMAT_VERSION = 1


class StoreError(Exception):
    """A store file that cannot be used; the message is one line naming the file."""


class DuplicateKey(Exception):
    def __init__(self, table: str, index: str, key: Any) -> None:
        super().__init__(f"{table}.{index} already has {key!r}")
        self.table, self.index, self.key = table, index, key


def _key_func(spec: str | KeyFunc) -> KeyFunc:
    if callable(spec):
        return spec
    return lambda doc: doc.get(spec)


class AtomicJSONStorage(Storage):
    """TinyDB storage whose writes replace the file atomically (temp file, fsync, rename)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    def read(self) -> dict | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read store file {self.path}: {exc.strerror}") from None
        if not raw.strip():
            # Our writes replace the file whole: an empty one was damaged, not left fresh.
            raise StoreError(f"corrupt store file {self.path}: empty")
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise StoreError(f"corrupt store file {self.path}: {exc}") from None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise StoreError(f"corrupt store file {self.path}: not a TinyDB database")
        return data

    def write(self, data: dict) -> None:
        write_atomically(self.path, json.dumps(data, separators=(",", ":")).encode())


def open_private(path: Path, append: bool = False) -> BinaryIO:
    """Open ``path`` for writing, readable by its owner only (even if it already existed)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
    except OSError:
        os.close(fd)
        raise
    return open(fd, "ab" if append else "wb")


def write_atomically(path: Path, payload: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open_private(tmp) as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@dataclass
class _Table:
    name: str
    key: str
    unique: dict[str, KeyFunc]
    multi: dict[str, KeyFunc]
    docs: dict[str, Doc] = field(default_factory=dict)
    unique_maps: dict[str, dict[Any, str]] = field(default_factory=dict)
    multi_maps: dict[str, dict[Any, dict[str, None]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.docs = {}
        self.unique_maps = {name: {} for name in self.unique}
        self.multi_maps = {name: {} for name in self.multi}

    def multi_keys(self, name: str, doc: Doc) -> Iterable[Any]:
        keys = self.multi[name](doc)
        if keys is None:
            return ()
        if isinstance(keys, list | tuple | set | frozenset):
            return keys
        return (keys,)

    def check_unique(self, doc: Doc, pk: str) -> None:
        for name, func in self.unique.items():
            value = func(doc)
            if value is None:
                continue
            owner = self.unique_maps[name].get(value)
            if owner is not None and owner != pk:
                raise DuplicateKey(self.name, name, value)

    def link(self, pk: str, doc: Doc) -> None:
        self.docs[pk] = doc
        for name, func in self.unique.items():
            value = func(doc)
            if value is not None:
                self.unique_maps[name][value] = pk
        for name in self.multi:
            bucket_map = self.multi_maps[name]
            for value in self.multi_keys(name, doc):
                bucket_map.setdefault(value, {})[pk] = None

    def replace(self, pk: str, doc: Doc) -> None:
        """Link ``doc`` in place of the current version, keeping its position in every bucket
        whose key did not change (multi indexes stay in insertion order across updates)."""
        old = self.docs.get(pk)
        if old is None:
            self.link(pk, doc)
            return
        self.docs[pk] = doc
        for name, func in self.unique.items():
            before, after = func(old), func(doc)
            if before == after:
                continue
            if before is not None and self.unique_maps[name].get(before) == pk:
                del self.unique_maps[name][before]
            if after is not None:
                self.unique_maps[name][after] = pk
        for name in self.multi:
            before = list(self.multi_keys(name, old))
            after = list(self.multi_keys(name, doc))
            if before == after:
                continue
            bucket_map = self.multi_maps[name]
            for value in before:
                if value in after:
                    continue
                bucket = bucket_map.get(value)
                if bucket is not None:
                    bucket.pop(pk, None)
                    if not bucket:
                        del bucket_map[value]
            for value in after:
                if value not in before:
                    bucket_map.setdefault(value, {})[pk] = None

    def unlink(self, pk: str) -> Doc | None:
        doc = self.docs.pop(pk, None)
        if doc is None:
            return None
        for name, func in self.unique.items():
            value = func(doc)
            if value is not None and self.unique_maps[name].get(value) == pk:
                del self.unique_maps[name][value]
        for name in self.multi:
            bucket_map = self.multi_maps[name]
            for value in self.multi_keys(name, doc):
                bucket = bucket_map.get(value)
                if bucket is not None:
                    bucket.pop(pk, None)
                    if not bucket:
                        del bucket_map[value]
        return doc


class Store:
    """Thread-safe indexed tables with optional file persistence.

    ``define`` the tables first (primary key field, unique and multi indexes), then ``open``.
    """

    def __init__(self, path: str | os.PathLike | None = None, compact_after: int = 5000) -> None:
        self.lock = threading.RLock()
        self._compact_lock = threading.Lock()
        self._tables: dict[str, _Table] = {}
        self._baseline: dict[str, list[Doc]] | None = None
        self._path = Path(path) if path is not None else None
        self._journal_path = self._path.with_suffix(".journal") if self._path else None
        self._old_journal_path = self._path.with_suffix(".journal.old") if self._path else None
        self._journal: Any = None
        self._journal_records = 0
        self._unsynced = False
        self._compact_after = compact_after
        self._tx_depth = 0
        self._tx_ops: list[list] = []
        self._tx_undo: list[tuple[str, str, Doc | None]] = []
        self._ids_state: Callable[[], dict[str, int]] | None = None
        self._ids_restore: Callable[[dict[str, int] | None], None] | None = None
        self._journaled_ids: dict[str, int] | None = None
        self._baseline_ids: dict[str, int] | None = None

    # -- schema -------------------------------------------------------------------------------

    def define(
        self,
        table: str,
        key: str = "id",
        unique: dict[str, str | KeyFunc] | None = None,
        multi: dict[str, str | KeyFunc] | None = None,
    ) -> None:
        self._tables[table] = _Table(
            table,
            key,
            {n: _key_func(s) for n, s in (unique or {}).items()},
            {n: _key_func(s) for n, s in (multi or {}).items()},
        )

    def track_ids(
        self,
        state: Callable[[], dict[str, int]],
        restore: Callable[[dict[str, int] | None], None],
    ) -> None:
        """Keep the id generator's position ``state()`` with the data; whenever data is loaded
        (files, snapshot, reset) ``restore`` gets the position that came with it, or None when
        the data came without one."""
        self._ids_state, self._ids_restore = state, restore

    def ids_state(self) -> dict[str, int] | None:
        return self._ids_state() if self._ids_state is not None else None

    @property
    def persistent(self) -> bool:
        return self._path is not None

    @property
    def path(self) -> Path | None:
        return self._path

    # -- reads --------------------------------------------------------------------------------

    def get(self, table: str, pk: Any) -> Doc | None:
        if not isinstance(pk, str):
            return None
        return self._tables[table].docs.get(pk)

    def find_one(self, table: str, index: str, key: Any) -> Doc | None:
        t = self._tables[table]
        with self.lock:
            pk = t.unique_maps[index].get(key)
            return t.docs.get(pk) if pk is not None else None

    def find(self, table: str, index: str, key: Any) -> list[Doc]:
        t = self._tables[table]
        with self.lock:
            bucket = t.multi_maps[index].get(key, {})
            return [t.docs[pk] for pk in bucket]

    def find_page(
        self, table: str, index: str, key: Any, offset: int, limit: int, newest_first: bool = True
    ) -> list[Doc]:
        """A page of a multi-index bucket in insertion order (or reversed), without a full copy."""
        t = self._tables[table]
        with self.lock:
            bucket = t.multi_maps[index].get(key, {})
            pks = reversed(bucket) if newest_first else iter(bucket)
            page = itertools.islice(pks, max(offset, 0), max(offset, 0) + max(limit, 0))
            return [t.docs[pk] for pk in page]

    def count_by(self, table: str, index: str, key: Any) -> int:
        return len(self._tables[table].multi_maps[index].get(key, ()))

    def keys_of(self, table: str, index: str) -> list[Any]:
        """The distinct keys of an index (unique or multi)."""
        t = self._tables[table]
        with self.lock:
            source = t.unique_maps.get(index)
            if source is None:
                source = t.multi_maps[index]
            return list(source)

    def all(self, table: str) -> list[Doc]:
        with self.lock:
            return list(self._tables[table].docs.values())

    def count(self, table: str) -> int:
        return len(self._tables[table].docs)

    # -- writes -------------------------------------------------------------------------------

    def insert(self, table: str, doc: Doc) -> Doc:
        t = self._tables[table]
        pk = doc[t.key]
        with self.transaction():
            if pk in t.docs:
                raise DuplicateKey(table, t.key, pk)
            t.check_unique(doc, pk)
            self._apply_put(t, pk, doc)
        return doc

    def upsert(self, table: str, doc: Doc) -> Doc:
        """Insert or replace a whole document: only where that is the rule (settings, statuses,
        memberships rejoined in place...); creates use ``insert``, which never replaces."""
        t = self._tables[table]
        pk = doc[t.key]
        with self.transaction():
            t.check_unique(doc, pk)
            self._apply_put(t, pk, doc)
        return doc

    def update(self, table: str, pk: str, changes: Doc) -> Doc:
        """Replace the document by a copy with ``changes`` applied; KeyError if it is missing."""
        t = self._tables[table]
        with self.transaction():
            old = t.docs[pk]
            new = {**old, **changes}
            t.check_unique(new, pk)
            self._apply_put(t, pk, new)
        return new

    def delete(self, table: str, pk: str) -> Doc | None:
        t = self._tables[table]
        with self.transaction():
            if pk not in t.docs:
                return None
            old = t.docs[pk]
            self._tx_undo.append((table, pk, old))
            t.unlink(pk)
            self._tx_ops.append(["del", table, pk])
        return old

    def _apply_put(self, t: _Table, pk: str, doc: Doc) -> None:
        self._tx_undo.append((t.name, pk, t.docs.get(pk)))
        t.replace(pk, doc)
        self._tx_ops.append(["put", t.name, doc])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all of them land (in memory and in one journal line) or none does."""
        with self.lock:
            self._tx_depth += 1
            try:
                yield
            except BaseException:
                self._tx_depth -= 1
                if self._tx_depth == 0:
                    self._rollback()
                raise
            self._tx_depth -= 1
            if self._tx_depth == 0:
                self._commit()

    def _rollback(self) -> None:
        for table, pk, previous in reversed(self._tx_undo):
            t = self._tables[table]
            if previous is None:
                t.unlink(pk)
            else:
                t.replace(pk, previous)
        self._tx_undo.clear()
        self._tx_ops.clear()

    def _commit(self) -> None:
        ops, self._tx_ops = self._tx_ops, []
        self._tx_undo.clear()
        if ops and self._journal is not None:
            entry: dict[str, Any] = {"ops": ops}
            # Read after the writes: the position is past every id they hold.
            ids = self.ids_state()
            if ids != self._journaled_ids:
                entry["ids"] = self._journaled_ids = ids
            line = json.dumps(entry, separators=(",", ":")).encode() + b"\n"
            self._journal.write(line)
            self._journal.flush()  # reaches the OS: survives the process being killed
            self._journal_records += 1
            self._unsynced = True

    # -- whole-state operations ---------------------------------------------------------------

    def dump(self) -> dict[str, list[Doc]]:
        """All tables as lists of documents (the control API's snapshot format)."""
        with self.lock:
            return {name: list(t.docs.values()) for name, t in self._tables.items()}

    def fingerprint(self) -> bytes:
        """A digest of every table's documents, in order."""
        digest = hashlib.blake2b(digest_size=32)
        with self.lock:
            for name in sorted(self._tables):
                digest.update(json.dumps(name).encode() + b"\0")
                for doc in self._tables[name].docs.values():
                    digest.update(json.dumps(doc, sort_keys=True).encode() + b"\0")
        return digest.digest()

    def load(self, tables: dict[str, list[Doc]], ids: dict[str, int] | None = None) -> None:
        """Replace the whole state (unknown tables are ignored; missing ones become empty).

        ``ids`` is the id generator's position that goes with ``tables``; None if unknown.
        """
        with self.lock:
            for t in self._tables.values():
                t.clear()
            for name, docs in tables.items():
                t = self._tables.get(name)
                if t is None:
                    continue
                for doc in docs:
                    t.link(doc[t.key], doc)
            if self._ids_restore is not None:
                self._ids_restore(ids)
        if self._journal is not None:
            self.compact()

    def validate_dump(self, tables: dict[str, list[Doc]]) -> None:
        """Refuse a state ``load`` would corrupt: unknown tables, missing or duplicate keys."""
        for name, docs in tables.items():
            t = self._tables.get(name)
            if t is None:
                raise StoreError(f"unknown table {name!r}")
            probe = _Table(name, t.key, t.unique, t.multi)
            for doc in docs:
                pk = doc.get(t.key)
                if not isinstance(pk, str) or pk in probe.docs:
                    raise StoreError(f"table {name!r}: missing or repeated {t.key!r}: {pk!r}")
                try:
                    probe.check_unique(doc, pk)
                    probe.link(pk, doc)
                except DuplicateKey as exc:
                    raise StoreError(str(exc)) from None
                except (TypeError, AttributeError) as exc:
                    raise StoreError(f"table {name!r}: malformed document {pk!r}: {exc}") from None

    def mark_baseline(self) -> None:
        """Remember the current state as the one ``reset`` returns to."""
        with self.lock:
            self._baseline = self.dump()
            self._baseline_ids = self.ids_state()

    def reset(self) -> None:
        if self._baseline is None:
            raise RuntimeError("reset() before mark_baseline()")
        self.load(self._baseline, self._baseline_ids)

    # -- persistence --------------------------------------------------------------------------

    def open(self) -> bool:
        """Load the file state if there is one; returns whether anything was loaded."""
        found = self.read_files()
        self.compact()
        return found

    def read_files(self) -> bool:
        """Load snapshot and journal into memory (StoreError if unusable); no writes."""
        if self._path is None:
            return False
        self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = AtomicJSONStorage(self._path).read()
        journals = [j for j in (self._old_journal_path, self._journal_path) if j.exists()]
        if data is None and not any(j.stat().st_size for j in journals):
            return False
        found = True
        with self.lock:
            for t in self._tables.values():
                t.clear()
            try:
                for name, rows in (data or {}).items():
                    t = self._tables.get(name)
                    if t is None:
                        continue
                    for doc in rows.values():
                        t.link(doc[t.key], doc)
            except (KeyError, TypeError, AttributeError):
                raise StoreError(f"corrupt store file {self._path}: malformed document") from None
            ids = self._read_meta_ids(data or {})
            for journal in journals:
                ids = self._replay(journal, ids)
            if self._ids_restore is not None:
                self._ids_restore(ids)
        return found

    def _read_meta_ids(self, data: dict) -> dict[str, int] | None:
        meta = data.get(META_TABLE, {}).get("1")
        ids = meta.get("ids") if isinstance(meta, dict) else None
        if ids is None:
            return None  # written before positions were kept: the caller starts a new stream
        try:
            return check_state(ids)
        except ValueError as exc:
            raise StoreError(f"corrupt store file {self._path}: {exc}") from None

    def _replay(self, journal: Path, ids: dict[str, int] | None) -> dict[str, int] | None:
        """Apply a journal's transactions; returns the id position of the last one that has it."""
        try:
            lines = journal.read_bytes().split(b"\n")
        except FileNotFoundError:
            return ids
        except OSError as exc:
            raise StoreError(f"cannot read store journal {journal}: {exc.strerror}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                ops = entry["ops"]
                line_ids = check_state(entry["ids"]) if "ids" in entry else None
            except (ValueError, KeyError, TypeError):
                if number == len(lines):
                    break  # a write cut short by a crash: that transaction never landed
                raise StoreError(f"corrupt store journal {journal}: line {number}") from None
            try:
                for op in ops:
                    t = self._tables.get(op[1])
                    if t is None:
                        continue
                    if op[0] == "put":
                        t.replace(op[2][t.key], op[2])
                    else:
                        t.unlink(op[2])
            except (KeyError, TypeError, IndexError, AttributeError):
                raise StoreError(f"corrupt store journal {journal}: line {number}") from None
            if line_ids is not None:
                ids = line_ids
        return ids

    def compact(self) -> None:
        """Write a fresh snapshot and start an empty journal.

        Never call it while holding ``lock`` (the compaction lock is always taken first).
        """
        if self._path is None:
            return
        with self._compact_lock:
            with self.lock:
                tables = {name: list(t.docs.values()) for name, t in self._tables.items()}
                ids = self._journaled_ids = self.ids_state()
                if self._journal is not None:
                    self._journal.close()
                if self._journal_path.exists():
                    # Until the new snapshot is in place, the old journal still holds these writes.
                    os.replace(self._journal_path, self._old_journal_path)
                self._journal = open_private(self._journal_path, append=True)
                self._journal_records = 0
                self._unsynced = False
            # Serialising outside the store lock is safe: documents are never mutated in place.
            AtomicJSONStorage(self._path).write(_tinydb_layout(tables, self._tables, ids))
            with contextlib.suppress(FileNotFoundError):
                os.remove(self._old_journal_path)

    def sync(self) -> None:
        """Make the journal durable; compact when it has grown long. Called on an interval."""
        if self._journal is None:
            return
        if self._journal_records >= self._compact_after:
            self.compact()
            return
        with self.lock:
            if self._unsynced and self._journal is not None:
                os.fsync(self._journal.fileno())
                self._unsynced = False

    def close(self) -> None:
        if self._journal is None:
            return
        self.compact()
        with self.lock:
            self._journal.close()
            self._journal = None


def _tinydb_layout(
    tables: dict[str, list[Doc]], schema: dict[str, _Table], ids: dict[str, int] | None
) -> dict:
    meta: Doc = {"format": FORMAT_VERSION, "keys": {n: t.key for n, t in schema.items()}}
    if ids is not None:
        meta["ids"] = ids
    layout: dict[str, dict[str, Doc]] = {META_TABLE: {"1": meta}}
    for name, docs in tables.items():
        layout[name] = {str(i): doc for i, doc in enumerate(docs, 1)}
    return layout
