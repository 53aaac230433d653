import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

_WHOLE = re.compile(r"[0-9]+")


class Pagination(PageNumberPagination):
    """`page` (from 1; past the end is a 404) and `page_size` (from 1, capped at 500; anything else is a 400,
    where DRF silently fell back to the default). `page=last` is not offered: the schema says integer."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    last_page_strings = ()

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "").strip()
        if not raw:
            return self.page_size
        if not _WHOLE.fullmatch(raw) or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: [
                _("Enter a whole number from 1 (more than %(max)d gives %(max)d).") % {"max": self.max_page_size}]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = f"{parameter['description']} (1 to {self.max_page_size}; more gives " \
                                           f"{self.max_page_size})"
        return parameters
