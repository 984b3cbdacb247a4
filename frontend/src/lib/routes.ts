/**
 * The route table: a pure function from a URL path to a route, so it can be
 * unit-tested without a browser. The server answers every non-/api path with
 * index.html, so any path can arrive here, including unknown ones.
 */

export type Route =
  | { name: 'list' }
  | { name: 'login' }
  | { name: 'new' }
  | { name: 'conference'; slug: string }
  | { name: 'edit'; slug: string }
  | { name: 'join'; slug: string }
  | { name: 'ideas'; slug: string }
  | { name: 'newIdea'; slug: string }
  | { name: 'idea'; id: number }
  | { name: 'editIdea'; id: number }
  | { name: 'notFound' };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function matchRoute(pathname: string): Route {
  // Tolerate one trailing slash ("/login/") but not empty segments elsewhere.
  const path = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname;
  if (path === '/' || path === '') return { name: 'list' };
  if (path === '/login') return { name: 'login' };
  if (path === '/conferences/new') return { name: 'new' };
  const m = /^\/c\/([^/]+)(\/edit|\/join|\/ideas|\/ideas\/new)?$/.exec(path);
  if (m?.[1]) {
    const slug = decode(m[1]);
    if (slug) {
      switch (m[2]) {
        case '/edit':
          return { name: 'edit', slug };
        case '/join':
          return { name: 'join', slug };
        case '/ideas':
          return { name: 'ideas', slug };
        case '/ideas/new':
          return { name: 'newIdea', slug };
        default:
          return { name: 'conference', slug };
      }
    }
  }
  // Idea ids are positive integers without leading zeros.
  const idea = /^\/ideas\/([1-9]\d{0,15})(\/edit)?$/.exec(path);
  if (idea?.[1]) {
    const id = Number(idea[1]);
    if (Number.isSafeInteger(id)) return idea[2] ? { name: 'editIdea', id } : { name: 'idea', id };
  }
  return { name: 'notFound' };
}

/**
 * A safe post-login destination: only same-site absolute paths ("/c/x"),
 * never "//host" or "https://…", which would make the login page an open redirect.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
