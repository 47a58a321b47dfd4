"""The bundle's check runs only when given a bundle: ``pytest --bundle DIR tests/packaging``.

``packaging/check-bundle`` builds the bundle and runs these tests on it; the ordinary
test run deselects them (they are not skipped: there is simply no bundle to check).
"""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--bundle"):
        return
    chosen = [item for item in items if "bundle" not in item.keywords]
    dropped = [item for item in items if "bundle" in item.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = chosen


@pytest.fixture(scope="session")
def bundle(request: pytest.FixtureRequest) -> Path:
    """The bundle folder given with ``--bundle``."""
    folder = Path(request.config.getoption("--bundle")).resolve()
    assert (folder / "hoview").is_file() and (folder / "usr" / "lib" / "hoview").is_dir(), folder
    return folder
