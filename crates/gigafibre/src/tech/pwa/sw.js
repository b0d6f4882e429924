// The tech app's service worker (scope /j: the app's pages): keeps the
// shell, today's page and the page of each of today's jobs, so that /j and
// a job open without signal, even after the phone restarted. Pages are
// fetched from the network first; the copy is used when the network fails,
// or is slower than NETWORK_WAIT_MS (a basement's one bar of signal), and
// the late answer still refreshes the copy for the next visit. Only GETs
// are ever answered from the copy: the offline queue's writes to the API
// always go to the network.
// A new name on every change to the files below, so that phones take them.
const CACHE = "gigafibre-tech-v3";
// Everything a page of the app loads: the job page's records (checklist,
// photos, signature) included.
const SHELL = [
  "/static/app.css",
  "/static/tech.css",
  "/static/tech.js",
  "/static/tech-queue.js",
  "/static/tech-onsite.css",
  "/static/tech-onsite.js",
  "/static/tech-icon.svg",
  "/j/manifest.webmanifest",
];
const TODAY = "/j";
const JOB_PAGE = /^\/j\/job\/\d+$/;
const NETWORK_WAIT_MS = 800;

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

/** Whether an answer is the page asked for (signed out, the server
 *  answers with the sign-in page instead). */
const isThePage = (response) => response.ok && !response.redirected;

/** Keeps today's page and the pages of the jobs it lists, and forgets the
 *  job pages of another day; forgets everything when signed out. */
async function keepToday(cache, response) {
  if (!isThePage(response)) {
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (path === TODAY || JOB_PAGE.test(path)) await cache.delete(request);
    }
    return response;
  }
  await cache.put(TODAY, response.clone());
  const html = await response.clone().text();
  const listed = new Set([...html.matchAll(/href="(\/j\/job\/\d+)"/g)].map((m) => m[1]));
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (JOB_PAGE.test(path) && !listed.has(path)) await cache.delete(request);
  }
  await Promise.all(
    [...listed].map(async (path) => {
      try {
        const page = await fetch(path, { credentials: "same-origin" });
        if (isThePage(page)) await cache.put(path, page);
      } catch {
        // No signal now: the page is kept the next time it loads.
      }
    }),
  );
  return response;
}

/** The network's answer (kept for next time), else the kept copy: at once
 *  when the network fails, after NETWORK_WAIT_MS when it is slow. */
async function networkFirst(event, keep) {
  const cache = await caches.open(CACHE);
  const path = new URL(event.request.url).pathname;
  const fromNetwork = fetch(event.request).then((response) => {
    event.waitUntil(keep(cache, response.clone(), path));
    return response;
  });
  event.waitUntil(fromNetwork.catch(() => {}));
  const slow = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS));
  const first = await Promise.race([fromNetwork.catch(() => null), slow.then(() => undefined)]);
  if (first) return first;
  const kept = await cache.match(path);
  if (kept) return kept;
  // No copy: wait for the network however slow it is.
  return (await fromNetwork.catch(() => null)) ?? Response.error();
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
  if (request.mode !== "navigate") return;
  if (url.pathname === "/j" || url.pathname === "/j/") {
    event.respondWith(networkFirst(event, (cache, response) => keepToday(cache, response)));
  } else if (JOB_PAGE.test(url.pathname)) {
    event.respondWith(
      networkFirst(event, async (cache, response, path) => {
        if (isThePage(response)) await cache.put(path, response);
        else await cache.delete(path);
      }),
    );
  }
});
