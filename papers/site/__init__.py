"""The public site: pages, feeds, exports, forms, charts and the page cache. Every query starts from Paper.objects.public(), directly or through search()."""  # noqa: E501
