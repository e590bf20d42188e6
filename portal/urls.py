from django.urls import path, re_path

from portal import counterfeit_views, feedback_views, items, resolver, views, watch_views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("tim-kiem/", views.search, name="search"),
    path("to-chuc/", views.organizations, name="organizations"),
    path("scan", views.scan, name="scan"),
    path("ngon-ngu/<str:lang>", views.set_language, name="set-language"),
    path("phan-anh/", feedback_views.lookup, name="feedback-lookup"),
    path("phan-anh/gui", feedback_views.submit, name="feedback-submit"),
    path("phan-anh/hang-nghi-gia", counterfeit_views.report, name="counterfeit-report"),
    path("phan-anh/<str:tracking_code>", feedback_views.follow, name="feedback-follow"),
    path("theo-doi/<str:gtin>", watch_views.request_watch, name="watch-request"),
    path("theo-doi/xac-nhan/<str:token>", watch_views.confirm_watch, name="watch-confirm"),
    path("theo-doi/ngung/<str:token>", watch_views.stop_watch, name="watch-stop"),
    path("kiem-tra-tem", items.check_code, name="check-code"),
    path("quet/vi-tri", items.scan_location, name="scan-location"),
    path(".well-known/gs1resolver", resolver.resolver_description, name="gs1resolver"),
    # GS1 Digital Link resolver (uncompressed and partially compressed, then fully compressed last); the short
    # names of the standard (/gtin/…/lot/…) redirect to the numeric form.
    re_path(r"^(?P<path>(?:gtin|sscc|gln|party)/.+)$", resolver.short_name, name="resolve-short"),
    re_path(r"^01/(?P<gtin>\d+)/10/(?P<lot_code>[^/]+)$", resolver.resolve, name="lot"),
    re_path(r"^(?P<path>(?:01|00|414|417)/.+)$", resolver.resolve, name="resolve"),
    re_path(r"^(?P<path>[A-Za-z0-9_-]{10,})$", resolver.resolve, name="resolve-compressed"),
]
