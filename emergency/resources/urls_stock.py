from django.urls import path

from . import views_catalogue, views_stock
from .views_registers import warehouse_export

urlpatterns = [
    path("warehouses/", views_stock.warehouse_list, name="warehouse_list"),
    path("warehouses/new/", views_stock.warehouse_create, name="warehouse_create"),
    path("warehouses/export.xlsx", warehouse_export, name="warehouse_export"),
    path("warehouses/suggest/", views_stock.warehouse_suggest, name="warehouse_suggest"),
    path("warehouses/<int:pk>/", views_stock.warehouse_detail, name="warehouse_detail"),
    path("warehouses/<int:pk>/<slug:op>/", views_stock.warehouse_operation, name="warehouse_operation"),
    path("transfers/<int:pk>/receive/", views_stock.transfer_receive, name="stock_transfer_receive"),
    path("disposals/<int:pk>/decide/", views_stock.disposal_decide, name="stock_disposal_decide"),
    path("ledger/", views_stock.stock_ledger, name="stock_ledger"),
    path("ledger/export.xlsx", views_stock.stock_ledger_export, name="stock_ledger_export"),
    path("alerts/", views_stock.stock_alerts, name="stock_alerts"),
    path("catalogue/", views_catalogue.catalogue, name="catalogue"),
]
