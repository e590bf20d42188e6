from django.contrib import admin

from notifications.models import Notification, ProductWatch


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organization", "kind", "title", "read_at"]
    list_filter = ["kind"]


@admin.register(ProductWatch)
class ProductWatchAdmin(admin.ModelAdmin):
    list_display = ["email", "product", "created_at"]
