"""Ask which version to keep of each annotation changed both here and on disk."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from hoview.annotations.merge import Conflict, Side


def describe_version(item: Any) -> str:
    """One short line for one side of a conflict: what the object looks like there."""
    if item is None:
        return "removed"
    if getattr(item, "kind", None):
        points = " -> ".join(f"({x:g}, {y:g})" for x, y in item.points)
        label = getattr(item, "label", None) or getattr(item, "text", None) or ""
        text = f"{item.kind} {points}"
        return f"{text}  {label!r}" if label else text
    state = "shown" if item.visible else "hidden"
    return f"layer {item.name!r} ({state}, {item.colour})"


class MergeConflictDialog(QDialog):
    """One row per conflict: what it is here and on disk, and Keep mine / Take theirs.

    Parameters
    ----------
    conflicts : sequence of Conflict
        From :meth:`hoview.annotations.merge.MergeResult.conflicts`.
    parent : QWidget, optional
        Qt parent.

    Attributes
    ----------
    rows : dict
        ``Conflict.key`` -> ``(mine button, theirs button)``.
    """

    def __init__(self, conflicts: Sequence[Conflict], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge annotations")
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                f"{len(conflicts)} annotation(s) were changed both here and on disk. "
                "Choose which version to keep of each; everything else is merged.",
                self,
            )
        )
        grid = QGridLayout()
        for column, title in enumerate(("", "Keep mine (here)", "Take theirs (on disk)")):
            grid.addWidget(QLabel(f"<b>{title}</b>", self), 0, column)
        self.rows: dict[tuple[str, str], tuple[QRadioButton, QRadioButton]] = {}
        self._groups: list[QButtonGroup] = []
        for row, conflict in enumerate(conflicts, start=1):
            base = conflict.base or conflict.mine or conflict.theirs
            name = describe_version(base).split("  ")[0]
            grid.addWidget(QLabel(name, self), row, 0)
            mine = QRadioButton(describe_version(conflict.mine), self)
            theirs = QRadioButton(describe_version(conflict.theirs), self)
            mine.setChecked(True)
            group = QButtonGroup(self)
            group.addButton(mine)
            group.addButton(theirs)
            self._groups.append(group)
            grid.addWidget(mine, row, 1)
            grid.addWidget(theirs, row, 2)
            self.rows[conflict.key] = (mine, theirs)
        layout.addLayout(grid)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.merge_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.merge_button.setText("Merge")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choices(self) -> dict[tuple[str, str], Side]:
        """Return what was picked for each conflict."""
        return {
            key: "theirs" if theirs.isChecked() else "mine"
            for key, (_, theirs) in self.rows.items()
        }
