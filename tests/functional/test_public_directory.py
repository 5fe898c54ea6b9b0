"""The public directory in a real headless Chromium: search, « près de moi » (the position given
only after a click), the map drawn by the app's own scripts under the Content-Security-Policy,
and an axe audit of each page (RGAA)."""

import os

import pytest

from tests.factories import LabelledPlaceFactory, OpeningIntervalFactory, commune
from tests.functional.test_shell_accessibility import page, serious_violations  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Chromium absent"),
]


def test_a_visitor_finds_a_place_near_them(live_server, page):  # noqa: F811
    ambert = LabelledPlaceFactory(
        name="France services d'Ambert",
        commune=commune("63003"),
        postal_code="63600",
        latitude="45.549",
        longitude="3.741",
    )
    OpeningIntervalFactory(place=ambert, weekday=0, start_minute=540, end_minute=720)
    LabelledPlaceFactory(
        name="France services de Thiers",
        commune=commune("63430"),
        latitude="45.856",
        longitude="3.547",
    )

    page.goto(f"{live_server.url}/")
    assert serious_violations(page) == []
    page.get_by_label("Commune, code postal ou département").fill("Ambert")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/annuaire/?q=Ambert*")
    assert "près de Ambert" in page.get_by_role("heading", level=2).first.inner_text()
    page.wait_for_selector(".leaflet-marker-icon, .marker-cluster")
    assert serious_violations(page) == []

    # « Près de moi »: the browser is asked for the position only now, on the click.
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 45.8512, "longitude": 3.5468})
    page.get_by_role("button", name="Près de moi").click()
    page.wait_for_url("**lat=45.851&lon=3.547*")
    first = page.locator("[data-result]").first
    assert "France services de Thiers" in first.inner_text()
    assert "À 560 m" in first.inner_text()  # rounded to 100 m by the page, then measured

    page.get_by_role("link", name="France services d'Ambert", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "France services d'Ambert"
    assert "lundi : 9 h – 12 h" in page.locator(".estampille-hours").inner_text()
    assert serious_violations(page) == []
    assert page.csp_violations == []
