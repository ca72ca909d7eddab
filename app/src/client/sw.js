// КНД.Онлайн service worker. The server fills in the build id and the build's asset list, so a
// new build is a new worker with its own cache; see docs/ARCHITECTURE.md ("Offline").
"use strict";

const BUILD = "__BUILD_ID__";
const PRECACHE = __PRECACHE__;
const CACHE_PREFIX = "knd-build-";
const CACHE = CACHE_PREFIX + BUILD;
// Which open page (client id) belongs to which build, kept in the Cache API so it survives the
// worker being stopped and restarted by the browser.
const REGISTRY = "knd-clients";
const SHELL = "/offline";
const NAVIGATION_TIMEOUT_MS = 3000;
// Pages kept for offline use from the first visit, before the user opens them (the server
// fills in the list, `release::WARM_PAGES`). Fetched best-effort: one that fails now is stored
// when visited.
const WARM_PAGES = __WARM_PAGES__;

self.addEventListener("install", (event) => {
  // No skipWaiting here: an update waits until the user agrees to it.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map(precacheRequest)).then(() => warm(cache))),
  );
});

async function warm(cache) {
  await Promise.all(
    WARM_PAGES.map(async (path) => {
      try {
        const response = await fetch(path, { credentials: "same-origin", cache: "no-cache" });
        if (response.ok && response.headers.get("x-knd-build") === BUILD) {
          await cache.put(path, response);
        }
      } catch (_) {
        // Offline or slow now: the page is stored on its first visit instead.
      }
    }),
  );
}

// Hashed files may come from the HTTP cache (the page has just loaded them, and their names
// change with their content); everything else is revalidated so it belongs to this build.
function precacheRequest(url) {
  return new Request(url, { cache: url.startsWith("/pkg/") ? "default" : "no-cache" });
}

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim().then(pruneCaches));
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "SKIP_WAITING") {
    self.skipWaiting();
  } else if (data.type === "hello" && event.source && typeof data.build === "string") {
    // Tell the page how its own navigation went: answered from the cache because the network
    // failed means it opens offline, whatever navigator.onLine says.
    const id = event.source.id;
    if (navigationOutcome.has(id)) {
      event.source.postMessage({ type: "network", online: navigationOutcome.get(id) });
      navigationOutcome.delete(id);
    }
    event.waitUntil(remember(id, data.build).then(pruneCaches));
  } else if (data.type === "visited" && typeof data.url === "string") {
    event.waitUntil(storePage(data.url));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Server functions and the API are never cached: their answers must be live.
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js" || url.pathname === "/healthz") return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request, event.resultingClientId));
  } else {
    event.respondWith(cachedOrNetwork(request));
  }
});

// How each page's navigation went (client id -> reached the network), told to the page when it
// says hello after loading. Only recent ones matter, so the map is kept small.
const navigationOutcome = new Map();
function noteNavigation(clientId, online) {
  if (!clientId) return;
  navigationOutcome.set(clientId, online);
  while (navigationOutcome.size > 20) navigationOutcome.delete(navigationOutcome.keys().next().value);
}

// The network failed under an open page's feet: every open page learns it is offline.
async function tellPages(online) {
  for (const client of await self.clients.matchAll({ type: "window" })) {
    client.postMessage({ type: "network", online });
  }
}

// Network first with a short timeout, then the cached page of this build, then the shell.
async function navigate(request, clientId) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    noteNavigation(clientId, true);
    tellPages(true);
    // Keep only pages of this build, so old HTML is never paired with new wasm or vice versa.
    if (response.ok && response.headers.get("x-knd-build") === BUILD) {
      await cache.put(request, response.clone());
    }
    // The server is up but its database is not (503): the device's copy of the page, if it
    // has one, is more use than the notice.
    if (response.status === 503) {
      const page = await cache.match(request, { ignoreVary: true });
      if (page) return page;
    }
    return response;
  } catch (_) {
    noteNavigation(clientId, false);
    await tellPages(false);
    const page = await cache.match(request, { ignoreVary: true });
    if (page) return page;
    const shell = await cache.match(SHELL);
    if (shell) return shell;
    return new Response("Нет соединения / No connection", {
      status: 503,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
}

// A page reached by client-side navigation: fetch and keep it like a loaded page.
async function storePage(url) {
  const target = new URL(url, self.location.origin);
  if (target.origin !== self.location.origin || target.pathname.startsWith("/api/")) return;
  try {
    const response = await fetch(target, { credentials: "same-origin" });
    if (response.ok && response.headers.get("x-knd-build") === BUILD) {
      await (await caches.open(CACHE)).put(target, response);
    }
  } catch (_) {
    // Offline: nothing to store now.
  }
}

// Hashed assets never change, so any build's cache may answer; pages of an older build that are
// still open get their own assets this way.
async function cachedOrNetwork(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch (error) {
    await tellPages(false);
    throw error;
  }
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function remember(clientId, build) {
  const registry = await caches.open(REGISTRY);
  await registry.put(new Request("/__client/" + encodeURIComponent(clientId)), new Response(build));
}

// Deletes the caches of builds no open page uses any more; the current build's cache stays.
async function pruneCaches() {
  const registry = await caches.open(REGISTRY);
  const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const openIds = new Set(open.map((client) => client.id));
  const keep = new Set([CACHE]);
  for (const request of await registry.keys()) {
    const clientId = decodeURIComponent(new URL(request.url).pathname.slice("/__client/".length));
    if (openIds.has(clientId)) {
      const entry = await registry.match(request);
      if (entry) keep.add(CACHE_PREFIX + (await entry.text()));
    } else {
      await registry.delete(request);
    }
  }
  for (const name of await caches.keys()) {
    if (name.startsWith(CACHE_PREFIX) && !keep.has(name)) await caches.delete(name);
  }
}
