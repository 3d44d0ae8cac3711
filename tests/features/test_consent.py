"""A company brief never holds what the student did not consent to share."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from features.consent import company_brief, render_markdown
from features.network import Network
from features.vocabulary import IMPAIRMENT_LABELS, STRESS_REACTION_LABELS, ShareCategory


def test_nothing_beyond_the_basics_without_consent(builtin_network: Network) -> None:
    student = builtin_network.students[0].model_copy(update={"consent_share": []})
    brief = company_brief(student, builtin_network.companies[0])
    assert [s.title for s in brief.sections] == ["Praktikken"]
    text = render_markdown(brief)
    assert student.student_id in text
    assert "ikke givet samtykke" in text
    for label in [*IMPAIRMENT_LABELS.values(), *STRESS_REACTION_LABELS.values()]:
        assert label not in text


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 139), st.sets(st.sampled_from(list(ShareCategory))))
def test_diagnoses_and_stress_reactions_appear_only_with_consent(
    builtin_network: Network, index: int, consent: set[ShareCategory]
) -> None:
    student = builtin_network.students[index].model_copy(update={"consent_share": sorted(consent)})
    text = render_markdown(company_brief(student, builtin_network.companies[0]))
    for impairment in student.impairments:
        assert (IMPAIRMENT_LABELS[impairment] in text) == (ShareCategory.IMPAIRMENTS in consent)
    for reaction in student.stress_reactions:
        assert (STRESS_REACTION_LABELS[reaction] in text) == (ShareCategory.STRESS_REACTIONS in consent)
    assert ("Interesser" in text.split("ikke givet samtykke")[0]) == (ShareCategory.INTERESTS in consent)
