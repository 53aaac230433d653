from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """xstatic-leaflet-markercluster points at a .js.map it does not ship; skip JS sourcemap rewriting."""

    patterns = tuple(p for p in CompressedManifestStaticFilesStorage.patterns if p[0] != "*.js")
    manifest_strict = False
