from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Xử lý phản ánh")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from complaints.services import on_feedback_saved
        from feedback.models import Feedback

        post_save.connect(on_feedback_saved, sender=Feedback, dispatch_uid="complaints.route_feedback")
