"""The catalogue in the admin: topics with their tags, publication types, authors and authorships;
and the pieces every domain's admin shares (the curators' stylesheet, the view-only base)."""

from django.contrib import admin

from papers.catalogue.models import Author, Authorship, PublicationType, Tag, Topic


class CuratorStyles:
    """The admin.css of the pages curators work in (readable links, sized fields, lists that fit)."""

    class Media:
        css = {"all": ["papers/admin.css"]}


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows written by the app's own code paths, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(Authorship)
class AuthorshipAdmin(admin.ModelAdmin):
    list_display = ("paper", "position", "author", "orcid")
    search_fields = ("=paper__pmid", "author__last_name", "author__collective_name", "orcid")
    autocomplete_fields = ("paper", "author")
    list_select_related = ("paper", "author")
