/* Body-map picker for the record-a-concern form (templates/record_concern.html).
 * Shows the SVG body map (hidden without JavaScript, where the select list alone is used),
 * and keeps the hidden field `body_site` and the select list in step with the region chosen.
 * No inline script: the page's Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";
  var map = document.querySelector("[data-body-map]");
  var hidden = document.getElementById("body-site");
  var list = document.getElementById("body_site_select");
  var chosen = document.getElementById("body-site-chosen");
  if (!map || !hidden || !list) {
    return;
  }
  var regions = map.querySelectorAll("[data-site]");

  function labelFor(site) {
    var option = list.querySelector('option[value="' + site + '"]');
    return option ? option.textContent : "";
  }

  function choose(site) {
    hidden.value = site;
    list.value = site;
    for (var i = 0; i < regions.length; i++) {
      var on = regions[i].getAttribute("data-site") === site;
      regions[i].classList.toggle("app-body-map__region--selected", on);
      regions[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
    if (chosen) {
      chosen.textContent = site ? "Selected: " + labelFor(site) : "";
    }
  }

  function regionOf(event) {
    var target = event.target;
    return target && target.closest ? target.closest("[data-site]") : null;
  }

  map.addEventListener("click", function (event) {
    var region = regionOf(event);
    if (region) {
      choose(region.getAttribute("data-site"));
    }
  });
  map.addEventListener("keydown", function (event) {
    var region = regionOf(event);
    if (region && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      choose(region.getAttribute("data-site"));
    }
  });
  list.addEventListener("change", function () {
    choose(list.value);
  });
  map.hidden = false;
  choose(hidden.value || list.value);
})();
