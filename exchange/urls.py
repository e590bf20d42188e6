from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("trao-doi/eudr/", views.eudr_list, name="eudr"),
    path("trao-doi/eudr/<uuid:public_id>/", views.eudr_detail, name="eudr_detail"),
    path("trao-doi/eudr/<uuid:public_id>/goi.zip", views.eudr_download, name="eudr_download"),
    path("trao-doi/eudr/toan-tinh/", views.eudr_province, name="eudr_province"),
    path("trao-doi/eudr/lo/<int:pk>/", views.eudr_lot, name="eudr_lot"),
    path("trao-doi/eudr/lo/<int:pk>/goi.zip", views.eudr_lot_download, name="eudr_lot_download"),
    path("trao-doi/eudr/mua-vu/", views.eudr_season, name="eudr_season"),
    path("trao-doi/eudr/mua-vu/goi.zip", views.eudr_season_download, name="eudr_season_download"),
    path("trao-doi/nhap-du-lieu/", views.import_list, name="imports"),
    path("trao-doi/nhap-du-lieu/mau.xlsx", views.import_template, name="import_template"),
    path("trao-doi/nhap-du-lieu/<int:pk>/", views.import_detail, name="import_detail"),
    path("trao-doi/fsma-204/", views.fsma_sheet, name="fsma"),
    path("trao-doi/cong-quoc-gia/", views.national_records, name="national"),
    path("trao-doi/cong-quoc-gia/<int:pk>/gui-lai", views.national_replay, name="national_replay"),
    path("trao-doi/du-lieu-mo/day-len/", views.open_data_pushes, name="open_data_pushes"),
    path("trao-doi/du-lieu-mo/day-len/gui-ngay/", views.open_data_push_now, name="open_data_push_now"),
    path("du-lieu-mo/", views.open_data, name="open_data"),
    path("du-lieu-mo/<int:pk>/<str:name>", views.open_data_file, name="open_data_file"),
]
