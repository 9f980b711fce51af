// What pages ask of the browser, declared with data attributes: the
// Content-Security-Policy allows no inline script (onclick="…"), only files of the site.
//
// <button type="button" data-linli-print>Print</button> prints the page.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-linli-print]")) {
    window.print();
  }
});
