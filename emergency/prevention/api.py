"""API routes of dual prevention (mounted under /api/v1/prevention/)."""

urlpatterns: list = []
