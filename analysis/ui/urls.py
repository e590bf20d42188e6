"""The analysis pages (/phan-tich/): the officer's dashboard, flags and reference tables; the producer's page."""

from django.urls import path

from analysis.ui import views

app_name = "analysis"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("chay/", views.run_now, name="run"),
    path("canh-bao/", views.flags, name="flags"),
    path("canh-bao/<int:pk>/", views.flag_detail, name="flag"),
    path("bang-tham-chieu/", views.references, name="references"),
    path("bang-tham-chieu/de-xuat/<int:pk>/", views.proposal, name="proposal"),
    path("cua-toi/", views.mine, name="mine"),
    path("cua-toi/<int:pk>/giai-trinh/", views.contest, name="contest"),
]
