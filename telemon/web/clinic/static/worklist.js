// The work list refreshes itself: every 30 s it fetches the same page and swaps in the
// counts and the rows, keeping ticked boxes and the scroll position, and says (to screen
// readers too) how many items are new. No framework; without JavaScript the page still works.
(function () {
  "use strict";
  var live = document.getElementById("worklist-live");
  if (!live || !window.fetch || !window.DOMParser) return;
  var seconds = parseInt(live.getAttribute("data-refresh-seconds"), 10) || 30;

  function keys(root) {
    return Array.prototype.map.call(root.querySelectorAll("tr[data-key]"), function (row) {
      return row.getAttribute("data-key");
    });
  }

  function refresh() {
    if (document.visibilityState !== "visible") return;
    var items = document.getElementById("worklist-items");
    // Never pull the page from under someone who is typing or choosing in it.
    if (items.contains(document.activeElement) && document.activeElement !== document.body) return;
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("not refreshed");
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var newItems = page.getElementById("worklist-items");
        var newLive = page.getElementById("worklist-live");
        if (!newItems || !newLive) return;
        var before = keys(items);
        var ticked = Array.prototype.map.call(
          document.querySelectorAll("input[name=alert_id]:checked"), function (box) { return box.value; });
        var x = window.scrollX, y = window.scrollY;
        live.innerHTML = newLive.innerHTML;
        items.innerHTML = newItems.innerHTML;
        ticked.forEach(function (value) {
          var box = items.querySelector("input[name=alert_id][value='" + value + "']");
          if (box) box.checked = true;
        });
        window.scrollTo(x, y);
        var fresh = keys(items).filter(function (key) { return before.indexOf(key) < 0; });
        if (fresh.length) {
          fresh.forEach(function (key) {
            var row = items.querySelector("tr[data-key='" + key + "']");
            if (row) row.classList.add("fresh");
          });
          var news = document.getElementById("worklist-news");
          if (news) news.textContent = fresh.length + " " + (live.getAttribute("data-new-text") || "new");
          document.title = "(" + fresh.length + ") " + document.title.replace(/^\(\d+\) /, "");
        }
      })
      .catch(function () { /* offline or signed out: try again next time */ });
  }

  window.setInterval(refresh, seconds * 1000);
})();
