// Site-wide behaviour. No inline scripts: everything hooks up from here (CSP script-src 'self').
(function () {
  "use strict";
  // htmx must not inject its indicator <style> (blocked by style-src 'self').
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      window.htmx.config.includeIndicatorStyles = false;
      window.htmx.config.allowEval = false;
    }
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    });
  });
  document.addEventListener("htmx:configRequest", function (ev) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { ev.detail.headers["X-CSRFToken"] = token.value; }
  });
})();
