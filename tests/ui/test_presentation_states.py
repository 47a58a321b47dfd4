"""Presentation states in the viewer: listed under their series, shown read-only, imported,
and the view exported as one (issue 12, sections 1 and 2)."""

from __future__ import annotations

import shutil

import highdicom as hd
import numpy as np
import pydicom
import pytest
from highdicom.pr import GraphicAnnotation, GraphicLayer, GraphicObject
from PySide6.QtCore import QPointF, Qt

from hoview.annotations import AnnotationDocument, Arrow, Layer
from hoview.dicom_objects.gsps_common import GSPS_CLASS
from hoview.dicom_objects.gsps_export import build_gsps
from hoview.dicom_objects.writing import write_dataset
from hoview.display.attributes import Window
from hoview.render.qimage import qimage_to_array
from hoview.sources.opening import open_image
from hoview.ui.exports import EXPORT_PRESENTATION, NEEDS_DICOM

#: The arrow our presentation state draws (tail, head), image pixels: clear of the
#: sample sidecar's two arrows.
TAIL, HEAD = (1000.0, 1400.0), (1000.0, 1150.0)
#: The foreign presentation state's polyline, image pixels.
LINE = [(300.0, 1300.0), (600.0, 1350.0), (650.0, 1550.0)]
#: How far (screen pixels) from a graphic's box its head, outline and label may reach.
REACH = 45


def _hoview_gsps(image, out):
    """A GSPS written by hoview's own exporter: one arrow on a red layer "Teaching"."""
    source = open_image(image)
    document = AnnotationDocument(
        source.identity, layers=[Layer(name="Teaching", id="teach", colour="#ff0000")]
    )
    document.add(Arrow(tail=TAIL, head=HEAD, label="HO", layer="teach"))
    ds, _, _ = build_gsps(source.dataset, document, pixel_spacing=source.pixel_spacing)
    write_dataset(ds, out)


def _foreign_gsps(image, out):
    """A GSPS built by highdicom alone: a polyline on layer "OTHER LAYER"."""
    header = pydicom.dcmread(image, stop_before_pixels=True)
    layer = GraphicLayer("OTHER LAYER", 1, display_color=hd.color.CIELabColor.from_rgb(0, 255, 0))
    graphic = GraphicObject(
        graphic_type=hd.pr.GraphicTypeValues.POLYLINE,
        graphic_data=np.array(LINE),
        units=hd.pr.AnnotationUnitsValues.PIXEL,
    )
    ds = hd.pr.GrayscaleSoftcopyPresentationState(
        referenced_images=[header],
        series_instance_uid=hd.UID(),
        series_number=7,
        sop_instance_uid=hd.UID(),
        instance_number=1,
        manufacturer="other",
        manufacturer_model_name="other",
        software_versions="1",
        device_serial_number="1",
        content_label="OTHER",
        graphic_annotations=[GraphicAnnotation([header], layer, graphic_objects=[graphic])],
        graphic_layers=[layer],
    )
    ds.save_as(out, enforce_file_format=True)


@pytest.fixture
def study(tmp_path, sample_data_dir):
    """A folder: the sample film with its sidecar, a PNG, and two presentation states."""
    folder = tmp_path / "study"
    folder.mkdir()
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json", "pelvis_ap.png"):
        shutil.copy(sample_data_dir / name, folder / name)
    _hoview_gsps(folder / "pelvis_ap.dcm", folder / "ps_hoview.dcm")
    _foreign_gsps(folder / "pelvis_ap.dcm", folder / "ps_other.dcm")
    return folder


@pytest.fixture
def opened(window, study):
    window.open_paths([study], wait=True)
    panel = window.series_panel
    dx = next(i for i, s in enumerate(window._series) if s.modality == "DX")
    if window.canvas.series is not window._series[dx]:
        panel.setCurrentRow(panel.row_of_series(dx))
    return window


def grab(canvas) -> np.ndarray:
    """The canvas as it paints now, RGB, as ints."""
    return qimage_to_array(canvas.grab().toImage()).astype(int)


def near(canvas, points, shape, reach=REACH) -> np.ndarray:
    """A mask of the canvas pixels within ``reach`` of the box of ``points`` (image)."""
    transform = canvas.image_transform()
    mapped = [transform.map(QPointF(*p)) for p in points]
    xs, ys = [p.x() for p in mapped], [p.y() for p in mapped]
    mask = np.zeros(shape[:2], bool)
    x0, x1 = int(min(xs)) - reach, int(max(xs)) + reach
    y0, y1 = int(min(ys)) - reach, int(max(ys)) + reach
    mask[max(y0, 0) : y1, max(x0, 0) : x1] = True
    return mask


def red(rgb: np.ndarray) -> np.ndarray:
    """Where ``rgb`` is the red of the presentation state's layer."""
    return (rgb[..., 0] > 200) & (rgb[..., 1] < 80) & (rgb[..., 2] < 80)


def entry_named(window, name):
    return next(e for e in window.series_panel.presentations() if e.name == name)


def choose(window, name):
    panel = window.series_panel
    panel.setCurrentRow(panel.row_of_presentation(entry_named(window, name)))


def test_presentation_states_are_listed_under_their_series(opened):
    panel = opened.series_panel
    dx = next(i for i, s in enumerate(opened._series) if s.modality == "DX")
    png = next(i for i, s in enumerate(opened._series) if i != dx)
    entries = panel.presentations()
    assert sorted(e.name for e in entries) == ["HOVIEW", "OTHER"]
    rows = sorted(panel.row_of_presentation(e) for e in entries)
    assert rows == [panel.row_of_series(dx) + 1, panel.row_of_series(dx) + 2]
    assert panel.count() == len(opened._series) + 2
    for row in rows:
        text = panel.item(row).text()
        assert text.startswith("Presentation state: ")
        assert "1.2." not in text and "2.25." not in text  # no UID
    # series rows still choose series by index, whatever row they are on
    with_series = []
    panel.series_chosen.connect(with_series.append)
    panel.setCurrentRow(panel.row_of_series(png))
    assert with_series == [png]
    assert opened.canvas.series is opened._series[png]
    action = opened.actions_by_text[EXPORT_PRESENTATION]
    assert not action.isEnabled() and action.toolTip() == NEEDS_DICOM
    panel.setCurrentRow(panel.row_of_series(dx))
    assert with_series == [png, dx] and action.isEnabled()


def test_opening_one_draws_read_only_layers_without_touching_the_sidecar(opened, study, qtbot):
    sidecar = study / "pelvis_ap.dcm.hoview.json"
    before_bytes, before_time = sidecar.read_bytes(), sidecar.stat().st_mtime_ns
    canvas = opened.canvas
    plain = grab(canvas)
    assert not opened.presentation_dock.isVisible()
    choose(opened, "HOVIEW")
    session = canvas.session()
    shown = opened.presentation_panel.presentation
    assert shown is not None and shown.name == "HOVIEW"
    assert opened.presentation_dock.isVisible()
    assert [la.name for la in shown.document.layers] == ["GSPS: Teaching"]
    assert all(la.locked for la in shown.document.layers)
    assert "GSPS: Teaching" not in [la.name for la in session.document.layers]
    drawn = grab(canvas)
    changed = np.abs(drawn - plain).sum(axis=2) > 0
    mask = near(canvas, [TAIL, HEAD], changed.shape)
    assert changed[mask].sum() > 50  # the arrow is there
    assert not changed[~mask].any()  # and nothing else moved
    assert red(drawn)[mask].sum() > 20  # red, as its layer says
    # switched off in the panel: back to the plain film
    opened.presentation_panel.set_layer_visible("GSPS: Teaching", False)
    assert not shown.document.layers[0].visible
    assert np.array_equal(grab(canvas), plain)
    opened.presentation_panel.set_layer_visible("GSPS: Teaching", True)
    assert not np.array_equal(grab(canvas), plain)
    # the compare view's twin draws no annotations, so none of these either
    opened.sessions.flush()
    assert sidecar.read_bytes() == before_bytes and sidecar.stat().st_mtime_ns == before_time
    assert sorted(p.name for p in study.iterdir()) == sorted(
        [
            "pelvis_ap.dcm",
            "pelvis_ap.dcm.hoview.json",
            "pelvis_ap.png",
            "ps_hoview.dcm",
            "ps_other.dcm",
        ]
    )
    # Close: gone from the canvas, the panel hides
    opened.presentation_panel.close_button.click()
    assert opened.presentation_panel.presentation is None
    assert not opened.presentation_dock.isVisible()
    assert np.array_equal(grab(canvas), plain)


def test_a_foreign_presentation_state_draws_where_it_should(opened):
    canvas = opened.canvas
    plain = grab(canvas)
    choose(opened, "OTHER")
    drawn = grab(canvas)
    changed = np.abs(drawn - plain).sum(axis=2) > 0
    mask = near(canvas, LINE, changed.shape, reach=10)
    assert changed[mask].sum() > 50
    assert not changed[~mask].any()
    green = (drawn[..., 1] > 200) & (drawn[..., 0] < 80)
    assert green[mask].sum() > 20


def test_import_into_my_annotations_is_one_undo_step_and_adds_nothing_twice(opened, study):
    choose(opened, "HOVIEW")
    session = opened.canvas.session()
    arrows = lambda: [a for a in session.document.annotations if a.kind == "arrow"]  # noqa: E731
    before = len(arrows())
    panel = opened.presentation_panel
    assert panel.import_into_annotations() == {"arrow": 1}
    assert len(arrows()) == before + 1
    imported = next(a for a in arrows() if a.head == HEAD)
    assert imported.label == "HO"
    assert session.document.layer(imported.layer).name == "GSPS: Teaching"
    session.history.undo()
    assert len(arrows()) == before
    assert "GSPS: Teaching" not in [la.name for la in session.document.layers]
    panel.import_button.click()
    assert len(arrows()) == before + 1
    assert panel.import_into_annotations() == {}
    assert len(arrows()) == before + 1
    assert "Nothing new" in panel.message_label.text()
    assert session.save_now()  # the autosave writes it like any edit
    text = (study / "pelvis_ap.dcm.hoview.json").read_text("utf-8")
    assert "GSPS: Teaching" in text


def test_export_presentation_state_writes_the_view(opened, save_as, study):
    canvas = opened.canvas
    canvas.set_window(Window(1234.0, 567.0))
    canvas.rotate(90)
    dialog = save_as("view.ps.dcm")
    messages = []
    opened.exports.message.connect(messages.append)
    opened.actions_by_text[EXPORT_PRESENTATION].trigger()
    assert dialog.offered[0].name == "image.ps.dcm"
    out = dialog.answer
    ds = pydicom.dcmread(out)
    assert ds.SOPClassUID == GSPS_CLASS
    voi = ds.SoftcopyVOILUTSequence[0]
    assert (float(voi.WindowCenter), float(voi.WindowWidth)) == (1234.0, 567.0)
    assert int(ds.ImageRotation) == 90 and ds.ImageHorizontalFlip == "N"
    image = pydicom.dcmread(study / "pelvis_ap.dcm", stop_before_pixels=True)
    referenced = ds.ReferencedSeriesSequence[0].ReferencedImageSequence[0]
    assert referenced.ReferencedSOPInstanceUID == image.SOPInstanceUID
    layers = [item.GraphicLayerDescription for item in ds.GraphicLayerSequence]
    assert layers == ["Findings"]  # the sidecar's visible layer
    assert messages and messages[-1].startswith(f"Exported presentation state {out}: 2 arrows")
    # then mirrored left-right on screen: the image, lying sideways, is mirrored
    # top-bottom then turned (hoview); the same picture turned by 90 degrees, then
    # mirrored horizontally, in the Spatial Transformation Module's order (C.10.6)
    canvas.flip(True)
    geometry = canvas.geometry_state
    assert (geometry.rotation, geometry.flip_h, geometry.flip_v) == (90, False, True)
    opened.actions_by_text[EXPORT_PRESENTATION].trigger()
    ds = pydicom.dcmread(out)
    assert int(ds.ImageRotation) == 90 and ds.ImageHorizontalFlip == "Y"


def test_an_export_error_is_one_line_in_a_box(opened, save_as, tmp_path, monkeypatch):
    from hoview.ui import export_prompts

    shown = []
    monkeypatch.setattr(export_prompts, "show_error", lambda parent, text: shown.append(text))
    save_as(tmp_path / "missing" / "view.ps.dcm")
    opened.actions_by_text[EXPORT_PRESENTATION].trigger()
    assert len(shown) == 1 and "\n" not in shown[0]
    assert shown[0].endswith("view.ps.dcm: the output folder does not exist")


def test_a_presentation_state_panel_row_toggles_with_its_check_box(opened):
    choose(opened, "HOVIEW")
    panel = opened.presentation_panel
    item = panel.layers.item(0)
    assert item.checkState() == Qt.CheckState.Checked
    item.setCheckState(Qt.CheckState.Unchecked)
    assert not panel.presentation.document.layers[0].visible


def test_h_compare_and_other_images(opened):
    canvas = opened.canvas
    dx = opened.series_panel.row_of_series(
        next(i for i, s in enumerate(opened._series) if s.modality == "DX")
    )
    png = next(r for r in range(opened.series_panel.count()) if r not in (dx, dx + 1, dx + 2))
    canvas.set_window(Window(1500.0, 2500.0))
    plain = grab(canvas)
    choose(opened, "HOVIEW")
    # the presentation state's window (hoview writes the image's first one)
    assert (canvas.voi.center, canvas.voi.width) == (2000.0, 3400.0)
    drawn = grab(canvas)
    assert not np.array_equal(drawn, plain)
    assert red(drawn).sum() > 20 and red(plain).sum() == 0
    # H hides the film's arrows and the presentation state's alike
    opened.actions_by_text["Show / hide annotations"].trigger()
    assert red(grab(canvas)).sum() == 0
    opened.actions_by_text["Show / hide annotations"].trigger()
    assert np.array_equal(grab(canvas), drawn)
    # compare: the twin shows the film without any arrows, the canvas with them
    opened.actions_by_text["Compare with / without annotations"].setChecked(True)
    assert red(grab(canvas)).sum() > 20 and red(grab(opened.viewer.twin)).sum() == 0
    opened.actions_by_text["Compare with / without annotations"].setChecked(False)
    # another image: the panel hides; back: the presentation state is still shown
    opened.series_panel.setCurrentRow(png)
    assert not opened.presentation_dock.isVisible()
    opened.series_panel.setCurrentRow(dx)
    assert opened.presentation_dock.isVisible()
    assert opened.presentation_panel.presentation.name == "HOVIEW"


def test_a_presentation_state_of_an_image_not_open_is_not_listed(window, study):
    (study / "pelvis_ap.dcm").unlink()
    (study / "pelvis_ap.dcm.hoview.json").unlink()
    window.open_paths([study], wait=True)
    assert window.series_panel.presentations() == []
    assert window.series_panel.count() == 1  # the PNG


def test_a_dicomdir_lists_its_presentation_states(window, study, tmp_path):
    from pydicom.fileset import FileSet

    fileset = FileSet()
    for name in ("pelvis_ap.dcm", "ps_hoview.dcm"):
        fileset.add(pydicom.dcmread(study / name))
    media = tmp_path / "media"
    fileset.write(media)
    window.open_paths([media / "DICOMDIR"], wait=True)
    entries = window.series_panel.presentations()
    assert [e.name for e in entries] == ["HOVIEW"]
    choose(window, "HOVIEW")
    assert window.presentation_panel.presentation.name == "HOVIEW"


def test_opening_one_shows_its_window_rotation_and_flip(window, study):
    source = open_image(study / "pelvis_ap.dcm")
    document = AnnotationDocument(source.identity)
    document.add(Arrow(tail=TAIL, head=HEAD, label="HO"))
    ds, _, _ = build_gsps(
        source.dataset,
        document,
        window=Window(500.0, 1000.0),
        geometry=(90, True, False),
        pixel_spacing=source.pixel_spacing,
    )
    ds.ContentLabel = "TURNED"
    write_dataset(ds, study / "ps_turned.dcm")
    window.open_paths([study], wait=True)
    choose(window, "TURNED")
    state = window.canvas.state
    assert (state.window.center, state.window.width) == (500.0, 1000.0)
    assert "Presentation state" in state.window.name
    assert (state.geometry.rotation, state.geometry.flip_h, state.geometry.flip_v) == (
        90,
        True,
        False,
    )
    assert state.fitted  # still the whole film in view


def test_a_report_is_listed_and_its_findings_drawn_read_only(window, study):
    from hoview.dicom_objects.sr_export import export_sr

    export_sr(study / "pelvis_ap.dcm", study / "report.dcm")  # the sidecar's two findings
    sidecar = study / "pelvis_ap.dcm.hoview.json"
    before = sidecar.read_bytes()
    window.open_paths([study], wait=True)
    panel = window.series_panel
    reports = [e for e in panel.presentations() if e.kind == "Report"]
    assert [e.name for e in reports] == ["Imaging Measurement Report"]
    row = panel.row_of_presentation(reports[0])
    assert panel.item(row).text() == "Report: Imaging Measurement Report"
    canvas = window.canvas
    panel.setCurrentRow(row)
    shown = window.presentation_panel.presentation
    assert shown is not None and shown.kind == "Report"
    assert [la.name for la in shown.document.layers] == ["SR: findings"]
    assert all(la.locked for la in shown.document.layers)
    arrows = [a for a in shown.document.annotations if a.kind == "arrow"]
    assert sorted(a.finding.laterality for a in arrows) == ["L", "R"]
    assert window.presentation_panel.name_label.text() == "Report: Imaging Measurement Report"
    # drawn: switching its layer off changes the picture
    drawn = grab(canvas)
    window.presentation_panel.set_layer_visible("SR: findings", False)
    assert not np.array_equal(grab(canvas), drawn)
    window.sessions.flush()
    assert sidecar.read_bytes() == before
