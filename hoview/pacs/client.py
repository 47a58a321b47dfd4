"""A thin wrapper over ``dicomweb_client.DICOMwebClient``: login, TLS, timeouts, errors.

Every failure becomes one :class:`~hoview.errors.HoviewError` line naming the server
(its configured name or host), never the password, the token or a request header.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import requests
from pydicom.dataset import Dataset

from hoview.errors import HoviewError
from hoview.pacs.servers import Server

__all__ = ["PacsClient", "PacsError", "any_transfer_syntax"]

T = TypeVar("T")

#: WADO-RS Accept: the instance as the server holds it, compressed or not (PS3.18 8.7.3.5,
#: transfer-syntax=*), so a JPEG-LS image arrives as JPEG-LS.
any_transfer_syntax: tuple[tuple[str, str], ...] = (("application/dicom", "*"),)


class PacsError(HoviewError):
    """A DICOMweb request failed; the message is one line naming the server."""

    def __init__(self, server: Server, message: str, status: int | None = None) -> None:
        super().__init__(None, f"{server.label}: {message}")
        self.status = status


class _BearerAuth(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "_BearerAuth(<token>)"


def make_session(server: Server) -> requests.Session:
    """Return a ``requests`` session that logs in to ``server`` and verifies its TLS."""
    session = requests.Session()
    if server.auth == "basic":
        session.auth = (server.user or "", server.secret or "")
    elif server.auth == "bearer":
        session.auth = _BearerAuth(server.secret or "")
    session.verify = server.verify
    session.trust_env = False  # no ~/.netrc logins or proxies picked up silently
    return session


def _reason(response: requests.Response | None) -> str:
    """Return a short reason from an error response (first line, no headers)."""
    if response is None:
        return ""
    reason = str(response.reason or "")
    try:
        text = response.text.strip()
    except Exception:  # noqa: BLE001 - an undecodable body gives no reason
        text = ""
    if text and len(text) < 300 and response.status_code not in (401, 403):
        first = text.splitlines()[0]
        if not first.lstrip().startswith(("<", "{")):
            reason = first
    return reason[:120]


class PacsClient:
    """DICOMweb requests to one server with hoview's errors.

    Parameters
    ----------
    server : Server
        The server, its login and timeout.
    """

    def __init__(self, server: Server) -> None:
        from dicomweb_client import DICOMwebClient

        self.server = server
        self.web = DICOMwebClient(server.url, session=make_session(server), timeout=server.timeout)
        # A failure is reported at once; the caller decides about retrying.
        self.web.set_http_retry_params(retry=False)

    def call(
        self,
        what: Callable[..., T],
        *args: Any,
        not_found: str = "not found",
        store: bool = False,
        **kwargs: Any,
    ) -> T:
        """Return ``what(*args, **kwargs)``, its failures turned into :class:`PacsError`.

        Parameters
        ----------
        what : callable
            A method of :attr:`web`.
        not_found : str
            The message for HTTP 404 (e.g. ``"study not found"``).
        store : bool
            Whether this is a STOW-RS request (refusals say so).
        """
        server = self.server
        try:
            return what(*args, **kwargs)
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status == 401:
                raise PacsError(server, "authentication failed (401)", status) from None
            if status == 403 and not store:
                raise PacsError(server, "access denied (403)", status) from None
            if status == 404 and not store:
                raise PacsError(server, not_found, status) from None
            reason = _reason(exc.response)
            detail = f"HTTP {status}" + (f": {reason}" if reason else "")
            if store:
                raise PacsError(
                    server, f"the server refused the store ({detail})", status
                ) from None
            raise PacsError(server, f"the server answered {detail}", status) from None
        except requests.Timeout:
            raise PacsError(server, f"timed out after {server.timeout:g} s") from None
        except requests.exceptions.SSLError:
            raise PacsError(server, "TLS certificate not trusted (see ca_bundle)") from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
            raise PacsError(server, "server not reachable") from None
        except requests.RequestException as exc:
            raise PacsError(server, f"request failed ({type(exc).__name__})") from None
        except ValueError as exc:  # a malformed answer (multipart, JSON)
            raise PacsError(server, f"unexpected answer ({str(exc)[:100]})") from None

    def search_studies(self, filters: dict[str, str], fields: Sequence[str]) -> list[dict]:
        """QIDO-RS ``/studies`` with ``filters`` (one request: the server's whole answer)."""
        return self.call(
            self.web.search_for_studies,
            search_filters=filters or None,
            fields=list(fields),
        )

    def search_instances(self, study: str, series: str | None, fields: Sequence[str]) -> list[dict]:
        """QIDO-RS instances of a study (or one of its series)."""
        what = "series not found" if series else "study not found"
        return self.call(
            self.web.search_for_instances,
            study_instance_uid=study,
            series_instance_uid=series,
            fields=list(fields),
            not_found=what,
        )

    def retrieve_instance(self, study: str, series: str, sop: str) -> Dataset:
        """WADO-RS one instance, in the transfer syntax the server has it in."""
        return self.call(
            self.web.retrieve_instance,
            study,
            series,
            sop,
            media_types=any_transfer_syntax,
            not_found="instance not found",
        )

    def has_instance(self, study: str, series: str, sop: str) -> bool:
        """Return whether the server holds the instance now (QIDO-RS, PS3.18 10.6)."""
        try:
            found = self.call(
                self.web.search_for_instances,
                study_instance_uid=study,
                series_instance_uid=series,
                search_filters={"SOPInstanceUID": sop},
                fields=["00080018"],
            )
        except PacsError as exc:
            if exc.status == 404:
                return False
            raise
        return any((item.get("00080018", {}).get("Value") or [None])[0] == sop for item in found)

    def store(self, datasets: Sequence[Dataset]) -> Dataset:
        """STOW-RS ``datasets``; return the server's Store Instances Response."""
        return self.call(self.web.store_instances, list(datasets), store=True)
