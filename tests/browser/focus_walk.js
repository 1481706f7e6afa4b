// Loaded into every page the audit visits (tests/browser/conftest.py). A keyboard walk
// presses Tab (or Shift+Tab) again and again; on each key's release, after the browser has
// moved focus and scrolled it into view, this records where focus is and whether a reader
// can see it: inside the viewport and any box that clips it, not zero-sized, not faded out
// (opacity of it or an ancestor), not hidden (visibility), and not covered by something
// else (the sticky header, "Back to top"), found with elementFromPoint at its centre and
// near its top. A walk ends when focus comes back to where it started.
//
// iconContrast() measures every theme icon drawn by policy.css against what is behind it
// (non-text contrast, WCAG 1.4.11), which axe does not check.
(() => {
  const describe = (el) => {
    const text = (el.getAttribute("aria-label") || el.textContent || "").trim().replace(/\s+/g, " ");
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.classList.length ? "." + [...el.classList].filter((c) => c !== "focus-visible").join(".") : "") +
      (text ? ' "' + text.slice(0, 40) + '"' : "");
  };

  // A visually hidden radio button (material's palette switch) shows its focus on the label
  // that is shown (policy.css): that label is what the reader sees.
  const shownFor = (el) => {
    if (el.matches("input.md-option")) {
      const label = el.closest('[data-md-component="palette"]').querySelector("label:not([hidden])");
      if (label) return label;
    }
    return el;
  };

  const check = (focused) => {
    const el = shownFor(focused);
    const vw = document.documentElement.clientWidth, vh = window.innerHeight;
    const r = el.getBoundingClientRect();
    const invisible = [];
    if (r.width < 1 || r.height < 1) invisible.push("zero size");
    // Clipped by the viewport and by the ancestors whose overflow can clip it (an absolutely
    // positioned box escapes those between it and its containing block, the nearest
    // positioned ancestor). It must show whole, or as much of it as the clipping box can.
    let clipTop = 0, clipLeft = 0, clipBottom = vh, clipRight = vw, clippers = [];
    let position = getComputedStyle(el).position;
    for (let a = el.parentElement; a && a !== document.documentElement && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      const contains = position === "fixed" ? s.transform !== "none"
        : position === "absolute" ? s.position !== "static" || s.transform !== "none" : true;
      if (!contains) continue;
      position = s.position;
      if (s.overflowX !== "visible" || s.overflowY !== "visible") {
        const ar = a.getBoundingClientRect();
        if (s.overflowX !== "visible") { clipLeft = Math.max(clipLeft, ar.left); clipRight = Math.min(clipRight, ar.right); }
        if (s.overflowY !== "visible") { clipTop = Math.max(clipTop, ar.top); clipBottom = Math.min(clipBottom, ar.bottom); }
        clippers.push(describe(a).split(" ")[0] + " " + [ar.top, ar.bottom].map(Math.round).join("-"));
      }
    }
    const top = Math.max(r.top, clipTop), bottom = Math.min(r.bottom, clipBottom);
    const left = Math.max(r.left, clipLeft), right = Math.min(r.right, clipRight);
    const needWidth = Math.min(r.width, clipRight - clipLeft), needHeight = Math.min(r.height, clipBottom - clipTop);
    if (right - left < needWidth - 1 || bottom - top < needHeight - 1 || needWidth < 1 || needHeight < 1) {
      invisible.push("outside the viewport at " + [r.left, r.top, r.width, r.height].map(Math.round).join(",") +
        (clippers.length ? " (clipped by " + clippers.join(", ") + ")" : ""));
    }
    for (let a = el; a; a = a.parentElement) {
      const opacity = parseFloat(getComputedStyle(a).opacity);
      if (opacity < 0.1) { invisible.push("opacity " + opacity + (a === el ? "" : " on " + describe(a))); break; }
    }
    const visibility = getComputedStyle(el).visibility;
    if (visibility !== "visible") invisible.push("visibility " + visibility);
    const covered = [];
    if (!invisible.length) {
      const x = (left + right) / 2;
      const ys = [(top + bottom) / 2, top + 2];
      for (const y of ys) {
        const hit = document.elementFromPoint(x, y);
        if (hit && !el.contains(hit) && !hit.contains(el)) {
          const header = hit.closest(".md-header");
          covered.push((header && !header.contains(el) ? "the header: " : "") + describe(hit) + " at y=" + Math.round(y));
          break;
        }
      }
    }
    return { what: describe(focused), invisible, covered };
  };

  // A walk is done when focus is back on its first stop, or, once it has passed the end of
  // the document, on any stop it has already seen (its first stop may be gone: "Back to top"
  // hides as the page scrolls down).
  //
  // A fast walk records each stop as the key is released. A settled walk (the audit's second
  // look at a walk that found a problem) leaves the recording to record(), which, at each stop
  // the fast walk found wrong or that looks wrong now, waits until the page has finished
  // reacting to the move (material's sidebars and "Back to top" follow scrolling a frame or
  // more later): what a reader sees once focus has moved. The other stops it records at once,
  // as the fast walk did.
  const walk = { stops: [], elements: [], done: false, first: null, seen: new Set(), wrapped: false,
                 settled: false, suspects: new Set() };
  const record = () => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) {
      walk.wrapped = walk.stops.length > 0;
      return;
    }
    if (el === walk.first || (walk.wrapped && walk.seen.has(el))) { walk.done = true; return; }
    if (!walk.first) walk.first = el;
    walk.seen.add(el);
    walk.stops.push(check(el));
    walk.elements.push(el);
  };
  window.__focusWalk = {
    // settled: the walk again, recorded by record(), settling where the last walk found a stop wrong.
    start(settled = false) {
      walk.suspects = settled
        ? new Set(walk.elements.filter((el, i) => walk.stops[i].invisible.length || walk.stops[i].covered.length))
        : new Set();
      walk.stops = []; walk.elements = []; walk.done = false; walk.first = null; walk.seen = new Set();
      walk.wrapped = false; walk.settled = settled;
    },
    // Records once where focus is has stopped moving: the same box two looks running, two
    // frames and 150 ms apart (at most 20 looks; material follows scrolling on a timer too).
    async record() {
      const el = document.activeElement;
      const now = el && el !== document.body && el !== document.documentElement ? check(el) : null;
      const looksWrong = now && (now.invisible.length || now.covered.length);
      if (!walk.suspects.has(el) && !looksWrong) {
        if (!walk.done) record();
        return walk.done;
      }
      const settle = () => new Promise((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 150))));
      const box = () => {
        const el = document.activeElement;
        const r = el ? el.getBoundingClientRect() : { top: 0, left: 0, width: 0, height: 0 };
        return [r.top, r.left, r.width, r.height].map(Math.round).join(",");
      };
      let before = box();
      for (let look = 0; look < 20; look++) {
        await settle();
        const now = box();
        if (now === before) break;
        before = now;
      }
      if (!walk.done) record();
      return walk.done;
    },
    state() {
      return { count: walk.stops.length, done: walk.done };
    },
    result() {
      return walk.stops;
    },
  };
  // Where focus is now, as a walk would record it (null when nothing has focus).
  window.__focusCheck = () => {
    const el = document.activeElement;
    return !el || el === document.body ? null : check(el);
  };
  window.addEventListener("keyup", (event) => {
    if (event.key === "Tab" && !walk.done && !walk.settled) record();
  }, true);

  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const parse = (color) => {
    const m = color.match(/[\d.]+/g);
    return m ? { rgb: m.slice(0, 3).map(Number), alpha: m.length > 3 ? Number(m[3]) : 1 } : null;
  };
  const backdrop = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const c = parse(getComputedStyle(a).backgroundColor);
      if (c && c.alpha > 0.5) return c.rgb;
    }
    return parse(getComputedStyle(document.documentElement).backgroundColor || "rgb(255,255,255)").rgb;
  };
  window.__iconContrast = () => {
    const low = [];
    for (const svg of document.querySelectorAll('svg[class^="pi-"]')) {
      const r = svg.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || getComputedStyle(svg).visibility !== "visible") continue;
      let faded = false;
      for (let a = svg; a && !faded; a = a.parentElement) faded = parseFloat(getComputedStyle(a).opacity) < 0.1;
      if (faded) continue;
      const fg = parse(getComputedStyle(svg).backgroundColor);
      const bg = backdrop(svg);
      const [a, b] = [luminance(fg.rgb), luminance(bg)].sort((x, y) => y - x);
      const ratio = fg.alpha < 0.1 ? 1 : (a + 0.05) / (b + 0.05);
      if (ratio < 3) {
        const control = svg.closest("a, button, label") || svg;
        low.push(describe(control) + ": icon " + svg.getAttribute("class") + " " + ratio.toFixed(2) + ":1");
      }
    }
    return low;
  };
})();
