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
