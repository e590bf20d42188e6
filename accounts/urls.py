from django.urls import path

from accounts import recovery, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("start/", views.after_login, name="after-login"),
    path("xac-thuc/", views.two_factor, name="two-factor"),
    path("xac-thuc/dang-ky/", views.two_factor_enrol, name="two-factor-enrol"),
    # password recovery: by e-mail, or with a one-time code from the organisation's owner or an officer
    path("quen-mat-khau/", recovery.ForgotView.as_view(), name="forgot"),
    path("quen-mat-khau/da-gui/", recovery.ForgotDoneView.as_view(), name="password-reset-done"),
    path("quen-mat-khau/ma/", recovery.reset_with_code, name="reset-with-code"),
    path("dat-lai/<uidb64>/<token>/", recovery.ResetConfirmView.as_view(), name="password-reset-confirm"),
    path("dat-lai/xong/", recovery.ResetCompleteView.as_view(), name="password-reset-complete"),
    path("ma-dat-lai/", recovery.issue_code, name="issue-reset-code"),
]
