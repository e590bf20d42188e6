from django.contrib import admin

from reports.models import Indicator, IndicatorFigure, ReportJob


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "method", "target", "unit", "deadline", "is_active"]


@admin.register(IndicatorFigure)
class IndicatorFigureAdmin(admin.ModelAdmin):
    list_display = ["indicator", "as_of", "value", "note"]


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "ward_code", "status", "progress", "created_at", "seconds"]
