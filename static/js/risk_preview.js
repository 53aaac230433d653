// Live preview of a risk assessment (LEC or LS): the inputs are posted as JSON to the calculator
// endpoint (POST /api/v1/prevention/risk-evaluations), the same code path the assessment service uses,
// and the score, level and colour are shown while the user chooses. No inline script (CSP): the form
// carries the endpoint in data-risk-preview and the labels come from a json_script block.
(function () {
  "use strict";

  function labels() {
    var el = document.getElementById("risk-preview-labels");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  }

  function setup(form) {
    var url = form.getAttribute("data-risk-preview");
    var box = document.getElementById("risk-preview");
    var badge = box.querySelector("[data-preview=badge]");
    var score = box.querySelector("[data-preview=score]");
    var error = box.querySelector("[data-preview=error]");
    var text = labels();
    var seq = 0;

    function method() {
      var checked = form.querySelector("input[name=method]:checked");
      return checked ? checked.value : "lec";
    }
    function value(name) {
      var el = form.elements.namedItem(name);
      return el && el.value ? el.value : "";
    }
    function toggle() {
      var m = method();
      form.querySelectorAll("fieldset[data-method]").forEach(function (fs) {
        fs.classList.toggle("d-none", fs.getAttribute("data-method") !== m);
      });
    }
    function show(result) {
      badge.className = "badge fs-6 em-risk-" + (result ? result.level : 5) + (result && result.level === 3 ? " text-dark" : "");
      badge.textContent = result ? result.level + " · " + result.level_name : "—";
      badge.setAttribute("data-level", result ? String(result.level) : "");
      badge.setAttribute("data-color", result ? result.color : "");
      score.textContent = result ? (text.score || "Score") + " " + result.score : "";
    }
    function showError(body) {
      show(null);
      var fields = body && body.error && body.error.fields ? body.error.fields : null;
      var parts = [];
      if (fields) {
        Object.keys(fields).forEach(function (k) { parts.push(k.toUpperCase() + ": " + fields[k].join(" ")); });
      }
      error.textContent = parts.length ? parts.join("; ") : (text.failed || "The preview is unavailable.");
    }
    function payload() {
      if (method() === "lec") {
        return {method: "lec", l: value("l"), e: value("e"), c: value("c")};
      }
      return {method: "ls", l: value("ls_l"), s: value("s"), table: value("table") || "ls_a"};
    }
    function preview() {
      toggle();
      error.textContent = "";
      var body = payload();
      var missing = Object.keys(body).some(function (k) { return body[k] === ""; });
      if (missing) { show(null); return; }
      var mine = ++seq;
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "X-CSRFToken": token ? token.value : ""},
        body: JSON.stringify(body)
      }).then(function (resp) {
        return resp.json().then(function (data) { return {ok: resp.ok, data: data}; });
      }).then(function (res) {
        if (mine !== seq) { return; }  // a newer choice has been made meanwhile
        if (res.ok) { show(res.data); } else { showError(res.data); }
      }).catch(function () {
        if (mine === seq) { showError(null); }
      });
    }

    form.addEventListener("change", preview);
    preview();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-risk-preview]").forEach(setup);
  });
})();
