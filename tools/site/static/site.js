// The language links (in the header, and the button that stays in the corner) follow the reader: they point at
// the section now on screen, so switching language lands on the same section of the twin page (the anchors are
// the same in both languages: s1, s2, ...).
(function () {
  "use strict";
  var links = [document.getElementById("twin-link"), document.getElementById("twin-float")].filter(Boolean);
  if (!links.length) return;
  var base = links[0].getAttribute("href").split("#")[0];
  var headings = Array.prototype.slice.call(document.querySelectorAll("main h1[id], main h2[id], main h3[id], main h4[id]"));
  function current() {
    var found = null;
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top <= 80) found = headings[i]; else break;
    }
    links.forEach(function (link) { link.setAttribute("href", found ? base + "#" + found.id : base); });
  }
  var pending = false;
  window.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; current(); });
  }, { passive: true });
  window.addEventListener("hashchange", current);
  current();
})();
