"""douse's background work, apart from what it does: the scheduler that runs it (scheduler), the
poll runner (poll) with its leases, source health and worker heartbeats, the incident engine's
minute jobs (housekeeping), and scheduled reports (report_schedule: when one falls due, read by
the config check too; reports: writing them).

Nothing is imported here: the config check loads report_schedule alone, without APScheduler.
"""
