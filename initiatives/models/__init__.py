"""Initiatives and the content of their five phases, one module per phase."""

from initiatives.models.core import (
    GateDecision,
    GateError,
    GateRequest,
    Initiative,
    Phase,
    State,
    normalise_tags,
)
from initiatives.models.execution import Review, ReviewAction, ReviewDecision, ReviewKPISnapshot
from initiatives.models.planning import (
    Benefit,
    BenefitKind,
    BenefitUnit,
    RealisedBenefit,
    Reallocation,
    ValueStreamStep,
    ValueStreamVersion,
)
from initiatives.models.prerequisites import (
    CommonPrinciple,
    Competence,
    Dataset,
    Responsibility,
)
from initiatives.models.snapshots import PortfolioSnapshot
from initiatives.models.spend import BudgetYear, MonthlySpend

__all__ = [
    "Benefit",
    "BenefitKind",
    "BenefitUnit",
    "BudgetYear",
    "CommonPrinciple",
    "Competence",
    "Dataset",
    "GateDecision",
    "GateError",
    "GateRequest",
    "Initiative",
    "MonthlySpend",
    "Phase",
    "PortfolioSnapshot",
    "RealisedBenefit",
    "Reallocation",
    "Responsibility",
    "Review",
    "ReviewAction",
    "ReviewDecision",
    "ReviewKPISnapshot",
    "State",
    "ValueStreamStep",
    "ValueStreamVersion",
    "normalise_tags",
]
