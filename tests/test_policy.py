"""Who may see and do what: the organisation tree, roles, owners, officers and administrators."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from initiatives.models import Initiative
from metrics.models import KPI
from notifications.models import Kind, Notification
from organisations.models import Membership, Organisation
from renewal import policy
from renewal.policy import Action

Role = Membership.Role


@pytest.fixture
def ministry_initiative(make_initiative, ministry, leader):
    return make_initiative(ministry, leader, title="Ministry-wide benefits tracking")


@pytest.fixture
def agency_b_initiative(make_initiative, agency_b, leader):
    return make_initiative(agency_b, leader, title="Online trade register notifications")


@pytest.fixture
def city_initiative(make_initiative, municipality, outsider):
    return make_initiative(municipality, outsider, title="Home care route optimisation")


def test_leader_of_the_ministry_sees_initiatives_of_its_agencies(
    leader, initiative, agency_b_initiative, ministry_initiative, city_initiative
):
    visible = set(Initiative.objects.visible_to(leader))

    assert visible == {initiative, agency_b_initiative, ministry_initiative}
    assert policy.role_in(leader, initiative.organisation) == Role.LEADER


def test_member_of_an_agency_does_not_see_its_parent_or_sibling(
    member, initiative, agency_b_initiative, ministry_initiative
):
    assert set(Initiative.objects.visible_to(member)) == {initiative}
    with pytest.raises(Http404):
        Initiative.objects.get_for(member, ministry_initiative.pk)
    with pytest.raises(Http404):
        Initiative.objects.get_for(member, agency_b_initiative.pk)


def test_outsider_does_not_see_another_organisations_initiative(outsider, initiative):
    assert initiative not in Initiative.objects.visible_to(outsider)
    assert not policy.can(outsider, Action.VIEW, initiative)
    with pytest.raises(Http404):
        Initiative.objects.get_for(outsider, initiative.pk)


def test_sub_organisation_access_follows_the_tree_when_an_agency_moves(
    leader, member, initiative, municipality
):
    agency = initiative.organisation
    agency.parent = municipality
    agency.save()

    assert initiative not in Initiative.objects.visible_to(leader)
    assert initiative in Initiative.objects.visible_to(member)


def test_strongest_role_wins_when_a_user_holds_several(viewer, agency_a, initiative):
    # Viewer of the whole ministry and, on top of that, a product team member in agency A.
    Membership.objects.create(user=viewer, organisation=agency_a, role=Role.MEMBER)

    assert policy.role_in(viewer, agency_a) == Role.MEMBER
    assert policy.can(viewer, Action.EDIT, initiative)
    assert not policy.can(viewer, Action.DECIDE, initiative)


def test_weaker_role_lower_in_the_tree_does_not_weaken_a_leader(leader, agency_a, initiative):
    Membership.objects.create(user=leader, organisation=agency_a, role=Role.VIEWER)

    assert policy.role_in(leader, agency_a) == Role.LEADER
    assert policy.can(leader, Action.DECIDE, initiative)


def test_stronger_role_in_one_agency_does_not_reach_its_sibling(
    viewer, agency_a, agency_b_initiative
):
    Membership.objects.create(user=viewer, organisation=agency_a, role=Role.MEMBER)

    assert policy.can(viewer, Action.VIEW, agency_b_initiative)
    with pytest.raises(PermissionDenied):
        Initiative.objects.get_for(viewer, agency_b_initiative.pk, Action.EDIT)


def test_member_may_edit_but_not_decide(member, initiative):
    assert policy.can(member, Action.EDIT, initiative)
    assert not policy.can(member, Action.DECIDE, initiative)
    with pytest.raises(PermissionDenied):
        Initiative.objects.get_for(member, initiative.pk, Action.DECIDE)


def test_an_owner_who_is_a_member_requests_but_never_decides(make_initiative, agency_a, member):
    owned = make_initiative(agency_a, member, title="Permit guidance chatbot")

    assert policy.can(member, Action.REQUEST, owned)
    assert policy.can(member, Action.APPLY, owned)
    assert not policy.can(member, Action.DECIDE, owned)
    with pytest.raises(PermissionDenied):
        Initiative.objects.get_for(member, owned.pk, Action.DECIDE)


def test_a_viewer_may_not_request_a_gate_decision(viewer, initiative):
    assert not policy.can(viewer, Action.REQUEST, initiative)


def test_owner_without_a_role_in_the_organisation_may_not_decide(
    make_initiative, agency_a, outsider
):
    owned = make_initiative(agency_a, outsider, title="Permit guidance chatbot")

    assert not policy.can(outsider, Action.DECIDE, owned)
    with pytest.raises(Http404):
        Initiative.objects.get_for(outsider, owned.pk, Action.DECIDE)


def test_a_viewer_named_owner_still_may_not_decide_or_apply(make_initiative, agency_a, viewer):
    # The viewer holds the ministry's viewer role, so they see the agency's initiative.
    owned = make_initiative(agency_a, viewer, title="Permit guidance chatbot")

    assert policy.can(viewer, Action.VIEW, owned)
    assert not policy.can(viewer, Action.DECIDE, owned)
    assert not policy.can(viewer, Action.APPLY, owned)
    with pytest.raises(PermissionDenied):
        Initiative.objects.get_for(viewer, owned.pk, Action.DECIDE)


def test_viewer_may_read_but_not_edit(viewer, initiative):
    assert Initiative.objects.get_for(viewer, initiative.pk) == initiative
    assert not policy.can(viewer, Action.EDIT, initiative)
    with pytest.raises(PermissionDenied):
        Initiative.objects.get_for(viewer, initiative.pk, Action.EDIT)


def test_viewer_may_not_create_initiatives(viewer):
    assert not policy.organisations_for(viewer, Action.CREATE).exists()


def test_member_may_create_initiatives_only_in_their_own_subtree(member, agency_a):
    assert list(policy.organisations_for(member, Action.CREATE)) == [agency_a]


def test_officer_sees_no_initiatives_while_there_is_no_funding(
    officer, initiative, city_initiative
):
    assert not Initiative.objects.visible_to(officer).exists()
    assert not policy.organisations_for(officer).exists()
    with pytest.raises(Http404):
        Initiative.objects.get_for(officer, initiative.pk)


def test_superuser_sees_and_decides_everything(superuser, initiative, city_initiative):
    assert set(Initiative.objects.visible_to(superuser)) == {initiative, city_initiative}
    assert policy.can(superuser, Action.DECIDE, city_initiative)
    assert Initiative.objects.get_for(superuser, initiative.pk, Action.DECIDE) == initiative


def test_anonymous_user_sees_nothing(initiative):
    anonymous = AnonymousUser()

    assert not Initiative.objects.visible_to(anonymous).exists()
    with pytest.raises(Http404):
        Initiative.objects.get_for(anonymous, initiative.pk)


def test_kpi_is_checked_through_its_initiative(kpi, member, viewer, outsider):
    assert KPI.objects.get_for(member, kpi.pk, Action.EDIT) == kpi
    with pytest.raises(PermissionDenied):
        KPI.objects.get_for(viewer, kpi.pk, Action.EDIT)
    with pytest.raises(Http404):
        KPI.objects.get_for(outsider, kpi.pk)


def test_a_missing_or_malformed_id_is_not_found(leader):
    with pytest.raises(Http404):
        Initiative.objects.get_for(leader, 999_999)
    with pytest.raises(Http404):
        Initiative.objects.get_for(leader, "not-a-number")


# The tree, kept by administrators -----------------------------------------------------------------


def test_administrator_creates_a_top_level_organisation_in_the_admin(superuser_client):
    response = superuser_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Wellbeing Services County of Päijät-Häme",
            "kind": "wellbeing_county",
            "time_zone": "Europe/Helsinki",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    county = Organisation.objects.get(name="Wellbeing Services County of Päijät-Häme")
    assert county.parent is None
    assert county.path == f"/{county.pk}/"


def test_administrator_cannot_put_an_organisation_inside_its_own_subtree(
    superuser_client, ministry, agency_a
):
    response = superuser_client.post(
        reverse("admin:organisations_organisation_change", args=[ministry.pk]),
        {
            "name": ministry.name,
            "kind": ministry.kind,
            "parent": agency_a.pk,
            "time_zone": "Europe/Helsinki",
            "_save": "Save",
        },
    )

    assertContains(response, "An organisation cannot be inside itself.")
    ministry.refresh_from_db()
    assert ministry.parent is None


def test_notifications_are_only_ever_the_recipients_own(leader, member, superuser):
    mine = Notification.objects.create(
        recipient=member,
        kind=Kind.WEEKLY_REVIEW,
        subject="initiative:1",
        period="2026-11-24",
        url="/",
        created_at=timezone.now(),
    )

    assert list(Notification.objects.for_recipient(member)) == [mine]
    assert not Notification.objects.for_recipient(leader).exists()
    assert not Notification.objects.for_recipient(superuser).exists()
    assert not Notification.objects.for_recipient(AnonymousUser()).exists()


# The rule table, answered without the database ---------------------------------------------------


class _Person:
    """A signed-in user whose memberships are given, as policy caches them: no query needed."""

    is_authenticated = True
    is_superuser = False

    def __init__(self, pk, memberships):
        self.pk = pk
        self._policy_memberships = memberships


def _initiative(owner_id=99, is_open=True):
    # An agency (/1/2/) under the ministry (/1/); the sibling agency is /1/3/.
    return SimpleNamespace(
        organisation=SimpleNamespace(path="/1/2/"), owner_id=owner_id, is_open=is_open
    )


# What each role may do to an open initiative of its organisation's subtree, as it always was.
RULE_TABLE = {
    Action.VIEW: {Role.VIEWER, Role.MEMBER, Role.LEADER},
    Action.EDIT: {Role.MEMBER, Role.LEADER},
    Action.DECIDE: {Role.LEADER},
    Action.REQUEST: {Role.MEMBER, Role.LEADER},
    Action.CREATE: {Role.MEMBER, Role.LEADER},
    Action.APPLY: {Role.LEADER},
    Action.REVIEW: set(),
}


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", [Role.VIEWER, Role.MEMBER, Role.LEADER])
def test_the_rule_table_answers_as_it_always_has(role, action):
    above = _Person(1, [("/1/", role)])
    sibling = _Person(2, [("/1/3/", role)])

    assert policy.can(above, action, _initiative()) == (role in RULE_TABLE[action])
    assert not policy.can(sibling, action, _initiative())
    assert policy.ALLOWED == RULE_TABLE


@pytest.mark.parametrize("action", [Action.EDIT, Action.DECIDE, Action.REQUEST])
def test_a_closed_initiative_is_read_but_never_changed(action):
    leader = _Person(1, [("/1/", Role.LEADER)])

    assert policy.can(leader, Action.VIEW, _initiative(is_open=False))
    assert not policy.can(leader, action, _initiative(is_open=False))


@pytest.mark.parametrize(
    ("role", "applies"), [(Role.MEMBER, True), (Role.LEADER, True), (Role.VIEWER, False)]
)
def test_an_owner_applies_for_funding_only_with_a_role_that_writes(role, applies):
    owner = _Person(7, [("/1/2/", role)])

    assert policy.can(owner, Action.APPLY, _initiative(owner_id=7)) is applies
    assert policy.can(owner, Action.DECIDE, _initiative(owner_id=7)) is (role == Role.LEADER)


def test_the_strongest_role_over_an_organisation_counts():
    person = _Person(1, [("/1/", Role.VIEWER), ("/1/2/", Role.LEADER), ("/1/3/", Role.MEMBER)])

    assert policy.role_in(person, SimpleNamespace(path="/1/2/5/")) == Role.LEADER
    assert policy.role_in(person, SimpleNamespace(path="/1/3/")) == Role.MEMBER
    assert policy.role_in(person, SimpleNamespace(path="/1/")) == Role.VIEWER
    assert policy.role_in(person, SimpleNamespace(path="/4/")) is None
    assert policy.role_in(AnonymousUser(), SimpleNamespace(path="/1/")) is None


def test_an_officer_holds_no_organisation_role():
    officer = _Person(1, [("/9/", Role.FUNDING_OFFICER)])

    assert policy.is_funding_officer(officer)
    assert policy.role_in(officer, SimpleNamespace(path="/9/")) is None
    for action in set(Action) - {Action.VIEW}:
        assert not policy.can(officer, action, _initiative())


def test_the_subtree_condition_covers_the_roles_that_allow_the_action(
    leader, member, viewer, initiative, kpi
):
    assert list(Initiative.objects.filter(policy.subtree_condition(member, Action.EDIT))) == [
        initiative
    ]
    assert not Initiative.objects.filter(policy.subtree_condition(viewer, Action.EDIT)).exists()
    assert list(KPI.objects.visible_to(viewer)) == [kpi]
    assert not KPI.objects.visible_to(viewer, Action.EDIT).exists()
    assert not Initiative.objects.filter(policy.subtree_condition(AnonymousUser())).exists()
