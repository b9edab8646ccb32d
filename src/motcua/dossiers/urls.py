from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("thu-tuc/<str:code>/nop/", views.apply, name="apply"),
    path("ho-so/", views.my_dossiers, name="list"),
    path("ho-so/<str:code>/", views.detail, name="detail"),
    path("tra-cuu/", views.lookup, name="lookup"),
]
