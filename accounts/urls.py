from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("start/", views.after_login, name="after-login"),
    path("xac-thuc/", views.two_factor, name="two-factor"),
    path("xac-thuc/dang-ky/", views.two_factor_enrol, name="two-factor-enrol"),
]
