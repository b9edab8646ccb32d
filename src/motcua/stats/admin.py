from django.contrib import admin

from motcua.stats.models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["year", "online_rate", "basis"]
    ordering = ["year"]
