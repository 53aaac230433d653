"""A major hazard cannot quietly become general: that would skip its plan and dual report."""

import pytest

from emergency.prevention import services
from emergency.prevention.models import HiddenHazard


def _major(user, enterprise):
    h = services.hazard_report(acting_user=user, enterprise=enterprise, title="储罐区防火堤破损")
    services.hazard_register(acting_user=user, hazard=h)
    return services.hazard_assess(acting_user=user, hazard=h, hazard_class="major")


def test_an_enterprise_cannot_downgrade_its_major_hazard(db, enterprise_manager, enterprise_a):
    hazard = _major(enterprise_manager, enterprise_a)
    with pytest.raises(services.NotAllowed):
        services.hazard_assess(acting_user=enterprise_manager, hazard=hazard, hazard_class="general")
    assert HiddenHazard.objects.get(pk=hazard.pk).hazard_class == "major"


def test_the_bureau_may_downgrade_after_review(db, enterprise_manager, bureau_officer, enterprise_a):
    hazard = _major(enterprise_manager, enterprise_a)
    services.hazard_assess(acting_user=bureau_officer, hazard=hazard, hazard_class="general")
    assert HiddenHazard.objects.get(pk=hazard.pk).hazard_class == "general"
