"""The sidecar file: round trips, bad input, conflicts, backups, temp files, fallback."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from hoview.annotations import (
    AnnotationDocument,
    Arrow,
    Finding,
    Layer,
    Ruler,
    SidecarConflictError,
    SidecarError,
    Style,
    Text,
    fallback_path,
    load,
    load_sidecar,
    locate,
    save,
    save_path,
    sidecar_path,
)
from hoview.annotations import sidecar as sidecar_module
from hoview.annotations import sidecar_places as places
from hoview.annotations.codec import schema
from hoview.paths import resource_path

UID = "1.2.826.0.1.3680043.8.498.1"
IDENTITY = {"sop_instance_uid": UID, "columns": 3000, "rows": 2500, "frames": 2}
STAMP = "2024-05-01T12:34:56.000Z"


@pytest.fixture
def image(tmp_path):
    path = tmp_path / "pelvis.dcm"
    path.write_bytes(b"not really DICOM")
    return path


def full_document():
    doc = AnnotationDocument(
        IDENTITY,
        layers=[
            Layer("Findings", id="findings"),
            Layer("Teaching", id="teaching", visible=False, locked=True, colour="#ffcc00", order=3),
        ],
    )
    doc.add_many(
        [
            Arrow(
                (1200.5, 900.25),
                (1400.0, 1100.0),
                id="a1",
                label="HO",
                author="dr. Ørsted",
                finding=Finding("heterotopic ossification", "R", "Brooker III"),
                style=Style(colour="#FF0000", line_width=0.004, head_size=0.03),
                created=STAMP,
            ),
            Text((100.0, 80.0), "Right hip: Brooker III", id="t1", frame=2, created=STAMP),
            Ruler(
                (10.0, 10.0),
                (110.0, 10.0),
                id="r1",
                label="10 cm?",
                created=STAMP,
                style=Style(outline="none", font_size=0.01),
            ),
            Arrow(
                (5.0, 5.0),
                (50.0, 50.0),
                id="a2",
                layer="findings",
                created=STAMP,
                finding=Finding("fracture", "bilateral"),
            ),
        ]
    )
    doc.set_all_visible(False)
    return doc


def test_sidecar_sits_beside_the_image(image):
    assert sidecar_path(image) == image.with_name("pelvis.dcm.hoview.json")
    assert locate(image, IDENTITY) is None
    doc = load(image, IDENTITY)
    assert [la.name for la in doc.layers] == ["Findings"] and len(doc) == 0
    written = save(doc, image)
    assert written == sidecar_path(image) and locate(image, IDENTITY) == written
    data = json.loads(written.read_text("utf-8"))
    assert data["format"] == "hoview.annotations" and data["version"] == 1
    assert data["image"] == {**IDENTITY, "file": "pelvis.dcm"}
    assert resource_path("hoview-annotations.schema.json").is_file()


def test_round_trip_keeps_everything(image):
    doc = full_document()
    path = save(doc, image)
    jsonschema.validate(json.loads(path.read_bytes()), schema())  # the full schema
    again = load(image, IDENTITY)
    assert again.layers == doc.layers
    assert again.annotations == doc.annotations
    assert dict(again.view) == {"annotations_visible": False}
    assert again.get("a1").style.colour == "#ff0000"
    first = path.read_bytes()
    save(again, image)
    assert path.read_bytes() == first
    assert "dr. Ørsted" in path.read_text("utf-8")  # UTF-8, not \u escapes


def test_unknown_keys_survive_load_and_save(image):
    save(full_document(), image)
    path = sidecar_path(image)
    data = json.loads(path.read_bytes())
    data["made_by"] = {"tool": "other", "list": [1, 2.5, None, True]}
    data["image"]["station"] = "CR-3"
    data["view"]["zoom"] = 1.5
    data["layers"][0]["shortcut"] = "1"
    data["annotations"][0]["review"] = {"by": "dr. B", "ok": False}
    data["annotations"][0]["style"]["dash"] = [4, 2]
    data["annotations"][0]["finding"]["snomed"] = "12345"
    data["annotations"][1]["text_align"] = "left"
    path.write_text(json.dumps(data), "utf-8")
    doc = load(image, IDENTITY)
    assert doc.extra == {"made_by": data["made_by"]}
    assert doc.get("a1").extra == {"review": {"by": "dr. B", "ok": False}}
    doc.update("a2", label="changed")
    save(doc, image)
    out = json.loads(path.read_bytes())
    assert out["made_by"] == data["made_by"]
    assert out["image"]["station"] == "CR-3" and out["view"]["zoom"] == 1.5
    assert out["layers"][0]["shortcut"] == "1"
    assert out["annotations"][0]["review"] == {"by": "dr. B", "ok": False}
    assert out["annotations"][0]["style"]["dash"] == [4, 2]
    assert out["annotations"][0]["finding"]["snomed"] == "12345"
    assert out["annotations"][1]["text_align"] == "left"
    assert out["annotations"][3]["label"] == "changed"


def test_sidecar_without_identity_check(image):
    path = save(full_document(), image)
    doc = load_sidecar(path)
    assert doc.identity["sop_instance_uid"] == UID and len(doc) == 4
    with pytest.raises(SidecarError, match="cannot read"):
        load_sidecar(path.with_name("missing.hoview.json"))


# -- conflicts, backups, temp files -----------------------------------------------------


def test_change_by_another_process_is_a_conflict(image):
    path = save(full_document(), image)
    doc = load(image, IDENTITY)
    before = os.stat(path)
    other = path.read_bytes().replace(b'"HO"', b'"XY"')  # same size
    script = "import sys; open(sys.argv[1], 'wb').write(sys.stdin.buffer.read())"
    subprocess.run([sys.executable, "-c", script, str(path)], input=other, check=True)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time
    doc.update("a2", label="mine")
    with pytest.raises(SidecarConflictError, match="changed on disk"):
        save(doc, image)
    assert path.read_bytes() == other
    save(doc, image, force=True)
    assert load(image, IDENTITY).get("a2").label == "mine"
    assert path.with_name(path.name + ".bak").read_bytes() == other


def test_file_that_appeared_since_loading_is_a_conflict(image):
    doc = load(image, IDENTITY)  # nothing there yet
    theirs = save(full_document(), image)
    data = theirs.read_bytes()
    doc.add(Arrow((1, 1), (2, 2)))
    with pytest.raises(SidecarConflictError):
        save(doc, image)
    assert theirs.read_bytes() == data


def test_saving_again_and_after_deletion_is_fine(image, tmp_path, monkeypatch):
    doc = load(image, IDENTITY)
    path = save(doc, image)
    doc.add(Arrow((1, 1), (2, 2)))
    save(doc, image)
    path.unlink()
    doc.add(Arrow((1, 1), (2, 2)))
    save(doc, image)  # nothing is overwritten, so no conflict
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    relative = load(Path("sub/../pelvis.dcm"), IDENTITY)
    relative.add(Arrow((1, 1), (2, 2)))
    save(relative, "pelvis.dcm")
    assert len(load(image, IDENTITY)) == 3


def test_previous_version_is_kept_as_backup(image):
    doc = load(image, IDENTITY)
    path = save(doc, image)
    backup = path.with_name("pelvis.dcm.hoview.json.bak")
    assert not backup.exists()
    first = path.read_bytes()
    os.chmod(path, 0o640)
    doc.add(Arrow((1, 1), (2, 2)))
    save(doc, image)
    assert backup.read_bytes() == first and path.read_bytes() != first
    assert (os.stat(path).st_mode & 0o777) == 0o640


def dead_pid():
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        check=True,
        text=True,
    )
    return int(proc.stdout)


def test_temp_files_left_by_a_crash_are_cleaned_up(image, tmp_path):
    name = "pelvis.dcm.hoview.json"
    dead = dead_pid()
    live = os.getppid()
    stale = [f".{name}.{dead}.0a1b2c3d.tmp", f".{name}.bak.{dead}.ffff0000.tmp"]
    old = f".{name}.{live}.12345678.tmp"
    keep = [f".{name}.{live}.87654321.tmp", ".other.hoview.json.1.ab.tmp", f"{name}.notes"]
    for entry in stale + [old] + keep:
        (tmp_path / entry).write_bytes(b"partial")
    hour_ago = time.time() - 2 * 3600
    os.utime(tmp_path / old, (hour_ago, hour_ago))
    save(load(image, IDENTITY), image)
    left = {p.name for p in tmp_path.iterdir()}
    assert not left & set(stale + [old])
    assert set(keep) <= left  # a live process's fresh temp file, and other files


# -- fallback folder -------------------------------------------------------------------


def test_unwritable_folder_sends_the_sidecar_to_the_data_folder(image, data_dir, monkeypatch):
    # Tests run as root, where chmod does not stop writes: pretend the probe failed.
    monkeypatch.setattr(places, "folder_writable", lambda folder: False)
    doc = load(image, IDENTITY)
    doc.add(Arrow((1, 1), (2, 2), id="x"))
    written = save(doc, image)
    assert written == data_dir / "sidecars" / f"sop-{UID}.hoview.json"
    assert written == fallback_path(IDENTITY) == save_path(image, IDENTITY)
    assert not sidecar_path(image).exists()
    assert locate(image, IDENTITY) == written
    again = load(image, IDENTITY)
    assert "x" in again
    assert json.loads(written.read_bytes())["image"]["file"] == "pelvis.dcm"
    again.add(Arrow((1, 1), (2, 2), id="y"))
    save(again, image)  # no conflict with itself
    # A copy beside the image (e.g. on the CD) loses to the fallback while read-only...
    sidecar_path(image).write_bytes(written.read_bytes().replace(b'"id": "y"', b'"id": "z"'))
    assert locate(image, IDENTITY) == written
    # ...and wins once the folder can be written again.
    monkeypatch.setattr(places, "folder_writable", lambda folder: True)
    assert locate(image, IDENTITY) == sidecar_path(image)
    assert "z" in load(image, IDENTITY)


def test_permission_error_on_write_falls_back(image, data_dir, monkeypatch):
    real = sidecar_module.write_atomic

    def refuse_beside(target, data, backup):
        if target.parent == image.parent:
            raise PermissionError(13, "Permission denied")
        real(target, data, backup)

    monkeypatch.setattr(sidecar_module, "write_atomic", refuse_beside)
    written = save(load(image, IDENTITY), image)
    assert written.parent == data_dir / "sidecars"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_real_unwritable_folder_is_detected():
    assert places.folder_writable(Path("/proc")) is False
    image = Path("/proc/hoview-test-film.png")
    identity = {
        "sha256": hashlib.sha256(b"film").hexdigest(),
        "columns": 10,
        "rows": 10,
        "frames": 1,
    }
    written = save(AnnotationDocument(identity), image)
    assert written == fallback_path(identity) and written.name.startswith("sha256-")
    assert locate(image, identity) == written


def test_fallback_names_are_safe():
    odd = {"sop_instance_uid": "ABC/../x", "columns": 1, "rows": 1, "frames": 1}
    path = fallback_path(odd)
    assert path.parent.name == "sidecars" and "/" not in path.name[4:]
    assert path.name == "sop-" + hashlib.sha256(b"ABC/../x").hexdigest() + ".hoview.json"
