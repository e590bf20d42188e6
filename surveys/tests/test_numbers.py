"""Survey numbers are read the Vietnamese way (issue 15)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from surveys import services
from surveys.models import SurveyForm, SurveyResponse
from surveys.tests.test_surveys import _answers


def test_a_grouped_survey_figure_is_read_as_written(officer):
    form = SurveyForm.objects.get(code="thu-gom")
    response = services.submit_response(actor=officer, form=form, answers=_answers(san_luong_nam="1.200,5"))
    assert response.answers["san_luong_nam"] == "1200.5"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1.200", "Bạn nhập 1.200: là 1200 hay 1,2? Hãy viết 1200 hoặc 1,2."),
        ("NaN", "Cần nhập một số bằng chữ số, ví dụ 1.200 hoặc 0,12."),
        ("-3", "Không được nhỏ hơn 0."),
    ],
)
def test_an_ambiguous_or_hostile_survey_figure_is_refused(officer, typed, message):
    form = SurveyForm.objects.get(code="thu-gom")
    with pytest.raises(ValidationError) as info:
        services.submit_response(actor=officer, form=form, answers=_answers(san_luong_nam=typed))
    assert info.value.message_dict["san_luong_nam"] == [message]
    assert SurveyResponse.objects.count() == 0
