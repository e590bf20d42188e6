"""The report's job (`core.jobs`): enqueued by `reports.services.request_report` in its transaction."""

from __future__ import annotations

from core.jobs import job


@job(attempts=3, backoff=60)
def generate_report(report_id: int) -> str:
    """Generate a requested report unless it is done already (a job runs at least once: after a worker died
    mid-report it starts again from the beginning). `generate` stores a failure on the report itself."""
    from reports.choices import JobStatus
    from reports.models import ReportJob
    from reports.services import generate

    report = ReportJob.objects.filter(pk=report_id).first()
    if report is None or report.status == JobStatus.DONE:
        return "nothing to do"
    return generate(report).status
