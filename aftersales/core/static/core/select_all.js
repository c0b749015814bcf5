/* Select-all checkboxes on the staff lists (no inline script: the CSP allows only files).
   <input type="checkbox" data-select-all="cases"> in a form ticks or clears every checkbox
   named "cases" in that form; it shows "some selected" (indeterminate) when only some are.
   Listens on the document, so rows swapped in by htmx need no new wiring. */
(function () {
  "use strict";
  function boxes(form, name) {
    return Array.prototype.filter.call(
      form.querySelectorAll('input[type="checkbox"]'),
      function (box) { return box.name === name; });
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.form) {
      return;
    }
    var name = box.getAttribute("data-select-all");
    if (name) {
      boxes(box.form, name).forEach(function (row) { row.checked = box.checked; });
      box.indeterminate = false;
      return;
    }
    var all = Array.prototype.find.call(
      box.form.querySelectorAll("input[data-select-all]"),
      function (el) { return el.getAttribute("data-select-all") === box.name; });
    if (!all) {
      return;
    }
    var rows = boxes(box.form, box.name);
    var ticked = rows.filter(function (row) { return row.checked; }).length;
    all.checked = ticked === rows.length;
    all.indeterminate = ticked > 0 && ticked < rows.length;
  });
})();
