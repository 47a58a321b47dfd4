"""The README's three teaching commands work from the sample study and leak nothing."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pydicom

from hoview.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def teaching_commands() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Teaching exports", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = [shlex.split(line) for line in block.replace("\\\n", " ").splitlines() if line]
    assert all(c[0] == "hoview" for c in commands)
    return [c[1:] for c in commands]


def test_three_commands_make_a_slide_a_handout_and_a_quiz(
    tmp_path, sample_data_dir, monkeypatch, capsys
):
    commands = teaching_commands()
    assert [c[0] for c in commands] == ["montage", "montage", "teach"]
    (tmp_path / "sample_data").symlink_to(sample_data_dir)
    monkeypatch.chdir(tmp_path)
    for command in commands:
        assert main(command) == 0, capsys.readouterr().err
    slide, handout, quiz = Path("ho-slide.png"), Path("ho-handout.pdf"), Path("ho-quiz")
    assert slide.read_bytes().startswith(b"\x89PNG")
    assert handout.read_bytes().startswith(b"%PDF")
    assert (quiz / "index.html").is_file() and [p.name for p in quiz.iterdir()] == ["index.html"]
    source = pydicom.dcmread(sample_data_dir / "pelvis_ap.dcm", stop_before_pixels=True)
    secrets = [str(source.PatientName), source.PatientID, str(source.PatientName).split("^")[0]]
    secrets = [s.encode() for s in secrets if s]
    for output in (slide, handout, quiz / "index.html"):
        data = output.read_bytes()
        for secret in secrets:
            assert secret not in data, f"{secret!r} in {output}"
