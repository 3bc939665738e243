// Drag and drop on the agenda builder (rule 3.6: staff set the order the chair decides).
//
// The "Flyt op" / "Flyt ned" buttons do the same without JavaScript and from the keyboard;
// this only adds dragging with a mouse, using the browser's own drag events. After a drop the
// list's form is submitted with its hidden `order` inputs in their new order: htmx posts it
// (with the CSRF header from <body hx-headers>) and swaps the re-rendered list in; without
// htmx it is a plain POST that answers 303. The server checks that the order names exactly
// the meeting's items. Listeners sit on the document, so a swapped-in list needs no set-up.
(function () {
  "use strict";

  var ITEM = ".builder-item[draggable='true']";
  var dragged = null;
  var orderAtStart = "";

  function listOf(element) {
    return element ? element.closest(".builder-list") : null;
  }

  function orderOf(list) {
    return Array.prototype.map
      .call(list.querySelectorAll(":scope > .builder-item"), function (item) {
        return item.getAttribute("data-item-id");
      })
      .join(",");
  }

  function itemAt(target) {
    return target && target.closest ? target.closest(".builder-item") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var item = event.target && event.target.closest ? event.target.closest(ITEM) : null;
    if (!item || !listOf(item)) {
      return;
    }
    dragged = item;
    orderAtStart = orderOf(listOf(item));
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.getAttribute("data-item-id"));
  });

  document.addEventListener("dragover", function (event) {
    var over = itemAt(event.target);
    if (!dragged || !over || listOf(over) !== listOf(dragged)) {
      return;
    }
    event.preventDefault(); // allows the drop here
    event.dataTransfer.dropEffect = "move";
    if (over === dragged) {
      return;
    }
    var box = over.getBoundingClientRect();
    var below = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, below ? over.nextSibling : over);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) {
      event.preventDefault();
    }
  });

  document.addEventListener("dragend", function () {
    if (!dragged) {
      return;
    }
    var item = dragged;
    var list = listOf(item);
    dragged = null;
    item.classList.remove("dragging");
    if (!list || orderOf(list) === orderAtStart) {
      return;
    }
    var form = list.closest("form");
    if (form) {
      form.requestSubmit();
    }
  });
})();
