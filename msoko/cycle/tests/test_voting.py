"""Quorum and voting rules of the council (seed 000 Прил. 2) and the working group (seed 001 §4)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msoko.cycle.voting import BodyKind, Choice, Presiding, outcome, quorum, quorum_size

# --- Hand-worked examples -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("members", "present", "expected"),
    [(10, 5, True), (10, 4, False), (9, 5, True), (9, 4, False), (1, 1, True), (1, 0, False), (0, 0, False), (7, 7, True)],
)
def test_quorum_is_at_least_half_of_the_members(members, present, expected):
    assert quorum(members, present) is expected


def test_quorum_size_rounds_half_up():
    assert [quorum_size(n) for n in (1, 2, 3, 4, 9, 10, 30)] == [1, 1, 2, 2, 5, 5, 15]


def test_council_without_quorum_adopts_nothing_even_unanimously():
    result = outcome(BodyKind.COUNCIL, 10, 4, 4, 0, 0, True, False, Choice.FOR)
    assert not result.adopted and not result.has_quorum
    assert result.reason == "Нет кворума: присутствуют 4 из 10, требуется не менее 5."


def test_council_adopts_by_more_than_half_of_those_present():
    # 10 members, 6 present: 4 for is more than 3 → adopted; 3 for is a tie.
    assert outcome(BodyKind.COUNCIL, 10, 6, 4, 1, 1, True, False, Choice.FOR).adopted
    assert not outcome(BodyKind.COUNCIL, 10, 6, 2, 2, 2, True, False, Choice.AGAINST).adopted


def test_council_tie_is_decided_by_the_chair():
    adopted = outcome(BodyKind.COUNCIL, 8, 6, 3, 3, 0, True, True, Choice.FOR)
    assert adopted.adopted and adopted.casting_vote and adopted.presiding is Presiding.CHAIR
    assert "решающий голос председателя — «за»" in adopted.reason
    rejected = outcome(BodyKind.COUNCIL, 8, 6, 3, 3, 0, True, True, Choice.AGAINST)
    assert not rejected.adopted and rejected.casting_vote


def test_council_tie_with_chair_absent_is_decided_by_the_deputy():
    result = outcome(BodyKind.COUNCIL, 8, 4, 2, 2, 0, False, True, Choice.FOR)
    assert result.adopted and result.presiding is Presiding.DEPUTY
    assert "заместителя председателя" in result.reason


def test_council_tie_with_neither_chair_nor_deputy_is_not_adopted():
    result = outcome(BodyKind.COUNCIL, 8, 4, 2, 2, 0, False, False, None)
    assert not result.adopted and not result.casting_vote
    assert "решающего голоса нет" in result.reason


def test_council_tie_counts_abstentions_against_the_majority_of_those_present():
    # 10 present: 5 for, 3 against, 2 abstained — «за» is exactly half, not more than half.
    assert not outcome(BodyKind.COUNCIL, 12, 10, 5, 3, 2, True, False, Choice.ABSTAINED).adopted
    assert outcome(BodyKind.COUNCIL, 12, 10, 5, 3, 2, True, False, Choice.FOR).adopted


def test_council_tie_when_the_presiding_officer_did_not_vote_is_not_adopted():
    result = outcome(BodyKind.COUNCIL, 5, 4, 2, 2, 0, True, False, None)
    assert not result.adopted and not result.casting_vote
    assert result.reason == (
        "Не принято: равенство голосов («за» 2, «против» 2, «воздержались» 0), "
        "председатель не голосовал, решающего голоса нет."
    )
    deputy = outcome(BodyKind.COUNCIL, 5, 4, 2, 2, 0, False, True, None)
    assert "заместитель председателя не голосовал" in deputy.reason


def test_working_group_needs_a_majority_of_the_whole_membership():
    # 10 members, 6 present, 5 for: more than half of those present but not of 10 members.
    result = outcome(BodyKind.WORKING_GROUP, 10, 6, 5, 1, 0, True, False, Choice.FOR)
    assert not result.adopted and result.has_quorum
    assert result.reason == (
        "Не принято: «за» проголосовали 5, требуется более половины численного состава (5 из 10 членов)."
    )
    assert outcome(BodyKind.WORKING_GROUP, 10, 6, 6, 0, 0, True, False, Choice.FOR).adopted


def test_working_group_has_no_casting_vote():
    result = outcome(BodyKind.WORKING_GROUP, 4, 4, 2, 2, 0, True, False, Choice.FOR)
    assert not result.adopted and not result.casting_vote


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((5, 6, 0, 0, 0, False, False, None), "Присутствующих \\(6\\) больше, чем членов \\(5\\)"),
        ((5, 3, 2, 2, 0, False, False, None), "Голосов \\(4\\) больше, чем присутствующих \\(3\\)"),
        ((5, 1, 0, 0, 0, True, True, None), "Председатель и заместитель"),
        ((5, 3, -1, 0, 0, False, False, None), "отрицательным"),
        ((5, 3, 0, 3, 0, True, False, Choice.FOR), "Голос председательствующего не учтён"),
    ],
)
def test_inconsistent_counts_are_rejected(args, message):
    with pytest.raises(ValueError, match=message):
        outcome(BodyKind.COUNCIL, *args)


# --- Properties over whole meetings -----------------------------------------------------------

VOTE = st.sampled_from([Choice.FOR, Choice.AGAINST, Choice.ABSTAINED, None])  # None: did not vote


@st.composite
def meetings(draw):
    """A body of 1–30 members (member 0 chairs, member 1 deputises), who attended and how each voted."""
    members = draw(st.integers(min_value=1, max_value=30))
    attended = draw(st.lists(st.booleans(), min_size=members, max_size=members))
    votes = [draw(VOTE) if here else None for here in attended]
    return members, attended, votes


def _tally(members, attended, votes):
    present = sum(attended)
    counts = {c: sum(1 for v in votes if v is c) for c in Choice}
    chair_present = attended[0]
    deputy_present = members > 1 and attended[1]
    presiding_vote = votes[0] if chair_present else (votes[1] if deputy_present else None)
    return present, counts, chair_present, deputy_present, presiding_vote


def _decide(kind, members, attended, votes):
    present, counts, chair_present, deputy_present, presiding_vote = _tally(members, attended, votes)
    return outcome(
        kind, members, present, counts[Choice.FOR], counts[Choice.AGAINST], counts[Choice.ABSTAINED],
        chair_present, deputy_present, presiding_vote,
    )


def _is_tie(members, attended, votes):
    present, counts, *_ = _tally(members, attended, votes)
    return Fraction(counts[Choice.FOR]) == Fraction(present, 2)


@given(st.integers(min_value=1, max_value=30), st.data())
def test_quorum_matches_half_of_the_membership(members, data):
    present = data.draw(st.integers(min_value=0, max_value=members))
    assert quorum(members, present) == (Fraction(present) >= Fraction(members, 2))


@given(meetings())
def test_nothing_is_adopted_without_quorum(meeting):
    members, attended, votes = meeting
    for kind in BodyKind:
        result = _decide(kind, members, attended, votes)
        if Fraction(sum(attended)) < Fraction(members, 2):
            assert not result.adopted and not result.has_quorum
            assert result.reason.startswith("Нет кворума")
        else:
            assert result.has_quorum


@given(meetings())
def test_council_rule(meeting):
    members, attended, votes = meeting
    present, counts, chair_present, deputy_present, presiding_vote = _tally(members, attended, votes)
    result = _decide(BodyKind.COUNCIL, members, attended, votes)
    has_quorum = Fraction(present) >= Fraction(members, 2)
    majority = Fraction(counts[Choice.FOR]) > Fraction(present, 2)
    casting_for = _is_tie(members, attended, votes) and presiding_vote is Choice.FOR
    assert result.adopted == (has_quorum and (majority or casting_for))
    if result.adopted:
        assert counts[Choice.FOR] >= counts[Choice.AGAINST] + counts[Choice.ABSTAINED]


@given(meetings())
def test_council_tie_with_chair_and_deputy_absent_is_never_adopted(meeting):
    members, attended, votes = meeting
    attended = [False, False, *attended[2:]][:members]
    votes = [None, None, *votes[2:]][:members]
    result = _decide(BodyKind.COUNCIL, members, attended, votes)
    if _is_tie(members, attended, votes):
        assert not result.adopted and result.presiding is Presiding.NONE


@given(meetings())
def test_the_deputy_casts_the_vote_only_when_the_chair_is_absent(meeting):
    members, attended, votes = meeting
    if members < 2 or not attended[1]:
        return
    chair_present = attended[0]
    result = _decide(BodyKind.COUNCIL, members, attended, votes)
    assert result.presiding is (Presiding.CHAIR if chair_present else Presiding.DEPUTY)


@given(meetings())
def test_working_group_rule(meeting):
    members, attended, votes = meeting
    result = _decide(BodyKind.WORKING_GROUP, members, attended, votes)
    votes_for = sum(1 for v in votes if v is Choice.FOR)
    assert result.adopted == (Fraction(votes_for) > Fraction(members, 2))
    assert not result.casting_vote


@given(meetings())
def test_one_more_vote_for_never_turns_adoption_into_rejection(meeting):
    members, attended, votes = meeting
    switchable = [i for i, v in enumerate(votes) if attended[i] and v is not Choice.FOR and i > 1]
    if not switchable:
        return
    for kind in BodyKind:
        try:
            before = _decide(kind, members, attended, votes)
            changed = list(votes)
            changed[switchable[0]] = Choice.FOR
            after = _decide(kind, members, attended, changed)
        except ValueError:
            continue
        assert not before.adopted or after.adopted
