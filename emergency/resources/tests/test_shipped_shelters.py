"""The four shelters named in the plan notice are shipped, inside the district, flagged approximate."""

import json

from django.conf import settings

from emergency.lib.geo import point_in_geometry
from emergency.resources.reference import SHELTERS
from emergency.resources.shelters.models import Shelter


def test_the_named_shelters_are_shipped_inside_the_district_and_marked_approximate(db):
    outline = json.loads((settings.BASE_DIR / "static" / "geo" / "hebei_district.geojson").read_text(encoding="utf-8"))
    geometry = outline["features"][0]["geometry"]
    names = {row[0] for row in SHELTERS}
    assert names == {"北宁公园", "王串场公园", "天津二中", "天津七十八中学"}
    for shelter in Shelter.objects.filter(name__in=names):
        assert shelter.location_approximate and not shelter.is_synthetic and shelter.data_note
        assert point_in_geometry(shelter.longitude, shelter.latitude, geometry), shelter.name
    assert Shelter.objects.filter(name__in=names).count() == 4
