"""Trainings (courses, attendees, attendances with a certificate code), pilot models, monitored enterprises and the
guidance lessons people completed on their own (self-study), the records the plan's people indicators count."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.choices import AttendeeRole, Audience, MonitoringStatus, PilotStatus


class Course(models.Model):
    """A class held on one day at one place: topic, audience, trainer, materials."""

    topic = models.CharField(_("chủ đề"), max_length=200)
    audience = models.CharField(_("đối tượng"), max_length=12, choices=Audience.choices)
    held_on = models.DateField(_("ngày tổ chức"), db_index=True)
    place = models.CharField(_("địa điểm"), max_length=200)
    ward_code = models.PositiveIntegerField(_("xã/phường"), null=True, blank=True)
    trainer = models.CharField(_("giảng viên"), max_length=160)
    materials = models.TextField(_("tài liệu"), blank=True)
    agency = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("lớp tập huấn")
        verbose_name_plural = _("lớp tập huấn")

    def __str__(self) -> str:
        return self.topic


class Attendee(models.Model):
    """A person trained (or on the roster of commune officers to train). Duplicates (one phone or ID number) are
    merged by an officer after confirming: the merged row points at the one kept."""

    full_name = models.CharField(_("họ và tên"), max_length=120)
    role = models.CharField(_("vai trò"), max_length=8, choices=AttendeeRole.choices)
    organization = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ward_code = models.PositiveIntegerField(_("xã/phường"), null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True, db_index=True)
    id_number = models.CharField(_("số CCCD"), max_length=12, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")

    def __str__(self) -> str:
        return self.full_name


class Attendance(models.Model):
    """A person attended a course; `code` is the certificate's secret, the key of its verification link."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attendances")
    attendee = models.ForeignKey(Attendee, on_delete=models.PROTECT, related_name="attendances")
    code = models.CharField(max_length=24, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attendee__full_name", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "attendee"], name="one_attendance_per_course")]
        verbose_name = _("lượt tham dự")
        verbose_name_plural = _("lượt tham dự")

    def __str__(self) -> str:
        return f"{self.attendee_id} @ {self.course_id}"


class LessonCompletion(models.Model):
    """A guidance lesson finished by a signed-in person (self-study), sent by the phone once online; `client_id`
    makes a resent completion count once."""

    client_id = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lesson = models.SlugField(_("bài học"), max_length=60)
    score = models.PositiveSmallIntegerField(_("số câu đúng"))
    questions = models.PositiveSmallIntegerField(_("số câu hỏi"))
    completed_on = models.DateField(_("ngày hoàn thành"), db_index=True)
    synced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("bài tự học đã hoàn thành")
        verbose_name_plural = _("bài tự học đã hoàn thành")

    def __str__(self) -> str:
        return f"{self.lesson} ({self.user_id})"


class PilotModel(models.Model):
    """A pilot model of traceability (vegetables, fruit, coffee, medicinal herbs…) with its status."""

    name = models.CharField(_("tên mô hình"), max_length=200)
    crop = models.CharField(_("sản phẩm"), max_length=120)
    organization = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ward_code = models.PositiveIntegerField(_("xã/phường"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=PilotStatus.choices)
    started_on = models.DateField(_("ngày bắt đầu"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        ordering = ["-started_on", "name"]
        verbose_name = _("mô hình điểm")
        verbose_name_plural = _("mô hình điểm")

    def __str__(self) -> str:
        return self.name


class MonitoredEnterprise(models.Model):
    """An enterprise under direct food-safety monitoring, from `since` until `until` (open while active)."""

    organization = models.ForeignKey("catalog.Organization", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=8, choices=MonitoringStatus.choices)
    since = models.DateField(_("giám sát từ ngày"))
    until = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        ordering = ["-since", "id"]
        verbose_name = _("doanh nghiệp được giám sát")
        verbose_name_plural = _("doanh nghiệp được giám sát")

    def __str__(self) -> str:
        return f"{self.organization_id} {self.since}"
