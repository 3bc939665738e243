/* The proposal form (rule 3.2): a character count under each long field, and lean inline
 * validation requests.
 *
 * Without JavaScript the form works as it is: the hint under a field states its limit and the
 * server checks it. With JavaScript the hint counts as the member types; a screen reader hears
 * the count in a polite live region once typing pauses, not on every key.
 *
 * Inline validation is htmx (hx-post on each field, on change). htmx sends the whole form,
 * files included; a field's check needs only that field, so the request is cut down to it.
 */
(function () {
  "use strict";

  var pauses = new WeakMap();

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return name in values ? String(values[name]) : match;
    });
  }

  function number(value) {
    var lang = document.documentElement.lang || "da";
    return new Intl.NumberFormat(lang).format(value);
  }

  function count(field, announce) {
    var counter = document.getElementById(field.id + "-count");
    if (!counter) return;
    var max = Number(field.getAttribute("data-charcount"));
    var length = field.value.length;
    var text = length > max
      ? format(counter.getAttribute("data-charcount-over"), { over: number(length - max) })
      : format(counter.getAttribute("data-charcount-text"), { count: number(length), max: number(max) });
    counter.textContent = text;
    counter.classList.toggle("over", length > max);
    if (!announce) return;
    var live = document.getElementById(field.id + "-count-live");
    if (!live) return;
    window.clearTimeout(pauses.get(field));
    pauses.set(field, window.setTimeout(function () { live.textContent = text; }, 1000));
  }

  function countAll() {
    document.querySelectorAll("[data-charcount]").forEach(function (field) { count(field, false); });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field instanceof Element && field.hasAttribute("data-charcount")) count(field, true);
  });

  // An inline check sends only its own field (and the CSRF token), never the files.
  document.addEventListener("htmx:config:request", function (event) {
    var ctx = event.detail && event.detail.ctx;
    var source = ctx && ctx.sourceElement;
    if (!source || !source.hasAttribute || !source.hasAttribute("data-validate")) return;
    var body = ctx.request && ctx.request.body;
    if (!body || typeof body.keys !== "function") return;
    var keep = source.getAttribute("data-validate");
    Array.from(body.keys()).forEach(function (name) {
      if (name !== keep && name !== "csrf_token") body.delete(name);
    });
  });

  document.addEventListener("htmx:after:swap", countAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", countAll);
  } else {
    countAll();
  }
})();
