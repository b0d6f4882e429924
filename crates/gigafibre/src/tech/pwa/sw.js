// The tech app's service worker (scope /j: the app's pages): keeps the
// shell and today's page so that /j opens without signal. Pages are fetched
// from the network first; the copy is used only when the network fails.
const CACHE = "gigafibre-tech-v1";
const SHELL = [
  "/static/app.css",
  "/static/tech.css",
  "/static/tech.js",
  "/static/tech-icon.svg",
  "/j/manifest.webmanifest",
];
const TODAY = "/j";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL);
      await keepToday(cache, await fetch(TODAY, { credentials: "same-origin" }));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

/** Keeps today's page when it is the page itself, forgets it otherwise
 *  (signed out: the server answered with the sign-in page). */
async function keepToday(cache, response) {
  if (response.ok && !response.redirected) {
    await cache.put(TODAY, response.clone());
  } else {
    await cache.delete(TODAY);
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE);
        const kept = await cache.match(request, { ignoreSearch: true });
        if (kept) return kept;
        const response = await fetch(request);
        if (response.ok) await cache.put(request, response.clone());
        return response;
      })(),
    );
    return;
  }
  if (request.mode === "navigate" && (url.pathname === "/j" || url.pathname === "/j/")) {
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE);
        try {
          return await keepToday(cache, await fetch(request));
        } catch {
          return (await cache.match(TODAY)) ?? Response.error();
        }
      })(),
    );
  }
});
