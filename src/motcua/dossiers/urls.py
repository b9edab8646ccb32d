from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("thu-tuc/<str:code>/nop/", views.apply, name="apply"),
    path("thu-tuc/<str:code>/nop/luu-nhap/", views.autosave, name="autosave"),
    path("ho-so/", views.my_dossiers, name="list"),
    path("ho-so/<str:code>/giay-tiep-nhan.pdf", views.download_receipt, name="receipt"),
    path("ho-so/<str:code>/ket-qua.pdf", views.download_result, name="result"),
    path("ho-so/<str:code>/nhan-ket-qua/", views.receive_result, name="receive_result"),
    path("ho-so/<str:code>/", views.detail, name="detail"),
    path("ho-so/<str:code>/bo-sung/", views.answer_supplement, name="answer_supplement"),
    path("ho-so/<str:code>/rut/", views.withdraw, name="withdraw"),
    path("ho-so/<str:code>/danh-gia/", views.rate, name="rate"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("xac-thuc/<str:code>/", views.verify, name="verify"),
]
