from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts.forms import (
    ConfirmForm,
    LoginForm,
    NewPasswordForm,
    ProfileForm,
    RegisterForm,
    ResetRequestForm,
)
from motcua.accounts.models import User
from motcua.accounts.oidc import sso_enabled
from motcua.accounts.services import confirm_code, find_by_contact, send_code

PENDING = "pending_account"
RESETTING = "resetting_account"


class MotcuaLoginView(LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, sso_enabled=sso_enabled())


@require_http_methods(["GET", "POST"])
def register(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        send_code(user)
        request.session[PENDING] = user.pk
        return redirect("accounts:confirm")
    return render(request, "accounts/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def confirm(request):
    pending = request.session.get(PENDING)
    if pending is None:
        return redirect("accounts:register")
    user = get_object_or_404(User, pk=pending, is_active=False)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        send_code(user)
        messages.info(request, _("A new code has been sent."))
        return redirect("accounts:confirm")
    if request.method == "POST" and form.is_valid():
        if confirm_code(user, form.cleaned_data["code"]):
            user.is_active = True
            user.save(update_fields=["is_active"])
            del request.session[PENDING]
            login(request, user, backend="motcua.accounts.backends.ContactBackend")
            messages.success(request, _("Your account is confirmed. Welcome!"))
            return redirect("portal:home")
        form.add_error("code", _("This code is wrong or has expired."))
    contact = user.phone or user.email
    return render(request, "accounts/confirm.html", {"form": form, "contact": contact})


@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Ask for a code; the answer is the same whether or not the account exists."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = find_by_contact(form.cleaned_data["contact"])
        if user and user.is_active and user.has_usable_password():
            send_code(user)
            request.session[RESETTING] = user.pk
        else:
            request.session[RESETTING] = None
        return redirect("accounts:password_reset_confirm")
    return render(request, "accounts/password_reset.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request):
    if RESETTING not in request.session:
        return redirect("accounts:password_reset")
    user = User.objects.filter(pk=request.session[RESETTING], is_active=True).first()
    form = NewPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if user and confirm_code(user, form.cleaned_data["code"]):
            user.set_password(form.cleaned_data["password1"])
            user.save(update_fields=["password"])
            del request.session[RESETTING]
            messages.success(request, _("Your password has been changed. Log in with it now."))
            return redirect("accounts:login")
        form.add_error("code", _("This code is wrong or has expired."))
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
