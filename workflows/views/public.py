"""Pages anyone reads, signed in or not."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workflows.lifecycle import help_sections


def help_stages(request: HttpRequest) -> HttpResponse:
    """The stages of an application, who acts in each, and what: read from the table."""
    sections, all_along = help_sections()
    return render(
        request,
        "workflows/help_stages.html",
        {"title": "Les étapes d'une candidature", "sections": sections, "all_along": all_along},
    )
