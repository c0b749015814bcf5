"""Report reads on a replica (issue 12 item 5): only inside replica_reads(), only when a replica
is configured; writes and every other read stay on the primary."""

from aftersales.cases.models import Case
from aftersales.core.routers import ReportReadsRouter, replica_reads
from aftersales.reports.models import CaseDaySummary

router = ReportReadsRouter()


def test_reads_go_to_the_replica_only_for_reports(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    assert router.db_for_read(Case) is None  # a business action reads the primary
    with replica_reads():
        assert router.db_for_read(CaseDaySummary) == "replica"
        assert router.db_for_read(Case) == "replica"
        assert router.db_for_write(Case) == "default"
    assert router.db_for_read(CaseDaySummary) is None


def test_without_a_replica_reports_read_the_primary(settings):
    assert "replica" not in settings.DATABASES
    with replica_reads():
        assert router.db_for_read(CaseDaySummary) is None


def test_the_replica_is_never_migrated():
    assert router.allow_migrate("replica", "cases") is False
    assert router.allow_migrate("default", "cases") is True
