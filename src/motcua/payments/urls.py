from django.urls import path

from motcua.payments import views

app_name = "payments"
urlpatterns = [
    path("ho-so/<str:code>/", views.start, name="start"),
    path("ket-qua/<str:provider>/", views.gateway_return, name="return"),
    path("giao-dich/<str:reference>/", views.payment_page, name="payment"),
    path("giao-dich/<str:reference>/bien-lai.pdf", views.receipt, name="receipt"),
]
