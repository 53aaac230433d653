from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/", views.plan_import, name="import"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:notice_pk>/", views.notice_detail, name="notice_detail"),
    path("reports/<int:report_pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:report_pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:report_pk>/attach/", views.report_attach, name="report_attach"),
    path("assignments/<int:assignment_pk>/periods/<int:period_pk>/report/", views.report_edit, name="report_edit"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/matrix/", views.matrix, name="matrix"),
    path("<int:pk>/items/", views.item_list, name="item_list"),
    path("<int:pk>/items/<int:item_pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/items/<int:item_pk>/notice/", views.notice_issue, name="notice_issue"),
    path("<int:pk>/my/", views.my_tasks, name="my"),
    path("<int:pk>/reports/", views.report_list, name="report_list"),
    path("<int:pk>/indicators/", views.indicators, name="indicators"),
    path("<int:pk>/allocation.xlsx", views.export_allocation, name="export_allocation"),
    path("<int:pk>/progress.docx", views.export_progress, name="export_progress"),
    path("<int:pk>/evaluation.docx", views.export_evaluation, name="export_evaluation"),
]
