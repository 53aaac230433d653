from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from emergency.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="jsi18n"),
    path("accounts/", include("emergency.accounts.urls")),
    path("imports/", include("emergency.core.imports.urls")),
    path("plans/", include("emergency.plan_supervision.urls")),
    path("enterprises/", include("emergency.enterprises.urls")),
    path("prevention/", include("emergency.prevention.urls")),
    path("resources/", include("emergency.resources.urls")),
    path("api/v1/", include("emergency.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's init script from its own URL: CSP allows no inline script.
    # Logged-in users only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); a browser is sent to the login page.
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("", include("emergency.core.urls")),
]

# Under /api/ an unknown path (or a non-integer id) is a 404 in the API's error format, elsewhere the page.
handler404 = "emergency.api.errors.page_not_found"
