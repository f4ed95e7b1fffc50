from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from kompas.core.http import HtmxHttpRequest
from kompas.frameworks import selectors

SEARCH_MAX_LENGTH = 200


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what IBP-Kompas is for, and the frameworks it holds."""
    return render(request, "frameworks/home.html", {"frameworks": selectors.framework_list()})


@require_safe
def framework_index(request: HttpRequest) -> HttpResponse:
    return render(request, "frameworks/index.html", {"frameworks": selectors.framework_list()})


@require_safe
def framework_latest(request: HttpRequest, slug: str) -> HttpResponseRedirect:
    version = selectors.latest_version(slug=slug)
    return redirect(version)


@require_safe
def catalogue(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    framework_version = selectors.get_version(slug=slug, version=version)
    parts = selectors.catalogue(version=framework_version)
    return render(
        request,
        "frameworks/catalogue.html",
        {"version": framework_version, "parts": parts},
    )


@require_safe
def domain_detail(request: HttpRequest, slug: str, version: str, code: str) -> HttpResponse:
    domain = selectors.get_domain(slug=slug, version=version, code=code)
    return render(
        request, "frameworks/domain.html", {"version": domain.framework_version, "domain": domain}
    )


@require_safe
def norm_detail(request: HttpRequest, slug: str, version: str, code: str) -> HttpResponse:
    norm = selectors.get_norm(slug=slug, version=version, code=code)
    framework_version = norm.framework_version
    previous, following = selectors.neighbours(norm=norm)
    level_names = {level.level: level.name for level in framework_version.levels.all()}
    criteria = [
        {
            "level": criterion.level,
            "name": level_names.get(criterion.level, ""),
            "text": criterion.text,
            "is_target": criterion.level == framework_version.target_level,
        }
        for criterion in norm.criteria.all()
    ]
    return render(
        request,
        "frameworks/norm.html",
        {
            "version": framework_version,
            "norm": norm,
            "domain": norm.domain,
            "criteria": criteria,
            "previous": previous,
            "following": following,
        },
    )


@require_safe
def search(request: HtmxHttpRequest, slug: str, version: str) -> HttpResponse:
    framework_version = selectors.get_version(slug=slug, version=version)
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    results = selectors.search_norms(version=framework_version, query=query) if query else []
    template = "frameworks/_search_results.html" if request.htmx else "frameworks/search.html"
    return render(
        request,
        template,
        {"version": framework_version, "query": query, "results": results},
    )
