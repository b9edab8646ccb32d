from django.contrib.auth.views import LogoutView
from django.urls import path

from motcua.accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.MotcuaLoginView.as_view(), name="login"),
    path("dang-xuat/", LogoutView.as_view(), name="logout"),
    path("dang-ky/", views.register, name="register"),
    path("xac-nhan/", views.confirm, name="confirm"),
    path("thong-tin-ca-nhan/", views.profile, name="profile"),
    path("quen-mat-khau/", views.password_reset, name="password_reset"),
    path("dat-lai-mat-khau/", views.password_reset_confirm, name="password_reset_confirm"),
]
