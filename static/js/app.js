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
    foldFiltersOnPhones();
  });

  // On a phone a list's filter form (a GET form in the page with three or more fields) folds behind one
  // button, so the list itself is on the first screen; the button says how many filters are set.
  function foldFiltersOnPhones() {
    var main = document.querySelector("main");
    if (!main || !window.matchMedia("(max-width: 767.98px)").matches) { return; }
    var label = main.getAttribute("data-filters-label") || "Filters";
    main.querySelectorAll("form[method=get]:not([role=search])").forEach(function (form, i) {
      var fields = form.querySelectorAll("input:not([type=hidden]), select");
      if (fields.length < 3) { return; }
      var set = 0;
      fields.forEach(function (f) {
        if ((f.type === "checkbox" && f.checked) || (f.type !== "checkbox" && f.value)) { set += 1; }
      });
      if (!form.id) { form.id = "em-filters-" + i; }
      form.classList.add("em-folded");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-secondary btn-sm mb-2 em-filters-toggle";
      button.setAttribute("aria-controls", form.id);
      button.setAttribute("aria-expanded", "false");
      button.textContent = set ? label + " (" + set + ")" : label;
      button.addEventListener("click", function () {
        var open = form.classList.toggle("em-folded") === false;
        button.setAttribute("aria-expanded", open ? "true" : "false");
      });
      form.parentNode.insertBefore(button, form);
    });
  }
  document.addEventListener("htmx:configRequest", function (ev) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { ev.detail.headers["X-CSRFToken"] = token.value; }
  });
})();
