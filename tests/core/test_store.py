import json
import os
import stat
import subprocess
import sys
import textwrap
import threading

import pytest
from tinydb import Query, TinyDB

from emulator.core.store import DuplicateKey, Store, StoreError


def make_store(path=None, **kwargs) -> Store:
    store = Store(path, **kwargs)
    store.define("users", unique={"name": "name"}, multi={"team": "team"})
    store.define("posts", multi={"channel": "channel"})
    return store


def test_indexes_follow_inserts_updates_and_deletes():
    store = make_store()
    store.insert("users", {"id": "u1", "name": "alice", "team": "t1"})
    store.insert("users", {"id": "u2", "name": "bob", "team": "t1"})
    assert store.find_one("users", "name", "alice")["id"] == "u1"
    assert [u["id"] for u in store.find("users", "team", "t1")] == ["u1", "u2"]

    store.update("users", "u1", {"name": "alicia", "team": "t2"})
    assert store.find_one("users", "name", "alice") is None
    assert store.find_one("users", "name", "alicia")["id"] == "u1"
    assert [u["id"] for u in store.find("users", "team", "t1")] == ["u2"]

    store.delete("users", "u2")
    assert store.find("users", "team", "t1") == []
    assert store.count("users") == 1


def test_unique_violation_changes_nothing():
    store = make_store()
    store.insert("users", {"id": "u1", "name": "alice", "team": "t1"})
    with pytest.raises(DuplicateKey):
        store.insert("users", {"id": "u2", "name": "alice", "team": "t1"})
    assert store.get("users", "u2") is None
    assert store.count("users") == 1


def test_update_is_copy_on_write():
    store = make_store()
    original = store.insert("users", {"id": "u1", "name": "alice", "team": "t1"})
    store.update("users", "u1", {"name": "alicia"})
    assert original["name"] == "alice"


def test_failed_transaction_rolls_back_every_write():
    store = make_store()
    store.insert("users", {"id": "u1", "name": "alice", "team": "t1"})
    with pytest.raises(RuntimeError), store.transaction():
        store.insert("users", {"id": "u2", "name": "bob", "team": "t1"})
        store.update("users", "u1", {"name": "changed"})
        store.delete("users", "u1")
        raise RuntimeError("boom")
    assert store.get("users", "u2") is None
    assert store.find_one("users", "name", "alice")["id"] == "u1"
    assert store.find_one("users", "name", "bob") is None


def test_find_page_reads_newest_first_without_copying_the_bucket():
    store = make_store()
    for i in range(10):
        store.insert("posts", {"id": f"p{i}", "channel": "c"})
    assert [p["id"] for p in store.find_page("posts", "channel", "c", 2, 3)] == ["p7", "p6", "p5"]
    oldest = store.find_page("posts", "channel", "c", 0, 2, newest_first=False)
    assert [p["id"] for p in oldest] == ["p0", "p1"]


def test_reset_returns_to_baseline():
    store = make_store()
    store.insert("users", {"id": "u1", "name": "alice", "team": "t1"})
    store.mark_baseline()
    store.insert("users", {"id": "u2", "name": "bob", "team": "t1"})
    store.update("users", "u1", {"name": "x"})
    store.reset()
    assert [u["name"] for u in store.all("users")] == ["alice"]
    assert store.find_one("users", "name", "bob") is None


def test_restart_keeps_data_and_journal_is_replayed(tmp_path):
    path = tmp_path / "db.json"
    store = make_store(path)
    store.open()
    store.insert("users", {"id": "u1", "name": "alice", "team": "t1"})
    store.insert("users", {"id": "u2", "name": "bob", "team": "t1"})
    store.delete("users", "u2")
    # No close(): the journal alone must carry the writes.
    again = make_store(path)
    assert again.open() is True
    assert [u["id"] for u in again.all("users")] == ["u1"]
    again.close()
    store.close()


def test_snapshot_is_a_tinydb_database(tmp_path):
    path = tmp_path / "db.json"
    store = make_store(path)
    store.open()
    store.insert("users", {"id": "u1", "name": "alice", "team": "t1"})
    store.close()
    db = TinyDB(path)
    assert db.table("users").search(Query().name == "alice")[0]["id"] == "u1"
    db.close()


def test_a_write_cut_short_is_ignored_but_earlier_ones_survive(tmp_path):
    path = tmp_path / "db.json"
    store = make_store(path)
    store.open()
    store.insert("users", {"id": "u1", "name": "alice", "team": "t1"})
    journal = path.with_suffix(".journal")
    with open(journal, "ab") as fh:
        fh.write(b'{"ops":[["put","users",{"id":"u2","na')  # a crash in mid-write
    again = make_store(path)
    again.open()
    assert [u["id"] for u in again.all("users")] == ["u1"]
    again.close()
    store.close()


def test_corrupt_snapshot_is_a_clear_error(tmp_path):
    path = tmp_path / "db.json"
    path.write_text("{not json")
    with pytest.raises(StoreError, match=str(path)):
        make_store(path).open()


def test_corrupt_journal_line_in_the_middle_is_a_clear_error(tmp_path):
    path = tmp_path / "db.json"
    path.with_suffix(".journal").write_text('garbage\n{"ops":[]}\n')
    with pytest.raises(StoreError, match="line 1"):
        make_store(path).open()


def test_concurrent_writers_keep_indexes_consistent(tmp_path):
    store = make_store(tmp_path / "db.json")
    store.open()

    def writer(n):
        for i in range(200):
            store.insert("posts", {"id": f"{n}-{i}", "channel": f"c{i % 3}"})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.count("posts") == 800
    assert sum(store.count_by("posts", "channel", f"c{i}") for i in range(3)) == 800
    store.close()
    again = make_store(tmp_path / "db.json")
    again.open()
    assert again.count("posts") == 800
    again.close()


def test_compaction_bounds_the_journal(tmp_path):
    store = make_store(tmp_path / "db.json", compact_after=10)
    store.open()
    for i in range(25):
        store.insert("posts", {"id": f"p{i}", "channel": "c"})
    store.sync()
    journal = (tmp_path / "db.journal").read_text()
    assert journal == ""
    data = json.loads((tmp_path / "db.json").read_text())
    assert len(data["posts"]) == 25
    store.close()


KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from tests.core.test_store import make_store
    store = make_store({path!r}, compact_after=50)
    store.open()
    for i in range(100000):
        store.insert("posts", {{"id": f"p{{i}}", "channel": "c", "body": "x" * 200}})
        if i % 7 == 0:
            store.sync()
        if i == {kill_at}:
            os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.parametrize("kill_at", [3, 120, 777])
def test_a_killed_process_leaves_a_readable_consistent_store(tmp_path, kill_at):
    import pathlib

    root = str(pathlib.Path(__file__).resolve().parents[2])
    path = str(tmp_path / "db.json")
    script = KILLED_WRITER.format(root=root, path=path, kill_at=kill_at)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr.decode()
    store = make_store(path)
    store.open()
    ids = {p["id"] for p in store.all("posts")}
    store.close()
    # Every write before the kill landed, whole.
    assert ids == {f"p{i}" for i in range(kill_at + 1)}


def test_updates_keep_a_documents_place_in_its_buckets():
    store = make_store()
    for i in range(3):
        store.insert("posts", {"id": f"p{i}", "channel": "c", "edited": False})
    store.update("posts", "p0", {"edited": True})  # e.g. a reaction on an old post
    assert [p["id"] for p in store.find("posts", "channel", "c")] == ["p0", "p1", "p2"]
    store.update("posts", "p0", {"channel": "d"})  # a changed key moves it, as it must
    assert [p["id"] for p in store.find("posts", "channel", "c")] == ["p1", "p2"]
    assert [p["id"] for p in store.find("posts", "channel", "d")] == ["p0"]


def test_insert_never_replaces_and_upsert_is_explicit():
    store = make_store()
    first = store.insert("users", {"id": "u1", "name": "alice", "team": "t1"})
    with pytest.raises(DuplicateKey):
        store.insert("users", {"id": "u1", "name": "other", "team": "t2"})
    assert store.get("users", "u1") is first
    assert [u["id"] for u in store.find("users", "team", "t1")] == ["u1"]
    assert not hasattr(store, "put")  # the old name replaced silently: no create can reach it
    store.upsert("users", {"id": "u1", "name": "alicia", "team": "t1"})
    assert store.get("users", "u1")["name"] == "alicia"


@pytest.mark.parametrize("content", [b"", b" \n\t\n"])
def test_an_empty_store_file_is_a_clear_error_not_a_fresh_start(tmp_path, content):
    path = tmp_path / "db.json"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=f"corrupt store file {path}: empty"):
        make_store(path).open()
    assert path.read_bytes() == content  # left as found, for whoever looks into it


def test_an_absent_store_file_is_a_fresh_store(tmp_path):
    store = make_store(tmp_path / "db.json")
    assert store.open() is False
    store.close()


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_files_are_created_private_and_old_ones_made_private(tmp_path):
    data_dir = tmp_path / "fresh" / "data"
    path = data_dir / "db.json"
    store = make_store(path)
    store.open()
    store.insert("users", {"id": "u1", "name": "alice", "team": "t1"})
    assert _mode(data_dir) == 0o700
    assert _mode(path) == 0o600
    assert _mode(path.with_suffix(".journal")) == 0o600
    store.close()
    # Files an older version left readable by all, and a temp file a crash left behind.
    old = tmp_path / "old"
    old.mkdir()
    for name in ("db.json", "db.journal", ".db.json.tmp"):
        (old / name).write_bytes(b"")
        os.chmod(old / name, 0o644)
    (old / "db.json").write_text('{"users": {"1": {"id": "u1", "name": "a", "team": "t"}}}')
    store = make_store(old / "db.json")
    store.open()
    store.insert("users", {"id": "u2", "name": "bob", "team": "t1"})
    for name in ("db.json", "db.journal"):
        assert _mode(old / name) == 0o600, name
    store.compact()  # moves the journal aside, writes the snapshot through the temp file
    assert sorted(p.name for p in old.iterdir()) == ["db.journal", "db.json"]
    for name in ("db.json", "db.journal"):
        assert _mode(old / name) == 0o600, name
    store.close()


def test_a_journal_moved_aside_stays_private(tmp_path, monkeypatch):
    """The old journal lives only during a compaction: catch it there."""
    import emulator.core.store as store_module

    path = tmp_path / "db.json"
    store = make_store(path)
    store.open()
    store.insert("users", {"id": "u1", "name": "alice", "team": "t1"})
    seen = {}
    real_write = store_module.write_atomically

    def spy(target, payload):
        old_journal = path.with_suffix(".journal.old")
        seen["old journal"] = _mode(old_journal)
        real_write(target, payload)

    monkeypatch.setattr(store_module, "write_atomically", spy)
    store.compact()
    assert seen == {"old journal": 0o600}
    store.close()


class Position:
    """A stand-in id generator position, as the runtime's IdSource gives it."""

    def __init__(self) -> None:
        self.state = {"generation": 1, "counter": 0}
        self.restored: list = []

    def get(self) -> dict:
        return dict(self.state)

    def restore(self, state) -> None:
        self.restored.append(state)


def test_the_id_position_travels_in_the_snapshot_and_the_journal(tmp_path):
    path = tmp_path / "db.json"
    position = Position()
    store = make_store(path)
    store.track_ids(position.get, position.restore)
    store.open()
    assert json.loads(path.read_text())["_meta"]["1"]["ids"] == {"generation": 1, "counter": 0}
    position.state["counter"] = 5
    store.insert("users", {"id": "u1", "name": "alice", "team": "t1"})
    store.insert("users", {"id": "u2", "name": "bob", "team": "t1"})  # position unchanged
    lines = [json.loads(line) for line in path.with_suffix(".journal").read_text().splitlines()]
    assert [line.get("ids") for line in lines] == [{"generation": 1, "counter": 5}, None]
    # Read back without close(): the journal's last position wins.
    again = make_store(path)
    restarted = Position()
    again.track_ids(restarted.get, restarted.restore)
    again.read_files()
    assert restarted.restored == [{"generation": 1, "counter": 5}]
    store.close()


def test_a_malformed_id_position_in_the_file_is_a_clear_error(tmp_path):
    path = tmp_path / "db.json"
    path.write_text('{"_meta": {"1": {"format": 1, "ids": {"generation": -1, "counter": 0}}}}')
    with pytest.raises(StoreError, match=f"corrupt store file {path}: id state"):
        make_store(path).open()


def test_reset_and_load_restore_the_position_that_goes_with_the_data():
    position = Position()
    store = make_store()
    store.track_ids(position.get, position.restore)
    store.mark_baseline()
    position.state["counter"] = 9
    store.reset()
    store.load({"users": []}, {"generation": 3, "counter": 4})
    store.load({"users": []})
    assert position.restored == [
        {"generation": 1, "counter": 0},
        {"generation": 3, "counter": 4},
        None,
    ]
