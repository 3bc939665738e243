/* A live countdown beside a deadline (rule 3.2): "(2 dage, 4 timer tilbage)".
 *
 * The page states the deadline as plain text; this only adds the time left in
 * <span data-countdown="EPOCH-MS"> (with the Danish or English wording in its data
 * attributes). Without JavaScript the span stays empty and the deadline text stands alone.
 * The server decides whether a proposal is in time, never this clock. The span has
 * role="timer", which screen readers do not announce on every tick.
 */
(function () {
  "use strict";

  var SECOND = 1000, MINUTE = 60 * SECOND, HOUR = 60 * MINUTE, DAY = 24 * HOUR;

  function unit(count, name) {
    var lang = document.documentElement.lang || "da";
    try {
      return new Intl.NumberFormat(lang, { style: "unit", unit: name, unitDisplay: "long" }).format(count);
    } catch (error) {
      return count + " " + name;
    }
  }

  function left(ms) {
    var days = Math.floor(ms / DAY);
    var hours = Math.floor((ms % DAY) / HOUR);
    var minutes = Math.floor((ms % HOUR) / MINUTE);
    var seconds = Math.floor((ms % MINUTE) / SECOND);
    if (days > 0) return unit(days, "day") + ", " + unit(hours, "hour");
    if (hours > 0) return unit(hours, "hour") + ", " + unit(minutes, "minute");
    return unit(minutes, "minute") + ", " + unit(seconds, "second");
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (element) {
      var deadline = Number(element.getAttribute("data-countdown"));
      if (!deadline) return;
      var remaining = deadline - now;
      var text = remaining > 0
        ? (element.getAttribute("data-countdown-left") || "{left}").replace("{left}", left(remaining))
        : element.getAttribute("data-countdown-passed") || "";
      if (element.textContent !== text) element.textContent = text;
    });
  }

  function start() {
    tick();
    window.setInterval(tick, SECOND);
    // A deadline swapped in by htmx (the meeting chosen again) is counted at once.
    document.addEventListener("htmx:after:swap", tick);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
