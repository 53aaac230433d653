/*
 * charts.js — CSP-safe ECharts helper.
 *
 * Requires /static/vendor/echarts/echarts.min.js loaded before this file.
 *
 * Markup:
 *   <div class="em-chart" data-config-id="chart-1"></div>
 *   {{ chart_option|json_script:"chart-1" }}
 *
 * The JSON is an ECharts `option` object (data only: no functions, so
 * formatters must be template strings such as "{b}: {c}"). Charts are
 * rendered with the SVG renderer unless data-renderer="canvas" is set.
 * If the container has no height from CSS, it gets data-height (px, default
 * 320) via CSSOM (allowed under a strict style-src CSP).
 * Tooltips default to renderMode "richText" (no HTML, CSP-safe).
 * Sets window.emCharts[id] = chart instance and data-em-ready="true" (or
 * "error") on the container, for tests.
 */
(function () {
  "use strict";

  window.emCharts = window.emCharts || {};

  // ECharts' default HTML tooltips inject markup with style="" attributes
  // (blocked by a strict style-src CSP). Unless the config says otherwise,
  // render tooltips with zrender instead (renderMode "richText").
  function cspSafeTooltips(option) {
    var tooltips = option && option.tooltip;
    if (!tooltips) {
      return option;
    }
    (Array.isArray(tooltips) ? tooltips : [tooltips]).forEach(function (tooltip) {
      if (tooltip && typeof tooltip === "object" && tooltip.renderMode === undefined) {
        tooltip.renderMode = "richText";
      }
    });
    return option;
  }

  function initChart(container) {
    var id = container.getAttribute("data-config-id");
    var script = id ? document.getElementById(id) : null;
    if (!script) {
      throw new Error("chart config element not found: " + id);
    }
    var option = JSON.parse(script.textContent);
    if (!container.clientHeight) {
      var h = parseInt(container.getAttribute("data-height"), 10);
      container.style.height = (h > 0 ? h : 320) + "px";
    }
    var renderer = container.getAttribute("data-renderer") === "canvas" ? "canvas" : "svg";
    var chart = window.echarts.getInstanceByDom(container) || window.echarts.init(container, null, { renderer: renderer });
    chart.setOption(cspSafeTooltips(option));
    window.emCharts[id] = chart;
    container.setAttribute("data-em-ready", "true");
    return chart;
  }

  function initAll() {
    if (typeof window.echarts === "undefined") {
      if (window.console) {
        window.console.error("charts.js: echarts is not loaded");
      }
      return;
    }
    var nodes = document.querySelectorAll(".em-chart[data-config-id]");
    Array.prototype.forEach.call(nodes, function (container) {
      if (container.getAttribute("data-em-initialised")) {
        return;
      }
      container.setAttribute("data-em-initialised", "true");
      try {
        initChart(container);
      } catch (err) {
        container.setAttribute("data-em-ready", "error");
        if (window.console) {
          window.console.error("charts.js:", err);
        }
      }
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    if (resizeTimer) {
      window.clearTimeout(resizeTimer);
    }
    resizeTimer = window.setTimeout(function () {
      Object.keys(window.emCharts).forEach(function (id) {
        var chart = window.emCharts[id];
        if (chart && !chart.isDisposed()) {
          chart.resize();
        }
      });
    }, 100);
  });

  window.emChartsInit = initAll;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
