"""The README's teaching commands work from the sample study and leak nothing."""

from __future__ import annotations

import json
import re
import shlex
import zipfile
from pathlib import Path

import pydicom
from pptx import Presentation

from hoview.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def teaching_commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Teaching exports", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = [shlex.split(line) for line in block.replace("\\\n", " ").splitlines() if line]
    assert all(c[0] == "hoview" for c in commands)
    return [c[1:] for c in commands]


def test_five_commands_make_a_slide_a_handout_a_quiz_a_deck_and_a_case(
    tmp_path, sample_data_dir, monkeypatch, capsys
):
    commands = teaching_commands()
    assert [c[0] for c in commands] == ["montage", "montage", "teach", "slides", "case"]
    (tmp_path / "sample_data").symlink_to(sample_data_dir)
    monkeypatch.chdir(tmp_path)
    for command in commands:
        assert main(command) == 0, capsys.readouterr().err
    slide, handout, quiz = Path("ho-slide.png"), Path("ho-handout.pdf"), Path("ho-quiz")
    deck, case = Path("ho-lecture.pptx"), Path("ho-case")
    assert slide.read_bytes().startswith(b"\x89PNG")
    assert handout.read_bytes().startswith(b"%PDF")
    assert (quiz / "index.html").is_file() and [p.name for p in quiz.iterdir()] == ["index.html"]
    slides = list(Presentation(str(deck)).slides)
    assert len(slides) == 4 and slides[1].shapes.title.text == "AP pelvis: what do you see?"
    assert slides[1].notes_slide.notes_text_frame.text == "Brooker III right, II left."
    described = json.loads((case / "case.json").read_text(encoding="utf-8"))
    assert [i["caption"] for i in described["images"]] == [
        "Case 1", "Case 2, slice 17", "Case 2, slice 18", "Case 2, slice 19"
    ]  # fmt: skip
    assert len(list(case.glob("*-with*.png"))) == 8
    source = pydicom.dcmread(sample_data_dir / "pelvis_ap.dcm", stop_before_pixels=True)
    secrets = [str(source.PatientName), source.PatientID, str(source.PatientName).split("^")[0]]
    secrets = [s.encode() for s in secrets if s]
    with zipfile.ZipFile(deck) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    for output in (slide, handout, quiz / "index.html", *case.iterdir()):
        data = output.read_bytes()
        for secret in secrets:
            assert secret not in data, f"{secret!r} in {output}"
    for name, data in parts.items():
        for secret in secrets:
            assert secret not in data, f"{secret!r} in {deck}: {name}"
