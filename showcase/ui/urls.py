"""The producer's showcase page (/trung-bay-cua-toi/)."""

from django.urls import path

from showcase.ui import views

app_name = "showcase-ui"
urlpatterns = [path("", views.index, name="index")]
