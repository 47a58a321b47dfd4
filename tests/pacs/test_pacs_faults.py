"""Faults against a real Orthanc: login, a stopped server, a slow one, refusals."""

from __future__ import annotations

import json
import logging
import shutil
import socket
import threading
import time
from pathlib import Path

import pydicom
import pytest
from orthanc_server import SAMPLE, store_sample

from hoview.cli import main
from hoview.errors import HoviewError
from hoview.pacs.cache import PART_PREFIX
from hoview.pacs.retrieve import retrieve_study
from hoview.pacs.servers import Server

PASSWORD = "s3cret-Pa55word-xyz"
REJECT_ALL = "function ReceivedInstanceFilter(dicom, origin, info)\n  return false\nend\n"


def _servers(env: Path, text: str) -> None:
    (env / "config" / "servers.toml").write_text(text)


@pytest.fixture(scope="module")
def guarded(orthanc_factory):
    server = orthanc_factory(users={"alice": PASSWORD})
    server.study_uid = store_sample(server)
    return server


def test_good_password_works(pacs_env, guarded, monkeypatch, capsys):
    monkeypatch.setenv("PACS_PASSWORD", PASSWORD)
    _servers(
        pacs_env,
        f'[servers.secure]\nurl = "{guarded.url}"\nauth = "basic"\n'
        'user = "alice"\nsecret = "env:PACS_PASSWORD"\n',
    )
    assert main(["query", "secure"]) == 0
    out, err = capsys.readouterr()
    assert guarded.study_uid in out
    assert PASSWORD not in out + err


def test_url_with_environment_login(pacs_env, guarded, monkeypatch, capsys):
    monkeypatch.setenv("HOVIEW_DICOMWEB_USER", "alice")
    monkeypatch.setenv("HOVIEW_DICOMWEB_PASSWORD", PASSWORD)
    assert main(["info", f"{guarded.url}/studies/{guarded.study_uid}"]) == 0
    out, err = capsys.readouterr()
    assert "2 series" in out and PASSWORD not in out + err


@pytest.mark.parametrize("command", ["query", "info", "push"])
def test_bad_password_is_one_clear_line(pacs_env, guarded, monkeypatch, capsys, caplog, command):
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-" + PASSWORD
    monkeypatch.setenv("PACS_PASSWORD", wrong)
    _servers(
        pacs_env,
        f'[servers.secure]\nurl = "{guarded.url}"\nauth = "basic"\n'
        'user = "alice"\nsecret = "env:PACS_PASSWORD"\n',
    )
    argv = {
        "query": ["query", "secure"],
        "info": ["info", f"secure:{guarded.study_uid}"],
        "push": ["push", str(SAMPLE / "pelvis_ap.dcm"), "--to", "secure"],
    }[command]
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert err == "hoview: error: secure: authentication failed (401)\n"
    assert wrong not in out + err and PASSWORD not in out + err
    assert wrong not in caplog.text and "Authorization" not in caplog.text


def test_unknown_study_is_a_clear_error(pacs_env, orthanc, capsys):
    assert main(["info", "local:1.2.3.4.5.6.7.8.9"]) == 1
    assert capsys.readouterr().err == "hoview: error: local: study not found\n"
    assert not list((pacs_env / "cache").rglob("*.dcm"))


def test_slow_server_times_out(pacs_env, capsys):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    held: list[socket.socket] = []

    def accept() -> None:  # accepts, reads, never answers within the timeout
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    _servers(pacs_env, f'[servers.slow]\nurl = "http://127.0.0.1:{port}/dicom-web"\ntimeout = 1\n')
    started = time.monotonic()
    try:
        assert main(["query", "slow"]) == 1
    finally:
        listener.close()
        for conn in held:
            conn.close()
    assert capsys.readouterr().err == "hoview: error: slow: timed out after 1 s\n"
    assert time.monotonic() - started < 10


def test_server_not_reachable(pacs_env, capsys):
    from orthanc_server import free_port

    assert main(["query", f"http://127.0.0.1:{free_port()}/dicom-web"]) == 1
    assert capsys.readouterr().err.endswith(": server not reachable\n")


def test_server_stopped_mid_retrieve_then_resumed(pacs_env, orthanc_factory):
    server = orthanc_factory()
    study = store_sample(server)
    remote = Server(name="mid", url=server.url, timeout=5)
    seen: list[Path] = []

    def on_instance(path: Path) -> None:
        seen.append(path)
        if len(seen) == 3:
            server.stop()

    with pytest.raises(HoviewError) as caught:
        retrieve_study(remote, study, on_instance=on_instance)
    assert str(caught.value) == "mid: server not reachable"
    cached = list((pacs_env / "cache").rglob("*.dcm"))
    assert 3 <= len(cached) < 41
    assert not list((pacs_env / "cache").rglob(f"{PART_PREFIX}*"))
    for path in cached:  # every file named .dcm is a whole instance
        pydicom.dcmread(path).PixelData  # noqa: B018

    server.start()
    done: list[int] = []
    paths = retrieve_study(remote, study, progress=lambda d, t: done.append(d))
    assert len(paths) == 41 and all(p.is_file() for p in paths)
    assert done[-1] == 41
    assert not list((pacs_env / "cache").rglob(f"{PART_PREFIX}*"))


def test_refused_store_marks_nothing_stored(pacs_env, orthanc_factory, tmp_path, capsys):
    server = orthanc_factory(lua=REJECT_ALL)
    film = tmp_path / "pelvis_ap.dcm"
    shutil.copy(SAMPLE / "pelvis_ap.dcm", film)
    shutil.copy(SAMPLE / "pelvis_ap.dcm.hoview.json", tmp_path / "pelvis_ap.dcm.hoview.json")
    before = (tmp_path / "pelvis_ap.dcm.hoview.json").read_text()
    _servers(pacs_env, f'[servers.strict]\nurl = "{server.url}"\n')
    assert main(["push", str(film), "--to", "strict"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("hoview: error: strict: the server refused the store (")
    assert err.count("\n") == 1
    after = json.loads((tmp_path / "pelvis_ap.dcm.hoview.json").read_text())
    assert "pacs" not in after
    assert (tmp_path / "pelvis_ap.dcm.hoview.json").read_text() == before
    assert server.rest("/statistics")["CountInstances"] == 0
