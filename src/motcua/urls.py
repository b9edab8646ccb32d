from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from motcua.accounts.api import TokenView
from motcua.accounts.token_api import LogoutView, RevokeTokensView
from motcua.accounts.two_factor import SecondFactorAdminSite
from motcua.agencies.api import AgencyViewSet
from motcua.backoffice.api import InboxTabsView, InboxView
from motcua.catalog.api import ProcedureViewSet, SectorViewSet
from motcua.core.api import PublicAPIRootView
from motcua.dossiers.api import DossierViewSet, LookupView
from motcua.feedback.api import FeedbackViewSet
from motcua.integrations.api import (
    FeedbackIntakeView,
    IntakeView,
    SupplementAnswerView,
    WithdrawalView,
)
from motcua.payments.api import IpnView, PaymentViewSet
from motcua.stats.api import DossierCsvView, FeedbackSummaryView, ReportWorkbookView, SummaryView
from motcua.stats.messages_api import MessagesSentView

router = DefaultRouter()
router.APIRootView = PublicAPIRootView
router.trailing_slash = "/?"
router.register("agencies", AgencyViewSet, basename="agency")
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("sectors", SectorViewSet, basename="sector")
router.register("dossiers", DossierViewSet, basename="dossier")
router.register("payments", PaymentViewSet, basename="payment")
router.register("feedback", FeedbackViewSet, basename="feedback")

# Staff reach the admin only after the second factor, through the site's own login.
admin.site.__class__ = SecondFactorAdminSite
admin.site.site_header = _("Motcua administration")
admin.site.site_title = _("Motcua administration")

urlpatterns = [
    path("", include("motcua.portal.urls")),
    path("", include("motcua.dossiers.urls")),
    path("", include("motcua.stats.urls")),
    path("", include("motcua.feedback.urls")),
    path("tai-khoan/oidc/", include("mozilla_django_oidc.urls")),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("mot-cua/", include("motcua.backoffice.urls")),
    path("thu-tuc/", include("motcua.catalog.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("thong-bao/", include("motcua.notifications.urls")),
    path("ket-noi-quoc-gia/", include("motcua.integrations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token", TokenView.as_view(), name="api-token"),
    path("api/v1/auth/logout", LogoutView.as_view(), name="api-logout"),
    path(
        "api/v1/officials/<str:username>/revoke-tokens",
        RevokeTokensView.as_view(),
        name="api-revoke-tokens",
    ),
    path("api/v1/lookup/<str:code>", LookupView.as_view(), name="api-lookup"),
    path("api/v1/inbox", InboxView.as_view(), name="api-inbox"),
    path("api/v1/inbox/tabs", InboxTabsView.as_view(), name="api-inbox-tabs"),
    path("api/v1/payments/<str:provider>/ipn", IpnView.as_view(), name="api-payment-ipn"),
    path("api/v1/national/dossiers", IntakeView.as_view(), name="api-national-intake"),
    path(
        "api/v1/national/dossiers/<str:code>/supplement",
        SupplementAnswerView.as_view(),
        name="api-national-supplement",
    ),
    path(
        "api/v1/national/dossiers/<str:code>/withdraw",
        WithdrawalView.as_view(),
        name="api-national-withdraw",
    ),
    path(
        "api/v1/national/feedback",
        FeedbackIntakeView.as_view(),
        name="api-national-feedback",
    ),
    path("api/v1/stats/summary", SummaryView.as_view(), name="api-stats-summary"),
    path("api/v1/stats/messages", MessagesSentView.as_view(), name="api-stats-messages"),
    path("api/v1/stats/feedback", FeedbackSummaryView.as_view(), name="api-stats-feedback"),
    path("api/v1/stats/report.xlsx", ReportWorkbookView.as_view(), name="api-stats-report"),
    path("api/v1/stats/dossiers.csv", DossierCsvView.as_view(), name="api-stats-dossiers"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the CSP runs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
