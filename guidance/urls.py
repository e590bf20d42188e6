from django.urls import path

from guidance import views

app_name = "guidance"
urlpatterns = [
    path("", views.index, name="index"),
    path("sw.js", views.service_worker, name="sw"),
    path("hoan-thanh/", views.complete, name="complete"),
    path("<slug:slug>/", views.lesson, name="lesson"),
]
