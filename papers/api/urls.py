"""The JSON API's routes."""

urlpatterns = []
