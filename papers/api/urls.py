"""The JSON API's routes, with its OpenAPI schema and documentation (assets served locally)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from papers.api import claims, views

app_name = "api"

urlpatterns = [
    path("", views.index, name="index"),
    path("papers/", views.PaperList.as_view(), name="paper-list"),
    path("papers/<int:pmid>/", views.PaperDetail.as_view(), name="paper-detail"),
    path("facets/", views.FacetList.as_view(), name="facets"),
    path("topics/", views.TopicList.as_view(), name="topic-list"),
    path("topics/<slug:slug>/", views.TopicDetail.as_view(), name="topic-detail"),
    path("tags/", views.TagList.as_view(), name="tag-list"),
    path("tags/<slug:slug>/", views.TagDetail.as_view(), name="tag-detail"),
    path("claims/", claims.ClaimList.as_view(), name="claim-list"),
    path("imports/", views.ImportCreate.as_view(), name="import-list"),
    path("imports/<int:pk>/", views.ImportDetail.as_view(), name="import-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", template_name="papers/api_docs.html"),
        name="docs",
    ),
    re_path(r"", views.not_found),  # any other address under /api/, a PMID that is no number included
]
