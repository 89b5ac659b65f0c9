from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import security
from accounts.models import SecurityEvent
from api.models import APIToken


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (the only time it is shown)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scope", choices=APIToken.Scope.values, default=APIToken.Scope.READ)
        parser.add_argument("--name", default="Created from the command line")
        parser.add_argument(
            "--days", type=int, default=None, help="how long it works (API_TOKEN_DEFAULT_DAYS)"
        )

    def handle(self, *args, username, scope, name, days=None, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user {username!r}.") from None
        if days is not None and not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
            raise CommandError(f"--days must be 1-{settings.API_TOKEN_MAX_DAYS}.")
        token, secret = APIToken.issue(user, name[:100], scope, days=days)
        security.record(
            SecurityEvent.Kind.TOKEN_CREATED,
            user,
            actor=None,
            details={"token": token.prefix, "name": token.name, "by": "command"},
        )
        # Scripts read the last line: nothing else is printed.
        self.stdout.write(secret)
