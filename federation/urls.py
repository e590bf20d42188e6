"""Federation URLs: the machine endpoints (``/.well-known/truyxuat-node``, ``/federation/…``), the officers' and
admin's pages (mounted under ``/oversight/lien-thong/``), the consumer's chain and the hub's national search."""

from django.urls import URLPattern, URLResolver, path

from federation import api, views

app_name = "federation"

urlpatterns: list[URLPattern | URLResolver] = [
    path(".well-known/truyxuat-node", api.node_identity, name="identity"),
    path("federation/events", api.peer_events, name="events"),
    path("federation/proofs", api.proofs, name="proofs"),
    path("federation/published", api.published, name="published"),
    path("federation/witnesses", api.witnesses, name="witnesses"),
    path("federation/recalls/notice", api.recall_notice, name="recall_notice"),
    path("federation/recalls/ack", api.recall_ack, name="recall_ack"),
    path("federation/alarm", api.alarm, name="alarm"),
    path("federation/witness/add-cosignature", api.add_cosignature, name="add_cosignature"),
    path("oversight/lien-thong/", views.peers, name="peers"),
    path("oversight/lien-thong/thu-hoi/", views.notice_queue, name="notices"),
    path("oversight/lien-thong/thu-hoi/<int:pk>/xac-nhan/", views.acknowledge, name="acknowledge"),
    path("oversight/lien-thong/dot-thu-hoi/<int:pk>/", views.recall_notices, name="recall"),
    path("lien-tinh/", views.chain, name="chain"),
    path("quoc-gia/tim-kiem/", views.national_search, name="national"),
]
