"""Files shipped with hoview: icons, the sidecar JSON Schema, the .desktop entry.

Installed as the ``hoview.resources`` package; use :func:`hoview.paths.resource_path`.
"""
