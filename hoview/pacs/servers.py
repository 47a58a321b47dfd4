"""Named DICOMweb servers (``servers.toml``), URLs, and references to studies on them.

``servers.toml`` lives in the user config folder (:func:`hoview.paths.config_dir`)::

    cache_limit_mb = 2048              # optional: the DICOMweb cache's size limit

    [servers.local]
    url = "http://127.0.0.1:8042/dicom-web"
    auth = "basic"                     # "basic", "bearer" or "none" (default)
    user = "alice"                     # basic only
    secret = "env:HOVIEW_LOCAL_PASSWORD"   # or "keyring"
    ca_bundle = "/etc/ssl/hospital-ca.pem" # optional; TLS is always verified
    timeout = 30                       # seconds, optional

The password or token itself is never in the file: ``env:NAME`` names an environment
variable that holds it, ``keyring`` reads it from the system keyring (service
``hoview``, the server's name; needs the ``keyring`` package). A plain URL takes it from
``HOVIEW_DICOMWEB_USER`` + ``HOVIEW_DICOMWEB_PASSWORD`` or ``HOVIEW_DICOMWEB_TOKEN``.
Secrets never appear in a ``repr``, a message or a log.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from hoview.errors import HoviewError
from hoview.paths import config_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "Reference",
    "Server",
    "cache_limit_bytes",
    "load_servers",
    "parse_reference",
    "resolve_server",
    "servers_file",
]

USER_ENV = "HOVIEW_DICOMWEB_USER"
PASSWORD_ENV = "HOVIEW_DICOMWEB_PASSWORD"
TOKEN_ENV = "HOVIEW_DICOMWEB_TOKEN"
#: Overrides the cache size limit of ``servers.toml`` (megabytes).
CACHE_LIMIT_ENV = "HOVIEW_CACHE_LIMIT_MB"
DEFAULT_CACHE_LIMIT_MB = 2048
DEFAULT_TIMEOUT = 30.0
_AUTH_KINDS = ("none", "basic", "bearer")
_UID = re.compile(r"[0-9]+(\.[0-9]+)*")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class Server:
    """A DICOMweb service and how to log in to it.

    Parameters
    ----------
    name : str
        The configured name, or ``""`` for a server given as a URL.
    url : str
        Base URL of the DICOMweb service (QIDO, WADO and STOW share it).
    auth : {"none", "basic", "bearer"}
        How to log in.
    user : str, optional
        The user name for basic auth.
    secret : str, optional
        The password (basic) or token (bearer). Never shown.
    verify : bool or str
        TLS verification: ``True`` (default) or the path of a CA bundle.
    timeout : float
        Seconds to wait for the server to connect or answer.
    """

    name: str
    url: str
    auth: str = "none"
    user: str | None = None
    secret: str | None = field(default=None, repr=False, compare=False)
    verify: bool | str = True
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self) -> None:
        if self.auth not in _AUTH_KINDS:
            raise ValueError(f"auth: expected one of {', '.join(_AUTH_KINDS)}, got {self.auth!r}")
        if not self.timeout > 0:
            raise ValueError(f"timeout: must be greater than 0, got {self.timeout!r}")
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("url: expected an http:// or https:// URL")
        if parts.username or parts.password:
            raise ValueError("url: must not hold a user name or password")

    @property
    def label(self) -> str:
        """How messages name the server: its name, else ``host[:port]`` of the URL."""
        if self.name:
            return self.name
        parts = urlsplit(self.url)
        host = parts.hostname or "server"
        return f"{host}:{parts.port}" if parts.port else host

    def __repr__(self) -> str:
        secret = "set" if self.secret else "none"
        return (
            f"Server(name={self.name!r}, url={self.url!r}, auth={self.auth!r}, "
            f"user={self.user!r}, secret=<{secret}>, verify={self.verify!r}, "
            f"timeout={self.timeout!r})"
        )

    __str__ = __repr__


@dataclass(frozen=True)
class Reference:
    """A study, series or instance on a server (``name:UID`` or a DICOMweb URL)."""

    server: Server
    study: str
    series: str | None = None
    instance: str | None = None


def servers_file() -> Path:
    """Return the path of ``servers.toml`` in the user config folder."""
    return config_dir() / "servers.toml"


def _read_config() -> dict[str, Any]:
    path = servers_file()
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise HoviewError(path, f"cannot read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise HoviewError(path, f"not valid TOML ({exc})") from None


def _secret(name: str, entry: dict[str, Any], path: Path) -> str | None:
    where = entry.get("secret")
    if where is None:
        return None
    if not isinstance(where, str):
        raise HoviewError(path, f'servers.{name}.secret: expected "env:NAME" or "keyring"')
    if where == "keyring":
        try:
            import keyring
        except ImportError:
            raise HoviewError(
                path,
                f'servers.{name}.secret is "keyring" but the keyring package is not '
                "installed (pip install keyring)",
            ) from None
        value = keyring.get_password("hoview", name)
        if value is None:
            raise HoviewError(path, f"servers.{name}: no password in the keyring for hoview/{name}")
        return str(value)
    if where.startswith("env:") and _NAME.fullmatch(where[4:]):
        value = os.environ.get(where[4:])
        if not value:
            raise HoviewError(
                path, f"servers.{name}: the environment variable {where[4:]} is not set"
            )
        return value
    raise HoviewError(path, f'servers.{name}.secret: expected "env:NAME" or "keyring"')


def _server_from(name: str, entry: Any, path: Path) -> Server:
    if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
        raise HoviewError(path, f'servers.{name}: needs url = "http(s)://..."')
    auth = entry.get("auth", "none")
    ca_bundle = entry.get("ca_bundle")
    try:
        return Server(
            name=name,
            url=entry["url"].rstrip("/"),
            auth=auth,
            user=entry.get("user"),
            secret=_secret(name, entry, path) if auth != "none" else None,
            verify=str(Path(ca_bundle).expanduser()) if ca_bundle else True,
            timeout=float(entry.get("timeout", DEFAULT_TIMEOUT)),
        )
    except (TypeError, ValueError) as exc:
        raise HoviewError(path, f"servers.{name}: {exc}") from None


def load_servers() -> dict[str, Server]:
    """Return the servers named in ``servers.toml`` (none if there is no file).

    Raises
    ------
    HoviewError
        If the file is not valid, or a server's secret cannot be read.
    """
    path = servers_file()
    table = _read_config().get("servers", {})
    if not isinstance(table, dict):
        raise HoviewError(path, "[servers] must be a table of named servers")
    return {name: _server_from(name, entry, path) for name, entry in table.items()}


def cache_limit_bytes() -> int:
    """Return the DICOMweb cache's size limit: ``$HOVIEW_CACHE_LIMIT_MB``, the file's, 2 GB."""
    text = os.environ.get(CACHE_LIMIT_ENV)
    value: Any = text if text else _read_config().get("cache_limit_mb", DEFAULT_CACHE_LIMIT_MB)
    try:
        megabytes = float(value)
    except (TypeError, ValueError):
        raise HoviewError(None, f"cache limit: not a number of megabytes: {value!r}") from None
    return max(0, int(megabytes * 1024 * 1024))


def _url_server(url: str) -> Server:
    token = os.environ.get(TOKEN_ENV)
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    try:
        if token:
            return Server(name="", url=url.rstrip("/"), auth="bearer", secret=token)
        if user and password:
            return Server(name="", url=url.rstrip("/"), auth="basic", user=user, secret=password)
        return Server(name="", url=url.rstrip("/"))
    except ValueError as exc:
        raise HoviewError(None, f"{_safe_url(url)}: {exc}") from None


def _safe_url(url: str) -> str:
    """Return ``url`` without any user name or password in it (for messages)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def resolve_server(spec: str) -> Server:
    """Return the server ``spec`` names: a name in ``servers.toml`` or a URL.

    Raises
    ------
    HoviewError
        If ``spec`` is neither a configured name nor an http(s) URL.
    """
    if spec.startswith(("http://", "https://")):
        return _url_server(spec)
    servers = load_servers()
    if spec in servers:
        return servers[spec]
    known = ", ".join(sorted(servers)) or "none"
    raise HoviewError(
        None,
        f"{spec}: no such server in {servers_file()} (configured: {known}); give a name "
        "from it or an http(s):// URL",
    )


def _check_uid(uid: str, text: str) -> str:
    if not _UID.fullmatch(uid) or len(uid) > 64:
        raise HoviewError(None, f"{_safe_url(text)}: not a DICOM UID: {uid[:70]!r}")
    return uid


def parse_reference(text: str) -> Reference | None:
    """Return the study, series or instance ``text`` names, or ``None`` for a path.

    Parameters
    ----------
    text : str
        ``NAME:STUDYUID`` (a server of ``servers.toml``), or a DICOMweb URL
        ``http(s)://host/.../studies/UID[/series/UID[/instances/UID]]``. An existing
        file or folder is always a path.

    Raises
    ------
    HoviewError
        If ``text`` looks like a reference but the server is unknown or a UID is not one.
    """
    if os.path.lexists(text):
        return None
    if text.startswith(("http://", "https://")):
        parts = urlsplit(text)
        match = re.fullmatch(
            r"(?P<base>.*?)/studies/(?P<study>[^/]+)"
            r"(?:/series/(?P<series>[^/]+)(?:/instances/(?P<instance>[^/]+))?)?/?",
            parts.path,
        )
        if match is None or parts.query:
            raise HoviewError(
                None,
                f"{_safe_url(text)}: expected a DICOMweb URL ending "
                "/studies/UID[/series/UID[/instances/UID]]",
            )
        base = urlunsplit((parts.scheme, parts.netloc, match["base"], "", ""))
        server = _url_server(base)
        uids = [match["study"], match["series"], match["instance"]]
        study, series, instance = (None if u is None else _check_uid(u, text) for u in uids)
        assert study is not None
        return Reference(server, study, series, instance)
    match = re.fullmatch(r"(?P<name>[A-Za-z][A-Za-z0-9_.-]*):(?P<uid>[0-9][0-9.]*)", text)
    if match is None:
        return None
    return Reference(resolve_server(match["name"]), _check_uid(match["uid"], text))
