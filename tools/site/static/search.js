// Search without a server: the index (search-index.js, one per language) lists every section of every page
// with its text; a query matches a section when each of its words occurs in it (Bengali or English, any case).
(function () {
  "use strict";
  var index = window.COURSE_INDEX || [];
  var words = window.COURSE_WORDS || {};
  var box = document.getElementById("q"), list = document.getElementById("results"), summary = document.getElementById("summary");
  function norm(s) { return s.normalize("NFC").toLowerCase(); }
  function escape(s) { return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function snippet(text, term) {
    var at = norm(text).indexOf(term), start = Math.max(0, at - 60), end = Math.min(text.length, at + term.length + 100);
    var before = escape(text.slice(start, at)), hit = escape(text.slice(at, at + term.length)), after = escape(text.slice(at + term.length, end));
    return (start > 0 ? "…" : "") + before + "<mark>" + hit + "</mark>" + after + (end < text.length ? "…" : "");
  }
  function run(query) {
    var terms = norm(query).split(/\s+/).filter(Boolean), hits = [];
    list.innerHTML = "";
    if (!terms.length) { summary.textContent = words.hint; return; }
    index.forEach(function (entry) {
      var title = norm(entry.t), text = norm(entry.x), score = 0;
      for (var i = 0; i < terms.length; i++) {
        var inTitle = title.indexOf(terms[i]) >= 0, inText = text.indexOf(terms[i]) >= 0;
        if (!inTitle && !inText) return;
        score += (inTitle ? 10 : 0) + (inText ? 1 + Math.min(text.split(terms[i]).length - 1, 9) : 0);
      }
      hits.push({ entry: entry, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    var n = String(hits.length).replace(/[0-9]/g, function (d) { return words.digits.charAt((+d + 9) % 10); });
    summary.textContent = (hits.length ? words.count : words.none).replace("{q}", query).replace("{n}", n);
    hits.slice(0, 50).forEach(function (hit) {
      var e = hit.entry, li = document.createElement("li"), first = terms[0];
      var body = norm(e.x).indexOf(first) >= 0 ? snippet(e.x, first) : escape(e.x.slice(0, 160));
      li.innerHTML = '<a href="' + e.u + '">' + escape(e.t) + '</a> <span class="where">' + escape(e.p) + "</span><br>" + body;
      list.appendChild(li);
    });
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  box.value = query;
  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    run(box.value);
    try { history.replaceState(null, "", "?q=" + encodeURIComponent(box.value)); } catch (e) { /* some file:// setups */ }
  });
  run(query);
})();
