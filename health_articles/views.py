from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cms.pagination import paginate
from cms.search import SEARCH_MAX_LENGTH, SearchQueryError, check_search_query
from health_articles.models import HealthArticlePage

RESULTS_PER_PAGE = 10


def search(request):
    """Full-text search of live, public articles: ``/search/?q=``."""
    query = request.GET.get("q", "")
    context = {"query": query[:SEARCH_MAX_LENGTH], "results": None, "error": None}
    status = 200
    if query.strip():
        try:
            check_search_query(query)
        except SearchQueryError as error:
            context["error"], status = str(error), 400
        else:
            matches = HealthArticlePage.objects.for_listing().search(query)
            results, pagination_error = paginate(request, matches, RESULTS_PER_PAGE)
            if pagination_error:
                context["error"], status = (
                    pagination_error.message,
                    pagination_error.status,
                )
            context["results"] = results
    else:
        context["prompt"] = _("Type a word or two to search the articles.")
    return TemplateResponse(request, "search/search.html", context, status=status)
