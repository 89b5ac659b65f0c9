"""My work: the page each person lands on after signing in."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from initiatives.my_work import build_my_work
from renewal import policy


def my_work(request: HttpRequest) -> HttpResponse:
    # An officer with no role in any organisation has nothing here: their work is the funder's.
    if policy.lands_on_funding(request.user):
        return redirect("funding:workspace")
    return render(request, "initiatives/my_work.html", {"work": build_my_work(request.user)})
