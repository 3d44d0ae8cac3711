"""features/arrays.py: profiles encoded as the numpy arrays the hot paths use."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_array_equal

from features.arrays import (
    ABSENT,
    DEMAND_ORDER,
    IMPAIRMENT_ORDER,
    INDUSTRY_ORDER,
    STRESS_ORDER,
    VARIETY_ORDER,
    company_arrays,
    network_arrays,
    student_arrays,
)
from features.network import Network
from features.travel import TRANSPORT_ORDER
from features.vocabulary import ImpairmentGroup
from tests.matching.profiles import company, student


def test_every_field_of_every_profile_round_trips(builtin_network: Network) -> None:
    students, companies = network_arrays(builtin_network)
    assert students.n == len(builtin_network.students) and companies.n == len(builtin_network.companies)
    for i, s in enumerate(builtin_network.students):
        assert students.ids[i] == s.student_id
        assert TRANSPORT_ORDER[students.transport[i]] == s.transport_mode
        for k, item in enumerate(IMPAIRMENT_ORDER):
            assert students.impairment[i, k] == (
                s.impairments[item].rank if item in s.impairments else ABSENT
            )
        for k, item in enumerate(STRESS_ORDER):
            expected = s.stress_reactions[item].rank if item in s.stress_reactions else ABSENT
            assert students.stress[i, k] == expected
        ranks = {INDUSTRY_ORDER[k]: int(r) for k, r in enumerate(students.interest_rank[i]) if r}
        assert ranks == {industry: rank for rank, industry in enumerate(s.interests, start=1)}
        assert students.abilities[i].tolist() == [s.abilities[d] for d in DEMAND_ORDER]
        assert students.support_max[i] == s.highest_support_level.rank
    for j, c in enumerate(builtin_network.companies):
        assert INDUSTRY_ORDER[companies.industry[j]] == c.industry
        assert VARIETY_ORDER[companies.task_variety[j]] == c.task_variety
        assert companies.noise[j] == c.noise.rank and companies.pace[j] == c.pace.rank
        assert companies.demands[j].tolist() == [c.demands[d] for d in DEMAND_ORDER]
        assert companies.capacity[j] == c.capacity and companies.mentor_capacity[j] == c.mentor_capacity


def test_dtypes_are_small_and_numeric(builtin_network: Network) -> None:
    students, companies = network_arrays(builtin_network)
    assert students.impairment.dtype == np.int8 and students.interest_rank.dtype == np.int8
    assert students.abilities.shape == (students.n, len(DEMAND_ORDER))
    assert companies.demands.dtype == np.int8 and companies.weekdays.shape == (companies.n, 7)


def test_groups_take_and_empty_input() -> None:
    students = student_arrays([student(impairments="mobility:none"), student(student_id="S2")])
    assert_array_equal(students.has_group(ImpairmentGroup.PHYSICAL), [True, False])
    assert_array_equal(students.has_group(ImpairmentGroup.PSYCHOLOGICAL), [False, True])
    assert_array_equal(students.support_max, [0, 2])
    assert students.take(np.array([1])).ids.tolist() == ["S2"]
    empty = company_arrays([])
    assert empty.n == 0 and empty.demands.shape == (0, len(DEMAND_ORDER))
    assert company_arrays([company()]).weekdays[0].tolist() == [True] * 5 + [False] * 2
