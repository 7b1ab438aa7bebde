// The workbench's shared script: small helpers for the pages' own modules. Nothing here talks
// to another host, and the CSP forbids it anyway.

/** The session's CSRF token, for a script's write (send it as the X-CSRF-Token header). */
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

/** fetch() on this server with the CSRF header and the session cookie. */
export function send(url, options = {}) {
  const headers = new Headers(options.headers || {});
  headers.set("X-CSRF-Token", csrfToken());
  return fetch(url, { ...options, headers, credentials: "same-origin" });
}

// Forms marked data-confirm ask before they send (a delete, a merge).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) event.preventDefault();
});

// The navigation marks the page the reader is on.
for (const link of document.querySelectorAll("nav a[href]")) {
  if (link.getAttribute("href") === window.location.pathname) link.setAttribute("aria-current", "page");
}
