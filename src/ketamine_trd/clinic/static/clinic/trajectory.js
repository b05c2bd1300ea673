// The measurement page: the server's drawing of the trajectory shows at once (inline SVG); Plotly's interactive
// chart (zoom, values on hover) is drawn only when asked for, so the page never waits for Plotly's 4.8 MB script.
(function () {
  "use strict";
  function draw(button) {
    var target = document.getElementById("trajectory-chart");
    var figure = JSON.parse(document.getElementById("trajectory-figure").textContent);
    var show = function () {
      window.Plotly.newPlot(target, figure.data, figure.layout, {responsive: true, displaylogo: false});
      target.hidden = false;
      var still = document.getElementById("trajectory-static");
      if (still) { still.hidden = true; }
      button.hidden = true;
    };
    if (window.Plotly) { show(); return; }
    button.disabled = true;
    button.textContent = "Loading the interactive chart…";
    var script = document.createElement("script");
    script.src = button.getAttribute("data-plotly");
    script.onload = show;
    script.onerror = function () {
      button.disabled = false;
      button.textContent = "The interactive chart could not load: try again";
    };
    document.head.appendChild(script);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("trajectory-interactive");
    if (button) { button.addEventListener("click", function () { draw(button); }); }
  });
}());
