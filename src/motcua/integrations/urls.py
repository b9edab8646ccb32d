from django.urls import path

from motcua.integrations import views

app_name = "integrations"
urlpatterns = [path("", views.connection, name="connection")]
