"""On a tablet in a meeting room (768 px wide) no page is wider than the screen: wide tables
scroll inside their own box."""

import pytest
from django.db.models import Count
from playwright.sync_api import Page, expect

from initiatives.models import Initiative


def widest_initiatives() -> list[int]:
    """One initiative in each phase, the one with the most rows in its workspace tables."""
    initiatives = Initiative.objects.annotate(
        rows=Count("steps", distinct=True) + Count("benefits", distinct=True)
    ).order_by("phase", "-rows")
    seen, picked = set(), []
    for initiative in initiatives:
        if initiative.phase not in seen:
            seen.add(initiative.phase)
            picked.append(initiative.pk)
    return picked


@pytest.fixture
def tablet(page: Page, login) -> Page:
    page.set_viewport_size({"width": 768, "height": 1024})
    login(page, "leader")
    return page


def test_no_page_is_wider_than_a_tablet(tablet: Page, server_url):
    paths = [
        "/initiatives/",
        "/initiatives/portfolio/",
        "/notifications/",
        *[f"/initiatives/{pk}/" for pk in widest_initiatives()],
        *[f"/initiatives/{pk}/history/" for pk in widest_initiatives()[:1]],
    ]
    too_wide = {}
    for path in paths:
        tablet.goto(f"{server_url}{path}")
        expect(tablet.locator("main h1")).to_be_visible()
        width = tablet.evaluate("document.documentElement.scrollWidth")
        if width > 768:
            too_wide[path] = width
    assert not too_wide, f"wider than 768 px: {too_wide}"
