from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "emergency.api"
    label = "api"
