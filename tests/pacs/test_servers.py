"""servers.toml, URLs, references; secrets never shown."""

from __future__ import annotations

import pytest

from hoview.errors import HoviewError
from hoview.pacs.client import PacsClient, make_session
from hoview.pacs.servers import (
    Server,
    cache_limit_bytes,
    load_servers,
    parse_reference,
    resolve_server,
)

SECRET = "Zq9-very-secret-token"
UID = "1.2.826.0.1.3680043.8.498.1"


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("HOVIEW_CONFIG_DIR", str(tmp_path))
    for name in (
        "HOVIEW_DICOMWEB_USER",
        "HOVIEW_DICOMWEB_PASSWORD",
        "HOVIEW_DICOMWEB_TOKEN",
        "HOVIEW_CACHE_LIMIT_MB",
    ):
        monkeypatch.delenv(name, raising=False)

    def write(text: str) -> None:
        (tmp_path / "servers.toml").write_text(text)

    return write


def test_configured_server_reads_its_secret_from_the_named_variable(config, monkeypatch):
    monkeypatch.setenv("PACS_TOKEN", SECRET)
    config(
        '[servers.pacs]\nurl = "https://pacs.example.org/dicom-web/"\nauth = "bearer"\n'
        'secret = "env:PACS_TOKEN"\nca_bundle = "/etc/ca.pem"\ntimeout = 7\n'
    )
    server = resolve_server("pacs")
    assert server.secret == SECRET
    assert server.url == "https://pacs.example.org/dicom-web"
    assert server.verify == "/etc/ca.pem" and server.timeout == 7
    assert server.label == "pacs"
    for shown in (repr(server), str(server), f"{server}", repr(load_servers())):
        assert SECRET not in shown
    assert SECRET not in repr(make_session(server).auth)
    assert SECRET not in repr(PacsClient(server).server)


def test_missing_variable_is_named_not_guessed(config):
    config(
        '[servers.pacs]\nurl = "https://pacs.example.org/dw"\nauth = "basic"\n'
        'user = "u"\nsecret = "env:NOT_SET_ANYWHERE_123"\n'
    )
    with pytest.raises(HoviewError, match="NOT_SET_ANYWHERE_123 is not set"):
        resolve_server("pacs")


def test_keyring_asked_for_but_missing_is_a_clear_error(config, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "keyring", None)  # not installed
    config(
        '[servers.pacs]\nurl = "https://pacs.example.org/dw"\nauth = "basic"\n'
        'user = "u"\nsecret = "keyring"\n'
    )
    with pytest.raises(HoviewError, match="keyring package is not installed"):
        resolve_server("pacs")


def test_url_server_takes_login_from_the_environment(config, monkeypatch):
    monkeypatch.setenv("HOVIEW_DICOMWEB_USER", "alice")
    monkeypatch.setenv("HOVIEW_DICOMWEB_PASSWORD", SECRET)
    server = resolve_server("http://127.0.0.1:8042/dicom-web")
    assert (server.auth, server.user, server.secret) == ("basic", "alice", SECRET)
    assert server.label == "127.0.0.1:8042" and SECRET not in repr(server)
    monkeypatch.setenv("HOVIEW_DICOMWEB_TOKEN", SECRET)
    assert resolve_server("http://h/dw").auth == "bearer"


def test_passwords_in_urls_are_refused_without_echoing_them(config):
    with pytest.raises(HoviewError) as caught:
        resolve_server(f"https://bob:{SECRET}@pacs.example.org/dw")
    assert SECRET not in str(caught.value) and "user name or password" in str(caught.value)


def test_unknown_server_name(config):
    config('[servers.pacs]\nurl = "https://pacs.example.org/dw"\n')
    with pytest.raises(HoviewError, match=r"nowhere: no such server .*configured: pacs"):
        resolve_server("nowhere")


def test_parse_reference_forms(config, tmp_path):
    config('[servers.pacs]\nurl = "https://pacs.example.org/dw"\n')
    ref = parse_reference(f"pacs:{UID}")
    assert ref is not None and ref.server.name == "pacs" and ref.study == UID
    assert ref.series is None and ref.instance is None
    ref = parse_reference(f"http://h:8042/dicom-web/studies/{UID}/series/{UID}.2/instances/{UID}.3")
    assert ref is not None
    assert ref.server.url == "http://h:8042/dicom-web"
    assert (ref.study, ref.series, ref.instance) == (UID, UID + ".2", UID + ".3")
    ref = parse_reference(f"https://h/studies/{UID}/")
    assert ref is not None and ref.server.url == "https://h" and ref.series is None
    assert parse_reference("film.dcm") is None
    existing = tmp_path / f"pacs:{UID}"
    existing.write_text("")
    assert parse_reference(str(existing)) is None  # a file of that name is a path
    with pytest.raises(HoviewError, match="not a DICOM UID"):
        parse_reference("https://h/dw/studies/abc")
    with pytest.raises(HoviewError, match="expected a DICOMweb URL"):
        parse_reference("https://h/dw/series/1.2")


def test_server_validates_its_values():
    with pytest.raises(ValueError, match="auth"):
        Server(name="x", url="https://h", auth="digest")
    with pytest.raises(ValueError, match="url"):
        Server(name="x", url="ftp://h")
    with pytest.raises(ValueError, match="timeout"):
        Server(name="x", url="https://h", timeout=0)


def test_cache_limit(config, monkeypatch):
    assert cache_limit_bytes() == 2048 * 1024 * 1024
    config("cache_limit_mb = 10\n")
    assert cache_limit_bytes() == 10 * 1024 * 1024
    monkeypatch.setenv("HOVIEW_CACHE_LIMIT_MB", "1")
    assert cache_limit_bytes() == 1024 * 1024
