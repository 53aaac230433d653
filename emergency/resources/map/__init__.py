"""Finding resources: the resource map with its layers and filters, and the nearby search."""
