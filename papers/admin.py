"""The admin site's registry: Django's autodiscovery imports this module, which imports each
domain's admin so that its @admin.register calls run."""

from papers.claims import admin as claims_admin  # noqa: F401
from papers.curation import admin as curation_admin  # noqa: F401
