"""A travel-time matrix replaces estimated minutes pair by pair; bad files give clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from features.errors import DataValidationError
from features.network import Network
from matching.pairs import eligible_pairs, score_pairs, scoring_context
from matching.travel_matrix import load_travel_matrix


def write(tmp_path: Path, text: str, name: str = "travel.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def all_pair_scores(network: Network, matrix: object = None):
    context = scoring_context(network, travel_matrix=matrix, outcome_model=None)
    n, m = len(network.students), len(network.companies)
    return score_pairs(context, np.repeat(np.arange(n), m), np.tile(np.arange(m), n))


def only_travel_fails(network: Network) -> tuple[str, str]:
    """A pair ruled out by travel alone."""
    scores = all_pair_scores(network)
    k = np.flatnonzero(scores.failures[:, 0] & ~scores.failures[:, 1:].any(axis=1))[0]
    return network.students[scores.s[k]].student_id, network.companies[scores.c[k]].company_id


def test_matrix_minutes_make_a_pair_beyond_the_estimated_reach_eligible(
    builtin_network: Network, tmp_path: Path
) -> None:
    student, company = only_travel_fails(builtin_network)
    path = write(tmp_path, f"student_id;company_id;minutes\n{student};{company};7,5\n")
    before = eligible_pairs(builtin_network, outcome_model=None)
    after = eligible_pairs(builtin_network, travel_matrix=path, outcome_model=None)
    assert after.n_pairs == before.n_pairs + 1
    i, j = builtin_network.student_position[student], builtin_network.company_position[company]
    k = np.flatnonzero((after.student == i) & (after.company == j))
    assert k.shape == (1,) and after.travel_minutes[k[0]] == 7.5
    assert after.ineligible_counts[i, 0] == before.ineligible_counts[i, 0] - 1


def test_matrix_minutes_above_the_maximum_rule_a_pair_out(builtin_network: Network, tmp_path: Path) -> None:
    before = eligible_pairs(builtin_network, outcome_model=None)
    student = builtin_network.students[before.student[0]].student_id
    company = builtin_network.companies[before.company[0]].company_id
    path = write(tmp_path, f"student_id,company_id,minutes\n{student},{company},500\n")
    after = eligible_pairs(builtin_network, travel_matrix=path, outcome_model=None)
    assert after.n_pairs == before.n_pairs - 1
    assert after.ineligible_counts[before.student[0], 0] == before.ineligible_counts[before.student[0], 0] + 1


def test_matrix_path_equals_dense_check(builtin_network: Network) -> None:
    scores = all_pair_scores(builtin_network)
    rng = np.random.default_rng(0)
    picked = rng.choice(scores.s.shape[0], 400, replace=False)
    frame = pd.DataFrame(
        {
            "student_id": [builtin_network.students[i].student_id for i in scores.s[picked]],
            "company_id": [builtin_network.companies[j].company_id for j in scores.c[picked]],
            "minutes": rng.uniform(0, 90, picked.shape[0]).round(1).astype(str),
        }
    )
    matrix = load_travel_matrix(frame, builtin_network)
    table = eligible_pairs(builtin_network, travel_matrix=matrix, outcome_model=None)
    dense = all_pair_scores(builtin_network, matrix)
    assert_allclose(dense.minutes[picked], frame["minutes"].astype(float))
    assert_array_equal(dense.s[dense.eligible], table.student)
    assert_array_equal(dense.c[dense.eligible], table.company)
    assert_allclose(dense.score[dense.eligible], table.score, rtol=1e-12)
    counts = np.zeros_like(table.ineligible_counts)
    np.add.at(counts, (dense.s[~dense.eligible], dense.reason[~dense.eligible]), 1)
    assert_array_equal(counts, table.ineligible_counts)


def test_unknown_ids_name_the_closest_known_ones(builtin_network: Network, tmp_path: Path) -> None:
    path = write(tmp_path, "student_id,company_id,minutes\nS003,C0001,10\nS0001,C01,10\n")
    with pytest.raises(DataValidationError) as error:
        load_travel_matrix(path, builtin_network)
    messages = [str(issue) for issue in error.value.issues]
    assert any("row 2, column 'student_id': unknown student 'S003'; closest: S0003" in m for m in messages)
    assert any("row 3, column 'company_id': unknown company 'C01'; closest: C0001" in m for m in messages)


def test_bad_minutes_and_repeated_pairs_are_reported_with_their_rows(
    builtin_network: Network, tmp_path: Path
) -> None:
    path = write(tmp_path, "student_id,company_id,minutes\nS0001,C0001,-4\nS0001,C0002,ten\nS0001,C0001,12\n")
    with pytest.raises(DataValidationError, match="3 problem") as error:
        load_travel_matrix(path, builtin_network)
    text = str(error.value)
    assert "row 2, column 'minutes': must be at least 0 minutes (got '-4')" in text
    assert "row 3, column 'minutes': must be a number of minutes" in text
    assert "row 4, column 'company_id': the pair S0001, C0001 is listed twice; first in row 2" in text


def test_a_missing_column_is_named(builtin_network: Network, tmp_path: Path) -> None:
    path = write(tmp_path, "student_id,company_id,min\nS0001,C0001,4\n")
    with pytest.raises(DataValidationError, match=r"column 'minutes': required column is missing"):
        load_travel_matrix(path, builtin_network)


def test_a_missing_file_is_reported(builtin_network: Network, tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="no such file"):
        load_travel_matrix(tmp_path / "nope.csv", builtin_network)
