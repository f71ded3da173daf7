"""Public pages. Every query starts from Paper.objects.public(), directly or through search()."""
