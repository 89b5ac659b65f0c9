from django.contrib import admin

from funding.models import (
    Commitment,
    CommittedBenefit,
    CommittedKPI,
    FundingApplication,
    FundingCall,
    ReviewComment,
)


@admin.register(FundingCall)
class FundingCallAdmin(admin.ModelAdmin):
    list_display = ["name", "funder", "opens_on", "closes_on", "budget"]
    list_filter = ["funder"]


@admin.register(FundingApplication)
class FundingApplicationAdmin(admin.ModelAdmin):
    list_display = ["initiative", "call", "amount_requested", "state", "submitted_at"]
    list_filter = ["state", "call"]
    # The state moves only through the model's transitions, which freeze the commitment.
    readonly_fields = ["state", "submitted_at", "decided_at", "decided_by"]
    raw_id_fields = ["initiative", "created_by"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """A commitment is a record of what was promised: shown, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CommittedKPIInline(admin.TabularInline):
    model = CommittedKPI
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommittedBenefitInline(CommittedKPIInline):
    model = CommittedBenefit


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["initiative_title", "application", "amount_requested", "frozen_at"]
    inlines = [CommittedKPIInline, CommittedBenefitInline]


@admin.register(CommittedKPI)
class CommittedKPIAdmin(ReadOnlyAdmin):
    list_display = ["name", "commitment", "baseline_value", "target_value", "target_date"]


@admin.register(CommittedBenefit)
class CommittedBenefitAdmin(ReadOnlyAdmin):
    list_display = ["description", "commitment", "quantity", "unit", "expected_date"]


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnlyAdmin):
    list_display = ["application", "author", "decision", "created_at"]
