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
