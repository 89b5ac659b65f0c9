"""Who may do what: the rule table every view, API endpoint, export, report and job asks.

Access follows the organisation tree: a membership in an organisation covers its sub-organisations,
and where a user holds several, the strongest role counts. Outside a user's organisations objects
do not exist for them (404); inside, a role that does not allow the action gets 403.

A funding officer holds no role in the applicants' organisations. They read, across all of them,
exactly the initiatives with an application to their funder that is past draft, and write nothing
but reviews of those applications.

This module holds the rules only. Each app scopes its own rows with them: `visible_to(user,
action)` on its querysets builds on `subtree_condition()` (and, for funding, on
`officer_applications()`), and the apps import this module, never the other way round.
"""

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Manager, Model, Q, QuerySet
from django.http import Http404

from organisations.models import Membership, Organisation, User

Role = Membership.Role

# Whoever asks: a signed-in person (`request.user`, an API token's person, a job's actor) or not.
AnyUser = User | AnonymousUser


# This module sits below the apps whose objects it judges, so it names only what it reads of them.
class GovernedInitiative(Protocol):
    """An initiative as the rules see it (`initiatives.models.Initiative`)."""

    @property
    def organisation(self) -> Organisation: ...
    @property
    def owner_id(self) -> int | None: ...
    @property
    def is_open(self) -> bool: ...
    @property
    def funding_applications(self) -> Manager[Any]: ...


class GovernedGateRequest(Protocol):
    """A gate request as the rules see it (`initiatives.models.GateRequest`)."""

    @property
    def requested_by_id(self) -> int | None: ...
    @property
    def initiative(self) -> GovernedInitiative: ...


class GovernedApplication(Protocol):
    """A funding application as the rules see it (`funding.models.FundingApplication`)."""

    _default_manager: ClassVar[Manager[Any]]

    @property
    def pk(self) -> Any: ...
    @property
    def initiative(self) -> GovernedInitiative: ...


class Action(StrEnum):
    VIEW = "view"  # read the initiative and everything in it
    EDIT = "edit"  # keep content, KPIs and measurements current
    DECIDE = "decide"  # pass gates, move back, stop: leaders only, never their own request
    REQUEST = "request"  # ask the leaders for a gate decision
    CREATE = "create"  # start a new initiative in an organisation
    APPLY = "apply"  # create, submit and withdraw the initiative's funding applications
    REVIEW = "review"  # a funding officer's comments and decisions on an application


ROLE_RANK: dict[str, int] = {Role.VIEWER: 1, Role.MEMBER: 2, Role.LEADER: 3}
ALLOWED = {
    Action.VIEW: {Role.VIEWER, Role.MEMBER, Role.LEADER},
    Action.EDIT: {Role.MEMBER, Role.LEADER},
    Action.DECIDE: {Role.LEADER},
    Action.REQUEST: {Role.MEMBER, Role.LEADER},
    Action.CREATE: {Role.MEMBER, Role.LEADER},
    Action.APPLY: {Role.LEADER},
    Action.REVIEW: set(),  # never through an organisation role: see officer_applications()
}

# The owner requests the gate decisions and applies for funding, so they must be able to write.
OWNER_ROLES = ALLOWED[Action.EDIT]


def _memberships(user: User) -> list[tuple[str, str]]:
    """(organisation path, role) pairs, loaded once per user object."""
    cached: list[tuple[str, str]] | None = getattr(user, "_policy_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).values_list("organisation__path", "role")
        )
        # A cache on the user object for the request's many questions, not a model field.
        user._policy_memberships = cached  # type: ignore[attr-defined]
    return cached


def _under(paths: Iterable[str], field: str) -> Q:
    """Rows whose organisation path (`field`) starts with one of `paths`; none when no paths."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def subtree_condition(
    user: AnyUser, action: Action = Action.VIEW, field: str = "organisation__path"
) -> Q:
    """The rows whose organisation lies in the subtree of a membership whose role allows `action`.

    `field` is the lookup path to that organisation's path, e.g. "organisation__path" on an
    initiative or "initiative__organisation__path" on a KPI. Administrators get every row, the
    anonymous none. Every app's `visible_to()` starts from this one condition.
    """
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    return _under((path for path, role in _memberships(user) if role in ALLOWED[action]), field)


def role_in(user: AnyUser, organisation: Organisation) -> str | None:
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
    return max(roles, key=ROLE_RANK.__getitem__, default=None)


def organisations_for(user: AnyUser, action: Action = Action.VIEW) -> QuerySet[Organisation]:
    """The organisations in which the user may do `action` (memberships and their subtrees)."""
    return Organisation.objects.filter(subtree_condition(user, action, field="path"))


def may_view_portfolio(user: AnyUser) -> bool:
    """Whether the user has a portfolio to look at: a role in some organisation (a funding
    officer without one sees applications, not the portfolio)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(role in ALLOWED[Action.VIEW] for _p, role in _memberships(user))


def may_own(user: AnyUser, organisation: Organisation) -> bool:
    """Whether the user can be the owner of an initiative of this organisation."""
    return role_in(user, organisation) in OWNER_ROLES


def can(user: AnyUser, action: Action, initiative: GovernedInitiative) -> bool:
    # A stopped or completed initiative is a record: it can be read, not changed.
    if action in (Action.EDIT, Action.DECIDE, Action.REQUEST) and not initiative.is_open:
        return False
    role = role_in(user, initiative.organisation)
    # Four eyes: an owner applies for funding, but decides at no gate unless they lead.
    if action == Action.APPLY and user.is_authenticated and initiative.owner_id == user.pk:
        return role in OWNER_ROLES
    if action == Action.VIEW and role is None and is_funding_officer(user):
        return officer_applications(user, initiative.funding_applications.all()).exists()
    return role in ALLOWED[action]


def may_decide_request(user: AnyUser, gate_request: GovernedGateRequest) -> bool:
    """A leader over the initiative decides a gate request, unless they made it themselves."""
    return gate_request.requested_by_id != user.pk and can(
        user, Action.DECIDE, gate_request.initiative
    )


def may_change_owner(user: AnyUser, initiative: GovernedInitiative) -> bool:
    """Only leaders name or change an initiative's owner; nobody makes themselves one."""
    return role_in(user, initiative.organisation) == Role.LEADER


def authorize[I: GovernedInitiative](
    user: AnyUser, initiative: I, needs: Action = Action.VIEW
) -> I:
    """Raise 404 when the user may not see the initiative, 403 when they may not do `needs`."""
    if not can(user, Action.VIEW, initiative):
        raise Http404
    if needs != Action.VIEW and not can(user, needs, initiative):
        raise PermissionDenied
    return initiative


def get_or_404[M: Model](queryset: QuerySet[M], pk: Any) -> M:
    """The row of `queryset` with this primary key; a missing or malformed one is not found."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Funding ---------------------------------------------------------------------------------------


def _officer_paths(user: AnyUser) -> list[str]:
    if not user.is_authenticated:
        return []
    return [path for path, role in _memberships(user) if role == Role.FUNDING_OFFICER]


def is_funding_officer(user: AnyUser) -> bool:
    return bool(_officer_paths(user))


def lands_on_funding(user: AnyUser) -> bool:
    """A funding officer with no role in any applicant organisation starts at the funding
    workspace; one who also works in an organisation starts at their own work."""
    if not is_funding_officer(user) or user.is_superuser:
        return False
    return not any(role in ROLE_RANK for _, role in _memberships(user))  # type: ignore[arg-type]


# Any application model: the rule reads its `State` from the queryset's own model (see below).
def officer_applications(user: AnyUser, applications: QuerySet[Any]) -> QuerySet[Any]:
    """The officer rule: of these funding applications, the ones the user reads and reviews as a
    funding officer — past draft, to a call of a funder where they are an officer.

    Administrators get every one past draft. The draft state is read from the applications' own
    model (`FundingApplication.State`), so this module needs no import of the funding app.
    """
    submitted = applications.exclude(state=applications.model.State.DRAFT)
    if user.is_authenticated and user.is_superuser:
        return submitted
    paths = _officer_paths(user)
    if not paths:
        return applications.none()
    return submitted.filter(_under(paths, "call__funder__path"))


def can_review(user: AnyUser, application: GovernedApplication) -> bool:
    same = type(application)._default_manager.filter(pk=application.pk)
    return officer_applications(user, same).exists()


def can_on_application(user: AnyUser, action: Action, application: GovernedApplication) -> bool:
    """VIEW: the applicant's organisation, or an officer of the funder once it is submitted;
    APPLY: the initiative's owner or a leader; REVIEW: the funder's officers."""
    if action == Action.REVIEW:
        return can_review(user, application)
    if action == Action.VIEW:
        in_organisation = role_in(user, application.initiative.organisation) is not None
        return in_organisation or can_review(user, application)
    return can(user, action, application.initiative)


def authorize_application[A: GovernedApplication](
    user: AnyUser, application: A, needs: Action = Action.VIEW
) -> A:
    """Raise 404 when the user may not see the application, 403 when they may not do `needs`."""
    if not can_on_application(user, Action.VIEW, application):
        raise Http404
    if needs != Action.VIEW and not can_on_application(user, needs, application):
        raise PermissionDenied
    return application


def may_decide_access_request(user: AnyUser, access_request: Any) -> bool:
    """Leaders of the organisation (or of one above it) approve or decline who joins it, and
    with which role (accounts.access, issue 16); nobody decides their own request."""
    if access_request.user_id == user.pk:
        return False
    return role_in(user, access_request.organisation) == Role.LEADER
