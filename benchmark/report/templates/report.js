"use strict";
// Layer toggles hide a layer's article (the elements stay in the page); hovering
// a marked span lights every piece of its item and shows its labels.
document.querySelectorAll("input[data-toggle-layer]").forEach(function (box) {
  box.addEventListener("change", function () {
    var section = box.closest("section.system");
    section.querySelectorAll(".article[data-article-layer]").forEach(function (article) {
      if (article.getAttribute("data-article-layer") === box.getAttribute("data-toggle-layer")) {
        article.hidden = !box.checked;
      }
    });
  });
});
document.querySelectorAll("section.system").forEach(function (section) {
  var info = section.querySelector(".info");
  var lit = [];
  section.addEventListener("mouseover", function (event) {
    var span = event.target.closest(".ann");
    if (!span) { return; }
    lit.forEach(function (piece) { piece.classList.remove("lit"); });
    var id = span.getAttribute("data-item");
    lit = Array.prototype.filter.call(section.querySelectorAll(".ann"), function (piece) {
      return piece.getAttribute("data-item") === id;
    });
    lit.forEach(function (piece) { piece.classList.add("lit"); });
    info.textContent = span.getAttribute("data-layer") + " · " + span.getAttribute("data-outcome") + " · " +
      span.getAttribute("data-category") + "\ngold: " + span.getAttribute("data-gold") +
      "\npred: " + span.getAttribute("data-pred");
  });
});
