"""Reads OGC API - Features collections with QGIS's own OAPIF provider (headless PyQGIS), as a GIS user's QGIS would.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_read.py BASE_URL KEY REQUESTS_JSON
REQUESTS_JSON is a list of {"collection": id, "filter": QGIS expression or ""}. The key travels as QGIS 3.22 can send it
to OGC API - Features: HTTP Basic with the key as the password (no user-defined header in this version).
Prints one JSON object: per collection the layer's validity, the features read through the filter, and how many of
them are points, lines and polygons (QGIS's geometry type of the layer as well).
"""
import json
import sys

from qgis.core import QgsApplication, QgsFeatureRequest, QgsVectorLayer, QgsWkbTypes


def read(base, key, collection, expression):
    uri = f"url='{base}' typename='{collection}' pageSize='1000' username='apikey' password='{key}'"
    layer = QgsVectorLayer(uri, collection, "OAPIF")
    if not layer.isValid():
        return {"valid": False, "error": layer.dataProvider().error().summary() if layer.dataProvider() else ""}
    request = QgsFeatureRequest()
    if expression:
        request.setFilterExpression(expression)
    kinds = {"point": 0, "line": 0, "polygon": 0, "none": 0}
    names = {QgsWkbTypes.PointGeometry: "point", QgsWkbTypes.LineGeometry: "line", QgsWkbTypes.PolygonGeometry: "polygon"}
    count = 0
    for feature in layer.getFeatures(request):
        count += 1
        geometry = feature.geometry()
        kinds[names.get(geometry.type(), "none") if not geometry.isNull() else "none"] += 1
    return {
        "valid": True,
        "count": count,
        "kinds": kinds,
        "layerGeometry": QgsWkbTypes.geometryDisplayString(layer.geometryType()),
        "fields": [f.name() for f in layer.fields()],
    }


def main():
    base, key, requests = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    app = QgsApplication([], False)
    app.initQgis()
    try:
        result = {r["collection"]: read(base, key, r["collection"], r["filter"]) for r in requests}
    finally:
        app.exitQgis()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
