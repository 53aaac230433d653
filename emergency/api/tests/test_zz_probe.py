import schemathesis
from schemathesis.checks import CHECKS, load_all_checks
def test_p():
    load_all_checks()
    print("NAMES", [c.__name__ for c in CHECKS.get_all()])
    cfg = schemathesis.Config.from_dict({"checks": {"enabled": False, "positive_data_acceptance": {"enabled": True}, "negative_data_rejection": {"enabled": True}}})
    cc = cfg.projects.get_default().checks_config_for()
    print("POS", cc.positive_data_acceptance.enabled, "NEG", cc.negative_data_rejection.enabled, cc.get_by_name(name="positive_data_acceptance").enabled)
