/**
 * Client-side routing on the History API. Same-origin link clicks are
 * intercepted globally, so components use plain <a href> elements.
 *
 * After a navigation the next <PageHeading> to mount takes keyboard focus
 * (and so announces the new page to screen readers); the first page load
 * leaves focus alone, so the skip link stays the first tab stop.
 */

import { matchRoute, type Route } from './routes';
import { clearStatus } from './status.svelte';

const location = $state({ path: window.location.pathname, search: window.location.search });
let focusRequested = false;

export const router = {
  get path(): string {
    return location.path;
  },
  get route(): Route {
    return matchRoute(location.path);
  },
  get query(): URLSearchParams {
    return new URLSearchParams(location.search);
  },
};

function sync(): void {
  location.path = window.location.pathname;
  location.search = window.location.search;
}

/** Goes to `to` (a same-origin path, optionally with a query); `replace` keeps history short for redirects. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.origin);
  const target = url.pathname + url.search + url.hash;
  if (options.replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  focusRequested = true;
  clearStatus();
  sync();
  window.scrollTo(0, 0);
}

/**
 * Writes the current page's own state into the URL query (e.g. a search as it
 * is typed) without a navigation: no focus move, no scrolling, no remount.
 * `replace` rewrites the current history entry; otherwise the back button
 * returns to the previous state. `router.query` follows.
 */
export function setQuery(search: string, options: { replace?: boolean } = {}): void {
  const target = window.location.pathname + search;
  if (options.replace) history.replaceState(history.state, '', target);
  else history.pushState(null, '', target);
  sync();
}

/** Called by the page heading when it mounts; true once per navigation. */
export function takeFocusRequest(): boolean {
  const requested = focusRequested;
  focusRequested = false;
  return requested;
}

function onLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || !anchor.hasAttribute('href')) return;
  if (anchor.target && anchor.target !== '_self') return;
  if (anchor.hasAttribute('download') || anchor.getAttribute('rel')?.includes('external')) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin) return;
  if (url.pathname.startsWith('/api/')) return;
  // In-page anchors such as the skip link keep their native behaviour.
  if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) return;
  event.preventDefault();
  if (url.pathname + url.search === window.location.pathname + window.location.search) return;
  navigate(url.pathname + url.search + url.hash);
}

function onPopState(): void {
  focusRequested = true;
  clearStatus();
  sync();
}

/** Installs the listeners; returns a function that removes them. */
export function startRouter(): () => void {
  document.addEventListener('click', onLinkClick);
  window.addEventListener('popstate', onPopState);
  return () => {
    document.removeEventListener('click', onLinkClick);
    window.removeEventListener('popstate', onPopState);
  };
}
