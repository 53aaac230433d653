from decimal import Decimal

from django import template

from emergency.resources.stock.services import format_quantity

register = template.Library()


@register.filter
def qty(value) -> str:
    """A stock quantity as people write it: 30, 2.5, -4 (no trailing zeros, no exponent)."""
    if value is None or value == "":
        return ""
    return format_quantity(Decimal(value))
