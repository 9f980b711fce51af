// What pages ask of the browser, declared with data attributes: the
// Content-Security-Policy allows no inline script (onclick="…"), only files of the site.
//
// <button type="button" data-linli-print>Print</button> prints the page.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-linli-print]")) {
    window.print();
  }
});

// The main menu folds behind one control on a phone (<details data-linli-menu>, which
// works without script); on a wide screen it is opened, and the theme hides its control.
const wide = window.matchMedia("(min-width: 60rem)");
const unfold = () => {
  for (const menu of document.querySelectorAll("details[data-linli-menu]")) {
    menu.open = wide.matches;
  }
};
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", unfold);
} else {
  unfold();
}
wide.addEventListener("change", unfold);

// A table too wide for the screen reflows to one card per row (the theme styles
// table.reflow on a phone): each cell is labelled with its column's heading. A table
// that fits stays a table; without script a wide one scrolls inside its own box.
const labelTables = (root) => {
  for (const table of root.querySelectorAll("main table")) {
    if (table.classList.contains("reflow") || table.closest("[data-linli-no-reflow]")) continue;
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    if (heads.length < 2 || table.scrollWidth <= table.clientWidth + 1) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => {
        if (heads[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i]);
      });
    }
    table.classList.add("reflow");
  }
};
document.addEventListener("DOMContentLoaded", () => labelTables(document));
document.addEventListener("htmx:afterSettle", (event) => labelTables(event.target.ownerDocument || document));

// Two small enhancements that need no htmx (17 KB a cheap phone would fetch for them):
//
// <form method="get" data-linli-live="#items"> — a filter form that refreshes a part of
// the page as the visitor chooses or types (400 ms after the last key); the server
// answers a request with the header HX-Request: true with that part alone. Without
// script it is an ordinary form with its button.
//
// <div data-linli-fragment="/c/x/mediation/widget"> — a block whose content depends on
// who looks, fetched once the page is shown; what it holds before is the fallback.
const fetchPart = async (url, signal) => {
  const response = await fetch(url, { headers: { "HX-Request": "true" }, signal });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.text();
};
const liveForm = (form) => {
  const target = document.querySelector(form.dataset.linliLive);
  if (!target) return;
  let timer;
  let running;
  const refresh = async () => {
    const url = `${form.action}?${new URLSearchParams(new FormData(form))}`;
    running?.abort();
    running = new AbortController();
    try {
      target.innerHTML = await fetchPart(url, running.signal);
      history.replaceState(null, "", url);
      labelTables(target);
      watchPictures(target);
    } catch (error) {
      if (error.name !== "AbortError") form.submit(); // the plain form still works
    }
  };
  form.addEventListener("change", refresh);
  form.addEventListener("input", (event) => {
    if (event.target.matches("input[type=search], input[type=text]")) {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    }
  });
};
const enhance = () => {
  document.querySelectorAll("form[data-linli-live]").forEach(liveForm);
  for (const block of document.querySelectorAll("[data-linli-fragment]")) {
    fetchPart(block.dataset.linliFragment)
      .then((html) => { block.innerHTML = html; watchPictures(block); })
      .catch(() => {}); // the fallback stays
  }
};
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", enhance);
} else {
  enhance();
}

// Read aloud (朗读): <button data-linli-read-aloud data-stop-label="…" hidden> reads the
// page's main content with the browser's speech synthesis, block by block (a heading, a
// paragraph, a list item), in the page's language, marking the block being read; a
// second tap stops. The button comes hidden and is shown only where the browser can
// speak. Skipped: menus (nav), what is hidden from the eye or from screen readers
// (aria-hidden, hidden, a closed <details>), scripts, form fields and the button itself.
const READ_SKIP =
  "nav, [aria-hidden='true'], [hidden], script, style, template, noscript, select, textarea, [data-linli-read-aloud]";
const READ_BLOCK =
  "h1, h2, h3, h4, h5, h6, p, li, dt, dd, th, td, caption, figcaption, blockquote, label, legend, " +
  "summary, pre, address, button, tr, table, ul, ol, dl, div, section, article, aside, header, " +
  "footer, form, fieldset, details, figure, main";
const shown = (element) =>
  element.checkVisibility ? element.checkVisibility() : element.getClientRects().length > 0;
const readingBlocks = (main) => {
  const blocks = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const words = node.data.replace(/\s+/g, " ").trim();
    const parent = node.parentElement;
    if (!words || !parent || parent.closest(READ_SKIP) || !shown(parent)) continue;
    const block = parent.closest(READ_BLOCK) || main;
    const last = blocks[blocks.length - 1];
    if (last && last.element === block) last.text += ` ${words}`;
    else blocks.push({ element: block, text: words });
  }
  return blocks;
};
const readAloud = () => {
  const speech = window.speechSynthesis;
  const buttons = [...document.querySelectorAll("[data-linli-read-aloud]")];
  if (!speech || !window.SpeechSynthesisUtterance || !buttons.length) return;
  let run = 0; // a newer run (or a stop) makes the callbacks of an older one do nothing
  let reading = false;
  let marked = null;
  const mark = (element) => {
    marked?.classList.remove("linli-reading");
    marked = element;
    element?.classList.add("linli-reading");
  };
  const labels = buttons.map((button) => {
    const label = button.querySelector("span") || button;
    return { button, label, text: label.textContent };
  });
  const show = (now) => {
    reading = now;
    for (const { button, label, text } of labels) {
      label.textContent = now ? button.dataset.stopLabel || text : text;
      button.toggleAttribute("data-reading", now);
    }
    if (!now) mark(null);
  };
  const stop = () => {
    run += 1;
    speech.cancel();
    show(false);
  };
  const start = () => {
    const blocks = readingBlocks(document.querySelector("main") || document.body);
    if (!blocks.length) return;
    if (speech.speaking || speech.pending) speech.cancel();
    const current = ++run;
    const lang = document.documentElement.lang || "zh-CN";
    const base = lang.split("-")[0].toLowerCase();
    const voices = speech.getVoices ? speech.getVoices() : [];
    const voice = voices.find((v) => v.lang.replace("_", "-").toLowerCase().startsWith(base));
    const slower = document.documentElement.classList.contains("elder");
    show(true);
    blocks.forEach(({ element, text }, i) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang;
      if (voice) utterance.voice = voice;
      if (slower) utterance.rate = 0.85;
      utterance.onstart = () => { if (run === current) mark(element); };
      utterance.onend = utterance.onerror = () => {
        if (run === current && i === blocks.length - 1) show(false);
      };
      speech.speak(utterance);
    });
  };
  for (const { button } of labels) {
    button.hidden = false;
    button.addEventListener("click", () => (reading ? stop() : start()));
  }
  // Some browsers go on speaking after the visitor has left the page.
  window.addEventListener("pagehide", () => { if (reading) stop(); });
};
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", readAloud);
} else {
  readAloud();
}

// Pictures below the first screen (<img data-linli-src>, the lazy_picture component)
// are fetched when they come within half a screen's height of being seen: a whole
// screen fetched a first visit's worth of dish pictures the visitor had not reached.
document.documentElement.classList.add("js");
const showPicture = (img) => { img.src = img.dataset.linliSrc; img.removeAttribute("data-linli-src"); };
const pictures = "IntersectionObserver" in window
  ? new IntersectionObserver((entries, observer) => {
    for (const entry of entries) {
      if (entry.isIntersecting) { showPicture(entry.target); observer.unobserve(entry.target); }
    }
  }, { rootMargin: "50% 0px" })
  : null;
const watchPictures = (root) => {
  for (const img of root.querySelectorAll("img[data-linli-src]")) {
    if (pictures) pictures.observe(img); else showPicture(img);
  }
};
watchPictures(document);

// Most used services (常用服务): a page of a service (<main data-linli-service="canteen">)
// counts one visit to it in the cookie linli_use, "canteen.12|streetbank.3", kept on
// the visitor's own device; the elder home reads it to choose its tiles, the visitor's
// most used services (linli.web.often_used). Twelve services at most, each counted up to 99 (then
// every count is halved, so what is used now comes first again), under 300 bytes; no
// personal data, nothing written on the server.
const USE_COOKIE = "linli_use";
const USE_ENTRY = /^([a-z][a-z0-9_]{1,31})\.(\d{1,4})$/;
const countVisit = () => {
  const service = document.querySelector("main[data-linli-service]")?.dataset.linliService;
  if (!service || !USE_ENTRY.test(`${service}.0`)) return;
  const counts = new Map();
  const kept = document.cookie.split(/;\s*/).find((c) => c.startsWith(`${USE_COOKIE}=`));
  for (const entry of (kept || "").slice(USE_COOKIE.length + 1).split("|")) {
    const match = USE_ENTRY.exec(entry);
    if (match && !counts.has(match[1])) counts.set(match[1], Math.min(Number(match[2]), 99));
  }
  counts.set(service, (counts.get(service) || 0) + 1);
  if (counts.get(service) > 99) {
    for (const [name, count] of counts) counts.set(name, Math.floor(count / 2));
  }
  const others = [...counts]
    .filter(([name, count]) => name !== service && count > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 11);
  const entries = [[service, counts.get(service)], ...others];
  let value = entries.map(([name, count]) => `${name}.${count}`).join("|");
  while (value.length > 280 && entries.length > 1) {
    entries.pop(); // the least used goes first
    value = entries.map(([name, count]) => `${name}.${count}`).join("|");
  }
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${USE_COOKIE}=${value}; path=/; max-age=31536000; SameSite=Lax${secure}`;
};
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", countVisit);
} else {
  countVisit();
}
