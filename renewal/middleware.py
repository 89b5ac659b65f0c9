from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from renewal import audit


class HtmxVaryMiddleware:
    """Pages answer htmx requests with a fragment, so caches must key on the HX-Request header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        return response


class AuditActorMiddleware:
    """Every write during a request is attributed to the signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        with audit.acting_as(user):
            return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's saved language applies until they pick another in this browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        chosen_here = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if user.is_authenticated and user.language and not chosen_here:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
