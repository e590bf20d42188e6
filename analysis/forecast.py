"""Harvest-season forecasts: statsmodels' ETS (additive error, no trend, additive 12-month season) on monthly
harvested kg, with 80 % prediction intervals; back-tested by holding out the last 12 months (MAPE over the months
that had a harvest, and how many actual months fell inside the interval). Fewer than 24 months: no seasonal
model, the interval from a level-only ETS."""

from __future__ import annotations

import datetime as dt
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from catalog.yields import KG_PER_UNIT, bound_for
from diary.choices import Activity
from diary.models import DiaryEntry

if TYPE_CHECKING:  # numpy, pandas and statsmodels load on the first forecast: a second off every process start
    import numpy as np
    import pandas as pd

HORIZON = 12
ALPHA = 0.2  # 80 % intervals
METHOD = "ETS(A,N,A), statsmodels ETSModel, khởi tạo heuristic, khoảng dự báo 80 %"


@dataclass
class Forecast:
    months: list[str]  # "YYYY-MM" of history then forecast
    history: list[float]
    mean: list[float]
    lower: list[float]
    upper: list[float]
    method: str
    backtest: dict[str, float] = field(default_factory=dict)  # mape, coverage, months


def _months(start: dt.date, n: int) -> list[str]:
    out, y, m = [], start.year, start.month
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def monthly_harvests(province_code: int | None = None) -> dict[str, dict[str, float]]:
    """Harvested kg per crop (its display name) per month, from the standing harvest entries."""
    rows = DiaryEntry.objects.filter(
        activity=Activity.HARVESTING, correction="", unit__in=list(KG_PER_UNIT), quantity__isnull=False
    )
    if province_code is not None:
        rows = rows.filter(organization__province_code=province_code)
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for crop, when, q, unit in rows.values_list("growing_area__crop", "occurred_at", "quantity", "unit").iterator(
        chunk_size=10000
    ):
        out[bound_for(crop or "").crop or (crop or "")][f"{when:%Y-%m}"] += float((q or 0) * KG_PER_UNIT[unit])
    return out


def _fit(y: np.ndarray | pd.Series, horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    import numpy as np
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = len(y) >= 24
    y = pd.Series(y, index=pd.date_range("2000-01-01", periods=len(y), freq="MS"))
    # heuristic initial states (from the first two seasons): with "estimated" ones the optimiser lets the level
    # absorb a harvest season, and the off-season months were forecast at half the peak (MAPE 82 % against 12 %)
    model = ETSModel(
        y,
        error="add",
        trend=None,
        seasonal="add" if seasonal else None,
        seasonal_periods=12 if seasonal else None,
        initialization_method="heuristic" if seasonal else "estimated",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit(disp=False, maxiter=200)
        frame = fit.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(alpha=ALPHA)
    mean = np.clip(frame["mean"].to_numpy(), 0, None)
    lower = np.clip(frame["pi_lower"].to_numpy(), 0, None)
    upper = np.clip(frame["pi_upper"].to_numpy(), 0, None)
    return mean, lower, upper, METHOD if seasonal else "ETS(A,N,N), statsmodels ETSModel, khoảng dự báo 80 %"


def backtest(y: np.ndarray, horizon: int = HORIZON) -> dict[str, float]:
    """Fit on all but the last `horizon` months, compare with them: MAPE (%) over months with a harvest and the
    share of months inside the interval."""
    import numpy as np

    if len(y) < 24 + horizon:
        return {}
    mean, lower, upper, _m = _fit(y[:-horizon], horizon)
    actual = y[-horizon:]
    nz = actual > 0
    mape = float(np.mean(np.abs(mean[nz] - actual[nz]) / actual[nz]) * 100) if nz.any() else float("nan")
    coverage = float(np.mean((actual >= lower) & (actual <= upper)) * 100)
    return {"mape": round(mape, 1), "coverage": round(coverage, 1), "months": horizon}


def forecast(series: dict[str, float], horizon: int = HORIZON) -> Forecast | None:
    """The forecast of one monthly series (months with no harvest are 0); None below 12 months of history."""
    import numpy as np

    if not series:
        return None
    first = min(series)
    last = max(series)
    start = dt.date(int(first[:4]), int(first[5:]), 1)
    n = (int(last[:4]) - start.year) * 12 + int(last[5:]) - start.month + 1
    if n < 12:
        return None
    months = _months(start, n + horizon)
    y = np.array([series.get(m, 0.0) for m in months[:n]])
    mean, lower, upper, method = _fit(y, horizon)
    return Forecast(
        months=months,
        history=[round(v, 1) for v in y],
        mean=[round(float(v), 1) for v in mean],
        lower=[round(float(v), 1) for v in lower],
        upper=[round(float(v), 1) for v in upper],
        method=method,
        backtest=backtest(y, horizon),
    )
