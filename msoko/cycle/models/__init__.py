"""Models of the management cycle app, one module per area."""

from msoko.cycle.models.council import AgendaItem, Attendance, Body, Meeting, Membership, MemberVote, Vote
from msoko.cycle.models.decisions import Decision
from msoko.cycle.models.documents import CycleDocument
from msoko.cycle.models.effectiveness import CycleGoalDraft, EffectivenessAnalysis
from msoko.cycle.models.recommendations import (
    AddresseeLevel,
    FindingKind,
    Practice,
    Recommendation,
    RecommendationRule,
)
from msoko.cycle.models.roadmap import Deadline, Measure, Recurrence, Roadmap

__all__ = [
    "AddresseeLevel",
    "AgendaItem",
    "Attendance",
    "Body",
    "CycleDocument",
    "CycleGoalDraft",
    "Deadline",
    "Decision",
    "EffectivenessAnalysis",
    "FindingKind",
    "Measure",
    "Meeting",
    "MemberVote",
    "Membership",
    "Practice",
    "Recommendation",
    "RecommendationRule",
    "Recurrence",
    "Roadmap",
    "Vote",
]
