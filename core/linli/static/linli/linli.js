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
      .then((html) => { block.innerHTML = html; })
      .catch(() => {}); // the fallback stays
  }
};
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", enhance);
} else {
  enhance();
}
