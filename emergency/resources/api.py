"""API routes of emergency resources (mounted under /api/v1/resources/)."""

urlpatterns: list = []
