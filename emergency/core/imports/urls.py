from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("jobs/<int:pk>/", views.import_detail, name="detail"),
    path("jobs/<int:pk>/progress/", views.import_progress, name="progress"),
    path("jobs/<int:pk>/confirm/", views.import_confirm, name="confirm"),
    path("<str:register>/new/", views.import_new, name="new"),
    path("<str:register>/template.xlsx", views.import_template, name="template"),
]
