"""A farmer on a 360 px phone opens the diary lesson once online, then, offline, goes through its screens with
their audio, answers the quiz and finishes; the completion waits on the phone and counts as self-study once the
network returns (Chromium, the real service worker)."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import Membership
from accounts.tests.factories import UserFactory
from catalog.tests.factories import OrganizationFactory
from conftest import browser_sign_in
from training import selectors
from training.models import LessonCompletion

WIDTH, HEIGHT = 360, 740

AUDIO_STATE = """async () => {
  const a = document.querySelector('.screen:not([hidden]) audio');
  a.muted = true;
  if (a.readyState < 1) await new Promise((ok, ko) => { a.onloadedmetadata = ok; a.onerror = ko; });
  await a.play();
  await new Promise((ok) => setTimeout(ok, 400));
  return { duration: a.duration, time: a.currentTime, error: a.error && a.error.code };
}"""


@pytest.mark.django_db(transaction=True)
def test_offline_diary_lesson_with_audio_counts_once_synced(browser, live_server):
    farm = OrganizationFactory(name="HTX Rau Đăk Hà")
    farmer = UserFactory(username="nongdan")
    Membership.objects.create(user=farmer, organization=farm, role="staff")
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="vi-VN", is_mobile=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    browser_sign_in(tab, live_server.url, farmer, "correct-horse-battery-9", "/huong-dan/")
    tab.evaluate("navigator.serviceWorker.ready")
    tab.reload()  # the page is now controlled: everything was kept on install
    assert tab.evaluate("!!navigator.serviceWorker.controller")

    context.set_offline(True)
    tab.goto(f"{live_server.url}/huong-dan/nhat-ky/")
    assert tab.inner_text("h1") == "Ghi nhật ký trong ba chạm"
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTH
    for step in range(3):
        audio = tab.evaluate(AUDIO_STATE)
        assert audio["error"] is None and audio["duration"] > 1 and audio["time"] > 0, (step, audio)
        assert tab.evaluate("document.querySelector('.screen:not([hidden]) img').naturalWidth") > 0
        tab.click("#next")
    tab.check("input[name=q0][value='1']")
    tab.check("input[name=q1][value='0']")
    tab.click("#finish")
    tab.wait_for_selector("#result:has-text('đúng 2/2')")
    assert "sẽ tự gửi khi có mạng" in tab.inner_text("#result")
    assert not LessonCompletion.objects.exists()

    context.set_offline(False)
    tab.evaluate("window.dispatchEvent(new Event('online'))")
    tab.wait_for_selector("#result:has-text('Đã ghi vào phần tự học')", timeout=15000)
    done = LessonCompletion.objects.get()
    assert (done.user, done.organization, done.lesson, done.score, done.questions) == (farmer, farm, "nhat-ky", 2, 2)
    assert tab.evaluate("localStorage.getItem('truyxuat.guidance.queue')") == "[]"
    today = dt.date.today()
    assert selectors.businesses_trained(today) == (1, 1)  # the farm counts as trained by self-study
    assert errors == []
    context.close()
