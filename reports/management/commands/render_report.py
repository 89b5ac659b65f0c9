"""python manage.py render_report KIND ID --out FILE.pdf: the same PDFs as the web, from a shell."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from funding.models import FundingApplication
from initiatives.models import Initiative
from organisations.models import Organisation
from reports import render


class System:
    """The operator at the shell reads everything, as an administrator would."""

    is_authenticated = True
    is_superuser = True
    pk = None


class Command(BaseCommand):
    help = (
        "Render a report to PDF: KIND is application, initiative or portfolio (ID: organisation)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["application", "initiative", "portfolio"])
        parser.add_argument("id", type=int)
        parser.add_argument("--out", required=True, help="The PDF file to write.")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)
        parser.add_argument("--user", help="Render as this user, with their access (username).")

    def handle(self, *args, kind, id, out, language, user, **options):
        reader = System()
        if user:
            reader = get_user_model().objects.filter(username=user).first()
            if reader is None:
                raise CommandError(f"No user {user!r}.")
        try:
            if kind == "application":
                pdf = render.application_pdf(
                    FundingApplication.objects.get_for(reader, id), language
                )
            elif kind == "initiative":
                pdf = render.initiative_pdf(
                    Initiative.objects.get_for(reader, id), reader, language
                )
            else:
                organisation = Organisation.objects.get(pk=id)
                pdf = render.portfolio_pdf(reader, organisation, language)
        except (Http404, Organisation.DoesNotExist) as error:
            raise CommandError(f"No {kind} {id} (or not visible to this user).") from error
        Path(out).write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(f"Wrote {out} ({len(pdf):,} bytes)."))
