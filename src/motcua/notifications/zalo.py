"""Zalo Official Account: ZNS template messages over Zalo's HTTP API.

A ZNS message names a template approved at Zalo and the values of its parameters; it is sent
with the Official Account's access token, which lives about 25 hours. The token comes from a
refresh token that Zalo accepts once and replaces with a new one at each refresh, so the pair
is kept in the database (ProviderToken), refreshed under a row lock by one worker at a time;
the first refresh token comes from the settings. An answer that the access token is invalid
or expired refreshes it and sends once more.
"""

from __future__ import annotations

import datetime
import logging

import requests
from django.db import transaction
from django.utils import timezone

from motcua.notifications.channels import ChannelError, Message, NoticeChannel
from motcua.notifications.models import ProviderToken
from motcua.notifications.sms import international

logger = logging.getLogger(__name__)

# Zalo's error for an access token that is invalid or has expired.
TOKEN_INVALID = -124
# A token is refreshed this long before Zalo would call it expired.
MARGIN = datetime.timedelta(minutes=5)


class ZaloChannel(NoticeChannel):
    """Options: APP_ID, SECRET_KEY, REFRESH_TOKEN (the first one), API_URL (the ZNS API's
    base, https://business.openapi.zalo.me), OAUTH_URL (the OA token endpoint,
    https://oauth.zaloapp.com/v4/oa/access_token), TIMEOUT in seconds."""

    provider = "zalo"

    def transmit(self, message: Message) -> str:
        if not message.template:
            raise ChannelError("Zalo: no ZNS template for this notice")
        answer = self._post_message(self.access_token(), message)
        if answer.get("error") == TOKEN_INVALID:
            answer = self._post_message(self.access_token(refresh=True), message)
        if answer.get("error") != 0:
            raise ChannelError(f"Zalo: {answer.get('error')} {answer.get('message', '')}")
        return self.provider

    def _post_message(self, token: str, message: Message) -> dict:
        payload = {
            "phone": international(message.address),
            "template_id": message.template,
            "template_data": dict(message.parameters),
            "tracking_id": message.reference,
        }
        return self._json(
            "post",
            self.options["API_URL"].rstrip("/") + "/message/template",
            json=payload,
            headers={"access_token": token},
        )

    def access_token(self, refresh: bool = False) -> str:
        """The current access token; a new one when asked or when it is about to expire."""
        with transaction.atomic():
            stored, _created = ProviderToken.objects.select_for_update().get_or_create(
                provider=self.provider,
                defaults={"refresh_token": self.options["REFRESH_TOKEN"]},
            )
            fresh = stored.expires_at is not None and stored.expires_at > timezone.now() + MARGIN
            if stored.access_token and fresh and not refresh:
                return stored.access_token
            self._refresh(stored)
            return stored.access_token

    def _refresh(self, stored: ProviderToken) -> None:
        answer = self._json(
            "post",
            self.options["OAUTH_URL"],
            data={
                "app_id": self.options["APP_ID"],
                "refresh_token": stored.refresh_token,
                "grant_type": "refresh_token",
            },
            headers={"secret_key": self.options["SECRET_KEY"]},
        )
        if not answer.get("access_token") or not answer.get("refresh_token"):
            logger.error("Zalo refused to refresh the access token: %s", answer)
            raise ChannelError(f"Zalo token refresh: {answer.get('error_name') or answer}")
        stored.access_token = answer["access_token"]
        stored.refresh_token = answer["refresh_token"]
        lifetime = int(answer.get("expires_in") or 0)
        stored.expires_at = timezone.now() + datetime.timedelta(seconds=lifetime)
        stored.save()

    def _json(self, method: str, url: str, **kwargs) -> dict:
        try:
            response = requests.request(
                method, url, timeout=float(self.options.get("TIMEOUT", 10)), **kwargs
            )
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as error:
            raise ChannelError(f"Zalo: {type(error).__name__}") from error
