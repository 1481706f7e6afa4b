/* Policy sites: small accessibility fixes to the theme's markup.
 *
 * On a phone (or zoomed in) the header's menu and search buttons are <label>s, which the
 * keyboard cannot reach: they become buttons that Tab reaches and Enter or Space presses.
 *
 * A table wider than the screen scrolls sideways inside material's wrapper; keyboard users
 * must be able to focus that wrapper to scroll it (WCAG 2.1.1; axe: scrollable-region-focusable).
 * Only wrappers that actually scroll become focusable, and they are re-checked on resize.
 */
(function () {
  function label(wrap) {
    var caption = wrap.querySelector("caption");
    return caption ? caption.textContent.trim() + " (scrolls sideways)" : "Table (scrolls sideways)";
  }
  function update() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap));
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  function keyboardButtons() {
    var names = { __drawer: "Open the menu", __search: "Search" };
    Object.keys(names).forEach(function (target) {
      var label = document.querySelector('.md-header label.md-header__button[for="' + target + '"]');
      if (!label || label.hasAttribute("tabindex")) return;
      label.setAttribute("role", "button");
      label.setAttribute("tabindex", "0");
      label.setAttribute("aria-label", names[target]);
      label.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          // material's own keyboard handler would press the label a second time
          event.preventDefault();
          event.stopPropagation();
          label.click();
        }
      });
    });
  }
  keyboardButtons();
  if (typeof document$ !== "undefined") {
    document$.subscribe(keyboardButtons);
    document$.subscribe(update);
  } else {
    document.addEventListener("DOMContentLoaded", update);
  }
  window.addEventListener("resize", update);
})();
