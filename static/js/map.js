/*
 * map.js — CSP-safe Leaflet map component.
 *
 * Requires (loaded before this file):
 *   /static/vendor/leaflet/leaflet.js
 *   /static/vendor/leaflet-markercluster/leaflet.markercluster.js   (optional)
 * and the CSS: vendor/leaflet/leaflet.css,
 *   vendor/leaflet-markercluster/MarkerCluster.css, MarkerCluster.Default.css,
 *   css/map.css
 *
 * Markup:
 *   <div class="em-map" data-config-id="map-config"></div>
 *   {{ map_config|json_script:"map-config" }}
 *
 * Config (JSON):
 *   tileUrl          string; "" or missing -> no tile layer (blank background)
 *   tileAttribution  string; shown as plain TEXT (HTML is escaped)
 *   tileMaxZoom      number (optional, default 18; also the map's maxZoom)
 *   outlineUrl       GeoJSON URL of the district outline (view is fitted to it)
 *   subdistrictsUrl  GeoJSON URL of Point features with properties.name;
 *                    rendered as permanent text labels (CSS classes only)
 *   subdistrictsName string (optional); if given, the labels can be toggled in
 *                    the layer control under this name
 *   center           [lat, lng]  initial centre (used until the outline loads)
 *   zoom             number      initial zoom
 *   iconImagePath    string (optional) default "/static/vendor/leaflet/images/"
 *   layers           [{name, url, cluster}] GeoJSON FeatureCollections of Points
 *                    with properties title, popup (plain text), href (optional),
 *                    color (optional: a lowercase word such as "red"; the marker
 *                    becomes an L.divIcon with the CSS classes
 *                    "em-marker em-marker--<color>", styled in css/map.css;
 *                    without it the default Leaflet pin is used)
 *
 * No eval, no inline handlers, no HTML strings built from data: popups,
 * tooltips and labels are DOM nodes filled with textContent. Layer names are
 * HTML-escaped because Leaflet's layer control inserts them with innerHTML.
 *
 * For tests: window.emMaps[id] is the L.Map; when every GeoJSON request has
 * settled the container gets data-em-ready="true" (or "error" if any failed)
 * and an "em-map:ready" event is dispatched on it. map.emLayers maps layer
 * name -> Leaflet layer.
 */
(function () {
  "use strict";

  var DEFAULT_IMAGE_PATH = "/static/vendor/leaflet/images/";

  window.emMaps = window.emMaps || {};

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  // Only same-origin relative links or http(s) URLs are allowed in popups.
  function safeHref(href) {
    if (typeof href !== "string" || href === "") {
      return null;
    }
    try {
      var url = new URL(href, window.location.href);
      if (url.protocol === "http:" || url.protocol === "https:") {
        return url.href;
      }
    } catch (e) {
      /* invalid URL: ignore */
    }
    return null;
  }

  function fetchJson(url) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" },
    }).then(function (resp) {
      if (!resp.ok) {
        throw new Error("HTTP " + resp.status + " for " + url);
      }
      return resp.json();
    });
  }

  function readConfig(container) {
    var id = container.getAttribute("data-config-id");
    var script = id ? document.getElementById(id) : null;
    if (!script) {
      throw new Error("map config element not found: " + id);
    }
    return { id: id, config: JSON.parse(script.textContent) };
  }

  function buildPopup(props) {
    var box = el("div", "em-popup");
    var title = props.title !== undefined && props.title !== null ? String(props.title) : "";
    var href = safeHref(props.href);
    if (title || href) {
      var heading = el("div", "em-popup-title");
      if (href) {
        var link = el("a", "em-popup-link", title || href);
        link.href = href;
        heading.appendChild(link);
      } else {
        heading.textContent = title;
      }
      box.appendChild(heading);
    }
    if (props.popup !== undefined && props.popup !== null && props.popup !== "") {
      box.appendChild(el("div", "em-popup-body", props.popup));
    }
    return box;
  }

  // The four risk colours from worst to least (四色); a cluster takes the worst colour inside it, so a red
  // point is never hidden in a green bubble.
  var SEVERITY = ["red", "orange", "yellow", "blue", "grey"];

  function clusterIcon(cluster) {
    var worst = null;
    cluster.getAllChildMarkers().forEach(function (marker) {
      var color = marker.options.emColor;
      var rank = SEVERITY.indexOf(color);
      if (rank >= 0 && (worst === null || rank < SEVERITY.indexOf(worst))) { worst = color; }
    });
    var count = cluster.getChildCount();
    var size = count < 10 ? 30 : count < 100 ? 36 : 42;
    return L.divIcon({
      // Built with classes and text only: the count is a number, the colour one of SEVERITY.
      html: "<span>" + String(count) + "</span>",
      className: "em-cluster em-cluster--" + (worst || "default"),
      iconSize: L.point(size, size),
    });
  }

  function pointLayer(geojson, useCluster) {
    var group =
      useCluster && typeof L.markerClusterGroup === "function"
        ? L.markerClusterGroup({ showCoverageOnHover: false, chunkedLoading: true, iconCreateFunction: clusterIcon })
        : L.featureGroup();
    L.geoJSON(geojson, {
      pointToLayer: function (feature, latlng) {
        var color = (feature.properties || {}).color;
        if (typeof color === "string" && /^[a-z]+$/.test(color)) {
          // Coloured dot: CSS classes only (no style attribute built from data).
          return L.marker(latlng, {
            emColor: color,
            icon: L.divIcon({
              className: "em-marker em-marker--" + color,
              html: "",
              iconSize: [16, 16],
              iconAnchor: [8, 8],
              popupAnchor: [0, -8],
              tooltipAnchor: [0, -8],
            }),
          });
        }
        return L.marker(latlng, { icon: new L.Icon.Default() });
      },
      onEachFeature: function (feature, layer) {
        var props = feature.properties || {};
        if (props.title) {
          layer.bindTooltip(el("span", "em-marker-tooltip", props.title), { direction: "top" });
          if (layer.options) {
            layer.options.title = String(props.title); // native title attribute, set as text
          }
        }
        layer.bindPopup(function () {
          return buildPopup(props);
        });
      },
    }).eachLayer(function (layer) {
      group.addLayer(layer);
    });
    return group;
  }

  function labelLayer(geojson) {
    var group = L.layerGroup();
    L.geoJSON(geojson, {
      pointToLayer: function (feature, latlng) {
        var props = feature.properties || {};
        var inner = el("span", "em-map-label-text", props.name || "");
        if (props.approximate) {
          inner.classList.add("em-map-label-approx");
        }
        return L.marker(latlng, {
          icon: L.divIcon({ className: "em-map-label", html: inner, iconSize: null }),
          interactive: false,
          keyboard: false,
          pane: "emLabels",
        });
      },
    }).eachLayer(function (layer) {
      group.addLayer(layer);
    });
    return group;
  }

  function initMap(container) {
    var parsed = readConfig(container);
    var id = parsed.id;
    var cfg = parsed.config || {};

    L.Icon.Default.imagePath = cfg.iconImagePath || DEFAULT_IMAGE_PATH;

    var center = Array.isArray(cfg.center) && cfg.center.length === 2 ? cfg.center : [39.1598, 117.1962];
    var zoom = typeof cfg.zoom === "number" ? cfg.zoom : 13;
    var maxZoom = typeof cfg.tileMaxZoom === "number" ? cfg.tileMaxZoom : 18;
    // An explicit maxZoom is required by markercluster when there is no tile layer.
    var map = L.map(container, { center: center, zoom: zoom, minZoom: 3, maxZoom: maxZoom, zoomSnap: 0.5 });
    map.emLayers = {};
    window.emMaps[id] = map;

    map.createPane("emLabels");
    map.getPane("emLabels").classList.add("em-map-labels-pane");

    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, {
        attribution: cfg.tileAttribution ? escapeHtml(cfg.tileAttribution) : "",
        maxZoom: maxZoom,
      }).addTo(map);
    } else {
      container.classList.add("em-map--no-tiles");
    }

    var overlays = []; // [name, layer] in config order
    var pending = [];
    var failed = false;

    function track(promise) {
      pending.push(
        promise.catch(function (err) {
          failed = true;
          container.classList.add("em-map--load-error");
          if (window.console) {
            window.console.error("em-map " + id + ":", err);
          }
        })
      );
    }

    if (cfg.outlineUrl) {
      track(
        fetchJson(cfg.outlineUrl).then(function (data) {
          var outline = L.geoJSON(data, {
            interactive: false,
            className: "em-map-outline",
            style: { color: "#c0392b", weight: 2, opacity: 0.9, fill: true, fillColor: "#c0392b", fillOpacity: 0.04 },
          }).addTo(map);
          outline.bringToBack();
          map.emLayers.outline = outline;
          var bounds = outline.getBounds();
          if (bounds.isValid()) {
            map.fitBounds(bounds, { padding: [12, 12] });
          }
        })
      );
    }

    var labelsPromise = null;
    if (cfg.subdistrictsUrl) {
      labelsPromise = fetchJson(cfg.subdistrictsUrl).then(function (data) {
        var labels = labelLayer(data).addTo(map);
        map.emLayers.subdistricts = labels;
        return labels;
      });
      track(labelsPromise);
    }

    var layerDefs = Array.isArray(cfg.layers) ? cfg.layers : [];
    var layerPromises = layerDefs.map(function (def, index) {
      var name = def && def.name ? String(def.name) : "Layer " + (index + 1);
      return fetchJson(def.url).then(function (data) {
        var layer = pointLayer(data, !!def.cluster).addTo(map);
        map.emLayers[name] = layer;
        overlays[index] = [name, layer];
        return layer;
      });
    });
    layerPromises.forEach(track);

    Promise.all(pending).then(function () {
      var entries = overlays.filter(Boolean);
      if (cfg.subdistrictsName && map.emLayers.subdistricts) {
        entries.push([String(cfg.subdistrictsName), map.emLayers.subdistricts]);
      }
      if (layerDefs.length > 1 || (entries.length > 1 && cfg.subdistrictsName)) {
        var control = {};
        entries.forEach(function (entry) {
          control[escapeHtml(entry[0])] = entry[1]; // Leaflet inserts names via innerHTML
        });
        map.emLayerControl = L.control.layers(null, control, { collapsed: false }).addTo(map);
      }
      container.setAttribute("data-em-ready", failed ? "error" : "true");
      container.dispatchEvent(new CustomEvent("em-map:ready", { detail: { id: id, ok: !failed } }));
    });

    return map;
  }

  function initAll() {
    if (typeof L === "undefined") {
      if (window.console) {
        window.console.error("map.js: Leaflet (L) is not loaded");
      }
      return;
    }
    var nodes = document.querySelectorAll(".em-map[data-config-id]");
    Array.prototype.forEach.call(nodes, function (container) {
      if (container.getAttribute("data-em-initialised")) {
        return;
      }
      container.setAttribute("data-em-initialised", "true");
      try {
        initMap(container);
      } catch (err) {
        container.setAttribute("data-em-ready", "error");
        container.classList.add("em-map--load-error");
        if (window.console) {
          window.console.error("map.js:", err);
        }
      }
    });
  }

  window.emMapInit = initAll;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
