from django.urls import path

from motcua.stats import views

app_name = "stats"
urlpatterns = [
    path("thong-ke/", views.public_summary, name="public"),
    path("mot-cua/thong-ke/", views.dashboard, name="dashboard"),
]
