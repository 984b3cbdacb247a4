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
  | { name: 'moderation'; slug: string }
  | { name: 'audit'; slug: string }
  | { name: 'participants'; slug: string }
  | { name: 'import'; slug: string }
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

type SlugRouteName = Extract<Route, { slug: string }>['name'];

/** The pages below a conference, by the path after its slug. */
const conferencePages: Record<string, SlugRouteName> = {
  '': 'conference',
  '/edit': 'edit',
  '/join': 'join',
  '/ideas': 'ideas',
  '/ideas/new': 'newIdea',
  '/moderation': 'moderation',
  '/audit': 'audit',
  '/participants': 'participants',
  '/import': 'import',
};

export function matchRoute(pathname: string): Route {
  // Tolerate one trailing slash ("/login/") but not empty segments elsewhere.
  const path = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname;
  if (path === '/' || path === '') return { name: 'list' };
  if (path === '/login') return { name: 'login' };
  if (path === '/conferences/new') return { name: 'new' };
  // "/c/…" is the app's own prefix; "/conferences/…" (as in the API, and in the
  // invite links the server writes) leads to the same pages.
  const m = /^\/(?:c|conferences)\/([^/]+)(\/[a-z/]+)?$/.exec(path);
  if (m?.[1]) {
    const slug = decode(m[1]);
    if (slug) {
      const name = conferencePages[m[2] ?? ''];
      if (name) return { name, slug };
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
