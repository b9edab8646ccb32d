"""The OpenID provider the single sign-on tests log in at, standing in for VNeID.

django-oauth-toolkit, configured in motcua.settings_test, is mounted under /idp/ next to the
project's own URLs; tests point ROOT_URLCONF here so that the live server serves both. Its
accounts are ordinary users of the same database; what the national registry knows of each
person, the CCCD number above all, is in PEOPLE, keyed by the provider account's username.
"""

from __future__ import annotations

from typing import Any

from django.urls import include, path
from oauth2_provider.oauth2_validators import OAuth2Validator

from motcua.urls import urlpatterns as project_urlpatterns

CCCD_CLAIM = "cccd"
PEOPLE: dict[str, dict[str, Any]] = {}


class NationalIdentityValidator(OAuth2Validator):
    """Adds the person's registry record, CCCD included, to the ID token and userinfo."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, CCCD_CLAIM: "openid"}

    def get_additional_claims(self, request) -> dict[str, Any]:
        return PEOPLE.get(request.user.username, {})


urlpatterns = [path("idp/", include("oauth2_provider.urls")), *project_urlpatterns]
