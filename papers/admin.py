"""The admin site's registry: Django's autodiscovery imports this module, which imports each
domain's admin so that its @admin.register calls run."""

from papers.catalogue import admin as catalogue_admin  # noqa: F401
from papers.claims import admin as claims_admin  # noqa: F401
from papers.curation import admin as curation_admin  # noqa: F401
from papers.pubmed import admin as pubmed_admin  # noqa: F401
from papers.tagging import admin as tagging_admin  # noqa: F401
