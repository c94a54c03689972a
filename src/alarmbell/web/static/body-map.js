/* Body-map picker for the record-a-concern form (templates/record_concern.html).
 * Without JavaScript the form has one "Injury N" row per injury (site list and injury type)
 * and an "Add another injury" button that posts back for one row more. With it, the SVG body
 * map is shown: selecting a part of the body adds it to the first empty row (a new row when
 * none is empty), selecting it again removes it, and "Add another injury" adds a row here.
 * No inline script: the page's Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";
  var map = document.querySelector("[data-body-map]");
  var rows = document.querySelector("[data-injury-rows]");
  var add = document.querySelector("[data-add-injury]");
  var chosen = document.getElementById("body-map-chosen");
  if (!map || !rows) {
    return;
  }
  var regions = map.querySelectorAll("[data-site]");

  function siteLists() {
    return rows.querySelectorAll("[data-injury-site]");
  }

  function labelFor(site) {
    var option = siteLists()[0].querySelector('option[value="' + site + '"]');
    return option ? option.textContent : "";
  }

  function addRow() {
    var all = rows.querySelectorAll("[data-injury-row]");
    var copy = all[all.length - 1].cloneNode(true);
    var n = all.length + 1;
    copy.querySelector("legend").textContent = "Injury " + n;
    var errors = copy.querySelectorAll(".govuk-error-message");
    for (var e = 0; e < errors.length; e++) {
      errors[e].parentNode.removeChild(errors[e]);
    }
    var groups = copy.querySelectorAll(".govuk-form-group--error");
    for (var g = 0; g < groups.length; g++) {
      groups[g].classList.remove("govuk-form-group--error");
    }
    var fields = copy.querySelectorAll("select, label");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      var attr = f.tagName === "LABEL" ? "for" : "id";
      f.setAttribute(attr, f.getAttribute(attr).replace(/injury-\d+-/, "injury-" + n + "-"));
      if (f.tagName === "SELECT") {
        f.name = f.id;
        f.value = "";
      }
    }
    rows.appendChild(copy);
    return copy;
  }

  function refresh() {
    var picked = [];
    var lists = siteLists();
    for (var i = 0; i < lists.length; i++) {
      if (lists[i].value) {
        picked.push(lists[i].value);
      }
    }
    for (var r = 0; r < regions.length; r++) {
      var on = picked.indexOf(regions[r].getAttribute("data-site")) !== -1;
      regions[r].classList.toggle("app-body-map__region--selected", on);
      regions[r].setAttribute("aria-pressed", on ? "true" : "false");
    }
    if (chosen) {
      chosen.textContent = picked.length ? "Marked: " + picked.map(labelFor).join(", ") : "";
    }
  }

  function toggle(site) {
    var lists = siteLists();
    for (var i = 0; i < lists.length; i++) {
      if (lists[i].value === site) {
        lists[i].value = "";
        var row = lists[i].closest("[data-injury-row]");
        row.querySelector("[data-injury-type]").value = "";
        refresh();
        return;
      }
    }
    var empty = null;
    for (var j = 0; j < lists.length && !empty; j++) {
      if (!lists[j].value) {
        empty = lists[j];
      }
    }
    if (!empty) {
      empty = addRow().querySelector("[data-injury-site]");
    }
    empty.value = site;
    refresh();
  }

  function regionOf(event) {
    var target = event.target;
    return target && target.closest ? target.closest("[data-site]") : null;
  }

  map.addEventListener("click", function (event) {
    var region = regionOf(event);
    if (region) {
      toggle(region.getAttribute("data-site"));
    }
  });
  map.addEventListener("keydown", function (event) {
    var region = regionOf(event);
    if (region && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      toggle(region.getAttribute("data-site"));
    }
  });
  rows.addEventListener("change", refresh);
  if (add) {
    add.type = "button";
    add.addEventListener("click", function () {
      addRow().querySelector("select").focus();
      refresh();
    });
  }
  map.hidden = false;
  refresh();
})();
