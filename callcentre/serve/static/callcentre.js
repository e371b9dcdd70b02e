// Buttons of the page around the terminal: (re)start a session by reloading the page.
// Kept out of the HTML so the Content-Security-Policy can forbid inline scripts.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.restart")) {
    button.addEventListener("click", () => {
      const url = new URL(window.location.href);
      url.searchParams.delete("delay");
      url.searchParams.delete("ping");
      window.location.href = url.pathname + "?" + url.searchParams.toString();
    });
  }
});
