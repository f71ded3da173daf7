"""Who may use the curator endpoints: exactly who may do the same in the admin."""

from django.contrib import admin
from rest_framework.permissions import BasePermission

from papers.pubmed.models import ImportRun


class MayImport(BasePermission):
    """The admin's import page: an active staff user with papers.add_importrun."""

    message = "Importing takes staff status and the papers.add_importrun permission, as in the admin."

    def has_permission(self, request, view) -> bool:
        return admin.site.has_permission(request) and request.user.has_perm("papers.add_importrun")


class MayViewImports(BasePermission):
    """The admin's import reports: an active staff user whom ImportRunAdmin lets view them."""

    message = "Import reports take staff status and the papers.view_importrun permission, as in the admin."

    def has_permission(self, request, view) -> bool:
        return admin.site.has_permission(request) and admin.site.get_model_admin(ImportRun).has_view_permission(request)
