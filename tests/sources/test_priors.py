"""The choice of a prior study and how its interval is written (no Qt, no files)."""

from __future__ import annotations

import datetime as dt

import pytest

from hoview.sources.priors import SeriesFacts, find_prior, interval_text, months_between


def facts(study, date="20240312", *, patient="P1", modality="DX", body="PELVIS", time="", view=""):
    return SeriesFacts.from_metadata(
        {
            "study_instance_uid": study,
            "patient_id": patient,
            "study_date": date,
            "study_time": time,
            "modality": modality,
            "body_part": body,
            "view_position": view,
        }
    )


CURRENT = facts("now", "20240312")


def test_the_most_recent_earlier_study_is_the_prior():
    candidates = [
        facts("old", "20230101"),
        facts("recent", "20231212"),
        facts("middle", "20230601"),
    ]
    assert find_prior(CURRENT, candidates) == 1


def test_a_later_study_is_never_a_prior():
    assert find_prior(CURRENT, [facts("later", "20240401")]) is None
    assert find_prior(CURRENT, [facts("later", "20240401"), facts("old", "20220101")]) == 1


def test_another_patient_is_never_a_prior():
    assert find_prior(CURRENT, [facts("other", "20231212", patient="P2")]) is None


def test_without_a_patient_id_there_is_no_prior():
    current = facts("now", patient="")
    assert find_prior(current, [facts("old", "20231212", patient="")]) is None


def test_other_modality_or_body_part_is_not_a_prior():
    assert find_prior(CURRENT, [facts("ct", "20231212", modality="CT")]) is None
    assert find_prior(CURRENT, [facts("knee", "20231212", body="KNEE")]) is None
    # Case and spaces do not matter.
    assert find_prior(CURRENT, [facts("same", "20231212", modality="dx", body=" pelvis ")]) == 0


def test_without_body_part_on_both_the_modality_decides():
    current = facts("now", body="")
    assert find_prior(current, [facts("old", "20231212", body="")]) == 0
    # Only one of the two says: not the same kind.
    assert find_prior(current, [facts("old", "20231212", body="PELVIS")]) is None


def test_missing_dates():
    assert find_prior(CURRENT, [facts("undated", "")]) is None
    assert find_prior(CURRENT, [facts("bad", "2023-13-45")]) is None
    assert find_prior(facts("now", ""), [facts("old", "20231212")]) is None


def test_the_same_study_is_not_its_own_prior():
    assert find_prior(CURRENT, [facts("now", "20240312"), facts("now", "20231212")]) is None


def test_ties_go_to_the_later_time_then_the_same_view_then_the_first():
    morning, evening = facts("a", "20231212", time="0800"), facts("b", "20231212", time="1700")
    assert find_prior(CURRENT, [evening, morning]) == 0
    assert find_prior(CURRENT, [morning, evening]) == 1
    current = facts("now", view="AP")
    lateral, ap = facts("p", "20231212", view="LAT"), facts("p", "20231212", view="AP")
    assert find_prior(current, [lateral, ap]) == 1
    twins = [facts("x", "20231212"), facts("y", "20231212")]
    assert find_prior(CURRENT, twins) == 0


def test_old_style_dates_are_read():
    assert find_prior(CURRENT, [facts("old", "2023.12.12")]) == 0


@pytest.mark.parametrize(
    ("earlier", "later", "months"),
    [
        ("2023-12-12", "2024-03-12", 3),
        ("2023-12-13", "2024-03-12", 2),
        ("2024-01-31", "2024-02-29", 0),
        ("2022-03-12", "2024-03-12", 24),
    ],
)
def test_months_are_whole_calendar_months_rounded_down(earlier, later, months):
    assert months_between(dt.date.fromisoformat(earlier), dt.date.fromisoformat(later)) == months


@pytest.mark.parametrize(
    ("earlier", "later", "text"),
    [
        ("2023-12-12", "2024-03-12", "prior, 3 months earlier"),
        ("2024-02-12", "2024-03-12", "prior, 1 month earlier"),
        ("2024-03-11", "2024-03-12", "prior, 1 day earlier"),
        ("2024-02-20", "2024-03-12", "prior, 21 days earlier"),
        ("2022-04-12", "2024-03-12", "prior, 23 months earlier"),
        ("2022-03-12", "2024-03-12", "prior, 2 years earlier"),
        ("2019-03-13", "2024-03-12", "prior, 4 years earlier"),
        ("2024-03-12", "2024-03-12", "prior, same day"),
    ],
)
def test_interval_text(earlier, later, text):
    assert interval_text(dt.date.fromisoformat(earlier), dt.date.fromisoformat(later)) == text
