from django.urls import path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("tim-kiem/", views.search, name="search"),
    path("to-chuc/", views.organizations, name="organizations"),
    path("01/<str:gtin>/10/<str:lot_code>", views.lot_page, name="lot"),
]
