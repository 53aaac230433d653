"""API routes of dual prevention (mounted under /api/v1/prevention/).

- `POST risk-evaluations`: the LEC / LS calculator, the same code path as the assessment service
  (`services.evaluate`) and the assessment form's live preview.
- `GET risk-points/`: the caller's risk points (scoped), with the ledger's filters.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from emergency.api.routers import IdSimpleRouter
from emergency.api.serializers import ErrorSerializer, StrictSerializer
from emergency.api.views import BusinessUser, readers_of
from emergency.lib import risk
from emergency.lib.masking import mask_phone

from . import selectors, services
from .forms_risk import RiskPointFilter
from .models import RiskPoint

LEC_FIELDS = ("l", "e", "c")
LS_FIELDS = ("l", "s")


# A factor is a JSON number or a string of one (the assessment form's live preview sends strings).
FACTOR_SCHEMA = {"oneOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?[0-9]{1,5}(\.[0-9]{1,3})?$"}]}


@extend_schema_field(FACTOR_SCHEMA)
class FactorField(serializers.DecimalField):
    pass


def _factor(help_text: str) -> serializers.DecimalField:
    return FactorField(max_digits=8, decimal_places=3, required=False, help_text=help_text)


class RiskEvaluationRequestSerializer(StrictSerializer):
    method = serializers.ChoiceField(choices=["lec", "ls"], help_text="lec: D = L × E × C; ls: R = L × S.")
    l = _factor("Likelihood. LEC: 10, 6, 3, 1, 0.5, 0.2 or 0.1; LS: 1 to 5.")  # noqa: E741
    e = _factor("LEC only: exposure, 10, 6, 3, 2, 1 or 0.5.")
    c = _factor("LEC only: consequence, 100, 40, 15, 7, 3 or 1.")
    s = _factor("LS only: severity, 1 to 5.")
    table = serializers.ChoiceField(choices=["ls_a", "ls_b"], required=False,
                                    help_text="LS only: the band table, ls_a (default) or ls_b.")

    def validate(self, data):
        method = data["method"]
        needed, unused = (LEC_FIELDS, ("s", "table")) if method == "lec" else (LS_FIELDS, ("e", "c"))
        errors = {name: [_("This field is required.")] for name in needed if name not in data}
        errors.update({name: [_("Not used by the %(method)s method.") % {"method": method.upper()}]
                       for name in unused if name in data})
        if errors:
            raise serializers.ValidationError(errors)
        try:
            data["result"] = services.evaluate(method=method, l=data["l"], e=data.get("e"), c=data.get("c"),
                                               s=data.get("s"), table=data.get("table", "ls_a"))
        except risk.EvaluationError as exc:
            raise serializers.ValidationError({exc.field: [exc.message]}) from exc
        return data


class RiskEvaluationSerializer(serializers.Serializer):
    score = serializers.FloatField(help_text="D (LEC) or R (LS).")
    level = serializers.IntegerField(min_value=1, max_value=4, help_text="1 major … 4 low.")
    level_name = serializers.CharField(help_text="重大, 较大, 一般 or 低.")
    color = serializers.ChoiceField(choices=["red", "orange", "yellow", "blue"])


class RiskEvaluationView(APIView):
    """Evaluate a risk by LEC or LS. The bands come from the rules table."""

    permission_classes = [BusinessUser]

    @extend_schema(
        operation_id="v1_prevention_risk_evaluations_create", request=RiskEvaluationRequestSerializer,
        responses={200: RiskEvaluationSerializer,
                   400: OpenApiResponse(ErrorSerializer, description=(
                       "A field is missing, unknown or not an allowed value; `error.fields` names it."))},
        examples=[OpenApiExample("LEC", request_only=True, value={"method": "lec", "l": 6, "e": 6, "c": 7}),
                  OpenApiExample("LS", request_only=True, value={"method": "ls", "l": 4, "s": 5, "table": "ls_a"}),
                  OpenApiExample("Result", response_only=True,
                                 value={"score": 252, "level": 2, "level_name": "较大", "color": "orange"})])
    def post(self, request):
        ser = RiskEvaluationRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return Response(ser.validated_data["result"].as_dict())


class RiskEvaluationSlashView(RiskEvaluationView):
    """The same endpoint with a trailing slash, for clients that add one (documented once, without it)."""

    @extend_schema(exclude=True)
    def post(self, request):
        return super().post(request)


class RiskPointSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    current_level_name = serializers.SerializerMethodField()
    color = serializers.SerializerMethodField()
    responsible_phone = serializers.SerializerMethodField(help_text="Masked.")

    class Meta:
        model = RiskPoint
        fields = ["id", "enterprise", "enterprise_name", "name", "kind", "location", "control_level",
                  "responsible_person", "responsible_phone", "current_level", "current_level_name", "color",
                  "created_at", "updated_at"]
        read_only_fields = fields

    def get_current_level_name(self, obj) -> str | None:
        return risk.LEVEL_NAMES.get(obj.current_level)

    def get_color(self, obj) -> str:
        return selectors.LEVEL_COLOURS.get(obj.current_level, "grey")

    def get_responsible_phone(self, obj) -> str:
        return mask_phone(obj.responsible_phone) if obj.responsible_phone else ""


class ScopedRiskPointFilter(RiskPointFilter):
    """The risk-point filters for the API: the request's user limits the subdistrict choices."""

    def __init__(self, data=None, queryset=None, *, request=None, **kw):
        super().__init__(data, queryset, user=request.user, request=request, **kw)


class RiskPointViewSet(viewsets.ReadOnlyModelViewSet):
    """Risk points the caller may see (an enterprise: its own; a subdistrict: those in its area)."""

    serializer_class = RiskPointSerializer
    permission_classes = [readers_of(RiskPoint)]  # prevention/scopes.py: regulators and enterprises
    filterset_class = ScopedRiskPointFilter
    queryset = RiskPoint.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RiskPoint.objects.none()
        return selectors.risk_points_in_scope(self.request.user).select_related("enterprise").order_by(
            "enterprise__name", "enterprise_id", "name", "pk")


router = IdSimpleRouter()
router.register("risk-points", RiskPointViewSet, basename="prevention-riskpoint")

urlpatterns = [
    path("risk-evaluations", RiskEvaluationView.as_view(), name="api-prevention-risk-evaluations"),
    path("risk-evaluations/", RiskEvaluationSlashView.as_view()),
    *router.urls,
]
