"""The pure parts: distances and place names, a seasonal forecast with its interval and back-test."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.forecast import backtest, forecast
from analysis.geo import centre, haversine_km, place_name


def test_distances_and_places():
    assert round(haversine_km(16.054, 108.202, 21.028, 105.854)) == 606  # Đà Nẵng – Hà Nội
    assert place_name(16.1, 108.2) == "Đà Nẵng" and place_name(21.0, 105.9) == "Hà Nội"
    assert place_name(1.0, 1.0) == "1.0, 1.0"
    assert centre({"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}) == (1.0, 1.0)
    assert centre({"type": "Point", "coordinates": [107.9, 14.5]}) == (14.5, 107.9) and centre("x") is None


def test_seasonal_forecast_is_back_tested():
    rnd = np.random.default_rng(1)
    shape = np.array([0.8, 0.3, 0, 0, 0, 0, 0, 0, 0, 0.5, 1.0, 1.0])
    y = np.concatenate([100_000 * shape * rnd.uniform(0.9, 1.1, 12) for _ in range(3)])
    months = [f"{2023 + i // 12}-{i % 12 + 1:02d}" for i in range(36)]
    fc = forecast(dict(zip(months, y.tolist(), strict=True)))
    assert fc is not None and fc.method.startswith("ETS(A,N,A)")
    assert len(fc.mean) == 12 and fc.months[36] == "2026-01"
    assert all(lo <= m <= hi for lo, m, hi in zip(fc.lower, fc.mean, fc.upper, strict=True))
    assert fc.mean[10] > 100_000 > 2_000 > fc.mean[5]  # November high, June idle
    result = backtest(y)  # fitted on the first 24 months, compared with the last 12
    assert result["months"] == 12
    assert result["mape"] == pytest.approx(7.4, abs=0.5) and result["coverage"] == pytest.approx(66.7, abs=0.1)
