// Ops app: keyboard navigation in the instant search results.
(function () {
  "use strict";
  function results() { return document.getElementById("ops-search-results"); }
  function options() { return Array.from(results().querySelectorAll("a")); }
  function select(index) {
    var all = options();
    all.forEach(function (a, i) { a.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (all[index]) { all[index].scrollIntoView({ block: "nearest" }); }
  }
  function selectedIndex() {
    return options().findIndex(function (a) { return a.getAttribute("aria-selected") === "true"; });
  }
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("ops-search-box");
    if (!box) { return; }
    if (event.key === "/" && document.activeElement.tagName !== "INPUT" && document.activeElement.tagName !== "TEXTAREA") {
      event.preventDefault();
      box.focus();
      return;
    }
    if (event.target !== box) { return; }
    var count = options().length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      select((selectedIndex() + 1) % count);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      select((selectedIndex() - 1 + count) % count);
    } else if (event.key === "Enter") {
      var chosen = options()[Math.max(selectedIndex(), 0)];
      if (chosen) { event.preventDefault(); window.location.href = chosen.href; }
    } else if (event.key === "Escape") {
      results().innerHTML = "";
      box.setAttribute("aria-expanded", "false");
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id === "ops-search-results") {
      var box = document.getElementById("ops-search-box");
      box.setAttribute("aria-expanded", options().length ? "true" : "false");
      if (options().length) { select(0); }
    }
  });
})();

// Ops app: a job type fills in its duration, until the duration is typed by hand.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-fills-duration]")) { return; }
    var input = document.getElementById(select.getAttribute("data-fills-duration"));
    if (!input || input.dataset.typed === "true") { return; }
    input.value = select.selectedOptions[0].getAttribute("data-minutes") || "";
  });
  document.addEventListener("input", function (event) {
    if (event.target.id === "job-duration") { event.target.dataset.typed = "true"; }
  });
})();
