from allauth.account.decorators import reauthentication_required
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from organisations.models import Membership, Organisation, User


class ReauthenticatedChanges:
    """Saving a change to someone's roles asks for the administrator's password (or second
    factor) again unless they just gave it (README "Accounts": re-authentication)."""

    def changeform_view(self, request, *args, **kwargs):
        view = reauthentication_required(super().changeform_view, allow_get=True)
        return view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        view = reauthentication_required(super().delete_view, allow_get=True)
        return view(request, *args, **kwargs)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(ReauthenticatedChanges, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Preferences"), {"fields": ["language"]}))
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "time_zone"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(Membership)
class MembershipAdmin(ReauthenticatedChanges, admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
