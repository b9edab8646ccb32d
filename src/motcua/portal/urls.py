from django.urls import path

from motcua.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("co-quan/", views.agencies, name="agencies"),
    path("co-quan/<str:code>/", views.agency, name="agency"),
]
