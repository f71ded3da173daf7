"""Every write a person makes to a paper (services), the audit trail, the paper admin."""
