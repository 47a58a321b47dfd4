"""The whole loop through the command line against a real Orthanc."""

from __future__ import annotations

import json
from pathlib import Path

import pydicom
import pytest

from hoview.annotations import load
from hoview.cli import main
from hoview.sources.opening import open_image

DX_SOP = str(
    pydicom.dcmread(
        Path(__file__).resolve().parents[2] / "sample_data" / "pelvis_ap.dcm",
        stop_before_pixels=True,
    ).SOPInstanceUID
)
JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _cached_dx(env: Path, study: str) -> Path:
    found = list((env / "cache" / study).glob(f"*/{DX_SOP}.dcm"))
    assert len(found) == 1
    return found[0]


def _series_instances(orthanc, study: str, modality: str) -> list[str]:
    series = orthanc.rest(f"/dicom-web/studies/{study}/series")
    uids = []
    for item in series:
        if item["00080060"]["Value"][0] == modality:
            series_uid = item["0020000E"]["Value"][0]
            instances = orthanc.rest(f"/dicom-web/studies/{study}/series/{series_uid}/instances")
            uids += [(series_uid, i["00080018"]["Value"][0]) for i in instances]
    return uids


def test_query_lists_the_study_without_patient_names(pacs_env, orthanc, capsys):
    status, out, _ = _run(capsys, "query", "local")
    assert status == 0
    assert orthanc.study_uid in out
    assert "Pelvis AP" in out and "41 instances" in out
    assert "HOVIEW^SAMPLE" not in out and "HOVIEW-SAMPLE-001" not in out
    status, out, _ = _run(capsys, "query", "local", "--show-identifiers")
    assert "HOVIEW^SAMPLE" in out


def test_query_filters_and_json(pacs_env, orthanc, capsys):
    status, out, _ = _run(capsys, "query", "local", "--modality", "DX", "--json")
    studies = json.loads(out)
    assert [s["study_uid"] for s in studies] == [orthanc.study_uid]
    assert "patient_name" not in studies[0]
    assert set(studies[0]["modalities"]) == {"CT", "DX"}
    _, out, _ = _run(capsys, "query", "local", "--patient-id", "NOBODY", "--json")
    assert json.loads(out) == []
    _, out, _ = _run(capsys, "query", "local", "--study-date", "20240101-20241231", "--json")
    assert len(json.loads(out)) == 1
    status = main(["query", orthanc.url, "--study-date", "1999"])
    assert status == 1
    assert "--study-date" in capsys.readouterr().err


def test_info_and_render_take_references(pacs_env, orthanc, capsys):
    status, out, _ = _run(capsys, "info", f"local:{orthanc.study_uid}")
    assert status == 0
    assert "2 series" in out and "40 images" in out
    dx = _cached_dx(pacs_env, orthanc.study_uid)
    # WADO-RS asked for any transfer syntax: the JPEG-LS film arrives as JPEG-LS.
    assert pydicom.dcmread(dx, stop_before_pixels=True).file_meta.TransferSyntaxUID == (
        JPEG_LS_LOSSLESS
    )
    series = dx.parent.name
    url = f"{orthanc.url}/studies/{orthanc.study_uid}/series/{series}/instances/{DX_SOP}"
    out_png = pacs_env / "film.png"
    status, _, err = _run(capsys, "render", url, "-o", str(out_png), "--scale", "0.25")
    assert status == 0, err
    assert out_png.stat().st_size > 1000


def test_annotate_push_reopen(pacs_env, orthanc, capsys, monkeypatch):
    study = orthanc.study_uid
    assert _run(capsys, "info", f"local:{study}")[0] == 0
    dx = _cached_dx(pacs_env, study)
    status, out, err = _run(
        capsys,
        "annotate",
        str(dx),
        "--arrow",
        "400",
        "300",
        "600",
        "500",
        "--label",
        "HO",
        "--finding",
        "heterotopic ossification",
    )
    assert status == 0, err
    sidecar = pacs_env / "data" / "sidecars" / f"sop-{DX_SOP}.hoview.json"
    assert sidecar.is_file() and str(sidecar) in out
    assert not list(dx.parent.glob("*.hoview.json"))

    status, out, err = _run(capsys, "push", str(dx), "--to", "local")
    assert status == 0, err
    record = json.loads(sidecar.read_text())["pacs"]["stored"]["local"]
    assert record["gsps"] in out and record["sr"] in out
    pr = _series_instances(orthanc, study, "PR")
    sr = _series_instances(orthanc, study, "SR")
    assert [uid for _, uid in pr] == [record["gsps"]]
    assert [uid for _, uid in sr] == [record["sr"]]
    instances = orthanc.rest("/statistics")["CountInstances"]

    # Unchanged: the same UIDs, one copy in the archive.
    status, out, _ = _run(capsys, "push", str(dx), "--to", "local", "--gsps")
    assert status == 0 and record["gsps"] in out and record["sr"] not in out
    assert orthanc.rest("/statistics")["CountInstances"] == instances

    # Changed: a new presentation state in the same hoview series.
    _run(capsys, "annotate", str(dx), "--arrow", "900", "300", "1100", "500", "--label", "HO2")
    status, out, _ = _run(capsys, "push", str(dx), "--to", "local", "--gsps")
    new = json.loads(sidecar.read_text())["pacs"]["stored"]["local"]["gsps"]
    assert new != record["gsps"] and new in out
    pr_after = _series_instances(orthanc, study, "PR")
    assert {uid for _, uid in pr_after} == {record["gsps"], new}
    assert len({series for series, _ in pr_after}) == 1

    # A colleague: a fresh cache and data folder, the GSPS imported -> the arrows are back.
    fresh = pacs_env / "fresh"
    monkeypatch.setenv("HOVIEW_CACHE_DIR", str(fresh / "cache"))
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(fresh / "data"))
    assert _run(capsys, "info", f"local:{study}")[0] == 0
    gsps_file = next((fresh / "cache" / study).glob(f"*/{new}.dcm"))
    dx2 = next((fresh / "cache" / study).glob(f"*/{DX_SOP}.dcm"))
    status, _, err = _run(capsys, "import", str(gsps_file), "--into", str(dx2))
    assert status == 0, err
    document = load(dx2, open_image(dx2).identity)
    heads = sorted(
        tuple(round(v) for v in a.head) for a in document.annotations if a.kind == "arrow"
    )
    assert heads == [(600, 500), (1100, 500)]
    assert (fresh / "data" / "sidecars" / f"sop-{DX_SOP}.hoview.json").is_file()


def test_viewer_entry_hands_the_reference_as_typed_to_the_viewer(pacs_env, orthanc, monkeypatch):
    import hoview.ui.app

    opened: list[list[str]] = []
    monkeypatch.setattr(hoview.ui.app, "run_viewer", lambda paths: opened.append(paths) or 0)
    url = f"{orthanc.url}/studies/{orthanc.study_uid}"
    assert main([f"local:{orthanc.study_uid}", url]) == 0
    # the viewer streams the study itself (tests/pacs/test_viewer_pacs.py): nothing is
    # retrieved before its window opens, and a URL keeps its "//"
    assert opened == [[f"local:{orthanc.study_uid}", url]]
    assert not (pacs_env / "cache" / orthanc.study_uid).exists()


def test_sidecar_pacs_record_is_validated(pacs_env, tmp_path, capsys):
    import shutil

    from hoview.annotations import load_sidecar

    sidecar = tmp_path / "pelvis_ap.dcm.hoview.json"
    shutil.copy(
        Path(__file__).resolve().parents[2] / "sample_data" / "pelvis_ap.dcm.hoview.json", sidecar
    )
    data = json.loads(sidecar.read_text())
    data["pacs"] = {"stored": {"local": {"gsps": "1.2.3", "sr": "1.2.4", "at": "2026-01-01"}}}
    sidecar.write_text(json.dumps(data))
    assert load_sidecar(sidecar).extra["pacs"]["stored"]["local"]["gsps"] == "1.2.3"
    data["pacs"]["stored"]["local"]["gsps"] = "not a uid"
    sidecar.write_text(json.dumps(data))
    with pytest.raises(Exception, match="pacs"):
        load_sidecar(sidecar)
