from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from ceiling.models import Row


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@csrf_exempt
def insert(request: HttpRequest) -> HttpResponse:
    """One row in its own transaction, as a request of the site commits its work."""
    with transaction.atomic():
        Row.objects.create(note="ok")
    return HttpResponse("ok", status=201)


urlpatterns = [path("ok", bare), path("row", insert)]
