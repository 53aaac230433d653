from django.urls import path
from django.views.generic import RedirectView

app_name = "imports"
# Placeholder until the import views land (same commit series).
urlpatterns = [path("<str:register>/new/", RedirectView.as_view(url="/"), name="new")]
