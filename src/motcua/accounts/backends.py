from django.contrib.auth.backends import ModelBackend

from motcua.accounts.models import User
from motcua.accounts.services import find_by_contact


class ContactBackend(ModelBackend):
    """Log in with a username, a phone number (any common spelling) or an e-mail address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        user = find_by_contact(username)
        if user is None:
            # As ModelBackend does: hash anyway, so that an unknown name answers as slowly.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
