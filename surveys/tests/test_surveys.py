"""Surveys: answers validated against the form; a new facility feeds the catalogue (organisation pending)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog.models import Facility, Organization
from core.errors import Forbidden
from reviews.selectors import pending_organizations
from surveys import services
from surveys.models import SurveyForm, SurveyResponse

ACTORS = ["anonymous", "consumer", "other_producer", "producer", "officer"]


def _answers(**extra):
    data = {
        "ten_co_so": "Điểm thu mua sâm Măng Ri",
        "ten_to_chuc": "Hộ kinh doanh A Thị Lan",
        "ma_so_thue": "0314409058",
        "loai_hinh": "household",
        "ma_xa": "23425",
        "san_pham": "Sâm dây",
        "san_luong_nam": "1,5",
        "dung_ma_vach": "on",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("name", ACTORS)
def test_submit_permission_matrix(actors, name):
    form = SurveyForm.objects.get(code="thu-gom")
    before = (Organization.objects.count(), SurveyResponse.objects.count())
    if name == "officer":
        response = services.submit_response(
            actor=actors[name], form=form, answers=_answers(), latitude="14.9", longitude="107.9"
        )
        assert response.created_organization
        org = response.organization
        assert org.status == "pending" and org.ward_code == 23425
        assert response.facility.kind == "collection_point" and response.facility.gln
        assert response.answers["san_luong_nam"] == "1.5" and response.answers["dung_ma_vach"] is True
        assert list(pending_organizations(actors[name])) == [org]
    else:
        with pytest.raises(Forbidden):
            services.submit_response(actor=actors[name], form=form, answers=_answers())
        assert (Organization.objects.count(), SurveyResponse.objects.count()) == before


def test_known_organisation_is_linked_not_duplicated(officer, organization):
    form = SurveyForm.objects.get(code="kinh-doanh")
    response = services.submit_response(actor=officer, form=form, answers=_answers(ma_so_thue=organization.tax_code))
    assert response.organization == organization and not response.created_organization
    assert Facility.objects.filter(organization=organization).count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"san_pham": ""}, "san_pham"),
        ({"san_luong_nam": "nhiều"}, "san_luong_nam"),
        ({"loai_hinh": "agency"}, "loai_hinh"),
        ({"ma_so_thue": "123"}, "ma_so_thue"),
    ],
)
def test_bad_answers_are_refused(officer, extra, field):
    form = SurveyForm.objects.get(code="thu-gom")
    with pytest.raises(ValidationError) as info:
        services.submit_response(actor=officer, form=form, answers=_answers(**extra))
    assert field in info.value.message_dict
    assert SurveyResponse.objects.count() == 0 and Facility.objects.count() == 0


def test_phone_form_page(client, officer):
    form = SurveyForm.objects.get(code="che-bien")
    client.force_login(officer)
    url = reverse("oversight:survey_fill", args=[form.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"ten_co_so": ""}).status_code == 400
    response = client.post(url, _answers(latitude="14.5", longitude="108.1"))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
