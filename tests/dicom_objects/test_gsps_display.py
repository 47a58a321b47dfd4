"""A presentation state's window, rotation and flip, read back for the view."""

from __future__ import annotations

import itertools

import pytest
from pydicom.dataset import Dataset

from hoview.dicom_objects.gsps_display import read_display, view_transformation
from hoview.dicom_objects.gsps_export import spatial_transformation


@pytest.mark.parametrize(
    ("rotation", "flip_h", "flip_v"),
    itertools.product((0, 90, 180, 270), (False, True), (False, True)),
)
def test_view_transformation_undoes_spatial_transformation(rotation, flip_h, flip_v):
    dicom = spatial_transformation(rotation, flip_h, flip_v)
    back = view_transformation(*dicom)
    # The view read back shows the image as the one written: same DICOM transformation.
    assert spatial_transformation(back[0], back[1], False) == dicom


def _voi(center, width, uids=()):
    item = Dataset()
    item.WindowCenter, item.WindowWidth = center, width
    if uids:
        refs = []
        for uid in uids:
            ref = Dataset()
            ref.ReferencedSOPInstanceUID = uid
            refs.append(ref)
        item.ReferencedImageSequence = refs
    return item


def test_read_display_takes_the_window_that_applies_to_the_image():
    ds = Dataset()
    ds.SoftcopyVOILUTSequence = [_voi(40, 400, ["1.2.3"]), _voi(300, 1500)]
    ds.ImageRotation = 270
    ds.ImageHorizontalFlip = "Y"
    one = read_display(ds, "1.2.3")
    assert (one.window.center, one.window.width) == (40.0, 400.0)
    assert (one.rotation, one.flip_h) == (90, True)
    other = read_display(ds, "9.9")
    assert (other.window.center, other.window.width) == (300.0, 1500.0)


def test_read_display_leaves_out_what_is_absent_or_wrong():
    ds = Dataset()
    ds.SoftcopyVOILUTSequence = [_voi(40, 0)]  # too narrow
    ds.ImageRotation = 45
    display = read_display(ds, "1.2.3")
    assert display.window is None and (display.rotation, display.flip_h) == (0, False)
    assert read_display(Dataset(), "1.2.3").window is None
