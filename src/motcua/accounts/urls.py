from django.contrib.auth.views import LogoutView
from django.urls import path

from motcua.accounts import oidc, two_factor, views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.MotcuaLoginView.as_view(), name="login"),
    path("dang-xuat/", LogoutView.as_view(), name="logout"),
    path("dang-ky/", views.register, name="register"),
    path("xac-nhan/", views.confirm, name="confirm"),
    path("thong-tin-ca-nhan/", views.profile, name="profile"),
    path("quen-mat-khau/", views.password_reset, name="password_reset"),
    path("dat-lai-mat-khau/", views.password_reset_confirm, name="password_reset_confirm"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("vneid/tai-khoan-co-san/", oidc.sso_choice, name="sso_choice"),
    path("xac-thuc-hai-buoc/", two_factor.second_factor, name="two_factor"),
    path("xac-thuc-hai-buoc/cai-dat/", two_factor.enrol, name="two_factor_enrol"),
    path("xac-thuc-hai-buoc/ma-du-phong/", two_factor.recovery_codes, name="two_factor_recovery"),
]
