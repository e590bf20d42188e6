"""Producer workspace pages under /workspace/ (every page within three taps of the dashboard)."""

from django.urls import path

from workspace.views import dashboard, diary, imports, lots, notices, notifications, profile, shipments, stamps

app_name = "workspace"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("org/", dashboard.switch_org, name="switch_org"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read-all/", notifications.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path("notifications/<int:pk>/dismiss/", notifications.notification_dismiss, name="notification_dismiss"),
    path("sw.js", diary.service_worker, name="sw"),
    path("manifest.webmanifest", diary.manifest, name="manifest"),
    path("diary/", diary.diary, name="diary"),
    path("diary/history/", diary.diary_history, name="diary_history"),
    path("lots/", lots.lots, name="lots"),
    path("lots/<int:pk>/", lots.lot_detail, name="lot"),
    path("lots/<int:pk>/submit/", lots.lot_submit, name="lot_submit"),
    path("lots/<int:pk>/check/", lots.lot_check, name="lot_check"),
    path("lots/<int:pk>/claims/", lots.lot_claims, name="lot_claims"),
    path("lab-tests/<int:pk>/", notices.lab_test, name="lab_test"),
    path("inspections/<int:pk>/", notices.inspection, name="inspection"),
    path("harvest/", lots.harvest, name="harvest"),
    path("process/", lots.process, name="process"),
    path("pack/", lots.pack, name="pack"),
    path("shipments/", shipments.shipments, name="shipments"),
    path("shipments/new/", shipments.ship, name="ship"),
    path("shipments/<uuid:public_id>/", shipments.shipment_detail, name="shipment"),
    path("shipments/<uuid:public_id>/confirm/", shipments.shipment_confirm, name="shipment_confirm"),
    path("shipments/<uuid:public_id>/reject/", shipments.shipment_reject, name="shipment_reject"),
    path("shipments/<uuid:public_id>/cancel/", shipments.shipment_cancel, name="shipment_cancel"),
    path("profile/", profile.profile, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", profile.token_revoke, name="token_revoke"),
    path("facilities/", profile.facilities, name="facilities"),
    path("areas/", profile.areas, name="areas"),
    path("areas/new/", profile.area_new, name="area_new"),
    path("certificates/", profile.certificates, name="certificates"),
    path("products/", profile.products, name="products"),
    path("stamps/", stamps.stamps, name="stamps"),
    path("stamps/<int:pk>/labels.pdf", stamps.stamp_labels, name="stamp_labels"),
    path("feedback/", stamps.feedback, name="feedback"),
    path("feedback/<int:pk>/answer/", stamps.feedback_answer, name="feedback_answer"),
    path("imports/", imports.imports_page, name="imports"),
    path("imports/template/<str:kind>.xlsx", imports.import_template, name="import_template"),
]
