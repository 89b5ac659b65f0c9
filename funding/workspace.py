"""The funding officer's workspace: the portfolio of what their funder received and granted."""

from funding.models import FundingApplication


def officer_portfolio(user):
    """The applications the user reviews as a funding officer (the officer rule in policy)."""
    return (
        FundingApplication.objects.reviewable_by(user)
        .select_related("initiative__organisation", "call")
        .order_by("-submitted_at", "-id")
    )
