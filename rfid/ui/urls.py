"""The RFID pages (/rfid/)."""

from django.urls import path

from rfid.ui import assets, views

app_name = "rfid"
urlpatterns = [
    path("", views.index, name="index"),
    path("cong/<int:pk>/", views.gate, name="gate"),
    path("cong/<int:pk>/trang-thai", views.gate_state, name="gate_state"),
    path("cong/<int:pk>/mo/", views.session_open, name="session_open"),
    path("cong/<int:pk>/dong/", views.session_close, name="session_close"),
    path("nhan/", assets.index, name="label_index"),
    path("nhan/<str:sscc>/", views.unit_labels, name="labels"),
    path("nhan/<str:sscc>.zpl", views.unit_zpl, name="zpl"),
    path("tem/<int:pk>.zpl", assets.stamp_zpl, name="stamp_zpl"),
    path("tai-san/", assets.assets, name="assets"),
    path("tai-san/<int:pk>/nhan/", assets.asset_labels, name="asset_labels"),
    path("tai-san/<int:pk>/nhan.zpl", assets.asset_zpl, name="asset_zpl"),
]
