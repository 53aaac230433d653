"""Stock: warehouses, the ledger, alerts, the catalogue and the documents (namespace `resources`, at
resources/stock/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("warehouses/", views.warehouse_list, name="warehouse_list"),
    path("warehouses/new/", views.warehouse_create, name="warehouse_create"),
    path("warehouses/export.xlsx", views.warehouse_export, name="warehouse_export"),
    path("warehouses/suggest/", views.warehouse_suggest, name="warehouse_suggest"),
    path("warehouses/<int:pk>/", views.warehouse_detail, name="warehouse_detail"),
    path("warehouses/<int:pk>/<slug:op>/", views.warehouse_operation, name="warehouse_operation"),
    path("transfers/<int:pk>/receive/", views.transfer_receive, name="stock_transfer_receive"),
    path("disposals/<int:pk>/decide/", views.disposal_decide, name="stock_disposal_decide"),
    path("ledger/", views.stock_ledger, name="stock_ledger"),
    path("ledger/export.xlsx", views.stock_ledger_export, name="stock_ledger_export"),
    path("alerts/", views.stock_alerts, name="stock_alerts"),
    path("catalogue/", views.catalogue, name="catalogue"),
    # Procurement, allocation and issue documents.
    path("documents/", views.document_list, name="document_list"),
    path("documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/<slug:action>/", views.document_action, name="document_action"),
]
