from django.urls import path

from motcua.feedback import views

app_name = "feedback"
urlpatterns = [
    path("phan-anh/", views.public_list, name="public"),
    path("phan-anh/gui/", views.send, name="send"),
    path("phan-anh/cua-toi/", views.mine, name="mine"),
    path("phan-anh/cua-toi/<str:code>/", views.mine_detail, name="mine_detail"),
    path("phan-anh/theo-doi/<str:code>/<str:key>/", views.follow, name="follow"),
    path("phan-anh/<str:code>/", views.public_detail, name="public_detail"),
    path("mot-cua/phan-anh/", views.handling, name="handling"),
    path("mot-cua/phan-anh/<str:code>/", views.handling_detail, name="handling_detail"),
    path("mot-cua/phan-anh/<str:code>/xu-ly/", views.act, name="act"),
    path("mot-cua/phan-anh/<str:code>/tep/", views.attachment, name="attachment"),
]
