"""The set enumeration and the subset-row separation of ``bench/last_milp.py`` against brute force; its
reading of HiGHS's options and cut pool."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import last_milp
from bench.last_milp import _describe_cut_pool, _option_value, _sets_reaching, _violated_subset_rows


@settings(max_examples=200, deadline=None)
@given(
    gains=st.lists(st.integers(-50, 100), min_size=0, max_size=7),
    data=st.data(),
    capacity=st.integers(0, 4),
    hours=st.integers(0, 6),
    least=st.integers(-60, 250),
)
def test_the_sets_reaching_a_value_are_every_such_set(gains, data, capacity, hours, least) -> None:
    """Every non-empty set within the company's places and mentor hours whose gains reach ``least``,
    and no other, each once."""
    gains = sorted(gains, reverse=True)
    loads = data.draw(st.lists(st.integers(0, 3), min_size=len(gains), max_size=len(gains)))
    expected = {
        subset
        for size in range(1, len(gains) + 1)
        for subset in itertools.combinations(range(len(gains)), size)
        if size <= capacity
        and sum(loads[q] for q in subset) <= hours
        and sum(gains[q] for q in subset) >= least
    }
    found = [tuple(members) for members in _sets_reaching(gains, loads, capacity, hours, least)]
    assert len(found) == len(set(found))
    assert set(found) == expected


def test_a_violated_subset_row_cut_is_found_and_a_satisfied_one_is_not() -> None:
    """Three students, each pair of them together in a set used half: the sets holding two or more of
    them add up to 1.5 > 1; with those sets used a third each, 1 is not violated."""
    pair_student = np.array([0, 1, 1, 2, 0, 2])
    set_members = [np.array([0, 1]), np.array([2, 3]), np.array([4, 5])]  # {0, 1}, {1, 2}, {0, 2}
    cuts = _violated_subset_rows(pair_student, set_members, np.array([0.5, 0.5, 0.5]))
    assert [sorted(members) for members in cuts] == [[0, 1, 2]]
    assert _violated_subset_rows(pair_student, set_members, np.array([1 / 3, 1 / 3, 1 / 3])) == []


def test_an_option_value_is_read_as_highs_takes_it() -> None:
    assert _option_value("false") is False and _option_value("True") is True
    assert _option_value("3") == 3 and isinstance(_option_value("3"), int)
    assert _option_value("0.25") == 0.25
    assert _option_value("choose") == "choose"


def test_the_cut_pool_is_told_apart_by_the_companies_its_cuts_span(capsys) -> None:  # type: ignore[no-untyped-def]
    """Pairs 0-1 at company 0, pair 2 at company 1 (students 0, 1, 1); column 3 is a count vector. A cut
    on pair 0 and the vector, one on the vector alone, one on pairs 0-2: two on one company, one across
    two companies and two students."""
    data = SimpleNamespace(
        cutpool_num_cut=3,
        cutpool_start=[0, 2, 3, 6],
        cutpool_index=[0, 3, 3, 0, 1, 2],
        cutpool_value=[1.0, -1.0, 1.0, 1.0, 2.0, -3.0],
        mip_dual_bound=10.5,
    )
    _describe_cut_pool(data, 3, np.array([0, 0, 1]), np.array([0, 1, 1]))
    told = capsys.readouterr().out
    assert "3 cuts, dual bound 10.5; on one company: 2" in told
    assert "across companies: 1; students median 2, most 2; companies median 2, most 2" in told
    assert "nonzeros most 3; largest |coefficient| 3" in told


@pytest.mark.parametrize("flag", [["--cut-pool"], ["--option", "presolve=off"], ["--highs-seed", "2"]])
def test_the_milps_options_without_the_milp_are_refused(flag, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """``solve`` without ``--milp`` solves only the LP, so HiGHS's MILP options would be ignored:
    it stops with exit 2 and says to add ``--milp``, before reading the file."""
    with pytest.raises(SystemExit) as stopped:
        last_milp.main(["solve", str(tmp_path / "none.pkl"), *flag])
    assert stopped.value.code == 2
    assert "add --milp" in capsys.readouterr().err
