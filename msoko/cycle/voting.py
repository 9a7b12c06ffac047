"""Quorum and voting rules of the coordination council and the working group (pure functions).

Council (seed 000, Приложение 2, §11, §15–16): the meeting is competent when at least half of
the members are present; a decision is adopted when more than half of those present vote for it;
on a tie the presiding officer's vote decides — the chair, or in the chair's absence the deputy
(§11). With neither present a tie is not adopted.

Working group (seed 001, §4.4, §4.6): quorum at least half of the members; a question is adopted
by a majority of the whole membership (more than half of all members vote for); there is no
casting vote.

A *tie* is the case the «more than half of those present» rule cannot decide by one vote either
way: exactly half of those present vote for (for = against + abstained + not voting). With no
abstentions this is the ordinary «за» = «против».
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BodyKind(StrEnum):
    COUNCIL = "council"
    WORKING_GROUP = "working_group"


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAINED = "abstained"


class Presiding(StrEnum):
    CHAIR = "chair"
    DEPUTY = "deputy"
    NONE = "none"


@dataclass(frozen=True)
class VoteOutcome:
    adopted: bool
    reason: str
    has_quorum: bool
    casting_vote: bool = False
    presiding: Presiding = Presiding.NONE


def quorum_size(members: int) -> int:
    """The smallest attendance that makes a meeting competent: at least half of the members."""
    return (members + 1) // 2


def quorum(members: int, present: int) -> bool:
    """At least half of the members are present (a body without members never has a quorum)."""
    if members < 0 or present < 0:
        raise ValueError("Число членов и присутствующих не может быть отрицательным.")
    if present > members:
        raise ValueError(f"Присутствующих ({present}) больше, чем членов ({members}).")
    return members > 0 and 2 * present >= members


def presiding(chair_present: bool, deputy_present: bool) -> Presiding:
    if chair_present:
        return Presiding.CHAIR
    if deputy_present:
        return Presiding.DEPUTY
    return Presiding.NONE


def _check(
    members: int,
    present: int,
    votes_for: int,
    votes_against: int,
    abstained: int,
    chair_present: bool,
    deputy_present: bool,
    chair_vote: Choice | None,
) -> None:
    if min(members, present, votes_for, votes_against, abstained) < 0:
        raise ValueError("Число членов, присутствующих и голосов не может быть отрицательным.")
    if present > members:
        raise ValueError(f"Присутствующих ({present}) больше, чем членов ({members}).")
    cast = votes_for + votes_against + abstained
    if cast > present:
        raise ValueError(f"Голосов ({cast}) больше, чем присутствующих ({present}).")
    officers = int(chair_present) + int(deputy_present)
    if officers > present:
        raise ValueError("Председатель и заместитель отмечены присутствующими, но присутствующих меньше.")
    if chair_vote is not None:
        counted = {Choice.FOR: votes_for, Choice.AGAINST: votes_against, Choice.ABSTAINED: abstained}[Choice(chair_vote)]
        if counted < 1:
            raise ValueError("Голос председательствующего не учтён в итогах голосования.")


def _plural_members(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} члена"
    return f"{n} членов"


def outcome(
    body_kind: BodyKind | str,
    members: int,
    present: int,
    votes_for: int,
    votes_against: int,
    abstained: int,
    chair_present: bool,
    deputy_present: bool,
    chair_vote: Choice | str | None,
) -> VoteOutcome:
    """Whether a question is adopted, with the reason in Russian.

    `chair_vote` is the vote of the presiding officer (the chair, or the deputy when the chair is
    absent), None when they did not vote; it matters only for a council tie, where a presiding
    officer who did not vote casts no deciding vote. Invalid counts raise ValueError.
    """
    kind = BodyKind(body_kind)
    vote = Choice(chair_vote) if chair_vote not in (None, "") else None
    _check(members, present, votes_for, votes_against, abstained, chair_present, deputy_present, vote)
    chair = presiding(chair_present, deputy_present)
    need = quorum_size(members)
    if not quorum(members, present):
        return VoteOutcome(
            False,
            f"Нет кворума: присутствуют {present} из {members}, требуется не менее {need}.",
            has_quorum=False,
            presiding=chair,
        )
    tally = f"«за» {votes_for}, «против» {votes_against}, «воздержались» {abstained}"
    if kind is BodyKind.WORKING_GROUP:
        if 2 * votes_for > members:
            return VoteOutcome(
                True,
                f"Принято большинством от численного состава ({tally}; состав {members}).",
                has_quorum=True,
                presiding=chair,
            )
        return VoteOutcome(
            False,
            f"Не принято: «за» проголосовали {votes_for}, требуется более половины "
            f"численного состава ({votes_for} из {_plural_members(members)}).",
            has_quorum=True,
            presiding=chair,
        )
    if 2 * votes_for > present:
        return VoteOutcome(
            True, f"Принято большинством присутствующих ({tally}; присутствуют {present}).",
            has_quorum=True, presiding=chair,
        )
    if 2 * votes_for < present:
        return VoteOutcome(
            False,
            f"Не принято: «за» проголосовали {votes_for} из {present} присутствующих, требуется более половины.",
            has_quorum=True,
            presiding=chair,
        )
    # A tie: exactly half of those present voted for.
    if chair is Presiding.NONE:
        return VoteOutcome(
            False,
            f"Не принято: равенство голосов ({tally}), председатель и заместитель отсутствуют, "
            "решающего голоса нет.",
            has_quorum=True,
            presiding=chair,
        )
    who = "председателя" if chair is Presiding.CHAIR else "заместителя председателя (председательствующего)"
    if vote is None:
        nominative = "председатель" if chair is Presiding.CHAIR else "заместитель председателя"
        return VoteOutcome(
            False,
            f"Не принято: равенство голосов ({tally}), {nominative} не голосовал, решающего голоса нет.",
            has_quorum=True,
            presiding=chair,
        )
    if vote is Choice.FOR:
        return VoteOutcome(
            True, f"Принято: равенство голосов ({tally}), решающий голос {who} — «за».",
            has_quorum=True, casting_vote=True, presiding=chair,
        )
    shown = "«против»" if vote is Choice.AGAINST else "«воздержался»"
    return VoteOutcome(
        False, f"Не принято: равенство голосов ({tally}), решающий голос {who} — {shown}.",
        has_quorum=True, casting_vote=True, presiding=chair,
    )
