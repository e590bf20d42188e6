"""Lessons per role, readable without signing in and kept offline by their own service worker; a signed-in
person's finished lessons are sent here (once online) and count as self-study in the training indicators."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from core.problems import problem, validation_problem
from guidance.lessons import BY_SLUG, LESSONS, ROLES
from training import services

SW_VERSION = "guidance-1"
MAX_BODY = 4096


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    groups = [(label, [lesson for lesson in LESSONS if lesson.role == role]) for role, label in ROLES]
    return render(request, "guidance/index.html", {"groups": groups})


@require_safe
def lesson(request: HttpRequest, slug: str) -> HttpResponse:
    item = BY_SLUG.get(slug)
    if item is None:
        raise Http404
    screens = [(n, picture, text, item.audio(n)) for n, (picture, text) in enumerate(item.screens, start=1)]
    return render(request, "guidance/lesson.html", {"lesson": item, "screens": screens})


@never_cache
@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """Keeps the lessons, their pictures and audio for offline use (scope /huong-dan/)."""
    shell = [reverse("guidance:index"), static("truyxuat/site.css"), static("guidance/guidance.css")]
    shell += [static("guidance/guidance.js")]
    for item in LESSONS:
        shell.append(reverse("guidance:lesson", args=[item.slug]))
        shell += [static(f"guidance/img/{picture}") for picture, _text in item.screens]
        shell += [static(item.audio(n)) for n in range(1, len(item.screens) + 1)]
    body = render(request, "guidance/sw.js", {"version": SW_VERSION, "shell": json.dumps(sorted(set(shell)))})
    response = HttpResponse(body.content, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("guidance:index")
    return response


@require_POST
def complete(request: HttpRequest) -> JsonResponse:
    """POST {client_id, lesson, score, questions, completed_on} (JSON); 201 new, 200 already counted."""
    if not request.user.is_authenticated:
        return problem(401, "Cần đăng nhập / Sign in required", "Đăng nhập để bài học được tính. / Sign in first.")
    if len(request.body) > MAX_BODY:
        return problem(413, "Quá lớn / Too large")
    try:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return problem(400, "JSON không hợp lệ / Invalid JSON")
    try:
        item, created = services.record_lesson_completion(
            actor=request.user,
            client_id=data.get("client_id"),
            lesson=str(data.get("lesson") or ""),
            score=data.get("score"),
            questions=data.get("questions"),
            completed_on=data.get("completed_on"),
            known=set(BY_SLUG),
        )
    except ValidationError as exc:
        return validation_problem(request, exc)
    except PermissionDenied:
        return problem(403, "Không có quyền / Forbidden")
    return JsonResponse({"client_id": str(item.client_id), "lesson": item.lesson}, status=201 if created else 200)
