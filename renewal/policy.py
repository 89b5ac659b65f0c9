"""Who may do what: the one place every view, API endpoint, export, report and job asks.

Access follows the organisation tree: a membership in an organisation covers its sub-organisations,
and where a user holds several, the strongest role counts. Outside a user's organisations objects
do not exist for them (404); inside, a role that does not allow the action gets 403.

A funding officer holds no role in the applicants' organisations. They read, across all of them,
exactly the initiatives with an application to their funder that is past draft, and write nothing
but reviews of those applications.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from organisations.models import Membership, Organisation

Role = Membership.Role


class Action(StrEnum):
    VIEW = "view"  # read the initiative and everything in it
    EDIT = "edit"  # keep content, KPIs and measurements current
    DECIDE = "decide"  # pass gates, move back, stop: leaders only, never their own request
    REQUEST = "request"  # ask the leaders for a gate decision
    CREATE = "create"  # start a new initiative in an organisation
    APPLY = "apply"  # create, submit and withdraw the initiative's funding applications
    REVIEW = "review"  # a funding officer's comments and decisions on an application


ROLE_RANK = {Role.VIEWER: 1, Role.MEMBER: 2, Role.LEADER: 3}
ALLOWED = {
    Action.VIEW: {Role.VIEWER, Role.MEMBER, Role.LEADER},
    Action.EDIT: {Role.MEMBER, Role.LEADER},
    Action.DECIDE: {Role.LEADER},
    Action.REQUEST: {Role.MEMBER, Role.LEADER},
    Action.CREATE: {Role.MEMBER, Role.LEADER},
    Action.APPLY: {Role.LEADER},
    Action.REVIEW: set(),  # never through an organisation role: see can_review()
}


def _memberships(user) -> list[tuple[str, str]]:
    """(organisation path, role) pairs, loaded once per user object."""
    if not hasattr(user, "_policy_memberships"):
        user._policy_memberships = list(
            Membership.objects.filter(user=user).values_list("organisation__path", "role")
        )
    return user._policy_memberships


# The owner requests the gate decisions and applies for funding, so they must be able to write.
OWNER_ROLES = ALLOWED[Action.EDIT]


def may_own(user, organisation: Organisation) -> bool:
    """Whether the user can be the owner of an initiative of this organisation."""
    return role_in(user, organisation) in OWNER_ROLES


def role_in(user, organisation: Organisation) -> str | None:
    """The strongest organisation role the user holds over this organisation, if any."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.LEADER
    roles = [
        role
        for path, role in _memberships(user)
        if role in ROLE_RANK and organisation.path.startswith(path)
    ]
    return max(roles, key=ROLE_RANK.get, default=None)


def organisations_for(user, action: Action = Action.VIEW) -> QuerySet:
    """The organisations in which the user may do `action` (memberships and their subtrees)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    paths = [path for path, role in _memberships(user) if role in ALLOWED[action]]
    if not paths:
        return Organisation.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Organisation.objects.filter(condition)


def initiatives_for(user, action: Action = Action.VIEW) -> QuerySet:
    from initiatives.models import Initiative

    if not user.is_authenticated:
        return Initiative.objects.none()
    if user.is_superuser:
        return Initiative.objects.all()
    paths = [path for path, role in _memberships(user) if role in ALLOWED[action]]
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(organisation__path__startswith=path)
    if action == Action.VIEW and _officer_paths(user):
        condition |= Q(pk__in=reviewable_applications(user).values("initiative_id"))
    return Initiative.objects.filter(condition)


def kpis_for(user, action: Action = Action.VIEW) -> QuerySet:
    """The KPIs of the initiatives in which the user may do `action`."""
    from metrics.models import KPI

    return KPI.objects.filter(initiative__in=initiatives_for(user, action))


def can(user, action: Action, initiative) -> bool:
    # A stopped or completed initiative is a record: it can be read, not changed.
    if action in (Action.EDIT, Action.DECIDE, Action.REQUEST) and not initiative.is_open:
        return False
    role = role_in(user, initiative.organisation)
    # Four eyes: an owner applies for funding, but decides at no gate unless they lead.
    if action == Action.APPLY and user.is_authenticated and initiative.owner_id == user.pk:
        return role in OWNER_ROLES
    if action == Action.VIEW and role is None and _officer_paths(user):
        return reviewable_applications(user).filter(initiative=initiative).exists()
    return role in ALLOWED[action]


def may_decide_request(user, gate_request) -> bool:
    """A leader over the initiative decides a gate request, unless they made it themselves."""
    return gate_request.requested_by_id != user.pk and can(
        user, Action.DECIDE, gate_request.initiative
    )


def may_change_owner(user, initiative) -> bool:
    """Only leaders name or change an initiative's owner; nobody makes themselves one."""
    return role_in(user, initiative.organisation) == Role.LEADER


def authorize(user, initiative, needs: Action = Action.VIEW):
    """Raise 404 when the user may not see the initiative, 403 when they may not do `needs`."""
    if not can(user, Action.VIEW, initiative):
        raise Http404
    if needs != Action.VIEW and not can(user, needs, initiative):
        raise PermissionDenied
    return initiative


def get_initiative(user, pk, needs: Action = Action.VIEW):
    """The initiative if the user may see it (else 404) and may do `needs` to it (else 403)."""
    from initiatives.models import Initiative

    try:
        initiative = Initiative.objects.select_related("organisation", "owner").get(pk=pk)
    except (Initiative.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return authorize(user, initiative, needs)


def get_kpi(user, pk, needs: Action = Action.VIEW):
    """A KPI, checked through its initiative's permissions."""
    from metrics.models import KPI

    try:
        kpi = KPI.objects.select_related("initiative__organisation", "owner").get(pk=pk)
    except (KPI.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    authorize(user, kpi.initiative, needs)
    return kpi


# Funding ---------------------------------------------------------------------------------------


def _officer_paths(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return [path for path, role in _memberships(user) if role == Role.FUNDING_OFFICER]


def is_funding_officer(user) -> bool:
    return bool(_officer_paths(user))


def reviewable_applications(user) -> QuerySet:
    """Applications past draft to the calls of the funders where the user is a funding officer."""
    from funding.models import ApplicationState, FundingApplication

    if user.is_authenticated and user.is_superuser:
        return FundingApplication.objects.exclude(state=ApplicationState.DRAFT)
    paths = _officer_paths(user)
    if not paths:
        return FundingApplication.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(call__funder__path__startswith=path)
    return FundingApplication.objects.exclude(state=ApplicationState.DRAFT).filter(condition)


def applications_for(user) -> QuerySet:
    """Every application the user may read: their organisations' (drafts too) and those to review."""
    from funding.models import FundingApplication

    own = FundingApplication.objects.filter(initiative__in=_member_initiatives(user))
    return own | reviewable_applications(user)


def api_tokens_for(user) -> QuerySet:
    """A person's own API tokens: only they list and revoke them, administrators included."""
    from api.models import APIToken

    if not user.is_authenticated:
        return APIToken.objects.none()
    return APIToken.objects.filter(user=user)


def notifications_for(user) -> QuerySet:
    """A person's own reminders: nobody, administrators included, reads another's in the app."""
    from notifications.models import Notification

    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def _member_initiatives(user) -> QuerySet:
    from initiatives.models import Initiative

    if not user.is_authenticated:
        return Initiative.objects.none()
    if user.is_superuser:
        return Initiative.objects.all()
    condition = Q(pk__in=[])
    for path, role in _memberships(user):
        if role in ALLOWED[Action.VIEW]:
            condition |= Q(organisation__path__startswith=path)
    return Initiative.objects.filter(condition)


def can_review(user, application) -> bool:
    return reviewable_applications(user).filter(pk=application.pk).exists()


def can_on_application(user, action: Action, application) -> bool:
    """VIEW: the applicant's organisation, or an officer of the funder once it is submitted;
    APPLY: the initiative's owner or a leader; REVIEW: the funder's officers."""
    if action == Action.REVIEW:
        return can_review(user, application)
    if action == Action.VIEW:
        in_organisation = role_in(user, application.initiative.organisation) is not None
        return in_organisation or can_review(user, application)
    return can(user, action, application.initiative)


def get_application(user, pk, needs: Action = Action.VIEW):
    """The funding application if the user may see it (else 404) and do `needs` (else 403)."""
    from funding.models import FundingApplication

    try:
        application = FundingApplication.objects.select_related(
            "initiative__organisation", "initiative__owner", "call__funder"
        ).get(pk=pk)
    except (FundingApplication.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_on_application(user, Action.VIEW, application):
        raise Http404
    if needs != Action.VIEW and not can_on_application(user, needs, application):
        raise PermissionDenied
    return application
