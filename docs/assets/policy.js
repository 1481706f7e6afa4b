/* Policy sites: small accessibility fixes to the theme's behaviour.
 *
 * The header's menu and search buttons (overrides/partials/header.html) are buttons where
 * material has labels, which the keyboard cannot reach. The menu button presses material's
 * drawer checkbox, says whether the menu is open (aria-expanded), moves focus into the menu
 * when it opens, and Esc closes the menu and puts focus back on the button. Focus leaving
 * the open menu closes it (the page under it is covered).
 *
 * Search: the search button opens search and puts focus in the box, as material's label
 * does. The box is out of the Tab order while the full-screen search of a narrow screen is
 * closed (Tab reaching it would open search); with search open, Tab moves on to the results
 * (material closes search on Tab, and leaves its results to the arrow keys) and leaving
 * search closes it; Esc closes search and puts focus back on the search button (on a wide
 * screen the box is the button: focus stays in it, and typing there opens search again).
 * The count of results is a live region (overrides/partials/search.html).
 *
 * A table wider than the screen scrolls sideways inside material's wrapper; keyboard users
 * must be able to focus that wrapper to scroll it (WCAG 2.1.1; axe: scrollable-region-focusable).
 * Only wrappers that actually scroll become focusable, and they are re-checked on resize.
 *
 * The contents in the sidebar follow the reading (material's toc.follow: a moment after the
 * page scrolls, the sidebar scrolls to the heading being read). Keyboard focus on one of the
 * sidebar's links stays in sight: the sidebar follows only as far as it can while the focused
 * link is still shown whole (else Shift+Tab from the text into the contents could land on a
 * link that is then scrolled away). macros/mkdocs_glue/fences.py ties this to material's script.
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
  function shown(element) {
    return element.getClientRects().length > 0 && getComputedStyle(element).visibility === "visible";
  }
  function firstFocusable(container) {
    var candidates = container.querySelectorAll('a[href], button, input, [tabindex="0"]');
    for (var i = 0; i < candidates.length; i++) {
      if (shown(candidates[i])) return candidates[i];
    }
    return null;
  }

  // material's toggles lose autocomplete="off" (not allowed on a checkbox;
  // macros/output_hooks.py), so a browser that restores form fields on Back could reopen the
  // menu or search: they start closed, unless a ?q= link opened search.
  function startClosed(toggle) {
    if (toggle && toggle.checked) toggle.click();
  }

  function menu() {
    var toggle = document.getElementById("__drawer");
    var button = document.querySelector(".policy-menu-button");
    var drawer = document.querySelector(".md-sidebar--primary");
    if (!toggle || !button || !drawer) return;
    startClosed(toggle);
    button.addEventListener("click", function () { toggle.click(); });
    toggle.addEventListener("change", function () {
      button.setAttribute("aria-expanded", String(toggle.checked));
      if (toggle.checked) {
        var first = firstFocusable(drawer);
        if (first) first.focus();
      } else if (drawer.contains(document.activeElement)) {
        button.focus();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked) toggle.click();
    });
    drawer.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (toggle.checked && next && next !== button && !drawer.contains(next)) toggle.click();
    });
    // A section's sub-menu in the drawer has a title that goes back up a level: a label only
    // the pointer reached. Tab reaches it; Enter presses it (material's handler for labels);
    // focus then goes to the section's own entry in the menu it went back to.
    drawer.querySelectorAll('.md-nav .md-nav .md-nav__title[for^="__nav"]').forEach(function (title) {
      var section = document.getElementById(title.htmlFor);
      var entry = document.getElementById(title.htmlFor + "_label");
      title.setAttribute("tabindex", "0");
      if (!section || !entry) return;
      section.addEventListener("change", function () {
        if (!section.checked && document.activeElement === title) entry.focus();
      });
    });
  }

  function search() {
    var toggle = document.getElementById("__search");
    var dialog = document.querySelector('[data-md-component="search"]');
    var query = document.querySelector('[data-md-component="search-query"]');
    var button = document.querySelector(".policy-search-button");
    if (!toggle || !dialog || !query) return;
    if (!/[?&]q=/.test(location.search)) startClosed(toggle);
    if (button) {
      button.addEventListener("click", function () {
        if (!toggle.checked) toggle.click();
        query.focus();
      });
    }
    var wide = window.matchMedia("(min-width: 60em)");
    function tabOrder() {
      if (wide.matches || toggle.checked) query.removeAttribute("tabindex");
      else query.setAttribute("tabindex", "-1");
    }
    tabOrder();
    toggle.addEventListener("change", tabOrder);
    wide.addEventListener("change", tabOrder);
    window.addEventListener("keydown", function (event) {
      if (!toggle.checked || !dialog.contains(document.activeElement)) return;
      if (event.key === "Tab") {
        event.stopPropagation();          // material would close search
      } else if (event.key === "Escape") {
        event.stopPropagation();
        event.preventDefault();
        if (button && shown(button)) {
          toggle.click();
          button.focus();
        } else if (document.activeElement === query) {
          toggle.click();
        } else {
          // material opens search when the box takes focus (a moment later): close after it
          query.focus();
          setTimeout(function () { if (toggle.checked) toggle.click(); }, 20);
        }
      }
    }, true);
    dialog.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (toggle.checked && next && !dialog.contains(next)) toggle.click();
    });
    query.addEventListener("input", function () {
      if (!toggle.checked) toggle.click();
    });
    // material writes the results out of the Tab order (tabindex="-1": arrow keys only).
    var list = dialog.querySelector(".md-search-result__list");
    if (list && window.MutationObserver) {
      new MutationObserver(function () {
        list.querySelectorAll('a[tabindex="-1"], summary[tabindex="-1"]').forEach(function (result) {
          result.removeAttribute("tabindex");
        });
      }).observe(list, { childList: true, subtree: true });
    }
  }

  function keepFocusInSight(wrap) {
    var scrollTo = wrap.scrollTo;
    wrap.scrollTo = function (options) {
      var focused = document.activeElement;
      if (arguments.length !== 1 || !options || typeof options.top !== "number" || focused === wrap ||
          !wrap.contains(focused) || !focused.matches(":focus-visible")) {
        return scrollTo.apply(wrap, arguments);
      }
      var top = focused.getBoundingClientRect().top - wrap.getBoundingClientRect().top + wrap.scrollTop;
      var bottom = top + focused.getBoundingClientRect().height;
      return scrollTo.call(wrap, Object.assign({}, options, {
        top: Math.min(Math.max(options.top, bottom - wrap.clientHeight), top)
      }));
    };
  }

  menu();
  search();
  document.querySelectorAll(".md-sidebar__scrollwrap").forEach(keepFocusInSight);
  if (typeof document$ !== "undefined") {
    document$.subscribe(update);
  } else {
    document.addEventListener("DOMContentLoaded", update);
  }
  window.addEventListener("resize", update);
})();
