from django.urls import path

from news import views

app_name = "news"
urlpatterns = [
    path("tin-tuc/", views.articles, name="list"),
    path("tin-tuc/<int:pk>/", views.article, name="article"),
    path("tham-gia/", views.participation, name="participation"),
    path("oversight/tin-tuc/", views.manage, name="manage"),
    path("oversight/tin-tuc/moi/", views.edit, name="new"),
    path("oversight/tin-tuc/<int:pk>/", views.edit, name="edit"),
]
