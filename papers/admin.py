"""The curators' and moderators' tool: every model, the import page and the import reports."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from .importing import PUBMED_FIELDS, InvalidPMIDs, parse_pmids
from .models import Author, Authorship, ImportRun, Paper, PaperTag, PublicationType, Tag, Topic
from .pubmed import ESEARCH_LIMIT
from .tasks import start_import


class TagInline(admin.TabularInline):
    model = Tag
    fields = ("name", "slug", "kind", "description")
    extra = 0
    show_change_link = True


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "position", "tag_count")
    list_filter = ("parent",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    inlines = [TagInline]

    @admin.display(description="tags")
    def tag_count(self, topic):
        return topic.tags.count()


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "topic", "kind", "synonym_list")
    list_filter = ("kind", "topic")
    search_fields = ("name", "slug", "description", "synonyms")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("topic",)
    list_select_related = ("topic",)

    @admin.display(description="synonyms")
    def synonym_list(self, tag):
        return ", ".join(tag.synonyms)


@admin.register(PublicationType)
class PublicationTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "ui")
    search_fields = ("name", "ui")


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("__str__", "last_name", "fore_name", "collective_name")
    search_fields = ("last_name", "fore_name", "collective_name")


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    fields = ("position", "author", "orcid", "affiliations")
    autocomplete_fields = ("author",)
    extra = 0


class PaperTagInline(admin.TabularInline):
    model = PaperTag
    fields = ("tag", "status", "source", "evidence_field", "evidence", "reviewed_by", "reviewed_at")
    readonly_fields = ("evidence_field", "evidence", "reviewed_by", "reviewed_at")
    autocomplete_fields = ("tag",)
    extra = 0


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ("pmid", "short_title", "journal_iso", "pub_year", "status", "is_retracted", "created_at")
    list_filter = ("status", "is_retracted", "record_type", "publication_types", "pub_year")
    search_fields = ("=pmid", "doi", "title", "journal_title")
    date_hierarchy = "created_at"
    autocomplete_fields = ("publication_types",)
    readonly_fields = ("pubmed_links", "pubmed_conflicts", "edited_fields", "pubmed_hash", "pubmed_fetched_at",
                       "imported_by", "reviewed_by", "reviewed_at", "created_at", "updated_at")
    inlines = [PaperTagInline, AuthorshipInline]
    fieldsets = (
        (None, {"fields": ("pmid", "pubmed_links", "title", "vernacular_title", "abstract", "curator_note")}),
        ("Moderation", {"fields": ("status", "status_reason", "status_note", "reviewed_by", "reviewed_at",
                                   "imported_by")}),
        ("Publication", {"fields": ("journal_title", "journal_iso", "issn", "volume", "issue", "pages",
                                    "pub_year", "pub_month", "pub_day", "pub_date_text", "book_title", "publisher",
                                    "publication_types", "languages", "record_type")}),
        ("Identifiers", {"fields": ("doi", "pmcid", "article_ids")}),
        ("Indexing", {"classes": ["collapse"], "fields": ("abstract_sections", "keywords", "mesh_headings",
                                                          "chemicals")}),
        ("Corrections", {"fields": ("is_retracted", "corrections")}),
        ("PubMed bookkeeping", {"classes": ["collapse"], "fields": (
            "pubmed_status", "publication_status", "pubmed_revised", "pubmed_fetched_at", "pubmed_hash",
            "edited_fields", "pubmed_conflicts", "created_at", "updated_at")}),
    )

    @admin.display(description="title", ordering="title")
    def short_title(self, paper):
        return paper.title[:90]

    @admin.display(description="links")
    def pubmed_links(self, paper):
        links = [(paper.pubmed_url, "PubMed"), (paper.doi_url, "DOI"), (paper.pmc_url, "PMC")]
        return format_html(" · ".join('<a href="{}" rel="noopener">{}</a>' for url, _ in links if url),
                           *[part for url, name in links if url for part in (url, name)])

    def save_model(self, request, obj, form, change):
        # Remember what a curator changed by hand, so that re-imports leave it alone.
        edited = [name for name in form.changed_data if name in PUBMED_FIELDS]
        if change and edited:
            obj.edited_fields = sorted(set(obj.edited_fields) | set(edited))
            obj.pubmed_conflicts = {k: v for k, v in obj.pubmed_conflicts.items() if k not in edited}
        super().save_model(request, obj, form, change)


@admin.register(PaperTag)
class PaperTagAdmin(admin.ModelAdmin):
    list_display = ("paper", "tag", "status", "source", "evidence_field")
    list_filter = ("status", "source", "tag__topic", "tag")
    search_fields = ("=paper__pmid", "paper__title", "tag__name", "evidence")
    autocomplete_fields = ("paper", "tag")
    list_select_related = ("paper", "tag")


@admin.register(Authorship)
class AuthorshipAdmin(admin.ModelAdmin):
    list_display = ("paper", "position", "author", "orcid")
    search_fields = ("=paper__pmid", "author__last_name", "author__collective_name", "orcid")
    autocomplete_fields = ("paper", "author")
    list_select_related = ("paper", "author")


class ImportForm(forms.Form):
    pmids = forms.CharField(
        label="PMIDs", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One or many: spaces, commas or new lines; 'PMID: 123' and PubMed links work too.",
    )
    pmid_file = forms.FileField(label="or a file of PMIDs", required=False,
                                help_text="Plain text, one PMID per line, at most 1 MB.")
    query = forms.CharField(label="or a PubMed query", required=False, max_length=4000,
                            widget=forms.TextInput(attrs={"size": 80}))
    limit = forms.IntegerField(label="at most", required=False, min_value=1, max_value=ESEARCH_LIMIT,
                               help_text=f"With a query: import at most this many records (≤ {ESEARCH_LIMIT:,}).")

    def clean(self):
        data = super().clean()
        upload = data.get("pmid_file")
        text = data.get("pmids", "").strip()
        if upload:
            if upload.size > 1_000_000:
                raise forms.ValidationError("The file is larger than 1 MB.")
            try:
                text = (text + "\n" + upload.read().decode("utf-8-sig")).strip()
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        query = data.get("query", "").strip()
        if bool(text) == bool(query):
            raise forms.ValidationError("Give PMIDs (typed or as a file) or a PubMed query — one of the two.")
        if text:
            try:
                data["pmid_list"] = parse_pmids(text)
            except InvalidPMIDs as error:
                raise forms.ValidationError(str(error)) from None
        return data


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("__str__", "requested_by", "created_at", "state", "progress", "created", "updated",
                    "unchanged", "not_found", "failed")
    list_filter = ("state", "source")
    search_fields = ("query", "requested_pmids")
    readonly_fields = [f.name for f in ImportRun._meta.fields]
    change_list_template = "admin/papers/importrun/change_list.html"

    @admin.display(description="progress")
    def progress(self, run):
        return f"{run.processed} / {run.total}" if run.total else str(run.processed)

    def has_add_permission(self, request):
        return False  # imports are started from the import page, which checks the input

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="papers_import")] + super().get_urls()

    def import_view(self, request):
        if not request.user.has_perm("papers.add_importrun"):
            messages.error(request, "You may not import papers.")
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            run = ImportRun(requested_by=request.user)
            if data.get("pmid_list"):
                run.source, run.requested_pmids, run.total = ImportRun.Source.PMIDS, data["pmid_list"], len(data["pmid_list"])
            else:
                run.source, run.query, run.limit = ImportRun.Source.QUERY, data["query"], data.get("limit")
            run.save()
            start_import(run)
            messages.success(request, f"{run} started.")
            return redirect(reverse("admin:papers_importrun_change", args=[run.pk]))
        context = {**self.admin_site.each_context(request), "form": form, "title": "Import from PubMed",
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/papers/import.html", context)
