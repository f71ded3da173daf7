"""PubMed imports in the admin: the import page, which checks the input and starts the task, and
the import reports, read-only."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html_join

from papers.catalogue.admin import CuratorStyles, ViewOnlyAdmin
from papers.catalogue.models import Paper
from papers.curation.screening_queue import LIKELY, likely_in_scope
from papers.pubmed.forms import ImportRequestForm
from papers.pubmed.importer import failure_groups, listed
from papers.pubmed.models import ImportRun
from papers.pubmed.tasks import start_import


@admin.register(ImportRun)
class ImportRunAdmin(CuratorStyles, ViewOnlyAdmin):
    """Import reports; imports start from the import page, which checks the input. A stalled run
    shows as interrupted without being written (ImportRun.shown_state): no page writes."""

    list_display = ("__str__", "imported_by", "created_at", "shown_state", "progress", "results")
    list_select_related = ("requested_by",)
    list_filter = ("state", "source")
    search_fields = ("query", "requested_pmids")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "shown_state",
                    "imported_by",
                    "source",
                    "query",
                    "pmids_shown",
                    "limit",
                    "dry_run",
                    "created_at",
                    "started_at",
                    "heartbeat_at",
                    "finished_at",
                )
            },
        ),
        ("Result", {"fields": ("progress", "results", "in_scope", "failures", "shown_messages")}),
        ("Task", {"classes": ["collapse"], "fields": ("task_id",)}),
    )
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]]
    change_list_template = "admin/papers/importrun/change_list.html"

    @admin.display(description="imported by", ordering="requested_by__username")
    def imported_by(self, run):
        """The site account, and for a command-line import the operating-system user who ran it."""
        account = run.requested_by.get_username() if run.requested_by else ""
        if not run.os_user:
            return account or None  # None: the admin's "-"
        if not account or account == run.os_user:
            return f"{run.os_user} (command line)"
        return f"{account} (command line, run by {run.os_user})"

    @admin.display(description="progress")
    def progress(self, run):
        return f"{run.processed} / {run.total}" if run.total else str(run.processed)

    @admin.display(description="result")
    def results(self, run):
        return (
            f"{run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
            f"{run.not_found} not found, {run.failed} failed"
        )

    @admin.display(description="likely in scope")
    def in_scope(self, run):
        """Of the papers this run created that are still pending (those created by its importer while
        it ran), how many the screening model scores likely in scope."""
        if not (run.created and run.started_at):
            return "No new papers."
        created = Paper.objects.filter(
            created_at__range=(run.started_at, run.finished_at or timezone.now()), imported_by=run.requested_by
        )
        pending = created.filter(status=Paper.Status.PENDING)
        scored, likely = likely_in_scope(pending)
        unscored = pending.count() - scored
        return (
            f"{likely:,} of the {scored:,} scored pending papers it created are likely in scope (score ≥ {LIKELY})"
            + (f"; {unscored:,} not scored yet (the task worker scores them)" if unscored else "")
            + "."
        )

    @admin.display(description="PMIDs")
    def pmids_shown(self, run):
        return listed([str(pmid) for pmid in run.requested_pmids], shown=100)  # a refresh may name 100,000

    @admin.display(description="failures")
    def failures(self, run):
        """Grouped by cause, a sentence each: how many, which, why (what to do is in the messages)."""
        groups = failure_groups({str(key): str(reason) for key, reason in run.errors.items()})
        return (
            format_html_join(
                "", "<p>{} failed ({}): {}</p>", ((f"{len(keys):,}", listed(keys), cause) for cause, keys in groups)
            )
            or "None."
        )

    @admin.display(description="state", ordering="state")
    def shown_state(self, run):
        return ImportRun.State(run.shown_state).label

    @admin.display(description="messages")
    def shown_messages(self, run):
        return format_html_join("", "<p>{}</p>", ((message,) for message in run.shown_messages))

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="papers_import")
        ] + super().get_urls()

    def import_view(self, request):
        if not request.user.has_perm("papers.add_importrun"):
            messages.error(request, "You may not import papers.")
            return redirect("admin:index")
        form = ImportRequestForm(request.POST, request.FILES) if request.method == "POST" else ImportRequestForm()
        if form.is_bound and form.is_valid():
            run = form.import_run(request.user)
            run.save()
            said = start_import(run)
            run.refresh_from_db(fields=["state"])
            level = {ImportRun.State.FAILED: messages.ERROR, ImportRun.State.PARTIAL: messages.WARNING}
            messages.add_message(
                request,
                level.get(run.state, messages.SUCCESS),
                said + (" The reasons are below." if run.state in level else ""),
            )
            return redirect(reverse("admin:papers_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Import from PubMed",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/papers/import.html", context)
