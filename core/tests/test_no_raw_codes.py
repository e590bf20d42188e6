"""No raw code and no English on any page in Vietnamese (issue 15, "Done when").

Every workspace, portal, account and oversight page of the seeded demo province (core/tests/seeded_province.py) is
rendered as each role that opens it, in Vietnamese, and its visible text checked by core/tests/rawcodes.py for raw
choice values, unit codes, rule codes, English UI words and, on farmer pages, technical words outside detail
sections. Every page of those apps is either rendered here (PAGES) or named with the reason it is not (NOT_PAGES),
so a new page cannot slip past.

What is still found is listed in ALLOWLIST, exactly: a leak fixed must be removed from it (the test says which), a
new one fails. The list is the remaining work of other pages' owners; it shrinks to nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.tests.rawcodes import leaks, visible_text
from core.tests.seeded_province import Seeded, seed_province

pytestmark = pytest.mark.django_db

PUBLIC = ("anonymous", "consumer")
PRODUCER = ("owner", "staff")
OFFICIALS = ("officer", "admin")
APPS = ("portal.urls", "stamps.urls", "ledger.urls", "accounts.urls", "workspace.urls", "oversight.urls")

Query = dict[str, Any]
Args = Callable[[Seeded], list[Any]]


def _o(name: str, attr: str = "pk") -> Args:
    return lambda s: [getattr(s.objects[name], attr)]


def _lot(name: str) -> Args:
    return lambda s: [s.objects[name].product.gtin, s.objects[name].lot_code]


def _reset_link(s: Seeded) -> list[Any]:
    user = s.users["consumer"]
    return [urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)]


# label ("url name" or "url name#variant") -> (roles, path arguments, query)
PAGES: dict[str, tuple[tuple[str, ...], Args | None, Query]] = {
    # the consumer's portal
    "home": ((*PUBLIC, *PRODUCER), None, {}),
    "search": (PUBLIC, None, {"q": "cà phê"}),
    "search#empty": (PUBLIC, None, {"q": "khongcogica"}),
    "organizations": (PUBLIC, None, {}),
    "scan": (PUBLIC, None, {}),
    "feedback-lookup": (PUBLIC, None, {}),
    "feedback-submit": (PUBLIC, None, {"code": "published-link"}),
    "feedback-follow": (PUBLIC, _o("feedback", "tracking_code"), {}),
    "counterfeit-report": (PUBLIC, None, {"code": "https://id.gs1.org/01/08930000999998/21/X1"}),
    "watch-request": (PUBLIC, lambda s: [s.objects["published"].product.gtin], {}),
    "watch-confirm": (("anonymous",), _o("watch", "token"), {}),
    "watch-stop": (("anonymous",), _o("watch", "token"), {}),
    "lot": ((*PUBLIC, *OFFICIALS), _lot("published"), {}),
    "lot#draft": (PUBLIC, _lot("harvested"), {}),
    "resolve#product": (PUBLIC, lambda s: [f"01/{s.objects['published'].product.gtin}"], {}),
    "resolve#item": (PUBLIC, lambda s: [f"01/{s.objects['stamp'].gtin}/21/{s.objects['stamp'].serial}"], {}),
    "resolve#facility": (PUBLIC, lambda s: [f"414/{s.objects['facility'].gln}"], {}),
    "ledger:verify": (PUBLIC, None, {}),
    # accounts
    "accounts:login": (("anonymous",), None, {}),
    "accounts:signup": (("anonymous",), None, {}),
    "accounts:forgot": (("anonymous",), None, {}),
    "accounts:password-reset-done": (("anonymous",), None, {}),
    "accounts:reset-with-code": (("anonymous",), None, {}),
    "accounts:password-reset-confirm": (("anonymous",), _reset_link, {}),
    "accounts:password-reset-complete": (("anonymous",), None, {}),
    "accounts:issue-reset-code": (("owner", "officer"), None, {}),
    # the producer's workspace
    "workspace:dashboard": (PRODUCER, None, {}),
    "workspace:notifications": (PRODUCER, None, {}),
    "workspace:diary": (PRODUCER, None, {}),
    "workspace:diary_history": (PRODUCER, None, {}),
    "workspace:lots": (PRODUCER, None, {}),
    "workspace:lots#draft": (("owner",), None, {"status": "draft"}),
    "workspace:lot": (PRODUCER, _o("harvested"), {}),
    "workspace:correct_entry": (PRODUCER, _o("entry", "client_id"), {}),
    "workspace:correct_line": (("owner",), _o("line"), {}),
    "workspace:lot#recalled": (("owner",), _o("published"), {}),
    "workspace:lab_test": (("owner",), _o("lab_test"), {}),
    "workspace:inspection": (("owner",), _o("inspection"), {}),
    "workspace:harvest": (PRODUCER, None, {}),
    "workspace:process": (PRODUCER, None, {}),
    "workspace:pack": (PRODUCER, None, {}),
    "workspace:shipments": (PRODUCER, None, {}),
    "workspace:ship": (PRODUCER, None, {}),
    "workspace:shipment": (PRODUCER, _o("pending", "public_id"), {}),
    "workspace:shipment#handed": (("owner",), _o("handed", "public_id"), {}),
    "workspace:profile": (PRODUCER, None, {}),
    "workspace:facilities": (PRODUCER, None, {}),
    "workspace:areas": (PRODUCER, None, {}),
    "workspace:area_new": (PRODUCER, None, {}),
    "workspace:certificates": (PRODUCER, None, {}),
    "workspace:products": (PRODUCER, None, {}),
    "workspace:stamps": (PRODUCER, None, {}),
    "workspace:feedback": (PRODUCER, None, {}),
    "workspace:imports": (PRODUCER, None, {}),
    # the agency's oversight
    "oversight:home": (OFFICIALS, None, {}),
    "oversight:reviews": (OFFICIALS, None, {}),
    "oversight:reviews#organization": (("officer",), None, {"tab": "organization"}),
    "oversight:reviews#stamp_batch": (("officer",), None, {"tab": "stamp_batch"}),
    "oversight:reviews#master_data": (("officer",), None, {"tab": "master_data"}),
    "oversight:review_policies": (OFFICIALS, None, {}),
    "oversight:review_decision": (OFFICIALS, _o("review"), {}),
    "oversight:review": (OFFICIALS, lambda s: ["catalog.lot", s.objects["submitted"].pk], {}),
    "oversight:lab_tests": (OFFICIALS, None, {}),
    "oversight:lab_test_new": (OFFICIALS, None, {}),
    "oversight:lab_test": (OFFICIALS, _o("lab_test"), {}),
    "oversight:max_levels": (OFFICIALS, None, {}),
    "oversight:inspections": (OFFICIALS, None, {}),
    "oversight:inspection": (OFFICIALS, _o("inspection"), {}),
    "oversight:violations": (OFFICIALS, None, {}),
    "oversight:violation": (OFFICIALS, _o("violation"), {}),
    "oversight:recalls": (OFFICIALS, None, {}),
    "oversight:recall_new": (OFFICIALS, None, {}),
    "oversight:recall": ((*OFFICIALS, "owner"), _o("recall"), {}),
    "oversight:complaints": (OFFICIALS, None, {}),
    "oversight:complaint": (OFFICIALS, lambda s: [s.objects["feedback"].case.pk], {}),
    "oversight:yield_flags": (OFFICIALS, None, {}),
    "oversight:counterfeit": (OFFICIALS, None, {}),
    "oversight:counterfeit_report": (OFFICIALS, _o("counterfeit"), {}),
    "oversight:dashboard": (OFFICIALS, None, {}),
    "oversight:indicators": (OFFICIALS, None, {}),
    "oversight:reports": (OFFICIALS, None, {}),
    "oversight:report": (OFFICIALS, _o("report"), {}),
    "oversight:surveys": (OFFICIALS, None, {}),
    "oversight:survey_fill": (OFFICIALS, _o("survey_form"), {}),
    "oversight:survey_response": (OFFICIALS, _o("survey"), {}),
    "oversight:lockouts": (OFFICIALS, None, {}),
    "oversight:officers": (("officer",), None, {}),  # a platform admin names the agency (oversight/tests)
    "oversight:officer": (("admin",), lambda s: [s.users["officer"].pk], {}),  # the head's form
}

# Pages answered with a status other than 200 (still a whole Vietnamese page).
STATUS = {"lot#draft": 404}
# Pages that redirect to themselves once (the reset link moves its token into the session).
FOLLOW = {"accounts:password-reset-confirm"}

# Pages of those apps not rendered here, and why.
NOT_PAGES = {
    "set-language": "redirects back",
    "check-code": "POST only (the stamp's check code), answers a fragment",
    "scan-location": "POST only",
    "resolve-compressed": "the same views as resolve, from a compressed link (stamps/tests)",
    "resolve-short": "redirects (301) to resolve (portal/tests/test_resolver_conformance.py)",
    "gs1resolver": "the resolver description, JSON for machines (portal/tests/test_resolver_conformance.py)",
    "qr": "a PNG image",
    "favicon": "an icon",
    "ledger:checkpoint": "text for machines (C2SP signed note)",
    "ledger:key": "text for machines",
    "ledger:tile": "binary tiles",
    "ledger:add-cosignature": "POST for witnesses",
    "accounts:logout": "POST only",
    "accounts:after-login": "redirects to the reader's space",
    "accounts:two-factor": "only between password and code (accounts/tests/test_two_factor.py)",
    "accounts:two-factor-enrol": "only between password and code (accounts/tests/test_two_factor.py)",
    "workspace:switch_org": "POST only",
    "workspace:notifications_read_all": "POST only",
    "workspace:notification_read": "POST only",
    "workspace:notification_dismiss": "POST only",
    "workspace:sw": "the service worker (JavaScript)",
    "workspace:manifest": "the web app manifest (JSON)",
    "workspace:lot_submit": "POST only",
    "workspace:lot_check": "POST only (renders partials/verdicts.html, seen on the lot page)",
    "workspace:lot_claims": "POST only",
    "workspace:shipment_confirm": "POST only",
    "workspace:shipment_reject": "POST only",
    "workspace:shipment_cancel": "POST only",
    "workspace:token_revoke": "POST only",
    "workspace:stamp_labels": "POST only",
    "workspace:stamp_label_job": "a label job's page (its texts: stamps/tests/test_label_jobs.py)",
    "workspace:feedback_answer": "POST only",
    "workspace:import_template": "an Excel file",
    "oversight:release_hold": "POST only",
    "oversight:review_policy": "POST only (the policies page holds its form)",
    "oversight:recall_ack": "POST only (the recall page holds its form)",
    "oversight:recall_close": "POST only",
    "oversight:complaint_escalate": "POST only",
    "oversight:report_file": "a PDF or Excel file",
    "oversight:recall_decision_pdf": "a PDF",
    "oversight:recall_notice_pdf": "a PDF",
    "oversight:unlock": "POST only",
    "oversight:open_notice": "POST only (the start page lists the notices)",
    "oversight:reset_two_factor": "POST only",
}

# What the pages still show, by page label: "kind:token". Shrinks to nothing as the pages' owners fix them.
ALLOWLIST: dict[str, set[str]] = {}


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str, inside: bool) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                # an app's URL map included as a module, or as the patterns its function builds (ledger's)
                module = getattr(p.urlconf_module, "__name__", "") or f"{p.app_name}.urls"
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns, inside or module in APPS)
            elif isinstance(p, URLPattern) and inside and p.name:
                names.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns, "", False)
    return names


def test_every_page_is_checked_or_named():
    assert not set(PAGES) & set(NOT_PAGES)
    checked = {label.split("#")[0] for label in PAGES} | set(NOT_PAGES)
    names = _url_names()
    assert sorted(names - checked) == []
    assert sorted(checked - names) == []


def _url(label: str, seeded: Seeded) -> tuple[str, Query]:
    _roles, args, query = PAGES[label]
    name = label.split("#")[0]
    if label == "feedback-submit":
        lot = seeded.objects["published"]
        query = {"code": f"/01/{lot.product.gtin}/10/{lot.lot_code}"}
    return reverse(name, args=args(seeded) if args else None), query


def test_no_raw_code_and_no_english_on_any_page(client, settings, tmp_path):
    settings.TRUYXUAT_LEDGER_KEY_FILE = tmp_path / "ledger.key"
    seeded = seed_province()
    client.raise_request_exception = False  # a page that fails is listed with the others, not the end of the check
    found: dict[str, set[str]] = {}
    broken: list[str] = []
    for role in ("anonymous", "consumer", "owner", "staff", "officer", "admin"):
        client.logout()
        if seeded.users[role] is not None:
            client.force_login(seeded.users[role])
        for label, (roles, _args, _query) in PAGES.items():
            if role not in roles:
                continue
            url, query = _url(label, seeded)
            response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="vi", follow=label in FOLLOW)
            status = STATUS.get(label, 200)
            if response.status_code != status or not response["Content-Type"].startswith("text/html"):
                broken.append(f"{label} as {role}: {response.status_code} {response['Content-Type']}")
                continue
            html = response.content.decode()
            assert visible_text(html), label
            for kind, token in leaks(html, farmer=label.startswith("workspace:")):
                found.setdefault(label, set()).add(f"{kind}:{token}")
    new = {label: sorted(tokens - ALLOWLIST.get(label, set())) for label, tokens in found.items()}
    fixed = {label: sorted(tokens - found.get(label, set())) for label, tokens in ALLOWLIST.items()}
    report = "\n".join(f"  {label!r}: {sorted(tokens)}," for label, tokens in sorted(found.items()))
    assert broken == [], f"pages that did not render; leaks of the others:\n{report}"
    assert {k: v for k, v in new.items() if v} == {}, f"new leaks; all found now:\n{report}"
    assert {k: v for k, v in fixed.items() if v} == {}, f"fixed: remove them from ALLOWLIST; all found now:\n{report}"


# --- the detectors themselves ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "farmer", "expected"),
    [
        ("<p>Trạng thái: draft</p>", False, {("choice", "draft")}),
        ("<p>Đang xử lý (in_progress)</p>", False, {("choice", "in_progress")}),
        ("<li>1.200 KGM</li>", False, {("unit", "KGM")}),
        ("<li>pre_harvest_interval v1</li>", False, {("rule", "pre_harvest_interval")}),
        ("<button>Save</button>", False, {("english", "Save")}),
        ("<h1>Server   Error (500)</h1>", False, {("english", "Server Error")}),
        ('<input placeholder="Search">', False, {("english", "Search")}),
        ('<input type="submit" value="Submit">', False, {("english", "Submit")}),
        ('<span title="This field is required.">*</span>', False, {("english", "This field"), ("english", "required")}),
        ("<title>Not Found</title>", False, {("english", "Not Found")}),
        ("<p>GTIN 08930000000019</p>", True, {("jargon", "GTIN")}),
        ("<p>GTIN 08930000000019</p>", False, set()),
        ("<details><summary>Mã vạch</summary><dl><dt>GTIN</dt></dl></details>", True, set()),
        # shown on purpose as codes, not shown at all, or not codes
        ("<p>Số lô <code>draft</code></p>", False, set()),
        ('<p>Mã <span class="muted code">KGM</span></p>', False, set()),
        ('<p data-status="draft" class="badge">Nháp</p>', False, set()),
        ('<script>const s = "draft";</script><style>.draft{}</style>', False, set()),
        ('<a lang="en" hreflang="en">English</a>', False, set()),
        ('<div class="hp" aria-hidden="true"><label>Website</label></div>', False, set()),
        ("<p>Trang web · Loại I · Đạt (loại A) · VietGAP · trên pallet</p>", False, set()),
        ("<p>drafting · Drafted · in_progress_x · x-draft</p>", False, set()),
        ("<p>Hợp tác xã <br>Cà phê</p><p>Nháp</p>", False, set()),
        ("<ul><li>Nháp<li>draft</ul><p>Save", False, {("choice", "draft"), ("english", "Save")}),
    ],
)
def test_leaks_finds_codes_and_english_only_where_a_reader_sees_them(html, farmer, expected):
    assert leaks(html, farmer=farmer) == expected


def test_every_choice_value_of_the_project_is_a_code_the_check_knows():
    from core.tests.rawcodes import vocabulary

    choice = vocabulary()["choice"]
    for value in ("draft", "submitted", "published", "recalled", "pending", "handed_over", "lab_test", "UT1"):
        assert choice.fullmatch(value), value
    for value in ("web", "I", "A", "pallet", "na"):  # words of the Vietnamese labels, letters and numerals
        assert not choice.fullmatch(value), value
