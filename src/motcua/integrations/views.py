"""The connection page: the six national portal connections and the state of each."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from motcua.core import national
from motcua.integrations import outbox


@staff_member_required
def connection(request):
    items = national.states()
    working = sum(1 for _key, _label, state in items if state.configured and state.working)
    context = {
        "items": items,
        "configured": sum(1 for _key, _label, state in items if state.configured),
        "working": working,
        "total": len(items),
        "backlog": outbox.backlog() if outbox.enabled() else None,
        "sync": outbox.sync_rate() if outbox.enabled() else None,
    }
    return render(request, "integrations/connection.html", context)
