"""A real Orthanc (Debian's orthanc + orthanc-dicomweb) as a child process, on free ports.

Started on 127.0.0.1 with free ports and a config file in a given folder (storage
there, the DicomWeb plugin, remote access off, ``OverwriteInstances`` true); the
package's own system service, if any, is neither used nor needed. Shared by the PACS
tests (``tests/pacs/orthanc_server.py``) and the B9 benchmarks; imports nothing of
hoview and nothing of pytest.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

import requests

ORTHANC = "/usr/sbin/Orthanc"
PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so"


class OrthancError(RuntimeError):
    """Orthanc did not start (the message ends with the tail of its log)."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Orthanc:
    """One Orthanc server: its folder, ports, URLs; start, stop, restart.

    Parameters
    ----------
    folder : pathlib.Path
        Where its config, storage and log go.
    users : dict, optional
        ``RegisteredUsers`` (name -> password); authentication is on when given.
    lua : str, optional
        A Lua script the server runs (e.g. a filter that refuses stores).
    """

    def __init__(
        self, folder: Path, users: dict[str, str] | None = None, lua: str | None = None
    ) -> None:
        self.folder = folder
        self.port = free_port()
        self.log = folder / "orthanc.log"
        config = {
            "Name": "hoview-test",
            "StorageDirectory": str(folder / "storage"),
            "IndexDirectory": str(folder / "storage"),
            "HttpPort": self.port,
            "DicomPort": free_port(),
            "DicomServerEnabled": False,
            "RemoteAccessAllowed": False,
            "AuthenticationEnabled": users is not None,
            "RegisteredUsers": users or {},
            "OverwriteInstances": True,
            "Plugins": [PLUGIN],
            "DicomWeb": {"Enable": True, "Root": "/dicom-web/"},
        }
        if lua is not None:
            script = folder / "filter.lua"
            script.write_text(lua)
            config["LuaScripts"] = [str(script)]
        self.config = folder / "orthanc.json"
        self.config.write_text(json.dumps(config, indent=1))
        self.auth = next(iter(users.items())) if users else None
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        """The REST API's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The DICOMweb base URL."""
        return f"{self.base}/dicom-web"

    def start(self, timeout: float = 30) -> None:
        """Start the server and wait until its REST API answers.

        Raises
        ------
        OrthancError
            If it exits or does not answer within ``timeout`` seconds.
        """
        handle = open(self.log, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [ORTHANC, str(self.config)], stdout=handle, stderr=subprocess.STDOUT
        )
        handle.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.get(f"{self.base}/system", auth=self.auth, timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        log = self.log.read_text(errors="replace")[-3000:]
        raise OrthancError(f"Orthanc did not answer on port {self.port} within {timeout} s:\n{log}")

    def stop(self) -> None:
        """Stop the server (kill it; the tests and benchmarks need no clean shutdown)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def rest(self, path: str) -> object:
        """GET ``path`` of the REST API; return the parsed JSON."""
        response = requests.get(f"{self.base}{path}", auth=self.auth, timeout=10)
        response.raise_for_status()
        return response.json()

    def post_files(self, files: Iterable[Path]) -> int:
        """Store DICOM files with the REST API (``POST /instances``); return how many."""
        count = 0
        with requests.Session() as session:
            session.auth = self.auth
            for path in files:
                response = session.post(
                    f"{self.base}/instances", data=Path(path).read_bytes(), timeout=60
                )
                response.raise_for_status()
                count += 1
        return count
