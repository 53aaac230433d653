"""Procurement, allocation and issue documents (namespace `resources`, at resources/stock/documents/)."""

from django.urls import path

from . import views_documents as v

urlpatterns = [
    path("", v.document_list, name="document_list"),
    path("new/", v.document_create, name="document_create"),
    path("<int:pk>/", v.document_detail, name="document_detail"),
    path("<int:pk>/<slug:action>/", v.document_action, name="document_action"),
]
