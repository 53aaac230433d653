from django.urls import path

from . import views, views_audit

app_name = "core"

urlpatterns = [
    path("divisions/", views.division_list, name="division_list"),
    path("divisions/export.xlsx", views.division_export, name="division_export"),
    path("divisions/new/", views.division_create, name="division_create"),
    path("divisions/points.geojson", views.division_points, name="division_points"),
    path("divisions/<int:pk>/", views.division_detail, name="division_detail"),
    path("divisions/<int:pk>/edit/", views.division_edit, name="division_edit"),
    path("divisions/<int:pk>/archive/", views.division_archive, name="division_archive"),
    path("divisions/<int:pk>/attach/", views.division_attach, name="division_attach"),
    path("attachments/<str:token>/", views.attachment_download, name="attachment_download"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("map/", views.map_view, name="map"),
    path("search/", views.search, name="search"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("audit/", views_audit.audit_list_view, name="audit_list"),
    path("audit/export.xlsx", views_audit.audit_export, name="audit_export"),
]
