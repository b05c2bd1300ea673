/* The chair-side chart: count down (and up) to each due time the server computed (records/session_detail.html).
   Without this script the due times and their status still show; with it, "in 12 min" / "5 min overdue" update
   every 15 seconds. No inline script: the page's Content-Security-Policy allows scripts from this origin only. */
(function () {
  "use strict";
  function words(minutes) {
    if (minutes < 60) { return minutes + " min"; }
    var h = Math.floor(minutes / 60), m = minutes % 60;
    return h + " h" + (m ? " " + m + " min" : "");
  }
  function tick() {
    var now = Date.now();
    var timers = document.querySelectorAll(".timer[data-due]");
    Array.prototype.forEach.call(timers, function (el) {
      var out = el.querySelector(".countdown");
      var due = Date.parse(el.getAttribute("data-due"));
      if (!out || isNaN(due)) { return; }
      if (el.getAttribute("data-status") === "done") { out.textContent = "done"; return; }
      var minutes = Math.round((due - now) / 60000);
      var discharge = el.getAttribute("data-kind") === "discharge";
      el.classList.toggle("is-due", minutes === 0);
      el.classList.toggle("is-overdue", minutes < 0 && !discharge);
      if (minutes > 0) { out.textContent = "in " + words(minutes); }
      else if (minutes === 0) { out.textContent = discharge ? "now" : "due now"; }
      else { out.textContent = discharge ? "possible since " + words(-minutes) : words(-minutes) + " overdue"; }
    });
  }
  tick();
  window.setInterval(tick, 15000);
}());
