from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.models import APIToken


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (the only time it is shown)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scope", choices=APIToken.Scope.values, default=APIToken.Scope.READ)
        parser.add_argument("--name", default="Created from the command line")

    def handle(self, *args, username, scope, name, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user {username!r}.") from None
        _token, secret = APIToken.issue(user, name[:100], scope)
        # Scripts read the last line: nothing else is printed.
        self.stdout.write(secret)
