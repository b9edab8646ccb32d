import datetime

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts import profile_sections, services
from motcua.accounts.forms import (
    ConfirmForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
    RegisterForm,
    ResetRequestForm,
)
from motcua.accounts.landing import landing_url
from motcua.accounts.models import User
from motcua.accounts.oidc import sso_enabled

PENDING = "pending_account"
RESETTING = "resetting_account"
RESET_ADDRESS = "resetting_address"


class MotcuaLoginView(LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, sso_enabled=sso_enabled())

    def get_default_redirect_url(self) -> str:
        """Without a page to go back to: the official's workspace, the citizen's dossiers."""
        return landing_url(self.request.user)


@require_http_methods(["GET", "POST"])
def register(request):
    """Always "we sent a code": a known phone or e-mail gets a notice instead of a code.

    A `next` page (the procedure's form the person came from) is kept until the code is
    confirmed, and opened then.
    """
    form = RegisterForm(request.POST or None)
    next_page = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST" and form.is_valid():
        data = form.registration()
        try:
            user = services.start_registration(data)
        except services.CodeError as error:
            form.add_error(None, error.message)
        else:
            request.session[PENDING] = {
                "user": user.pk if user else None,
                "contact": data.contact,
                "until": services.registration_deadline().isoformat(),
                "next": next_page,
            }
            return redirect("accounts:confirm")
    return render(request, "accounts/register.html", {"form": form, "next": next_page})


def safe_next(request, candidate: str | None) -> str:
    """`candidate` when it is a page of this site (never another host's), else ""."""
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if candidate and allowed else ""


@require_http_methods(["GET", "POST"])
def confirm(request):
    """The same page, answers and limits whether a registration is really pending or not."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return redirect("accounts:register")
    if datetime.datetime.fromisoformat(pending["until"]) <= timezone.now():
        del request.session[PENDING]
        messages.error(
            request, _("The registration was not confirmed in time. Please register again.")
        )
        return redirect("accounts:register")
    user = services.pending_registration(pending["user"])
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        try:
            if user:
                services.resend_registration_code(user)
            else:
                services.notify_owner(pending["contact"])
        except services.CodeError as error:
            messages.error(request, error.message)
        else:
            pending["until"] = services.registration_deadline().isoformat()
            request.session[PENDING] = pending
            messages.info(request, _("A new code has been sent."))
        return redirect("accounts:confirm")
    submitted = request.method == "POST" and form.is_valid()
    address = pending["contact"]
    if submitted and check_code(form, user, address, services.confirm_registration):
        del request.session[PENDING]
        login(request, user, backend="motcua.accounts.backends.ContactBackend")
        messages.success(request, _("Your account is confirmed. Welcome!"))
        return redirect(safe_next(request, pending.get("next")) or "portal:home")
    return render(request, "accounts/confirm.html", {"form": form, "contact": pending["contact"]})


def check_code(form, user, address: str, action, *args) -> bool:
    """Run `action(user, code, *args)`; without an account, fail the same way, counted alike
    (under the `address` the person typed)."""
    code = form.cleaned_data["code"]
    try:
        if user is not None:
            if action(user, code, *args):
                return True
        else:
            services.check_guess_without_account(address, code)
    except services.CodeError as error:
        form.add_error("code", error.message)
        return False
    form.add_error("code", _("This code is wrong or has expired."))
    return False


@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Ask for a code; the answer is the same whether or not the account exists."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.request_password_reset(form.cleaned_data["contact"])
        except services.CodeError as error:
            form.add_error(None, error.message)
        else:
            request.session[RESETTING] = user.pk if user else None
            request.session[RESET_ADDRESS] = services.address_of(form.cleaned_data["contact"])
            return redirect("accounts:password_reset_confirm")
    return render(request, "accounts/password_reset.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request):
    if RESETTING not in request.session:
        return redirect("accounts:password_reset")
    user = User.objects.filter(pk=request.session[RESETTING], is_active=True).first()
    form = NewPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password1"]
        address = request.session.get(RESET_ADDRESS, "")
        if check_code(form, user, address, services.reset_password, password):
            del request.session[RESETTING]
            messages.success(request, _("Your password has been changed. Log in with it now."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password keeps this session and ends every API token of the account."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    sections = profile_sections.render_sections(request)
    return render(request, "accounts/profile.html", {"form": form, "sections": sections})
