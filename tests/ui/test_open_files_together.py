"""Files opened together (a double-click on several, a file manager's "Open with") that
belong to one series show as that series, not as one series a file."""

from __future__ import annotations

import random
import shutil


def series_texts(win) -> list[str]:
    return [win.series_panel.item(i).text() for i in range(win.series_panel.count())]


def test_slices_of_one_series_given_as_files_become_one_series(window, sample_data_dir, tmp_path):
    names = [f"ct_{n:03d}.dcm" for n in (12, 10, 11)]
    for name in names:
        shutil.copy(sample_data_dir / "ct_hips" / name, tmp_path / name)
    shutil.copy(sample_data_dir / "pelvis_ap.dcm", tmp_path / "pelvis_ap.dcm")
    files = [tmp_path / name for name in names] + [tmp_path / "pelvis_ap.dcm"]
    random.Random(3).shuffle(files)
    window.open_paths(files, wait=True)
    texts = series_texts(window)
    assert len(texts) == 2, texts
    ct = next(s for s in window._series if len(s.frames) > 1)
    assert [f.source.path.name for f in ct.frames] == ["ct_010.dcm", "ct_011.dcm", "ct_012.dcm"]


def test_a_bad_file_among_them_is_still_reported(window, sample_data_dir, tmp_path, monkeypatch):
    good = [sample_data_dir / "ct_hips" / f"ct_{n:03d}.dcm" for n in (20, 21)]
    bad = tmp_path / "broken.dcm"
    bad.write_bytes(b"\0" * 132)
    shown = []
    monkeypatch.setattr(
        "hoview.ui.main_window.QMessageBox.warning", lambda _p, _t, text: shown.append(text)
    )
    window.open_paths([*good, bad], wait=True)
    assert len(series_texts(window)) == 1
    assert len(window._series[0].frames) == 2
    assert len(shown) == 1 and "broken.dcm: not a DICOM file" in shown[0], shown
