from django.urls import path

from oversight.views import (
    complaints,
    counterfeit,
    flags,
    home,
    logins,
    officers,
    quality,
    recalls,
    reports,
    reviews,
    surveys,
)

app_name = "oversight"
urlpatterns = [
    path("", home.home, name="home"),
    path("thong-bao/<int:pk>/", home.open_notice, name="open_notice"),
    # review before publication
    path("phe-duyet/", reviews.queue, name="reviews"),
    path("phe-duyet/chinh-sach/", reviews.policies, name="review_policies"),
    path("phe-duyet/chinh-sach/<int:category_id>/", reviews.set_policy, name="review_policy"),
    path("phe-duyet/quyet-dinh/<int:pk>/", reviews.decision, name="review_decision"),
    path("phe-duyet/<str:subject_type>/<str:subject_id>/", reviews.detail, name="review"),
    # lab tests, holds, inspections, violations
    path("kiem-nghiem/", quality.lab_tests, name="lab_tests"),
    path("kiem-nghiem/moi/", quality.lab_test_new, name="lab_test_new"),
    path("kiem-nghiem/<int:pk>/", quality.lab_test, name="lab_test"),
    path("kiem-nghiem/gioi-han/", quality.max_levels, name="max_levels"),
    path("tam-giu/<int:pk>/giai-toa/", quality.release_hold, name="release_hold"),
    path("kiem-tra/", quality.inspections, name="inspections"),
    path("kiem-tra/<int:pk>/", quality.inspection, name="inspection"),
    path("vi-pham/", quality.violations, name="violations"),
    path("vi-pham/<int:pk>/", quality.violation, name="violation"),
    path("san-luong-bat-thuong/", flags.yields, name="yield_flags"),
    # recalls
    path("thu-hoi/", recalls.recalls, name="recalls"),
    path("thu-hoi/moi/", recalls.recall_new, name="recall_new"),
    path("thu-hoi/<int:pk>/", recalls.recall, name="recall"),
    path("thu-hoi/ben/<int:pk>/", recalls.acknowledge, name="recall_ack"),
    path("thu-hoi/<int:pk>/ket-thuc/", recalls.close, name="recall_close"),
    path("thu-hoi/<int:pk>/quyet-dinh.pdf", recalls.decision, name="recall_decision_pdf"),
    path("thu-hoi/<int:pk>/thong-bao.pdf", recalls.public_notice, name="recall_notice_pdf"),
    # complaints
    path("phan-anh/", complaints.complaints, name="complaints"),
    path("phan-anh/<int:pk>/", complaints.complaint, name="complaint"),
    path("phan-anh/<int:pk>/chuyen-cap/", complaints.escalate, name="complaint_escalate"),
    # counterfeit reports (list, map, each report)
    path("hang-nghi-gia/", counterfeit.reports, name="counterfeit"),
    path("hang-nghi-gia/<int:pk>/", counterfeit.report, name="counterfeit_report"),
    # dashboards, indicators, reports
    path("thong-ke/", reports.dashboard, name="dashboard"),
    path("chi-tieu/", reports.indicators, name="indicators"),
    path("bao-cao/", reports.reports, name="reports"),
    path("bao-cao/<int:pk>/", reports.report, name="report"),
    path("bao-cao/<int:pk>/tep/<str:fmt>/", reports.report_file, name="report_file"),
    # facility surveys
    path("dieu-tra/", surveys.surveys, name="surveys"),
    path("dieu-tra/<int:form_id>/phieu/", surveys.fill, name="survey_fill"),
    path("dieu-tra/phieu/<int:pk>/", surveys.response, name="survey_response"),
    # login lockouts and second factor
    path("can-bo/", officers.officers, name="officers"),
    path("can-bo/<int:pk>/", officers.officer, name="officer"),
    path("dang-nhap/", logins.lockouts, name="lockouts"),
    path("dang-nhap/mo-khoa/", logins.unlock, name="unlock"),
    path("dang-nhap/dat-lai-xac-thuc/", logins.reset_two_factor, name="reset_two_factor"),
]
