from django.urls import path

from motcua.backoffice import paperwork_views, views

app_name = "backoffice"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("ho-so/<str:code>/giay-tiep-nhan.pdf", views.receipt, name="receipt"),
    path("ho-so/<str:code>/tep/<int:attachment_id>/", views.attachment, name="attachment"),
    path("ho-so/<str:code>/", views.dossier, name="dossier"),
    path("ho-so/<str:code>/ket-qua.pdf", paperwork_views.download_result, name="result"),
    path("ho-so/<str:code>/xu-ly/", views.act, name="act"),
    path("ho-so/<str:code>/bieu-mau/<str:kind>.pdf", paperwork_views.download_form, name="form"),
    path("so-theo-doi.pdf", paperwork_views.download_register, name="register"),
    path("ho-so/<str:code>/xin-loi/", views.draft_apology, name="draft_apology"),
    path("ho-so/<str:code>/xin-loi/ky/", views.sign_apology, name="sign_apology"),
    path("lien-thong/<int:pk>/", views.consultation, name="consultation"),
]
