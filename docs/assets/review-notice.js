/* Shows "this policy's review date has passed" when the reader opens a page after the
 * school's next review date (the last day of the stated period, e.g. "Autumn 2025" is
 * due by 2025-12-31). The date comes from the page (data-next-review), today from the
 * reader's own clock, so an old build still tells the truth. No request is made. */
(function () {
  "use strict";
  function show() {
    var box = document.querySelector("[data-next-review]");
    if (!box) { return; }
    var due = box.getAttribute("data-next-review") || "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(due)) { return; }
    var d = new Date();
    var today = d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" +
      String(d.getDate()).padStart(2, "0");
    if (today <= due) { return; }
    var text = box.getAttribute("data-next-review-text") || due;
    // One short paragraph: it says when the policy was due without pushing the policy down.
    var body = document.createElement("p");
    var label = document.createElement("strong");
    label.textContent = "Review date passed:";
    body.appendChild(label);
    var ask = box.getAttribute("data-ask") || "Please ask the school for its current policy.";
    body.appendChild(document.createTextNode(" this policy was due to be reviewed by " + text +
      ". " + ask));
    box.textContent = "";
    box.appendChild(body);
    box.classList.add("admonition", "warning", "policy-review-notice--due");
  }
  // Loaded right after the notice, so it is already there unless the script was moved.
  if (document.readyState === "loading" && !document.querySelector("[data-next-review]")) {
    document.addEventListener("DOMContentLoaded", show);
  } else {
    show();
  }
})();
