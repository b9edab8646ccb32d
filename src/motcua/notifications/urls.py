from django.urls import path

from motcua.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("cai-dat/", views.preferences, name="preferences"),
    path("can-goi/", views.to_call, name="to_call"),
    path("can-goi/<int:pk>/da-goi/", views.called, name="called"),
]
