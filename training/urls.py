from django.urls import path

from training.views import pages

app_name = "training"
urlpatterns = [
    path("oversight/dao-tao/", pages.courses, name="courses"),
    path("oversight/dao-tao/lop/<int:pk>/", pages.course, name="course"),
    path("oversight/dao-tao/chung-nhan/<int:pk>.pdf", pages.certificate_pdf, name="certificate"),
    path("oversight/dao-tao/can-bo/", pages.roster, name="roster"),
    path("oversight/dao-tao/trung-lap/", pages.duplicates, name="duplicates"),
    path("oversight/dao-tao/mo-hinh-diem/", pages.pilots, name="pilots"),
    path("oversight/dao-tao/giam-sat/", pages.monitored, name="monitored"),
    path("dao-tao/chung-nhan/<str:code>/", pages.verify, name="verify"),
]
