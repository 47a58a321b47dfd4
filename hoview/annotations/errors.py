"""What can go wrong with a sidecar file; each error names the file and the item.

Messages read ``pelvis.dcm.hoview.json: annotations[3].points[1]: ...``. When loading
fails the file is never touched, and the image still opens without annotations.
"""

from __future__ import annotations

from hoview.errors import HoviewError


class SidecarError(HoviewError):
    """A sidecar file cannot be read or written."""


class SidecarSyntaxError(SidecarError):
    """Not valid JSON, or JSON no sidecar holds.

    Malformed (with line and column), not UTF-8, NaN or Infinity, a number too large,
    or nested too deeply.
    """


class SidecarTooLargeError(SidecarError):
    """The file is far larger than any real sidecar."""


class SidecarValidationError(SidecarError):
    """Valid JSON that breaks the schema or a rule the schema cannot express."""


class SidecarVersionError(SidecarError):
    """Written by a newer hoview whose format this build does not know; never rewritten."""


class SidecarMismatchError(SidecarValidationError):
    """The sidecar belongs to another image (SOP Instance UID, SHA-256 or size differ)."""


class SidecarConflictError(SidecarError):
    """The file changed on disk since it was loaded; saving would overwrite someone's work."""


class SidecarUnreadableError(SidecarError):
    """Saving over a sidecar that could not be loaded, which would lose what it holds."""


class SidecarWriteError(SidecarError):
    """The operating system refused to write the sidecar (disk full, permissions...)."""


class SidecarLockError(SidecarError):
    """Another program held the sidecar's lock for longer than a save waits."""


class SidecarPathError(SidecarError):
    """The sidecar's path is not a regular file.

    A FIFO, a device, or a symbolic link to one of these or to nothing: refused at once,
    never opened for reading (a FIFO would block) or replaced.
    """
